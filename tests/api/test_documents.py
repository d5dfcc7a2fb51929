"""Identity documents through the API, in each country of the network (TR, SE, GT, CO), on SQLite and PostgreSQL:
register each kind of person a caseworker there meets (one without any document too), find them again by
number, refuse what is wrong beside the field at fault, and never answer a number."""

from __future__ import annotations

import pytest
from stdnum import luhn

from tests import factories
from tests.api.helpers import create_employer_user, ok, problem, random_id, url
from tests.unit.test_documents import CUI, TEMPORARY_PROTECTION, YKN, cui, samordningsnummer, tckn_rule

COORDINATION = samordningsnummer("750475", "248")  # born 15 April 1975, serial 248: a woman's (even)
PERSONNUMMER = "811218-9876"  # born 18 December 1981, a man's (second-to-last digit 7)


def _body(**overrides) -> dict:
    body = factories.trainee_body(**overrides)
    if "national_id" not in overrides:
        del body["national_id"]
    return body


def _register(client, headers, **overrides):
    return client.post(url("/trainees"), json=_body(**overrides), headers=headers)


def _found(client, headers, number: str, **params) -> list[str]:
    page = ok(client.get(url("/trainees"), query_string={"document": number, **params}, headers=headers))
    return [trainee["id"] for trainee in page["items"]]


# Each kind of person, as the caseworker types the numbers; `again`: another spelling of the first number.
PEOPLE = [
    pytest.param("TR", {"national_id": "172 917 160 60"}, "17291716060", id="TR-tckn"),
    pytest.param("TR", {"documents": [{"type": "tr_ykn", "number": YKN}], "citizenship": "AF"}, YKN, id="TR-ykn"),
    pytest.param("TR", {"documents": [{"type": "tr_temporary_protection", "number": TEMPORARY_PROTECTION},
                                      {"type": "passport", "number": "n0123456", "issuing_country": "SY"}],
                        "citizenship": "SY"}, TEMPORARY_PROTECTION, id="TR-temporary-protection-and-passport"),
    pytest.param("TR", {"documents": [{"type": "unhcr", "number": "123-45C67890"}], "citizenship": "IR"},
                 "123-45c67890", id="TR-unhcr"),
    pytest.param("SE", {"national_id": PERSONNUMMER, "birth_date": "1981-12-18", "sex": "male"}, "19811218-9876",
                 id="SE-personnummer"),
    pytest.param("SE", {"documents": [{"type": "se_samordningsnummer", "number": COORDINATION}],
                        "birth_date": "1975-04-15", "sex": "female"}, "19" + COORDINATION.replace("-", ""),
                 id="SE-samordningsnummer"),
    pytest.param("SE", {"documents": [{"type": "passport", "number": "L898902C3", "issuing_country": "SY"}]},
                 "l898902c3", id="SE-passport"),
    pytest.param("GT", {"national_id": CUI}, f"{CUI[:4]} {CUI[4:9]} {CUI[9:]}", id="GT-cui"),
    pytest.param("GT", {"documents": [{"type": "gt_cui", "number": cui("23456789", "13", "33")}]},
                 cui("23456789", "13", "33"), id="GT-cui-document"),
    pytest.param("GT", {"documents": [{"type": "passport", "number": "E1234567", "issuing_country": "HN"}],
                        "citizenship": "HN"}, "E1234567", id="GT-passport"),
    pytest.param("CO", {"national_id": "52523478"}, "52.523.478", id="CO-cc"),
    pytest.param("CO", {"documents": [{"type": "co_cc", "number": "1020304050"}]}, "1.020.304.050", id="CO-cc-10"),
    pytest.param("CO", {"documents": [{"type": "co_ti", "number": "1000000001"}], "birth_date": "2009-05-01"},
                 "1000000001", id="CO-ti"),
    pytest.param("CO", {"documents": [{"type": "co_ce", "number": "654321"}], "citizenship": "EC"}, "654321",
                 id="CO-ce"),
    pytest.param("CO", {"documents": [{"type": "co_ppt", "number": "4567890"},
                                      {"type": "passport", "number": "123456789", "issuing_country": "VE"}],
                        "citizenship": "VE"}, "4567890", id="CO-ppt-and-venezuelan-passport"),
    pytest.param("CO", {"documents": [{"type": "unhcr", "number": "123-45-67890"}], "citizenship": "VE"},
                 "123-45-67890", id="CO-unhcr"),
]


