"""Reading a trainee CSV file: its encoding, its delimiter, its header, and each row as a request body.

A row becomes the body TraineeCreateSchema loads, as the API would receive it: empty cells
are left out, `vulnerable_groups` becomes a list and `consent` a boolean. What makes the whole
file unusable raises UnusableInput before a single row is read (but for a malformed quoted
field deep in the file, which stops the import there).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from schemas.trainees import TraineeCreateSchema
from service.domain import countries
from service.imports import values

DELIMITERS = (",", ";")
NEWLINE = "\n"

_FIELDS = TraineeCreateSchema().fields
#: A row holds one person's cells: `documents` (a list of objects) is no column; the row's national_id is its
#: primary document, and a person without one has a no_document_reason.
_NOT_COLUMNS = frozenset({"documents"})
COLUMNS = tuple(name for name, field in _FIELDS.items() if not field.dump_only and name not in _NOT_COLUMNS)
REQUIRED_COLUMNS = tuple(name for name in COLUMNS if _FIELDS[name].required)

# Yes and no as people write them in the countries we serve (English, Turkish, Swedish, Spanish).
_YES = frozenset({"true", "yes", "1", "evet", "ja", "sí", "si"})
_NO = frozenset({"false", "no", "0", "hayır", "hayir", "nej"})
_LIST_SEPARATORS = re.compile(r"[|\s]+")


#: A data row as read: its first and last line, and its cells.
RawRow: TypeAlias = tuple[int, int, list[str]]


class UnusableInput(Exception):
    """The file as a whole cannot be imported (unreadable, undecodable, a wrong header)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: `line` is where it starts in the file (the header is line 1)."""

    line: int
    last_line: int
    body: dict
    #: Set when the row itself is malformed (a wrong number of cells); `body` is then empty.
    error: str | None = None


@dataclass
class Table:
    """A decoded file whose header is checked; iterating it reads its data rows (blank lines skipped)."""

    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    #: Physical lines of the header, and of the file after it (to size a progress bar).
    header_lines: int
    lines: int
    _text: str
    #: The file's language: how a date that reads two ways (03/04/1999) is read (service.imports.values).
    language: str = "en"

    def __iter__(self) -> Iterator[Record]:
        for first, last, cells in self.rows():
            yield record(first, last, self.columns, cells, language=self.language)

    def rows(self) -> Iterator[RawRow]:
        """The data rows as the CSV reader splits them, before `record` makes each a Record: what
        the import hands to the processes that check rows (a tuple is cheap to send)."""
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self.delimiter)
        next(reader)  # the header, checked in read_table
        last = reader.line_num
        try:
            for cells in reader:
                first, last = last + 1, reader.line_num
                if not "".join(cells).strip():
                    continue  # a blank line, or one of delimiters only
                yield first, last, cells
        except csv.Error as error:  # e.g. a field over csv.field_size_limit()
            raise UnusableInput(f"line {reader.line_num}: {error}") from None


def read_table(path: Path, *, country: str, encoding: str | None = None,
               delimiter: str | None = None, language: str = "en") -> Table:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise UnusableInput(f"cannot read {path}: {error.strerror or error}") from None
    text, encoding = decode(raw, country=country, encoding=encoding)
    if not text.strip():
        raise UnusableInput(f"{path} is empty: a header line naming the columns is required")
    if (nul := text.find("\x00")) >= 0:
        raise UnusableInput(f"line {text.count(NEWLINE, 0, nul) + 1}: a NUL character; is this a spreadsheet "
                            "file rather than CSV, or UTF-16 text?")
    delimiter = delimiter or sniff_delimiter(text.partition("\n")[0], countries.profile(country).csv_delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = _check_header(next(reader))
    header_lines = reader.line_num
    lines = sum(1 for _ in io.StringIO(text, newline="")) - header_lines
    return Table(encoding=encoding, delimiter=delimiter, columns=columns, header_lines=header_lines,
                 lines=lines, _text=text, language=language)


def decode(raw: bytes, *, country: str, encoding: str | None = None) -> tuple[str, str]:
    """Return the text and the encoding it was read in: the named encoding, else UTF-8 (a BOM
    or not), else the legacy encoding of the organisation's country."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise UnusableInput(f"unknown encoding {encoding!r}") from None
        if name == "utf-8":
            name = "utf-8-sig"  # a BOM is no part of the first column's name
        return _decode(raw, name), name
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw, "utf-8-sig"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # What spreadsheet programs in the organisation's country save "CSV" in; the generic
        # profile knows none, so such a file must name its encoding.
        legacy = countries.profile(country).csv_encoding
        if legacy is None:
            raise UnusableInput(f"the file is not UTF-8 and no legacy encoding is known for country {country}: "
                                "name it with --encoding (e.g. --encoding cp1252)") from None
        return _decode(raw, legacy), legacy


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise UnusableInput(f"line {line}: not valid {encoding} text; name the file's encoding "
                            "with --encoding") from None


def sniff_delimiter(header_line: str, preferred: str = ",") -> str:
    """`;` when the header holds more semicolons than commas (what spreadsheets write where the
    comma is the decimal mark), `,` when it holds more commas, else `preferred` (the country's)."""
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if semicolons == commas:
        return preferred
    return ";" if semicolons > commas else ","


def _check_header(cells: list[str]) -> tuple[str, ...]:
    columns = tuple(cell.strip().lower() for cell in cells)
    while columns and not columns[-1]:  # trailing delimiters some spreadsheets add
        columns = columns[:-1]
    unknown = [c for c in columns if c not in COLUMNS]
    if len(unknown) == len(columns):  # not repeated: a data row may hold a national id
        raise UnusableInput(f"the first line names none of the columns, so it is no header line; the columns "
                            f"are: {', '.join(COLUMNS)}")
    if unknown:
        raise UnusableInput(f"unknown column(s) {', '.join(repr(c) for c in unknown)} in the header line; "
                            f"the columns are: {', '.join(COLUMNS)}")
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise UnusableInput(f"column(s) named twice in the header line: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise UnusableInput(f"missing required column(s) in the header line: {', '.join(missing)}")
    return columns


def record(first: int, last: int, columns: tuple[str, ...], cells: list[str], *, language: str = "en") -> Record:
    """A data row (lines `first` to `last`) as the body TraineeCreateSchema loads: a coded field's label
    (in any of our languages) as its code, a birth date in `language`'s usual form as an ISO date."""
    if len(cells) < len(columns) or "".join(cells[len(columns):]).strip():  # empty extras are fine
        return Record(first, last, {}, f"{len(cells)} cells where the header names {len(columns)} columns")
    body = {}
    for name, cell in zip(columns, cells):
        if cell := cell.strip():
            converter = _CONVERTERS.get(name)
            if converter is not None:
                body[name] = converter(cell)
            elif name in values.CODED:
                body[name] = values.code(name, cell)
            elif name == "birth_date":
                body[name] = values.iso_date(cell, language)
            else:
                body[name] = cell
    return Record(first, last, body)


def parse_consent(cell: str) -> bool | str:
    """True or False for a yes or a no in any of our languages; anything else is handed on as
    text, for the schema to refuse as "Not a valid boolean"."""
    word = cell.strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return cell


def parse_groups(cell: str) -> list[str]:
    return [group for group in _LIST_SEPARATORS.split(cell) if group]


_CONVERTERS = {"consent": parse_consent, "vulnerable_groups": parse_groups, "not_duplicate_of": parse_groups}
