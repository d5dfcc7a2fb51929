"""The funders' figures as pages: the indicator packs (ESF+, WIOA, ILO) and the reach and outcomes tables,
for managers and admins, with a period picker, breakdowns and downloads (XLSX and CSV).

Each page asks the same use case as `GET /api/v1/metrics/...` (service.services.reporting) with the same
query schema, so a page shows exactly the API's figures and refuses exactly what it refuses (422, the
message beside the field, in the reader's language). The answer is turned into the labelled tables of the
exports (service.metrics.tables), so the page, the CSV and the workbook show one set of rows; the
downloads add a header block (organisation, project, period, basis, minimum cell size, what the marker
of a hidden cell means) and follow the reader's conventions (service.metrics.exports).

Every row of a pack links to its definition, lower on the page, with the source that defines it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from service.translations import N_
from werkzeug.datastructures import MultiDict

from schemas.funnel import FunnelArgsSchema
from schemas.metrics import IndicatorArgsSchema, MetricsArgsSchema
from service import clock
from service.api import context
from service.domain import metrics as catalogue
from service.domain.errors import ValidationFailed
from service.domain.roles import Role
from service.metrics import exports, labels
from service.metrics.tables import tables
from service.services import directory, funnel, groups, reporting
from service.web import formatting, forms
from service.web.auth import page_requires
from service.web.i18n import current_language

blp = Blueprint("figure_pages", __name__)

#: Managers report to funders; admins run the programme (caseworkers read the API's figures).
FIGURE_READERS = frozenset({Role.MANAGER, Role.ADMIN})
#: The form's fields: the API's query options of the same names.
FIELDS = ("project_id", "period_start", "period_end", "period_basis", "by")
FILES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ESF, WIOA, ILO = "esf", "wioa", "ilo"

#: The sources the definitions follow (official titles, not translated), as README cites them.
SOURCES = {
    ESF: "Regulation (EU) 2021/1057 (ESF+), Annex I, common output and result indicators for participants; "
         "European Commission, ESF+ data guidance",
    WIOA: "WIOA section 116(b)(2)(A); US Department of Labor, TEGL 10-16, Change 1, “Performance Accountability "
          "Guidance for Workforce Innovation and Opportunity Act (WIOA) Title I, Title II, Title III, and Title IV "
          "Core Programs”",
    ILO: "ILO, “Decent Work Indicators: Guidelines for producers and users of statistical and legal framework "
         "indicators”, 2nd ed., 2013",
}


@dataclass(frozen=True)
class Page:
    slug: str
    report: str               # reach, outcomes, indicators
    framework: str | None     # the indicators' framework
    title: str                # msgids, translated where shown
    summary: str
    #: (value, label msgid) of the period basis ("" first: the report's own default), none when fixed.
    bases: tuple[tuple[str, str], ...]
    breakdowns: bool          # whether by= is offered


PAGES = {page.slug: page for page in (
    Page(ESF, "indicators", catalogue.ESF_PLUS, N_("ESF+ common indicators"),
         N_("The EU's common output and result indicators for participants, each split by sex."),
         (("", N_("As each figure requires (outputs: entry date, results: exit date)")),
          ("entry", N_("Entry date (first entry into the project)")),
          ("exit", N_("Exit date (final exit)"))), True),
    Page(WIOA, "indicators", catalogue.WIOA, N_("WIOA primary indicators of performance"),
         N_("Employment in the 2nd and 4th quarter after exit, median earnings, credentials and retention with "
            "the same employer, each split by sex."),
         (("", N_("Exit date (final exit)")), ("entry", N_("Entry date (first entry into the project)"))), False),
    Page(ILO, "indicators", catalogue.ILO, N_("ILO decent work indicators"),
         N_("The jobs started in the period: formality, contracts, hours, hourly wages and the gender pay gap."),
         (), False),
    Page("reach", "reach", None, N_("Reach against targets"),
         N_("Distinct people reached, progress against the target and the share targets."),
         (("", N_("Entry date (enrolment)")), ("exit", N_("Exit date"))), True),
    Page("funnel", "funnel", None, N_("Funnel"),
         N_("Distinct people at each stage, from registration to work a year after leaving, with each stage's share "
            "of the enrolled."),
         (("", N_("Entry date (enrolment)")),), True),
    Page("outcomes", "outcomes", None, N_("Outcomes and gender gaps"),
         N_("Completion, placement, employment after leaving and the median wage, with the gaps between sexes."),
         (("", N_("Exit date")), ("entry", N_("Entry date (enrolment)"))), True),
)}

#: Each row's definition (what README and the catalogue say it counts), by pack and indicator; rows that are
#: parts of one figure (a rate's numerator and denominator) share its definition.
_Q2 = N_("Employed at any time in the 2nd calendar quarter after the quarter of the final exit (a placement "
         "overlapping it, or a follow-up recorded employed or self-employed and observed in it), over every exiter "
         "whose 2nd quarter has ended.")
_Q4 = N_("The same for the 4th calendar quarter after the quarter of the final exit, over every exiter whose 4th "
         "quarter has ended.")
_EARNINGS = N_("Median monthly wage of the job held in the 2nd quarter after exit: the overlapping placement that "
               "started last, otherwise the wage recorded at a follow-up observed in that quarter; one row per "
               "currency, never mixed. Those employed without a known wage are counted apart.")
_CREDENTIAL = N_("A qualification gained, over every exiter whose year after exit has ended.")
_RETENTION = N_("Of the exiters employed by a placement in the 2nd quarter after exit whose 4th quarter has ended, "
                "those with a placement of the same employer overlapping the 4th quarter.")
_FORMAL = N_("Placements registered with social security (formal) and not (informal), and their share of all "
             "placements; the informal share is the ILO's informal employment rate for these jobs.")
_CONTRACTS = N_("Placements started in the period, by contract type.")
_HOURS = N_("Contractual hours per week of the placements started in the period: mean and median.")
_HOURLY = N_("Median of monthly wage / (hours per week × 52 / 12), per currency.")
DEFINITIONS: dict[str, dict[str, str]] = {
    ESF: {
        "participants": N_("Participants: one per person and project, counted at the first entry into the project."),
        "unemployed": N_("Unemployed at entry (without work and job searching), incl. long-term unemployed."),
        "long_term_unemployed": N_("Long-term unemployed at entry."),
        "inactive": N_("Inactive at entry: without work and not job searching, incl. people in education or "
                       "training."),
        "employed": N_("Employed at entry, incl. self-employed."),
        "below_18": N_("Aged below 18 at entry."),
        "aged_18_29": N_("Aged 18 to 29 at entry."),
        "aged_55_plus": N_("Aged 55 or more at entry."),
        "isced_0_2": N_("Primary education or less, or lower secondary (ISCED 0–2), at entry."),
        "isced_3_4": N_("Upper secondary or post-secondary education (ISCED 3–4) at entry."),
        "isced_5_8": N_("Tertiary education (ISCED 5–8) at entry."),
        "with_disabilities": N_("In the disability group at entry."),
        "third_country_nationals": N_("Citizenship at entry outside the 27 EU member states (none given: not "
                                      "counted); in an organisation outside the EU, also not its own country's."),
        "foreign_background": N_("Migrants or refugees at entry."),
        "minorities_incl_roma": N_("Roma, Indigenous peoples and other minorities at entry."),
        "homeless_or_housing_exclusion": N_("Homeless or affected by housing exclusion at entry."),
        "rural_areas": N_("Living in a rural settlement at entry."),
        "job_searching_upon_leaving": N_("Leavers neither employed nor in education, recorded unemployed (job "
                                         "searching) at the exit checkpoint, observed within 4 weeks of leaving."),
        "in_education_or_training_upon_leaving": N_("Leavers not employed, recorded in education or training at "
                                                    "the exit checkpoint, observed within 4 weeks of leaving."),
        "qualification_upon_leaving": N_("Leavers (completers and drop-outs) with a qualification gained on the "
                                         "final exit."),
        "in_employment_upon_leaving": N_("Leavers employed upon leaving, formal or not: the exit checkpoint "
                                         "recorded employed or self-employed within 4 weeks, a job started between "
                                         "the first entry and 4 weeks after the final exit and not ended before it, "
                                         "or a drop-out because of a job."),
        "in_employment_6m_after_leaving": N_("Leavers whose 6-month checkpoint is recorded employed or "
                                             "self-employed."),
        "improved_labour_market_situation_6m": N_("Leavers employed at their first entry who, at the 6-month "
                                                  "checkpoint, are recorded employed in a formal placement started "
                                                  "after that entry and held on the day observed."),
    },
    WIOA: {
        "exiters_q2_ended": _Q2, "employed_q2": _Q2, "employment_rate_q2": _Q2,
        "exiters_q4_ended": _Q4, "employed_q4": _Q4, "employment_rate_q4": _Q4,
        "earners_q2": _EARNINGS, "median_earnings_q2": _EARNINGS, "missing_wage": _EARNINGS,
        "exiters_year_ended": _CREDENTIAL, "credential_attained": _CREDENTIAL, "credential_attainment": _CREDENTIAL,
        "employed_q2_by_placement": _RETENTION, "same_employer_q4": _RETENTION,
        "retention_with_same_employer": _RETENTION,
    },
    ILO: {
        "placements": N_("Placements (job starts) started in the period."),
        "formal": _FORMAL, "informal": _FORMAL, "formal_share": _FORMAL, "informal_share": _FORMAL,
        "contract_permanent": _CONTRACTS, "contract_fixed_term": _CONTRACTS, "contract_apprenticeship": _CONTRACTS,
        "contract_seasonal": _CONTRACTS,
        "mean_hours_per_week": _HOURS, "median_hours_per_week": _HOURS,
        "paid_placements": _HOURLY, "median_hourly_wage": _HOURLY,
        "gender_pay_gap": N_("(Second's median hourly wage − first's) / second's; female – male is the ILO gender "
                             "pay gap, (male − female) / male, on hourly earnings."),
    },
}


# The tables as a page shows them ------------------------------------------------------------------------

@dataclass
class Cell:
    text: str
    raw: str = ""              # the figure as the API's JSON has it (data-value), for a figure
    number: bool = False
    hidden: bool = False
    link: str | None = None    # the definition's anchor of the row's indicator
    header: bool = False       # the row's own label (<th scope="row">)


@dataclass
class Shown:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    hidden: bool


def _raw(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool) or value is None:
        return ""
    return str(value)


def _figure(value, unit: str | None, currency: str | None) -> str:
    if unit == exports.RATE:
        return formatting.percent(value)
    if unit == exports.MONEY:
        return format_currency(value, currency) if currency else format_decimal(value, "#,##0.00")
    if unit in (exports.HOURS, exports.RATIO):
        return format_decimal(value, "#,##0.00")
    return format_decimal(value)


def shown(found: list[exports.Table], slug: str) -> list[Shown]:
    """The export's tables in the reader's language, each cell formatted by its unit."""
    lang = current_language()
    marker = labels.hidden_marker(lang)
    units, currency = exports.pack_units(found), exports.report_currency(found)
    defined = DEFINITIONS.get(slug, {})
    result = []
    for table in found:
        rows = []
        summary = table.columns == ("metric", "value")
        for number, row in enumerate(table.rows):
            cells = []
            for index, (column, value) in enumerate(zip(table.columns, row)):
                if (number, index) in table.hidden:
                    cells.append(Cell(marker, number=True, hidden=True))
                    continue
                if summary and column == "value":
                    value = exports.as_day(row[0], value)
                if value is None:
                    cells.append(Cell("–", number=index > 0))
                elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    unit, money = exports.unit_of(table, number, column, units, currency)
                    cells.append(Cell(_figure(value, unit, money), raw=_raw(value), number=True))
                elif isinstance(value, datetime):
                    cells.append(Cell(formatting.moment(value)))
                elif isinstance(value, date):
                    cells.append(Cell(formatting.day(value)))
                elif summary and column == "value" and isinstance(value, str):
                    cells.append(Cell(_summary_value(str(row[0]), value, lang)))
                else:
                    cell = Cell(exports.shown_text(value, column, table, lang), header=index == 0)
                    if column == "indicator" and value in defined:
                        cell.link = f"def-{value}"
                    cells.append(cell)
            if cells:
                cells[0].header = True
            rows.append(cells)
        result.append(Shown(table.title, labels.value_label("section", table.title, lang),
                            [labels.column_label(column, lang) for column in table.columns], rows,
                            bool(table.hidden)))
    return result


def _summary_value(key: str, value: str, lang: str) -> str:
    """A summary line's text value labelled: the framework by its page's title, a basis by its label."""
    if key == "framework":
        return next((_(page.title) for page in PAGES.values() if page.framework == value), value)
    return labels.value_label(key.split(".", 1)[0], value, lang)


def grouped(slug: str, lang: str) -> list[tuple[list[tuple[str, str]], str]]:
    """The definitions of a pack, rows sharing one (a rate, its numerator and its denominator) together:
    [([(anchor key, row label), ...], definition)], in the order of the rows."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key, text in DEFINITIONS.get(slug, {}).items():
        section = key == "gender_pay_gap"  # a table of its own, not an indicator row
        name = labels.value_label("section" if section else "indicator", key, lang)
        found.setdefault(text, []).append((key, name))
    return [(rows, _(text)) for text, rows in found.items()]


