"""Organisations take their defaults from the country profile, and the database accepts every
scheme a profile names (a profile with a new scheme needs a migration: this test says so)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from service.db.models import Organisation
from service.domain import countries, national_ids
from service.services import organisations


def _bootstrap(pathways, country: str) -> Organisation:
    slug = f"cp-{uuid.uuid4().hex[:10]}"
    organisation, _admin, _token = organisations.bootstrap(
        pathways.uow(), slug=slug, name=slug, country=country, admin_email=f"admin@{slug}.example.org")
    return organisation


@pytest.mark.parametrize("country, scheme", [("tr", "tr_tckn"), ("SE", "se_personnummer"),
                                             ("CO", "co_cc"), ("GT", "gt_cui"), ("DE", "generic")])
def test_an_organisation_gets_its_countrys_primary_scheme(pathways, country, scheme):
    assert _bootstrap(pathways, country).national_id_scheme == scheme


def test_a_new_profile_gives_new_organisations_its_scheme(pathways, monkeypatch):
    xx = dataclasses.replace(countries.GENERIC, code="XX", person_id_schemes=countries.profile("GT").person_id_schemes)
    monkeypatch.setattr(countries, "PROFILES", {**countries.PROFILES, "XX": xx})
    assert _bootstrap(pathways, "XX").national_id_scheme == "gt_cui"


def test_the_database_accepts_every_scheme_a_profile_names(pathways):
    organisation = _bootstrap(pathways, "DE")
    for scheme in national_ids.SCHEMES:
        with pathways.uow() as uow:
            uow.session.get(Organisation, organisation.id).national_id_scheme = scheme
            uow.commit()
        with pathways.uow() as uow:
            assert uow.session.get(Organisation, organisation.id).national_id_scheme == scheme
