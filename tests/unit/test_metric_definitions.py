"""The metrics catalogue (service/domain/metrics.py) is whole: every definition can be computed,
stored, labelled in every language and answered; see tests/api/test_metric_definitions.py for
the answers, exports and OpenAPI document that read it."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from service.db.models import MetricEnrolment, MetricParticipant
from service.domain import metrics as catalogue
from service.domain.metrics import (
    CURRENCY, MONEY, PARTICIPATIONS, PEOPLE, RATE, All, Count, InGroup, Is, IsNot, IsTrue, Known, MainCurrency,
    Median, Rate, Setting, Sum,
)
from service.metrics import aggregates, facts
from service.metrics.facts import Participant, Participation
from service.metrics.labels import column_label, value_label
from service.translations import DIRECTORY, LANGUAGES, translate

UNITS = (PEOPLE, PARTICIPATIONS, RATE, MONEY, CURRENCY)


def _facts(condition) -> set[str]:
    match condition:
        case All(conditions=parts):
            return set().union(*(_facts(part) for part in parts))
        case Is(fact=fact) | IsNot(fact=fact) | Known(fact=fact) | IsTrue(fact=fact):
            return {fact}
        case InGroup():
            return {aggregates.GROUPS_FACT}
    return set()


def named_facts() -> set[str]:
    found = {dimension.fact for dimension in catalogue.DIMENSIONS}
    for metric in catalogue.METRICS:
        computed = metric.computed
        if isinstance(computed, Count):
            found |= _facts(computed.where)
        elif isinstance(computed, Median):
            found |= {computed.fact, computed.currency_fact}
    return found


def test_every_metric_has_a_unique_name_a_report_a_unit_and_a_description():
    names = [metric.name for metric in catalogue.METRICS]
    assert len(names) == len(set(names)) == len(catalogue.BY_NAME)
    for metric in catalogue.METRICS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.name), metric.name
        assert metric.report in catalogue.REPORTS and metric.unit in UNITS, metric
        assert metric.description.strip() and metric.label.strip(), metric.name
    with pytest.raises(ValueError, match="defined twice"):
        catalogue._index((*catalogue.METRICS, catalogue.METRICS[0]))


def test_every_report_has_figures_and_counts():
    for report in catalogue.REPORTS:
        assert catalogue.answered(report) and catalogue.counted(report), report


def test_a_figure_rests_on_figures_of_its_own_report_without_a_cycle():
    def depth(metric, seen=()):
        assert metric.name not in seen, f"cycle through {seen}"
        parts = [catalogue.BY_NAME[name] for name in catalogue.rests_on(metric)]
        for part in parts:
            assert part.report == metric.report, (metric.name, part.name)
        return 1 + max((depth(part, (*seen, metric.name)) for part in parts), default=0)

    for metric in catalogue.METRICS:
        depth(metric)


def test_rates_sums_and_medians_rest_on_counts_or_settings():
    for metric in catalogue.METRICS:
        computed = metric.computed
        parts = {name: catalogue.BY_NAME[name].computed for name in catalogue.rests_on(metric)}
        if isinstance(computed, Sum):
            assert all(isinstance(part, Count) for part in parts.values()), metric.name
            assert len({catalogue.BY_NAME[name].unit for name in parts}) == 1, metric.name
        elif isinstance(computed, Rate):
            assert all(isinstance(part, (Count, Sum, Setting)) for part in parts.values()), metric.name
        elif isinstance(computed, Median):
            assert isinstance(parts[computed.among], Count), metric.name
        elif isinstance(computed, MainCurrency):
            assert isinstance(parts[computed.of], Median), metric.name


def test_gaps_compare_rates_of_counts_or_a_median():
    """The gender gaps compute a rate's exact fraction from the counts of each sex: no setting."""
    for metric in catalogue.METRICS:
        if metric.gap:
            assert metric.report == catalogue.OUTCOMES and catalogue.in_cells(metric), metric.name
            assert isinstance(metric.computed, (Rate, Median)), metric.name


def test_every_fact_a_definition_names_is_a_column_of_the_read_model():
    participant, participation = set(Participant.__dataclass_fields__), set(Participation.__dataclass_fields__)
    tables = MetricParticipant.__table__.c.keys() + MetricEnrolment.__table__.c.keys()
    for fact in named_facts():
        assert fact in participant | participation, f"{fact} is no fact of service.metrics.facts"
        if fact != aggregates.GROUPS_FACT:
            assert fact in tables and aggregates.column(fact).key == fact, fact
    with pytest.raises(KeyError, match="no read-model column"):
        aggregates.column("shoe_size")


def test_every_count_compiles_to_sql():
    for report in catalogue.REPORTS:
        assert list(aggregates.measures(report)) == [metric.name for metric in catalogue.counted(report)]
    with pytest.raises(TypeError):
        aggregates.measure(catalogue.BY_NAME["completion_rate"])


def _translations(language: str) -> dict[str, str]:
    with (DIRECTORY / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_a_msgid_every_language_translates(language):
    """A label not marked with N_() would not be extracted: its catalogue would not have it."""
    translated = _translations(language)
    labels = [m.label for m in catalogue.METRICS] + [d.label for d in catalogue.DIMENSIONS]
    for label in labels:
        assert translated.get(label), f"{language} does not translate {label!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_exports_label_every_figure_and_dimension_from_its_definition(language):
    for metric in catalogue.METRICS:
        shown = (value_label("indicator", metric.name, language) if metric.report == catalogue.INDICATORS
                 else column_label(metric.name, language))
        assert shown == translate(language, metric.label) != metric.name
    for dimension in catalogue.DIMENSIONS:
        assert column_label(dimension.name, language) == translate(language, dimension.label)


def _record(kind: str, **values):
    """A record holding only what `facts.READS` says the derivation reads of its kind."""
    assert set(values) <= set(facts.READS[kind]), set(values) - set(facts.READS[kind])
    return SimpleNamespace(**{name: values.get(name) for name in facts.READS[kind]})


def test_the_projection_selects_everything_the_facts_are_derived_from():
    """Records with only the columns of facts.READS derive every fact (a missing one: AttributeError)."""
    person, enrolment_id, project_id, org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    trainee = _record("trainees", id=person, organisation_id=org, sex="female", settlement_type="rural",
                      education_level="tertiary", labour_status="unemployed", district="Konak",
                      vulnerable_groups=["roma"], birth_date=date(2000, 5, 1))
    enrolment = _record("enrolments", id=enrolment_id, organisation_id=org, trainee_id=person, project_id=project_id,
                        enrolled_on=date(2026, 1, 5), status="completed", exited_on=date(2026, 6, 30),
                        qualification_gained=True)
    placement = _record("placements", id=uuid.uuid4(), trainee_id=person, started_on=date(2026, 7, 1),
                        wage_monthly=Decimal("28500.00"), currency="TRY")
    checks = [_record("follow_ups", trainee_id=person, enrolment_id=enrolment_id, checkpoint=checkpoint,
                      status="recorded", employment_status="employed") for checkpoint in ("exit", "month_6")]
    assert facts.participant(trainee) == facts.Participant(
        person, org, "female", "rural", "tertiary", "unemployed", "Konak", frozenset({"roma"}))
    assert facts.participation(enrolment, trainee, [placement], checks) == facts.Participation(
        enrolment_id, org, person, project_id, "25-29", date(2026, 1, 5), "completed", date(2026, 6, 30), True,
        date(2026, 7, 1), Decimal("28500.00"), "TRY", "recorded", "employed", "recorded", "employed")
