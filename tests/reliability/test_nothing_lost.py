"""Nothing lost: every change is recorded once, a change that fails half-way leaves nothing behind,
and nothing a delegate wrote is deleted.

1. Every public function of the three services modules either changes state, and is then called
   here once in a valid situation and must write exactly one audit row of the right kind (what,
   who, about what), or is listed in NOT_STATE_CHANGES with the reason. A new service function
   fails test_every_service_function_is_covered until it is added to one or the other.
2. The same changes again, with their last step made to fail (the audit row or the step after it
   is written, then an error is raised): the database must be exactly as before and no e-mail
   may be sent, since e-mails are queued only when the transaction commits.
3. The delegate's "remove" actions keep what they remove; the admin deletes none of it; and every
   `.delete(` in the code is one we reviewed.
"""

import ast
import hashlib
import inspect
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from countries import services as country_services
from countries.models import AuditEvent, Country, Invitation, Membership, User
from meetings import services as meeting_services
from meetings.models import (
    CallToAction,
    Confirmation,
    Deliverable,
    Endorsement,
    Mandate,
    Meeting,
    Participation,
    Presentation,
    RecordEvent,
    UptakeStory,
)
from practices import imports, machine
from practices import services as practice_services
from practices.models import Attachment, Practice, PracticeRevision, ReviewEvent

from tests.conftest import PASSWORD, TOTP_SECRET, make_user

ROOT = Path(__file__).resolve().parents[2]
SERVICE_MODULES = (country_services, practice_services, meeting_services)
AUDIT_MODELS = (AuditEvent, ReviewEvent, RecordEvent)
PDF = b"%PDF-1.4\n%%EOF\n"
INVITEE = "new.colleague@example.org"
COMPLETE = {
    "title": "One-stop shop for business registration",
    "summary": "Register a company online in one day.",
    "description": "A single **online** window replaced seven offices.",
    "level": "national",
    "themes": ["business-environment"],
}
FRENCH = {
    "title": "Guichet unique pour l'immatriculation des entreprises",
    "summary": "Immatriculer une société en ligne en un jour.",
    "description": "Un seul guichet **en ligne** a remplacé sept bureaux.",
}
ReviewAction, RecordAction, AuditAction = ReviewEvent.Action, RecordEvent.Action, AuditEvent.Action

# Public functions of the services modules that change nothing, or are not changes of their own.
NOT_STATE_CHANGES = {
    "countries.services.hash_token": "pure: the SHA-256 of an invitation link's token",
    "countries.services.find_invitation": "reads the invitation a link opens",
    "countries.services.record": "the audit helper itself: writes the AuditEvent of the functions covered here",
    "practices.services.empty_content": "pure: the content of a blank version",
    "practices.services.normalise_content": "pure: a version's content with every key, relations sorted",
    "practices.services.missing_for_review": "pure: the fields a version still needs",
    "practices.services.latest_save": "reads the save an edit form starts from",
    "practices.services.start_import": (
        "stages an uploaded spreadsheet's checked rows for staff to confirm: the ImportBatch row is its own "
        "record (uploaded_by, uploaded_at, file checksum) and nothing of the platform's record changes until "
        "import_batch, which is covered (test_staging_an_import_changes_no_record checks this)"
    ),
    "meetings.services.record": "the audit helper itself: writes the RecordEvent of the functions covered here",
    "meetings.services.missing_for_story_review": "reads what a story still needs before review",
}


# --- The situations the changes start from ---


class Scene:
    """The cast, and builders of what each change starts from (each through the services, as in life)."""

    def __init__(self, *, country_a, country_b, contributor_a, focal_a, focal_b, moderator):
        self.country_a, self.country_b = country_a, country_b
        self.contributor_a, self.focal_a, self.focal_b, self.moderator = contributor_a, focal_a, focal_b, moderator

    @staticmethod
    def upload(name="report.pdf"):
        return SimpleUploadedFile(name, PDF)

    # Practices

    def draft(self):
        _practice, revision = practice_services.create_practice(self.country_a, by=self.contributor_a, content=COMPLETE)
        return revision

    def submitted(self):
        return practice_services.submit_revision(self.draft(), by=self.contributor_a)

    def changes_requested(self):
        return practice_services.request_changes(self.submitted(), by=self.moderator, comment="Add the results.")

    def published(self):
        revision = practice_services.publish_revision(self.submitted(), by=self.moderator)
        return Practice.objects.get(pk=revision.practice_id)

    def archived(self):
        return practice_services.archive_practice(self.published(), by=self.focal_a)

    def discarded(self):
        return practice_services.discard_revision(self.draft(), by=self.contributor_a)

    def proposed_to_b(self):
        """Country A's draft, proposed to country B (its focal point has not answered)."""
        return practice_services.propose_co_owner(self.draft().practice, by=self.focal_a, country=self.country_b)

    def shared_with_b(self):
        return practice_services.accept_co_owner_proposal(self.proposed_to_b(), by=self.focal_b)

    def draft_with_attachment(self):
        revision = self.draft()
        attachment = practice_services.add_attachment(revision, by=self.contributor_a, upload=self.upload(), title="Report")
        return revision, attachment

    # Translations: country B's focal point volunteers a French translation of country A's practice

    def translation(self):
        return practice_services.start_translation(self.published(), by=self.focal_b, language="fr")

    def translation_written(self):
        return practice_services.save_translation(self.translation(), by=self.focal_b, text=FRENCH)

    def translation_submitted(self):
        return practice_services.submit_translation(self.translation_written(), by=self.focal_b)

    # Country teams

    def invitation(self):
        return country_services.invite_delegate(country=self.country_a, email=INVITEE, role="contributor", by=self.focal_a)

    # Meetings and the Call to Action

    def meeting(self, *, published=True):
        starts = timezone.now() + timedelta(days=30)
        meeting = meeting_services.create_meeting(
            by=self.moderator,
            data={"title": "Technical meeting", "kind": "technical", "format": "virtual", "starts_at": starts, "ends_at": starts + timedelta(hours=4)},
        )
        return meeting_services.publish_meeting(meeting, by=self.moderator) if published else meeting

    def agenda_item(self, meeting=None, title="Opening"):
        return meeting_services.add_agenda_item(meeting or self.meeting(), by=self.moderator, title=title)

    def document(self):
        return meeting_services.add_document(self.meeting(), by=self.moderator, upload=self.upload("agenda.pdf"), title="Agenda")

    def participation(self):
        return meeting_services.declare_participation(self.meeting(), by=self.focal_a, country=self.country_a, delegates=2)

    def presentation(self):
        return meeting_services.declare_presentation(self.meeting(), by=self.focal_a, country=self.country_a, title="Our one-stop shop")

    def call(self):
        call, _created = CallToAction.objects.get_or_create(
            slug="call-to-action", defaults={"title": "Call to Action", "text": "The text.", "adopted_on": date(2024, 6, 27)}
        )
        return call

    def deliverable(self):
        mandate = Mandate.objects.create(call=self.call(), kind=Mandate.Kind.EXPERTISE, title="Expertise")
        return Deliverable.objects.create(mandate=mandate, title="NDC guideline")

    def endorsement(self):
        return meeting_services.declare_endorsement(self.call(), country=self.country_a, by=self.focal_a)

    def story_content(self, deliverable=None):
        return {"title": "We used the NDC guideline", "story": "How we used it.", "used_deliverable": deliverable or self.deliverable()}

    def story(self):
        return meeting_services.create_uptake_story(self.country_a, by=self.contributor_a, content=self.story_content())

    def story_submitted(self):
        return meeting_services.submit_uptake_story(self.story(), by=self.contributor_a)

    def story_changes_requested(self):
        return meeting_services.request_story_changes(self.story_submitted(), by=self.moderator, comment="Say when.")


