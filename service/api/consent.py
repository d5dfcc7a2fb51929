"""Consent (issue 18): `/organisation/consent-texts` (admins publish versions) and `/trainees/{id}/consent`
(a person's consent; `/withdraw` in one step)."""

from __future__ import annotations

import uuid

from schemas.consent import (
    ConsentTextArgsSchema, ConsentTextListSchema, ConsentTextPublishedSchema, ConsentTextPublishSchema,
    PersonConsentSchema, WithdrawSchema,
)
from service.api import context
from service.api.auth import requires
from service.api.idempotency import idempotent
from service.api.openapi import Blueprint
from service.domain.roles import ADMIN_ONLY, CASEWORK_WRITERS, EVERYONE, PROGRAMME_READERS
from service.services import consent

blp = Blueprint("consent", __name__, url_prefix="",
                description="Consent: versioned consent texts, and each person's consent per purpose and its "
                            "withdrawal.")

@blp.route("/organisation/consent-texts", methods=["GET"])
@requires(EVERYONE)
@blp.arguments(ConsentTextArgsSchema, location="query")
@blp.response(200, ConsentTextListSchema)
def list_consent_texts(args):
    """The current consent text (in `language`) and the published versions."""
    return consent.texts(context.uow(), context.principal(), args["language"])


@blp.route("/organisation/consent-texts", methods=["POST"])
@requires(ADMIN_ONLY)
@idempotent
@blp.arguments(ConsentTextPublishSchema)
@blp.response(201, ConsentTextPublishedSchema)
def publish_consent_text(body):
    """Publish a new version: registrations from now on record it; people keep the version they agreed to."""
    return {"items": consent.publish(context.uow(), context.principal(), body)}


@blp.route("/trainees/<uuid:trainee_id>/consent", methods=["GET"])
@requires(PROGRAMME_READERS)
@blp.response(200, PersonConsentSchema)
def get_consent(trainee_id: uuid.UUID):
    """The person's consent: version, when, by whom, the purposes given and withdrawn."""
    return consent.of(context.uow(), context.principal(), trainee_id)


@blp.route("/trainees/<uuid:trainee_id>/consent/withdraw", methods=["POST"])
@requires(CASEWORK_WRITERS)
@blp.arguments(WithdrawSchema)
@blp.response(200, PersonConsentSchema)
def withdraw_consent(body, trainee_id: uuid.UUID):
    """Withdraw purposes (`programme`: all). Follow-up contact stops (the person's follow-ups leave the worklist);
    employer sharing stops (employers no longer see them; referrals are refused). `remains` says what stays."""
    return consent.withdraw(context.uow(), context.principal(), trainee_id, body["purposes"])
