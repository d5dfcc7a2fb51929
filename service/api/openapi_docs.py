"""The OpenAPI document says everything the server enforces and answers, so that a client (or
schemathesis, which the tests run against it) can rely on it alone.

flask-smorest documents the success response and the request schemas. Here are added: the
problem+json answers of every operation, its summary and the roles allowed to call it, and
constraints marshmallow fields enforce in code (plausible dates, exact wages). (Schemas refuse
unknown fields, which apispec writes as additionalProperties: false.)
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask

from schemas.base import Date
from schemas.money import AMOUNT_PATTERN, Amount
from service import clock
from service.api.errors import PROBLEM_MEDIA_TYPE
from service.domain.money import MAX_MONTHLY_WAGE

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "post", "put", "patch", "delete")

#: status -> when the API answers it; every operation documents those that apply to it.
PROBLEMS = {
    "400": "Malformed JSON, or a key given twice in an object.",
    "401": "No token, or one that is unknown, replaced, removed or expired.",
    "403": "The caller's role may not do this.",
    "404": "No such record in the caller's organisation.",
    "409": "A duplicate, or a state that forbids the request.",
    "413": "The body is over the size limit.",
    "415": "The body is not application/json.",
    "422": "The body or query is invalid, or breaks a rule; `errors` names the fields.",
    "429": "Too many failed authentications from this address; see Retry-After.",
    "503": "The database cannot be reached; see Retry-After.",
}
BODY_ONLY = {"400", "409", "413", "415"}


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}}


# --- field constraints ------------------------------------------------------------------------------------------

def _year_pattern(first: int, last: int) -> str:
    """A regex alternation for the four-digit years first..last."""
    years = [str(year) for year in range(first, last + 1)]
    by_decade: dict[str, list[str]] = {}
    for year in years:
        by_decade.setdefault(year[:3], []).append(year[3])
    parts = [f"{decade}[0-9]" if len(digits) == 10 else f"{decade}[{digits[0]}-{digits[-1]}]"
             for decade, digits in by_decade.items()]
    return "(?:" + "|".join(parts) + ")"


def date_pattern(horizon_years: int, today: date) -> str:
    """Dates the server takes, as a pattern: years from 1900 to the last one wholly inside the
    horizon, days 01-28 of any month or 29-31 of the months that have them (a subset: the
    horizon's last months are left out, as a pattern cannot follow the calendar)."""
    years = _year_pattern(1900, today.year + horizon_years - 1)
    days = "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    return f"^{years}-{days}$"


def field_properties(self, field, ret, **_kwargs) -> dict:
    """An apispec attribute function for the fields whose rules live in code."""
    if isinstance(field, Amount):
        nullable = ret.pop("nullable", None)
        for key in ("type", "format", "pattern"):
            ret.pop(key, None)
        extra = {"nullable": True} if nullable else {}
        return {**extra, "anyOf": [
            {"type": "string", "pattern": AMOUNT_PATTERN},
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": float(MAX_MONTHLY_WAGE),
             "multipleOf": 0.01}],
            "description": "More than 0, at most two decimals: a JSON number or a decimal string."}
    if isinstance(field, Date) and not field.dump_only:
        return {"pattern": date_pattern(field.horizon_years, clock.latest_today())}  # as schemas.base.Date
    return {}


# --- operations -------------------------------------------------------------------------------------------------

def _roles(view) -> list[str] | None:
    while view is not None:
        roles = getattr(view, "_pathways_roles", None)
        if roles is not None:
            return sorted(str(getattr(role, "value", role)) for role in roles)
        view = getattr(view, "__wrapped__", None)
    return None


def _openapi_path(rule: str) -> str:
    # A converter may take arguments: <string(length=2):country> is {country}.
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule)


def complete(app: Flask, api) -> None:
    from service.api import metrics  # it imports this module's caller

    spec = api.spec
    for response in spec.components.responses.values():  # flask-smorest's own error responses
        response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}
    views = {}
    for rule in app.url_map.iter_rules():
        for method in rule.methods or ():
            views[(_openapi_path(rule.rule), method.lower())] = app.view_functions[rule.endpoint]
    for path, item in spec._paths.items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            view = views.get((path, method))
            if "summary" not in operation:
                name = getattr(view, "__name__", "") or operation.get("operationId", "")
                operation["summary"] = name.replace("_", " ").capitalize()
            roles = _roles(view)
            if roles:
                operation["x-roles"] = roles
                note = "Roles: " + ", ".join(roles) + "."
                operation["description"] = f"{operation['description']}\n\n{note}" if operation.get(
                    "description") else note
            responses = operation.setdefault("responses", {})
            if getattr(view, "__module__", None) == metrics.__name__ and "200" in responses:
                responses["200"]["content"].update({  # format=csv and format=xlsx
                    mimetype: {"schema": {"type": "string", **({"format": "binary"} if kind == "xlsx" else {})}}
                    for kind, (mimetype, _) in metrics.FILES.items()})
            responses.pop("default", None)
            has_body = "requestBody" in operation
            for status, text in PROBLEMS.items():
                if has_body or status not in BODY_ONLY:
                    responses[status] = _problem(text)
            responses["default"] = _problem("The server failed; the problem names no detail.")
