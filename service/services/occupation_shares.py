"""Occupation sex-share tables: which one is in effect, loading one, and the non-traditional rule over it.

Three tables may speak for a country, and the first that exists is in effect for an organisation:
1. the organisation's own, loaded by its admin (`PUT /reference/occupation-sex-shares/{country}`),
   for its own country only, and read by that organisation's figures only: one tenant never changes
   another's figures;
2. the national table an operator loaded (`pathways reference load-occupations --country CC FILE`);
3. the table shipped with Pathways (service/reference/occupation_sex_shares_CC.csv), from official
   statistics, read from the package: a new release's table needs no step, and no copy goes stale.

Figures should apply the table when they are asked for (`table_in_effect` once per report, then
`table.non_traditional_sexes(code)` per placement) rather than store a verdict per placement: a table
loaded later changes which occupations are non-traditional, and a stored verdict would go stale.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.clock import utcnow
from service.db import audit
from service.db.models import Organisation
from service.db.models.reference import OccupationSexShare
from service.domain.errors import NotFound, ValidationFailed
from service.domain.occupation_shares import ShareRow, ShareTable, parse_csv, validate_rows
from service.domain.roles import PROGRAMME_READERS, Principal, Role
from service.ids import new_id
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

SHIPPED = Path(__file__).resolve().parent.parent / "reference"
ORGANISATION, NATIONAL, SHIPPED_SCOPE = "organisation", "national", "shipped"
#: The audit entry of an admin's load names this entity type (the entity id is the organisation's).
AUDIT_ENTITY = "occupation_sex_shares"
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}\Z")


@dataclass(frozen=True)
class TableInEffect:
    country: str
    scope: str  # ORGANISATION, NATIONAL or SHIPPED_SCOPE
    table: ShareTable


def shipped_path(country: str) -> Path:
    return SHIPPED / f"occupation_sex_shares_{country.upper()}.csv"


@cache
def shipped(country: str) -> ShareTable | None:
    """The table shipped for a country, or None; a shipped file that breaks the rules fails loudly."""
    path = shipped_path(country)
    if not path.is_file():
        return None
    return ShareTable(parse_csv(path.read_text(encoding="utf-8")))


def _stored(session: Session, country: str, organisation_id: uuid.UUID | None) -> ShareTable | None:
    owner = (OccupationSexShare.organisation_id == organisation_id if organisation_id is not None
             else OccupationSexShare.organisation_id.is_(None))
    rows = session.scalars(select(OccupationSexShare).where(OccupationSexShare.country == country, owner)).all()
    if not rows:
        return None
    return ShareTable(ShareRow(row.isco_code, row.female_share, row.male_share, row.source, row.year) for row in rows)


def table_in_effect(session: Session, country: str, organisation_id: uuid.UUID | None = None) -> TableInEffect | None:
    """The table a country's figures are set against (for `organisation_id`: its own first); None if none."""
    country = country.upper()
    if organisation_id is not None and (own := _stored(session, country, organisation_id)) is not None:
        return TableInEffect(country, ORGANISATION, own)
    if (national := _stored(session, country, None)) is not None:
        return TableInEffect(country, NATIONAL, national)
    if (packaged := shipped(country)) is not None:
        return TableInEffect(country, SHIPPED_SCOPE, packaged)
    return None


def non_traditional_sexes(session: Session, country: str, isco_code: str,
                          organisation_id: uuid.UUID | None = None) -> frozenset[str]:
    """Which of `female` and `male` find the occupation `isco_code` (1-4 digits) non-traditional in `country`:
    that sex is below 25 % of the workers of its sub-major group (else its major group) in the table in effect
    (pass `organisation_id` so that an organisation's own table counts). Empty when neither sex is, when no
    table is in effect, or when the table says nothing of the code.

    One query per call: for many placements, take `table_in_effect(...).table` once and ask its
    `non_traditional_sexes(code)` for each."""
    found = table_in_effect(session, country, organisation_id)
    return found.table.non_traditional_sexes(isco_code) if found is not None else frozenset()