@pytest.fixture
def scene(country_a, country_b, contributor_a, focal_a, focal_b, moderator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Scene(
        country_a=country_a, country_b=country_b, contributor_a=contributor_a, focal_a=focal_a, focal_b=focal_b, moderator=moderator
    )


# --- The changes: what each is called with, and the audit row it must write ---


@dataclass
class Change:
    call: Callable  # makes the change
    model: type  # the audit model of the row it writes
    expected: dict  # that row's fields; a callable value is read after the change
    mails: bool = False  # it sends e-mail once committed
    # The step made to fail in test_failure_at_the_last_step_leaves_nothing_behind: (module, name) of a function
    # the service calls last; it runs, then raises. Default: the module's audit helper.
    last_step: tuple = None


def audit(action, *, by, country, subject):
    return {"action": action, "actor": by, "country": country, "subject": subject}


CHANGES = {}


def change(function, variant=""):
    """Register the situation for calling `function` (a service function) once."""
    key = f"{function.__module__}.{function.__name__}" + (f"[{variant}]" if variant else "")

    def register(prepare):
        assert key not in CHANGES, key
        CHANGES[key] = (function, prepare)
        return prepare

    return register


cs, ps, ms = country_services, practice_services, meeting_services

# Country teams


@change(cs.invite_delegate)
def _(s):
    return Change(
        lambda: cs.invite_delegate(country=s.country_a, email=INVITEE, role="contributor", by=s.focal_a),
        AuditEvent, audit(AuditAction.INVITATION_SENT, by=s.focal_a, country=s.country_a, subject=INVITEE),
        mails=True, last_step=(cs, "_send_invitation_on_commit"),
    )


@change(cs.resend_invitation)
def _(s):
    invitation = s.invitation()
    return Change(
        lambda: cs.resend_invitation(invitation, by=s.focal_a),
        AuditEvent, audit(AuditAction.INVITATION_RESENT, by=s.focal_a, country=s.country_a, subject=INVITEE),
        mails=True, last_step=(cs, "_send_invitation_on_commit"),
    )


@change(cs.revoke_invitation)
def _(s):
    invitation = s.invitation()
    return Change(
        lambda: cs.revoke_invitation(invitation, by=s.focal_a),
        AuditEvent, audit(AuditAction.INVITATION_REVOKED, by=s.focal_a, country=s.country_a, subject=INVITEE),
    )


@change(cs.accept_invitation)
def _(s):
    # Country A's account is open already (its focal point joined): one row. The first member writes two,
    # see test_first_member_also_opens_the_country_account.
    invitation = s.invitation()
    return Change(
        lambda: cs.accept_invitation(invitation, full_name="New Colleague", password=PASSWORD),
        AuditEvent,
        audit(AuditAction.INVITATION_ACCEPTED, by=lambda: User.objects.get(email=INVITEE), country=s.country_a, subject=INVITEE),
    )


@change(cs.change_role)
def _(s):
    member = Membership.objects.get(user=s.contributor_a)
    return Change(
        lambda: cs.change_role(member, role=Membership.Role.FOCAL_POINT, by=s.focal_a),
        AuditEvent, audit(AuditAction.MEMBER_ROLE_CHANGED, by=s.focal_a, country=s.country_a, subject=s.contributor_a.email),
    )


@change(cs.remove_member)
def _(s):
    member = Membership.objects.get(user=s.contributor_a)
    return Change(
        lambda: cs.remove_member(member, by=s.focal_a),
        AuditEvent, audit(AuditAction.MEMBER_REMOVED, by=s.focal_a, country=s.country_a, subject=s.contributor_a.email),
    )


@change(cs.hand_over_focal_point)
def _(s):
    member = Membership.objects.get(user=s.contributor_a)
    return Change(
        lambda: cs.hand_over_focal_point(s.country_a, to=member, by=s.focal_a),
        AuditEvent, audit(AuditAction.FOCAL_POINT_HANDED_OVER, by=s.focal_a, country=s.country_a, subject=s.contributor_a.email),
    )


PROFILE = {
    "responsible_institution": "Ministry of Trade", "policy_overview": "Context.", "website": "",
    "public_contact_name": "", "public_contact_email": "",
}


@change(cs.update_profile)
def _(s):
    return Change(
        lambda: cs.update_profile(s.country_a, data=PROFILE, by=s.focal_a),
        AuditEvent, audit(AuditAction.PROFILE_UPDATED, by=s.focal_a, country=s.country_a, subject="KE"),
    )


@change(cs.set_review_emails)
def _(s):
    return Change(
        lambda: cs.set_review_emails(s.moderator, by=s.moderator, choice="daily"),
        AuditEvent, audit(AuditAction.NOTIFICATIONS_CHANGED, by=s.moderator, country=None, subject=s.moderator.email),
    )


# Practices


def review(action, *, by, practice, revision=None, **more):
    fields = {"action": action, "actor": by, "practice": practice, **more}
    if revision is not None:
        fields["revision"] = revision
    return fields


@change(ps.create_practice)
def _(s):
    new = lambda: Practice.objects.get(title="Export desk")  # noqa: E731
    return Change(
        lambda: ps.create_practice(s.country_a, by=s.contributor_a, content={"title": "Export desk"}),
        ReviewEvent, review(ReviewAction.CREATED, by=s.contributor_a, practice=new, to_status="draft"),
    )


@change(ps.save_revision)
def _(s):
    draft = s.draft()
    return Change(
        lambda: ps.save_revision(draft, by=s.contributor_a, changes={**COMPLETE, "summary": "Shorter."}),
        ReviewEvent, review(ReviewAction.SAVED, by=s.contributor_a, practice=draft.practice, revision=draft),
    )


@change(ps.submit_revision)
def _(s):
    draft = s.draft()
    return Change(
        lambda: ps.submit_revision(draft, by=s.contributor_a),
        ReviewEvent, review(ReviewAction.SUBMITTED, by=s.contributor_a, practice=draft.practice, revision=draft, to_status="submitted"),
        mails=True,
    )


@change(ps.submit_revision, "resubmit")
def _(s):
    revision = s.changes_requested()
    return Change(
        lambda: ps.submit_revision(revision, by=s.contributor_a),
        ReviewEvent, review(ReviewAction.RESUBMITTED, by=s.contributor_a, practice=revision.practice, revision=revision, to_status="resubmitted"),
        mails=True,
    )


@change(ps.request_changes)
def _(s):
    revision = s.submitted()
    return Change(
        lambda: ps.request_changes(revision, by=s.moderator, comment="Add the results."),
        ReviewEvent,
        review(ReviewAction.CHANGES_REQUESTED, by=s.moderator, practice=revision.practice, revision=revision, note="Add the results."),
        mails=True,
    )


@change(ps.publish_revision)
def _(s):
    # Without a new evidence label: one row. With one, two: see test_publishing_with_an_evidence_label_records_both.
    revision = s.submitted()
    return Change(
        lambda: ps.publish_revision(revision, by=s.moderator),
        ReviewEvent, review(ReviewAction.PUBLISHED, by=s.moderator, practice=revision.practice, revision=revision, to_status="approved"),
        mails=True, last_step=(ps, "refresh_search_vectors"),
    )


def _translation_row(action, s, translation, by, **more):
    return review(action, by=by, practice=translation.practice, translation=translation, **more)


@change(ps.start_translation)
def _(s):
    practice = s.published()
    new = lambda: practice.translations.get()  # noqa: E731
    return Change(
        lambda: ps.start_translation(practice, by=s.focal_b, language="fr"),
        ReviewEvent, review(ReviewAction.TRANSLATION_STARTED, by=s.focal_b, practice=practice, translation=new, to_status="draft"),
    )


@change(ps.save_translation)
def _(s):
    translation = s.translation()
    return Change(
        lambda: ps.save_translation(translation, by=s.focal_b, text=FRENCH),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_SAVED, s, translation, s.focal_b),
    )


