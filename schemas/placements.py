"""Referrals, placements and follow-ups; employers see a trainee only as a summary."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, Date, PlanDate, StrictBoolean, StrictInteger, Text, one_of, rule_broken
from schemas.money import Amount, Currency
from schemas.pagination import PageArgsSchema
from service.domain import follow_ups, placements, referrals, vacancies


class TraineeSummarySchema(BaseSchema):
    """The minimum an employer may know of a referred trainee (SPEC section 1)."""

    given_name = fields.String()
    family_name_initial = fields.String()
    cohort = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)


class ReferralCreateSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)
    note = Text(max_length=2000, multiline=True, load_default="")


class ReferralSchema(BaseSchema):
    id = fields.UUID()
    vacancy_id = fields.UUID()
    employer_id = fields.UUID()
    trainee_id = fields.UUID()
    trainee = fields.Nested(TraineeSummarySchema)
    status = fields.String()
    note = fields.String()
    placement_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class EmployerReferralSchema(ReferralSchema):
    """What an employer user receives: no trainee id, no caseworker's note."""

    class Meta(BaseSchema.Meta):
        exclude = ("trainee_id", "note")


class ReferralListArgsSchema(PageArgsSchema):
    vacancy_id = fields.UUID()
    employer_id = fields.UUID()
    trainee_id = fields.UUID()
    status = fields.String(validate=one_of(referrals.STATUSES))


class EmptySchema(BaseSchema):
    """Steps without a body still refuse unknown fields."""


class WorkTermsSchema(BaseSchema):
    started_on = Date(required=True)
    wage_monthly = Amount(required=True)
    currency = Currency(required=True)
    hours_per_week = StrictInteger(required=True, validate=validate.Range(1, placements.MAX_HOURS_PER_WEEK))
    contract_type = fields.String(required=True, validate=one_of(vacancies.CONTRACT_TYPES))
    formal = StrictBoolean(required=True, metadata={"description": "Registered with social security."})


class PlacementCreateSchema(WorkTermsSchema):
    trainee_id = fields.UUID(required=True)
    employer_id = fields.UUID(metadata={"description": "Required for staff; employer users record their own."})
    vacancy_id = fields.UUID(allow_none=True)


class PlacementEndSchema(BaseSchema):
    ended_on = Date(required=True)
    reason = fields.String(required=True, validate=one_of(placements.END_REASONS))


class PlacementSchema(BaseSchema):
    id = fields.UUID()
    trainee_id = fields.UUID()
    trainee = fields.Nested(TraineeSummarySchema)
    employer_id = fields.UUID()
    vacancy_id = fields.UUID(allow_none=True)
    started_on = fields.Date()
    wage_monthly = Amount()
    currency = fields.String()
    hours_per_week = fields.Integer()
    contract_type = fields.String()
    formal = fields.Boolean()
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class EmployerPlacementSchema(PlacementSchema):
    class Meta(BaseSchema.Meta):
        exclude = ("trainee_id",)


class PlacementListArgsSchema(PageArgsSchema):
    trainee_id = fields.UUID()
    employer_id = fields.UUID()
    vacancy_id = fields.UUID()
    #: A query string carries text: exactly "true" or "false".
    active = fields.Boolean(truthy={"true"}, falsy={"false"})
    started_from = PlanDate()
    started_to = PlanDate()


class FollowUpRecordSchema(BaseSchema):
    status = fields.String(required=True, validate=one_of((follow_ups.RECORDED, follow_ups.UNREACHABLE)),
                           metadata={"description": "`recorded` with an outcome, or `unreachable`."})
    employment_status = fields.String(validate=one_of(follow_ups.EMPLOYMENT_STATUSES))
    wage_monthly = Amount(allow_none=True)
    currency = Currency(allow_none=True)
    observed_on = Date(metadata={"description": (
        "The day the status refers to (for `unreachable`: the day the person could not be reached). In the "
        "checkpoint's window (`due_on` to `window_ends_on`) and not ahead of today; by default today, which "
        "is only possible while the window is open.")})

    @ma.validates_schema
    def _outcome_matches_status(self, data, **_kwargs):
        if data.get("status") == follow_ups.RECORDED and not data.get("employment_status"):
            rule_broken({"employment_status": ["Required when the status is recorded."]})
        if data.get("status") == follow_ups.UNREACHABLE:
            given = [name for name in ("employment_status", "wage_monthly", "currency") if data.get(name)]
            if given:
                rule_broken({name: ["Not with status unreachable."] for name in given})


_STATUS = ("`scheduled` before `due_on`; `due` from `due_on` to `window_ends_on` (exit: 28 days, upon leaving; "
           "month_6 and month_12: 91 days); `overdue` after the window without a record; `recorded`; `unreachable`.")


class FollowUpSchema(BaseSchema):
    id = fields.UUID()
    enrolment_id = fields.UUID()
    trainee_id = fields.UUID()
    checkpoint = fields.String()
    due_on = fields.Date()
    window_ends_on = fields.Method("_window_ends_on", metadata={"type": "string", "format": "date"})
    status = fields.Method("_status", metadata={"enum": list(follow_ups.SHOWN_STATUSES), "description": _STATUS})
    observed_on = fields.Date(allow_none=True, metadata={"description": "The day the recorded status refers to."})
    employment_status = fields.String(allow_none=True)
    wage_monthly = Amount(allow_none=True)
    currency = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    placement_id = fields.UUID(allow_none=True)
    updated_at = fields.AwareDateTime()

    def _window_ends_on(self, follow_up) -> str:
        return follow_ups.window_end(follow_up.checkpoint, follow_up.due_on).isoformat()

    def _status(self, follow_up) -> str:
        return follow_up.shown_status  # by the organisation's today: service.services.follow_ups


class FollowUpListArgsSchema(PageArgsSchema):
    status = fields.String(validate=one_of(follow_ups.SHOWN_STATUSES), metadata={"description": _STATUS})
    checkpoint = fields.String(validate=one_of(follow_ups.CHECKPOINTS))
    trainee_id = fields.UUID()
    enrolment_id = fields.UUID()
    due_from = PlanDate()
    due_to = PlanDate()
