"""The metrics catalogue (service/domain/metrics.py) is whole: every definition can be computed,
stored, labelled in every language and answered; see tests/api/test_metric_definitions.py for
the answers, exports and OpenAPI document that read it."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from service.db.models import MetricEnrolment, MetricParticipant
from service.domain import metrics as catalogue
from service.domain.metrics import (
    CURRENCY, MONEY, PARTICIPANTS, PARTICIPATIONS, PEOPLE, RATE, All, AnyOf, Count, Due, InGroup, Is, IsNot, IsTrue,
    Known, MainCurrency, Median, Overdue, Rate, Setting, Sum,
)
from service.metrics import aggregates, facts
from service.metrics.facts import Participant, Participation
from service.metrics.labels import column_label, value_label
from service.translations import DIRECTORY, LANGUAGES, translate

UNITS = (PEOPLE, PARTICIPATIONS, PARTICIPANTS, RATE, MONEY, CURRENCY)


def _facts(condition) -> set[str]:
    match condition:
        case All(conditions=parts) | AnyOf(conditions=parts):
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


def test_the_esf_plus_pack_has_every_name_of_spec_section_7_over_participants():
    spec = ("participants unemployed long_term_unemployed inactive employed below_18 aged_18_29 aged_55_plus "
            "isced_0_2 isced_3_4 isced_5_8 with_disabilities third_country_nationals foreign_background "
            "minorities_incl_roma homeless_or_housing_exclusion rural_areas job_searching_upon_leaving "
            "in_education_or_training_upon_leaving qualification_upon_leaving in_employment_upon_leaving "
            "in_employment_6m_after_leaving improved_labour_market_situation_6m").split()
    pack = catalogue.of_report(catalogue.INDICATORS)
    assert [metric.name for metric in pack] == spec
    assert {metric.unit for metric in pack} == {PARTICIPANTS}
    kinds = {metric.name: metric.kind for metric in pack}
    assert [name for name in spec if kinds[name] == catalogue.RESULT] == spec[17:]


def test_the_entry_categories_are_one_per_labour_status_and_add_up():
    """unemployed + inactive + employed = participants: every labour status falls in exactly one."""
    from service.domain import people

    assert set(catalogue.ENTRY_CATEGORIES) == set(people.LABOUR_STATUSES)
    assert set(catalogue.ENTRY_CATEGORIES.values()) == {"employed", "unemployed", "inactive"}
    assert catalogue.ENTRY_CATEGORIES["in_education"] == "inactive"


def test_every_checkpoint_has_its_eight_figures_and_nothing_due_is_stored():
    for name, *_rest in catalogue.CHECKPOINTS:
        figures = {m.figure: m for m in catalogue.of_report(catalogue.OUTCOMES) if m.checkpoint == name}
        assert set(figures) == {"exiters_due", "employed", "recorded", "unreachable", "overdue", "employment_rate",
                                "employment_rate_recorded", "coverage"}, name
        # Whether a checkpoint is due depends on today: computed when answering, never a stored count.
        assert isinstance(figures["exiters_due"].computed, Due)
        assert isinstance(figures["overdue"].computed, Overdue)
        assert figures["employment_rate"].computed == Rate(figures["employed"].name, figures["exiters_due"].name)
        assert figures["coverage"].computed == Rate(figures["recorded"].name, figures["exiters_due"].name)
    assert catalogue.BY_NAME["employment_rate_6m"].computed == catalogue.BY_NAME["month_6_employment_rate"].computed
    stored = set(MetricEnrolment.__table__.c.keys())
    assert not {"due", "overdue", "due_on", "month_6_due", "exiters_due"} & stored


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
            assert all(isinstance(part, (Count, Sum, Setting, Due)) for part in parts.values()), metric.name
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
    assert set(MetricParticipant.__table__.c.keys()) == participant
    assert set(MetricEnrolment.__table__.c.keys()) == participation - {aggregates.GROUPS_FACT}
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
    trainee = _record("trainees", id=person, organisation_id=org, sex="non_binary", district="Konak")
    enrolment = _record("enrolments", id=enrolment_id, organisation_id=org, trainee_id=person, project_id=project_id,
                        enrolled_on=date(2026, 1, 5), status="completed", exited_on=date(2026, 6, 30),
                        exit_reason="completed_course", qualification_gained=True,
                        labour_status_at_entry="in_education", education_level_at_entry="tertiary",
                        settlement_type_at_entry="rural", vulnerable_groups_at_entry=["roma"],
                        indicator_groups_at_entry=["minorities"], citizenship_at_entry="SY", age_at_entry=25,
                        cohort_occupation="7411")
    placement = _record("placements", id=uuid.uuid4(), trainee_id=person, started_on=date(2026, 7, 1),
                        wage_monthly=Decimal("28500.00"), currency="TRY", formal=True, employer_sector="F43.2")
    checks = [_record("follow_ups", trainee_id=person, enrolment_id=enrolment_id, checkpoint=checkpoint,
                      status="recorded", employment_status="employed", observed_on=observed_on)
              for checkpoint, observed_on in (("exit", date(2026, 7, 2)), ("month_6", date(2026, 12, 29)))]
    assert facts.participant(trainee) == facts.Participant(person, org, "non_binary", "Konak")
    (row,) = facts.participations([enrolment], [placement], checks)
    assert row == facts.Participation(
        enrolment_id, org, person, project_id, None, 25, "25-29", "in_education", "inactive", "tertiary", "rural",
        "SY", True, frozenset({"roma"}), True, False, False, False, date(2026, 1, 5), date(2026, 1, 5), True, True,
        date(2026, 6, 30), "completed", date(2026, 6, 30), "completed_course", True, date(2026, 7, 1),
        Decimal("28500.00"), "TRY",
        "7411", "F", "recorded", "employed", True, "recorded", "employed", None, None, "employed", True, True, False)


# -- the participation facts of design 14 B -------------------------------------------------------------------

ORG, PERSON, PROJECT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _enrolment(enrolled_on: date, exited_on: date | None = None, status: str = "completed", *,
               reason: str | None = "completed_course", project=PROJECT, labour_status: str = "unemployed",
               citizenship: str | None = None):
    return _record("enrolments", id=uuid.uuid4(), organisation_id=ORG, trainee_id=PERSON, project_id=project,
                   enrolled_on=enrolled_on, status=status if exited_on else "enrolled", exited_on=exited_on,
                   exit_reason=reason if exited_on else None, qualification_gained=bool(exited_on),
                   labour_status_at_entry=labour_status, education_level_at_entry="upper_secondary",
                   settlement_type_at_entry="urban", vulnerable_groups_at_entry=[],
                   citizenship_at_entry=citizenship, age_at_entry=30)


def _job(started_on: date, ended_on: date | None = None, *, formal: bool = False):
    return _record("placements", id=uuid.uuid4(), trainee_id=PERSON, started_on=started_on, ended_on=ended_on,
                   wage_monthly=Decimal("1000.00"), currency="EUR", formal=formal, vacancy_occupation="5120",
                   employer_sector="I56")


def _check(enrolment, checkpoint: str, employment: str, observed_on: date, status: str = "recorded"):
    return _record("follow_ups", trainee_id=PERSON, enrolment_id=enrolment.id, checkpoint=checkpoint, status=status,
                   employment_status=employment, observed_on=observed_on)


def _leaving(enrolment, placements=(), follow_ups=()) -> tuple:
    (row,) = facts.participations([enrolment], list(placements), list(follow_ups))
    return row.leaving_status, row.leaving_formal


EXITED = date(2026, 6, 30)


def test_upon_leaving_is_what_was_known_within_28_days_of_the_exit():
    done = _enrolment(date(2026, 1, 5), EXITED)
    assert _leaving(done) == (None, False)
    # a job started within 28 days counts, formal or not (formality apart); on day 29 it does not
    assert _leaving(done, [_job(EXITED + timedelta(days=28))]) == ("employed", False)
    assert _leaving(done, [_job(EXITED + timedelta(days=3), formal=True)]) == ("employed", True)
    assert _leaving(done, [_job(EXITED + timedelta(days=29))]) == (None, False)
    # a job held during the course and ended before the exit does not; one still held on the exit day does
    assert _leaving(done, [_job(date(2026, 2, 1), EXITED - timedelta(days=1))]) == (None, False)
    assert _leaving(done, [_job(date(2026, 2, 1), EXITED)]) == ("employed", False)
    # a drop-out for a job is employed upon leaving without any record
    quit_for_job = _enrolment(date(2026, 1, 5), EXITED, "dropped_out", reason="found_job")
    assert _leaving(quit_for_job) == ("employed", False)
    assert _leaving(_enrolment(date(2026, 1, 5), EXITED, "dropped_out", reason="health")) == (None, False)
    # the exit checkpoint counts when observed within the 28 days
    for employment, status in (("employed", "employed"), ("self_employed", "employed"),
                               ("in_education", "in_education"), ("unemployed", "job_searching"),
                               ("inactive", "other")):
        assert _leaving(done, follow_ups=[_check(done, "exit", employment, EXITED + timedelta(days=28))]) == (
            status, False), employment
        assert _leaving(done, follow_ups=[_check(done, "exit", employment, EXITED + timedelta(days=29))]) == (
            None, False), employment
    # employed wins over a recorded search: a job started on day 10, recorded unemployed on day 2
    assert _leaving(done, [_job(EXITED + timedelta(days=10))],
                    [_check(done, "exit", "unemployed", EXITED + timedelta(days=2))]) == ("employed", False)


def test_a_participant_is_one_person_in_one_project_first_entry_and_final_exit():
    first = _enrolment(date(2025, 1, 6), date(2025, 3, 1), "dropped_out", reason="health", labour_status="inactive")
    again = _enrolment(date(2025, 9, 1), date(2026, 2, 1), labour_status="employed")
    elsewhere = _enrolment(date(2025, 5, 1), project=uuid.uuid4(), labour_status="employed")
    rows = {row.enrolment_id: row for row in facts.participations([again, elsewhere, first], [], [])}
    assert [(rows[e.id].first_entry, rows[e.id].final) for e in (first, again, elsewhere)] == [
        (True, False), (False, True), (True, True)]
    assert {rows[e.id].entered_on for e in (first, again)} == {date(2025, 1, 6)}
    assert {rows[e.id].left_on for e in (first, again)} == {date(2026, 2, 1)}
    assert rows[elsewhere.id].left_on is None  # still enrolled: not a leaver
    # the participant's results are the final exit's, on each of its rows (counted on the first)
    assert {(rows[e.id].result_leaving, rows[e.id].result_qualification) for e in (first, again)} == {(None, True)}
    assert (rows[first.id].employment_category, rows[again.id].employment_category) == ("inactive", "employed")
    # a job started during the first participation and still held when the final one ended counts for it
    rows = {row.enrolment_id: row for row in facts.participations([first, again], [_job(date(2025, 2, 1))], [])}
    assert rows[again.id].leaving_status == "employed"


def test_third_country_nationals_hold_a_citizenship_outside_the_27_member_states():
    def third(citizenship):
        (row,) = facts.participations([_enrolment(date(2026, 1, 5), citizenship=citizenship)], [], [])
        return row.third_country

    assert (third("SY"), third("TR"), third("GR"), third("SE"), third(None)) == (True, True, False, False, False)


def test_an_organisation_outside_the_eu_does_not_count_its_own_citizens_as_third_country_nationals():
    def third(citizenship, home):
        (row,) = facts.participations([_enrolment(date(2026, 1, 5), citizenship=citizenship)], [], [],
                                      home_country=home)
        return row.third_country

    assert (third("TR", "TR"), third("SY", "TR"), third("CO", "CO"), third("VE", "CO"), third("TR", "SE")) == (
        False, True, False, True, True)


def test_an_improved_situation_needs_a_new_formal_job_held_at_month_6():
    done = _enrolment(date(2026, 1, 5), EXITED, labour_status="employed")
    observed = EXITED + timedelta(days=190)
    month_6 = _check(done, "month_6", "employed", observed)

    def improved(*placements, enrolment=done):
        (row,) = facts.participations([enrolment], list(placements), [month_6])
        return row.improved_6m

    assert improved(_job(date(2026, 3, 1), formal=True))
    assert not improved(_job(date(2026, 3, 1)))  # informal
    assert not improved(_job(date(2026, 1, 5), formal=True))  # not after the first entry
    assert not improved(_job(date(2026, 3, 1), observed - timedelta(days=1), formal=True))  # ended before
    assert not improved()
    # only for those employed at the (first) entry
    unemployed = _enrolment(date(2026, 1, 5), EXITED)
    month_6 = _check(unemployed, "month_6", "employed", observed)
    assert not improved(_job(date(2026, 3, 1), formal=True), enrolment=unemployed)


def test_every_framework_has_one_answer():
    """ESF+ is the catalogue's; every other framework the API accepts has its pack, and no pack is unreachable."""
    from service.metrics.packs import PACKS

    assert catalogue.ESF_PLUS not in PACKS
    assert (catalogue.ESF_PLUS, *PACKS) == catalogue.FRAMEWORKS