@change(ps.submit_translation)
def _(s):
    translation = s.translation_written()
    return Change(
        lambda: ps.submit_translation(translation, by=s.focal_b),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_SUBMITTED, s, translation, s.focal_b, to_status="submitted"),
    )


@change(ps.publish_translation)
def _(s):
    translation = s.translation_submitted()
    return Change(
        lambda: ps.publish_translation(translation, by=s.moderator),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_PUBLISHED, s, translation, s.moderator, to_status="published"),
        mails=True, last_step=(ps, "refresh_translation_vectors"),
    )


@change(ps.request_translation_changes)
def _(s):
    translation = s.translation_submitted()
    return Change(
        lambda: ps.request_translation_changes(translation, by=s.moderator, comment="Translate the results too."),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_CHANGES_REQUESTED, s, translation, s.moderator, to_status="changes_requested"),
        mails=True,
    )


@change(ps.reject_translation)
def _(s):
    translation = s.translation_submitted()
    return Change(
        lambda: ps.reject_translation(translation, by=s.moderator, reason="A machine's text, not reviewed."),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_REJECTED, s, translation, s.moderator, to_status="rejected"),
        mails=True,
    )


@change(ps.discard_translation)
def _(s):
    translation = s.translation_written()
    return Change(
        lambda: ps.discard_translation(translation, by=s.focal_b),
        ReviewEvent, _translation_row(ReviewAction.TRANSLATION_DISCARDED, s, translation, s.focal_b, to_status="discarded"),
    )


# The engine's answer, without an engine: the exchange itself is tests/practices/test_machine_translation.py's.
MACHINE = machine.Engine(kind=machine.LIBRETRANSLATE, url="http://127.0.0.1:9")


def _drafted_by_machine(texts, *, source, target, engine):
    return {name: f"[{target}] {text}" for name, text in texts.items()}


@change(ps.draft_translation_by_machine)
def _(s):
    translation = s.translation()

    def call():
        with mock.patch.object(machine, "translate", _drafted_by_machine):
            return ps.draft_translation_by_machine(translation, by=s.focal_b, engine=MACHINE)

    return Change(
        call, ReviewEvent,
        _translation_row(ReviewAction.TRANSLATION_MACHINE_DRAFTED, s, translation, s.focal_b, note="LibreTranslate: title, summary, description"),
    )


@change(ps.ask_for_translation)
def _(s):
    practice = s.published()
    return Change(
        lambda: ps.ask_for_translation(practice, by=s.focal_b, language="es"),
        ReviewEvent, review(ReviewAction.TRANSLATION_REQUESTED, by=s.focal_b, practice=practice, to_status="es"),
    )


@change(ps.withdraw_translation_request)
def _(s):
    practice = ps.ask_for_translation(s.published(), by=s.focal_b, language="es").practice
    return Change(
        lambda: ps.withdraw_translation_request(practice, by=s.focal_b, language="es"),
        ReviewEvent, review(ReviewAction.TRANSLATION_REQUEST_WITHDRAWN, by=s.focal_b, practice=practice, from_status="es"),
    )


@change(ps.reject_revision)
def _(s):
    revision = s.submitted()
    return Change(
        lambda: ps.reject_revision(revision, by=s.moderator, reason="Out of scope."),
        ReviewEvent, review(ReviewAction.REJECTED, by=s.moderator, practice=revision.practice, revision=revision, note="Out of scope."),
        mails=True,
    )


