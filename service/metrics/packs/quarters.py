"""Calendar quarters after an exit, as WIOA counts them (TEGL 10-16, Change 1).

The employment and earnings indicators look at "the second (fourth) quarter after the exit
quarter": the exit quarter is the calendar quarter holding the exit date, and the quarters
after it are counted from the next one on. Credential attainment looks at the year after the
exit. A quarter or year counts only once it has ended: until then nobody can say whether a
person was employed in it. Pure date arithmetic, no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from service.domain.dates import years_after


class Quarter(NamedTuple):
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day: the day before the next quarter starts (31 March, 30 June, ...)."""
        return self.plus(1).start - timedelta(days=1)

    def plus(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def overlaps(self, first: date, last: date | None) -> bool:
        """Whether [first, last] (last None: still going) shares a day with the quarter."""
        return first <= self.end and (last is None or last >= self.start)

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def ended_by(self, today: date) -> bool:
        """Over: its last day is before today (on the last day itself it is still going)."""
        return self.end < today

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def after_exit(exited_on: date, quarters: int) -> Quarter:
    """The `quarters`-th quarter after the exit quarter (2: WIOA's "second quarter after exit")."""
    return Quarter.of(exited_on).plus(quarters)


def year_after_exit_ended(exited_on: date, today: date) -> bool:
    """Whether the year after the exit is over: its anniversary (29 February: 28 February in a
    common year) is before today."""
    return years_after(exited_on, 1) < today
