"""OWASP ASVS 5.0 level 2 for accounts: authentication (V6), sessions (V7), and access changes (V8).

docs/security/asvs-accounts.md is the checklist: each requirement names the test that holds it,
here or elsewhere (tests/test_accounts.py, tests/countries/test_team.py, tests/countries/test_invitations.py,
tests/security/test_security_headers.py), or says why it needs none. This file holds only what was missing.
"""

import json
import os
import re
import subprocess
import sys
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from countries import services
from countries.models import MODERATORS_GROUP, Country, Invitation, Membership, User
from practices.models import Practice
from smeplatform.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from tests.conftest import PASSWORD, TOTP_SECRET, make_member, make_user

TOO_MANY_ATTEMPTS = "Too many failed login attempts"
NOT_CORRECT = "The email address and/or password you specified are not correct."
NEW_PASSWORD = "an-unremarkable-walk-along-the-river"
KENYA_WORKSPACE = "/en/workspace/KE/"


def sign_in(client, email, password=PASSWORD, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def is_sent_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def totp_code(at):
    return format_hotp_value(hotp_value(TOTP_SECRET, int(at) // 30))


def freeze_totp_clock(monkeypatch):
    """Hold the authenticator check's clock inside one 30-second window; return that time."""
    now = (int(time.time()) // 30) * 30 + 5
    monkeypatch.setattr("allauth.mfa.totp.internal.auth.time.time", lambda: now)
    return now


# --- V6.3.1 / V6.1.1: failed sign-ins are limited per address and per client, behind the proxy too ---
#
# README: nginx passes the client's address in X-Forwarded-For; the app sees every request come from
# 127.0.0.1 and reads the client from the rightmost TRUSTED_PROXY_COUNT entries of that header.


def via_proxy(forwarded_for):
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}


def test_rotating_forwarded_for_does_not_reset_the_count_for_an_address(client, settings, contributor_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        response = sign_in(client, contributor_a.email, "wrong-password", **via_proxy(f"198.51.100.{attempt + 1}"))
        assert TOO_MANY_ATTEMPTS not in response.content.decode()
    response = sign_in(client, contributor_a.email, **via_proxy("198.51.100.99"))
    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)


def test_rotating_the_host_port_or_case_does_not_reset_the_count_for_an_address(client, contributor_a):
    # Django accepts any port on an allowed host name; the count must not depend on the Host header.
    for host in ["testserver", "testserver:8001", "TESTSERVER", "localhost", "testserver:8002"]:
        response = sign_in(client, contributor_a.email, "wrong-password", HTTP_HOST=host)
        assert TOO_MANY_ATTEMPTS not in response.content.decode(), host
    response = sign_in(client, contributor_a.email, HTTP_HOST="testserver:8003")
    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)


def test_per_client_limit_counts_the_address_the_proxy_reports_not_the_proxy(settings, contributor_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    guesser, colleague = Client(), Client()
    # Ten failures from one client, each on another address (so no per-address count is reached).
    for attempt in range(10):
        sign_in(guesser, f"guess{attempt}@example.org", "wrong-password", **via_proxy("203.0.113.7"))
    refused = sign_in(guesser, contributor_a.email, **via_proxy("203.0.113.7"))
    assert TOO_MANY_ATTEMPTS in refused.content.decode()
    assert not is_signed_in(guesser)
    # Another client behind the same proxy (same REMOTE_ADDR, 127.0.0.1) is not held back.
    assert sign_in(colleague, contributor_a.email, **via_proxy("198.51.100.8")).status_code == 302
    assert is_signed_in(colleague)


@pytest.mark.parametrize(
    "proxy_count, remote_addr, forwarded_for",
    [
        # The client adds its own X-Forwarded-For; nginx appends the real address after it.
        (1, "127.0.0.1", "10.9.8.{n}, 203.0.113.7"),
        # Two trusted hops (a load balancer, then nginx): the client is the second entry from the right.
        (2, "127.0.0.1", "10.9.8.{n}, 203.0.113.7, 192.0.2.10"),
        # No proxy (TRUSTED_PROXY_COUNT=0, the default): the header is ignored altogether.
        (0, "203.0.113.7", "10.9.8.{n}"),
    ],
)
def test_spoofed_forwarded_for_entries_do_not_escape_the_per_client_limit(
    client, settings, contributor_a, proxy_count, remote_addr, forwarded_for
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxy_count
    for attempt in range(10):
        headers = {"REMOTE_ADDR": remote_addr, "HTTP_X_FORWARDED_FOR": forwarded_for.format(n=attempt)}
        sign_in(client, f"guess{attempt}@example.org", "wrong-password", **headers)
    headers = {"REMOTE_ADDR": remote_addr, "HTTP_X_FORWARDED_FOR": forwarded_for.format(n=99)}
    response = sign_in(client, contributor_a.email, **headers)
    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)


def test_guessing_two_factor_codes_is_limited(client, monkeypatch, moderator):
    now = freeze_totp_clock(monkeypatch)
    wrong = "000000" if totp_code(now) != "000000" else "111111"
    sign_in(client, moderator.email)
    for _attempt in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)


# --- V6.3.8: sign-in, password reset and invitation pages do not tell who has an account ---


def comparable(response, *typed):
    """The page without what legitimately differs between two attempts: the CSRF token and what was typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    for text in typed:
        html = html.replace(text, "<typed>")
    return html


def test_failed_sign_in_looks_the_same_for_unknown_wrong_password_inactive_and_unverified(client, country_a, focal_a):
    inactive = make_member(country_a, "inactive@example.org", Membership.Role.CONTRIBUTOR)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    unverified = make_member(country_a, "unverified@example.org", Membership.Role.CONTRIBUTOR)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    logins = ["nobody@example.org", focal_a.email, inactive.email, unverified.email]
    responses = [sign_in(client, login, "wrong-password") for login in logins]
    assert {response.status_code for response in responses} == {200}
    assert NOT_CORRECT in responses[0].content.decode()
    assert len({comparable(response, login) for response, login in zip(responses, logins)}) == 1
    assert not is_signed_in(client)
    assert mail.outbox == []
    # With the right password (so only to its holder), an inactive account says so, and opens no session.
    assert sign_in(client, inactive.email)["Location"] == reverse("account_inactive")
    assert not is_signed_in(client)


def test_unknown_address_costs_the_same_password_hashing_as_a_known_one(client, monkeypatch, contributor_a):
    """No timing difference to measure: the unknown address goes through as many password hashes."""
    calls = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *args, **kwargs: calls.append(1) or encode(self, *args, **kwargs))

    def hashes_for(login):
        calls.clear()
        sign_in(client, login, "wrong-password")
        return len(calls)

    known, unknown = hashes_for(contributor_a.email), hashes_for("nobody@example.org")
    assert known >= 1
    assert unknown == known


def test_password_reset_answers_alike_for_known_unknown_and_inactive_addresses(client, contributor_a):
    inactive = make_user("inactive@example.org", is_active=False)
    pages = []
    for email in [contributor_a.email, "nobody@example.org", inactive.email]:
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        pages.append((response.redirect_chain, comparable(response, email)))
    assert pages[0] == pages[1] == pages[2]
    # Only the real, active account gets a link; the others get a neutral note sent to that address only.
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "/password/reset/key/" in by_address[contributor_a.email].body
    for email in ["nobody@example.org", inactive.email]:
        assert "/password/reset/key/" not in by_address[email].body
    assert by_address["nobody@example.org"].subject == by_address[inactive.email].subject


def test_invitation_links_tell_nothing_about_accounts_to_someone_without_a_valid_link(client, focal_a, country_a):
    existing = make_user("returning@example.org", full_name="Rita Returning")
    invitation = services.invite_delegate(country=country_a, email=existing.email, role="contributor", by=focal_a)
    services.revoke_invitation(invitation, by=focal_a)
    tokens = ["abc", "x" * 32]
    unknown = [client.get(reverse("countries:invitation_accept", kwargs={"token": token})) for token in tokens]
    assert {response.status_code for response in unknown} == {404}
    assert comparable(unknown[0], tokens[0]) == comparable(unknown[1], tokens[1])
    # A spent link (here revoked) says why it cannot be used, never to whom it was sent.
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token("spent-token"))
    spent = client.get(reverse("countries:invitation_accept", kwargs={"token": "spent-token"}))
    assert spent.status_code == 410
    assert existing.email not in spent.content.decode() and existing.full_name not in spent.content.decode()


# --- V6.2: password policy ---


@pytest.mark.parametrize(
    "candidate, message",
    [
        ("elevenchars", "too short"),
        ("password1234", "too common"),
        ("846204731956", "entirely numeric"),
        ("collinscontributor", "too similar"),
        ("SME-Platform-2026!", "names of the platform"),
        ("ITC intracen trade", "names of the platform"),
    ],
)
def test_weak_new_password_is_refused(client, contributor_a, candidate, message):
    client.force_login(contributor_a)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": candidate, "password2": candidate},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password1"])
    contributor_a.refresh_from_db()
    assert contributor_a.check_password(PASSWORD)


def test_long_password_of_any_composition_is_kept_and_checked_exactly(client, contributor_a):
    long_password = "Ünïcode pass phrase with spaces, 🌍 and punctuation; " * 2  # 108 characters
    assert len(long_password) > 64
    client.force_login(contributor_a)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": long_password, "password2": long_password},
    )
    assert response.status_code == 302
    fresh = Client()
    # Not cut (bcrypt would keep 72 bytes), not case-folded, not stripped of spaces.
    for altered in [long_password[:72], long_password.upper(), long_password.strip(), long_password + " "]:
        sign_in(fresh, contributor_a.email, altered)
        assert not is_signed_in(fresh)
    assert sign_in(fresh, contributor_a.email, long_password).status_code == 302
    assert is_signed_in(fresh)


def test_password_fields_are_masked_and_let_password_managers_fill_them(client, focal_a, country_a):
    html = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<input type="password" name="password"[^>]*autocomplete="current-password"', html)
    invitation = services.invite_delegate(country=country_a, email="new@example.org", role="contributor", by=focal_a)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token("fresh-token"))
    html = client.get(reverse("countries:invitation_accept", kwargs={"token": "fresh-token"})).content.decode()
    assert len(re.findall(r'<input type="password"[^>]*autocomplete="new-password"', html)) == 2
    assert "onpaste" not in html


# --- V6.2.3, V7.4.3: changing or resetting the password ---


def test_password_change_requires_the_current_password(client, contributor_a):
    client.force_login(contributor_a)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    contributor_a.refresh_from_db()
    assert contributor_a.check_password(PASSWORD)


def test_password_change_ends_every_session_of_the_user(client, contributor_a):
    other_browser = Client()
    sign_in(client, contributor_a.email)
    sign_in(other_browser, contributor_a.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_sent_to_sign_in(client.get(KENYA_WORKSPACE))
    assert is_sent_to_sign_in(other_browser.get(KENYA_WORKSPACE))


def reset_password(client, email, new_password):
    """Ask for a reset link, open it from the e-mail, set `new_password`; return the final response."""
    client.post(reverse("account_reset_password"), {"email": email})
    link = re.search(r"https?://[^/\s]+(/\S+/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}), link


def test_password_reset_ends_every_session_signs_no_one_in_and_works_once(client, contributor_a):
    signed_in_browser = Client()
    sign_in(signed_in_browser, contributor_a.email)
    response, link = reset_password(client, contributor_a.email, NEW_PASSWORD)
    assert response.status_code == 302
    contributor_a.refresh_from_db()
    assert contributor_a.check_password(NEW_PASSWORD)
    assert not is_signed_in(client)
    assert is_sent_to_sign_in(signed_in_browser.get(KENYA_WORKSPACE))
    # The same link does not work twice.
    again = Client().get(link, follow=True).content.decode()
    assert "possibly because it has already been used" in again and "password1" not in again


def test_password_reset_does_not_skip_two_factor(client, moderator):
    reset_password(client, moderator.email, NEW_PASSWORD)
    response = sign_in(client, moderator.email, NEW_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)


# --- V7.5.1: changing what authenticates you asks for the password again ---


def test_changing_the_email_address_asks_for_the_password_again(client, contributor_a):
    sign_in(client, contributor_a.email)
    response = client.post(reverse("account_email"), {"email": "new.address@example.org", "action_add": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new.address@example.org").exists()
    # Having typed the password again, the change goes ahead and still waits for verification.
    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("account_email"), {"email": "new.address@example.org", "action_add": ""})
    added = EmailAddress.objects.get(email="new.address@example.org")
    assert (added.user, added.verified) == (contributor_a, False)
    contributor_a.refresh_from_db()
    assert contributor_a.email == "contributor.a@example.org"
    assert "new.address@example.org" in mail.outbox[-1].to


def test_turning_off_two_factor_asks_for_reauthentication(client, focal_a):
    TOTP.activate(focal_a, TOTP_SECRET)
    client.force_login(focal_a)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=focal_a, type=Authenticator.Type.TOTP).exists()


# --- V6.5.1: a two-factor code works once ---


def test_a_two_factor_code_works_only_once(client, monkeypatch, moderator):
    now = freeze_totp_clock(monkeypatch)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert is_signed_in(client)
    client.post(reverse("account_logout"))
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert not is_signed_in(client)


def test_a_two_factor_code_from_the_previous_window_is_refused(client, monkeypatch, moderator):
    now = freeze_totp_clock(monkeypatch)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now - 30)})
    assert not is_signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert is_signed_in(client)


# --- V7.2.4, V7.4.1, V7.4.4: a new session at every sign-in; sign-out everywhere, and final ---


def test_sign_in_through_two_factor_renews_the_session(client, monkeypatch, moderator):
    now = freeze_totp_clock(monkeypatch)
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert is_signed_in(client)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_typing_the_password_again_renews_the_session(client, contributor_a):
    sign_in(client, contributor_a.email)
    before = client.session.session_key
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert is_signed_in(client)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_accepting_an_invitation_renews_the_session(client, focal_a, country_a):
    invitation = services.invite_delegate(country=country_a, email="invitee@example.org", role="contributor", by=focal_a)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token("fresh-token"))
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    data = {"full_name": "Ivy Invitee", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("countries:invitation_accept", kwargs={"token": "fresh-token"}), data).status_code == 302
    assert is_signed_in(client)
    assert client.session.session_key != before


def test_signed_out_session_cookie_cannot_be_replayed(client, contributor_a):
    sign_in(client, contributor_a.email)
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    assert is_sent_to_sign_in(replay.get(KENYA_WORKSPACE))
    assert replay.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {"title": "Replayed"}).status_code == 302
    assert not Practice.objects.exists()


def test_every_signed_in_page_offers_sign_out(client, moderator, focal_a):
    sign_out = f'<form method="post" action="{reverse("account_logout")}"'
    client.force_login(focal_a)
    for name in ["countries:workspace", "countries:team", "practices:workspace_list"]:
        assert sign_out in client.get(reverse(name, kwargs={"iso2": "KE"})).content.decode(), name
    for name in ["account_change_password", "account_email", "mfa_index"]:
        assert sign_out in client.get(reverse(name)).content.decode(), name
    client.force_login(moderator)
    for name in ["countries:staff_dashboard", "practices:review_queue"]:
        assert sign_out in client.get(reverse(name)).content.decode(), name


def test_session_cookie_ends_with_the_browser_and_hides_from_scripts(client, contributor_a):
    response = sign_in(client, contributor_a.email)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert re.fullmatch(r"[a-z0-9]{32}", cookie.value)  # Django's random key: about 165 bits
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/" and not cookie["domain"]


def test_production_cookies_are_host_only_and_secure_and_proxy_count_is_read():
    """The settings as production imports them (DEBUG off, behind one proxy), in a fresh interpreter."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "smeplatform.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "sme.example.org",
        "TRUSTED_PROXY_COUNT": "1",
    }
    names = [
        "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE", "ALLAUTH_TRUSTED_PROXY_COUNT", "SESSION_COOKIE_AGE",
    ]
    script = f"import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = subprocess.run([sys.executable, "-c", script], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout)
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"] and production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert production["SESSION_COOKIE_AGE"] == 12 * 60 * 60


# --- V7.3.1, V7.3.2: idle timeout and absolute session lifetime ---


def age_session(client, **seconds_ago):
    session = client.session
    for key, seconds in seconds_ago.items():
        session[key] = session[key] - seconds
    session.save()


def test_idle_session_is_signed_out(client, settings, contributor_a):
    sign_in(client, contributor_a.email)
    assert client.get(KENYA_WORKSPACE).status_code == 200
    age_session(client, **{LAST_SEEN_AT: settings.SME_SESSION_IDLE_TIMEOUT + 1})
    response = client.get(KENYA_WORKSPACE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "Your session has ended. Please sign in again." in response.content.decode()
    assert not is_signed_in(client)


def test_activity_keeps_a_session_alive_until_its_absolute_end(client, settings, contributor_a):
    sign_in(client, contributor_a.email)
    idle = settings.SME_SESSION_IDLE_TIMEOUT
    # Active now and then for eleven hours: still signed in; the last request is remembered.
    age_session(client, **{SIGNED_IN_AT: 11 * 3600, LAST_SEEN_AT: idle - 60})
    assert client.get(KENYA_WORKSPACE).status_code == 200
    assert time.time() - client.session[LAST_SEEN_AT] < 60
    # Twelve hours after signing in, the session ends however active it is.
    age_session(client, **{SIGNED_IN_AT: settings.SESSION_COOKIE_AGE - 11 * 3600 + 1})
    assert is_sent_to_sign_in(client.get(KENYA_WORKSPACE))
    assert not is_signed_in(client)


def test_timed_out_session_changes_nothing(client, contributor_a):
    client.force_login(contributor_a)
    age_session(client, **{SIGNED_IN_AT: django_settings.SESSION_COOKIE_AGE + 1})
    response = client.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {"title": "Late"})
    assert is_sent_to_sign_in(response)
    assert not Practice.objects.exists()


# --- V7.4.2, V8.3.2: deactivation, removal and downgrades take effect on the next request ---


def form_values(form):
    """What a browser posts back for an unchanged Django form."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def test_user_deactivated_in_the_admin_is_shut_out_of_an_open_session(client, contributor_a):
    delegate = Client()
    sign_in(delegate, contributor_a.email)
    assert delegate.get(KENYA_WORKSPACE).status_code == 200
    admin = make_user("admin@itc.example", is_staff=True, is_superuser=True)
    TOTP.activate(admin, TOTP_SECRET)
    client.force_login(admin)
    change_url = reverse("admin:countries_user_change", args=[contributor_a.pk])
    page = client.get(change_url)
    data = form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    data.pop("is_active")
    assert client.post(change_url, data).status_code == 302
    contributor_a.refresh_from_db()
    assert not contributor_a.is_active
    # The delegate's open session: no page, no change.
    assert is_sent_to_sign_in(delegate.get(KENYA_WORKSPACE))
    assert is_sent_to_sign_in(delegate.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {"title": "After"}))
    assert not Practice.objects.exists()


def test_removed_member_can_change_nothing_in_an_open_session(client, focal_a, contributor_a):
    sign_in(client, contributor_a.email)
    assert client.get(KENYA_WORKSPACE).status_code == 200
    services.remove_member(contributor_a.membership, by=focal_a)
    assert client.get(KENYA_WORKSPACE).status_code == 404
    response = client.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {"title": "After removal"})
    assert response.status_code == 404
    assert not Practice.objects.exists()


def test_focal_point_downgraded_to_contributor_loses_management_at_once(client, focal_a, contributor_a, moderator, country_a):
    sign_in(client, focal_a.email)
    profile = reverse("countries:profile_edit", kwargs={"iso2": "KE"})
    assert client.get(profile).status_code == 200
    services.change_role(focal_a.membership, role=Membership.Role.CONTRIBUTOR, by=moderator)
    for name in ["countries:profile_edit", "countries:invite_member", "countries:history"]:
        assert client.get(reverse(name, kwargs={"iso2": "KE"})).status_code == 403, name
    invite = client.post(reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": "x@example.org", "role": "focal_point"})
    assert invite.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()
    remove = client.post(reverse("countries:remove_member", kwargs={"iso2": "KE", "member_id": contributor_a.membership.pk}))
    assert remove.status_code == 403
    assert Membership.objects.filter(user=contributor_a).exists()
    assert client.post(profile, {"responsible_institution": "Changed"}).status_code == 403
    assert Country.objects.get(pk=country_a.pk).responsible_institution != "Changed"


def test_moderator_removed_from_the_group_loses_staff_access_at_once(client, moderator):
    client.force_login(moderator)
    dashboard = reverse("countries:staff_dashboard")
    assert client.get(dashboard).status_code == 200
    moderator.groups.remove(Group.objects.get(name=MODERATORS_GROUP))
    assert client.get(dashboard).status_code == 403
    assert client.get(reverse("practices:review_queue")).status_code == 403
    assert client.get(KENYA_WORKSPACE).status_code == 404
    invite = client.post(reverse("countries:staff_invite"), {"country": "SN", "email": "x@example.org", "role": "focal_point"})
    assert invite.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()
    settings_page = reverse("practices:notification_settings")
    assert client.post(settings_page, {"review_emails": "daily"}).status_code == 403
    assert User.objects.get(pk=moderator.pk).review_emails == moderator.review_emails
    # Still "staff status", but the admin holds nothing for them any more.
    assert client.get(reverse("admin:countries_user_changelist")).status_code == 403


# --- V6.3.2: no default accounts ---


def test_demo_accounts_cannot_be_created_with_debug_off(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not User.objects.exists()