@change(ps.discard_revision)
def _(s):
    draft = s.draft()
    return Change(
        lambda: ps.discard_revision(draft, by=s.contributor_a),
        ReviewEvent, review(ReviewAction.DISCARDED, by=s.contributor_a, practice=draft.practice, revision=draft, to_status="discarded"),
    )


@change(ps.restore_discarded_revision)
def _(s):
    revision = s.discarded()
    return Change(
        lambda: ps.restore_discarded_revision(revision, by=s.moderator),
        ReviewEvent, review(ReviewAction.DRAFT_RESTORED, by=s.moderator, practice=revision.practice, revision=revision, to_status="draft"),
    )


@change(ps.start_revision)
def _(s):
    practice = s.published()
    return Change(
        lambda: ps.start_revision(practice, by=s.contributor_a),
        ReviewEvent,
        review(ReviewAction.CREATED, by=s.contributor_a, practice=practice, revision=lambda: practice.revisions.get(number=2)),
    )


@change(ps.archive_practice)
def _(s):
    practice = s.published()
    return Change(
        lambda: ps.archive_practice(practice, by=s.focal_a),
        ReviewEvent, review(ReviewAction.ARCHIVED, by=s.focal_a, practice=practice, to_status="archived"),
    )


@change(ps.restore_practice)
def _(s):
    practice = s.archived()
    return Change(
        lambda: ps.restore_practice(practice, by=s.moderator),
        ReviewEvent, review(ReviewAction.RESTORED, by=s.moderator, practice=practice, to_status="published"),
    )


@change(ps.add_attachment)
def _(s):
    draft = s.draft()
    return Change(
        lambda: ps.add_attachment(draft, by=s.contributor_a, upload=s.upload(), title="Evaluation"),
        ReviewEvent, review(ReviewAction.ATTACHMENT_ADDED, by=s.contributor_a, practice=draft.practice, revision=draft, note="Evaluation"),
    )


@change(ps.remove_attachment)
def _(s):
    draft, attachment = s.draft_with_attachment()
    return Change(
        lambda: ps.remove_attachment(draft, by=s.contributor_a, attachment=attachment),
        ReviewEvent, review(ReviewAction.ATTACHMENT_REMOVED, by=s.contributor_a, practice=draft.practice, revision=draft, note="Report"),
    )


@change(ps.add_co_owner)
def _(s):
    practice = s.draft().practice
    return Change(
        lambda: ps.add_co_owner(practice, by=s.moderator, country=s.country_b),
        ReviewEvent, review(ReviewAction.CO_OWNER_ADDED, by=s.moderator, practice=practice, note="Colombia", to_status="accepted"),
        mails=True,
    )


@change(ps.remove_co_owner)
def _(s):
    sharing = s.shared_with_b()
    return Change(
        lambda: ps.remove_co_owner(sharing.practice, by=s.focal_a, country=s.country_b),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_REMOVED, by=s.focal_a, practice=sharing.practice, note="Colombia", co_ownership=sharing, to_status="removed"),
        mails=True,
    )


@change(ps.propose_co_owner)
def _(s):
    practice = s.draft().practice
    return Change(
        lambda: ps.propose_co_owner(practice, by=s.focal_a, country=s.country_b),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_PROPOSED, by=s.focal_a, practice=practice, note="Colombia", to_status="proposed"),
        mails=True,
    )


@change(ps.withdraw_co_owner_proposal)
def _(s):
    proposal = s.proposed_to_b()
    return Change(
        lambda: ps.withdraw_co_owner_proposal(proposal, by=s.focal_a),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_WITHDRAWN, by=s.focal_a, practice=proposal.practice, co_ownership=proposal, to_status="withdrawn"),
        mails=True,
    )


@change(ps.accept_co_owner_proposal)
def _(s):
    proposal = s.proposed_to_b()
    return Change(
        lambda: ps.accept_co_owner_proposal(proposal, by=s.focal_b),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_ACCEPTED, by=s.focal_b, practice=proposal.practice, co_ownership=proposal, from_status="proposed", to_status="accepted"),
        mails=True,
    )


@change(ps.decline_co_owner_proposal)
def _(s):
    proposal = s.proposed_to_b()
    return Change(
        lambda: ps.decline_co_owner_proposal(proposal, by=s.focal_b),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_DECLINED, by=s.focal_b, practice=proposal.practice, co_ownership=proposal, to_status="declined"),
        mails=True,
    )


@change(ps.leave_co_ownership)
def _(s):
    sharing = s.shared_with_b()
    return Change(
        lambda: ps.leave_co_ownership(sharing, by=s.focal_b),
        ReviewEvent,
        review(ReviewAction.CO_OWNER_LEFT, by=s.focal_b, practice=sharing.practice, co_ownership=sharing, from_status="accepted", to_status="left"),
        mails=True,
    )


@change(ps.correct_tags)
def _(s):
    revision = s.submitted()
    return Change(
        lambda: ps.correct_tags(revision, by=s.moderator, tags={"themes": ["access-to-finance"]}),
        ReviewEvent, review(ReviewAction.TAGS_CORRECTED, by=s.moderator, practice=revision.practice, revision=revision),
    )


@change(ps.claim_review)
def _(s):
    revision = s.submitted()
    return Change(
        lambda: ps.claim_review(revision, by=s.moderator),
        ReviewEvent, review(ReviewAction.CLAIMED, by=s.moderator, practice=revision.practice, revision=revision),
    )


@change(ps.import_batch)
def _(s):
    # One row: one practice created, one row recorded (each practice an import creates gets its own).
    spreadsheet = SimpleUploadedFile("practices.csv", b"country,title\nKE,Export desk\n")
    batch = ps.start_import(
        by=s.moderator, file_name="practices.csv", file_sha256=imports.file_digest(spreadsheet), rows=imports.read_spreadsheet(spreadsheet)
    )
    return Change(
        lambda: ps.import_batch(batch, by=s.moderator),
        ReviewEvent, review(ReviewAction.CREATED, by=s.moderator, practice=lambda: Practice.objects.get(title="Export desk")),
    )


# Meetings


def record(action, *, by, **where):
    return {"action": action, "actor": by, **where}


@change(ms.create_meeting)
def _(s):
    starts = timezone.now() + timedelta(days=10)
    data = {"title": "Webinar", "kind": "workshop", "format": "virtual", "starts_at": starts, "ends_at": starts + timedelta(hours=1)}
    return Change(
        lambda: ms.create_meeting(by=s.moderator, data=data),
        RecordEvent, record(RecordAction.MEETING_CREATED, by=s.moderator, meeting=lambda: Meeting.objects.get(title="Webinar")),
    )


