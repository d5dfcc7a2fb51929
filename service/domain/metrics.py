"""The metrics catalogue: every figure a report answers, defined once (SPEC sections 5 and 7, design 14 B).

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
from service.domain import follow_ups
from service.domain.follow_ups import RECORDED, UNREACHABLE
from service.translations import N_

REACH, OUTCOMES, INDICATORS = "reach", "outcomes", "indicators"
#: The indicator frameworks of `/metrics/indicators?framework=`: ESF+ is this catalogue's; the others are
#: packs of their own (service.metrics.packs), each answering for one of these names.
ESF_PLUS, WIOA, ILO = "esf_plus", "wioa", "ilo"
FRAMEWORKS = (ESF_PLUS, WIOA, ILO)
REPORTS = (REACH, OUTCOMES, INDICATORS)
#: Units. Reach counts people; outcomes count participations (enrolments: completion is per course taken);
#: indicators count participants, one per person and project (ESF+: once per operation).
PEOPLE, PARTICIPATIONS, PARTICIPANTS = "people", "participations", "participants"
RATE, MONEY, CURRENCY = "rate", "money", "currency"
#: The order in which an answer lists a report's figures (the exports read them in catalogue order).
_ANSWER_ORDER = {PEOPLE: 0, PARTICIPATIONS: 0, PARTICIPANTS: 0, RATE: 1, MONEY: 2, CURRENCY: 3}

#: Period bases: which date puts a participation (or a participant) into a period.
ENTRY, EXIT = "entry", "exit"
PERIOD_BASES = (ENTRY, EXIT)
#: The funders' default per report; the indicators' outputs are on entry, their results on exit.
DEFAULT_BASIS = {REACH: ENTRY, OUTCOMES: EXIT}
#: Kinds of ESF+ indicator (Annex I): who entered (outputs) and what became of those who left (results).
OUTPUT, RESULT = "output", "result"
DEFAULT_INDICATOR_BASIS = {OUTPUT: ENTRY, RESULT: EXIT}

#: The sexes every split shows (service.domain.people.SEXES), and the figures' total.
SEXES = ("female", "male", "non_binary", "undisclosed")

#: Employment category at entry: exactly one per participant (ESF+ counts people in education or training as
#: inactive), so unemployed + inactive + employed = participants.
ENTRY_CATEGORIES = {"employed": "employed", "unemployed": "unemployed", "long_term_unemployed": "unemployed",
                    "inactive": "inactive", "in_education": "inactive"}

#: The outcome checkpoints: (name in the answers, follow-up checkpoint, days after the exit it is due,
#: days its window lasts). "Upon leaving" is within four weeks of leaving (ESF+ guidance).
CHECKPOINTS = tuple((name, checkpoint, follow_ups.CHECKPOINTS[checkpoint], follow_ups.WINDOW_DAYS[checkpoint])
                    for name, checkpoint in (("upon_leaving", "exit"), ("month_6", "month_6"),
                                             ("month_12", "month_12")))
#: Upon leaving: what the participant was within the 28 days (`leaving_status` fact).
LEAVING_EMPLOYED, LEAVING_EDUCATION, LEAVING_SEARCHING, LEAVING_OTHER = (
    "employed", "in_education", "job_searching", "other")

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


@dataclass(frozen=True, init=False)
class AnyOf:
    conditions: tuple

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", conditions)


Condition = Union[Is, IsNot, Known, IsTrue, InGroup, All, AnyOf, Every]


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


@dataclass(frozen=True)
class Due:
    """Exited participations whose checkpoint is due by today (the exit date + its days).

    Today moves without an event, so this is never stored: the reports count exits per exit date
    and compare each date with today when they answer."""

    checkpoint: str


@dataclass(frozen=True)
class Overdue:
    """Of those due, the ones neither recorded nor unreachable whose window ended before today."""

    checkpoint: str


Computation = Union[Count, Sum, Rate, Setting, Median, MainCurrency, Due, Overdue]


@dataclass(frozen=True)
class Metric:
    name: str
    report: str
    label: str
    description: str
    computed: Computation
    #: Shown in the answers (a figure only other figures rest on is not).
    answered: bool = True
    #: Compared between the sexes in the outcomes' `gaps`.
    gap: bool = False
    #: Outcomes: shown inside `checkpoints[checkpoint][figure]` (and so inside each breakdown cell).
    checkpoint: str | None = None
    figure: str | None = None
    #: Indicators: an output (who entered; entry basis by default) or a result (who left; exit basis).
    kind: str | None = None

    @property
    def unit(self) -> str:
        computed = self.computed
        if isinstance(computed, (Count, Setting)):
            return computed.unit
        if isinstance(computed, Sum):
            return BY_NAME[computed.parts[0]].unit
        if isinstance(computed, (Due, Overdue)):
            return PARTICIPATIONS
        return {Rate: RATE, Median: MONEY, MainCurrency: CURRENCY}[type(computed)]


@dataclass(frozen=True)
class Dimension:
    """A `by=` option: the fact whose values make the cells of a breakdown."""

    name: str
    fact: str
    label: str


#: Characteristics are those at entry (the enrolment's), but sex and district, which are the person's.
DIMENSIONS = (
    Dimension("sex", "sex", N_("Sex")),
    Dimension("age_band", "age_band", N_("Age band")),
    Dimension("vulnerable_group", "vulnerable_groups", N_("Vulnerable group")),
    Dimension("settlement_type", "settlement_type", N_("Settlement type")),
    Dimension("labour_status", "labour_status", N_("Labour market status")),
    Dimension("education_level", "education_level", N_("Education level")),
    Dimension("project", "project_id", N_("Project")),
    Dimension("district", "district", N_("District")),
    Dimension("exit_reason", "exit_reason", N_("Exit reason")),
    Dimension("cohort", "cohort_id", N_("Cohort")),
    #: ISCO-08 major group (1 digit) and sub-major group (2 digits) of the job: the placement's vacancy's
    #: occupation, else the cohort's (the occupation trained for).
    Dimension("occupation", "job_occupation", N_("Occupation (ISCO-08 major group)")),
    Dimension("occupation_sub_major", "job_occupation", N_("Occupation (ISCO-08 sub-major group)")),
    #: NACE Rev. 2 section of the placement's employer.
    Dimension("sector", "job_sector", N_("Sector (NACE section)")),
)

_EXITED = IsNot("status", ENROLLED)
_COMPLETED = Is("status", COMPLETED)
#: Indicators: a participant is counted on its first participation in the project (its characteristics at
#: entry), its results being those of the final exit (held on every row of the participant) once it has left.
_FIRST = IsTrue("first_entry")
_LEAVER = All(_FIRST, Known("left_on"))


def _output(name: str, label: str, description: str, where: Condition | None = None) -> Metric:
    return Metric(name, INDICATORS, label, description,
                  Count(PARTICIPANTS, _FIRST if where is None else All(_FIRST, where)), kind=OUTPUT)


def _result(name: str, label: str, description: str, where: Condition) -> Metric:
    return Metric(name, INDICATORS, label, description, Count(PARTICIPANTS, All(_LEAVER, where)), kind=RESULT)


def _checkpoint_metrics(name: str, checkpoint: str, days: int, window: int) -> tuple[Metric, ...]:
    """exiters_due, recorded, unreachable, overdue, employed and the three rates of one checkpoint."""
    status = f"{checkpoint}_status"
    # month_6's recorded and employed counts are SPEC 5's month_6_recorded and employed_at_6m.
    recorded = f"{name}_recorded"
    employed_name = "employed_at_6m" if name == "month_6" else f"{name}_employed"
    if name == "upon_leaving":
        employed: Condition = Is("leaving_status", LEAVING_EMPLOYED)
        employed_text = ("Exited participations employed upon leaving: the exit checkpoint recorded employed or "
                         "self-employed as observed within 28 days of the exit, a job (formal or not) started "
                         "between the first entry into the project and 28 days after the exit and not ended "
                         "before it, or a drop-out because of a job.")
    else:
        employed = All(_EXITED, Is(status, RECORDED), Is(f"{checkpoint}_employment", *EMPLOYED))
        employed_text = f"Exited participations whose {name} checkpoint is recorded employed or self-employed."
    figures = [
        Metric(f"{name}_exiters_due", OUTCOMES, N_("Exiters due"),
               f"Exited participations whose {name} checkpoint is due by today (the exit date + {days} days).",
               Due(checkpoint), answered=False, checkpoint=name, figure="exiters_due"),
        Metric(f"{name}_recorded", OUTCOMES, N_("Recorded"),
               f"Of those, the ones whose {name} checkpoint is recorded.",
               Count(PARTICIPATIONS, All(_EXITED, Is(status, RECORDED))), answered=False, checkpoint=name,
               figure="recorded"),
        Metric(f"{name}_unreachable", OUTCOMES, N_("Unreachable"),
               f"Of those, the ones whose {name} checkpoint is marked unreachable.",
               Count(PARTICIPATIONS, All(_EXITED, Is(status, UNREACHABLE))), answered=False, checkpoint=name,
               figure="unreachable"),
        Metric(f"{name}_overdue", OUTCOMES, N_("Overdue"),
               f"Of those, the ones neither recorded nor unreachable whose window ({window} days from the due "
               "date) ended before today.",
               Overdue(checkpoint), answered=False, checkpoint=name, figure="overdue"),
        Metric(f"{name}_employed", OUTCOMES, N_("Employed"), employed_text,
               Count(PARTICIPATIONS, employed), answered=False, checkpoint=name, figure="employed"),
        Metric(f"{name}_employment_rate", OUTCOMES, N_("Employment rate"),
               f"{name}_employed / {name}_exiters_due: over every exiter due, recorded or not.",
               Rate(employed_name, f"{name}_exiters_due"), answered=False, checkpoint=name,
               figure="employment_rate"),
    ]
    if name == "upon_leaving":
        figures.append(Metric(
            "upon_leaving_known", OUTCOMES, N_("Recorded or employed upon leaving"),
            "Exited participations whose exit checkpoint is recorded or who are employed upon leaving.",
            Count(PARTICIPATIONS, All(_EXITED, AnyOf(Is(status, RECORDED), employed))), answered=False))
    figures += [
        Metric(f"{name}_employment_rate_recorded", OUTCOMES, N_("Employment rate among recorded"),
               f"{name}_employed / {name}_recorded" + (" (or employed)" if name == "upon_leaving" else "") + ".",
               Rate(employed_name, "upon_leaving_known" if name == "upon_leaving" else recorded),
               answered=False, checkpoint=name, figure="employment_rate_recorded"),
        Metric(f"{name}_coverage", OUTCOMES, N_("Coverage"), f"{name}_recorded / {name}_exiters_due.",
               Rate(recorded, f"{name}_exiters_due"), answered=False, checkpoint=name, figure="coverage"),
    ]
    return tuple(figures)


_MONTH_6_EMPLOYED = All(_EXITED, Is("month_6_status", RECORDED), Is("month_6_employment", *EMPLOYED))
_LEFT_WITHIN_28 = "observed within 28 days of the final exit"

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
           "Exited participations whose month_6 checkpoint is recorded (unreachable and open ones are left out).",
           Count(PARTICIPATIONS, All(_EXITED, Is("month_6_status", RECORDED))), checkpoint="month_6",
           figure="recorded"),
    Metric("employed_at_6m", OUTCOMES, N_("Employed at 6 months"),
           "Exited participations whose month_6 checkpoint is recorded employed or self-employed.",
           Count(PARTICIPATIONS, _MONTH_6_EMPLOYED), checkpoint="month_6", figure="employed"),
    *(metric for checkpoint in CHECKPOINTS for metric in _checkpoint_metrics(*checkpoint)
      if metric.name not in ("month_6_recorded", "month_6_employed")),
    Metric("employment_rate_6m", OUTCOMES, N_("Employment rate at 6 months"),
           "employed_at_6m / month_6 exiters due: over every exiter whose month_6 checkpoint is due, recorded or "
           "not (checkpoints.month_6.employment_rate).",
           Rate("employed_at_6m", "month_6_exiters_due"), gap=True),
    Metric("formal_upon_leaving", OUTCOMES, N_("In formal employment upon leaving"),
           "Exited participations employed upon leaving through a formal placement (registered with social "
           "security): upon_leaving employed, formality apart.",
           Count(PARTICIPATIONS, All(_EXITED, IsTrue("leaving_formal")))),
    Metric("median_wage", OUTCOMES, N_("Median wage"),
           "The median starting monthly wage (not adjusted for hours: the ILO pack's hourly wage is) of the "
           "placements counted in placed_within_90d (the earliest one per participation), in wage_currency; "
           "placements in other currencies are counted in wages_left_out.",
           Median("placed_wage", "placed_currency", among="placed_within_90d"), gap=True),
    Metric("wage_currency", OUTCOMES, N_("Wage currency"),
           "The currency most of the placements of median_wage are paid in (ties: alphabetical).",
           MainCurrency("median_wage")),
    # -- ESF+ common indicators (Regulation (EU) 2021/1057, Annex I): participants -----------------
    _output("participants", N_("Participants"),
            "Participants: one per person and project, counted at the first entry into the project."),
    _output("unemployed", N_("Unemployed, incl. long-term"),
            "Unemployed at entry (without work and job searching), incl. long-term unemployed.",
            Is("employment_category", "unemployed")),
    _output("long_term_unemployed", N_("Long-term unemployed"), "Long-term unemployed at entry.",
            Is("labour_status", "long_term_unemployed")),
    _output("inactive", N_("Inactive"),
            "Inactive at entry: without work and not job searching, incl. people in education or training.",
            Is("employment_category", "inactive")),
    _output("employed", N_("Employed, incl. self-employed"), "Employed at entry, incl. self-employed.",
            Is("employment_category", "employed")),
    _output("below_18", N_("Below 18 years of age"), "Aged below 18 at entry.", Is("age_band", "15-17")),
    _output("aged_18_29", N_("18 to 29 years of age"), "Aged 18 to 29 at entry.",
            Is("age_band", "18-24", "25-29")),
    _output("aged_55_plus", N_("55 years of age and above"), "Aged 55 or more at entry.", Is("age_band", "55+")),
    _output("isced_0_2", N_("Primary or lower secondary education (ISCED 0–2)"),
            "Primary education or less, or lower secondary, at entry.",
            Is("education_level", "primary_or_less", "lower_secondary")),
    _output("isced_3_4", N_("Upper secondary or post-secondary education (ISCED 3–4)"),
            "Upper secondary education at entry.", Is("education_level", "upper_secondary")),
    _output("isced_5_8", N_("Tertiary education (ISCED 5–8)"), "Tertiary education at entry.",
            Is("education_level", "tertiary")),
    _output("with_disabilities", N_("Participants with disabilities"), "In a group feeding disability at entry.",
            IsTrue("fed_disability")),
    _output("third_country_nationals", N_("Third-country nationals"),
            "Citizenship at entry outside the 27 EU member states (no citizenship given: not counted).",
            IsTrue("third_country")),
    _output("foreign_background", N_("Foreign background (migrants, refugees)"),
            "In a group feeding foreign_background (migrants, refugees) at entry.", IsTrue("fed_foreign_background")),
    _output("minorities_incl_roma", N_("Minorities, incl. Roma"),
            "In a group feeding minorities (Roma, Indigenous peoples and other minorities) at entry.",
            IsTrue("fed_minorities")),
    _output("homeless_or_housing_exclusion", N_("Homeless or affected by housing exclusion"),
            "In a group feeding housing_exclusion at entry.", IsTrue("fed_housing_exclusion")),
    _output("rural_areas", N_("From rural areas"), "Living in a rural settlement at entry.",
            Is("settlement_type", "rural")),
    _result("job_searching_upon_leaving", N_("Engaged in job searching upon leaving"),
            f"Leavers not employed nor in education, recorded unemployed (job searching) {_LEFT_WITHIN_28}.",
            Is("result_leaving", LEAVING_SEARCHING)),
    _result("in_education_or_training_upon_leaving", N_("In education or training upon leaving"),
            f"Leavers not employed, recorded in education or training {_LEFT_WITHIN_28}.",
            Is("result_leaving", LEAVING_EDUCATION)),
    _result("qualification_upon_leaving", N_("Gaining a qualification upon leaving"),
            "Leavers (completers and drop-outs) with a qualification gained on the final exit.",
            IsTrue("result_qualification")),
    _result("in_employment_upon_leaving", N_("In employment upon leaving"),
            "Leavers employed upon leaving, formal or not: the exit checkpoint recorded employed or self-employed "
            f"{_LEFT_WITHIN_28}, a job started between the first entry and 28 days after the final exit and not "
            "ended before it, or a drop-out because of a job.",
            Is("result_leaving", LEAVING_EMPLOYED)),
    _result("in_employment_6m_after_leaving", N_("In employment six months after leaving"),
            "Leavers whose month_6 checkpoint is recorded employed or self-employed.",
            IsTrue("result_employed_6m")),
    _result("improved_labour_market_situation_6m", N_("With an improved labour market situation six months "
                                                        "after leaving"),
            "Leavers employed at their first entry into the project who, at the month_6 checkpoint, are recorded "
            "employed in a formal placement started after that entry and held on the day observed (from precarious "
            "work to a new formal job).",
            IsTrue("improved_6m")),
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
