"""The metrics catalogue: every figure a report answers, defined once (SPEC section 5).

A definition names a figure and says what it counts, in which unit, in which report, under
which label (a gettext msgid), and how it is made from the facts of a participation: the
fields of `service.metrics.facts.Participant` and `Participation`, which the read model
stores column for column. The rest reads these definitions: the queries
(`service.metrics.aggregates` turns the conditions into SQL, `service.metrics.reports`
computes the sums, rates and the median), the export tables and their labels, and the
OpenAPI answers (`schemas.metrics`). Pure data, importing nothing of the database or of a
framework, so that schemas may read it.

Where it stops: the shape of each report (share targets, gender gaps, the indicators' split
by sex, suppression) is the reports' own; a definition only says which figures fill it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

from service.domain.enrolments import COMPLETED, DROPPED_OUT, ENROLLED
from service.domain.follow_ups import RECORDED
from service.translations import N_

REACH, OUTCOMES, INDICATORS = "reach", "outcomes", "indicators"
REPORTS = (REACH, OUTCOMES, INDICATORS)
#: Units. Reach counts people; outcomes and indicators count participations, as ESF+ counts entries.
PEOPLE, PARTICIPATIONS, RATE, MONEY, CURRENCY = "people", "participations", "rate", "money", "currency"
#: The order in which an answer lists a report's figures (the exports read them in catalogue order).
_ANSWER_ORDER = {PEOPLE: 0, PARTICIPATIONS: 0, RATE: 1, MONEY: 2, CURRENCY: 3}

EMPLOYED = ("employed", "self_employed")


# -- conditions on the facts of one participation (and of its participant) -----------------------

@dataclass(frozen=True, init=False)
class Is:
    """The fact has this value, or one of these values."""

    fact: str
    values: tuple

    def __init__(self, fact: str, *values: object) -> None:
        object.__setattr__(self, "fact", fact)
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class IsNot:
    fact: str
    value: object


@dataclass(frozen=True)
class Known:
    """The fact has a value (a placement's start, say)."""

    fact: str


@dataclass(frozen=True)
class IsTrue:
    fact: str


@dataclass(frozen=True, init=False)
class InGroup:
    """The participant belongs to any of these vulnerable groups."""

    groups: tuple[str, ...]

    def __init__(self, *groups: str) -> None:
        object.__setattr__(self, "groups", groups)


@dataclass(frozen=True, init=False)
class All:
    conditions: tuple

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", conditions)


@dataclass(frozen=True)
class Every:
    """Holds for every participation (unlike no condition, it is counted like any other condition)."""


Condition = Union[Is, IsNot, Known, IsTrue, InGroup, All, Every]


# -- how a figure is made ----------------------------------------------------------------------

@dataclass(frozen=True)
class Count:
    """People (distinct trainees) or participations meeting `where` (all of them without one)."""

    unit: str
    where: Condition | None = None


@dataclass(frozen=True, init=False)
class Sum:
    """The sum of other counts of the same report."""

    parts: tuple[str, ...]

    def __init__(self, *parts: str) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Rate:
    """numerator / denominator, two figures of the same report; null when the denominator is 0."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Setting:
    """A value set by the organisation or the project (`attribute` of it), not counted."""

    attribute: str
    unit: str


@dataclass(frozen=True)
class Median:
    """The median of a money fact over the participations a count counts, in their main currency."""

    fact: str
    currency_fact: str
    among: str


@dataclass(frozen=True)
class MainCurrency:
    """The currency most of a median's values are paid in (the median uses only those)."""

    of: str


Computation = Union[Count, Sum, Rate, Setting, Median, MainCurrency]


@dataclass(frozen=True)
class Metric:
    name: str
    report: str
    label: str
    description: str
    computed: Computation
    #: Shown in the answers (a figure only other figures rest on is not).
    answered: bool = True
    #: Compared between women and men in the outcomes' `gaps`.
    gap: bool = False

    @property
    def unit(self) -> str:
        computed = self.computed
        if isinstance(computed, (Count, Setting)):
            return computed.unit
        if isinstance(computed, Sum):
            return BY_NAME[computed.parts[0]].unit
        return {Rate: RATE, Median: MONEY, MainCurrency: CURRENCY}[type(computed)]


@dataclass(frozen=True)
class Dimension:
    """A `by=` option: the fact whose values make the cells of a breakdown."""

    name: str
    fact: str
    label: str


DIMENSIONS = (
    Dimension("sex", "sex", N_("Sex")),
    Dimension("age_band", "age_band", N_("Age band")),
    Dimension("vulnerable_group", "vulnerable_groups", N_("Vulnerable group")),
    Dimension("settlement_type", "settlement_type", N_("Settlement type")),
    Dimension("labour_status", "labour_status", N_("Labour market status")),
    Dimension("education_level", "education_level", N_("Education level")),
    Dimension("project", "project_id", N_("Project")),
    Dimension("district", "district", N_("District")),
)

_COMPLETED = Is("status", COMPLETED)
_MONTH_6_RECORDED = Is("month_6_status", RECORDED)
_AT_EXIT = All(IsNot("status", ENROLLED), Is("exit_status", RECORDED))

METRICS = (
    # -- reach: people --------------------------------------------------------------------------
    Metric("reached", REACH, N_("Reached"),
           "Distinct trainees with at least one participation in scope, in any state.",
           Count(PEOPLE)),
    Metric("target", REACH, N_("Target"),
           "The reach target of the organisation, or of the project asked for.",
           Setting("reach_target", PEOPLE)),
    Metric("progress", REACH, N_("Progress"), "reached / target.", Rate("reached", "target")),
    # -- outcomes: participations ---------------------------------------------------------------
    Metric("enrolled", OUTCOMES, N_("Enrolled"), "Participations in scope, in any state.",
           Count(PARTICIPATIONS)),
    Metric("completed", OUTCOMES, N_("Completed"), "Participations completed.",
           Count(PARTICIPATIONS, _COMPLETED)),
    Metric("dropped_out", OUTCOMES, N_("Dropped out"), "Participations dropped out.",
           Count(PARTICIPATIONS, Is("status", DROPPED_OUT))),
    Metric("exited", OUTCOMES, N_("Exited"), "Participations completed or dropped out.",
           Sum("completed", "dropped_out"), answered=False),
    Metric("completion_rate", OUTCOMES, N_("Completion rate"), "completed / (completed + dropped_out).",
           Rate("completed", "exited"), gap=True),
    Metric("placed_within_90d", OUTCOMES, N_("Placed within 90 days"),
           "Completed participations with a placement (formal or not) started between enrolled_on and "
           "exited_on + 90 days, whenever it was recorded.",
           Count(PARTICIPATIONS, All(_COMPLETED, Known("placed_on")))),
    Metric("placement_rate", OUTCOMES, N_("Placement rate"), "placed_within_90d / completed.",
           Rate("placed_within_90d", "completed"), gap=True),
    Metric("month_6_recorded", OUTCOMES, N_("6-month follow-up recorded"),
           "Participations whose month_6 checkpoint is recorded (unreachable and due ones are left out).",
           Count(PARTICIPATIONS, _MONTH_6_RECORDED)),
    Metric("employed_at_6m", OUTCOMES, N_("Employed at 6 months"),
           "Of those, the ones recorded as employed or self-employed.",
           Count(PARTICIPATIONS, All(_MONTH_6_RECORDED, Is("month_6_employment", *EMPLOYED)))),
    Metric("employment_rate_6m", OUTCOMES, N_("Employment rate at 6 months"), "employed_at_6m / month_6_recorded.",
           Rate("employed_at_6m", "month_6_recorded"), gap=True),
    Metric("median_wage", OUTCOMES, N_("Median wage"),
           "The median starting wage of the placements counted in placed_within_90d (the earliest one per "
           "participation), in wage_currency; placements in other currencies are left out.",
           Median("placed_wage", "placed_currency", among="placed_within_90d"), gap=True),
    Metric("wage_currency", OUTCOMES, N_("Wage currency"),
           "The currency most of the placements of median_wage are paid in (ties: alphabetical).",
           MainCurrency("median_wage")),
    # -- ESF+ common indicators (Regulation (EU) 2021/1057, Annex I): participations ---------------
    Metric("participants", INDICATORS, N_("Participants"), "Every participation in scope.",
           Count(PARTICIPATIONS, Every())),
    Metric("unemployed", INDICATORS, N_("Unemployed, incl. long-term"), "Unemployed at entry, incl. long-term.",
           Count(PARTICIPATIONS, Is("labour_status", "unemployed", "long_term_unemployed"))),
    Metric("long_term_unemployed", INDICATORS, N_("Long-term unemployed"), "Long-term unemployed at entry.",
           Count(PARTICIPATIONS, Is("labour_status", "long_term_unemployed"))),
    Metric("inactive", INDICATORS, N_("Inactive"), "Inactive at entry.",
           Count(PARTICIPATIONS, Is("labour_status", "inactive"))),
    Metric("employed", INDICATORS, N_("Employed, incl. self-employed"), "Employed at entry.",
           Count(PARTICIPATIONS, Is("labour_status", "employed"))),
    Metric("under_30", INDICATORS, N_("Below 30 years of age"), "Aged 15 to 29 on enrolled_on.",
           Count(PARTICIPATIONS, Is("age_band", "15-17", "18-24", "25-29"))),
    Metric("aged_55_plus", INDICATORS, N_("55 years of age and above"), "Aged 55 or more on enrolled_on.",
           Count(PARTICIPATIONS, Is("age_band", "55+"))),
    Metric("isced_0_2", INDICATORS, N_("Primary or lower secondary education (ISCED 0–2)"),
           "Primary education or less, or lower secondary.",
           Count(PARTICIPATIONS, Is("education_level", "primary_or_less", "lower_secondary"))),
    Metric("isced_3_4", INDICATORS, N_("Upper secondary or post-secondary education (ISCED 3–4)"),
           "Upper secondary education.", Count(PARTICIPATIONS, Is("education_level", "upper_secondary"))),
    Metric("isced_5_8", INDICATORS, N_("Tertiary education (ISCED 5–8)"), "Tertiary education.",
           Count(PARTICIPATIONS, Is("education_level", "tertiary"))),
    Metric("with_disabilities", INDICATORS, N_("Participants with disabilities"), "In the disability group.",
           Count(PARTICIPATIONS, InGroup("disability"))),
    Metric("foreign_background", INDICATORS, N_("Foreign background (migrants, refugees)"),
           "Migrants or refugees.", Count(PARTICIPATIONS, InGroup("migrant", "refugee"))),
    Metric("minorities_incl_roma", INDICATORS, N_("Minorities, incl. Roma"), "Roma.",
           Count(PARTICIPATIONS, InGroup("roma"))),
    Metric("rural_areas", INDICATORS, N_("From rural areas"), "Living in a rural settlement.",
           Count(PARTICIPATIONS, Is("settlement_type", "rural"))),
    Metric("in_employment_upon_leaving", INDICATORS, N_("In employment upon leaving"),
           "Exited, with the exit checkpoint recorded as employed or self-employed.",
           Count(PARTICIPATIONS, All(_AT_EXIT, Is("exit_employment", *EMPLOYED)))),
    Metric("in_education_upon_leaving", INDICATORS, N_("In education or training upon leaving"),
           "Exited, with the exit checkpoint recorded as in education.",
           Count(PARTICIPATIONS, All(_AT_EXIT, Is("exit_employment", "in_education")))),
    Metric("qualification_upon_leaving", INDICATORS, N_("Gaining a qualification upon leaving"),
           "Completed with a qualification.",
           Count(PARTICIPATIONS, All(_COMPLETED, IsTrue("qualification_gained")))),
    Metric("in_employment_6m_after_leaving", INDICATORS, N_("In employment six months after leaving"),
           "The month_6 checkpoint recorded as employed or self-employed.",
           Count(PARTICIPATIONS, All(_MONTH_6_RECORDED, Is("month_6_employment", *EMPLOYED)))),
)


def _index(metrics: tuple[Metric, ...]) -> dict[str, Metric]:
    found: dict[str, Metric] = {}
    for metric in metrics:
        if metric.name in found:  # answers, labels and schemas key figures by name
            raise ValueError(f"metric {metric.name!r} is defined twice")
        found[metric.name] = metric
    return found


BY_NAME = _index(METRICS)


def of_report(report: str) -> tuple[Metric, ...]:
    """The report's figures in catalogue order (the order the exports show them in)."""
    return tuple(metric for metric in METRICS if metric.report == report)


def answered(report: str) -> tuple[Metric, ...]:
    """The figures an answer holds, in its order: counts, then rates, then money, then currency."""
    return tuple(sorted((m for m in of_report(report) if m.answered), key=lambda m: _ANSWER_ORDER[m.unit]))


def counted(report: str) -> tuple[Metric, ...]:
    """The report's counts: the measures its queries compute."""
    return tuple(metric for metric in of_report(report) if isinstance(metric.computed, Count))


def in_cells(metric: Metric) -> bool:
    """Whether each breakdown cell has the figure too (a setting or a currency is one per report)."""
    computed = metric.computed
    if isinstance(computed, (Setting, MainCurrency)):
        return False
    return all(in_cells(BY_NAME[name]) for name in rests_on(metric))


def rests_on(metric: Metric) -> Iterator[str]:
    """The names of the figures `metric` is made of."""
    computed = metric.computed
    if isinstance(computed, Sum):
        yield from computed.parts
    elif isinstance(computed, Rate):
        yield from (computed.numerator, computed.denominator)
    elif isinstance(computed, Median):
        yield computed.among
    elif isinstance(computed, MainCurrency):
        yield computed.of
