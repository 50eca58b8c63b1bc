"""State changes of country teams and profiles.

Each function is keyword-only after its subject, runs in one transaction, checks the
state it starts from, and writes an AuditEvent beside the change. Views never change
memberships or invitations themselves. A broken rule raises ValidationError with a
message for the person acting; nothing is changed then.
"""

import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .access import is_moderator, may_moderate, may_speak_for_country, require
from .models import AuditEvent, Country, Invitation, Membership, ReviewEmails, User


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token):
    """The invitation a link's token opens, or None. Compares hashes, never raw tokens."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("country", "invited_by").filter(token_hash=hash_token(token)).first()


def record(action, *, by, country=None, subject="", **details):
    return AuditEvent.objects.create(
        action=action, actor=by, country=country, subject=subject, details=details
    )


def _reason_address_cannot_be_invited(email, membership):
    """Why nobody may invite `email` to any team, or None. `membership` is the address's own, if any."""
    if membership is not None:
        return _("This address already belongs to the team of %(country)s.") % {"country": membership.country.name}
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return None
    if not user.is_active:
        # Accepting needs a sign-in a closed account cannot make; ITC reopens it first.
        return _("This account has been deactivated. Reactivate it in the administration first.")
    if is_moderator(user):
        return _("This address belongs to ITC staff, who cannot join a country team.")
    return None


def _new_token():
    # 192 random bits: unguessable, and a link short enough to copy from a plain-text e-mail.
    return secrets.token_urlsafe(24)


def invite_delegate(*, country, email, role, by, request=None):
    """Invite `email` to join `country`'s team with `role`. Returns the invitation.

    The e-mail with the link is sent once the transaction commits.
    """
    email = User.objects.normalize_email(email).strip().lower()
    require(may_speak_for_country(by, country.pk))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    with transaction.atomic():
        existing = Membership.objects.select_related("country").filter(user__email__iexact=email).first()
        if existing is not None and existing.country_id == country.id:
            # The inviter's own team, listed on their team page: telling them reveals nothing.
            raise ValidationError({"email": _("This person is already a member of the team.")})
        reason = _reason_address_cannot_be_invited(email, existing)
        if reason is not None:
            # A focal point gets one neutral answer, so the form cannot be used to learn which
            # addresses are ITC staff, another country's delegates or closed accounts. ITC
            # moderators see every team and account anyway; the precise reason saves them a search.
            if not is_moderator(by):
                reason = _("This address cannot be invited. If you think it should be, contact ITC.")
            raise ValidationError({"email": reason})
        open_invitation = (
            Invitation.objects.select_for_update()
            .filter(country=country, email__iexact=email, status=Invitation.Status.PENDING)
            .first()
        )
        if open_invitation is not None:
            if not open_invitation.is_expired:
                raise ValidationError(
                    {"email": _("This address has already been invited. Send the invitation again from the list below, or revoke it first.")}
                )
            # A stale invitation gives way to the new one.
            open_invitation.status = Invitation.Status.REVOKED
            open_invitation.revoked_at = timezone.now()
            open_invitation.save(update_fields=["status", "revoked_at"])
        token = _new_token()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    country=country,
                    email=email,
                    role=role,
                    token_hash=hash_token(token),
                    invited_by=by,
                    expires_at=timezone.now() + settings.SME_INVITATION_MAX_AGE,
                )
        except IntegrityError:
            # Someone else invited the same address a moment ago.
            raise ValidationError({"email": _("This address has already been invited.")}) from None
        record(
            AuditEvent.Action.INVITATION_SENT, by=by, country=country, subject=email, role=role
        )
        _send_invitation_on_commit(invitation, token, request)
    return invitation


