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

Both writers take, for the pages' downloads (service/web/figures.py), a header block (`header`: labelled
lines above the tables: organisation, project, period, basis, minimum cell size, what the marker means);
CSV may follow the reader's convention (`local=True`: `;` and a decimal comma where the language writes
one, tr, sv and es; `,` and a point in English). The API's files keep their form (no header, `,` and `.`).
XLSX gives each figure the number format of its unit (`unit_of`): rates as %, money with its currency,
hours and ratios with two places, counts with grouped digits; dates (also ISO dates in a summary) are
date cells.
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

from babel.dates import format_date, format_time
from babel.numbers import get_decimal_symbol
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from service.domain import metrics as catalogue
from service.metrics.labels import column_label, hidden_marker, hidden_note, value_label
from service.translations import language as language_of

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


#: The header block of a download: (label, value) lines, labels already in the reader's language; a value is
#: text, a number or a date.
Header = Sequence[tuple[str, object]]

# Units of a figure, as `unit_of` finds them --------------------------------------------------------

RATE, MONEY, COUNT, HOURS, RATIO = "rate", "money", "count", "hours", "ratio"
#: Columns (or a dotted column's last part) holding rates that the metrics catalogue does not define.
_RATE_COLUMNS = frozenset({"share", "progress", "coverage", "employment_rate", "employment_rate_recorded", "gap",
                           "share_of_enrolled", "min_share", "max_share"})
#: Columns that hold the figure of their row's own unit (a pack's split by sex, a gap's two sides).
_SPLIT_COLUMNS = frozenset({"female", "male", "non_binary", "undisclosed", "other", "total", "difference"})
#: Summary lines and columns holding a day or a moment, which JSON carries as ISO text.
_DAYS = frozenset({"period_start", "period_end", "reference_date"})
_MOMENTS = frozenset({"as_of"})
_ISO_CURRENCY = re.compile(r"[A-Z]{3}")
_UNITS = {catalogue.RATE: RATE, catalogue.MONEY: MONEY, "people": COUNT, "placements": COUNT,
          catalogue.PEOPLE: COUNT, catalogue.PARTICIPATIONS: COUNT, catalogue.PARTICIPANTS: COUNT,
          "hours": HOURS, "rate": RATE, "money": MONEY}
#: The spreadsheet's number format of each unit (money's names its currency: `money_format`).
NUMBER_FORMATS = {RATE: "0.0%", COUNT: "#,##0", HOURS: "0.00", RATIO: "0.00"}


def money_format(currency: str | None) -> str:
    return f'#,##0.00 "{currency}"' if currency else "#,##0.00"


def _named_unit(name: object, units: Mapping[str, str]) -> str | None:
    """The unit of a figure named `name` (a column key or a row's metric or indicator)."""
    if not isinstance(name, str):
        return None
    last = name.rsplit(".", 1)[-1]
    if last == "ratio":
        return RATIO
    if name in units:
        return units[name]
    metric = catalogue.BY_NAME.get(last)
    if metric is not None:
        return _UNITS.get(metric.unit)
    return RATE if last in _RATE_COLUMNS else None


def pack_units(tables: Sequence["Table"]) -> dict[str, str]:
    """{indicator: unit} of the tables that say each row's unit (the WIOA and ILO packs' `indicators`), for the
    other tables naming those indicators (their gaps)."""
    found: dict[str, str] = {}
    for table in tables:
        if "indicator" in table.columns and "unit" in table.columns:
            name, unit = table.columns.index("indicator"), table.columns.index("unit")
            for row in table.rows:
                if isinstance(row[unit], str) and row[unit] in _UNITS:
                    found.setdefault(str(row[name]), _UNITS[row[unit]])
    return found


