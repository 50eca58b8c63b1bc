"""Invitations: sent by staff or focal points, accepted once, revocable, expiring, audited."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from countries import services
from countries.models import AuditEvent, Country, Invitation, Membership, User
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def invite(country, email, by, role=Membership.Role.CONTRIBUTOR):
    """Invite through the service and return (invitation, token) as the e-mail would carry it."""
    invitation = services.invite_delegate(country=country, email=email, role=role, by=by)
    token = f"token-{invitation.pk}-for-{email}"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token(token))
    invitation.refresh_from_db()
    return invitation, token


def accept_url(token):
    return reverse("countries:invitation_accept", kwargs={"token": token})


# --- Sending ---


def test_moderator_invites_first_focal_point_and_email_carries_working_link(client, moderator, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("countries:staff_invite"), {"country": "SN", "email": "Awa.Diop@Example.org", "role": "focal_point"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.country.iso2, invitation.email, invitation.role) == ("SN", "awa.diop@example.org", "focal_point")
    assert invitation.invited_by == moderator
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["awa.diop@example.org"]
    assert "Senegal" in message.subject
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    # The e-mailed link opens the invitation; the database keeps only its hash.
    client.logout()
    path = link[link.index("/en/"):]
    assert client.get(path).status_code == 200
    assert path.rsplit("/", 2)[-2] not in invitation.token_hash
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT, subject="awa.diop@example.org").exists()


def test_invitation_email_is_in_the_language_of_the_inviter(client, moderator, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("countries:staff_invite").replace("/en/", "/fr/"), {"country": "SN", "email": "awa@example.org", "role": "focal_point"})
    assert "Sénégal" in mail.outbox[0].subject
    assert "/fr/invitations/" in mail.outbox[0].body


def test_focal_point_invites_colleague(client, focal_a, country_a):
    client.force_login(focal_a)
    response = client.post(
        reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": "colleague@example.org", "role": "contributor"}
    )
    assert response.status_code == 302
    assert country_a.invitations.get().email == "colleague@example.org"


def test_contributor_cannot_invite(client, contributor_a, country_a):
    client.force_login(contributor_a)
    response = client.post(
        reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": "colleague@example.org", "role": "contributor"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_other_country_cannot_invite_into_country_a(client, contributor_b, focal_b):
    client.force_login(focal_b)
    response = client.post(
        reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": "colleague@example.org", "role": "contributor"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


CANNOT_BE_INVITED = "This address cannot be invited. If you think it should be, contact ITC."


def test_inviting_member_of_another_country_is_refused_next_to_the_field(client, focal_a, contributor_b):
    client.force_login(focal_a)
    response = client.post(
        reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": contributor_b.email.upper(), "role": "contributor"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [CANNOT_BE_INVITED]
    # A focal point does not learn that the address is taken, let alone by which country.
    assert "Colombia" not in response.content.decode()
    assert not Invitation.objects.exists()


def _invite_page_without_the_address(client, email):
    """The refusal page as bytes, minus what differs on every request or is the typed address itself."""
    response = client.post(reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": email, "role": "contributor"})
    page = response.content.decode().replace(email, "ADDRESS")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)
    page = re.sub(r'nonce="[^"]*"', "nonce", page)
    return response.status_code, response.context["form"].errors.get_json_data(), page


def test_focal_point_cannot_tell_staff_other_countries_and_closed_accounts_apart(
    client, focal_a, contributor_b, moderator, django_capture_on_commit_callbacks
):
    closed = make_user("closed.account@example.org", is_active=False)
    client.force_login(focal_a)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            _invite_page_without_the_address(client, email)
            for email in (moderator.email, contributor_b.email, closed.email)
        ]
    status, errors, page = answers[0]
    assert status == 200
    assert errors == {"email": [{"message": CANNOT_BE_INVITED, "code": ""}]}
    assert answers[1] == answers[0] and answers[2] == answers[0]
    assert CANNOT_BE_INVITED in page
    # Nothing sent, nothing recorded: no trace the inviter could tell apart either.
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).exists()


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("other_country", "This address already belongs to the team of Colombia."),
        ("staff", "This address belongs to ITC staff, who cannot join a country team."),
        ("closed", "This account has been deactivated. Reactivate it in the administration first."),
    ],
)
def test_moderator_is_told_why_an_address_cannot_be_invited(client, moderator, contributor_b, who, reason):
    emails = {
        "other_country": contributor_b.email,
        "staff": make_user("colleague@itc.example", is_superuser=True).email,
        "closed": make_user("closed.account@example.org", is_active=False).email,
    }
    client.force_login(moderator)
    response = client.post(reverse("countries:staff_invite"), {"country": "KE", "email": emails[who], "role": "focal_point"})
    assert response.context["form"].errors["email"] == [reason]
    assert not Invitation.objects.exists()


def test_inviting_existing_member_or_pending_address_again_is_refused(client, focal_a, contributor_a):
    client.force_login(focal_a)
    url = reverse("countries:invite_member", kwargs={"iso2": "KE"})
    response = client.post(url, {"email": contributor_a.email, "role": "contributor"})
    assert response.context["form"].errors["email"] == ["This person is already a member of the team."]
    client.post(url, {"email": "new@example.org", "role": "contributor"})
    response = client.post(url, {"email": "NEW@example.org", "role": "focal_point"})
    assert "already been invited" in response.context["form"].errors["email"][0]
    assert Invitation.objects.count() == 1


def test_malformed_invitation_form_shows_errors_and_changes_nothing(client, focal_a):
    client.force_login(focal_a)
    response = client.post(reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": "not-an-address", "role": "boss"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "role"}
    html = response.content.decode()
    # The error summary links to each field.
    assert 'class="error-summary"' in html and 'href="#id_email"' in html
    assert 'aria-invalid="true"' in html
    assert not Invitation.objects.exists()


def test_expired_pending_invitation_gives_way_to_a_new_one(focal_a, country_a):
    old, _token = invite(country_a, "late@example.org", focal_a)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    new, _token = invite(country_a, "late@example.org", focal_a)
    old.refresh_from_db()
    assert old.status == Invitation.Status.REVOKED
    assert new.status == Invitation.Status.PENDING


# --- Accepting ---


def test_invitee_creates_account_and_joins_the_team(client, focal_a, country_a):
    _invitation, token = invite(country_a, "invitee@example.org", focal_a)
    response = client.post(
        accept_url(token),
        {"full_name": "Ivy Invitee", "job_title": "Analyst", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("countries:workspace", kwargs={"iso2": "KE"})
    user = User.objects.get(email="invitee@example.org")
    assert (user.full_name, user.job_title) == ("Ivy Invitee", "Analyst")
    assert user.membership.country == country_a and user.membership.role == "contributor"
    # The link proved the address: no verification e-mail is needed to sign in.
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("countries:workspace", kwargs={"iso2": "KE"})).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_ACCEPTED, actor=user).exists()


def test_first_acceptance_opens_the_country_account(client, moderator):
    senegal = Country.objects.get(iso2="SN")
    assert not senegal.is_participating
    _invitation, token = invite(senegal, "focal@sn.example", moderator, role=Membership.Role.FOCAL_POINT)
    client.post(accept_url(token), {"full_name": "Awa", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    senegal.refresh_from_db()
    assert senegal.is_participating
    assert Country.objects.participating().filter(iso2="SN").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_OPENED, country=senegal).count() == 1


def test_weak_or_mismatched_password_is_refused_and_nothing_changes(client, focal_a, country_a):
    invitation, token = invite(country_a, "invitee@example.org", focal_a)
    response = client.post(accept_url(token), {"full_name": "Ivy", "password1": "password", "password2": "password"})
    assert "password1" in response.context["form"].errors
    response = client.post(accept_url(token), {"full_name": "Ivy", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.context["form"].errors["password2"] == ["The two passwords differ."]
    assert not User.objects.filter(email="invitee@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_works_only_once(client, focal_a, country_a):
    _invitation, token = invite(country_a, "invitee@example.org", focal_a)
    data = {"full_name": "Ivy", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(accept_url(token), data).status_code == 302
    client.logout()
    response = client.post(accept_url(token), data)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.filter(email="invitee@example.org").count() == 1


def test_revoked_invitation_link_no_longer_works(client, focal_a, country_a):
    invitation, token = invite(country_a, "invitee@example.org", focal_a)
    client.force_login(focal_a)
    response = client.post(reverse("countries:revoke_invitation", kwargs={"iso2": "KE", "invitation_id": invitation.pk}))
    assert response.status_code == 302
    client.logout()
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_REVOKED).exists()


def test_expired_invitation_link_no_longer_works(client, focal_a, country_a):
    invitation, token = invite(country_a, "invitee@example.org", focal_a)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(accept_url(token), {"full_name": "Ivy", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="invitee@example.org").exists()


def test_unknown_token_is_not_found(client, db):
    response = client.get(accept_url("no-such-token"))
    assert response.status_code == 404
    assert "incomplete or unknown" in response.content.decode()


def test_resending_replaces_the_link(client, focal_a, country_a, django_capture_on_commit_callbacks):
    invitation, old_token = invite(country_a, "invitee@example.org", focal_a)
    client.force_login(focal_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("countries:resend_invitation", kwargs={"iso2": "KE", "invitation_id": invitation.pk}))
    client.logout()
    assert client.get(accept_url(old_token)).status_code == 404
    new_link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    assert client.get(new_link[new_link.index("/en/"):]).status_code == 200


def test_existing_account_must_sign_in_to_accept(client, focal_a, country_a):
    existing = make_user("returning@example.org", full_name="Rita Returning")
    _invitation, token = invite(country_a, existing.email, focal_a)
    response = client.get(accept_url(token))
    assert "sign in to accept" in response.content.decode().lower()
    response = client.post(accept_url(token), {"full_name": "Someone", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not Membership.objects.filter(user=existing).exists()
    # Signed in, the same person accepts with one click.
    client.force_login(existing)
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert Membership.objects.get(user=existing).country == country_a
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_signed_in_as_someone_else_cannot_accept(client, focal_a, country_a, contributor_b):
    invitation, token = invite(country_a, "invitee@example.org", focal_a)
    client.force_login(contributor_b)
    response = client.post(accept_url(token))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert contributor_b.membership.country.iso2 == "CO"


def test_member_of_another_country_cannot_join_a_second_one(focal_a, country_a, contributor_b):
    invitation = Invitation.objects.create(
        country=country_a,
        email=contributor_b.email,
        role="contributor",
        token_hash=services.hash_token("x"),
        invited_by=focal_a,
        expires_at=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(Exception, match="one country"):
        services.accept_invitation(invitation, user=contributor_b)
    assert Membership.objects.filter(user=contributor_b).count() == 1


def test_database_enforces_one_country_per_user(contributor_a, country_b):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=contributor_a, country=country_b, role="contributor")


def test_open_sign_up_is_closed(client, db):
    response = client.post(
        reverse("account_signup"), {"email": "walk.in@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "by invitation" in response.content.decode()
    assert not User.objects.filter(email="walk.in@example.org").exists()