# The request -----------------------------------------------------------------------------------------

def _read(page: Page) -> tuple[dict | None, forms.Form]:
    submitted = MultiDict((key, value) for key, value in request.args.items(multi=True) if key in FIELDS)
    schema = {"indicators": IndicatorArgsSchema, "funnel": FunnelArgsSchema}.get(page.report, MetricsArgsSchema)()
    data, form = forms.read(schema, submitted, FIELDS)
    if form.error("period_end") and _reversed(submitted):
        form.errors["period_end"] = [_("The end of the period must not be before its start.")]
    if data is not None and page.framework:
        data["framework"] = page.framework
    if data is not None and request.args.get("suppress") == "false":  # the API's suppress=false (admins only)
        data["suppress"] = False
    return data, form


def _reversed(submitted: MultiDict) -> bool:
    try:
        return date.fromisoformat(submitted.get("period_end", "")) < date.fromisoformat(
            submitted.get("period_start", ""))
    except ValueError:
        return False


def _period_basis(report: dict) -> str:
    lang = current_language()
    basis = report.get("period_basis")
    if isinstance(basis, dict):
        return "; ".join(f"{labels.column_label(kind, lang)}: {labels.value_label('period_basis', value, lang)}"
                         for kind, value in basis.items())
    return labels.value_label("period_basis", basis, lang) if basis else ""