def resend_invitation(invitation, *, by, request=None):
    """Send a fresh link for a pending or expired invitation; the old link stops working."""
    require(may_speak_for_country(by, invitation.country_id))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ValidationError(_("Only an invitation that has not been accepted or revoked can be sent again."))
        token = _new_token()
        invitation.token_hash = hash_token(token)
        invitation.expires_at = timezone.now() + settings.SME_INVITATION_MAX_AGE
        invitation.save(update_fields=["token_hash", "expires_at"])
        record(
            AuditEvent.Action.INVITATION_RESENT,
            by=by,
            country=invitation.country,
            subject=invitation.email,
        )
        _send_invitation_on_commit(invitation, token, request)
    return invitation


def revoke_invitation(invitation, *, by):
    require(may_speak_for_country(by, invitation.country_id))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ValidationError(_("This invitation has already been accepted or revoked."))
        invitation.status = Invitation.Status.REVOKED
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["status", "revoked_at"])
        record(
            AuditEvent.Action.INVITATION_REVOKED,
            by=by,
            country=invitation.country,
            subject=invitation.email,
        )
    return invitation


def _send_invitation_on_commit(invitation, token, request):
    path = reverse("countries:invitation_accept", kwargs={"token": token})
    if request is not None:
        link = request.build_absolute_uri(path)
    else:
        link = f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{settings.ALLOWED_HOSTS[0]}{path}"
    context = {
        "invitation": invitation,
        "country_name": invitation.country.name,
        "role": invitation.get_role_display(),
        "inviter": invitation.invited_by,
        "link": link,
        "expires_at": invitation.expires_at,
    }
    language = translation.get_language()

    def send():
        with translation.override(language):
            subject = _("Invitation to join %(country)s on the SME Policy Platform") % {
                "country": invitation.country.name
            }
            body = render_to_string("countries/email/invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])

    transaction.on_commit(send)


def accept_invitation(invitation, *, user=None, full_name="", password=None):
    """Accept an invitation: attach `user`, or create the account from full_name and password.

    Returns the member's user. The link proves the address, so a new account's e-mail
    address is verified.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("country").get(pk=invitation.pk)
        if invitation.status == Invitation.Status.ACCEPTED:
            raise ValidationError(_("This invitation has already been used."))
        if invitation.status == Invitation.Status.REVOKED:
            raise ValidationError(_("This invitation has been revoked."))
        if invitation.is_expired:
            raise ValidationError(_("This invitation has expired. Ask the person who invited you to send it again."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(_("An account with this address exists already: sign in to accept."))
            user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        else:
            if user.email.lower() != invitation.email.lower():
                raise ValidationError(_("This invitation was sent to another address."))
            if is_moderator(user):
                raise ValidationError(_("ITC staff cannot join a country team."))
            if Membership.objects.filter(user=user).exists():
                raise ValidationError(_("You already belong to a country's team. A person belongs to one country."))
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
            )
        try:
            with transaction.atomic():
                Membership.objects.create(user=user, country=invitation.country, role=invitation.role)
        except IntegrityError:
            raise ValidationError(_("You already belong to a country's team. A person belongs to one country.")) from None
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
        record(
            AuditEvent.Action.INVITATION_ACCEPTED,
            by=user,
            country=invitation.country,
            subject=user.email,
            role=invitation.role,
        )
        country = Country.objects.select_for_update().get(pk=invitation.country_id)
        if country.account_opened_at is None:
            country.account_opened_at = timezone.now()
            country.save(update_fields=["account_opened_at"])
            record(AuditEvent.Action.ACCOUNT_OPENED, by=user, country=country, subject=country.iso2)
    return user


def _lock_team(country):
    """Lock the team's rows so two focal points cannot both step down at once."""
    return list(Membership.objects.select_for_update().filter(country=country).order_by("pk"))


def _would_leave_no_focal_point(team, changed_pk):
    return not any(m.is_focal_point for m in team if m.pk != changed_pk)


def change_role(membership, *, role, by):
    require(may_speak_for_country(by, membership.country_id))
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role."))
    with transaction.atomic():
        team = _lock_team(membership.country)
        membership = next((m for m in team if m.pk == membership.pk), None)
        if membership is None:
            raise ValidationError(_("This person is no longer a member of the team."))
        if membership.role == role:
            return membership
        if (
            role != Membership.Role.FOCAL_POINT
            and not is_moderator(by)
            and _would_leave_no_focal_point(team, membership.pk)
        ):
            raise ValidationError(
                _("The team must keep at least one focal point. Make someone else focal point first.")
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            AuditEvent.Action.MEMBER_ROLE_CHANGED,
            by=by,
            country=membership.country,
            subject=membership.user.email,
            before=previous,
            after=role,
        )
    return membership


def remove_member(membership, *, by):
    require(may_speak_for_country(by, membership.country_id))
    with transaction.atomic():
        team = _lock_team(membership.country)
        membership = next((m for m in team if m.pk == membership.pk), None)
        if membership is None:
            raise ValidationError(_("This person is no longer a member of the team."))
        if (
            membership.is_focal_point
            and not is_moderator(by)
            and _would_leave_no_focal_point(team, membership.pk)
        ):
            raise ValidationError(
                _("The team must keep at least one focal point. Make someone else focal point first.")
            )
        email = membership.user.email
        membership.delete()
        record(
            AuditEvent.Action.MEMBER_REMOVED,
            by=by,
            country=membership.country,
            subject=email,
            role=membership.role,
        )


def hand_over_focal_point(country, *, to, by):
    """Make the member `to` focal point and the acting focal point a contributor, together."""
    with transaction.atomic():
        team = _lock_team(country)
        giver = next((m for m in team if m.user_id == by.pk), None)
        receiver = next((m for m in team if m.pk == to.pk), None)
        if giver is None or not giver.is_focal_point:
            raise ValidationError(_("Only a focal point can hand the role over."))
        if receiver is None:
            raise ValidationError(_("This person is no longer a member of the team."))
        if receiver.pk == giver.pk:
            raise ValidationError(_("Choose another member of the team."))
        if receiver.is_focal_point:
            raise ValidationError(_("%(name)s is already a focal point.") % {"name": receiver.user})
        receiver.role = Membership.Role.FOCAL_POINT
        receiver.save(update_fields=["role"])
        giver.role = Membership.Role.CONTRIBUTOR
        giver.save(update_fields=["role"])
        record(
            AuditEvent.Action.FOCAL_POINT_HANDED_OVER,
            by=by,
            country=country,
            subject=receiver.user.email,
            previous_focal_point=by.email,
        )
    return receiver


def update_profile(country, *, data, by):
    """Save the public profile fields in `data` (cleaned form data); record which changed."""
    require(may_speak_for_country(by, country.pk))
    with transaction.atomic():
        country = Country.objects.select_for_update().get(pk=country.pk)
        # A field not given (the language, for a caller that does not set it) is kept.
        changed = [field for field in Country.PROFILE_FIELDS if field in data and getattr(country, field) != data[field]]
        if not changed:
            return country
        for field in changed:
            setattr(country, field, data[field])
        country.profile_updated_at = timezone.now()
        country.save(update_fields=[*changed, "profile_updated_at"])
        record(AuditEvent.Action.PROFILE_UPDATED, by=by, country=country, subject=country.iso2, fields=changed)
    return country


def set_review_emails(user, *, by, choice):
    """A moderator's choice of e-mails about practices to review (their own, or staff for them)."""
    require(by.pk == user.pk or may_moderate(by))
    if choice not in ReviewEmails.values:
        raise ValidationError({"review_emails": _("Choose how you want to hear of submissions.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.review_emails == choice:
            return user
        previous, user.review_emails = user.review_emails, choice
        user.save(update_fields=["review_emails"])
        record(AuditEvent.Action.NOTIFICATIONS_CHANGED, by=by, subject=user.email, **{"from": previous, "to": choice})
    return user