def unit_of(table: "Table", number: int, column: str, units: Mapping[str, str] = {},
            currency: str | None = None) -> tuple[str | None, str | None]:
    """(unit, currency) of the figure in row `number`, column `column`: the column's own (`placement_rate`), else
    for a split column (`female`, `total`, `difference`) its row's (`unit`, or the unit of its metric or
    indicator); money's currency is the row's `currency`, else `currency` (the report's wage currency).
    `units`: `pack_units` of the report's tables."""
    row = dict(zip(table.columns, table.rows[number]))
    value = row.get(column)
    own_currency = row.get("currency") if isinstance(row.get("currency"), str) else None
    last = column.rsplit(".", 1)[-1]
    if column == "value" and "metric" in row:  # a summary line
        unit = _named_unit(row["metric"], units)
        key = str(row["metric"])
        if unit is None and isinstance(value, Decimal):
            unit = MONEY
        if unit is None and isinstance(value, int) and not isinstance(value, bool):
            unit = COUNT
        if unit == MONEY and _ISO_CURRENCY.fullmatch(key.rsplit(".", 1)[-1]):
            own_currency = key.rsplit(".", 1)[-1]
        return unit, own_currency or currency
    if "." in column and column.split(".", 1)[0] in _RATE_COLUMNS:  # a rate split by sex: share_of_enrolled.female
        unit: str | None = RATE
    elif last in _SPLIT_COLUMNS and last != "ratio":
        unit = None
        if "unit" in row and isinstance(row["unit"], str):
            unit = _UNITS.get(row["unit"])
        if unit is None:
            unit = _named_unit(row.get("metric") or row.get("indicator"), units)
        if unit is None and column.startswith("pairs."):
            unit = _named_unit(row.get("indicator"), units)
    else:
        unit = _named_unit(column, units)
    if unit is None and isinstance(value, Decimal):
        unit = MONEY
    if unit is None and _is_number(value) and column not in ("target",):
        unit = COUNT if isinstance(value, int) else None
    return unit, (own_currency or currency) if unit == MONEY else None


def report_currency(tables: Sequence["Table"]) -> str | None:
    """The report's main wage currency (the outcomes' `wage_currency` line of the summary), if any."""
    for table in tables:
        if table.columns == ("metric", "value"):
            for metric, value in table.rows:
                if metric == "wage_currency" and isinstance(value, str):
                    return value
    return None


def as_day(key: object, value: object) -> object:
    """A summary's ISO day or moment (`period_start`, `as_of`) as a date or datetime; anything else as it is."""
    if not isinstance(value, str) or not isinstance(key, str):
        return value
    try:
        if key in _DAYS:
            return date.fromisoformat(value)
        if key in _MOMENTS:
            return datetime.fromisoformat(value)
    except ValueError:
        return value
    return value


def summary_value(key: object, value: object, locale: str) -> object:
    """A summary line's value as a reader sees it: a day or moment typed (`as_day`), the framework and a period
    basis (`period_basis`, `period_basis.outputs`) by their labels; anything else as it is."""
    value = as_day(key, value)
    if isinstance(key, str) and isinstance(value, str):
        kind = key.split(".", 1)[0]
        if kind in ("framework", "period_basis"):
            return value_label(kind, value, locale)
    return value


def local_moment(value: datetime, locale: str) -> str:
    """A moment in UTC as the reader writes it, the zone named: "5 dec. 2026 18:04 UTC"."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    lang = language_of(locale)
    return f"{format_date(value, 'medium', locale=lang)} {format_time(value, 'short', locale=lang)} UTC"


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


def shown_text(value: object, column: str, table: Table, locale: str) -> str:
    """A value that is no figure nor date as a reader sees it: labelled, or the text itself (not defused: for a
    page, which escapes it)."""
    return _text(value, column, table, locale)


def _note(table: Table, locale: str) -> str | None:
    return hidden_note(locale, table.min_cell_size) if table.hidden else None


def _title(table: Table, locale: str) -> str:
    return value_label("section", table.title, locale)


def _headers(table: Table, locale: str) -> list[str]:
    return [column_label(column, locale) for column in table.columns]


# CSV ---------------------------------------------------------------------------------------

def decimal_comma(locale: str) -> bool:
    """Whether the reader's language writes a decimal comma (tr, sv, es; not en)."""
    return get_decimal_symbol(language_of(locale)) == ","


def _csv_cell(value: object, column: str, table: Table, locale: str, comma: bool = False,
              local: bool = False) -> str:
    if value is None:
        return ""
    if _is_number(value):
        if not _finite(value):
            return ""
        # Decimal's str() may use an exponent (1E+3); format "f" always writes digits.
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",") if comma else text
    if isinstance(value, datetime) and local:
        return local_moment(value, locale)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return defuse(_text(value, column, table, locale))


