"""The countries' default vocabularies of groups (service.domain.countries.vocabularies) and the rules of
service.domain.groups: every group well keyed, labelled in English (translated) and the country's language,
feeding one of the ESF+ categories or none; the categories kept on an enrolment at entry."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from service.domain import countries, people
from service.domain import enrolments as enrolment_rules
from service.domain import groups
from service.translations import translate

ALL_PROFILES = (*countries.PROFILES.values(), countries.GENERIC)


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda p: p.code or "generic")
def test_every_profile_has_a_well_formed_vocabulary(profile):
    keys = [group.key for group in profile.groups]
    assert keys and len(keys) == len(set(keys))
    for group in profile.groups:
        assert groups.check_key(group.key) is None, group.key
        assert groups.check_feeds(group.feeds) is None, group.key
        assert group.labels()["en"] == group.label
        assert translate("tr", group.label) != group.label, group.label  # in the Turkish catalogue
        if profile.language != "en":  # labelled in the country's own language
            assert dict(group.local).get(profile.language), (profile.code, group.key)


def test_turkey_keeps_todays_seven_groups_in_their_order_and_mapping():
    tr = countries.profile("TR").groups
    assert tuple(group.key for group in tr) == people.VULNERABLE_GROUPS
    assert {group.key: group.feeds for group in tr} == {
        "roma": "minorities", "disability": "disability", "refugee": "foreign_background", "single_parent": None,
        "neet": None, "migrant": "foreign_background", "housing_exclusion": "housing_exclusion"}
    assert dict(tr[0].local) == {"tr": "Roman"}


@pytest.mark.parametrize(("country", "minorities", "none"), [
    ("GT", {"maya", "garifuna", "xinka", "afro_descendant"}, {"conflict_victim"}),
    ("CO", {"indigenous", "narp", "rrom"}, {"conflict_victim"}),
    ("SE", {"roma", "sami"}, {"neet"}),
])
def test_indigenous_peoples_and_minorities_feed_minorities_and_conflict_victims_nothing(country, minorities, none):
    vocabulary = {group.key: group.feeds for group in countries.profile(country).groups}
    assert {key for key, feeds in vocabulary.items() if feeds == groups.MINORITIES} == minorities
    assert {key for key, feeds in vocabulary.items() if feeds is None} == none
    assert {key for key, feeds in vocabulary.items() if feeds == groups.FOREIGN_BACKGROUND} == {"migrant", "refugee"}
    assert vocabulary["disability"] == groups.DISABILITY and vocabulary["housing_exclusion"] == groups.HOUSING_EXCLUSION


def test_an_unknown_country_reads_the_seven_in_english():
    assert [g.key for g in countries.profile("FR").groups] == list(people.VULNERABLE_GROUPS)
    assert all(g.local == () for g in countries.profile("FR").groups)


@pytest.mark.parametrize("key", ["roma", "single_parent", "a", "group_2", "x" * 32])
def test_good_keys(key):
    assert groups.check_key(key) is None


@pytest.mark.parametrize("key", ["", "Roma", "single-parent", "2nd", "_x", "x" * 33, "roma ", "çingene"])
def test_bad_keys(key):
    assert groups.check_key(key) == groups.KEY_MESSAGE


def test_feeds_is_one_of_four_categories_or_none():
    assert groups.INDICATOR_GROUPS == ("minorities", "disability", "foreign_background", "housing_exclusion")
    assert groups.check_feeds(None) is None and groups.check_feeds("disability") is None
    assert "minorities" in groups.check_feeds("ethnicity")


def test_fed_categories_are_sorted_once_each_and_unknown_keys_feed_nothing():
    mapping = {"maya": "minorities", "xinka": "minorities", "refugee": "foreign_background", "victim": None}
    assert groups.fed(["refugee", "maya", "xinka", "victim", "pirates"], mapping) == ["foreign_background",
                                                                                       "minorities"]
    assert groups.fed([], mapping) == []


def _person(**overrides):
    return SimpleNamespace(**{"labour_status": "unemployed", "birth_date": date(2000, 1, 1),
                              "education_level": "upper_secondary", "settlement_type": "urban",
                              "vulnerable_groups": ["maya", "conflict_victim"], "citizenship": "GT", **overrides})


def _enrolment(status=enrolment_rules.ENROLLED):
    return SimpleNamespace(enrolled_on=date(2026, 3, 2), status=status, labour_status_at_entry=None,
                           indicator_groups_at_entry=["unchanged"])


GT = {group.key: group.feeds for group in countries.profile("GT").groups}


def test_an_enrolment_keeps_the_categories_its_groups_feed_at_entry():
    enrolment = _enrolment()
    enrolment_rules.take_at_entry(enrolment, _person(), feeds=GT)
    assert enrolment.vulnerable_groups_at_entry == ["conflict_victim", "maya"]
    assert enrolment.indicator_groups_at_entry == ["minorities"]
    untouched = _enrolment()
    enrolment_rules.take_at_entry(untouched, _person())  # no vocabulary given: left as it was
    assert untouched.indicator_groups_at_entry == ["unchanged"]


def test_an_open_enrolment_follows_its_persons_groups_by_todays_vocabulary_a_closed_one_does_not():
    remapped = {**GT, "conflict_victim": "housing_exclusion"}
    open_, closed = _enrolment(), _enrolment()
    for enrolment in (open_, closed):
        enrolment_rules.take_at_entry(enrolment, _person(), feeds=GT)
    closed.status = enrolment_rules.COMPLETED
    edited = _person(vulnerable_groups=["conflict_victim", "disability"])
    for enrolment in (open_, closed):
        enrolment_rules.follow_person(enrolment, edited, {"vulnerable_groups"}, feeds=remapped)
    assert open_.indicator_groups_at_entry == ["disability", "housing_exclusion"]
    assert closed.indicator_groups_at_entry == ["minorities"]
    # An edit of something else leaves the categories be, whatever the vocabulary says now.
    enrolment_rules.follow_person(open_, _person(), {"district"}, feeds={})
    assert open_.indicator_groups_at_entry == ["disability", "housing_exclusion"]