@change(ms.update_meeting)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.update_meeting(meeting, by=s.moderator, data={"title": "Renamed"}),
        RecordEvent, record(RecordAction.MEETING_CHANGED, by=s.moderator, meeting=meeting),
    )


@change(ms.publish_meeting)
def _(s):
    meeting = s.meeting(published=False)
    return Change(
        lambda: ms.publish_meeting(meeting, by=s.moderator),
        RecordEvent, record(RecordAction.MEETING_PUBLISHED, by=s.moderator, meeting=meeting),
    )


@change(ms.unpublish_meeting)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.unpublish_meeting(meeting, by=s.moderator),
        RecordEvent, record(RecordAction.MEETING_UNPUBLISHED, by=s.moderator, meeting=meeting),
    )


@change(ms.add_agenda_item)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.add_agenda_item(meeting, by=s.moderator, title="Closing"),
        RecordEvent, record(RecordAction.AGENDA_CHANGED, by=s.moderator, meeting=meeting, note="Added: Closing"),
    )


@change(ms.update_agenda_item)
def _(s):
    item = s.agenda_item()
    return Change(
        lambda: ms.update_agenda_item(item, by=s.moderator, title="Welcome"),
        RecordEvent, record(RecordAction.AGENDA_CHANGED, by=s.moderator, meeting=item.meeting, note="Changed: Welcome"),
    )


@change(ms.remove_agenda_item)
def _(s):
    item = s.agenda_item()
    return Change(
        lambda: ms.remove_agenda_item(item, by=s.moderator),
        RecordEvent, record(RecordAction.AGENDA_CHANGED, by=s.moderator, meeting=item.meeting, note="Removed: Opening"),
    )


@change(ms.move_agenda_item)
def _(s):
    item = s.agenda_item()
    s.agenda_item(item.meeting, title="Closing")
    return Change(
        lambda: ms.move_agenda_item(item, by=s.moderator, up=False),
        RecordEvent, record(RecordAction.AGENDA_CHANGED, by=s.moderator, meeting=item.meeting, note="Moved: Opening"),
    )


@change(ms.add_document)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.add_document(meeting, by=s.moderator, upload=s.upload("agenda.pdf"), title="Agenda"),
        RecordEvent, record(RecordAction.DOCUMENT_ADDED, by=s.moderator, meeting=meeting, note="Agenda"),
    )


@change(ms.remove_document)
def _(s):
    document = s.document()
    return Change(
        lambda: ms.remove_document(document, by=s.moderator),
        RecordEvent, record(RecordAction.DOCUMENT_REMOVED, by=s.moderator, meeting=document.meeting, note="Agenda"),
    )


@change(ms.declare_participation)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.declare_participation(meeting, by=s.focal_a, country=s.country_a, delegates=3),
        RecordEvent,
        record(RecordAction.PARTICIPATION_DECLARED, by=s.focal_a, country=s.country_a, meeting=meeting, to_status="declared"),
    )


@change(ms.declare_presentation)
def _(s):
    meeting = s.meeting()
    return Change(
        lambda: ms.declare_presentation(meeting, by=s.focal_a, country=s.country_a, title="Our one-stop shop"),
        RecordEvent,
        record(RecordAction.PRESENTATION_DECLARED, by=s.focal_a, country=s.country_a, meeting=meeting, note="Our one-stop shop"),
    )


@change(ms.confirm_declaration)
def _(s):
    participation = s.participation()
    return Change(
        lambda: ms.confirm_declaration(participation, by=s.moderator),
        RecordEvent,
        record(RecordAction.CONFIRMED, by=s.moderator, country=s.country_a, meeting=participation.meeting, to_status="confirmed"),
    )


@change(ms.decline_declaration)
def _(s):
    presentation = s.presentation()
    return Change(
        lambda: ms.decline_declaration(presentation, by=s.moderator, note="Not on the agenda."),
        RecordEvent,
        record(RecordAction.DECLINED, by=s.moderator, country=s.country_a, meeting=presentation.meeting, note="Not on the agenda."),
    )


@change(ms.declare_endorsement)
def _(s):
    call = s.call()
    return Change(
        lambda: ms.declare_endorsement(call, country=s.country_a, by=s.focal_a),
        RecordEvent, record(RecordAction.ENDORSEMENT_DECLARED, by=s.focal_a, country=s.country_a, note=call.title),
    )


@change(ms.record_endorsement)
def _(s):
    call = s.call()
    return Change(
        lambda: ms.record_endorsement(call, country=s.country_b, by=s.moderator),
        RecordEvent, record(RecordAction.CONFIRMED, by=s.moderator, country=s.country_b, to_status="confirmed", note=call.title),
    )


@change(ms.confirm_endorsement)
def _(s):
    endorsement = s.endorsement()
    return Change(
        lambda: ms.confirm_endorsement(endorsement, by=s.moderator),
        RecordEvent, record(RecordAction.CONFIRMED, by=s.moderator, country=s.country_a, from_status="declared", to_status="confirmed"),
    )


@change(ms.decline_endorsement)
def _(s):
    endorsement = s.endorsement()
    return Change(
        lambda: ms.decline_endorsement(endorsement, by=s.moderator, note="No record of it."),
        RecordEvent, record(RecordAction.DECLINED, by=s.moderator, country=s.country_a, to_status="declined", note="No record of it."),
    )


@change(ms.update_deliverable)
def _(s):
    deliverable = s.deliverable()
    return Change(
        lambda: ms.update_deliverable(deliverable, by=s.moderator, status="in_progress", progress=40),
        RecordEvent,
        record(RecordAction.DELIVERABLE_CHANGED, by=s.moderator, from_status="planned", to_status="in_progress", note="NDC guideline: 0% → 40%"),
    )


@change(ms.add_deliverable_event)
def _(s):
    deliverable = s.deliverable()
    return Change(
        lambda: ms.add_deliverable_event(deliverable, by=s.moderator, happened_on=date(2025, 1, 15), title="Presented"),
        RecordEvent, record(RecordAction.DELIVERABLE_EVENT_ADDED, by=s.moderator, note="NDC guideline: Presented"),
    )


