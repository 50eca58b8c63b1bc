"""Signing in: e-mail and password, verified addresses, two-factor for staff, rate limits."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import reverse

from countries.models import Membership
from tests.conftest import PASSWORD, TOTP_SECRET, has_totp, make_member


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def current_code():
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


def test_delegate_signs_in_with_email_and_lands_in_their_workspace(client, contributor_a):
    response = sign_in(client, "Contributor.A@example.org")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("countries:workspace", kwargs={"iso2": "KE"})


def test_sign_in_renews_the_session(client, contributor_a):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, contributor_a.email)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(contributor_a.pk)


def test_sign_out_ends_the_session(client, contributor_a):
    sign_in(client, contributor_a.email)
    client.post(reverse("account_logout"))
    response = client.get(reverse("countries:workspace", kwargs={"iso2": "KE"}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_wrong_password_gets_a_message_and_no_session(client, contributor_a):
    response = sign_in(client, contributor_a.email, "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_address_cannot_sign_in(client, country_a, focal_a):
    user = make_member(country_a, "unverified@example.org", Membership.Role.CONTRIBUTOR)
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert "confirm" in mail.outbox[-1].subject.lower()


def test_sixth_failed_sign_in_for_an_address_is_refused_even_with_the_right_password(client, contributor_a):
    for _attempt in range(5):
        assert sign_in(client, contributor_a.email, "wrong-password").status_code == 200
    response = sign_in(client, contributor_a.email)
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_sign_in_asks_for_the_authenticator_code(client, moderator):
    response = sign_in(client, moderator.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000" if current_code() != "000000" else "111111"})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)
    assert client.get(reverse("countries:workspace_home"))["Location"] == reverse("countries:staff_dashboard")


def test_staff_without_two_factor_must_enrol_before_anything_else(client, moderator_without_two_factor):
    client.force_login(moderator_without_two_factor)
    for name in ["countries:staff_dashboard", "countries:staff_invite", "home"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp"), name
    admin = client.get("/admin/")
    assert admin["Location"] == reverse("mfa_activate_totp")
    # The enrolment pages themselves stay open.
    assert client.get(reverse("mfa_index")).status_code == 200


def test_staff_two_factor_requirement_is_a_setting(client, settings, moderator_without_two_factor):
    settings.SME_REQUIRE_STAFF_TWO_FACTOR = False
    client.force_login(moderator_without_two_factor)
    assert client.get(reverse("countries:staff_dashboard")).status_code == 200


def test_delegates_may_use_the_platform_without_two_factor(client, contributor_a):
    assert not has_totp(contributor_a)
    client.force_login(contributor_a)
    assert client.get(reverse("countries:workspace", kwargs={"iso2": "KE"})).status_code == 200
    page = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in page


def test_admin_sign_in_goes_through_the_platform_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_does_not_reveal_whether_an_account_exists(client, contributor_a):
    known = client.post(reverse("account_reset_password"), {"email": contributor_a.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2  # one reset link, one "no account here" note to the unknown address
    assert any(contributor_a.email in m.to for m in mail.outbox)


@pytest.mark.parametrize("language, word", [("fr", "Connexion"), ("es", "Iniciar sesión")])
def test_sign_in_page_speaks_french_and_spanish(client, db, language, word):
    response = client.get(f"/{language}/accounts/login/")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert word in html


def test_workspace_tells_whether_two_factor_is_on(client, focal_a):
    from allauth.mfa.totp.internal.auth import TOTP

    client.force_login(focal_a)
    workspace = reverse("countries:workspace", kwargs={"iso2": "KE"})
    assert "Two-factor authentication is on" not in client.get(workspace).content.decode()
    TOTP.activate(focal_a, TOTP_SECRET)
    assert "Two-factor authentication is on" in client.get(workspace).content.decode()


def test_sign_in_form_speaks_like_the_platform(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login">E-mail address:</label>' in html


def test_two_factor_code_field_brings_up_a_number_pad(client, moderator):
    sign_in(client, moderator.email)
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