def _header(page: Page, report: dict, organisation, project_name: str | None) -> list[tuple[str, object]]:
    """The download's header block, in the reader's language."""
    lang = current_language()
    marker = labels.hidden_marker(lang)
    start, end = report.get("period_start"), report.get("period_end")
    by = ", ".join(labels.column_label(name, lang) for name in report.get("by") or ())
    lines: list[tuple[str, object]] = [
        (_("Organisation"), organisation.name),
        (_("Figures"), _(page.title)),
        (_("Project"), project_name or _("Whole organisation")),
        (_("Period start"), date.fromisoformat(start) if start else _("From the first record")),
        (_("Period end"), date.fromisoformat(end) if end else _("Up to today")),
        (_("Period basis"), _period_basis(report)),
        (_("Breakdown"), by or _("By sex only")),
        (_("Minimum cell size"), report.get("min_cell_size")),
        (_("Hidden cells are marked"), _("%(marker)s: hidden to protect the people counted (a count below the "
                                         "minimum cell size, or a figure from which one could be worked out).",
                                         marker=marker)),
    ]
    if report.get("suppression") is False:
        lines.append((_("Small cells"), _("Shown: suppression was turned off by an admin. Not for publication.")))
    if report.get("as_of"):
        lines.append((_("Figures as of (UTC)"), datetime.fromisoformat(report["as_of"])))
    return lines


