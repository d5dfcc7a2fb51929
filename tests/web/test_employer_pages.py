"""The employer's pages (issue 17): my vacancies (post, edit, close), the people referred to me (interview, hire,
not hired) and my placements (end one), as the employer user, another employer's user, another organisation's
and staff; an employer never reads more of a person than the summary SPEC section 1 allows."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from service.domain.roles import Role
from service.translations import labels
from tests.api.helpers import bearer, create_cohort, create_employer, enrol, ok, register_trainee, url

PHONE, EMAIL, FAMILY = "+90 532 765 43 21", "zeynep.kaplan@example.org", "Kaplanoğlu"


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())


def days_from_today(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def employer_user(client, tenant) -> SimpleNamespace:
    """An employer of the tenant with one user: its id (for signing in), headers and employer."""
    employer = create_employer(client, tenant.headers[Role.ADMIN])
    user = ok(client.post(url("/users"), headers=tenant.headers[Role.ADMIN], json={
        "email": f"hr-{employer['tax_number']}@employer.example", "role": "employer",
        "employer_id": employer["id"]}), 201)
    return SimpleNamespace(user_ids={Role.EMPLOYER: user["id"]}, headers=bearer(user["token"]), employer=employer)


def post_vacancy(client, headers, **overrides) -> dict:
    body = {"title": "Welder's assistant", "occupation": "7212", "positions": 2, "wage_monthly": "31000.00",
            "currency": "TRY", "contract_type": "permanent", "district": "Çiğli",
            "closes_on": days_from_today(45), **overrides}
    return ok(client.post(url("/vacancies"), headers=headers, json=body), 201)


@pytest.fixture
def desk(client, tenant):
    """An employer user with a vacancy, and two people of a welding course referred to it by a caseworker."""
    admin, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    project = ok(client.post(url("/projects"), headers=admin, json={
        "code": "KAYNAK", "name": "Kaynak", "starts_on": days_from_today(-200), "ends_on": days_from_today(300),
        "reach_target": 100, "share_targets": []}), 201)
    cohort = create_cohort(client, admin, project["id"], name="Kaynakçılar, güz", occupation="7212",
                           starts_on=days_from_today(-100), ends_on=days_from_today(60))
    boss = employer_user(client, tenant)
    vacancy = post_vacancy(client, boss.headers)
    people = []
    for given in ("Zeynep", "Mehmet"):
        person = register_trainee(client, caseworker, given_name=given, family_name=FAMILY, phone=PHONE,
                                  email=EMAIL if given == "Zeynep" else None)
        enrol(client, caseworker, person["id"], project["id"], cohort_id=cohort["id"], enrolled_on=days_from_today(-90))
        referral = ok(client.post(url(f"/vacancies/{vacancy['id']}/referrals"), headers=caseworker,
                                  json={"trainee_id": person["id"], "note": "Very punctual"}), 201)
        people.append({"trainee": person, "referral": referral})
    return SimpleNamespace(boss=boss, vacancy=vacancy, cohort=cohort, people=people)


def hire(client, desk, index: int = 0) -> dict:
    referral = ok(client.post(url(f"/referrals/{desk.people[index]['referral']['id']}/hire"), headers=desk.boss.headers,
                              json={"started_on": date.today().isoformat(), "wage_monthly": "31000.00",
                                    "currency": "TRY", "hours_per_week": 45, "contract_type": "permanent",
                                    "formal": True}))
    return referral


def test_the_employer_reaches_every_page_from_home_in_their_language(sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language="tr")
    home = browser.get("/")
    assert home.status_code == 200
    seen = text_of(home)
    body = home.get_data(as_text=True)
    for path in ("/employer/vacancies", "/employer/referrals", "/employer/placements"):
        assert f'href="{path}"' in body, path
    assert "2 kişi kararınızı bekliyor" in seen  # the two referrals waiting
    assert "Programın vaka sorumluları açık ilanlarınıza kişileri yönlendirir" in seen  # how they arrive
    for path in ("/employer/vacancies", "/employer/vacancies/new", f"/employer/vacancies/{desk.vacancy['id']}/edit",
                 "/employer/referrals", "/employer/placements"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert '<html lang="tr">' in page.get_data(as_text=True), path


def test_staff_are_refused_the_employers_pages(sign_in):
    for role in (Role.CASEWORKER, Role.ADMIN, Role.MANAGER):
        browser = sign_in(role)
        for path in ("/employer/vacancies", "/employer/referrals", "/employer/placements"):
            assert browser.get(path).status_code == 403, (role, path)
        assert 'href="/employer/vacancies"' not in browser.get("/").get_data(as_text=True)


def test_my_vacancies_name_the_occupation_and_count_the_referrals_by_step(client, sign_in, desk):
    hire(client, desk)
    page = sign_in(Role.EMPLOYER, of=desk.boss, language="sv").get("/employer/vacancies")
    seen = text_of(page)
    assert "Welder's assistant" in seen
    assert labels.label("occupation_group", "72", "sv") in seen  # 7212 read as its sub-major group's title
    assert "Metal, machinery" not in seen
    row = re.search(r'<tr id="vacancy-[^"]+">(.*?)</tr>', page.get_data(as_text=True), re.S).group(1)
    row_text = text_of(SimpleNamespace(get_data=lambda as_text: row))
    for step, count in (("referred", 1), ("interviewing", 0), ("hired", 1), ("rejected", 0), ("withdrawn", 0)):
        assert f"{labels.label('referral_status', step, 'sv')}: {count}" in row_text, (step, row_text)


def test_the_inbox_shows_only_the_summary_of_a_person(sign_in, desk):
    page = sign_in(Role.EMPLOYER, of=desk.boss).get("/employer/referrals")
    assert page.status_code == 200
    body, seen = page.get_data(as_text=True), text_of(page)
    assert "Zeynep K." in seen and "Mehmet K." in seen
    assert desk.cohort["name"] in seen
    for secret in (PHONE, EMAIL, FAMILY, "Very punctual", desk.people[0]["trainee"]["id"], "Female", "female"):
        assert secret not in body, secret


def test_another_employer_and_another_organisation_find_none_of_it(client, sign_in, tenant, other_tenant, desk):
    hired = hire(client, desk)
    records = [("get", f"/employer/vacancies/{desk.vacancy['id']}/edit", None),
               ("post", f"/employer/vacancies/{desk.vacancy['id']}/edit", {"title": "Mine now"}),
               ("post", f"/employer/vacancies/{desk.vacancy['id']}/close", {}),
               ("post", f"/employer/referrals/{desk.people[1]['referral']['id']}/interview", {}),
               ("post", f"/employer/referrals/{desk.people[1]['referral']['id']}/reject", {}),
               ("post", f"/employer/referrals/{desk.people[1]['referral']['id']}/hire", {}),
               ("post", f"/employer/placements/{hired['placement_id']}/end",
                {"ended_on": date.today().isoformat(), "reason": "resigned"})]
    for stranger in (employer_user(client, tenant), employer_user(client, other_tenant)):
        browser = sign_in(Role.EMPLOYER, of=stranger)
        for method, path, data in records:
            answer = browser.get(path) if method == "get" else browser.post_form(path, data)
            assert answer.status_code == 404, (path, answer.status_code)
        for path in ("/employer/vacancies", "/employer/referrals", "/employer/placements"):
            seen = text_of(browser.get(path))
            assert "Welder's assistant" not in seen and "Zeynep" not in seen, path
    assert ok(client.get(url(f"/vacancies/{desk.vacancy['id']}"), headers=desk.boss.headers))["status"] == "open"


def test_posting_a_vacancy_chosen_by_occupation_name(client, sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language="es")
    form = browser.get("/employer/vacancies/new").get_data(as_text=True)
    assert '<optgroup label="' in form and 'value="51"' in form and "Trabajadores de los servicios personales" in form
    sent = browser.post_form("/employer/vacancies/new", {
        "title": "Ayudante de cocina", "occupation": "51", "positions": "3", "wage_monthly": "28.500,50",
        "currency": "TRY", "contract_type": "seasonal", "district": "Konak", "closes_on": days_from_today(30)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/employer/vacancies")
    listed = browser.get("/employer/vacancies")
    assert "Ayudante de cocina" in text_of(listed) and "Trabajadores de los servicios personales" in text_of(listed)
    mine = ok(client.get(url("/vacancies"), headers=desk.boss.headers, query_string={"occupation": "51"}))["items"]
    assert [(v["title"], v["wage_monthly"], v["positions"], v["employer_id"]) for v in mine] == [
        ("Ayudante de cocina", "28500.50", 3, desk.boss.employer["id"])]


@pytest.mark.parametrize("lang, wage_message, date_message", [
    ("tr", "Tutarı sayıları yazdığınız gibi yazın", "Geçmişte olamaz."),
    ("sv", "Skriv ett belopp som du skriver tal", "Får inte ligga i det förflutna.")])
def test_a_refused_vacancy_says_why_beside_each_field_in_the_readers_language(sign_in, desk, lang, wage_message,
                                                                              date_message):
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language=lang)
    sent = browser.post_form("/employer/vacancies/new", {
        "title": "Kaynakçı", "occupation": "72", "positions": "iki", "wage_monthly": "abc", "currency": "TRY",
        "contract_type": "permanent", "closes_on": days_from_today(-3)})
    assert sent.status_code == 422
    body = sent.get_data(as_text=True)
    wage_error = re.search(r'<p class="field-error" id="error-wage_monthly">(.*?)</p>', body, re.S)
    assert wage_error and wage_message in html.unescape(wage_error.group(1))
    assert 'id="error-positions"' in body
    assert 'value="abc"' in body and 'value="Kaynakçı"' in body  # what was typed is kept
    assert re.search(r'<option value="72" selected>', body)
    past = browser.post_form("/employer/vacancies/new", {
        "title": "Kaynakçı", "occupation": "72", "positions": "2", "wage_monthly": "30000", "currency": "TRY",
        "contract_type": "permanent", "closes_on": days_from_today(-3)})
    assert past.status_code == 422
    date_error = re.search(r'<p class="field-error" id="error-closes_on">(.*?)</p>', past.get_data(as_text=True))
    assert date_error and date_message in html.unescape(date_error.group(1))
    edited = browser.post_form(f"/employer/vacancies/{desk.vacancy['id']}/edit", {
        "title": "", "positions": "2", "wage_monthly": "31000", "currency": "TRY", "contract_type": "permanent"})
    assert edited.status_code == 422 and 'id="error-title"' in edited.get_data(as_text=True)


def test_editing_closing_and_reopening_a_vacancy(client, sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss)
    form = browser.get(f"/employer/vacancies/{desk.vacancy['id']}/edit").get_data(as_text=True)
    assert 'value="Welder&#39;s assistant"' in form or "value=\"Welder's assistant\"" in form
    sent = browser.post_form(f"/employer/vacancies/{desk.vacancy['id']}/edit", {
        "title": "Welder", "positions": "4", "wage_monthly": "32,000.00", "currency": "TRY",
        "contract_type": "fixed_term", "district": "", "closes_on": ""})
    assert sent.status_code == 302
    vacancy = ok(client.get(url(f"/vacancies/{desk.vacancy['id']}"), headers=desk.boss.headers))
    assert (vacancy["title"], vacancy["positions"], vacancy["wage_monthly"], vacancy["contract_type"],
            vacancy["district"], vacancy["closes_on"]) == ("Welder", 4, "32000.00", "fixed_term", None, None)
    assert browser.post_form(f"/employer/vacancies/{desk.vacancy['id']}/close").status_code == 302
    assert ok(client.get(url(f"/vacancies/{desk.vacancy['id']}"), headers=desk.boss.headers))["status"] == "closed"
    assert "Reopen" in text_of(browser.get("/employer/vacancies?status=closed"))
    assert browser.post_form(f"/employer/vacancies/{desk.vacancy['id']}/reopen").status_code == 302
    assert ok(client.get(url(f"/vacancies/{desk.vacancy['id']}"), headers=desk.boss.headers))["status"] == "open"


def test_interviewing_hiring_and_not_hiring(client, sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss)
    first, second = (person["referral"]["id"] for person in desk.people)
    sent = browser.post_form(f"/employer/referrals/{first}/interview?status=referred")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/employer/referrals?status=referred")
    assert "Zeynep K. is invited to an interview." in text_of(browser.get("/employer/referrals"))
    hired = browser.post_form(f"/employer/referrals/{first}/hire", {
        "started_on": date.today().isoformat(), "wage_monthly": "31,500", "currency": "TRY", "hours_per_week": "40",
        "contract_type": "permanent", "formal": "true"})
    assert hired.status_code == 302
    unconfirmed = browser.post_form(f"/employer/referrals/{second}/reject")  # one click is not enough
    assert unconfirmed.status_code == 422 and f'id="referral-{second}-confirm"' in unconfirmed.get_data(as_text=True)
    assert "Tick the box to confirm that" in text_of(unconfirmed)
    assert ok(client.get(url(f"/referrals/{second}"), headers=desk.boss.headers))["status"] == "referred"
    assert browser.post_form(f"/employer/referrals/{second}/reject", {"confirm": "yes"}).status_code == 302
    listed = ok(client.get(url("/referrals"), headers=desk.boss.headers))["items"]
    statuses = {item["id"]: item["status"] for item in listed}
    assert statuses == {first: "hired", second: "rejected"}
    placements = browser.get("/employer/placements")
    seen = text_of(placements)
    assert "Zeynep K." in seen and "Welder's assistant" in seen and FAMILY not in seen and PHONE not in seen
    assert "1 person is waiting" not in text_of(browser.get("/"))
    # A step from a state that no longer allows it: 409, said on the page.
    again = browser.post_form(f"/employer/referrals/{second}/interview")
    assert again.status_code == 409 and 'class="error-summary"' in again.get_data(as_text=True)


def test_a_refused_hire_is_shown_open_with_its_messages(sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language="sv")
    referral_id = desk.people[0]["referral"]["id"]
    sent = browser.post_form(f"/employer/referrals/{referral_id}/hire", {
        "started_on": "", "wage_monthly": "abc", "currency": "TRY", "hours_per_week": "200",
        "contract_type": "permanent"})
    assert sent.status_code == 422
    body = sent.get_data(as_text=True)
    assert '<details open>' in body and f'id="hire-{referral_id}-wage_monthly-error"' in body
    assert "Skriv ett belopp som du skriver tal" in html.unescape(body)
    for name in ("started_on", "hours_per_week", "formal"):
        assert f'id="hire-{referral_id}-{name}-error"' in body, name
    assert 'value="abc"' in body


def test_ending_a_placement_with_a_reason(client, sign_in, desk):
    hired = hire(client, desk)
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language="es")
    path = f"/employer/placements/{hired['placement_id']}/end"
    refused = browser.post_form(path, {"ended_on": date.today().isoformat(), "reason": ""})
    assert refused.status_code == 422 and f'id="end-{hired["placement_id"]}-reason-error"' in refused.get_data(
        as_text=True)
    before = browser.post_form(path, {"ended_on": days_from_today(-400), "reason": "resigned"})
    assert before.status_code == 422  # before the start
    sent = browser.post_form(path, {"ended_on": date.today().isoformat(), "reason": "contract_ended"})
    assert sent.status_code == 302
    placement = ok(client.get(url(f"/placements/{hired['placement_id']}"), headers=desk.boss.headers))
    assert (placement["ended_on"], placement["end_reason"]) == (date.today().isoformat(), "contract_ended")
    assert 'id="placement-' not in browser.get("/employer/placements").get_data(as_text=True)
    assert browser.post_form(path, {"ended_on": date.today().isoformat(), "reason": "resigned"}).status_code == 409


def test_no_input_gives_a_server_error(sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss)
    referral_id = desk.people[0]["referral"]["id"]
    junk = {"title": "x" * 500, "occupation": "99999", "positions": "-1", "wage_monthly": "1e9999",
            "currency": "XXX", "contract_type": "boss", "closes_on": "31/02/2026", "employer_id": "nope",
            "started_on": "tomorrow", "hours_per_week": "4.5", "formal": "maybe", "status": "gone"}
    for path in ("/employer/vacancies/new", f"/employer/vacancies/{desk.vacancy['id']}/edit",
                 f"/employer/referrals/{referral_id}/hire"):
        assert browser.post_form(path, junk).status_code == 422, path
    for path in ("/employer/vacancies?status=x&page=-3", "/employer/referrals?vacancy=nope&status=x&page=abc",
                 "/employer/placements?page=99999999999"):
        assert browser.get(path).status_code == 200, path
    assert browser.post_form(f"/employer/vacancies/{desk.vacancy['id']}/burn").status_code in (404, 405)
    # An action's address opened as a page leads to its list (303), doing nothing.
    for path, target in ((f"/employer/vacancies/{desk.vacancy['id']}/close", "/employer/vacancies"),
                         (f"/employer/referrals/{referral_id}/hire", "/employer/referrals"),
                         (f"/employer/placements/{referral_id}/end", "/employer/placements")):
        answer = browser.get(path)
        assert (answer.status_code, answer.headers["Location"]) == (303, target), path


def test_the_error_summary_names_each_field_and_every_error_shows_at_once(sign_in, desk):
    browser = sign_in(Role.EMPLOYER, of=desk.boss, language="es")
    sent = browser.post_form("/employer/vacancies/new", {"currency": "TRY", "closes_on": days_from_today(-3)})
    assert sent.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', sent.get_data(as_text=True), re.S).group(0)
    items = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
             for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert "Título: falta un campo obligatorio." in items and 'href="#field-title"' in summary
    assert any(item.startswith("Ocupación: ") for item in items)
    assert "Cierra el: no puede ser una fecha pasada." in items  # the past closing date with the rest


def test_currencies_are_named_in_the_readers_language_and_a_wage_keeps_its_decimals(client, sign_in, desk):
    client.patch(url(f"/vacancies/{desk.vacancy['id']}"), headers=desk.boss.headers, json={"wage_monthly": "32500.50"})
    form = sign_in(Role.EMPLOYER, of=desk.boss, language="es").get(
        f"/employer/vacancies/{desk.vacancy['id']}/edit").get_data(as_text=True)
    assert 'value="32.500,50"' in form
    options = re.findall(r'<option value="([A-Z]{3})"[^>]*>([^<]+)</option>', form)
    assert [code for code, _ in options[:6]] == ["TRY", "SEK", "GTQ", "COP", "EUR", "USD"]
    assert dict(options)["TRY"] == "lira turca (TRY)" and dict(options)["JPY"] == "yen japonés (JPY)"
