"""Problem details in the caller's language: `detail` and field `errors` follow Accept-Language
(en, tr, sv, es; English otherwise), the answer names its language in Content-Language."""

from __future__ import annotations

import pytest

from service.domain.roles import Role
from tests import factories
from tests.api.helpers import problem, random_id, url

#: What each language says, written out here rather than read from the catalogues, so that a
#: translation that goes missing or a message that stops being translated fails the test.
SAYS = {
    "en": {
        "schema_detail": "The request body or parameters are invalid.",
        "rule_detail": "The request breaks a validation rule.",
        "missing": "Missing data for required field.",
        "too_long": "Longer than maximum length 200.",
        "range": "Must be greater than or equal to 1 and less than or equal to 100000000.",
        "unknown": "Unknown field.",
        "ends_on": "Must not be before starts_on.",
        "not_found": "Project not found.",
        "conflict": "A project with code 'DUP-1' exists already.",
        "no_token": "Send 'Authorization: Bearer <token>'.",
        "bad_token": "The bearer token is not valid.",
    },
    "tr": {
        "schema_detail": "İstek gövdesi veya parametreleri geçersiz.",
        "rule_detail": "İstek bir doğrulama kuralını ihlal ediyor.",
        "missing": "Zorunlu alan eksik.",
        "too_long": "En fazla 200 karakter olabilir.",
        "range": "1 ile 100000000 arasında (ikisi de dahil) olmalı.",
        "unknown": "Bilinmeyen alan.",
        "ends_on": "starts_on tarihinden önce olamaz.",
        "not_found": "Proje bulunamadı.",
        "conflict": "'DUP-1' koduna sahip bir proje zaten var.",
        "no_token": "'Authorization: Bearer <token>' başlığını gönderin.",
        "bad_token": "Erişim belirteci (bearer token) geçerli değil.",
    },
    "sv": {
        "schema_detail": "Begärans brödtext eller parametrar är ogiltiga.",
        "rule_detail": "Begäran bryter mot en valideringsregel.",
        "missing": "Obligatoriskt fält saknas.",
        "too_long": "Längre än maxlängden 200.",
        "range": "Måste vara större än eller lika med 1 och mindre än eller lika med 100000000.",
        "unknown": "Okänt fält.",
        "ends_on": "Får inte vara före starts_on.",
        "not_found": "Projektet hittades inte.",
        "conflict": "Det finns redan ett projekt med koden 'DUP-1'.",
        "no_token": "Skicka 'Authorization: Bearer <token>'.",
        "bad_token": "Åtkomsttoken (bearer token) är inte giltig.",
    },
    "es": {
        "schema_detail": "El cuerpo o los parámetros de la solicitud no son válidos.",
        "rule_detail": "La solicitud incumple una regla de validación.",
        "missing": "Falta un campo obligatorio.",
        "too_long": "Más largo que la longitud máxima de 200.",
        "range": "Debe ser mayor o igual que 1 y menor o igual que 100000000.",
        "unknown": "Campo desconocido.",
        "ends_on": "No puede ser anterior a starts_on.",
        "not_found": "No se encontró el proyecto.",
        "conflict": "Ya existe un proyecto con el código 'DUP-1'.",
        "no_token": "Envíe 'Authorization: Bearer <token>'.",
        "bad_token": "El token de acceso (bearer token) no es válido.",
    },
}

#: The Accept-Language a client sends for each language, and the language it must get.
HEADERS = [
    (None, "en"),
    ("en", "en"),
    ("tr", "tr"),
    ("sv-SE", "sv"),
    ("es-419,es;q=0.9", "es"),
]


def _headers(base: dict, accept_language: str | None) -> dict:
    return {**base, "Accept-Language": accept_language} if accept_language else dict(base)


def _in(response, lang: str) -> dict:
    assert response.headers["Content-Language"] == lang
    assert "Accept-Language" in response.headers.get("Vary", "")
    return response.get_json()


@pytest.mark.parametrize(("accept_language", "lang"), HEADERS)
def test_a_schema_422_says_detail_and_field_errors_in_the_language(client, tenant, accept_language, lang):
    body = {"name": "x" * 201, "reach_target": 0, "colour": "red"}  # no code, too long, out of range, unknown
    response = client.post(url("/projects"), json=body,
                           headers=_headers(tenant.headers[Role.ADMIN], accept_language))
    answer = _in(response, lang)
    problem(response, 422)
    says = SAYS[lang]
    assert answer["title"] == "Validation failed"  # a label of the type, English in every language
    assert answer["detail"] == says["schema_detail"]
    assert answer["errors"] == {"code": [says["missing"]], "name": [says["too_long"]],
                                "reach_target": [says["range"]], "colour": [says["unknown"]]}


