"""Labels of metric columns and categories for exported files: msgids here, words in the catalogues.

The API answers with stable keys (`placement_rate`, `long_term_unemployed`); people who
open a CSV or a workbook read words. Each key maps to its English label, the gettext msgid
that service/translations translates; a figure's and a dimension's label is in its definition
(service.domain.metrics), the other labels are here. A locale whose language has no catalogue reads
English, and only the language part counts (`tr-TR` is Turkish; `en-GB`, and `sv` while no
Swedish catalogue exists, are English).
"""

from __future__ import annotations

from collections.abc import Mapping

from service.domain import metrics as catalogue
from service.translations import N_, translate

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
    "other": N_("Other"),
    "difference": N_("Difference (female − male)"),
    "ratio": N_("Ratio (female / male)"),
    # Indicators, suppression and context
    "indicator": N_("Indicator"),
    "suppressed": N_("Suppressed"),
    "as_of": N_("As of"),
    "organisation": N_("Organisation"),
    "period_start": N_("Period start"),
    "period_end": N_("Period end"),
}

#: Categorical values of the dimensions a person is described by.
_PERSON_VALUES: Mapping[str, Mapping[str, str]] = {
    "sex": {
        "female": N_("Female"),
        "male": N_("Male"),
        "other": N_("Other"),
    },
    # Age bands ("18-24", "55+") read the same in every language: they are shown as they are.
    "vulnerable_group": {
        "roma": N_("Roma"),
        "disability": N_("Person with a disability"),
        "refugee": N_("Refugee"),
        "single_parent": N_("Single parent"),
        "neet": N_("NEET (not in employment, education or training)"),
        "migrant": N_("Migrant"),
        "none": N_("None of these groups"),
    },
    "settlement_type": {
        "urban": N_("Urban"),
        "rural": N_("Rural"),
    },
    "labour_status": {
        "unemployed": N_("Unemployed"),
        "long_term_unemployed": N_("Long-term unemployed"),
        "inactive": N_("Inactive"),
        "employed": N_("Employed"),
        "in_education": N_("In education"),
    },
    "education_level": {
        "primary_or_less": N_("Primary or less"),
        "lower_secondary": N_("Lower secondary"),
        "upper_secondary": N_("Upper secondary"),
        "tertiary": N_("Tertiary"),
    },
}

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
    },
}

#: A row that sums a breakdown may sit in any categorical column.
_TOTAL = N_("Total")
_BOOLEANS = {True: N_("Yes"), False: N_("No")}
#: Columns whose values are themselves column keys (`dimension: sex`, `metric: placement_rate`).
_KEY_VALUED = frozenset({"dimension", "metric"})


def column_label(key: str, locale: str) -> str:
    """The heading of a column; an unknown key is shown as itself."""
    msgid = _COLUMNS.get(key)
    return translate(locale, msgid) if msgid else key


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
    msgid = _VALUES.get(dimension, {}).get(value)
    if msgid is None and dimension in _KEY_VALUED and value in _COLUMNS:
        return column_label(value, locale)
    if msgid is None and dimension == "value":
        # A share target's value belongs to the dimension in its row, which a cell does not
        # know; the person dimensions share no value, so the first match is the only one.
        msgid = next((values[value] for values in _PERSON_VALUES.values() if value in values), None)
    if msgid is None and value == "total":
        msgid = _TOTAL
    return translate(locale, msgid) if msgid else value