@change(ms.create_uptake_story)
def _(s):
    content = s.story_content()
    return Change(
        lambda: ms.create_uptake_story(s.country_a, by=s.contributor_a, content=content),
        RecordEvent,
        record(RecordAction.STORY_CREATED, by=s.contributor_a, country=s.country_a, story=lambda: UptakeStory.objects.get(), to_status="draft"),
    )


@change(ms.save_uptake_story)
def _(s):
    story = s.story()
    content = s.story_content(story.used_deliverable)
    return Change(
        lambda: ms.save_uptake_story(story, by=s.contributor_a, content={**content, "title": "Renamed"}),
        RecordEvent, record(RecordAction.STORY_SAVED, by=s.contributor_a, country=s.country_a, story=story),
    )


@change(ms.submit_uptake_story)
def _(s):
    story = s.story()
    return Change(
        lambda: ms.submit_uptake_story(story, by=s.contributor_a),
        RecordEvent, record(RecordAction.STORY_SUBMITTED, by=s.contributor_a, country=s.country_a, story=story, to_status="submitted"),
        mails=True,
    )


@change(ms.submit_uptake_story, "resubmit")
def _(s):
    story = s.story_changes_requested()
    return Change(
        lambda: ms.submit_uptake_story(story, by=s.contributor_a),
        RecordEvent, record(RecordAction.STORY_RESUBMITTED, by=s.contributor_a, country=s.country_a, story=story, to_status="resubmitted"),
        mails=True,
    )


@change(ms.request_story_changes)
def _(s):
    story = s.story_submitted()
    return Change(
        lambda: ms.request_story_changes(story, by=s.moderator, comment="Say when."),
        RecordEvent, record(RecordAction.STORY_CHANGES_REQUESTED, by=s.moderator, story=story, note="Say when."),
        mails=True,
    )


@change(ms.publish_uptake_story)
def _(s):
    story = s.story_submitted()
    return Change(
        lambda: ms.publish_uptake_story(story, by=s.moderator),
        RecordEvent, record(RecordAction.STORY_PUBLISHED, by=s.moderator, country=s.country_a, story=story, to_status="published"),
        mails=True,
    )


@change(ms.reject_uptake_story)
def _(s):
    story = s.story_submitted()
    return Change(
        lambda: ms.reject_uptake_story(story, by=s.moderator, reason="Out of scope."),
        RecordEvent, record(RecordAction.STORY_REJECTED, by=s.moderator, story=story, to_status="rejected", note="Out of scope."),
        mails=True,
    )


# --- 1. Exactly one audit row per change ---


def public_service_functions():
    names = set()
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                names.add(f"{module.__name__}.{name}")
    return names


def test_every_service_function_is_covered_or_explained():
    covered = {f"{function.__module__}.{function.__name__}" for function, _prepare in CHANGES.values()}
    public = public_service_functions()
    missing = public - covered - set(NOT_STATE_CHANGES)
    assert not missing, (
        "Service functions with no audit test: add a case to CHANGES (a state change) or, if it changes "
        "nothing, a reason to NOT_STATE_CHANGES:\n" + "\n".join(sorted(missing))
    )
    assert not covered & set(NOT_STATE_CHANGES), "a function is both tested as a change and listed as none"
    assert (covered | set(NOT_STATE_CHANGES)) <= public, "names that are no longer public service functions"


def audit_marks():
    """The last id of each audit table: what is newer was written after."""
    return {model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) for model in AUDIT_MODELS}


def new_audit_rows(marks):
    return [row for model, last in marks.items() for row in model.objects.filter(pk__gt=last).order_by("pk")]


def assert_recorded(row, model, expected):
    assert type(row) is model, f"the row is a {type(row).__name__}, not a {model.__name__}"
    for name, wanted in expected.items():
        wanted = wanted() if callable(wanted) else wanted
        assert getattr(row, name) == wanted, f"{model.__name__}.{name} is {getattr(row, name)!r}, expected {wanted!r}"


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_each_change_writes_exactly_one_audit_row(scene, key):
    _function, prepare = CHANGES[key]
    planned = prepare(scene)
    marks = audit_marks()
    planned.call()
    rows = new_audit_rows(marks)
    assert len(rows) == 1, f"{key} wrote {len(rows)} audit rows: {rows}"
    assert_recorded(rows[0], planned.model, planned.expected)


# Calls that find nothing to change: no audit row, and no table changes (the situation is built first).
NO_OPS = {
    "the same role": lambda s: (
        lambda member=Membership.objects.get(user=s.contributor_a): cs.change_role(member, role="contributor", by=s.focal_a)
    ),
    "the same profile": lambda s: (
        lambda: cs.update_profile(s.country_a, data={name: getattr(s.country_a, name) for name in Country.PROFILE_FIELDS}, by=s.focal_a)
    ),
    "the same e-mail choice": lambda s: lambda: cs.set_review_emails(s.moderator, by=s.moderator, choice="each"),
    "the same tags": lambda s: lambda revision=s.submitted(): ps.correct_tags(revision, by=s.moderator, tags={"themes": COMPLETE["themes"]}),
    "a review taken on again": lambda s: (
        lambda revision=ps.claim_review(s.submitted(), by=s.moderator): ps.claim_review(revision, by=s.moderator)
    ),
    "a new version while one is open": lambda s: (
        lambda practice=ps.start_revision(s.published(), by=s.focal_a).practice: ps.start_revision(practice, by=s.focal_a)
    ),
    "the same progress": lambda s: lambda deliverable=s.deliverable(): ms.update_deliverable(deliverable, by=s.moderator, status="planned", progress=0),
    "a translation asked for again": lambda s: (
        lambda practice=ps.ask_for_translation(s.published(), by=s.focal_b, language="es").practice: (
            ps.ask_for_translation(practice, by=s.focal_b, language="es")
        )
    ),
    "a request withdrawn that was never made": lambda s: (
        lambda practice=s.published(): ps.withdraw_translation_request(practice, by=s.focal_b, language="es")
    ),
    "a machine draft with no field left empty": lambda s: (
        lambda translation=s.translation_written(): ps.draft_translation_by_machine(translation, by=s.focal_b, engine=MACHINE)
    ),
}


@pytest.mark.parametrize("name", sorted(NO_OPS))
def test_a_call_that_changes_nothing_records_nothing(scene, name):
    call = NO_OPS[name](scene)
    before, marks = snapshot(), audit_marks()
    call()
    assert new_audit_rows(marks) == []
    assert_same(before, snapshot())