@pytest.mark.parametrize(("accept_language", "lang"), HEADERS)
def test_a_broken_rule_422_says_its_field_message_in_the_language(client, tenant, accept_language, lang):
    admin = tenant.headers[Role.ADMIN]
    project = client.post(url("/projects"), json=factories.project_body(), headers=admin).get_json()
    response = client.patch(url(f"/projects/{project['id']}"), json={"ends_on": "2025-06-30"},
                            headers=_headers(admin, accept_language))
    answer = _in(response, lang)
    problem(response, 422)
    assert answer["detail"] == SAYS[lang]["rule_detail"]
    assert answer["errors"] == {"ends_on": [SAYS[lang]["ends_on"]]}


@pytest.mark.parametrize(("accept_language", "lang"), HEADERS)
def test_a_404_says_what_was_not_found_in_the_language(client, tenant, accept_language, lang):
    response = client.get(url(f"/projects/{random_id()}"),
                          headers=_headers(tenant.headers[Role.ADMIN], accept_language))
    answer = _in(response, lang)
    problem(response, 404)
    assert answer["title"] == "Not found"
    assert answer["detail"] == SAYS[lang]["not_found"]


@pytest.mark.parametrize(("accept_language", "lang"), HEADERS)
def test_a_409_says_the_conflict_with_its_values_in_the_language(client, tenant, accept_language, lang):
    admin = tenant.headers[Role.ADMIN]
    client.post(url("/projects"), json=factories.project_body(code="DUP-1"), headers=admin)
    response = client.post(url("/projects"), json=factories.project_body(code="DUP-1"),
                           headers=_headers(admin, accept_language))
    answer = _in(response, lang)
    problem(response, 409)
    assert answer["detail"] == SAYS[lang]["conflict"]


@pytest.mark.parametrize(("accept_language", "lang"), HEADERS)
def test_a_401_says_what_to_send_in_the_language(client, accept_language, lang):
    response = client.get(url("/projects"), headers=_headers({}, accept_language))
    answer = _in(response, lang)
    problem(response, 401)
    assert answer["detail"] == SAYS[lang]["no_token"]
    response = client.get(url("/projects"), headers=_headers({"Authorization": "Bearer nonsense"}, accept_language))
    assert _in(response, lang)["detail"] == SAYS[lang]["bad_token"]


@pytest.mark.parametrize(("accept_language", "lang"), [
    ("de-DE, fr;q=0.9, sv;q=0.8, tr;q=0.5", "sv"),  # the best of ours by q-value, after the ones we lack
    ("tr;q=0.2, es;q=0.7", "es"),                  # q-values, not the order, decide
    ("es;q=0, tr", "tr"),                           # q=0 means "not this one"
    ("*", "en"),
    ("de, fr", "en"),                               # none of ours: English
    ("tr_TR", "tr"),                                # a locale written with _ is read as its language too
    ("", "en"),
])
def test_accept_language_weights_and_unsupported_languages(client, accept_language, lang):
    response = client.get(url("/projects"), headers={"Accept-Language": accept_language})
    assert _in(response, lang)["detail"] == SAYS[lang]["no_token"]


def test_values_inside_marshmallow_messages_survive_translation(client, tenant):
    """Marshmallow formats `Must be one of: {choices}.` itself; the values come back in the translation."""
    body = factories.trainee_body(sex="alien")
    response = client.post(url("/trainees"), json=body,
                           headers={**tenant.headers[Role.ADMIN], "Accept-Language": "sv"})
    answer = _in(response, "sv")
    problem(response, 422)
    [message] = answer["errors"]["sex"]
    assert message.startswith("Måste vara något av: ") and "female" in message and "male" in message, message


def test_a_page_of_english_without_a_request_header_is_unchanged(client, tenant):
    """No Accept-Language: the English problem, as before translations existed (clients compare it)."""
    response = client.get(url(f"/projects/{random_id()}"), headers=tenant.headers[Role.ADMIN])
    assert problem(response, 404)["detail"] == "Project not found."
    assert response.headers["Content-Language"] == "en"
