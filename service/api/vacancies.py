"""`/vacancies` and referrals to them: employers post their own, staff post for any."""

from __future__ import annotations

import uuid

from schemas.employers import VacancyCreateSchema, VacancyListArgsSchema, VacancyPatchSchema, VacancySchema
from schemas.pagination import page_of
from schemas.placements import ReferralCreateSchema, ReferralSchema
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint, listing
from service.domain.roles import CASEWORK_WRITERS, EMPLOYER_SIDE_READERS, EMPLOYER_SIDE_WRITERS
from service.services import referrals, vacancies

blp = Blueprint("vacancies", __name__, url_prefix="/vacancies", description="Vacancies posted by employers.")


@blp.route("", methods=["POST"])
@requires(EMPLOYER_SIDE_WRITERS)
@idempotent
@blp.arguments(VacancyCreateSchema)
@blp.response(201, VacancySchema)
def create_vacancy(body):
    return vacancies.create(context.uow(), context.principal(), body)


@blp.route("", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.arguments(VacancyListArgsSchema, location="query")
@blp.response(200, page_of(VacancySchema))
def list_vacancies(args):
    return listing(vacancies.list_(context.uow(), context.principal(), args))


@blp.route("/<uuid:vacancy_id>", methods=["GET"])
@requires(EMPLOYER_SIDE_READERS)
@blp.response(200, VacancySchema)
def get_vacancy(vacancy_id: uuid.UUID):
    return vacancies.get(context.uow(), context.principal(), vacancy_id)


@blp.route("/<uuid:vacancy_id>", methods=["PATCH"])
@requires(EMPLOYER_SIDE_WRITERS)
@blp.arguments(VacancyPatchSchema)
@blp.response(200, VacancySchema)
def patch_vacancy(changes, vacancy_id: uuid.UUID):
    return vacancies.update(context.uow(), context.principal(), vacancy_id, changes)


@blp.route("/<uuid:vacancy_id>/referrals", methods=["POST"])
@requires(CASEWORK_WRITERS)
@idempotent
@blp.arguments(ReferralCreateSchema)
@blp.response(201, ReferralSchema)
def refer_trainee(body, vacancy_id: uuid.UUID):
    return referrals.refer(context.uow(), context.principal(), vacancy_id, body)
