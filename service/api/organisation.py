"""`/organisation`: the caller's own organisation and its settings."""

from __future__ import annotations


from schemas.organisations import OrganisationPatchSchema, OrganisationSchema
from service.api import context
from service.api.auth import requires
from service.api.openapi import Blueprint
from service.domain.roles import ADMIN_ONLY, EVERYONE
from service.services import organisations

blp = Blueprint("organisation", __name__, url_prefix="/organisation",
                description="The caller's organisation (tenant) and its settings.")


@blp.route("", methods=["GET"])
@requires(EVERYONE)
@blp.response(200, OrganisationSchema)
def get_organisation():
    return organisations.get(context.uow(), context.principal())


@blp.route("", methods=["PATCH"])
@requires(ADMIN_ONLY)
@blp.arguments(OrganisationPatchSchema)
@blp.response(200, OrganisationSchema)
def patch_organisation(changes):
    return organisations.update(context.uow(), context.principal(), changes)
