"""The catalogue of labels: every value of the domain's sets has one, read in the reader's language and
in the sense of its kind; an unknown value reads as itself."""

from __future__ import annotations

import pytest

from service.domain import enrolments, follow_ups, groups, people, placements, referrals, vacancies
from service.domain.documents.catalogue import TYPES
from service.domain.documents.reasons import NO_DOCUMENT_REASONS
from service.domain.roles import Role
from service.metrics.labels import column_label, value_label
from service.translations import labels
from service.translations.labels import LABELS, choices, label


@pytest.mark.parametrize("kind, values", [
    ("sex", people.SEXES), ("labour_status", people.LABOUR_STATUSES), ("education_level", people.EDUCATION_LEVELS),
    ("settlement_type", people.SETTLEMENT_TYPES), ("vulnerable_group", people.VULNERABLE_GROUPS),
    ("enrolment_status", enrolments.STATUSES), ("exit_reason", enrolments.EXIT_REASONS),
    ("follow_up_checkpoint", tuple(follow_ups.CHECKPOINTS)), ("follow_up_status", follow_ups.SHOWN_STATUSES),
    ("employment_status", follow_ups.EMPLOYMENT_STATUSES), ("referral_status", referrals.STATUSES),
    ("vacancy_status", vacancies.STATUSES), ("contract_type", vacancies.CONTRACT_TYPES),
    ("placement_end_reason", placements.END_REASONS), ("role", tuple(role.value for role in Role)),
    ("document_type", tuple(TYPES)), ("indicator_group", groups.INDICATOR_GROUPS),
    ("follow_up_source", follow_ups.SOURCES), ("referral_step", tuple(referrals.STEPS)),
    ("no_document_reason", tuple(NO_DOCUMENT_REASONS)),
])
def test_every_value_of_the_domain_has_a_label_in_its_order(kind, values):
    assert tuple(LABELS[kind]) == tuple(values)
    assert [value for value, _label in choices(kind, "sv")] == list(values)


def test_a_label_reads_in_the_language_of_the_locale():
    assert [label("sex", "female", locale) for locale in ("en", "tr-TR", "sv_SE", "es", "fr")] == [
        "Female", "Kadın", "Kvinna", "Mujer", "Female"]
    assert label("follow_up_checkpoint", "month_6", "es") == "6 meses después de la salida"
    assert label("role", "caseworker", "sv") == "Handläggare"


def test_a_word_reads_as_what_it_labels():
    """An enrolment 'Completed' is one enrolment; the exports' 'Completed' column counts the people."""
    assert label("enrolment_status", "completed", "sv") == "Slutförd"
    assert column_label("completed", "sv") == "Slutförda"
    assert label("enrolment_status", "completed", "es") == "Finalizada"
    assert label("referral_status", "hired", "tr") == "İşe alındı"


def test_domain_labels_are_the_domains_msgids():
    assert label("document_type", "passport", "es") == "Pasaporte"
    assert label("no_document_reason", "lost_or_stolen", "sv") == "Handlingen har förlorats eller stulits"


def test_unknown_values_and_kinds_read_as_themselves():
    assert label("sex", "other", "tr") == "other"
    assert label("no_such_kind", "x", "tr") == "x"
    assert label("sex", None, "tr") == ""
    assert choices("no_such_kind", "tr") == []


def test_exports_read_the_same_catalogue():
    for kind in ("sex", "labour_status", "education_level", "settlement_type", "vulnerable_group",
                 "employment_status", "follow_up_status"):
        for value in LABELS[kind]:
            for locale in ("en", "tr", "sv", "es"):
                assert value_label(kind, value, locale) == label(kind, value, locale)
    assert value_label("value", "rural", "es") == "Rural" and value_label("value", "tertiary", "sv") == \
        label("education_level", "tertiary", "sv")


def test_a_domain_value_without_a_label_fails_at_import():
    with pytest.raises(RuntimeError, match="do not match"):
        labels._labelled(("a", "b"), {"a": "A"})
