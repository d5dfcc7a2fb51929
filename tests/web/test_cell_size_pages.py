"""The settings page's guard rail on the minimum cell size: the reason asked below 5, refusals beside the field."""

from __future__ import annotations

import re

import pytest

from service.domain.roles import Role
from tests.api.helpers import ok, register_trainee, url

_FORM = {"locale": "en", "time_zone": "Europe/Istanbul"}


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="error-{re.escape(name)}">([^<]*)</p>', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("language, below, no_reason", [
    ("tr", "3 değerinin altında olamaz", "gerekçe gerekir"), ("sv", "lägre än 3", "kräver ett skäl")])
def test_the_page_refuses_below_three_and_asks_why_below_five(sign_in, language, below, no_reason):
    admin = sign_in(Role.ADMIN, language=language)
    refused = admin.post_form("/admin/organisation", {**_FORM, "min_cell_size": "2", "min_cell_size_reason": "x"})
    assert refused.status_code == 422 and below in _field_error(refused.get_data(as_text=True), "min_cell_size")
    refused = admin.post_form("/admin/organisation", {**_FORM, "min_cell_size": "4"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and no_reason in _field_error(page, "min_cell_size_reason")
    assert 'value="4"' in page
    saved = admin.post_form("/admin/organisation", {**_FORM, "min_cell_size": "4",
                                                    "min_cell_size_reason": "Funder <agreement>"},
                            follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert saved.status_code == 200 and 'id="cell-size-reason"' in page and "Funder &lt;agreement&gt;" in page


def test_the_audit_page_says_changed_never_the_persons_value(sign_in, client, tenant):
    caseworker = tenant.headers[Role.CASEWORKER]
    person = register_trainee(client, caseworker, phone="+90 532 123 45 67")
    ok(client.patch(url(f"/trainees/{person['id']}"), json={"phone": "+90 532 765 43 21"}, headers=caseworker))
    page = sign_in(Role.ADMIN, language="sv").get(f"/admin/audit?person={person['id']}").get_data(as_text=True)
    assert "<dt>Telefon</dt><dd>(ändrad)</dd>" in page and "<dt>Telefon</dt><dd>(registrerad)</dd>" in page
    assert "532 123" not in page and "532 765" not in page
