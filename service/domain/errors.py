"""Domain errors; `service.api.errors` maps each to a problem+json response."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a rule or use case raises on purpose."""

    title = "Request failed"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """Missing, or belonging to another organisation: the two are indistinguishable."""

    title = "Not found"


class Conflict(DomainError):
    """A duplicate or a state that forbids the request."""

    title = "Conflict"


class InvalidTransition(Conflict):
    """A state machine step that is not allowed from the current state."""

    title = "Invalid state transition"


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a rule; `errors` maps field to messages."""

    title = "Validation failed"

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None):
        super().__init__(detail or "The request breaks a validation rule.", errors=errors)
        self.errors = errors


class Unauthenticated(DomainError):
    title = "Authentication required"


class Forbidden(DomainError):
    title = "Forbidden"


class ConfigurationError(RuntimeError):
    """The process is misconfigured; raised at start-up, never during a request."""
