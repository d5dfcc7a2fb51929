"""Non-traditional occupations: which sex is under-represented among an occupation's workers.

An occupation is non-traditional for a sex when that sex holds less than 25 % of the occupation's
employment in the country (the US Department of Labor's Women's Bureau says "25 percent or less" for
women; the two differ only at exactly 25 %). The shares come from a reference table per country
(employed persons by ISCO-08 major or sub-major group and sex, from national statistics): a code is
looked up at its sub-major group first, then at its major group, so a table may give either or both.

This module holds the rule and the reading of a table; where a table is kept and which one is in
effect is `service.services.occupation_shares`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from service.domain import occupations
from service.domain.errors import ValidationFailed
from service.domain.messages import Msg, message_of

#: Below this share of an occupation's workers, the occupation is non-traditional for that sex.
THRESHOLD = Decimal("0.25")
#: The sexes a table gives shares for (labour force surveys record these two).
SEXES = ("female", "male")
#: Female and male shares are rounded figures: their sum may pass 1 by this much.
ROUNDING_TOLERANCE = Decimal("0.002")
#: Columns a table's CSV must have; other columns (the source's own counts, notes) are ignored.
CSV_COLUMNS = ("isco_code", "female_share", "male_share", "source", "year")
MAX_ROWS = len(occupations.MAJOR_GROUPS) + len(occupations.SUB_MAJOR_GROUPS)
MAX_SOURCE_LENGTH = 500
YEARS = range(1950, 2101)


@dataclass(frozen=True)
class ShareRow:
    """One group's shares of employment by sex, and where they come from."""

    isco_code: str
    female_share: Decimal
    male_share: Decimal
    source: str
    year: int

    def share(self, sex: str) -> Decimal:
        return self.female_share if sex == "female" else self.male_share

    @property
    def non_traditional_for(self) -> frozenset[str]:
        return frozenset(sex for sex in SEXES if self.share(sex) < THRESHOLD)


class ShareTable:
    """A country's table: the rows by ISCO-08 group code."""

    def __init__(self, rows: Iterable[ShareRow]):
        self.rows: Mapping[str, ShareRow] = {row.isco_code: row for row in rows}

    def row_for(self, isco_code: str) -> ShareRow | None:
        """The row that speaks for a 1-4 digit code: its sub-major group's, else its major group's; None when
        the table has neither (or the code is malformed: no figure is made up for it)."""
        try:
            sub_major, major = occupations.sub_major(isco_code), occupations.major(isco_code)
        except ValueError:
            return None
        return (sub_major is not None and self.rows.get(sub_major)) or self.rows.get(major)

    @property
    def sources(self) -> list[tuple[str, int]]:
        """The (source, year) pairs the rows cite, for a figure to name what it was set against."""
        return sorted({(row.source, row.year) for row in self.rows.values()})

    def non_traditional_sexes(self, isco_code: str) -> frozenset[str]:
        """Which of `female` and `male` find the occupation non-traditional (an empty set when neither does,
        or when the table says nothing of the code)."""
        row = self.row_for(isco_code)
        return row.non_traditional_for if row is not None else frozenset()


