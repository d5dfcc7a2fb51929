"""The pages' foundation: error pages beside the API's problem+json, CSRF, the language, headers, CSV."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from service.web import forms, paging
from schemas.trainees import TraineeCreateSchema


@pytest.fixture(params=["sqlite"])
def pathways(request, sqlite_pathways):
    """These rules do not depend on the database: SQLite only keeps them quick."""
    return sqlite_pathways


def test_an_unknown_page_is_an_html_page_and_an_unknown_api_path_stays_problem_json(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/no-such-page", headers={"Accept-Language": "tr", "Accept": browser})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert '<html lang="tr">' in page.get_data(as_text=True)
    assert "Bulunamadı" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    program = client.get("/no-such-page", headers={"Accept": "*/*"})
    assert program.status_code == 404 and program.mimetype == "application/problem+json"


def test_a_page_asks_to_sign_in_and_comes_back_after(client):
    answer = client.get("/people?q=ay")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in?next=")
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["next"] == ["/people?q=ay"]


@pytest.mark.parametrize("header, expected", [("sv-SE,sv;q=0.9", "sv"), ("es-CO", "es"), ("fr, tr;q=0.5", "tr"),
                                              ("fr", "en"), ("", "en")])
def test_the_browser_language_is_used_when_nobody_chose_one(client, header, expected):
    page = client.get("/sign-in", headers={"Accept-Language": header})
    assert f'<html lang="{expected}">' in page.get_data(as_text=True)


def test_the_language_menu_choice_beats_the_browser_and_returns_only_to_local_pages(client):
    chosen = client.get("/language/es?next=/sign-in", headers={"Accept-Language": "tr"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/sign-in"
    page = client.get("/sign-in", headers={"Accept-Language": "tr"})
    assert '<html lang="es">' in page.get_data(as_text=True)
    elsewhere = client.get("/language/sv?next=https://evil.example/")
    assert elsewhere.headers["Location"] == "/"
    assert client.get("/language/xx").status_code == 404


def test_a_form_without_its_csrf_token_is_refused_and_explained(client):
    answer = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 12},
                         headers={"Accept-Language": "sv"})
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    assert "Formuläret" in answer.get_data(as_text=True)


def test_pages_are_never_cached_framed_or_given_scripts(client):
    page = client.get("/sign-in")
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    style = client.get("/static/pathways.css")
    style.close()
    assert style.status_code == 200 and style.mimetype == "text/css"


def test_a_form_is_read_with_the_api_schema_blanks_left_out_and_lists_kept():
    submitted = MultiDict([("given_name", " Ayşe "), ("family_name", ""), ("vulnerable_groups", "women"),
                           ("vulnerable_groups", "rural"), ("consent", "on")])
    document = forms.document(TraineeCreateSchema(), submitted)
    assert document["given_name"] == "Ayşe"
    assert "family_name" not in document
    assert document["vulnerable_groups"] == ["women", "rural"]
    assert document["consent"] is True


def test_nested_messages_become_form_field_names():
    assert forms.flatten({"documents": {0: {"number": ["Bad."]}}, "sex": ["Must be one of."]}) == {
        "documents-0-number": ["Bad."], "sex": ["Must be one of."]}


def test_a_csv_cell_a_spreadsheet_would_run_is_written_as_text(app):
    with app.test_request_context("/"):
        body = paging.csv_response("x.csv", ["name", "n"], [["=HYPERLINK(1)", -3], ["Ñandú İı", None]])
    text = body.get_data(as_text=True)
    assert text.startswith("\ufeffname,n")
    assert "'=HYPERLINK(1)" in text and ",-3" in text and "Ñandú İı," in text


def test_a_page_during_a_database_outage_is_a_page_with_retry_after_and_the_api_keeps_problem_json():
    from service.app import create_app
    from service.config import Config
    from tests.conftest import TEST_KEYS

    nowhere = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    unreachable = Config(database_url=nowhere, **TEST_KEYS)
    client = create_app(unreachable).test_client()
    client.set_cookie("pathways_session", "some-session")
    page = client.get("/", headers={"Accept-Language": "es"})
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "5"
    assert "no está disponible" in page.get_data(as_text=True)
    api = client.get("/api/v1/projects", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"


def test_a_flash_message_survives_the_redirect_without_any_secret_to_configure(app):
    from flask import flash, get_flashed_messages

    @app.get("/flash-test")
    def flash_test():
        flash("Saved.", "success")
        return "ok"

    @app.get("/flash-read")
    def flash_read():
        return " ".join(get_flashed_messages())

    client = app.test_client()
    assert client.get("/flash-test").status_code == 200
    assert client.get("/flash-read").get_data(as_text=True) == "Saved."
    assert app.secret_key and app.secret_key != app.extensions["pathways"].config.pii_hash_key


@pytest.mark.parametrize("lang, typed, read", [("sv", "25 000,50", "25000.50"), ("sv", "25\u00a0000,50", "25000.50"),
                                               ("tr", "25.000,50", "25000.50"), ("es", "25000,5", "25000.5"),
                                               ("en", "25,000.50", "25000.50"), ("tr", "25,000.50", None),
                                               ("sv", "abc", None)])
def test_a_sum_is_read_as_the_reader_writes_numbers(app, lang, typed, read):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale(lang):
        assert forms.amount(typed) == read


@pytest.mark.parametrize("lang, example", [("sv", "25\u00a0000,50"), ("es", "25.000,50"), ("en", "25,000.50")])
def test_a_sum_that_is_no_number_is_told_how_to_write_one_in_the_readers_notation(app, lang, example):
    from flask_babel import force_locale

    typed = MultiDict({"wage_monthly": "lots"})
    with app.test_request_context("/"), force_locale(lang):
        form = forms.Form(values=typed, errors={"wage_monthly": ["Must be a decimal string like '25000.00'."]})
        forms.explain_amounts(form, typed, "wage_monthly")
        assert example in form.error("wage_monthly")[0] and "decimal" not in form.error("wage_monthly")[0]
