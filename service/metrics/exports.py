"""CSV and XLSX files of metric tables, labelled for their reader and safe to open in Excel.

Managers open these files in a spreadsheet, and cells hold text that trainees and staff
typed (district and project names); a cell that begins with `=`, `+`, `-`, `@`, a tab or
a carriage return would run as a formula (OWASP "CSV injection"). CSV prefixes such text
with `'`; XLSX stores it as a string cell with Excel's own quote-prefix flag, so the
reader sees the text as typed and it is never a formula. Numbers stay numbers in both.

Hidden cells (small-cell suppression) are not left empty, which would read as "nothing" or "not
known": each holds the marker of the organisation's language (`[c]`, Turkish `[g]`), and every table
with one is followed by a note saying what it means, in CSV under the table, in XLSX under the
table on its sheet, so no sheet can be read without it. An empty cell is a figure that has no value.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from service.metrics.labels import column_label, hidden_marker, hidden_note, value_label

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_WIDTH_MIN, _WIDTH_MAX = 8, 60
_RIGHT = Alignment(horizontal="right")
_ITALIC = Font(italic=True)


@dataclass(frozen=True)
class Table:
    """One section of an export: a titled grid of keyed columns and raw values."""

    title: str                 # a section key, labelled via value_label("section", ...)
    columns: tuple[str, ...]   # column keys, labelled via column_label
    rows: tuple[tuple, ...]    # str, int, float, Decimal, bool, date/datetime or None
    categorical: frozenset[str] = field(default_factory=frozenset)
    #: The (row, column) positions of hidden figures: written as the marker, explained under the table.
    hidden: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    #: The organisation's minimum cell size, for the note that explains the marker.
    min_cell_size: int | None = None
    #: Labels the organisation gives its own values, already in the reader's language ({column: {value:
    #: label}}: its vocabulary of groups); any other value is labelled by the catalogues.
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"Table {self.title!r}: row {number} has {len(row)} values "
                                 f"for {len(self.columns)} columns")


def defuse(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading trigger gets a `'`."""
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _finite(value: int | float | Decimal) -> bool:
    # NaN and infinities have no spreadsheet number; they are written as empty cells.
    return not isinstance(value, (float, Decimal)) or math.isfinite(value)


def _text(value: object, column: str, table: Table, locale: str) -> str:
    """The label or text of a non-numeric, non-date value, not yet defused."""
    if isinstance(value, str) and (named := table.names.get(column, {}).get(value)) is not None:
        return named
    if isinstance(value, bool) or column in table.categorical:
        return value_label(column, value, locale)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _note(table: Table, locale: str) -> str | None:
    return hidden_note(locale, table.min_cell_size) if table.hidden else None


def _title(table: Table, locale: str) -> str:
    return value_label("section", table.title, locale)


def _headers(table: Table, locale: str) -> list[str]:
    return [column_label(column, locale) for column in table.columns]


# CSV ---------------------------------------------------------------------------------------

def _csv_cell(value: object, column: str, table: Table, locale: str) -> str:
    if value is None:
        return ""
    if _is_number(value):
        if not _finite(value):
            return ""
        # Decimal's str() may use an exponent (1E+3); format "f" always writes digits.
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return defuse(_text(value, column, table, locale))


def to_csv(tables: Sequence[Table], locale: str) -> bytes:
    """UTF-8 with a BOM (so Excel reads it as UTF-8), comma-separated, CRLF lines; each
    table is its title line, its header line and its rows, one empty line between tables."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([defuse(_title(table, locale))])
        writer.writerow([defuse(header) for header in _headers(table, locale)])
        marker = hidden_marker(locale)
        for number, row in enumerate(table.rows):
            writer.writerow([marker if (number, index) in table.hidden else _csv_cell(value, column, table, locale)
                             for index, (column, value) in enumerate(zip(table.columns, row))])
        if note := _note(table, locale):
            writer.writerow([defuse(note)])
    return buffer.getvalue().encode("utf-8-sig")


# XLSX --------------------------------------------------------------------------------------

def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no forbidden characters, at most 31 characters, not
    led or ended by an apostrophe, unique ignoring case (as Excel compares them)."""
    base = _SHEET_FORBIDDEN.sub("", title).strip().strip("'").strip() or "Sheet"
    name, number = base[:_SHEET_NAME_MAX], 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[:_SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(name.casefold())
    return name


def _put(cell, value: object, column: str, table: Table, locale: str) -> str:
    """Write one value into a cell; return the text it shows, to size the column."""
    if value is None:
        return ""
    if _is_number(value):
        if not _finite(value):
            return ""
        cell.value = float(value) if isinstance(value, Decimal) else value
        return str(cell.value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no time zones: show the instant in UTC and say so in the format.
            cell.value = value.astimezone(timezone.utc).replace(tzinfo=None)
            cell.number_format = 'yyyy-mm-dd hh:mm:ss "UTC"'
        else:
            cell.value = value
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return "yyyy-mm-dd hh:mm:ss UTC"
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return "yyyy-mm-dd"
    _put_text(cell, _text(value, column, table, locale))
    return cell.value


def _put_text(cell, text: str) -> None:
    # openpyxl reads a leading "=" as a formula and rejects control characters.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_TRIGGERS):
        cell.quotePrefix = True


def to_xlsx(tables: Sequence[Table], locale: str) -> bytes:
    """A workbook with one sheet per table, named by its title; the header row is bold
    and frozen, numbers and dates are typed cells, text is never a formula."""
    workbook = Workbook()
    if tables:
        workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(_title(table, locale), taken))
        widths = []
        for index, header in enumerate(_headers(table, locale), start=1):
            cell = sheet.cell(row=1, column=index)
            _put_text(cell, header)
            cell.font = bold
            widths.append(len(header))
        marker = hidden_marker(locale)
        for row_index, row in enumerate(table.rows, start=2):
            for index, (column, value) in enumerate(zip(table.columns, row), start=1):
                cell = sheet.cell(row=row_index, column=index)
                if (row_index - 2, index - 1) in table.hidden:
                    _put_text(cell, marker)
                    cell.alignment = _RIGHT
                    shown = marker
                else:
                    shown = _put(cell, value, column, table, locale)
                widths[index - 1] = max(widths[index - 1], len(shown))
        if note := _note(table, locale):  # one row below the table, not sizing its column
            cell = sheet.cell(row=len(table.rows) + 3, column=1)
            _put_text(cell, note)
            cell.font = _ITALIC
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = \
                min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
