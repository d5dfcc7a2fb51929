"""Roles of SPEC section 1 and what each may do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from service.domain.errors import Forbidden
from service.domain.messages import Msg


class Role(StrEnum):
    ADMIN = "admin"
    CASEWORKER = "caseworker"
    EMPLOYER = "employer"
    MANAGER = "manager"


#: Roles that read the organisation's programme records (projects, trainees, enrolments).
PROGRAMME_READERS = frozenset({Role.ADMIN, Role.CASEWORKER, Role.MANAGER})
#: Roles that write trainees and enrolments.
CASEWORK_WRITERS = frozenset({Role.ADMIN, Role.CASEWORKER})
ADMIN_ONLY = frozenset({Role.ADMIN})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Principal:
    """Who is calling: every use case is scoped to `organisation_id`."""

    user_id: uuid.UUID
    organisation_id: uuid.UUID
    role: Role
    employer_id: uuid.UUID | None = None
    #: The organisation's time zone, read with the token: for what is checked before a use case loads the
    #: organisation (a date field's plausible range). None where a principal is made without a token.
    time_zone: str | None = None

    def require(self, roles: frozenset[Role]) -> None:
        if self.role not in roles:
            raise Forbidden(Msg("The {role} role may not do this.", role=self.role))


#: Roles that act on employers' records; an employer user only on its own employer's.
EMPLOYER_SIDE_WRITERS = frozenset({Role.ADMIN, Role.CASEWORKER, Role.EMPLOYER})
EMPLOYER_SIDE_READERS = EVERYONE


def employer_scope(principal: "Principal") -> uuid.UUID | None:
    """The one employer an employer user is confined to; None for organisation staff."""
    return principal.employer_id if principal.role == Role.EMPLOYER else None