def to_csv(tables: Sequence[Table], locale: str, header: Header | None = None, local: bool = False) -> bytes:
    """UTF-8 with a BOM (so Excel reads it as UTF-8), comma-separated, CRLF lines; each
    table is its title line, its header line and its rows, one empty line between tables.

    `header`: lines (label, value) above the tables, then an empty line. `local`: the reader's convention, `;`
    between cells and a decimal comma where the language writes one (tr, sv, es), else `,` and a point."""
    comma = local and decimal_comma(locale)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if comma else ",")
    for label, value in header or ():
        shown = _csv_cell(value, "", Table("header", (), ()), locale, comma, local) \
            if isinstance(value, (date, datetime)) or _is_number(value) else str(value)
        writer.writerow([defuse(label), defuse(shown)] if shown else [defuse(label)])
    for index, table in enumerate(tables):
        if index or header:
            writer.writerow([])
        writer.writerow([defuse(_title(table, locale))])
        writer.writerow([defuse(header) for header in _headers(table, locale)])
        marker = hidden_marker(locale)
        summary = table.columns == ("metric", "value")
        for number, row in enumerate(table.rows):
            writer.writerow([marker if (number, index) in table.hidden
                             else _csv_cell(summary_value(row[0], value, locale) if summary and column == "value"
                                            else value, column, table, locale, comma, local)
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


def _put_header(sheet, header: Header) -> int:
    """The header block's lines (label in bold, value typed) from the first row; the row the table starts on."""
    for number, (label, value) in enumerate(header, start=1):
        cell = sheet.cell(row=number, column=1)
        _put_text(cell, label)
        cell.font = Font(bold=True)
        if isinstance(value, (date, datetime, int, float, Decimal)) and not isinstance(value, bool):
            _put(sheet.cell(row=number, column=2), value, "", Table("header", (), ()), "en")
            sheet.cell(row=number, column=2).alignment = Alignment(horizontal="left")
        elif value not in (None, ""):
            _put_text(sheet.cell(row=number, column=2), str(value))
    return len(header) + 2 if header else 1


def _put_text(cell, text: str) -> None:
    # openpyxl reads a leading "=" as a formula and rejects control characters.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_TRIGGERS):
        cell.quotePrefix = True


def to_xlsx(tables: Sequence[Table], locale: str, header: Header | None = None) -> bytes:
    """A workbook with one sheet per table, named by its title; the header row is bold
    and frozen, numbers and dates are typed cells with their unit's format, text is never a formula.

    `header`: lines (label, value) at the top of every sheet, above its table, so that no sheet is read
    without them."""
    workbook = Workbook()
    if tables:
        workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    units, currency = pack_units(tables), report_currency(tables)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(_title(table, locale), taken))
        top = _put_header(sheet, header or ())
        widths = []
        for index, heading in enumerate(_headers(table, locale), start=1):
            cell = sheet.cell(row=top, column=index)
            _put_text(cell, heading)
            cell.font = bold
            widths.append(len(heading))
        marker = hidden_marker(locale)
        summary = table.columns == ("metric", "value")
        for number, row in enumerate(table.rows):
            for index, (column, value) in enumerate(zip(table.columns, row), start=1):
                cell = sheet.cell(row=top + 1 + number, column=index)
                if (number, index - 1) in table.hidden:
                    _put_text(cell, marker)
                    cell.alignment = _RIGHT
                    shown = marker
                else:
                    if summary and column == "value":
                        value = summary_value(row[0], value, locale)
                    shown = _put(cell, value, column, table, locale)
                    if _is_number(value) and _finite(value):
                        unit, money = unit_of(table, number, column, units, currency)
                        if unit == MONEY:
                            cell.number_format = money_format(money)
                        elif unit in NUMBER_FORMATS:
                            cell.number_format = NUMBER_FORMATS[unit]
                widths[index - 1] = max(widths[index - 1], len(shown))
        if note := _note(table, locale):  # one row below the table, not sizing its column
            cell = sheet.cell(row=top + len(table.rows) + 2, column=1)
            _put_text(cell, note)
            cell.font = _ITALIC
        sheet.freeze_panes = f"A{top + 1}"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = \
                min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
