"""The caseworker's people pages: search (names in any spelling, numbers, filters, pages, order, CSV) and
registration (consent, errors beside the fields, the duplicate warning), each as its roles may use them."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest

from service.db.models import Trainee, TraineeDistinction
from service.services import web_sessions
from service.web.auth import COOKIE
from tests import factories
from tests.api.helpers import create_cohort, create_employer, create_project, enrol, ok, register_trainee, url


@pytest.fixture
def caseworker(tenant):
    return tenant.headers["caseworker"]


@pytest.fixture
def people(client, caseworker) -> dict[str, str]:
    """People whose names have Turkish, Swedish and Spanish letters."""
    found = {}
    for given, family, sex, district in (
            ("Ayşe", "Yılmaz", "female", "Bayraklı"), ("İbrahim", "Öztürk", "male", "Konak"),
            ("María José", "Pérez García", "female", "Chapinero"), ("Åsa", "Öberg", "female", "Umeå"),
            ("Işıl", "Çağlar", "female", "Konak"), ("Mehmet", "Yıldız", "male", "Bayraklı"),
            ("Íñigo", "Muñoz", "male", "Chapinero"), ("Zeynep", "Cengiz", "female", "Konak"),
            ("Anders", "Zetterlund", "male", "Umeå")):
        found[given] = register_trainee(client, caseworker, given_name=given, family_name=family, sex=sex,
                                        district=district)["id"]
    return found


def rows(page) -> list[str]:
    """The people listed on a search page, as 'Family, Given', in the page's order."""
    assert page.status_code == 200, page.get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<th scope="row">(.*?)</th>', page.get_data(as_text=True), re.S)]


def csv_rows(answer) -> list[dict[str, str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# Search --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "who"), [
    ("ayse", ["Yılmaz, Ayşe"]), ("AYŞE YILMAZ", ["Yılmaz, Ayşe"]), ("yil", ["Yılmaz, Ayşe", "Yıldız, Mehmet"]),
    ("İBRAHİM", ["Öztürk, İbrahim"]), ("ibrahim ozturk", ["Öztürk, İbrahim"]), ("isil caglar", ["Çağlar, Işıl"]),
    ("IŞIL", ["Çağlar, Işıl"]), ("asa oberg", ["Öberg, Åsa"]), ("Öberg", ["Öberg, Åsa"]),
    ("munoz", ["Muñoz, Íñigo"]), ("iñigo", ["Muñoz, Íñigo"]), ("garcia perez", ["Pérez García, María José"]),
    ("nobody", []),
])
def test_any_part_of_a_name_finds_the_person_whatever_its_accents_or_case(sign_in, people, query, who):
    page = sign_in().get("/people", query_string={"q": query})
    assert sorted(rows(page)) == sorted(who)


