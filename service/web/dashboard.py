"""The managers' dashboard: are we reaching our targets, and do women and men get the same results here?

One page for the organisation (/dashboard) and one per project (/dashboard/projects/<id>): reach against the
target with its milestones, the share targets, outcomes by sex with the gender gaps, the funnel and the
placements in occupations non-traditional for the person's sex; each chart is inline SVG (service.web.charts)
with its figures as a table beside it. The figures are the API's (service.services.dashboard gathers them from
the metrics use cases); a hidden figure shows the organisation's marker and is never drawn.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from schemas.metrics import MetricsArgsSchema
from service.api import context
from service.domain import metrics as catalogue
from service.domain.roles import PROGRAMME_READERS
from service.metrics import labels as metric_labels
from service.services import dashboard
from service.web import charts, forms
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("dashboard_pages", __name__)

#: The outcome rates drawn by sex and as gaps, in the catalogue's order; the median wage is in the table only.
RATES = tuple(m.name for m in catalogue.of_report(catalogue.OUTCOMES) if m.gap and m.unit == catalogue.RATE)
MONEY = tuple(m.name for m in catalogue.of_report(catalogue.OUTCOMES) if m.gap and m.unit == catalogue.MONEY)
#: The sexes drawn side by side (series 0 and 1); the tables also list the others the funnel counts.
DRAWN_SEXES = ("female", "male")
PERIOD_FIELDS = ("period_start", "period_end")


@blp.get("/dashboard")
@page_requires(PROGRAMME_READERS)
def organisation():
    return _page(None)


@blp.get("/dashboard/projects/<uuid:project_id>")
@page_requires(PROGRAMME_READERS)
def project(project_id: uuid.UUID):
    return _page(project_id)


def _page(project_id: uuid.UUID | None):
    with_charts = request.args.get("charts") != "0"
    period, form = forms.read(MetricsArgsSchema(), request.args, names=PERIOD_FIELDS)
    if period is None and _backwards(request.args):  # the schema's message names the API's fields
        form.errors["period_end"] = [_("The end of the period must not be before its start.")]
    if period is None:
        return render_template("dashboard/index.html", form=form, board=None, project_id=project_id,
                               with_charts=with_charts), 422
    board = dashboard.gather(context.uow, g.principal, project_id, period.get("period_start"),
                             period.get("period_end"), inbox_retention=_retention())
    lang = current_language()
    figures = _figures(board, lang, with_charts)
    return render_template("dashboard/index.html", form=form, board=board, project_id=project_id,
                           with_charts=with_charts, period=period, **figures)


def _backwards(args) -> bool:
    """Whether both ends are dates and the period ends before it begins."""
    try:
        start, end = (date.fromisoformat(args.get(name, "").strip()) for name in PERIOD_FIELDS)
    except ValueError:
        return False
    return end < start


def _retention() -> timedelta:
    return timedelta(seconds=context.pathways().config.inbox_retention_seconds)


def _outcome_rows(outcomes: dict, lang: str) -> list[dict]:
    """Each gap figure with women's and men's values, the difference and the ratio: None where hidden (the
    marker), NOTHING where there is no one to count (a rate without a denominator), else the value."""
    hidden = {cell.get("sex") for cell in outcomes.get("breakdown", []) if cell.get("suppressed")}
    rows = []
    for name in RATES + MONEY:
        gap = outcomes.get("gaps", {}).get(name, {})
        convert = _decimal if name in MONEY else (lambda value: value)
        row = {"name": name, "label": metric_labels.column_label(name, lang)}
        for sex in DRAWN_SEXES:
            row[sex] = _shown(convert(gap.get(sex)), sex in hidden)
        either_hidden = any(sex in hidden and gap.get(sex) is None for sex in DRAWN_SEXES)
        row["difference"] = _shown(convert(gap.get("difference")), either_hidden)
        row["ratio"] = _shown(gap.get("ratio"), either_hidden)
        rows.append(row)
    return rows


def _shown(value, hidden: bool):
    """A figure as the page shows it: the value, None when hidden, NOTHING when there is none."""
    if value is not None:
        return value
    return None if hidden else charts.NOTHING


def _figures(board: dashboard.Dashboard, lang: str, with_charts: bool) -> dict:
    """What the template shows beside the board's reports: labels in the reader's language and the charts'
    geometry (none with charts=0)."""
    outcome_rows = _outcome_rows(board.outcomes, lang)
    funnel_rows = board.funnel.get("stages", [])  # each drop-out reason's row follows the drop-outs'
    for row in funnel_rows:
        row["label"] = (metric_labels.value_label("exit_reason", row["exit_reason"], lang) if row.get("exit_reason")
                        else metric_labels.value_label("stage", row["stage"], lang))
    stages = [row for row in funnel_rows if not row.get("exit_reason")]
    share_targets = [{**target, "dimension_label": metric_labels.column_label(target["dimension"], lang),
                      "value_label": metric_labels.value_label(target["dimension"], target["value"], lang),
                      "share": _shown(target.get("share"), target.get("suppressed")),
                      "met": _shown(target.get("met"), target.get("suppressed"))}
                     for target in board.reach.get("share_targets", [])]
    rates = [row for row in outcome_rows if row["name"] in RATES]
    found = {
        "outcome_rows": outcome_rows, "funnel_rows": funnel_rows, "share_targets": share_targets,
        "drawn_sexes": DRAWN_SEXES, "funnel_sexes": _funnel_sexes(stages),
        "marker": metric_labels.hidden_marker(lang),
        "hidden_note": metric_labels.hidden_note(lang, board.reach.get("min_cell_size")),
        "as_of": _moment(board.reach.get("as_of")), "pending": board.reach.get("pending_events") or 0,
        "non_traditional": board.outcomes.get("non_traditional"),
        "currency": board.outcomes.get("wage_currency"),
        "history": board.reach_history,
    }
    if with_charts:
        found.update(
            progress_chart=charts.progress(board.reach.get("reached"), board.reach.get("target"),
                                           [(m.percent, m.reached_at) for m in board.milestones]),
            history_chart=charts.line(board.reach_history, board.reach.get("target")),
            outcomes_chart=charts.bars([(row["label"], [row.get(sex) for sex in DRAWN_SEXES]) for row in rates],
                                       maximum=1.0),
            gaps_chart=charts.bars([(row["label"], [row.get("difference")]) for row in rates], symmetric=True),
            funnel_chart=charts.bars([(row["label"], [row.get(sex) for sex in DRAWN_SEXES]) for row in stages],
                                     whole=True),
        )
    return found


def _funnel_sexes(stages: list[dict]) -> tuple[str, ...]:
    """The sexes the funnel's table lists: women and men always, the others when anyone of them is counted."""
    others = tuple(sex for sex in catalogue.SEXES if sex not in DRAWN_SEXES
                   and any(row.get(sex) != 0 for row in stages))
    return DRAWN_SEXES + others


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None
