"""Groups a person can belong to: each organisation's vocabulary, and the indicator category each group feeds.

A country profile brings its default vocabulary (service.domain.countries); an organisation starts from it
and may add, relabel, re-map or retire groups. Figures never read the group keys themselves: an enrolment
keeps, beside the groups at entry, the indicator categories they fed then (`indicator_groups_at_entry`), so
a later change of the vocabulary cannot rewrite a closed participation (only an audited correction can).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from service.domain.messages import Msg

#: The categories of the ESF+ common indicators a group may feed (Regulation (EU) 2021/1057, Annex I):
#: `minorities` (minorities incl. marginalised communities such as the Roma; Indigenous peoples counted
#: here too), `disability`, `foreign_background` (migrants and refugees), `housing_exclusion`.
MINORITIES, DISABILITY, FOREIGN_BACKGROUND, HOUSING_EXCLUSION = (
    "minorities", "disability", "foreign_background", "housing_exclusion")
INDICATOR_GROUPS = (MINORITIES, DISABILITY, FOREIGN_BACKGROUND, HOUSING_EXCLUSION)

#: A key as the first vocabulary spelt them: lower case ASCII letters, digits and underscores.
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAXIMUM_KEY_LENGTH = 32
MAXIMUM_LABEL_LENGTH = 200
#: How many groups one person may be given (the largest vocabulary shipped has 11).
MAXIMUM_PER_PERSON = 32


@dataclass(frozen=True, slots=True)
class Group:
    """A group of a country's default vocabulary: its English label is a gettext msgid."""

    key: str
    label: str
    feeds: str | None
    #: (language, label) in the country's own language(s).
    local: tuple[tuple[str, str], ...] = ()

    def labels(self) -> dict[str, str]:
        """{language: label}, English first."""
        return {"en": self.label, **dict(self.local)}


def group(key: str, label: str, feeds: str | None = None, **local: str) -> Group:
    return Group(key, label, feeds, tuple(sorted(local.items())))


KEY_MESSAGE = Msg("Lower-case letters, digits and underscores, starting with a letter (at most 32), "
                  "e.g. single_parent.")


def check_key(key: str) -> str | None:
    """The problem with a group key, or None."""
    return None if KEY.fullmatch(key) else KEY_MESSAGE


def check_feeds(feeds: str | None) -> str | None:
    if feeds is not None and feeds not in INDICATOR_GROUPS:
        return Msg("One of: {choices} (or null: the group feeds no indicator).", choices=", ".join(INDICATOR_GROUPS))
    return None


def fed(groups: Iterable[str], mapping: Mapping[str, str | None]) -> list[str]:
    """The indicator categories these groups feed by `mapping` ({key: feeds}), sorted, each once; a key
    the mapping does not know feeds nothing."""
    return sorted({feeds for key in groups if (feeds := mapping.get(key)) is not None})
