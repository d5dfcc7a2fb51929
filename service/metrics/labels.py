"""Labels of metric columns and categories for exported files: msgids here, words in the catalogues.

The API answers with stable keys (`placement_rate`, `long_term_unemployed`); people who
open a CSV or a workbook read words. Each key maps to its English label, the gettext msgid
that service/translations translates; a figure's and a dimension's label is in its definition
(service.domain.metrics), the other labels are here. A locale whose language has no catalogue reads
English, and only the language part counts (`tr-TR` is Turkish; `en-GB`, and `sv` while no
Swedish catalogue exists, are English).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from service.domain import metrics as catalogue
from service.translations import N_, translate
from service.translations.labels import LABELS, label

#: Column keys: the dimensions of a breakdown, the figures of reach and outcomes (both labelled
#: in the metrics catalogue), and the columns of the other tables.
_COLUMNS: Mapping[str, str] = {
    **{dimension.name: dimension.label for dimension in catalogue.DIMENSIONS},
    **{metric.name: metric.label for metric in catalogue.METRICS if metric.report != catalogue.INDICATORS},
    # Share targets
    "dimension": N_("Dimension"),
    "value": N_("Value"),
    "min_share": N_("Minimum share"),
    "max_share": N_("Maximum share"),
    "share": N_("Share"),
    "met": N_("Met"),
    "total": N_("Total"),
    "currency": N_("Currency"),
    # Gender gaps
    "metric": N_("Metric"),
    "female": N_("Female"),
    "male": N_("Male"),
    "non_binary": N_("Non-binary"),
    "undisclosed": N_("Not disclosed"),
    "other": N_("Other"),
    "difference": N_("Difference (female − male)"),
    "ratio": N_("Ratio (female / male)"),
    "pairs": N_("Gaps between sexes"),
    # Checkpoints (the figures of each: outcomes' `checkpoints`)
    "checkpoints": N_("Checkpoints"),
    "checkpoint": N_("Checkpoint"),
    "exiters_due": N_("Exiters due"),
    "employed": N_("Employed"),
    "recorded": N_("Recorded"),
    "unreachable": N_("Unreachable"),
    "overdue": N_("Overdue"),
    "employment_rate": N_("Employment rate"),
    "employment_rate_recorded": N_("Employment rate among those recorded"),
    "coverage": N_("Coverage (recorded / due)"),
    # Indicators, suppression and context
    "indicator": N_("Indicator"),
    "framework": N_("Framework"),
    "unit": N_("Unit"),
    "item": N_("Item"),
    "suppressed": N_("Suppressed"),
    "as_of": N_("As of"),
    "pending_events": N_("Events not yet applied"),
    "min_cell_size": N_("Minimum cell size"),
    "period_basis": N_("Period basis"),
    "outputs": N_("Outputs"),
    "results": N_("Results"),
    "organisation": N_("Organisation"),
    "period_start": N_("Period start"),
    "period_end": N_("Period end"),
}
#: Inside a pair of sexes (`pairs.female_male.difference`): first minus second, first / second.
_IN_PAIR = {"difference": N_("difference"), "ratio": N_("ratio")}
#: A hidden figure's cell, and the note under every table that has one (exports).
_HIDDEN_MARKER = N_("[c]")
_HIDDEN_NOTE = N_("[c] = hidden to protect the people counted: a count of 1 to {largest} people (the minimum "
                  "cell size is {size}), or a figure from which one could be worked out. Totals are exact.")

#: Categorical values of the dimensions a person is described by are labelled by the one catalogue of values
#: (service.translations.labels, whose kinds are these dimensions' names); here only what exports alone show.
_PERSON_KINDS = ("sex", "vulnerable_group", "settlement_type", "labour_status", "education_level")
_PERSON_VALUES: Mapping[str, Mapping[str, str]] = {
    # Records of release 0007 and before said `other`; exports of figures from then may still hold it.
    "sex": {"other": N_("Other")},
    # Age bands ("18-24", "55+") read the same in every language: they are shown as they are.
    # A breakdown's cell of the people in no group.
    "vulnerable_group": {"none": N_("None of these groups")},
}
#: Dimensions labelled by the catalogue of values: the person's, and a follow-up's statuses.
_CATALOGUED = frozenset({*_PERSON_KINDS, "employment_status", "follow_up_status"})

_VALUES: Mapping[str, Mapping[str, str]] = {
    **_PERSON_VALUES,
    # EU ESF+ common indicators (Regulation (EU) 2021/1057, Annex I), labelled in the catalogue.
    "indicator": {metric.name: metric.label for metric in catalogue.of_report(catalogue.INDICATORS)},
    "section": {
        "summary": N_("Summary"),
        "breakdown": N_("Breakdown"),
        "share_targets": N_("Share targets"),
        "gaps": N_("Gender gaps"),
        "indicators": N_("Indicators"),
        "checkpoints": N_("Checkpoints"),
    },
    "checkpoint": {
        "upon_leaving": N_("Upon leaving (within 4 weeks)"),
        "month_6": N_("6 months after leaving"),
        "month_12": N_("12 months after leaving"),
    },
    "period_basis": {
        "entry": N_("Entry date"),
        "exit": N_("Exit date"),
    },
    # A report's indicator framework, by the title of its figures page.
    "framework": {
        "esf_plus": N_("ESF+ common indicators"),
        "wioa": N_("WIOA primary indicators of performance"),
        "ilo": N_("ILO decent work indicators"),
    },
}
#: What other modules register (`register`): the labels of their own keys and values.
_REGISTERED_COLUMNS: dict[str, str] = {}
_REGISTERED_VALUES: dict[str, dict[str, str]] = {}

#: A row that sums a breakdown may sit in any categorical column.
_TOTAL = N_("Total")
_BOOLEANS = {True: N_("Yes"), False: N_("No")}
#: Columns whose values are themselves column keys (`dimension: sex`, `metric: placement_rate`).
_KEY_VALUED = frozenset({"dimension", "metric"})


def register(columns: Mapping[str, str] | None = None, values: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Add the msgids of a report's own keys (`columns`) and categorical values (`values[column]`), so that
    the generic export (service.metrics.tables) labels them: e.g. a pack's indicators,
    `register(values={"indicator": LABELS})`, or the funnel's stages. Call it when the module is imported."""
    _REGISTERED_COLUMNS.update(columns or {})
    for column, labels in (values or {}).items():
        _REGISTERED_VALUES.setdefault(column, {}).update(labels)


