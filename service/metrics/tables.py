"""Any metrics answer as the labelled tables of its CSV and XLSX exports (figures as in the JSON).

Why generic: reach, outcomes, every indicator pack and the funnel answer with the same few shapes,
so one walk of the answer renders them all, and a new report or figure needs labels, not a renderer.
The contract (what a report's answer must look like to export well):

- a top-level scalar is a line of the summary (the header's bookkeeping aside), and so is each entry
  of a top-level dict of scalars (`period_basis`: `{"outputs": "entry"}`), as "period_basis.outputs";
- a top-level list of dicts is a table (`breakdown`, `share_targets`, `indicators`, `stages`, ...):
  one row per dict, one column per key in the order first seen; a nested dict becomes dotted columns
  (`checkpoints.month_6.employed`); a nested list of dicts (a breakdown cell's `indicators` or
  `stages`) becomes one row per nested dict, led by the cell's own columns (its dimensions);
- a top-level dict of dicts is a table with a row per key (`gaps`: one per figure; `checkpoints`: one
  per checkpoint), its first column named by `ROW_KEYS`;
- a row with `suppressed: true` has its null figures marked as hidden (`Table.hidden`): exports write
  the marker there and explain it under the table. Totals are never hidden (SPEC), so a null elsewhere
  is a figure that cannot be computed (a rate of nobody);
- every key is labelled by `labels.column_label`, every categorical value by `labels.value_label`:
  a report adds its msgids with `labels.register` (or to the metrics catalogue), never its own writer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from service.domain import metrics as catalogue
from service.metrics import labels, packs
from service.metrics.exports import Table

# The packs' indicators are labelled where they are defined.
labels.register(values={"indicator": packs.LABELS})

#: Keys of the header that are not figures: the project is shown by its code, the rest is the request.
HEADER = frozenset({"organisation_id", "project_id", "by", "suppression"})
#: Last in the summary, in this order: when and how the figures were made.
CONTEXT = ("period_basis", "period_start", "period_end", "as_of", "pending_events", "min_cell_size")
#: The first column of a table made of a dict of dicts, naming what each row is.
ROW_KEYS = {"gaps": "metric", "checkpoints": "checkpoint"}
#: Columns whose values are categories to label (the rest are figures, or text shown as it is).
CATEGORICAL = frozenset({d.name for d in catalogue.DIMENSIONS if d.name not in ("project", "district", "cohort")}
                        | {"indicator", "stage", "exit_reason", "dimension", "value", "metric", "checkpoint", "pair",
                           "unit", "framework"})
#: Columns of a row that describe it rather than count: never hidden, so a null there is not marked.
DESCRIPTIVE = frozenset({"min_share", "max_share", "currency", "target"})
#: Money travels as a decimal string in JSON; a spreadsheet should get a number.
_MONEY = re.compile(r"-?\d+\.\d{2}")


def tables(kind: str, report: Mapping, project_codes: Mapping[str, str],
           names: Mapping[str, Mapping[str, str]] | None = None) -> list[Table]:
    """The summary, then one table per list or dict of dicts of the answer, in the answer's order; `names`:
    the organisation's own labels of values, by column (its groups: `labels.group_names`)."""
    found = [_summary(report, project_codes)]
    for key, value in report.items():
        if key in HEADER:
            continue
        if _rows(value):
            found.append(_table(key, [_expand(row) for row in value], report, project_codes))
        elif isinstance(value, Mapping) and value and all(isinstance(row, Mapping) for row in value.values()):
            column = ROW_KEYS.get(key, "item")
            found.append(_table(key, [[{column: name, **_flat(row)}] for name, row in value.items()], report,
                                project_codes))
    if names:
        found = [replace(table, names=names) for table in found]
    return found


def _summary(report: Mapping, project_codes: Mapping[str, str]) -> Table:
    lines: list[tuple] = []
    if report.get("project_id") is not None:
        lines.append(("project", project_codes.get(str(report["project_id"]), report["project_id"])))
    for key, value in report.items():
        if key not in HEADER and key not in CONTEXT:
            lines.extend(_lines(key, value))
    for key in CONTEXT:
        if key in report:
            lines.extend(_lines(key, report[key]))
    return Table("summary", ("metric", "value"), tuple((key, _number(value)) for key, value in lines),
                 frozenset({"metric"}), min_cell_size=report.get("min_cell_size"))


def _lines(key: str, value) -> list[tuple]:
    """Summary lines of a top-level value: none for a table of its own."""
    if _rows(value):
        return []
    if isinstance(value, Mapping):
        if value and all(isinstance(item, Mapping) for item in value.values()):
            return []
        return [(name, item) for name, item in _flat(value, f"{key}.").items() if not _rows(item)]
    return [(key, value)]


def _rows(value) -> bool:
    """Whether a value is a list of dicts: a table's rows."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)


def _flat(row: Mapping, prefix: str = "") -> dict:
    """A row with its nested dicts as dotted keys; lists of dicts stay (see `_expand`)."""
    flat: dict = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _expand(row: Mapping) -> list[dict]:
    """A row, or one row per dict of its nested list of dicts, each led by the row's other columns."""
    flat = _flat(row)
    nested = [key for key, value in flat.items() if _rows(value)]
    if not nested:
        return [flat]
    own = {key: value for key, value in flat.items() if key not in nested and key != "suppressed"}
    return [{**own, **_flat(item)} for key in nested for item in flat[key]]


def _table(key: str, groups: list[list[dict]], report: Mapping, project_codes: Mapping[str, str]) -> Table:
    rows = [row for group in groups for row in group]
    columns: list[str] = []
    for row in rows:
        columns.extend(column for column in row if column not in columns)
    if "suppressed" in columns:  # last, as the flag of the row
        columns.remove("suppressed")
        columns.append("suppressed")
    hidden = frozenset((number, index) for number, row in enumerate(rows) if row.get("suppressed")
                       for index, column in enumerate(columns)
                       if column in row and row[column] is None and column not in CATEGORICAL | DESCRIPTIVE)
    values = tuple(tuple(_value(column, row.get(column), project_codes) for column in columns) for row in rows)
    return Table(key, tuple(columns), values, frozenset(c for c in columns if c in CATEGORICAL),
                 hidden=hidden, min_cell_size=report.get("min_cell_size"))


def _value(column: str, value, project_codes: Mapping[str, str]):
    if column == "project" and value is not None:
        return project_codes.get(str(value), value)
    if column in CATEGORICAL or column == "district":
        return value
    return _number(value)


def _number(value):
    if isinstance(value, str) and _MONEY.fullmatch(value):
        return Decimal(value)
    return value