def validate_rows(rows: Iterable[Mapping[str, object]]) -> list[ShareRow]:
    """Rows as given (JSON objects or CSV records) checked into ShareRows; ValidationFailed names each fault
    by row (`rows.3.female_share`), so a whole table is refused or taken, never a part of it."""
    errors: dict[str, list[str]] = {}
    checked: list[ShareRow] = []
    seen: dict[str, int] = {}
    given = list(rows)
    if not given:
        raise ValidationFailed({"rows": [Msg("A table needs at least one row.")]})
    if len(given) > MAX_ROWS:
        raise ValidationFailed({"rows": [Msg("At most {max} rows: one per ISCO-08 major or sub-major group.",
                                             max=MAX_ROWS)]})
    for index, raw in enumerate(given):
        row_errors: dict[str, list[str]] = {}
        code = _code(raw.get("isco_code"), row_errors)
        female = _share(raw.get("female_share"), "female_share", row_errors)
        male = _share(raw.get("male_share"), "male_share", row_errors)
        source = _source(raw.get("source"), row_errors)
        year = _year(raw.get("year"), row_errors)
        if female is not None and male is not None and female + male > 1 + ROUNDING_TOLERANCE:
            row_errors.setdefault("male_share", []).append(Msg("Female and male shares add up to more than 1."))
        if code is not None and code in seen:
            row_errors.setdefault("isco_code", []).append(Msg("Given twice (also in row {row}).", row=seen[code]))
        if code is not None:
            seen.setdefault(code, index)
        for field, messages in row_errors.items():
            errors[f"rows.{index}.{field}"] = messages
        if not row_errors:
            assert code is not None and female is not None and male is not None and source is not None
            assert year is not None
            checked.append(ShareRow(code, female, male, source, year))
    if errors:
        raise ValidationFailed(errors, "The table has faults; nothing was loaded.")
    return checked


def parse_csv(text: str) -> list[ShareRow]:
    """A table in CSV (a header with at least `CSV_COLUMNS`, one row per group), checked as `validate_rows`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = reader.fieldnames or []
        missing = [column for column in CSV_COLUMNS if column not in header]
        if missing:
            raise ValidationFailed({"csv": [Msg("The header lacks {missing} (it needs {columns}).",
                                                missing=", ".join(missing), columns=", ".join(CSV_COLUMNS))]})
        records = []
        for record in reader:
            if None in record:  # more cells than the header names
                raise ValidationFailed({"csv": [Msg("Line {line} has more cells than the header.",
                                                    line=reader.line_num)]})
            if any(value is None for value in record.values()):
                raise ValidationFailed({"csv": [Msg("Line {line} has fewer cells than the header.",
                                                    line=reader.line_num)]})
            if any(value.strip() for value in record.values()):  # blank lines are skipped
                records.append({key: value.strip() for key, value in record.items()})
            if len(records) > MAX_ROWS:
                break
    except csv.Error as error:
        raise ValidationFailed({"csv": [Msg("Not readable as CSV: {error}.", error=str(error))]}) from None
    return validate_rows(records)


def _code(value: object, errors: dict[str, list[str]]) -> str | None:
    if not isinstance(value, str):
        errors["isco_code"] = [Msg("Required: an ISCO-08 major (1 digit) or sub-major (2 digits) group, as text.")]
        return None
    try:
        occupations.level(value)
    except ValueError as error:
        errors["isco_code"] = [message_of(error)]
        return None
    return value


def _share(value: object, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        errors[field] = [Msg("Required: a share between 0 and 1, such as 0.184.")]
        return None
    try:
        share = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [Msg("Not a number: {value}.", value=repr(str(value)[:40]))]
        return None
    if not share.is_finite() or not 0 <= share <= 1:
        errors[field] = [Msg("Must be between 0 and 1 (a share, not a percentage).")]
        return None
    if share.as_tuple().exponent < -4:  # type: ignore[operator]  # finite: an int exponent
        errors[field] = [Msg("At most four decimals.")]
        return None
    return share


def _source(value: object, errors: dict[str, list[str]]) -> str | None:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        errors["source"] = [Msg("Required: the publisher, table and year the shares come from (printable text).")]
        return None
    if len(value) > MAX_SOURCE_LENGTH:
        errors["source"] = [Msg("At most {max} characters.", max=MAX_SOURCE_LENGTH)]
        return None
    return value.strip()


def _year(value: object, errors: dict[str, list[str]]) -> int | None:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in YEARS:
        errors["year"] = [Msg("Required: the reference year of the figures ({first} to {last}).",
                                first=YEARS.start, last=YEARS.stop - 1)]
        return None
    return value
