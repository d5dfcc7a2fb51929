"""A person's consent page (issue 18): the version, the day and the purposes; the withdraw form (caseworkers),
refused beside the field when nothing is chosen; another organisation's person is a 404."""

from __future__ import annotations

from service.domain.roles import Role
from tests.api.helpers import ok, register_trainee, url


def test_the_consent_page_shows_the_purposes_and_withdraws_one(client, tenant, other_tenant, sign_in):
    person = register_trainee(client, tenant.headers[Role.CASEWORKER])
    page = sign_in(Role.CASEWORKER, language="sv")
    html = page.get(f"/people/{person['id']}/consent").get_data(as_text=True)
    assert "Standardtexten" in html and "Uppföljningskontakt efter programmet" in html
    assert 'action="/people/' in html and "Återkalla samtycke" in html

    refused = page.post_form(f"/people/{person['id']}/consent/withdraw", data={"purposes": ""})
    assert refused.status_code == 422 and "Ange minst ett ändamål att återkalla." in refused.get_data(as_text=True)

    done = page.post_form(f"/people/{person['id']}/consent/withdraw", data={"purposes": "follow_up_contact"},
                          follow_redirects=True)
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and "Samtycket är återkallat" in shown and "Återkallat " in shown
    held = ok(client.get(url(f"/trainees/{person['id']}/consent"), headers=tenant.headers[Role.CASEWORKER]))
    assert held["withdrawn"] == ["follow_up_contact"]

    # A manager reads, without the form; another organisation's caseworker finds nothing.
    assert "Återkalla samtycke" not in sign_in(Role.MANAGER, language="sv").get(
        f"/people/{person['id']}/consent").get_data(as_text=True)
    assert sign_in(Role.CASEWORKER, of=other_tenant).get(f"/people/{person['id']}/consent").status_code == 404
    assert sign_in(Role.CASEWORKER, of=other_tenant).post_form(
        f"/people/{person['id']}/consent/withdraw", data={"purposes": "programme"}).status_code == 404