def test_first_member_also_opens_the_country_account(moderator):
    # Documented exception: two facts, two rows (the invitation accepted, the country's account opened).
    senegal = Country.objects.get(iso2="SN")
    invitation = cs.invite_delegate(country=senegal, email="focal.sn@example.org", role="focal_point", by=moderator)
    marks = audit_marks()
    cs.accept_invitation(invitation, full_name="Awa", password=PASSWORD)
    assert [row.action for row in new_audit_rows(marks)] == [AuditAction.INVITATION_ACCEPTED, AuditAction.ACCOUNT_OPENED]


def test_publishing_with_an_evidence_label_records_both(scene):
    # Documented exception: the decision and the label are two facts the team reads in the history.
    revision = scene.submitted()
    marks = audit_marks()
    ps.publish_revision(revision, by=scene.moderator, evidence_label="monitored")
    assert [row.action for row in new_audit_rows(marks)] == [ReviewAction.PUBLISHED, ReviewAction.EVIDENCE_LABELLED]


def test_staging_an_import_changes_no_record(scene):
    spreadsheet = SimpleUploadedFile("practices.csv", b"country,title\nKE,Export desk\n")
    marks, practices = audit_marks(), Practice.objects.count()
    batch = ps.start_import(
        by=scene.moderator, file_name="practices.csv", file_sha256=imports.file_digest(spreadsheet), rows=imports.read_spreadsheet(spreadsheet)
    )
    assert new_audit_rows(marks) == [] and Practice.objects.count() == practices
    assert (batch.uploaded_by, batch.status) == (scene.moderator, "pending")


# --- 2. A failure half-way leaves nothing behind ---

SNAPSHOT_APPS = ("countries", "practices", "meetings", "account", "mfa")
AUDIT_HELPERS = {cs: "record", ps: "_record", ms: "record"}


def snapshot():
    """Every row of every table of the platform (and of the accounts' addresses and authenticators)."""
    tables = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables[model._meta.label] = {row["id"]: row for row in model._base_manager.order_by("pk").values()}
    return tables


def assert_same(before, after):
    differences = []
    for table, rows in before.items():
        now = after[table]
        added, removed = sorted(now.keys() - rows.keys()), sorted(rows.keys() - now.keys())
        changed = sorted(pk for pk in rows.keys() & now.keys() if rows[pk] != now[pk])
        if added or removed or changed:
            differences.append(f"{table}: added {added}, removed {removed}, changed {changed}")
    assert not differences, "the database changed:\n" + "\n".join(differences)


def stored_files(root):
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in Path(root).rglob("*") if path.is_file()}


class InjectedFailure(Exception):
    pass


def fail_after(monkeypatch, module, name):
    """Let `module.name` do its work, then raise: the failure comes after the change and its record are written."""
    original = getattr(module, name)

    def step_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise InjectedFailure(f"{module.__name__}.{name} failed")

    monkeypatch.setattr(module, name, step_then_fail)


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_a_failure_at_the_last_step_leaves_nothing_behind(scene, key, django_capture_on_commit_callbacks, settings):
    function, prepare = CHANGES[key]
    planned = prepare(scene)
    module = inspect.getmodule(function)
    where, step = planned.last_step or (module, AUDIT_HELPERS[module])
    before, files_before = snapshot(), stored_files(settings.MEDIA_ROOT)
    with pytest.MonkeyPatch.context() as patch:
        fail_after(patch, where, step)
        # The test runs in a transaction: the service's atomic block is a savepoint, and the e-mails queued
        # in it are dropped when it rolls back. The callbacks left to run when the test "commits" are captured.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(InjectedFailure):
                planned.call()
    assert_same(before, snapshot())
    assert callbacks == [] and mail.outbox == []
    # Files: none removed, none changed (an upload that failed may leave an unlisted file behind).
    files_after = stored_files(settings.MEDIA_ROOT)
    assert {name: files_after.get(name) for name in files_before} == files_before
    if planned.mails:
        # Let through, the same change sends its e-mail: the empty outbox above is the failure's doing.
        with django_capture_on_commit_callbacks(execute=True):
            planned.call()
        assert mail.outbox


# --- 3. Nothing a delegate wrote is deleted ---


