"""`/reference/occupation-sex-shares/{country}`: the table that says which occupations are non-traditional
for women or for men (a sex below 25 % of the workers), read by everyone who reads the programme and
loaded by an admin for the organisation's own country."""

from __future__ import annotations

from schemas.reference import OccupationSharesPutSchema, OccupationSharesSchema
from service.api import context
from service.api.auth import requires
from service.api.openapi import Blueprint
from service.domain import occupations
from service.domain.occupation_shares import THRESHOLD
from service.domain.roles import ADMIN_ONLY, PROGRAMME_READERS
from service.services import occupation_shares
from service.translations import translate

blp = Blueprint("reference", __name__, url_prefix="/reference",
                description="Reference tables from official statistics: employment by ISCO-08 group and sex.")

_PATH = "/occupation-sex-shares/<string(length=2):country>"


@blp.route(_PATH, methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, OccupationSharesSchema, description="The table in effect for the caller's organisation in "
              "`country` (ISO 3166-1 alpha-2): its own, else the national one, else the shipped one.")
def get_occupation_shares(country: str):
    """Read the occupation sex-share table in effect for a country."""
    return _answer(*occupation_shares.read(context.uow(), context.principal(), country))


@blp.route(_PATH, methods=["PUT"])
@requires(ADMIN_ONLY)
@blp.arguments(OccupationSharesPutSchema)
@blp.response(200, OccupationSharesSchema, description="The organisation's own table, now in effect: a whole "
              "table, checked whole (a fault anywhere loads nothing). Only for the organisation's country.")
def put_occupation_shares(body: dict, country: str):
    """Load the organisation's own occupation sex-share table."""
    return _answer(*occupation_shares.load(context.uow(), context.principal(), country, body))


@blp.route(_PATH, methods=["DELETE"])
@requires(ADMIN_ONLY)
@blp.response(204, description="The organisation's own table is dropped: the national or shipped one is in effect.")
def delete_occupation_shares(country: str):
    """Drop the organisation's own occupation sex-share table."""
    occupation_shares.unload(context.uow(), context.principal(), country)


def _answer(found: occupation_shares.TableInEffect, locale: str) -> dict:
    rows = sorted(found.table.rows.values(), key=lambda row: row.isco_code)
    return {"country": found.country, "scope": found.scope, "threshold": float(THRESHOLD), "rows": [
        {"isco_code": row.isco_code, "level": occupations.level(row.isco_code),
         "title": translate(locale, occupations.title(row.isco_code)), "female_share": float(row.female_share),
         "male_share": float(row.male_share), "non_traditional_for": sorted(row.non_traditional_for),
         "source": row.source, "year": row.year} for row in rows]}