def replace(session: Session, country: str, rows: list[ShareRow], organisation_id: uuid.UUID | None = None,
            actor_id: uuid.UUID | None = None) -> None:
    """Put `rows` in place of the stored table (the organisation's, or with None the national one), in the
    caller's transaction. An organisation's load is audited once: the old and the new rows."""
    country = country.upper()
    owner = (OccupationSexShare.organisation_id == organisation_id if organisation_id is not None
             else OccupationSexShare.organisation_id.is_(None))
    old = _stored(session, country, organisation_id)
    session.execute(delete(OccupationSexShare).where(OccupationSexShare.country == country, owner))
    now = utcnow()
    session.add_all(OccupationSexShare(organisation_id=organisation_id, country=country, isco_code=row.isco_code,
                                       female_share=row.female_share, male_share=row.male_share, source=row.source,
                                       year=row.year, loaded_at=now) for row in rows)
    session.flush()
    if organisation_id is not None:
        audit.add(session, [audit.entry(
            entry_id=new_id(), organisation_id=organisation_id, actor_id=actor_id,
            action="update" if old is not None else "create", entity_type=AUDIT_ENTITY, entity_id=organisation_id,
            changes={"country": country, "rows": [_audited(old.rows.values()) if old else None, _audited(rows)]},
            occurred_at=now)])


def remove(session: Session, country: str, organisation_id: uuid.UUID, actor_id: uuid.UUID | None = None) -> bool:
    """Drop an organisation's own table (the national or shipped one is in effect again); False if it had none."""
    country = country.upper()
    old = _stored(session, country, organisation_id)
    if old is None:
        return False
    session.execute(delete(OccupationSexShare).where(OccupationSexShare.country == country,
                                                     OccupationSexShare.organisation_id == organisation_id))
    audit.add(session, [audit.entry(
        entry_id=new_id(), organisation_id=organisation_id, actor_id=actor_id, action="delete",
        entity_type=AUDIT_ENTITY, entity_id=organisation_id,
        changes={"country": country, "rows": [_audited(old.rows.values()), None]}, occurred_at=utcnow())])
    return True


def _audited(rows) -> list[list]:
    return [[row.isco_code, str(row.female_share), str(row.male_share), row.source, row.year]
            for row in sorted(rows, key=lambda row: row.isco_code)]


# Use cases of the API: everyone who reads the programme reads any country's table in effect (official
# statistics, nothing of another tenant: an organisation's own table is shown to that organisation only);
# an admin loads or drops the own organisation's table, for the organisation's country.

def read(uow: UnitOfWork, principal: Principal, country: str) -> tuple[TableInEffect, str]:
    """The table in effect for the caller's organisation in `country`, and the organisation's locale."""
    principal.require(PROGRAMME_READERS)
    country = _country(country)
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        found = table_in_effect(uow.session, country, organisation.id)
        locale = organisation.locale
    if found is None:
        raise NotFound(Msg("No occupation sex-share table for {country}: an admin can load one.", country=country))
    return found, locale


def load(uow: UnitOfWork, principal: Principal, country: str, body: dict) -> tuple[TableInEffect, str]:
    """Put the admin's table (`rows` as objects, or `csv` as text) in place of the organisation's own."""
    principal.require(frozenset({Role.ADMIN}))
    country = _country(country)
    rows = parse_csv(body["csv"]) if "csv" in body else validate_rows(body["rows"])
    with uow:
        organisation = _own_country(uow, principal, country)
        replace(uow.session, country, rows, organisation.id, actor_id=uow.actor_id)
        uow.commit()
    return read(uow, principal, country)


def unload(uow: UnitOfWork, principal: Principal, country: str) -> None:
    """Drop the organisation's own table: the national (or shipped) one is in effect again."""
    principal.require(frozenset({Role.ADMIN}))
    country = _country(country)
    with uow:
        organisation = _own_country(uow, principal, country)
        if not remove(uow.session, country, organisation.id, actor_id=uow.actor_id):
            raise NotFound(Msg("The organisation has no table of its own for {country}.", country=country))
        uow.commit()


def load_national(uow: UnitOfWork, country: str, rows: list[ShareRow]) -> int:
    """An operator's load of a country's national table (the command line); returns the rows loaded."""
    country = _country(country, field="--country")
    with uow:
        replace(uow.session, country, rows)
        uow.commit()
    return len(rows)


def _country(country: str, field: str = "country") -> str:
    code = country.upper() if country.isascii() else ""  # "ıt".upper() is "IT": no code is spelled so
    if not COUNTRY_PATTERN.match(code):
        raise ValidationFailed({field: [Msg("An ISO 3166-1 alpha-2 code such as TR or SE.")]})
    return code


def _own_country(uow: UnitOfWork, principal: Principal, country: str):
    # Locked: two admins' loads at once would each delete the old rows and both insert theirs.
    organisation = uow.session.get(Organisation, principal.organisation_id, with_for_update=True)
    if organisation is None:
        raise NotFound(Msg("Organisation not found."))
    if organisation.country != country:
        raise ValidationFailed({"country": [
            Msg("An organisation loads the table of its own country ({country}): its figures read no other.",
                country=organisation.country)]})
    return organisation
