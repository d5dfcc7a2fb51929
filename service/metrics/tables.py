"""A metrics report as the labelled tables of its CSV and XLSX exports (figures as in the JSON)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from service.domain import metrics as catalogue
from service.domain.metrics import INDICATORS, MONEY, REPORTS
from service.metrics.exports import Table

#: The figures of each report's summary, in catalogue order; the indicators have a table of their own.
SUMMARY = {report: () if report == INDICATORS else tuple(m.name for m in catalogue.of_report(report) if m.answered)
           for report in REPORTS}
#: The figures of each breakdown cell.
CELL_FIGURES = {report: tuple(name for name in SUMMARY[report] if catalogue.in_cells(catalogue.BY_NAME[name]))
                for report in REPORTS if report != INDICATORS}
#: Sent as decimal strings: a spreadsheet should get numbers.
_MONEY = frozenset(metric.name for metric in catalogue.METRICS if metric.unit == MONEY)
CONTEXT = ("as_of", "period_start", "period_end")
SEXES = ("female", "male", "other", "total")


def _number(value):
    """Money travels as a decimal string in JSON; a spreadsheet should get a number."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def tables(kind: str, report: dict, project_codes: dict[str, str]) -> list[Table]:
    rows = [(name, _number(report[name]) if name in _MONEY else report[name])
            for name in (*SUMMARY[kind], *CONTEXT)]
    if report["project_id"] is not None:
        rows.insert(0, ("project", project_codes.get(str(report["project_id"]))))
    found = [Table("summary", ("metric", "value"), tuple(rows), frozenset({"metric"}))]
    if kind == "reach" and report["share_targets"]:
        columns = ("dimension", "value", "min_share", "max_share", "reached", "share", "met")
        found.append(Table("share_targets", columns, tuple(
            tuple(target[c] for c in columns) for target in report["share_targets"]),
            frozenset({"dimension", "value"})))
    if kind == "outcomes":
        columns = ("female", "male", "difference", "ratio")
        found.append(Table("gaps", ("metric", *columns), tuple(
            (name, *(_number(gap[c]) for c in columns)) for name, gap in report["gaps"].items()),
            frozenset({"metric"})))
    if kind == INDICATORS:
        found.append(Table("indicators", ("indicator", *SEXES), tuple(
            (row["indicator"], *(row[s] for s in SEXES)) for row in report["indicators"]),
            frozenset({"indicator"})))
    if report.get("breakdown"):
        found.append(_breakdown(kind, report, project_codes))
    return found


def _breakdown(kind: str, report: dict, project_codes: dict[str, str]) -> Table:
    by = tuple(report["by"])

    def dims(cell: dict) -> tuple:
        return tuple(project_codes.get(cell[d], cell[d]) if d == "project" else cell[d] for d in by)

    categorical = frozenset(d for d in by if d not in ("project", "district"))
    if kind == INDICATORS:
        rows = tuple((*dims(cell), row["indicator"], *(row[s] for s in SEXES))
                     for cell in report["breakdown"] for row in cell["indicators"])
        return Table("breakdown", (*by, "indicator", *SEXES), rows, categorical | {"indicator"})
    figures = CELL_FIGURES[kind]
    rows = tuple((*dims(cell), *(_number(cell[f]) if f in _MONEY else cell[f] for f in figures),
                  cell["suppressed"]) for cell in report["breakdown"])
    return Table("breakdown", (*by, *figures, "suppressed"), rows, categorical)


