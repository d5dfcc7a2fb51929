"""Account pages: sign-in (refusals, lockout, rate limit, CSRF), sign-out, idle expiry, the account's language
and password, invitation links, and the admin's users page; on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import dates

from service import clock
from service.app import create_app
from service.clock import utcnow
from service.domain.roles import Principal, Role
from service.services import accounts, invitations, sign_in as signing_in, web_sessions
from service.web.auth import COOKIE
from service.web.csrf import ANONYMOUS_COOKIE

PASSWORD = "a long enough password"


def _email(pathways, tenant, role=Role.CASEWORKER) -> str:
    from service.db.models import User
    with pathways.uow() as uow:
        return uow.session.get(User, uuid.UUID(tenant.user_ids[role])).email


@pytest.fixture
def caseworker(pathways, tenant) -> str:
    """The tenant's caseworker, with a web password; returns the email."""
    email = _email(pathways, tenant)
    accounts.set_password(pathways.uow(), email, PASSWORD)
    return email


def _csrf(client, path="/sign-in", language=None) -> str:
    """Open a form page as a browser does and return the CSRF token its form carries."""
    headers = {"Accept-Language": language} if language else {}
    page = client.get(path, headers=headers).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, email, password, language=None, **extra):
    token = _csrf(client, language=language)
    headers = {"Accept-Language": language} if language else {}
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password, **extra},
                       headers=headers)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_sign_in_opens_a_session_and_returns_where_the_user_was(client, caseworker):
    answer = _sign_in(client, caseworker.upper(), PASSWORD, next="/people?q=ay")
    assert answer.status_code == 302 and answer.headers["Location"] == "/people?q=ay"
    cookie = next(value for value in answer.headers.getlist("Set-Cookie") if value.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires" not in cookie  # ends with the browser; the server ends it sooner
    home = client.get("/account")
    assert home.status_code == 200 and caseworker in _text(home)
    # Already signed in, the sign-in page goes on; a next address elsewhere is never followed.
    assert client.get("/sign-in?next=https://evil.example/").headers["Location"] == "/"


def test_the_session_cookie_is_secure_over_https(client, caseworker):
    token = _csrf(client)
    answer = client.post("/sign-in", data={"csrf_token": token, "email": caseworker, "password": PASSWORD},
                         base_url="https://localhost")
    cookie = next(value for value in answer.headers.getlist("Set-Cookie") if value.startswith(COOKIE + "="))
    assert "Secure" in cookie


def test_a_refused_sign_in_keeps_the_email_and_says_why_beside_the_field(client, caseworker):
    wrong = _sign_in(client, caseworker, "not the password", language="tr")
    unknown = _sign_in(client, "nobody@example.org", PASSWORD, language="tr")
    for answer, email in ((wrong, caseworker), (unknown, "nobody@example.org")):
        page = _text(answer)
        assert answer.status_code == 401
        assert f'value="{email}"' in page and 'autocapitalize="none" spellcheck="false"' in page
        assert 'id="error-password"' in page and 'aria-describedby="error-password"' in page
        assert "E-posta adresi veya parola yanlış." in page
        assert PASSWORD not in page and "not the password" not in page
        assert COOKIE + "=" not in " ".join(answer.headers.getlist("Set-Cookie"))
    # The same words for an unknown address as for a wrong password: nobody learns who is a user.
    assert _errors(_text(wrong)) == _errors(_text(unknown))
    empty = _sign_in(client, "", "", language="sv")
    assert empty.status_code == 422
    assert "Ange din e-postadress." in _text(empty) and "Ange ditt lösenord." in _text(empty)


def _errors(page: str) -> list[str]:
    return re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', page, re.S)


def test_five_wrong_passwords_lock_the_account_for_a_while(client, caseworker):
    for attempt in range(signing_in.MAX_FAILURES - 1):
        assert "wait 15 minutes" not in _text(_sign_in(client, caseworker, f"wrong {attempt}"))
    locked = _sign_in(client, caseworker, "wrong again")
    assert locked.status_code == 401 and "wait 15 minutes and try again" in _text(locked)
    right = _sign_in(client, caseworker, PASSWORD, language="es")
    assert right.status_code == 401 and "Demasiados intentos fallidos" in _text(right)
    with clock.frozen(utcnow() + signing_in.LOCKOUT + timedelta(seconds=1)):
        assert _sign_in(client, caseworker, PASSWORD).status_code == 302


def test_refused_sign_ins_are_limited_per_address(pathways, caseworker):
    config = pathways.config.with_overrides(auth_failure_limit="3 per minute")
    app = create_app(pathways=dataclasses.replace(pathways, config=config))
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    for _ in range(3):
        assert _sign_in(client, "nobody@example.org", "wrong password").status_code == 401
    limited = _sign_in(client, caseworker, PASSWORD, language="sv")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "För många misslyckade inloggningar från den här adressen" in _text(limited)
    # Another address is not held up, and a right password is never counted.
    for _ in range(4):
        other = app.test_client()  # a browser of its own each time: a signed-in one is not shown the form
        other.environ_base["REMOTE_ADDR"] = "10.250.0.1"
        assert _sign_in(other, caseworker, PASSWORD).status_code == 302


def test_forms_without_their_csrf_token_are_refused(client, caseworker, sign_in):
    _csrf(client)  # the anonymous token's cookie is set, but the form does not repeat it
    refused = client.post("/sign-in", data={"email": caseworker, "password": PASSWORD})
    assert refused.status_code == 400 and COOKIE + "=" not in " ".join(refused.headers.getlist("Set-Cookie"))
    forged = client.post("/sign-in", data={"email": caseworker, "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 400
    signed_in = sign_in(Role.CASEWORKER)
    assert signed_in.post("/sign-out").status_code == 400
    assert signed_in.post("/account/language", data={"locale": "tr"}).status_code == 400
    assert signed_in.get("/account").status_code == 200  # still signed in


def test_sign_out_ends_the_session(client, caseworker):
    _sign_in(client, caseworker, PASSWORD)
    cookie = client.get_cookie(COOKIE).value
    token = _csrf(client, "/account")
    answer = client.post("/sign-out", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"] == "/sign-in"
    assert client.get_cookie(COOKIE) is None
    assert client.get("/account").status_code == 302
    client.set_cookie(COOKIE, cookie)  # a copy of the cookie kept from before is refused too
    assert client.get("/account").headers["Location"].startswith("/sign-in")


def test_a_session_idle_too_long_asks_to_sign_in_again(client, caseworker):
    start = utcnow()
    with clock.frozen(start):
        _sign_in(client, caseworker, PASSWORD)
    with clock.frozen(start + timedelta(minutes=29)):
        assert client.get("/account").status_code == 200
    with clock.frozen(start + timedelta(minutes=29 + 30)):
        answer = client.get("/account")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in?next=")


def test_the_language_chosen_on_the_account_changes_the_pages(sign_in):
    client = sign_in(Role.CASEWORKER)
    assert '<html lang="en">' in _text(client.get("/account", headers={"Accept-Language": "en"}))
    answer = client.post_form("/account/language", {"locale": "tr"})
    assert answer.status_code == 302
    page = _text(client.get("/account", headers={"Accept-Language": "en"}))
    assert '<html lang="tr">' in page and "Parolanızı değiştirin" in page and "Dil kaydedildi." in page
    client.post_form("/account/language", {"locale": "sv"})
    assert "Byt lösenord" in _text(client.get("/account"))
    bad = client.post_form("/account/language", {"locale": "de"})
    assert bad.status_code == 422
    client.post_form("/account/language", {"locale": ""})  # back to the organisation's (en here)
    assert '<html lang="en">' in _text(client.get("/account", headers={"Accept-Language": "en"}))


def test_changing_the_password_checks_it_and_signs_out_elsewhere(pathways, tenant, app, caseworker, sign_in):
    elsewhere = app.test_client()
    _sign_in(elsewhere, caseworker, PASSWORD)
    assert elsewhere.get("/account").status_code == 200
    here = app.test_client()
    _sign_in(here, caseworker, PASSWORD)
    token = _csrf(here, "/account")

    def change(current, new, confirm, language="en"):
        return here.post("/account/password", data={"csrf_token": token, "current_password": current,
                                                     "password": new, "confirm": confirm},
                         headers={"Accept-Language": language})

    wrong = change("not it", "a brand new password", "a brand new password")
    assert wrong.status_code == 422 and 'id="error-current_password"' in _text(wrong)
    different = change(PASSWORD, "a brand new password", "another new password")
    assert different.status_code == 422 and 'id="error-confirm"' in _text(different)
    short = change(PASSWORD, "short", "short", language="tr")
    assert short.status_code == 422 and 'id="error-password"' in _text(short)
    assert "a brand new password" not in _text(wrong)  # passwords are never written back
    assert elsewhere.get("/account").status_code == 200

    done = change(PASSWORD, "a brand new password", "a brand new password")
    assert done.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert signing_in.sign_in(pathways.uow(), caseworker, "a brand new password")


def test_only_admins_see_the_users_page_and_only_their_organisations_users(sign_in, other_tenant):
    for role in (Role.CASEWORKER, Role.MANAGER):
        assert sign_in(role).get("/admin/users").status_code == 403
        assert sign_in(role).post_form("/admin/users", {"email": "x@example.org", "role": "admin"}).status_code == 403
    page = _text(sign_in(Role.ADMIN).get("/admin/users"))
    assert all(email in page for email in ("admin1@example.org", "caseworker1@example.org", "manager1@example.org"))
    assert "example.org" not in page.replace("1@example.org", "")  # nobody of the other organisation (2)
    assert "admin2@example.org" in _text(sign_in(Role.ADMIN, of=other_tenant).get("/admin/users"))


def test_an_invitation_from_the_users_page_to_the_first_sign_in(app, pathways, tenant, sign_in):
    admin = sign_in(Role.ADMIN, language="es")
    refused = admin.post_form("/admin/users", {"email": "not an address", "role": "caseworker"})
    assert refused.status_code == 422 and 'id="error-email"' in _text(refused)
    assert 'value="not an address"' in _text(refused)
    no_employer = admin.post_form("/admin/users", {"email": "boss@example.org", "role": "employer"})
    assert no_employer.status_code == 422 and 'id="error-employer_id"' in _text(no_employer)

    invited = admin.post_form("/admin/users", {"email": "Nueva@Example.org", "role": "caseworker"})
    assert invited.status_code == 200
    link = re.search(r'id="invitation-link" type="text" readonly value="([^"]+)"', _text(invited)).group(1)
    path = link.replace("http://localhost", "")
    assert path.startswith("/invitations/")
    assert "nueva@example.org" in _text(admin.get("/admin/users"))

    newcomer = app.test_client()
    page = newcomer.get(path, headers={"Accept-Language": "es"})
    assert page.status_code == 200 and "nueva@example.org" in _text(page) and "Organisation 1" in _text(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(page)).group(1)
    mismatch = newcomer.post(path, data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD + "x"})
    assert mismatch.status_code == 422 and 'id="error-confirm"' in _text(mismatch)
    assert newcomer.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 400  # no token
    done = newcomer.post(path, data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].startswith("/sign-in?email=nueva")
    assert _sign_in(newcomer, "nueva@example.org", PASSWORD).status_code == 302
    assert newcomer.get("/account").status_code == 200

    again = app.test_client().get(path, headers={"Accept-Language": "sv"})
    assert again.status_code == 410 and "Den här inbjudan har redan använts" in _text(again)
    assert app.test_client().get("/invitations/nonsense").status_code == 404


def test_an_expired_invitation_says_so(app, pathways, tenant):
    admin = Principal(user_id=uuid.UUID(tenant.user_ids[Role.ADMIN]),
                      organisation_id=uuid.UUID(tenant.organisation_id), role=Role.ADMIN)
    start = utcnow()
    with clock.frozen(start):
        invited = invitations.invite(pathways.uow(), admin, {"email": "late@example.org", "role": "manager"})
    client = app.test_client()
    # Until when, in the organisation's local time (İzmir's, three hours ahead of UTC), in the reader's language.
    valid = _text(client.get(f"/invitations/{invited.token}", headers={"Accept-Language": "tr"}))
    def written(zone: str) -> str:  # as the pages write a moment: the day as `day` writes it, then the time
        moment = invited.expires_at.astimezone(ZoneInfo(zone))
        return f'{dates.format_date(moment, "medium", locale="tr")} {dates.format_time(moment, "short", locale="tr")}'
    assert written("Europe/Istanbul") in valid and written("Europe/Istanbul") != written("UTC")
    with clock.frozen(start + invitations.VALIDITY):
        page = client.get(f"/invitations/{invited.token}", headers={"Accept-Language": "tr"})
        assert page.status_code == 410 and "Bu davetin süresi doldu" in _text(page)
        client.set_cookie(ANONYMOUS_COOKIE, "t")
        posted = client.post(f"/invitations/{invited.token}",
                             data={"csrf_token": "t", "password": PASSWORD, "confirm": PASSWORD})
        assert posted.status_code == 410
    assert web_sessions.resolve(pathways.uow(), None) is None


def test_an_employer_user_is_invited_for_one_of_the_organisations_employers(client, pathways, tenant, sign_in):
    from tests.api.helpers import create_employer
    employer = create_employer(client, tenant.headers[Role.ADMIN])
    admin = sign_in(Role.ADMIN)
    page = _text(admin.get("/admin/users"))
    assert f'<option value="{employer["id"]}">{employer["name"]}</option>' in page
    other = str(uuid.uuid4())  # not an employer of this organisation
    refused = admin.post_form("/admin/users", {"email": "hr@employer.example", "role": "employer",
                                               "employer_id": other})
    assert refused.status_code == 422 and 'id="error-employer_id"' in _text(refused)
    invited = admin.post_form("/admin/users", {"email": "hr@employer.example", "role": "employer",
                                               "employer_id": employer["id"]})
    assert invited.status_code == 200 and "/invitations/" in _text(invited)
    listed = _text(admin.get("/admin/users?sort=-role"))
    assert "hr@employer.example" in listed and employer["name"] in listed
    # The employer is ignored for the other roles (a staff user belongs to no employer).
    staff = admin.post_form("/admin/users", {"email": "staff@example.org", "role": "manager",
                                             "employer_id": employer["id"]})
    assert staff.status_code == 200
