"""Projects and cohorts, read: capacity, places taken, and who is enrolled (paged, sortable, CSV)."""

from __future__ import annotations

import uuid

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from service.api import context
from service.domain import enrolments as enrolment_rules
from service.domain.roles import PROGRAMME_READERS
from service.services import rosters
from service.translations import labels
from service.web import paging
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("project_pages", __name__)


@blp.get("/projects")
@page_requires(PROGRAMME_READERS)
def index():
    page = paging.paging(rosters.PROJECT_SORTS, "code")
    everything = paging.wants_csv()
    found = rosters.projects(context.uow(), g.principal, sort=page.sort, descending=page.descending,
                             offset=0 if everything else page.offset,
                             limit=paging.CSV_LIMIT if everything else page.size, language=current_language())
    if everything:
        header = [_("Code"), _("Project name"), _("Starts on"), _("Ends on"), _("Cohorts"), _("Capacity"),
                  _("Places taken"), _("Enrolled now")]
        return paging.csv_response("project_pages.csv", header, (
            [row.code, row.name, row.starts_on.isoformat() if row.starts_on else "",
             row.ends_on.isoformat() if row.ends_on else "", row.cohorts, row.places.capacity, row.places.taken,
             row.places.enrolled_now] for row in found.rows))
    return render_template("projects/index.html", projects=found.rows,
                           paged=paging.Paged(found.rows, page, found.total))


def _cohort_filter(cohorts: list[rosters.CohortRow]) -> uuid.UUID | None:
    """The cohort asked for, when it is one of this project's (anything else shows the whole project)."""
    wanted = request.args.get("cohort")
    return next((cohort.id for cohort in cohorts if str(cohort.id) == wanted), None)


@blp.get("/projects/<uuid:project_id>")
@page_requires(PROGRAMME_READERS)
def show(project_id: uuid.UUID):
    project, cohorts, totals = rosters.project(context.uow(), g.principal, project_id)
    cohort_id = _cohort_filter(cohorts)
    status = request.args.get("status")
    status = status if status in enrolment_rules.STATUSES else None
    page = paging.paging(rosters.ENROLMENT_SORTS, "name")
    everything = paging.wants_csv()
    lang = current_language()
    found = rosters.enrolled(context.uow(), g.principal, project_id, cohort_id=cohort_id, status=status,
                             sort=page.sort, descending=page.descending, offset=0 if everything else page.offset,
                             limit=paging.CSV_LIMIT if everything else page.size, language=lang)
    if everything:
        header = [_("Family name"), _("Given name"), _("Phone"), _("Cohort"), _("Enrolment"), _("Enrolled on"),
                  _("Left on")]
        return paging.csv_response(f"project-{project.code}.csv", header, (
            [row.family_name, row.given_name, row.phone, row.cohort_name,
             labels.label("enrolment_status", row.status, lang), row.enrolled_on.isoformat(),
             row.exited_on.isoformat() if row.exited_on else ""] for row in found.rows))
    return render_template(
        "projects/show.html", project=project, cohorts=cohorts, totals=totals, enrolled=found.rows,
        paged=paging.Paged(found.rows, page, found.total), cohort_id=cohort_id, status=status,
        cohort_choices=[(str(cohort.id), cohort.name) for cohort in cohorts],
        status_choices=labels.choices("enrolment_status", lang))
