"""The main menu: which pages each role sees, defined once (a page still checks the role itself)."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from service.domain.roles import Role

_STAFF = (Role.ADMIN, Role.CASEWORKER)
#: (endpoint, label, roles that see it), in menu order.
MENU = (
    ("home.index", _l("Home"), tuple(Role)),
    ("people.search", _l("People"), _STAFF + (Role.MANAGER,)),
    ("people.register", _l("Register a person"), _STAFF),
    ("follow_up_pages.worklist", _l("Follow-ups"), _STAFF + (Role.MANAGER,)),
    ("project_pages.index", _l("Projects"), _STAFF + (Role.MANAGER,)),
    ("dashboard_pages.organisation", _l("Dashboard"), (Role.MANAGER, Role.ADMIN)),
    ("figure_pages.index", _l("Figures"), (Role.MANAGER, Role.ADMIN)),
    ("admin_users.users", _l("Users"), (Role.ADMIN,)),
    ("settings_pages.show", _l("Organisation"), (Role.ADMIN,)),
    ("audit_pages.index", _l("Audit trail"), (Role.ADMIN,)),
    ("import_pages.index", _l("Import"), (Role.ADMIN,)),
    ("employer_pages.vacancy_list", _l("My vacancies"), (Role.EMPLOYER,)),
    ("employer_pages.referral_list", _l("Referred people"), (Role.EMPLOYER,)),
    ("employer_pages.placement_list", _l("My placements"), (Role.EMPLOYER,)),
)


def navigation(role: Role) -> list[tuple[str, str]]:
    """The menu of `role`, leaving out pages this deployment does not serve."""
    served = current_app.view_functions
    return [(endpoint, str(label)) for endpoint, label, roles in MENU if role in roles and endpoint in served]


def init(app: Flask) -> None:
    app.jinja_env.globals.update(navigation=navigation)