def filename(page: Page, report: dict, project_code: str | None, fmt: str, today: date) -> str:
    """pathways-esf-2026-01-01_2026-06-30.xlsx: the pack, the project's code if one, the period (its start
    "all" when open, its end today when open)."""
    parts = ["pathways", page.slug]
    if project_code:
        parts.append(re.sub(r"[^A-Za-z0-9]+", "-", project_code).strip("-") or "project")
    parts.append(f"{report.get('period_start') or 'all'}_{report.get('period_end') or today.isoformat()}")
    return "-".join(parts) + f".{fmt}"


# Views ------------------------------------------------------------------------------------------------

@blp.get("/figures")
@page_requires(FIGURE_READERS)
def index():
    return render_template("figures/index.html", pages=PAGES.values())


@blp.get("/figures/<slug>")
@page_requires(FIGURE_READERS)
def show(slug: str):
    page = PAGES.get(slug)
    if page is None:
        abort(404)
    lang = current_language()
    data, form = _read(page)
    fmt = request.args.get("format")
    report = organisation = None
    found: list[exports.Table] = []
    choices = directory.filters(context.uow(), g.principal, lang).projects
    project_names = {str(choice.id): choice.name for choice in choices}
    if data is not None:
        try:
            if page.report == "funnel":
                report, organisation, codes = funnel.report(context.uow(), g.principal, data)
            else:
                report, organisation, codes = reporting.report(context.uow(), g.principal, page.report, data,
                                                               inbox_retention=_retention())
        except ValidationFailed as error:
            form.fail(error)
        else:
            names = labels.group_names(groups.list_(context.uow(), g.principal), lang)
            found = tables(page.report, report, codes, names)
            if fmt in FILES:
                project_id = report.get("project_id")
                header = _header(page, report, organisation, project_names.get(str(project_id)))
                body = (exports.to_xlsx(found, lang, header) if fmt == "xlsx"
                        else exports.to_csv(found, lang, header, local=True))
                name = filename(page, report, codes.get(str(project_id)) if project_id else None, fmt,
                                clock.today(organisation.time_zone))
                return Response(body, mimetype=FILES[fmt],
                                headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template(
        "figures/show.html", page=page, form=form, report=report, tables=shown(found, slug) if report else [],
        marker=labels.hidden_marker(lang), definitions=grouped(slug, lang), source=SOURCES.get(slug),
        defined=DEFINITIONS.get(slug, {}),
        project_options=[("", _("Whole organisation"))] + [(str(choice.id), choice.name) for choice in choices],
        basis_options=[(value, _(text)) for value, text in page.bases],
        by_options=[("", _("None (split by sex)"))] + [(d.name, labels.column_label(d.name, lang))
                                                     for d in catalogue.DIMENSIONS],
        period=_period_basis(report) if report else "", may_unsuppress=g.principal.role is Role.ADMIN,
        start_day=_day(report, "period_start"), end_day=_day(report, "period_end"),
    ), (200 if form.ok else 422)


def _day(report: dict | None, key: str) -> date | None:
    return date.fromisoformat(report[key]) if report and report.get(key) else None


def _retention() -> timedelta:
    return timedelta(seconds=context.pathways().config.inbox_retention_seconds)