@pytest.mark.parametrize("country, person, again", PEOPLE)
def test_each_kind_of_person_registers_and_is_found_by_number(client, make_tenant, country, person, again):
    tenant = make_tenant(country=country)
    caseworker = tenant.headers["caseworker"]
    response = _register(client, caseworker, **person)
    created = ok(response, 201)
    submitted = person.get("documents") or [{"type": None, "number": person["national_id"]}]

    assert [(d["type"], d["issuing_country"]) for d in created["documents"]] == [
        (d["type"] or created["documents"][0]["type"], (d.get("issuing_country") or country).upper())
        for d in submitted]
    assert created["no_document_reason"] is None
    assert all(set(d) == {"id", "type", "issuing_country", "created_at"} for d in created["documents"])
    for document in submitted:
        assert document["number"] not in response.get_data(as_text=True)
        assert _found(client, caseworker, document["number"]) == [created["id"]]
    assert _found(client, caseworker, again) == [created["id"]]  # any spelling of the number
    assert ok(client.get(url(f"/trainees/{created['id']}"), headers=caseworker))["documents"] == created["documents"]
    # The same number again, whoever brings it: the person is registered already.
    duplicate = problem(_register(client, caseworker, **person), 409)
    assert duplicate["existing_trainee_id"] == created["id"]


def test_the_national_id_is_the_organisations_primary_type(client, make_tenant):
    for country, number, primary in (("TR", "17291716060", "tr_tckn"), ("GT", CUI, "gt_cui"),
                                     ("CO", "52523478", "co_cc"),
                                     ("SE", "880320-0016", "se_personnummer")):
        tenant = make_tenant(country=country)
        created = ok(_register(client, tenant.headers["caseworker"], national_id=number, birth_date="1988-03-20",
                               sex="male"), 201)
        assert [(d["type"], d["issuing_country"]) for d in created["documents"]] == [(primary, country)]


@pytest.mark.parametrize("country", ["TR", "SE", "GT", "CO"])
def test_a_person_without_any_document_gives_a_reason(client, make_tenant, country):
    caseworker = make_tenant(country=country).headers["caseworker"]
    created = ok(_register(client, caseworker, no_document_reason="asylum_pending", vulnerable_groups=["refugee"]),
                 201)
    assert (created["documents"], created["no_document_reason"]) == ([], "asylum_pending")
    assert problem(_register(client, caseworker), 422)["errors"] == {"no_document_reason": [
        "Required when the person has no document (documents or national_id). Must be one of: none_held, "
        "asylum_pending, lost_or_stolen, withheld, other."]}
    beside = problem(_register(client, caseworker, no_document_reason="none_held",
                               documents=[{"type": "passport", "number": "X1234567", "issuing_country": "VE"}]), 422)
    assert list(beside["errors"]) == ["no_document_reason"]
    assert "no_document_reason" in problem(_register(client, caseworker, no_document_reason="forgot"), 422)["errors"]
    assert [t["id"] for t in ok(client.get(url("/trainees"), headers=caseworker))["items"]] == [created["id"]]


def test_errors_stand_beside_the_field_at_fault(client, make_tenant):
    caseworker = make_tenant(country="CO").headers["caseworker"]
    errors = problem(_register(client, caseworker, documents=[
        {"type": "co_cc", "number": "52523478"},
        {"type": "co_cc", "number": "0123"},
        {"type": "gt_cui", "number": CUI},
        {"type": "passport", "number": "123456789"},
        {"type": "co_ce", "number": "654321", "issuing_country": "VE"},
        {"type": "passport", "number": "1234567890", "issuing_country": "VE"},
    ]), 422)["errors"]
    assert sorted(errors) == ["documents.1.number", "documents.2.type", "documents.3.issuing_country",
                              "documents.4.issuing_country", "documents.5.number"]
    assert "0123" not in str(errors) and CUI not in str(errors)
    unknown = problem(_register(client, caseworker, documents=[{"type": "driving_licence", "number": "1"}]), 422)
    assert list(unknown["errors"]) == ["documents"]
    assert _count(client, caseworker) == 0


