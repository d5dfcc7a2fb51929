"""Lists on pages: a page of rows at a time, sorted by a column the reader picks, or all of it as CSV.

Sorting is by names the page declares (never a raw column from the query string), with the
direction as a leading "-". CSV is UTF-8 with a byte-order mark, which spreadsheet programs need
to read İ, å or ñ correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Response, request

PAGE_SIZE = 25
#: The most rows one CSV download holds: a caseworker's list, not a bulk export.
CSV_LIMIT = 10_000


@dataclass(frozen=True)
class Paging:
    page: int
    size: int
    sort: str
    descending: bool

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def sort_arg(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort


def paging(sortable: Sequence[str], default: str, size: int = PAGE_SIZE) -> Paging:
    """The request's `page` and `sort` (`name` or `-name`, one of `sortable`); bad values fall back."""
    try:
        page = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    wanted = request.args.get("sort", default)
    name = wanted.lstrip("-")
    if name not in sortable:
        wanted, name = default, default.lstrip("-")
    return Paging(page=page, size=size, sort=name, descending=wanted.startswith("-"))


@dataclass(frozen=True)
class Paged:
    """One page of rows and enough to draw the pager."""

    rows: list
    paging: Paging
    total: int
    #: True when `total` is a floor (a count stopped at its cap): the number of pages is not known, so the
    #: pager says "Page 3 of many" and offers the next page, never a last one that may not exist.
    more: bool = False

    @property
    def pages(self) -> int:
        """The number of pages; when `more`, the pages counted so far (there are more)."""
        return max(1, -(-self.total // self.paging.size))

    @property
    def has_previous(self) -> bool:
        return self.paging.page > 1

    @property
    def has_next(self) -> bool:
        return self.paging.page < self.pages or self.more


def wants_csv() -> bool:
    return request.args.get("format") == "csv"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _safe(value) for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _safe(value: object) -> object:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first) is written as text."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
