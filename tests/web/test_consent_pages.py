"""A person's consent page (issue 18): the version, the day and the purposes; the withdraw form (caseworkers),
refused beside the field when nothing is chosen; another organisation's person is a 404."""

from __future__ import annotations

from service.domain.roles import Role
from tests.api.conftest import build_employer
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


def test_withdrawing_sharing_says_what_stays_in_the_readers_language_and_stops_referrals(client, tenant, sign_in):
    caseworker = tenant.headers[Role.CASEWORKER]
    person = register_trainee(client, caseworker)
    employer = build_employer(client, tenant)
    referral = ok(client.post(url(f"/vacancies/{employer.vacancy['id']}/referrals"), headers=caseworker,
                              json={"trainee_id": person["id"]}), 201)
    page = sign_in(Role.CASEWORKER, language="sv")
    before = page.get(f"/people/{person['id']}").get_data(as_text=True)
    assert "Anvisa till ett ledigt jobb" in before and "Samtycket till delning med arbetsgivare" not in before

    done = page.post_form(f"/people/{person['id']}/consent/withdraw", data={"purposes": "employer_sharing"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Personens öppna anvisningar har återkallats (1)" in done
    assert "The person's" not in done  # what stays is said in Swedish, not in the API's English
    assert ok(client.get(url(f"/referrals/{referral['id']}"), headers=caseworker))["status"] == "withdrawn"

    after = page.get(f"/people/{person['id']}").get_data(as_text=True)
    assert "Anvisa till ett ledigt jobb" not in after and 'action="/people/' + person["id"] + '/referrals"' not in after
    assert "Samtycket till delning med arbetsgivare är återkallat" in after