def test_a_swedish_number_agrees_with_the_birth_date_and_asks_about_the_sex(client, make_tenant):
    caseworker = make_tenant(country="SE").headers["caseworker"]
    documents = [{"type": "se_samordningsnummer", "number": COORDINATION}]
    wrong_day = problem(_register(client, caseworker, documents=documents, birth_date="1975-04-16", sex="female"),
                        422)["errors"]
    assert wrong_day == {"documents.0.number": ["The number does not agree with the birth date."]}
    mismatch = problem(_register(client, caseworker, documents=documents, birth_date="1975-04-15", sex="male"),
                       422)["errors"]
    assert list(mismatch) == ["sex"] and "confirm_sex_mismatch" in mismatch["sex"][0]
    assert COORDINATION not in str(mismatch) and COORDINATION.replace("-", "") not in str(mismatch)
    # The shorthand too: a personnummer given as national_id, for the date and sex of its holder.
    assert "national_id" in problem(_register(client, caseworker, national_id=PERSONNUMMER, birth_date="1981-12-19",
                                              sex="male"), 422)["errors"]
    confirmed = ok(_register(client, caseworker, documents=documents, birth_date="1975-04-15", sex="male",
                             confirm_sex_mismatch=True), 201)
    assert confirmed["sex"] == "male"
    for sex in ("non_binary", "undisclosed"):  # these never contradict the digit
        other = samordningsnummer("750475", "26" + str(len(sex) % 10))
        ok(_register(client, caseworker, documents=[{"type": "se_samordningsnummer", "number": other}],
                     given_name=f"Kim {sex}", family_name="Lind", birth_date="1975-04-15", sex=sex), 201)


def test_a_number_held_under_another_type_is_the_same_number(client, tenant):
    caseworker = tenant.headers["caseworker"]
    holder = ok(_register(client, caseworker, documents=[{"type": "tr_ykn", "number": YKN}]), 201)
    # A TCKN check accepts a 99-number: given as national_id it is still the number someone holds.
    assert problem(_register(client, caseworker, national_id=YKN), 409)["existing_trainee_id"] == holder["id"]
    as_protection = [{"type": "tr_temporary_protection", "number": YKN}]
    assert problem(_register(client, caseworker, documents=as_protection), 409)["existing_trainee_id"] == holder["id"]
    assert _found(client, caseworker, YKN, document_type="tr_temporary_protection") == []
    assert _found(client, caseworker, YKN, document_type="tr_ykn") == [holder["id"]]


def test_another_organisation_holds_its_own_numbers(client, tenant, other_tenant):
    mine = ok(_register(client, tenant.headers["caseworker"], national_id="17291716060"), 201)
    theirs = ok(_register(client, other_tenant.headers["caseworker"], national_id="17291716060"), 201)
    assert _found(client, tenant.headers["caseworker"], "17291716060") == [mine["id"]]
    assert _found(client, other_tenant.headers["caseworker"], "17291716060") == [theirs["id"]]


def test_only_caseworkers_and_admins_search_by_number(client, tenant):
    created = ok(_register(client, tenant.headers["caseworker"], national_id="17291716060"), 201)
    assert _found(client, tenant.headers["admin"], "17291716060") == [created["id"]]
    assert _found(client, tenant.headers["caseworker"], tckn_rule("123456789")) == []  # held by nobody
    assert _found(client, tenant.headers["caseworker"], "not a number at all") == []
    manager = tenant.headers["manager"]
    assert problem(client.get(url("/trainees"), query_string={"document": "17291716060"}, headers=manager), 403)
    assert ok(client.get(url("/trainees"), headers=manager))["items"][0]["id"] == created["id"]
    assert ok(client.get(url("/trainees"), query_string={"document_type": "tr_tckn"}, headers=manager))["items"]
    employer = create_employer_user(client, tenant)
    problem(client.get(url("/trainees"), query_string={"document": "17291716060"}, headers=employer), 403)
    bad_type = client.get(url("/trainees"), query_string={"document": "17291716060", "document_type": "tr_tckn"},
                          headers=tenant.headers["caseworker"])
    assert [t["id"] for t in ok(bad_type)["items"]] == [created["id"]]
    assert "document" in problem(client.get(url("/trainees"), query_string={
        "document": "17291716061", "document_type": "tr_tckn"}, headers=tenant.headers["caseworker"]), 422)["errors"]
    problem(client.get(url("/trainees"), query_string={"document_type": "driving_licence"},
                       headers=tenant.headers["caseworker"]), 422)


