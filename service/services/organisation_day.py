"""An organisation's "today": the calendar day in its time zone, by which every date rule of a use
case or a consumer is judged (an exit not ahead, a closing date not past, a checkpoint due)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from service import clock
from service.services.queries import own_organisation


def today(session: Session, organisation_id: uuid.UUID) -> date:
    """The organisation's today (the session's identity map usually holds the organisation already)."""
    return clock.today(own_organisation(session, organisation_id).time_zone)