def test_discarding_a_draft_keeps_it_and_staff_can_bring_it_back(client, scene):
    draft = scene.draft()
    client.force_login(scene.contributor_a)
    client.post(reverse("practices:practice_discard", kwargs={"iso2": "KE", "pk": draft.practice_id}))
    draft.refresh_from_db()
    assert (draft.status, draft.content) == ("discarded", ps.normalise_content(COMPLETE))
    client.force_login(scene.moderator)
    client.post(reverse("practices:revision_restore", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert (draft.status, draft.content) == ("draft", ps.normalise_content(COMPLETE))


def test_archiving_withdraws_a_practice_from_view_and_keeps_it(client, scene):
    practice = scene.published()
    page = reverse("practices:practice_detail", kwargs={"pk": practice.pk})
    client.force_login(scene.focal_a)
    client.post(reverse("practices:practice_archive", kwargs={"iso2": "KE", "pk": practice.pk}))
    client.logout()
    assert client.get(page).status_code == 404
    practice.refresh_from_db()
    assert (practice.status, practice.description) == ("archived", COMPLETE["description"])
    assert practice.revisions.get().status == "approved"
    client.force_login(scene.moderator)
    client.post(reverse("practices:practice_restore", kwargs={"iso2": "KE", "pk": practice.pk}))
    client.logout()
    assert COMPLETE["description"].replace("**online**", "<strong>online</strong>") in client.get(page).content.decode()


def test_removing_a_document_from_a_new_version_keeps_the_file(client, scene):
    revision, attachment = scene.draft_with_attachment()
    ps.publish_revision(ps.submit_revision(revision, by=scene.contributor_a), by=scene.moderator)
    practice = revision.practice
    client.force_login(scene.contributor_a)
    client.post(reverse("practices:practice_revise", kwargs={"iso2": "KE", "pk": practice.pk}))
    client.post(reverse("practices:attachment_remove", kwargs={"iso2": "KE", "pk": practice.pk, "attachment_id": attachment.pk}))
    assert practice.revisions.get(number=2).content["attachments"] == []
    attachment.refresh_from_db()
    assert attachment.file.storage.exists(attachment.file.name)
    # The published version still lists it, and the public can still download it.
    client.logout()
    response = client.get(reverse("practices:public_attachment", kwargs={"pk": practice.pk, "attachment_id": attachment.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_refused_and_declined_writing_is_kept_with_its_decision(scene):
    revision = ps.reject_revision(scene.submitted(), by=scene.moderator, reason="Out of scope.")
    story = ms.reject_uptake_story(scene.story_submitted(), by=scene.moderator, reason="Out of scope.")
    presentation = ms.decline_declaration(scene.presentation(), by=scene.moderator)
    endorsement = ms.decline_endorsement(scene.endorsement(), by=scene.moderator)
    assert PracticeRevision.objects.get(pk=revision.pk).content["description"] == COMPLETE["description"]
    assert UptakeStory.objects.get(pk=story.pk).story == "How we used it."
    assert Presentation.objects.get(pk=presentation.pk).title == "Our one-stop shop"
    assert Endorsement.objects.get(pk=endorsement.pk).status == Confirmation.DECLINED


def test_removing_a_member_keeps_the_person_and_what_they_wrote(client, scene):
    draft, story = scene.draft(), scene.story()
    client.force_login(scene.focal_a)
    client.post(reverse("countries:remove_member", kwargs={"iso2": "KE", "member_id": scene.contributor_a.membership.pk}))
    assert not Membership.objects.filter(user=scene.contributor_a).exists()
    assert PracticeRevision.objects.get(pk=draft.pk).created_by == scene.contributor_a
    assert UptakeStory.objects.get(pk=story.pk).created_by == scene.contributor_a
    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_REMOVED, subject=scene.contributor_a.email).exists()


def test_accounts_and_invitations_are_deactivated_or_revoked_never_deleted_in_the_admin(client, scene):
    # Deleting an account would blank the author of the person's writing and history, and drop their
    # membership without a line in the team's history: even a superuser deactivates it instead.
    revision, _attachment = scene.draft_with_attachment()
    superuser = make_user("root@itc.example", is_staff=True, is_superuser=True)
    TOTP.activate(superuser, TOTP_SECRET)
    client.force_login(superuser)
    response = client.post(reverse("admin:countries_user_delete", args=[scene.contributor_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=scene.contributor_a.pk).exists()
    assert PracticeRevision.objects.get(pk=revision.pk).created_by == scene.contributor_a
    assert client.get(reverse("admin:countries_user_changelist")).status_code == 200
    for model in (User, Invitation):
        model_admin = admin.site._registry[model]
        request = RequestFactory().get("/admin/")
        request.user = superuser
        assert not model_admin.has_delete_permission(request)
        assert "delete_selected" not in model_admin.get_actions(request)


# What delegates write, and the record of it: the admin must not be able to delete any of it.
DELEGATE_RECORDS = [
    Practice, PracticeRevision, Attachment, ReviewEvent, UptakeStory, Participation, Presentation, Endorsement,
    RecordEvent, AuditEvent, Country,
]


@pytest.mark.parametrize("model", DELEGATE_RECORDS, ids=lambda model: model._meta.label)
def test_the_admin_cannot_delete_what_delegates_wrote(model):
    request = RequestFactory().get("/admin/")
    request.user = User(email="root@itc.example", is_staff=True, is_superuser=True, is_active=True)
    registered = admin.site._registry.get(model)
    # Not registered: the admin has no page for it at all. Registered: even a superuser may not delete.
    if registered is not None:
        assert not registered.has_delete_permission(request)
        assert "delete_selected" not in registered.get_actions(request)
    inlines = [inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines if inline.model is model]
    assert all(not inline.can_delete for inline in inlines)


def test_the_admin_lists_the_delegates_records_it_shows_without_deletion():
    # Pins which of them the admin shows, so that a newly registered one is seen by the test above.
    shown = {model._meta.label for model in DELEGATE_RECORDS if admin.site.is_registered(model)}
    assert shown == {"practices.Practice", "practices.PracticeRevision", "practices.ReviewEvent", "countries.AuditEvent", "countries.Country"}


def test_removing_a_member_in_the_admin_goes_through_the_recorded_service(scene):
    request = RequestFactory().post("/admin/")
    request.user = scene.moderator
    admin.site._registry[Membership].delete_model(request, Membership.objects.get(user=scene.contributor_a))
    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_REMOVED, actor=scene.moderator, subject=scene.contributor_a.email).exists()


def test_a_practice_or_story_with_a_history_cannot_be_deleted_even_in_code(scene):
    draft, story = scene.draft(), scene.story()
    with pytest.raises(ProtectedError):
        draft.practice.delete()
    with pytest.raises(ProtectedError):
        story.delete()
    assert Practice.objects.filter(pk=draft.practice_id).exists() and UptakeStory.objects.filter(pk=story.pk).exists()


# Every `.delete(` in the application's code, reviewed: none deletes what a delegate wrote.
REVIEWED_DELETIONS = {
    ("countries/services.py", "remove_member"): "the membership only: the account and its writing stay; MEMBER_REMOVED keeps who and when",
    ("meetings/services.py", "remove_agenda_item"): "an agenda item staff wrote; AGENDA_CHANGED keeps its title",
    ("meetings/services.py", "remove_document"): "a document staff uploaded, and its file once committed; DOCUMENT_REMOVED keeps its title",
    ("practices/dataset.py", "_delete_old_runs"): "files of the open dataset the platform wrote itself, older than the two latest runs",
    ("practices/dataset.py", "regenerate_open_data"): "the pending mark in the cache (a run is about to read what is published)",
}


class DeletionFinder(ast.NodeVisitor):
    def __init__(self):
        self.functions, self.found = ["<module>"], set()

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
            self.found.add(self.functions[-1])
        self.generic_visit(node)


def test_every_deletion_in_the_code_is_reviewed():
    sites = set()
    for app in ("countries", "practices", "meetings", "smeplatform"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            finder = DeletionFinder()
            finder.visit(ast.parse(path.read_text(), filename=str(path)))
            sites |= {(path.relative_to(ROOT).as_posix(), function) for function in finder.found}
    assert sites == set(REVIEWED_DELETIONS), (
        "Deletions changed: review each new one (is it something a delegate wrote? then keep it and change its "
        "status instead) and list it in REVIEWED_DELETIONS.\n"
        f"new: {sorted(sites - set(REVIEWED_DELETIONS))}\ngone: {sorted(set(REVIEWED_DELETIONS) - sites)}"
    )