def test_documents_are_added_and_removed(client, make_tenant):
    caseworker = make_tenant(country="CO").headers["caseworker"]
    person = ok(_register(client, caseworker, no_document_reason="lost_or_stolen"), 201)
    documents = url(f"/trainees/{person['id']}/documents")

    cedula = ok(client.post(documents, json={"type": "co_cc", "number": "52523478"}, headers=caseworker), 201)
    assert (cedula["type"], cedula["issuing_country"]) == ("co_cc", "CO") and "number" not in cedula
    shown = ok(client.get(url(f"/trainees/{person['id']}"), headers=caseworker))
    assert (shown["documents"], shown["no_document_reason"]) == ([cedula], None)
    assert _found(client, caseworker, "52523478") == [person["id"]]
    other = ok(_register(client, caseworker, national_id="1020304050"), 201)
    assert problem(client.post(documents, json={"type": "co_ce", "number": "1020304050"}, headers=caseworker),
                   409)["existing_trainee_id"] == other["id"]
    assert "number" in problem(client.post(documents, json={"type": "co_cc", "number": "0"}, headers=caseworker),
                               422)["errors"]
    passport = ok(client.post(documents, json={"type": "passport", "number": "123456789", "issuing_country": "VE"},
                              headers=caseworker), 201)

    one = client.delete(url(f"/trainees/{person['id']}/documents/{cedula['id']}"), headers=caseworker)
    assert one.status_code == 204
    assert _found(client, caseworker, "52523478") == []
    last = url(f"/trainees/{person['id']}/documents/{passport['id']}")
    assert list(problem(client.delete(last, headers=caseworker), 422)["errors"]) == ["no_document_reason"]
    assert client.delete(last, query_string={"no_document_reason": "withheld"}, headers=caseworker).status_code == 204
    shown = ok(client.get(url(f"/trainees/{person['id']}"), headers=caseworker))
    assert (shown["documents"], shown["no_document_reason"]) == ([], "withheld")
    problem(client.delete(last, headers=caseworker), 404)
    problem(client.post(url(f"/trainees/{random_id()}/documents"), json={"type": "co_cc", "number": "52523478"},
                        headers=caseworker), 404)
    manager = problem(client.post(documents, json={"type": "co_cc", "number": "52523478"},
                                  headers=make_tenant(country="CO").headers["manager"]), 403)
    assert manager


def test_the_sex_digit_is_checked_when_a_document_is_added(client, make_tenant):
    caseworker = make_tenant(country="SE").headers["caseworker"]
    person = ok(_register(client, caseworker, no_document_reason="none_held", birth_date="1975-04-15", sex="male"),
                201)
    documents = url(f"/trainees/{person['id']}/documents")
    body = {"type": "se_samordningsnummer", "number": COORDINATION}
    assert list(problem(client.post(documents, json=body, headers=caseworker), 422)["errors"]) == ["sex"]
    ok(client.post(documents, json={**body, "confirm_sex_mismatch": True}, headers=caseworker), 201)
    wrong_date = samordningsnummer("750476", "248")
    assert list(problem(client.post(documents, json={"type": "se_samordningsnummer", "number": wrong_date},
                                    headers=caseworker), 422)["errors"]) == ["number"]
    assert luhn.is_valid(wrong_date.replace("-", ""))


def _count(client, headers) -> int:
    return len(ok(client.get(url("/trainees"), headers=headers))["items"])


def test_a_change_of_sex_the_number_contradicts_asks_for_confirmation(client, make_tenant):
    caseworker = make_tenant(country="SE").headers["caseworker"]
    person = ok(_register(client, caseworker, national_id=PERSONNUMMER, birth_date="1981-12-18", sex="undisclosed"),
                201)
    trainee = url(f"/trainees/{person['id']}")
    refused = problem(client.patch(trainee, json={"sex": "female"}, headers=caseworker), 422)["errors"]
    assert list(refused) == ["sex"] and "confirm_sex_mismatch" in refused["sex"][0]
    assert PERSONNUMMER not in str(refused) and PERSONNUMMER.replace("-", "") not in str(refused)
    assert ok(client.get(trainee, headers=caseworker))["sex"] == "undisclosed"
    assert ok(client.patch(trainee, json={"sex": "male"}, headers=caseworker))["sex"] == "male"
    assert ok(client.patch(trainee, json={"sex": "female", "confirm_sex_mismatch": True},
                           headers=caseworker))["sex"] == "female"
    assert ok(client.patch(trainee, json={"district": "Umeå"}, headers=caseworker))["sex"] == "female"