def hidden_marker(locale: str) -> str:
    """What a hidden figure's cell shows in an export."""
    return translate(locale, _HIDDEN_MARKER)


def hidden_note(locale: str, min_cell_size: int | None) -> str:
    """The note under a table with hidden figures, in the reader's language."""
    size = min_cell_size or 0
    return translate(locale, _HIDDEN_NOTE).format(largest=max(size - 1, 1), size=size)


def column_label(key: str, locale: str) -> str:
    """The heading of a column; a dotted key (a nested figure, `checkpoints.month_6.employed`) joins the
    labels of its parts; an unknown key is shown as itself."""
    if "." in key:
        return _dotted_label(key.split("."), locale)
    msgid = _COLUMNS.get(key) or _REGISTERED_COLUMNS.get(key)
    if msgid:
        return translate(locale, msgid)
    if pair := _pair(key):
        return " – ".join(column_label(sex, locale) for sex in pair)
    return key


def _dotted_label(parts: list[str], locale: str) -> str:
    if parts[0] == "pairs" and len(parts) == 3 and parts[2] in _IN_PAIR:
        return f"{column_label(parts[1], locale)}: {translate(locale, _IN_PAIR[parts[2]])}"
    if parts[0] == "checkpoints" and len(parts) == 3:
        return f"{value_label('checkpoint', parts[1], locale)}: {column_label(parts[2], locale)}"
    return ": ".join(column_label(part, locale) for part in parts)


def _pair(key: str) -> tuple[str, str] | None:
    """`female_non_binary` -> ("female", "non_binary"): two sexes, in the order of the figures."""
    sexes = (*LABELS["sex"], *_PERSON_VALUES["sex"])
    for first in sexes:
        if key.startswith(first + "_") and key[len(first) + 1:] in sexes:
            return first, key[len(first) + 1:]
    return None


def group_names(vocabulary: Iterable, locale: str) -> dict[str, Mapping[str, str]]:
    """The organisation's groups (entries with `key` and `labels` {language: label}) labelled in the reader's
    language: its own label there, else its English one through the catalogues (a default group's label is
    a msgid), as {column: {key: label}} for the export's group columns (a share target's `value` too)."""
    language = locale.replace("_", "-").split("-")[0].lower()
    found = {}
    for entry in vocabulary:
        own = entry.labels.get(language)
        found[entry.key] = own or (translate(locale, entry.labels["en"]) if entry.labels.get("en") else entry.key)
    return {"vulnerable_group": found, "value": found}


def value_label(dimension: str, value: object, locale: str) -> str:
    """The label of a categorical value; an unknown one is shown as `str(value)`.

    Booleans read Yes/No in any column; a list (a share target over several age bands)
    reads as its labels joined by commas.
    """
    if isinstance(value, bool):
        return translate(locale, _BOOLEANS[value])
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(value_label(dimension, item, locale) for item in value)
    if not isinstance(value, str):
        return str(value)
    if dimension in _CATALOGUED and value in LABELS[dimension]:
        return label(dimension, value, locale)
    msgid = _VALUES.get(dimension, {}).get(value) or _REGISTERED_VALUES.get(dimension, {}).get(value)
    if msgid is None and dimension == "pair" and _pair(value):
        return column_label(value, locale)
    if msgid is None and dimension in _KEY_VALUED and column_label(value, locale) != value:
        return column_label(value, locale)
    if msgid is None and dimension == "value":
        # A share target's value belongs to the dimension in its row, which a cell does not
        # know; the person dimensions share no value, so the first match is the only one.
        kind = next((kind for kind in _PERSON_KINDS if value in LABELS[kind]), None)
        if kind:
            return label(kind, value, locale)
        msgid = next((values[value] for values in _PERSON_VALUES.values() if value in values), None)
    if msgid is None and value == "total":
        msgid = _TOTAL
    return translate(locale, msgid) if msgid else value
