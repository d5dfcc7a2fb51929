"""The caseworker's home, the follow-ups worklist and the projects pages, through the Flask test client.

Records are made through the API as its users would (tests/api do the same); an exit schedules its
checkpoints once the outbox is delivered (`drain`). Exits are placed relative to the organisation's
today so that a checkpoint is overdue (its window closed), due (window open) or scheduled.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest

from service.domain.roles import Role
from service.services import caseload
from tests.api.helpers import create_cohort, create_employer, create_project, enrol, ok, register_trainee, url
from tests.days import today

ROW = re.compile(r'<tr id="follow-up-([0-9a-f-]{36})">')
_birth_days = iter(range(1, 400))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _person(client, tenant, given: str, family: str, phone: str = "+90 532 111 22 33") -> dict:
    birth = date(1990, 6, 1) - timedelta(days=next(_birth_days))
    return register_trainee(client, tenant.headers[Role.CASEWORKER], given_name=given, family_name=family,
                            birth_date=birth.isoformat(), phone=phone)


def _exited(client, drain, tenant, project: dict, person: dict, days_ago: int, cohort: dict | None = None,
            how: str = "complete") -> dict[str, dict]:
    """`person` enrolled by the caseworker, exited `days_ago`; its checkpoints by name."""
    caseworker = tenant.headers[Role.CASEWORKER]
    extra = {"cohort_id": cohort["id"]} if cohort else {}
    enrolment = enrol(client, caseworker, person["id"], project["id"],
                      enrolled_on=(today() - timedelta(days=days_ago + 60)).isoformat(), **extra)
    body = {"exited_on": (today() - timedelta(days=days_ago)).isoformat()}
    body.update({"qualification_gained": True} if how == "complete" else {"reason": "found_job"})
    ok(client.post(url(f"/enrolments/{enrolment['id']}/{how}"), json=body, headers=caseworker))
    drain()
    listed = ok(client.get(url("/follow-ups"), query_string={"enrolment_id": enrolment["id"]}, headers=caseworker))
    return {item["checkpoint"]: item for item in listed["items"]}


@pytest.fixture
def project(client, tenant):
    """A project without dates, so that enrolments may lie anywhere in time."""
    return create_project(client, tenant.headers[Role.ADMIN], starts_on=None, ends_on=None)


def _follow_up(client, tenant, follow_up_id: str) -> dict:
    return ok(client.get(url(f"/follow-ups/{follow_up_id}"), headers=tenant.headers[Role.CASEWORKER]))


def test_the_worklist_puts_overdue_checkpoints_first_with_name_and_phone(sign_in, client, drain, tenant, project):
    # Zeynep left 262 days ago: her exit checkpoint is overdue, her month_6 one due (opened 80 days ago).
    # Ömer left 40 days ago: his exit checkpoint is overdue although due later than Zeynep's month_6.
    zeynep = _exited(client, drain, tenant, project, _person(client, tenant, "Zeynep", "Aksoy", "+90 532 444 55 66"),
                     262)
    omer = _exited(client, drain, tenant, project, _person(client, tenant, "Ömer", "Çelik"), 40)
    assert (zeynep["exit"]["status"], zeynep["month_6"]["status"], omer["exit"]["status"]) == (
        "overdue", "due", "overdue")
    page = sign_in().get("/follow-ups")
    assert page.status_code == 200
    assert ROW.findall(_text(page)) == [zeynep["exit"]["id"], omer["exit"]["id"], zeynep["month_6"]["id"]]
    html = _text(page)
    assert "Zeynep Aksoy" in html and "Ömer Çelik" in html and "+90 532 444 55 66" in html
    assert "6 months after leaving" in html and "Overdue" in html
    # Scheduled checkpoints are a filter away, not in the day's list.
    scheduled = sign_in().get("/follow-ups", query_string={"status": "scheduled"})
    assert set(ROW.findall(_text(scheduled))) == {zeynep["month_12"]["id"], omer["month_6"]["id"],
                                                  omer["month_12"]["id"]}
    only_exit = sign_in().get("/follow-ups", query_string={"checkpoint": "month_6"})
    assert ROW.findall(_text(only_exit)) == [zeynep["month_6"]["id"]]


@pytest.mark.parametrize(("outcome", "wage", "expected"), [
    ("employed", "12,500.50", {"status": "recorded", "employment_status": "employed", "wage_monthly": "12500.50",
                               "currency": "TRY"}),
    ("self_employed", "", {"status": "recorded", "employment_status": "self_employed", "wage_monthly": None}),
    ("unemployed", "", {"status": "recorded", "employment_status": "unemployed"}),
    ("inactive", "", {"status": "recorded", "employment_status": "inactive"}),
    ("in_education", "", {"status": "recorded", "employment_status": "in_education"}),
    ("unreachable", "", {"status": "unreachable", "employment_status": "unknown"}),
])
def test_each_outcome_is_recorded_from_its_row_in_one_step(sign_in, client, drain, tenant, project, outcome, wage,
                                                           expected):
    checkpoints = _exited(client, drain, tenant, project, _person(client, tenant, "Ayşe", "Yılmaz"), 200)
    due, overdue = checkpoints["month_6"], checkpoints["exit"]
    page = sign_in()
    answer = page.post_form("/follow-ups?status=todo&sort=name", {
        "follow_up_id": due["id"], "outcome": outcome, "wage_monthly": wage, "currency": "TRY"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/follow-ups?status=todo&sort=name"
    recorded = _follow_up(client, tenant, due["id"])
    assert {key: recorded[key] for key in expected} == expected
    assert recorded["observed_on"] == today().isoformat()
    shown = page.get(answer.headers["Location"])
    assert "Recorded: 6 months after leaving" in _text(shown)
    assert ROW.findall(_text(shown)) == [overdue["id"]]  # recorded: no longer to do
    # The overdue one needs the day it was observed, in its window.
    observed = (today() - timedelta(days=190)).isoformat()
    late = page.post_form("/follow-ups", {"follow_up_id": overdue["id"], "outcome": outcome, "wage_monthly": wage,
                                          "currency": "TRY", "observed_on": observed})
    assert late.status_code == 302
    assert _follow_up(client, tenant, overdue["id"])["observed_on"] == observed


def test_a_wage_in_swedish_notation_is_read_as_the_reader_writes_it(sign_in, client, drain, tenant, project):
    due = _exited(client, drain, tenant, project, _person(client, tenant, "Åsa", "Öberg"), 200)["month_6"]
    answer = sign_in(language="sv").post_form("/follow-ups", {
        "follow_up_id": due["id"], "outcome": "employed", "wage_monthly": "24 500,75", "currency": "SEK"})
    assert answer.status_code == 302
    recorded = _follow_up(client, tenant, due["id"])
    assert (recorded["wage_monthly"], recorded["currency"]) == ("24500.75", "SEK")


def _error_beside(html: str, follow_up_id: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="fu-{follow_up_id}-{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no message beside {field}"
    described = re.search(rf'id="fu-{follow_up_id}-{field}"[^>]*aria-describedby="([^"]*)"', html, re.S)
    assert described and f"fu-{follow_up_id}-{field}-error" in described.group(1)
    return found.group(1)


def test_an_invalid_wage_is_refused_beside_its_field_in_swedish_and_the_typed_value_kept(sign_in, client, drain,
                                                                                       tenant, project):
    due = _exited(client, drain, tenant, project, _person(client, tenant, "Björn", "Ängström"), 200)["month_6"]
    page = sign_in(language="sv")
    answer = page.post_form("/follow-ups", {"follow_up_id": due["id"], "outcome": "employed",
                                            "wage_monthly": "tolv tusen", "currency": "SEK"})
    assert answer.status_code == 422
    html = _text(answer)
    assert '<html lang="sv">' in html
    # Told how to write a sum, in Swedish notation (the schema's own message speaks of decimal strings).
    assert _error_beside(html, due["id"], "wage_monthly").strip() == (
        "Skriv ett belopp som du skriver tal, till exempel 25\u00a0000,50.")
    assert 'value="tolv tusen"' in html and "Månadslön" in html and "Försenad" in html
    assert "Rätta de markerade fälten" in html or 'id="error-summary"' in html
    assert _follow_up(client, tenant, due["id"])["status"] == "due"
    # A domain rule's message lands beside its field too: a wage is only for people in work.
    rule = page.post_form("/follow-ups", {"follow_up_id": due["id"], "outcome": "unemployed",
                                          "wage_monthly": "1000", "currency": "SEK"})
    assert rule.status_code == 422
    assert _error_beside(_text(rule), due["id"], "wage_monthly")
    # No outcome chosen: said beside the outcome.
    blank = page.post_form("/follow-ups", {"follow_up_id": due["id"], "outcome": ""})
    assert blank.status_code == 422 and _error_beside(_text(blank), due["id"], "outcome")


#: The families of the paging test in Turkish alphabetical order (Ç after C, Ğ after G, I before İ, Ö after O,
#: Ş after S), on PostgreSQL (ICU) and SQLite alike.
TURKISH_ORDER = ["Arslan", "Çelik", "Doğan", "Ekinci", "Güneş", "Işık", "Özdemir", "Şahin", "Yıldız"]


def test_the_worklist_pages_sorts_and_downloads_as_csv(sign_in, client, drain, tenant, project):
    families = ["Şahin", "Arslan", "Çelik", "Doğan", "Ekinci", "Güneş", "Işık", "Özdemir", "Yıldız"]
    for family in families:  # 9 exits, 27 checkpoints: two pages of 25
        _exited(client, drain, tenant, project, _person(client, tenant, "Deniz", family), 200)
    page = sign_in(language="tr")
    first = page.get("/follow-ups", query_string={"status": "all", "sort": "name"})
    second = page.get("/follow-ups", query_string={"status": "all", "sort": "name", "page": 2})
    assert len(ROW.findall(_text(first))) == 25 and len(ROW.findall(_text(second))) == 2
    assert re.search(r'<p role="status">27 ', _text(first))
    assert not set(ROW.findall(_text(first))) & set(ROW.findall(_text(second)))
    download = page.get("/follow-ups", query_string={"status": "all", "sort": "-name", "format": "csv"})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(_text(download).lstrip("\ufeff"))))
    assert len(rows) == 28
    assert [row[0] for row in rows[1::3]] == list(reversed(TURKISH_ORDER))
    assert re.findall(r'<a href="/people/[^"]+">Deniz ([^<]+)</a>', _text(first))[::3] == TURKISH_ORDER
    assert {row[0] for row in rows[1:]} == set(families)


def test_overdue_first_holds_across_pages_and_reversed_and_a_long_list_is_counted_up_to_a_cap(
        sign_in, client, drain, tenant, project, monkeypatch):
    # 9 people who left 200 days ago: each exit overdue, each month_6 due, each month_12 scheduled
    exits = [_exited(client, drain, tenant, project, _person(client, tenant, "Deniz", family), 200)
             for family in ["Şahin", "Arslan", "Çelik", "Doğan", "Ekinci", "Güneş", "Işık", "Özdemir", "Yıldız"]]
    page = sign_in(language="tr")

    def shown(sort: str) -> list[str]:
        return [row for number in (1, 2) for row in ROW.findall(_text(
            page.get("/follow-ups", query_string={"status": "all", "sort": sort, "page": number})))]

    ascending = shown("due")
    assert len(ascending) == 27 and len(set(ascending)) == 27
    assert set(ascending[:9]) == {checkpoints["exit"]["id"] for checkpoints in exits}  # the overdue ones
    assert set(ascending[9:18]) == {checkpoints["month_6"]["id"] for checkpoints in exits}  # earlier due date
    assert shown("-due") == list(reversed(ascending))
    for status, expected in (("overdue", ascending[:9]), ("due", ascending[9:18]), ("scheduled", ascending[18:])):
        assert ROW.findall(_text(page.get("/follow-ups", query_string={"status": status}))) == expected
    monkeypatch.setattr(caseload, "COUNT_CAP", 25)
    first = _text(page.get("/follow-ups", query_string={"status": "all"}))
    assert '<p role="status">25 izlemeden fazla</p>' in first and "page=2" in first
    # the number of pages is not known past the cap: "page 1 of many", the next page, and no other
    assert "Sayfa 1 (devamı var)" in first and "Sayfa 1 / " not in first
    assert set(re.findall(r"page=(\d+)", first)) == {"1", "2"}  # 1: a column's sort starts again at page 1
    second = _text(page.get("/follow-ups", query_string={"status": "all", "page": 2}))
    assert re.search(r'<p role="status">27 ', second) and "Sayfa 2 / 2" in second


def test_another_organisations_follow_ups_are_never_shown_nor_recorded(sign_in, client, drain, tenant,
                                                                       other_tenant, project):
    other_project = create_project(client, other_tenant.headers[Role.ADMIN], starts_on=None, ends_on=None)
    theirs = _exited(client, drain, other_tenant, other_project,
                     _person(client, other_tenant, "Başkası", "Kurumdan"), 200)
    mine = _exited(client, drain, tenant, project, _person(client, tenant, "Kendi", "Kişimiz"), 200)
    page = sign_in()
    listed = _text(page.get("/follow-ups", query_string={"status": "all"}))
    assert "Kurumdan" not in listed and set(ROW.findall(listed)) == {item["id"] for item in mine.values()}
    assert "Kurumdan" not in _text(page.get("/follow-ups", query_string={"status": "all", "format": "csv"}))
    assert "Kurumdan" not in _text(page.get("/"))
    refused = page.post_form("/follow-ups", {"follow_up_id": theirs["month_6"]["id"], "outcome": "unemployed"})
    assert refused.status_code == 404
    assert _follow_up(client, other_tenant, theirs["month_6"]["id"])["status"] == "due"
    assert page.get(f"/projects/{other_project['id']}").status_code == 404


def test_an_employer_may_not_open_the_worklist_or_projects(sign_in, client, tenant, project):
    employer = create_employer(client, tenant.headers[Role.ADMIN])
    user = ok(client.post(url("/users"), headers=tenant.headers[Role.ADMIN], json={
        "email": f"hr-{uuid.uuid4().hex[:8]}@employer.example", "role": "employer",
        "employer_id": employer["id"]}), 201)
    tenant.user_ids[Role.EMPLOYER] = user["id"]
    page = sign_in(Role.EMPLOYER)
    for path in ("/follow-ups", "/follow-ups?format=csv", "/projects", f"/projects/{project['id']}",
                 f"/projects/{project['id']}?format=csv"):
        assert page.get(path).status_code == 403, path
    assert page.post_form("/follow-ups", {"follow_up_id": str(uuid.uuid4()), "outcome": "employed"}).status_code == 403
    home = page.get("/")
    assert home.status_code == 200 and "follow-ups" not in _text(home) and "/projects" not in _text(home)


def test_a_manager_reads_the_worklist_but_records_nothing(sign_in, client, drain, tenant, project):
    due = _exited(client, drain, tenant, project, _person(client, tenant, "Okan", "Tekin"), 200)["month_6"]
    manager = sign_in(Role.MANAGER)
    page = _text(manager.get("/follow-ups"))
    assert "Okan Tekin" in page and 'name="outcome"' not in page
    assert '<table class="worklist">' in page  # no wide column held for forms a manager never sees
    assert '<table class="worklist recording">' in _text(sign_in(Role.CASEWORKER).get("/follow-ups"))
    assert manager.post_form("/follow-ups", {"follow_up_id": due["id"], "outcome": "employed"}).status_code == 403


def _local_links(html: str) -> set[str]:
    return {link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"#]*)', html)
            if not link.startswith("/static/")}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CASEWORKER, Role.MANAGER])
def test_the_home_page_shows_my_follow_ups_and_has_no_dead_link(sign_in, client, drain, tenant, project, role):
    checkpoints = _exited(client, drain, tenant, project, _person(client, tenant, "Ece", "Polat", "+90 555 123 45 67"),
                          262)
    page = sign_in(role)
    home = page.get("/")
    html = _text(home)
    assert home.status_code == 200
    if role == Role.CASEWORKER:  # the caseworker enrolled Ece: hers are "my" follow-ups
        overdue = html[html.index('id="overdue-heading"'):html.index('id="week-heading"')]
        assert "Ece Polat" in overdue and ">1</span>" in overdue
        week = html[html.index('id="week-heading"'):html.index('id="organisation-heading"')]
        assert "Ece Polat" in week and "6 months after leaving" in week
        assert "Ece Polat" in html[html.index('id="recent-heading"'):]
        mine = page.get("/follow-ups", query_string={"status": "overdue", "mine": "1"})
        assert ROW.findall(_text(mine)) == [checkpoints["exit"]["id"]]
    elif role == Role.ADMIN:  # the admin enrolled nobody: none is theirs, the organisation's are counted
        assert "Ece Polat" not in html and "1 overdue" in html
        mine = page.get("/follow-ups", query_string={"status": "overdue", "mine": "1"})
        assert ROW.findall(_text(mine)) == []
    else:
        assert "/projects" in html and "1 overdue" in html
    for link in _local_links(html):
        assert page.get(link).status_code in (200, 302), link


def test_the_worklist_narrows_to_a_name_typed_any_way_and_refuses_one_without_a_letter(sign_in, client, drain,
                                                                                        tenant, project):
    ayse = _exited(client, drain, tenant, project, _person(client, tenant, "Ayşe", "Yılmaz"), 200)
    _exited(client, drain, tenant, project, _person(client, tenant, "Åsa", "Öberg"), 200)
    page = sign_in(language="sv")
    found = page.get("/follow-ups", query_string={"status": "all", "name": "ayse yil"})
    assert set(ROW.findall(_text(found))) == {item["id"] for item in ayse.values()}
    assert 'name="name" type="search" value="ayse yil"' in _text(found)
    assert "name=ayse+yil" in _text(found)  # kept by the sort links, the pager and each row's form
    download = _text(page.get("/follow-ups", query_string={"status": "all", "name": "YILMAZ", "format": "csv"}))
    assert "Yılmaz" in download and "Öberg" not in download
    refused = page.get("/follow-ups", query_string={"name": "--"})
    assert refused.status_code == 422
    assert re.search(r'id="error-name">[^<]*bokstav', _text(refused)) and not ROW.findall(_text(refused))


def test_the_home_pages_organisation_counts_stop_at_the_cap(sign_in, client, drain, tenant, project, monkeypatch):
    """Counted up to COUNT_CAP and then "10,000+", as the worklist's total: an organisation's exact count of
    open follow-ups took 1.6 s at a million people."""
    for family in ("Kaya", "Yurt"):  # each: exit overdue, month 6 due
        _exited(client, drain, tenant, project, _person(client, tenant, "Deniz", family), 200)
    monkeypatch.setattr(caseload, "COUNT_CAP", 1)
    home = _text(sign_in(Role.MANAGER).get("/"))
    assert "1+ overdue" in home and "1+ due this week" in home
    monkeypatch.setattr(caseload, "COUNT_CAP", 2)
    home = _text(sign_in(Role.MANAGER).get("/"))
    assert "2 overdue" in home and "2 due this week" in home
    assert "+" not in home.split('id="organisation-heading"')[1].split("</section>")[0]


def test_projects_show_capacity_places_taken_and_who_is_enrolled(sign_in, client, drain, tenant):
    admin, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    project = create_project(client, admin, code="ASCI-1", name="Aşçılık", starts_on=None, ends_on=None)
    cohort = create_cohort(client, admin, project["id"], name="Aşçı yardımcısı, bahar", capacity=3,
                           starts_on=None, ends_on=None)
    create_cohort(client, admin, project["id"], name="Pastacılık", capacity=None, starts_on=None, ends_on=None)
    names = [("Nazlı", "Ünal"), ("Cem", "Bulut"), ("İpek", "Sarı")]
    enrolments = []
    for given, family in names:
        person = _person(client, tenant, given, family)
        enrolments.append(enrol(client, caseworker, person["id"], project["id"], cohort_id=cohort["id"],
                                enrolled_on=(today() - timedelta(days=30)).isoformat()))
    ok(client.post(url(f"/enrolments/{enrolments[2]['id']}/drop-out"), headers=caseworker,
                   json={"exited_on": today().isoformat(), "reason": "moved_away"}))
    drain()
    manager = sign_in(Role.MANAGER)
    listing = _text(manager.get("/projects"))
    row = listing[listing.index(f'/projects/{project["id"]}'):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r'<td class="number">(.*?)</td>', row, re.S)
    assert [cell.split("(")[0].strip() for cell in cells] == ["2", "3", "2", "2"]  # cohorts, capacity, taken, now
    assert "without a limit" in cells[1]
    shown = _text(manager.get(f"/projects/{project['id']}"))
    assert "Aşçı yardımcısı, bahar" in shown and "Pastacılık" in shown and "No limit" in shown
    assert "5120 · Personal service workers" in shown  # an occupation is named, not only coded
    assert all(f"{given} {family}" in shown for given, family in names)
    assert "Dropped out" in shown
    narrowed = _text(manager.get(f"/projects/{project['id']}", query_string={"status": "enrolled"}))
    assert "İpek Sarı" not in narrowed and "Cem Bulut" in narrowed
    download = manager.get(f"/projects/{project['id']}", query_string={"format": "csv", "sort": "name"})
    rows = list(csv.reader(io.StringIO(_text(download).lstrip("\ufeff"))))
    assert len(rows) == 4 and {row[0] for row in rows[1:]} == {"Ünal", "Bulut", "Sarı"}
    projects_csv = list(csv.reader(io.StringIO(_text(manager.get("/projects?format=csv")).lstrip("\ufeff"))))
    assert projects_csv[1][:2] == ["ASCI-1", "Aşçılık"] and projects_csv[1][5:8] == ["3", "2", "2"]


def test_projects_are_paged_and_sorted_and_a_cohort_narrows_who_is_enrolled(sign_in, client, tenant):
    admin, caseworker = tenant.headers[Role.ADMIN], tenant.headers[Role.CASEWORKER]
    made = [create_project(client, admin, code=code, name=name, starts_on=None, ends_on=None)
            for code, name in (("B-2", "Öğrenci işleri"), ("A-1", "Çiçekçilik"), ("C-3", "Bahçecilik"))]
    page = sign_in(language="tr")
    codes = re.findall(r'<a href="/projects/[^"]+">([A-C]-[0-9])</a>', _text(page.get("/projects")))
    assert codes == ["A-1", "B-2", "C-3"]
    codes = re.findall(r'<a href="/projects/[^"]+">([A-C]-[0-9])</a>', _text(page.get("/projects?sort=-code")))
    assert codes == ["C-3", "B-2", "A-1"]
    by_name = re.findall(r'<a href="/projects/[^"]+">([A-C]-[0-9])</a>', _text(page.get("/projects?sort=name")))
    assert by_name == ["C-3", "A-1", "B-2"]  # Bahçecilik, Çiçekçilik, Öğrenci işleri: Ç after C, Ö after O
    project = made[0]
    spring, autumn = (create_cohort(client, admin, project["id"], name=name, starts_on=None, ends_on=None)
                      for name in ("Bahar", "Güz"))
    for (given, family), cohort in ((("Sena", "Koç"), spring), (("Kerem", "Aydın"), autumn)):
        enrol(client, caseworker, _person(client, tenant, given, family)["id"], project["id"], cohort_id=cohort["id"],
              enrolled_on=(today() - timedelta(days=5)).isoformat())
    whole = _text(page.get(f"/projects/{project['id']}"))
    assert "Sena Koç" in whole and "Kerem Aydın" in whole
    narrowed = _text(page.get(f"/projects/{project['id']}", query_string={"cohort": spring["id"]}))
    assert "Sena Koç" in narrowed and "Kerem Aydın" not in narrowed
    # A cohort of another project does not narrow this one's list (nor fail).
    other = create_cohort(client, admin, made[1]["id"], name="Başka", starts_on=None, ends_on=None)
    assert "Kerem Aydın" in _text(page.get(f"/projects/{project['id']}", query_string={"cohort": other["id"]}))



def test_a_manager_finds_the_follow_ups_in_the_menu_without_the_enrolled_by_me_box(sign_in):
    from service.domain.roles import Role

    page = sign_in(Role.MANAGER, language="sv")
    home = _text(page.get("/"))
    assert 'href="/follow-ups"' in home and 'placeholder="Namn"' in home
    worklist = _text(page.get("/follow-ups"))
    assert 'name="mine"' not in worklist
    assert 'name="mine"' in _text(sign_in(Role.CASEWORKER).get("/follow-ups"))


def test_the_exact_count_beside_the_capped_total(client, drain, tenant, project, monkeypatch):
    """caseload.count counts every match (the bench reports it), while a page's total stops at the cap."""
    from service.services import caseload, users

    pathways = client.application.extensions["pathways"]
    for n in range(3):
        _exited(client, drain, tenant, project, _person(client, tenant, "Deniz", f"Kaya{n}"), 200)
    principal = users.authenticate(pathways.uow(), tenant.headers[Role.CASEWORKER]["Authorization"][len("Bearer "):])
    monkeypatch.setattr(caseload, "COUNT_CAP", 1)
    query = caseload.Query(limit=1)
    page = caseload.worklist(pathways.uow(), principal, query)
    assert page.more and page.total == 1
    assert caseload.count(pathways.uow(), principal, query) == 6  # each: exit overdue, month 6 due
