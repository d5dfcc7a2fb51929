"""`/referrals` and their steps; employer users see their own, with a trainee summary only."""

from __future__ import annotations

import uuid

from schemas.pagination import page_of
from schemas.placements import (EmployerReferralSchema, EmptySchema, ReferralListArgsSchema, ReferralSchema,
                                WorkTermsSchema)
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, dump, dump_listing
from service.domain.roles import EMPLOYER_SIDE_READERS, EMPLOYER_SIDE_WRITERS, Role
from service.services import referrals

blp = Blueprint("referrals", __name__, url_prefix="/referrals",
                description="Referrals of trainees to vacancies: referred -> interviewing -> hired | rejected; "
                            "withdrawn from any open state. Employer users receive no trainee id.")


def _schema():
    return EmployerReferralSchema() if context.principal().role == Role.EMPLOYER else ReferralSchema()


@blp.route("", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.arguments(ReferralListArgsSchema, location="query")
@blp.response(200, page_of(ReferralSchema))
def list_referrals(args):
    return dump_listing(_schema(), referrals.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:referral_id>", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.response(200, ReferralSchema)
def get_referral(referral_id: uuid.UUID):
    return dump(_schema(), referrals.get(context.uow(), context.principal(), referral_id))


def _step_view(step: str):
    @requires(EMPLOYER_SIDE_WRITERS)
    @idempotent
    @blp.arguments(EmptySchema, required=False)
    @blp.response(200, ReferralSchema)
    def view(_body, referral_id: uuid.UUID):
        return dump(_schema(), referrals.take_step(context.uow(), context.principal(), referral_id, step))

    view.__name__ = f"{step}_referral"
    view.__doc__ = f"Step `{step}` of a referral."
    return view


for _step in ("interview", "reject", "withdraw"):
    blp.route(f"/<uuid:referral_id>/{_step}", methods=["POST"])(_step_view(_step))


@blp.route("/<uuid:referral_id>/hire", methods=["POST"])
@requires(EMPLOYER_SIDE_WRITERS)
@idempotent
@blp.arguments(WorkTermsSchema)
@blp.response(200, ReferralSchema)
def hire_referral(terms, referral_id: uuid.UUID):
    """Hire the referred trainee: creates the placement with these work terms."""
    return dump(_schema(), referrals.hire(context.uow(), context.principal(), referral_id, terms))