def test_a_query_without_a_letter_is_refused_beside_the_field_in_the_readers_language(sign_in, people):
    page = sign_in(language="sv").get("/people", query_string={"q": "--"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="error-q"' in html and 'aria-invalid="true"' in html
    assert "Give at least one letter" not in html  # in Swedish
    assert 'value="--"' in html


@pytest.mark.parametrize(("language", "expected"), [
    # Swedish: å, ä, ö after z; Turkish: ç after c, ı before i, ö after o; Spanish: ñ after n.
    ("sv", ["Çağlar", "Cengiz", "Muñoz", "Pérez García", "Yıldız", "Yılmaz", "Zetterlund", "Öberg", "Öztürk"]),
    ("tr", ["Cengiz", "Çağlar", "Muñoz", "Öberg", "Öztürk", "Pérez García", "Yıldız", "Yılmaz", "Zetterlund"]),
    ("es", ["Çağlar", "Cengiz", "Muñoz", "Öberg", "Öztürk", "Pérez García", "Yıldız", "Yılmaz", "Zetterlund"]),
])
def test_names_sort_in_the_readers_alphabet(sign_in, people, language, expected):
    page = sign_in(language=language).get("/people", query_string={"sort": "name"})
    assert [name.split(",")[0] for name in rows(page)] == expected
    backwards = sign_in(language=language).get("/people", query_string={"sort": "-name"})
    assert [name.split(",")[0] for name in rows(backwards)] == expected[::-1]


def test_turkish_dotless_i_sorts_before_dotted_i(sign_in, client, caseworker):
    for family in ("İnce", "Işık", "Ilgaz", "Irmak"):
        register_trainee(client, caseworker, given_name="Ali", family_name=family)
    page = sign_in(language="tr").get("/people", query_string={"q": "ali"})
    assert [name.split(",")[0] for name in rows(page)] == ["Ilgaz", "Irmak", "Işık", "İnce"]


def test_an_identity_number_finds_its_holder_in_any_spelling(sign_in, client, caseworker, people):
    number = factories.tckn()
    holder = register_trainee(client, caseworker, given_name="Elif", family_name="Şahin", national_id=number)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    page = sign_in().get("/people", query_string={"document": spaced})
    assert rows(page) == ["Şahin, Elif"]
    assert f'href="/people/{holder["id"]}"' in page.get_data(as_text=True)  # the person's page
    assert rows(sign_in().get("/people", query_string={"document": factories.tckn()})) == []


def test_a_number_typed_in_the_name_box_searches_the_documents_as_the_home_page_box_promises(sign_in, client,
                                                                                              caseworker, people):
    number = factories.tckn()
    register_trainee(client, caseworker, given_name="Elif", family_name="Şahin", national_id=number)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert rows(sign_in().get("/people", query_string={"q": spaced})) == ["Şahin, Elif"]
    assert rows(sign_in().get("/people", query_string={"q": "Şahin"})) == ["Şahin, Elif"]


def test_filters_narrow_by_project_cohort_status_sex_and_district(sign_in, client, tenant, caseworker, people):
    admin = tenant.headers["admin"]
    project = create_project(client, admin)
    other = create_project(client, admin)
    cohort = create_cohort(client, admin, project["id"])
    enrol(client, caseworker, people["Ayşe"], project["id"], cohort_id=cohort["id"])
    enrol(client, caseworker, people["Mehmet"], project["id"])
    enrol(client, caseworker, people["Åsa"], other["id"])
    ok(client.post(url(f"/enrolments/{enrol(client, caseworker, people['Işıl'], project['id'])['id']}/drop-out"),
                   json={"exited_on": "2026-03-10", "reason": "moved_away"}, headers=caseworker))
    page = sign_in()
    assert sorted(rows(page.get("/people", query_string={"project": project["id"]}))) == [
        "Yıldız, Mehmet", "Yılmaz, Ayşe", "Çağlar, Işıl"]
    assert rows(page.get("/people", query_string={"cohort": cohort["id"]})) == ["Yılmaz, Ayşe"]
    assert rows(page.get("/people", query_string={"project": project["id"], "status": "dropped_out"})) == [
        "Çağlar, Işıl"]
    assert rows(page.get("/people", query_string={"status": "enrolled", "sex": "male"})) == ["Yıldız, Mehmet"]
    assert rows(page.get("/people", query_string={"district": "konak", "sex": "male"})) == ["Öztürk, İbrahim"]
    register_trainee(client, caseworker, given_name="Emre", family_name="Aydın", district="Çiğli")
    assert rows(page.get("/people", query_string={"district": "çiğli"})) == ["Aydın, Emre"]  # every letter's case
    assert rows(page.get("/people", query_string={"q": "yil", "district": "Bayraklı", "sex": "female"})) == [
        "Yılmaz, Ayşe"]
    refused = page.get("/people", query_string={"status": "asleep", "project": "not-an-id"})
    assert refused.status_code == 422 and 'id="error-status"' in refused.get_data(as_text=True)
    assert 'id="error-project"' in refused.get_data(as_text=True)


def test_results_come_a_page_of_25_at_a_time_and_sort_by_other_columns(sign_in, client, caseworker):
    for n in range(27):
        register_trainee(client, caseworker, given_name="Deniz", family_name=f"Kaya{n:02d}",
                         birth_date=f"19{70 + n}-01-15", district=f"D{26 - n:02d}")
    page = sign_in()
    first = page.get("/people", query_string={"q": "deniz"})
    assert len(rows(first)) == 25 and "27 people found" in first.get_data(as_text=True)
    assert 'rel="next"' in first.get_data(as_text=True)
    second = page.get("/people", query_string={"q": "deniz", "page": 2})
    assert rows(second) == ["Kaya25, Deniz", "Kaya26, Deniz"] and "27 people found" in second.get_data(as_text=True)
    past = page.get("/people", query_string={"q": "deniz", "page": 9})
    assert past.status_code == 302 and "page=2" in past.headers["Location"]
    oldest_last = page.get("/people", query_string={"q": "deniz", "sort": "-birth_date"})
    assert rows(oldest_last)[0] == "Kaya26, Deniz"
    by_district = page.get("/people", query_string={"q": "deniz", "sort": "district"})
    assert rows(by_district)[0] == "Kaya26, Deniz"
    newest = page.get("/people", query_string={"q": "deniz", "sort": "-registered"})
    assert rows(newest)[0] == "Kaya26, Deniz"
    unknown = page.get("/people", query_string={"q": "deniz", "sort": "phone; drop table", "page": "x"})
    assert rows(unknown)[0] == "Kaya00, Deniz"


def test_the_csv_download_holds_every_match_with_the_filters(sign_in, people):
    answer = sign_in().get("/people", query_string={"district": "Konak", "format": "csv", "sort": "name"})
    found = csv_rows(answer)
    assert [(row["Family name"], row["Given name"], row["Sex"]) for row in found] == [
        ("Çağlar", "Işıl", "Female"), ("Cengiz", "Zeynep", "Female"), ("Öztürk", "İbrahim", "Male")]
    assert {row["Id"] for row in found} == {people["Zeynep"], people["Işıl"], people["İbrahim"]}
    assert found[0]["Birth date"] == "2001-04-02" and found[0]["District"] == "Konak"
    turkish = csv_rows(sign_in(language="tr").get("/people", query_string={"q": "ayse", "format": "csv"}))
    assert turkish[0]["Soyadı"] == "Yılmaz" and turkish[0]["Cinsiyet"] == "Kadın"


def test_a_manager_reads_the_list_without_searching_by_number(sign_in, tenant, people):
    manager = sign_in("manager")
    page = manager.get("/people", query_string={"q": "ayse"})
    assert rows(page) == ["Yılmaz, Ayşe"]
    assert 'name="document"' not in page.get_data(as_text=True)
    assert manager.get("/people", query_string={"document": "12345678901"}).status_code == 422
    assert manager.get("/people/new").status_code == 403


def test_an_employer_may_not_see_the_people(sign_in, client, tenant, pathways):
    employer = create_employer(client, tenant.headers["admin"])
    user = ok(client.post(url("/users"), headers=tenant.headers["admin"], json={
        "email": f"hr-{employer['tax_number']}@employer.example", "role": "employer",
        "employer_id": employer["id"]}), 201)
    cookie = web_sessions.open_session(pathways.uow(), uuid.UUID(user["id"]))
    page_client = sign_in()
    page_client.set_cookie(COOKIE, cookie)
    assert page_client.get("/people").status_code == 403
    assert page_client.get("/people?format=csv").status_code == 403
    assert page_client.get("/people/new").status_code == 403


def test_another_organisations_people_never_appear(sign_in, client, other_tenant, people):
    register_trainee(client, other_tenant.headers["caseworker"], given_name="Ayşe", family_name="Yılmaz",
                     national_id=(number := factories.tckn()))
    mine = sign_in()
    assert rows(mine.get("/people", query_string={"q": "ayse"})) == ["Yılmaz, Ayşe"]
    assert rows(mine.get("/people", query_string={"document": number})) == []
    assert len(csv_rows(mine.get("/people", query_string={"format": "csv"}))) == len(people)
    theirs = sign_in(of=other_tenant)
    assert rows(theirs.get("/people")) == ["Yılmaz, Ayşe"]


def test_signed_out_the_search_asks_to_sign_in(client):
    answer = client.get("/people?q=ayse")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")


# Register ------------------------------------------------------------------------------------------------

def form(**overrides) -> dict:
    body = {"given_name": "Ayşe", "family_name": "Yılmaz", "sex": "female", "birth_date": "2001-04-02",
            "phone": "+90 532 000 00 00", "email": "ayse@example.org", "district": "Bayraklı",
            "settlement_type": "urban", "education_level": "upper_secondary", "labour_status": "unemployed",
            "documents-0-type": "tr_tckn", "documents-0-number": factories.tckn(), "consent": "on",
            "consent_language": "tr"}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def stored(pathways, **where) -> list[Trainee]:
    with pathways.uow() as uow:
        return list(uow.session.query(Trainee).filter_by(**where))


def test_the_form_offers_the_organisations_documents_groups_and_the_consent_text(sign_in):
    page = sign_in(language="sv").get("/people/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="tr_tckn"' in html and 'value="se_personnummer"' not in html
    assert 'name="vulnerable_groups"' in html
    assert 'name="csrf_token"' in html
    assert '<blockquote class="consent" lang="sv"' in html and "Organisation 1" in html
    assert "samtycke" in html.lower()


def test_the_consent_is_shown_in_the_persons_language_keeping_what_was_typed(sign_in):
    page = sign_in(language="en").post_form("/people/new", data=form(
        given_name="Fatma", consent_language="es", show_consent="1", consent=None))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="en">' in html and '<blockquote class="consent" lang="es"' in html
    assert "Acepto" in html and 'value="Fatma"' in html
    assert 'id="error-' not in html  # nothing was checked yet


def test_registering_a_person_saves_them_and_says_so(sign_in, pathways, tenant):
    page = sign_in()
    answer = page.post_form("/people/new", data=form(given_name="Åsa", family_name="Öberg",
                                                      vulnerable_groups="refugee"))
    assert answer.status_code == 302
    [person] = stored(pathways, family_name="Öberg")
    assert str(person.organisation_id) == tenant.organisation_id
    assert person.consent is True and person.district == "Bayraklı"
    assert [document.type for document in person.documents] == ["tr_tckn"]
    assert answer.headers["Location"] == f"/people/{person.id}"
    followed = page.get(answer.headers["Location"])
    assert "Åsa Öberg is registered." in followed.get_data(as_text=True)


def test_errors_are_shown_beside_their_fields_in_turkish_with_the_values_kept(sign_in, pathways):
    answer = sign_in(language="tr").post_form("/people/new", data=form(
        given_name="Ayşe", family_name="", birth_date="2001-02-30", email="not-an-email",
        **{"documents-0-number": "12345678901"}, consent=None))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("family_name", "birth_date", "email", "consent"):
        assert f'id="error-{field}"' in html, field
    assert 'value="Ayşe"' in html and 'value="not-an-email"' in html and 'value="2001-02-30"' in html
    assert "Missing data for required field" not in html and "Not a valid email" not in html
    assert "Lütfen" in html  # the summary, in Turkish
    assert stored(pathways, given_name="Ayşe") == []
    # The document number is checked once the form is otherwise right: beside its own field.
    again = sign_in(language="tr").post_form("/people/new", data=form(**{"documents-0-number": "12345678901"}))
    assert again.status_code == 422 and 'id="error-documents-0-number"' in again.get_data(as_text=True)
    assert 'value="12345678901"' in again.get_data(as_text=True)


def test_a_likely_duplicate_is_shown_before_saving_then_saved_when_confirmed(sign_in, client, caseworker, pathways):
    body = factories.trainee_body(given_name="Ayşe", family_name="Yılmaz", district="Karşıyaka",
                                  no_document_reason="none_held")
    del body["national_id"]  # a person with a national id is never a likely duplicate of another with one
    existing = ok(client.post(url("/trainees"), json=body, headers=caseworker), 201)
    page = sign_in()
    submitted = form(given_name="Ayse", family_name="Yilmaz", district="Bornova", **{"documents-0-number": None,
                     "documents-0-type": None}, no_document_reason="lost_or_stolen")
    warned = page.post_form("/people/new", data=submitted)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 409
    assert "Ayşe Yılmaz" in html and "Karşıyaka" in html and 'value="Bornova"' in html
    assert f'name="confirm_distinct" value="{existing["id"]}"' in html
    assert len(stored(pathways, family_name="Yilmaz")) == 0
    # Sending the form again without confirming warns again.
    assert page.post_form("/people/new", data=submitted).status_code == 409
    saved = page.post_form("/people/new", data={**submitted, "confirm_distinct": existing["id"]})
    assert saved.status_code == 302
    [person] = stored(pathways, family_name="Yilmaz")
    with pathways.uow() as uow:
        assert uow.session.query(TraineeDistinction).filter_by(confirmed_by=None).count() == 0
        pair = uow.session.query(TraineeDistinction).one()
        assert {pair.first_id, pair.second_id} == {person.id, uuid.UUID(existing["id"])}


def test_another_organisations_people_are_never_offered_as_duplicates(sign_in, client, other_tenant, pathways):
    body = factories.trainee_body(no_document_reason="none_held")
    del body["national_id"]  # without numbers, the same name and birth date would make a likely duplicate
    ok(client.post(url("/trainees"), json=body, headers=other_tenant.headers["caseworker"]), 201)
    answer = sign_in().post_form("/people/new", data=form(
        no_document_reason="none_held", **{"documents-0-type": None, "documents-0-number": None}))
    assert answer.status_code == 302
    assert len(stored(pathways, family_name="Yılmaz")) == 2  # one in each organisation


def test_a_number_held_already_is_refused_beside_it(sign_in, client, caseworker, pathways):
    number = factories.tckn()
    register_trainee(client, caseworker, given_name="Elif", family_name="Şahin", national_id=number)
    answer = sign_in(language="es").post_form("/people/new", data=form(
        given_name="Deniz", family_name="Aksoy", **{"documents-0-number": number}))
    assert answer.status_code == 409
    assert 'id="error-documents-0-number"' in answer.get_data(as_text=True)
    assert stored(pathways, family_name="Aksoy") == []


def test_a_form_without_its_csrf_token_is_refused(sign_in, pathways):
    page = sign_in()
    answer = page.post("/people/new", data=form(family_name="Sinjeton"))
    assert answer.status_code == 400
    assert stored(pathways, family_name="Sinjeton") == []


def test_a_manager_may_not_register(sign_in, pathways):
    assert sign_in("manager").post_form("/people/new", data=form(family_name="Yönetici")).status_code == 403
    assert stored(pathways, family_name="Yönetici") == []


def test_a_swedish_number_contradicting_the_sex_asks_for_a_confirmation_then_saves(sign_in, make_tenant, pathways):
    umea = make_tenant("SE")
    page = sign_in(of=umea, language="sv")
    submitted = form(given_name="Kim", family_name="Lindqvist", birth_date="1988-03-20", district="Umeå",
                     **{"documents-0-type": "se_personnummer", "documents-0-number": "880320-0016"})
    refused = page.post_form("/people/new", data=submitted)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="error-sex"' in html
    assert 'name="confirm_sex_mismatch"' in html and 'value="880320-0016"' in html
    saved = page.post_form("/people/new", data={**submitted, "confirm_sex_mismatch": "on"})
    assert saved.status_code == 302
    [person] = stored(pathways, family_name="Lindqvist")
    assert person.sex == "female" and str(person.organisation_id) == umea.organisation_id
