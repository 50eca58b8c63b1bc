"""The review workflow of practices: each transition is one guarded, atomic, recorded function.

A revision moves draft → submitted → (changes requested → resubmitted)* → approved, or is
rejected; a draft (or a version sent back for changes) can be discarded, and staff can bring a
discarded draft back. Approving copies the revision's content onto the practice and makes it
public. A published practice can be archived, and restored, by its owner country's focal points
or by staff. Sharing a practice with another country is a proposal that country answers.

Every function takes the acting user as `by`, checks that they may act and that the version is
in a state the transition starts from, and raises PermissionDenied or ValidationError otherwise,
changing nothing. The review steps are declared once, in REVISION_WORKFLOW and PRACTICE_WORKFLOW,
and taken through countries/workflow.py.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.access import (
    may_act_for_country,
    may_ask_for_translation,
    membership_of,
    may_answer_share,
    may_archive,
    may_leave,
    may_moderate,
    may_restore,
    may_share,
    may_translate,
    may_write_practice,
    may_write_translation,
    require,
)
from countries.languages import LANGUAGE_CODES
from countries.models import Country
from countries.workflow import Transition, Workflow

from . import machine
from .attachments import check_document
from .search import refresh_search_vectors, refresh_translation_vectors
from .tasks import notify_after_commit, notify_translators_after_commit

from .imports import Outcome, current_rows, import_key
from .models import (
    RELATED_CONTENT_FIELDS,
    ImportBatch,
    Attachment,
    CoOwnership,
    REQUIRED_FOR_REVIEW,
    SCALAR_CONTENT_FIELDS,
    EvidenceLabel,
    InstrumentType,
    Practice,
    PracticeRevision,
    PracticeTranslation,
    REQUIRED_FOR_TRANSLATION_REVIEW,
    ReviewEvent,
    TRANSLATED_FIELDS,
    RevisionSave,
    TargetGroup,
    Theme,
    TranslationRequest,
)

Status = PracticeRevision.Status
RELATED_MODELS = {
    "themes": Theme,
    "instruments": InstrumentType,
    "target_groups": TargetGroup,
    "adapted_from": Practice,
    "attachments": Attachment,
}


# --- Content ---


def empty_content():
    content = {field: "" for field in SCALAR_CONTENT_FIELDS}
    content.update(indicators=[], links=[], start_year=None, end_year=None, original_language="en")
    content.update({field: [] for field in RELATED_CONTENT_FIELDS})
    return content


def normalise_content(content):
    """Every content key present, relations as sorted lists of keys; unknown keys dropped."""
    normalised = empty_content()
    for field in SCALAR_CONTENT_FIELDS:
        if field in content:
            value = content[field]
            # Browsers send text areas with CRLF line ends: stored as LF, so an untouched field compares equal.
            normalised[field] = value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
    for field in RELATED_CONTENT_FIELDS:
        if field in content:
            normalised[field] = sorted(content[field])
    return normalised


def _normalised(field, value):
    return normalise_content({field: value})[field]


def missing_for_review(content):
    """The names of the fields a version still needs before it can be submitted."""
    return [field for field in REQUIRED_FOR_REVIEW if not content.get(field)]


def _apply(revision):
    """Copy a revision's content onto its practice (the published version)."""
    practice = revision.practice
    content = normalise_content(revision.content)
    for field in SCALAR_CONTENT_FIELDS:
        setattr(practice, field, content[field])
    practice.save(update_fields=list(SCALAR_CONTENT_FIELDS))
    for field, key in RELATED_CONTENT_FIELDS.items():
        model = RELATED_MODELS[field]
        related = model.objects.filter(**{f"{key}__in": content[field]})
        if field == "adapted_from":
            related = related.exclude(pk=practice.pk)
        if field == "attachments":
            related = related.filter(practice=practice)
        getattr(practice, field).set(related)


def _record(practice, action, *, by, revision=None, from_status="", to_status="", note="", co_ownership=None, translation=None):
    event = ReviewEvent.objects.create(
        practice=practice,
        revision=revision,
        translation=translation,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        co_ownership=co_ownership,
    )
    notify_after_commit(event)
    return event


def _audit_revision(revision, transition, *, by, from_status, note):
    return _record(
        revision.practice, transition.action, by=by, revision=revision, from_status=from_status, to_status=transition.target, note=note
    )


def _audit_practice(practice, transition, *, by, from_status, note):
    return _record(practice, transition.action, by=by, from_status=from_status, to_status=transition.target, note=note)


def _moderates(user, record):
    return may_moderate(user)


def _writes(user, revision):
    return may_write_practice(user, revision.practice)


Action = ReviewEvent.Action
_IN_REVIEW = PracticeRevision.IN_REVIEW_STATUSES
_DECIDED = ("updated_at", "decided_at", "decided_by")

def _locked(revision):
    """The revision, re-read under a row lock so two clicks cannot both pass the state check."""
    return REVISION_WORKFLOW.lock(revision)


# The review of a practice's versions (countries/workflow.py).
REVISION_WORKFLOW = Workflow(
    PracticeRevision,
    Transition("submit", (Status.DRAFT,), Status.SUBMITTED, _writes, Action.SUBMITTED, stamps=("updated_at", "submitted_at")),
    Transition(
        "resubmit", (Status.CHANGES_REQUESTED,), Status.RESUBMITTED, _writes, Action.RESUBMITTED, stamps=("updated_at", "submitted_at")
    ),
    Transition("publish", _IN_REVIEW, Status.APPROVED, _moderates, Action.PUBLISHED, stamps=_DECIDED),
    Transition(
        "request_changes", _IN_REVIEW, Status.CHANGES_REQUESTED, _moderates, Action.CHANGES_REQUESTED, stamps=_DECIDED,
        note_field="comment", note_required=gettext_lazy("Say what should change: the country's team reads this comment."),
    ),
    Transition(
        "reject", _IN_REVIEW, Status.REJECTED, _moderates, Action.REJECTED, stamps=_DECIDED,
        note_field="reason", note_required=gettext_lazy("Give the reason: the country's team reads it."),
    ),
    Transition("discard", PracticeRevision.EDITABLE_STATUSES, Status.DISCARDED, _writes, Action.DISCARDED, stamps=("updated_at",)),
    Transition("restore_draft", (Status.DISCARDED,), Status.DRAFT, _moderates, Action.DRAFT_RESTORED, stamps=("updated_at",)),
    audit=_audit_revision,
    related=("practice",),
)

# Whether a published practice is public: its owner's focal points (or ITC) archive and restore it.
PRACTICE_WORKFLOW = Workflow(
    Practice,
    Transition(
        "archive", (Practice.Status.PUBLISHED,), Practice.Status.ARCHIVED, may_archive, Action.ARCHIVED,
        refused=gettext_lazy("Only a published practice can be archived."),
    ),
    Transition(
        "restore", (Practice.Status.ARCHIVED,), Practice.Status.PUBLISHED, may_restore, Action.RESTORED,
        refused=gettext_lazy("Only an archived practice can be restored."),
    ),
    audit=_audit_practice,
)


# --- Transitions ---


def create_practice(country, *, by, content, entered_by_itc=False, note=""):
    """A new practice owned by `country`, with its first version as a draft."""
    require(may_act_for_country(by, country.pk))
    content = normalise_content(content)
    if not content["title"]:
        raise ValidationError({"title": _("Give the practice a title.")})
    with transaction.atomic():
        practice = Practice.objects.create(
            owner=country, title=content["title"], created_by=by, entered_by_itc=entered_by_itc
        )
        practice.countries.add(country)
        revision = PracticeRevision.objects.create(practice=practice, number=1, content=content, created_by=by)
        event = _record(practice, ReviewEvent.Action.CREATED, by=by, revision=revision, to_status=Status.DRAFT, note=note)
        RevisionSave.objects.create(revision=revision, content=content, saved_by=by, saved_at=revision.updated_at, event=event)
    return practice, revision


def _lock_for_writing(revision, by):
    """The version, locked, if `by` may write in it and it is being written; otherwise refuse."""
    revision = _locked(revision)
    require(may_write_practice(by, revision.practice))
    if not revision.is_editable:
        raise ValidationError(_("This version is in review or closed: it can no longer be edited."))
    return revision


def _store_content(revision, content, *, by, event):
    """Make `content` the version's text, and keep it as one more save beside its history entry."""
    revision.content = content
    revision.updated_at = timezone.now()
    revision.save(update_fields=["content", "updated_at"])
    return RevisionSave.objects.create(revision=revision, content=content, saved_by=by, saved_at=revision.updated_at, event=event)


def latest_save(revision):
    """The save a form opened now starts from (its id is the form's `base`)."""
    return revision.saves.order_by("-id").first()


class EditConflict(ValidationError):
    """Someone saved the version after this person opened their form, changing fields the form holds.

    `theirs` is that latest save; `fields` the form's fields whose saved text is no longer the one
    the form started from.
    """

    def __init__(self, *, theirs, fields):
        self.theirs, self.fields = theirs, fields
        super().__init__(_("Someone else saved this version after you opened it."))


def save_revision(revision, *, by, changes, base=None):
    """Save the fields a form edits into a version being written (a draft, or one sent back for changes).

    Only the fields in `changes` change: what the form does not hold (its documents, or fields a
    narrower form leaves out) stays as saved. `base` is the id of the save the form was opened from:
    if a later save changed any of the form's fields, nothing is saved and EditConflict says what
    the other person saved; nothing is overwritten unseen.
    """
    with transaction.atomic():
        revision = _lock_for_writing(revision, by)
        current = normalise_content(revision.content)
        changes = {field: value for field, value in changes.items() if field in current}
        latest = latest_save(revision)
        if base is not None and latest is not None and latest.pk != base:
            started_from = revision.saves.filter(pk=base).first()
            if started_from is None:
                conflicting = [field for field, value in changes.items() if _normalised(field, value) != current[field]]
            else:
                # A field conflicts when the other person changed it and this form would set it to
                # something else again (a second click on the same form conflicts with nothing).
                original = normalise_content(started_from.content)
                conflicting = [
                    field
                    for field, value in changes.items()
                    if original[field] != current[field] and _normalised(field, value) != current[field]
                ]
            if conflicting:
                raise EditConflict(theirs=latest, fields=conflicting)
        content = normalise_content({**current, **changes})
        if not content["title"]:
            raise ValidationError({"title": _("Give the practice a title.")})
        if content == current:
            return revision
        event = _record(revision.practice, ReviewEvent.Action.SAVED, by=by, revision=revision)
        _store_content(revision, content, by=by, event=event)
        if revision.practice.status == Practice.Status.UNPUBLISHED and revision.practice.title != content["title"]:
            # The working title names the practice in lists until its first publication.
            revision.practice.title = content["title"]
            revision.practice.save(update_fields=["title"])
    return revision


def submit_revision(revision, *, by, answer=""):
    """Send a version to ITC for review: a draft is submitted, one sent back for changes resubmitted, with the
    team's answer to the moderator's comment if it gives one (kept in the history entry)."""

    def complete(revision):
        if missing := missing_for_review(revision.content):
            raise ValidationError(
                _("Complete these fields before submitting: %(fields)s.")
                % {"fields": ", ".join(str(Practice._meta.get_field(name).verbose_name) for name in missing)}
            )

    return REVISION_WORKFLOW.take(revision, ("submit", "resubmit"), by=by, note=answer.strip(), check=complete)


def request_changes(revision, *, by, comment):
    return REVISION_WORKFLOW.take(revision, "request_changes", by=by, note=comment)


def publish_revision(revision, *, by, note="", evidence_label=None):
    """Approve a version: its content becomes the public practice."""
    require(may_moderate(by))
    if evidence_label is not None and evidence_label not in EvidenceLabel.values + [""]:
        raise ValidationError({"evidence_label": _("Choose an evidence label.")})

    def make_public(revision):
        _apply(revision)
        practice = revision.practice
        now = timezone.now()
        practice.status = Practice.Status.PUBLISHED
        practice.published_revision = revision
        practice.published_at = now
        practice.first_published_at = practice.first_published_at or now
        fields = ["status", "published_revision", "published_at", "first_published_at"]
        if evidence_label is not None and evidence_label != practice.evidence_label:
            practice.evidence_label = evidence_label
            fields.append("evidence_label")
            _record(practice, Action.EVIDENCE_LABELLED, by=by, revision=revision, to_status=evidence_label)
        practice.save(update_fields=fields)
        refresh_search_vectors(Practice.objects.filter(pk=practice.pk))
        if practice.translations.current().exists():
            notify_translators_after_commit(practice, by=by)  # their translations are outdated now

    return REVISION_WORKFLOW.take(revision, "publish", by=by, note=note, then=make_public)


def reject_revision(revision, *, by, reason):
    return REVISION_WORKFLOW.take(revision, "reject", by=by, note=reason)


def discard_revision(revision, *, by):
    """Set a version being written aside. It is kept, and staff can bring it back."""
    return REVISION_WORKFLOW.take(revision, "discard", by=by)


def restore_discarded_revision(revision, *, by):
    def no_other_open(revision):
        if revision.practice.revisions.filter(status__in=PracticeRevision.OPEN_STATUSES).exists():
            raise ValidationError(_("Another version of this practice is open: finish or discard it first."))

    return REVISION_WORKFLOW.take(revision, "restore_draft", by=by, check=no_other_open)


def start_revision(practice, *, by):
    """Open a new version of a published (or archived) practice, starting from what is public.

    Returns the open version if there already is one, so a double click creates nothing twice.
    """
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_write_practice(by, practice))
        open_revision = practice.revisions.filter(status__in=PracticeRevision.OPEN_STATUSES).first()
        if open_revision is not None:
            return open_revision
        if practice.status == Practice.Status.UNPUBLISHED:
            raise ValidationError(_("This practice has no published version to start from."))
        number = (practice.revisions.aggregate(Max("number"))["number__max"] or 0) + 1
        revision = PracticeRevision.objects.create(
            practice=practice, number=number, content=practice.content_snapshot(), created_by=by
        )
        event = _record(practice, ReviewEvent.Action.CREATED, by=by, revision=revision, to_status=Status.DRAFT)
        RevisionSave.objects.create(revision=revision, content=revision.content, saved_by=by, saved_at=revision.updated_at, event=event)
    return revision


def archive_practice(practice, *, by, note=""):
    """Withdraw a published practice from public view (the owner's focal points or staff)."""
    return PRACTICE_WORKFLOW.take(practice, "archive", by=by, note=note)


def restore_practice(practice, *, by, note=""):
    """Make an archived practice public again (the owner's focal points or staff)."""
    return PRACTICE_WORKFLOW.take(practice, "restore", by=by, note=note)


# --- Documents ---


def add_attachment(revision, *, by, upload, title, checked=None):
    """Store a checked document and list it in the version being written.

    `checked` is check_document's answer when the form already asked it (the check reads the whole
    file under its byte budget: once is enough).
    """
    checked = checked or check_document(upload)
    with transaction.atomic():
        revision = _lock_for_writing(revision, by)
        attachment = Attachment.objects.create(
            practice=revision.practice,
            title=title.strip() or upload.name,
            file=upload,
            original_name=upload.name[:255],
            content_type=checked.content_type,
            extension=checked.extension,
            size=upload.size,
            uploaded_by=by,
        )
        content = normalise_content(revision.content)
        content["attachments"] = sorted([*content["attachments"], attachment.pk])
        event = _record(revision.practice, ReviewEvent.Action.ATTACHMENT_ADDED, by=by, revision=revision, note=attachment.title)
        _store_content(revision, content, by=by, event=event)
    return attachment


def remove_attachment(revision, *, by, attachment):
    """Take a document out of the version being written. The file is kept: earlier versions may list it."""
    with transaction.atomic():
        revision = _lock_for_writing(revision, by)
        content = normalise_content(revision.content)
        if attachment.pk not in content["attachments"]:
            raise ValidationError(_("This document is not part of this version."))
        content["attachments"] = [pk for pk in content["attachments"] if pk != attachment.pk]
        event = _record(revision.practice, ReviewEvent.Action.ATTACHMENT_REMOVED, by=by, revision=revision, note=attachment.title)
        _store_content(revision, content, by=by, event=event)


# --- Co-owner countries: a practice is shared by consent ---
# The owner's focal point (or ITC) proposes; the invited country's focal point (or ITC) accepts or
# declines. Practice.co_owners and Practice.countries, which every page and count reads, change only
# when a sharing is accepted or ended. The practice row is locked first, then the sharing.

CoOwnershipStatus = CoOwnership.Status


def _locked_sharing(co_ownership):
    Practice.objects.select_for_update().get(pk=co_ownership.practice_id)
    return CoOwnership.objects.select_for_update().select_related("practice", "country").get(pk=co_ownership.pk)


def _require_status(co_ownership, status, message):
    if co_ownership.status != status:
        raise ValidationError(message)


def _record_sharing(co_ownership, action, *, by, previous):
    return _record(
        co_ownership.practice,
        action,
        by=by,
        from_status=previous,
        to_status=co_ownership.status,
        note=co_ownership.country.name_en,
        co_ownership=co_ownership,
    )


def _check_can_be_shared(practice, country):
    if country.pk == practice.owner_id:
        raise ValidationError({"country": _("The owner country is not a co-owner of its own practice.")})
    current = practice.co_ownerships.filter(country=country, status__in=CoOwnership.OPEN_STATUSES).first()
    if current is not None and current.status == CoOwnershipStatus.ACCEPTED:
        raise ValidationError({"country": _("This country is already a co-owner.")})
    if current is not None:
        raise ValidationError({"country": _("This country has already been asked: its answer is awaited.")})


def propose_co_owner(practice, *, by, country):
    """Ask another country to co-own a practice. Nothing shows for that country until it accepts."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_share(by, practice))
        _check_can_be_shared(practice, country)
        co_ownership = CoOwnership.objects.create(practice=practice, country=country, proposed_by=by)
        _record_sharing(co_ownership, ReviewEvent.Action.CO_OWNER_PROPOSED, by=by, previous="")
    return co_ownership


def withdraw_co_owner_proposal(co_ownership, *, by):
    """The owner's side takes back a proposal not answered yet."""
    with transaction.atomic():
        co_ownership = _locked_sharing(co_ownership)
        require(may_share(by, co_ownership.practice))
        return _answer(co_ownership, CoOwnershipStatus.WITHDRAWN, ReviewEvent.Action.CO_OWNER_WITHDRAWN, by=by)


def _answer(co_ownership, status, action, *, by):
    _require_status(co_ownership, CoOwnershipStatus.PROPOSED, _("This proposal has already been answered or withdrawn."))
    co_ownership.status, co_ownership.decided_by, co_ownership.decided_at = status, by, timezone.now()
    co_ownership.save(update_fields=["status", "decided_by", "decided_at"])
    _record_sharing(co_ownership, action, by=by, previous=CoOwnershipStatus.PROPOSED)
    return co_ownership


def accept_co_owner_proposal(co_ownership, *, by):
    """The invited country becomes a co-owner: the practice shows on its page and its team may edit it."""
    with transaction.atomic():
        co_ownership = _locked_sharing(co_ownership)
        require(may_answer_share(by, co_ownership))
        _answer(co_ownership, CoOwnershipStatus.ACCEPTED, ReviewEvent.Action.CO_OWNER_ACCEPTED, by=by)
        co_ownership.practice.co_owners.add(co_ownership.country)
        co_ownership.practice.countries.add(co_ownership.country)
    return co_ownership


def decline_co_owner_proposal(co_ownership, *, by):
    with transaction.atomic():
        co_ownership = _locked_sharing(co_ownership)
        require(may_answer_share(by, co_ownership))
        return _answer(co_ownership, CoOwnershipStatus.DECLINED, ReviewEvent.Action.CO_OWNER_DECLINED, by=by)


def _end(co_ownership, status, action, *, by):
    _require_status(co_ownership, CoOwnershipStatus.ACCEPTED, _("This country is not a co-owner."))
    co_ownership.status, co_ownership.ended_by, co_ownership.ended_at = status, by, timezone.now()
    co_ownership.save(update_fields=["status", "ended_by", "ended_at"])
    co_ownership.practice.co_owners.remove(co_ownership.country)
    co_ownership.practice.countries.remove(co_ownership.country)
    _record_sharing(co_ownership, action, by=by, previous=CoOwnershipStatus.ACCEPTED)
    return co_ownership


def leave_co_ownership(co_ownership, *, by):
    """A co-owner country stops sharing a practice: it leaves its page and its team's workspace."""
    with transaction.atomic():
        co_ownership = _locked_sharing(co_ownership)
        require(may_leave(by, co_ownership))
        return _end(co_ownership, CoOwnershipStatus.LEFT, ReviewEvent.Action.CO_OWNER_LEFT, by=by)


def remove_co_owner(practice, *, by, country):
    """The owner's side stops sharing a practice with a co-owner country."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_share(by, practice))
        co_ownership = practice.co_ownerships.filter(country=country, status=CoOwnershipStatus.ACCEPTED).select_for_update().first()
        if co_ownership is None:
            raise ValidationError(_("This country is not a co-owner."))
        _end(co_ownership, CoOwnershipStatus.REMOVED, ReviewEvent.Action.CO_OWNER_REMOVED, by=by)
    return practice


def add_co_owner(practice, *, by, country):
    """ITC records, in one step, a sharing both countries agreed to elsewhere (at a meeting, in a letter).

    ITC may propose and may accept on a country's behalf; this is both at once, recorded as one step.
    Delegates propose, and the other country answers.
    """
    require(may_moderate(by))
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        _check_can_be_shared(practice, country)
        now = timezone.now()
        co_ownership = CoOwnership.objects.create(
            practice=practice,
            country=country,
            status=CoOwnershipStatus.ACCEPTED,
            proposed_by=by,
            proposed_at=now,
            decided_by=by,
            decided_at=now,
        )
        practice.co_owners.add(country)
        practice.countries.add(country)
        _record_sharing(co_ownership, ReviewEvent.Action.CO_OWNER_ADDED, by=by, previous="")
    return practice


TAG_FIELDS = ("themes", "instruments", "target_groups")


def correct_tags(revision, *, by, tags):
    """A moderator corrects the themes, instrument types and target groups of a version in review.

    The team sees what changed in the history: the note lists the added (+) and removed (−) terms.
    """
    require(may_moderate(by))
    with transaction.atomic():
        revision = _locked(revision)
        if not revision.is_in_review:
            raise ValidationError(_("This version is not waiting for review."))
        content = normalise_content(revision.content)
        changes = []
        for field in TAG_FIELDS:
            model = RELATED_MODELS[field]
            wanted = sorted(set(tags.get(field, content[field])))
            names = dict(model.objects.filter(slug__in=[*wanted, *content[field]]).values_list("slug", "name_en"))
            if unknown := [slug for slug in wanted if slug not in names]:
                raise ValidationError({field: _("Unknown: %(terms)s.") % {"terms": ", ".join(unknown)}})
            added, removed = set(wanted) - set(content[field]), set(content[field]) - set(wanted)
            changes += [f"+ {names.get(slug, slug)}" for slug in sorted(added)]
            changes += [f"− {names.get(slug, slug)}" for slug in sorted(removed)]
            content[field] = wanted
        if not changes:
            return revision
        if not content["themes"]:
            raise ValidationError({"themes": _("A practice needs at least one theme.")})
        event = _record(revision.practice, ReviewEvent.Action.TAGS_CORRECTED, by=by, revision=revision, note="\n".join(changes))
        _store_content(revision, content, by=by, event=event)
    return revision


def claim_review(revision, *, by):
    """A moderator takes a version in review on; another moderator can take it over."""
    require(may_moderate(by))
    with transaction.atomic():
        revision = _locked(revision)
        if not revision.is_in_review:
            raise ValidationError(_("This version is not waiting for review."))
        if revision.claimed_by_id == by.pk:
            return revision
        revision.claimed_by = by
        revision.save(update_fields=["claimed_by"])
        _record(revision.practice, ReviewEvent.Action.CLAIMED, by=by, revision=revision)
    return revision


# --- Import ---


def start_import(*, by, file_name, file_sha256, rows):
    """Keep the checked rows of an uploaded spreadsheet until staff confirm its import."""
    require(may_moderate(by))
    return ImportBatch.objects.create(uploaded_by=by, file_name=file_name[:255], file_sha256=file_sha256, rows=rows)


def import_batch(batch, *, by):
    """Create the practices of an uploaded spreadsheet: each row that can be imported becomes a
    draft owned by its country, marked as entered by ITC, for the country's team to confirm and submit.

    A row whose practice is already on the platform is skipped, so importing the same file twice,
    or confirming twice, creates nothing twice.
    """
    require(may_moderate(by))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PENDING:
            raise ValidationError(_("This file has already been imported."))
        rows = current_rows(batch.rows)
        to_create = [row for row in rows if row["outcome"] == Outcome.CREATE]
        if not to_create:
            raise ValidationError(_("No row of this file can be imported."))
        countries = Country.objects.in_bulk({row["country"] for row in to_create}, field_name="iso2")
        for row in to_create:
            country = countries[row["country"]]
            key = import_key(country.iso2, row["content"]["title"])
            note = _("Imported from %(file)s, row %(row)s.") % {"file": batch.file_name, "row": row["number"]}
            try:
                with transaction.atomic():
                    practice, _revision = create_practice(country, by=by, content=row["content"], entered_by_itc=True, note=note)
                    practice.import_key = key
                    practice.save(update_fields=["import_key"])
            except IntegrityError:
                # The same practice, imported at this moment from another upload: the unique key refused it.
                existing = Practice.objects.filter(import_key=key).values_list("pk", flat=True).first()
                row.update(outcome=Outcome.ALREADY, practice=existing, practice_country=country.iso2)
                continue
            row.update(outcome=Outcome.CREATED, practice=practice.pk, practice_country=country.iso2)
        batch.rows = rows
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_by = by
        batch.imported_at = timezone.now()
        batch.created_count = sum(1 for row in rows if row["outcome"] == Outcome.CREATED)
        batch.save(update_fields=["rows", "status", "imported_by", "imported_at", "created_count"])
    return batch


# --- Translations: reviewed like a practice's versions ---

TStatus = PracticeTranslation.Status


def _audit_translation(translation, transition, *, by, from_status, note):
    return _record(
        translation.practice, transition.action, by=by, translation=translation,
        from_status=from_status, to_status=transition.target, note=note,
    )


def _writes_translation(user, translation):
    return may_write_translation(user, translation)


_T_IN_REVIEW = PracticeTranslation.IN_REVIEW_STATUSES
TRANSLATION_WORKFLOW = Workflow(
    PracticeTranslation,
    Transition("submit", (TStatus.DRAFT,), TStatus.SUBMITTED, _writes_translation, Action.TRANSLATION_SUBMITTED, stamps=("updated_at", "submitted_at")),
    Transition(
        "resubmit", (TStatus.CHANGES_REQUESTED,), TStatus.RESUBMITTED, _writes_translation, Action.TRANSLATION_RESUBMITTED,
        stamps=("updated_at", "submitted_at"),
    ),
    Transition("publish", _T_IN_REVIEW, TStatus.PUBLISHED, _moderates, Action.TRANSLATION_PUBLISHED, stamps=_DECIDED),
    Transition(
        "request_changes", _T_IN_REVIEW, TStatus.CHANGES_REQUESTED, _moderates, Action.TRANSLATION_CHANGES_REQUESTED, stamps=_DECIDED,
        note_field="comment", note_required=gettext_lazy("Say what should change: the translator reads this comment."),
    ),
    Transition(
        "reject", _T_IN_REVIEW, TStatus.REJECTED, _moderates, Action.TRANSLATION_REJECTED, stamps=_DECIDED,
        note_field="reason", note_required=gettext_lazy("Give the reason: the translator reads it."),
    ),
    Transition("discard", PracticeTranslation.EDITABLE_STATUSES, TStatus.DISCARDED, _writes_translation, Action.TRANSLATION_DISCARDED, stamps=("updated_at",)),
    audit=_audit_translation,
    related=("practice",),
)


def _clean_text(value):
    return (value or "").replace("\r\n", "\n").strip()


def start_translation(practice, *, by, language):
    """Open a translation of a published practice into `language`, or return the one already open.

    A new version starts from the current published translation (if any), so a translator updates
    what changed in the original rather than starting again.
    """
    if language not in LANGUAGE_CODES:  # the working languages, not "other"
        raise ValidationError({"language": _("Choose English, French or Spanish.")})
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_translate(by, practice))
        if language == practice.original_language:
            raise ValidationError({"language": _("The practice is written in this language: choose another one.")})
        translations = practice.translations.filter(language=language)
        open_translation = translations.filter(status__in=PracticeTranslation.OPEN_STATUSES).first()
        if open_translation is not None:
            return open_translation
        previous = translations.current().first()
        membership = None if may_moderate(by) else membership_of(by)
        volunteer = membership.country if membership and not practice.countries.filter(pk=membership.country_id).exists() else None
        translation = PracticeTranslation.objects.create(
            practice=practice,
            language=language,
            number=(translations.aggregate(Max("number"))["number__max"] or 0) + 1,
            source_revision=practice.published_revision,
            translated_by=by,
            volunteer_country=volunteer,
            **(previous.text() if previous else {}),
        )
        _record(practice, Action.TRANSLATION_STARTED, by=by, translation=translation, to_status=TStatus.DRAFT)
    return translation


def save_translation(translation, *, by, text, follows_current=False):
    """Save what the translator wrote: only the fields given change. A person's edit ends a machine draft's label.

    `follows_current`: the translator says the text now follows the original's version published now (the
    edit page shows them what changed since the one it translated), so it is no longer outdated.
    """
    with transaction.atomic():
        translation = TRANSLATION_WORKFLOW.lock(translation)
        require(may_write_translation(by, translation))
        if not translation.is_editable:
            raise ValidationError(_("This translation is in review or closed: it can no longer be edited."))
        changed = []
        for field in TRANSLATED_FIELDS:
            if field in text and _clean_text(text[field]) != getattr(translation, field):
                setattr(translation, field, _clean_text(text[field]))
                changed.append(field)
        fields = list(changed)
        if changed:
            translation.machine_draft = False
            fields.append("machine_draft")
        published = translation.practice.published_revision
        if follows_current and published is not None and translation.source_revision_id != published.pk:
            translation.source_revision = published
            fields.append("source_revision")
        if not fields:
            return translation  # a save that changes nothing writes nothing, as for a practice's versions
        translation.updated_at = timezone.now()
        translation.full_clean(exclude=["practice", "source_revision", "translated_by", "volunteer_country", "decided_by"], validate_constraints=False)
        translation.save(update_fields=[*fields, "updated_at"])
        note = ", ".join(changed)
        if "source_revision" in fields:
            note = "; ".join(filter(None, [note, _("brought up to date with version %(number)s of the original") % {"number": published.number}]))
        _record(translation.practice, Action.TRANSLATION_SAVED, by=by, translation=translation, note=note)
    return translation


def submit_translation(translation, *, by):
    """Send a translation to ITC for review (again, after requested changes)."""

    def complete(translation):
        missing = [field for field in REQUIRED_FOR_TRANSLATION_REVIEW if not getattr(translation, field).strip()]
        if missing:
            raise ValidationError(
                _("Complete these fields before submitting: %(fields)s.")
                % {"fields": ", ".join(str(PracticeTranslation._meta.get_field(name).verbose_name) for name in missing)}
            )

    return TRANSLATION_WORKFLOW.take(translation, ("submit", "resubmit"), by=by, check=complete)


def publish_translation(translation, *, by, note=""):
    """Approve a translation: readers in its language get it from now on, instead of the previous one."""

    def make_current(translation):
        translation.practice.translations.filter(language=translation.language, is_current=True).update(is_current=False)
        translation.is_current = True
        translation.save(update_fields=["is_current"])
        refresh_translation_vectors(PracticeTranslation.objects.filter(pk=translation.pk))

    return TRANSLATION_WORKFLOW.take(translation, "publish", by=by, note=note, then=make_current)


def request_translation_changes(translation, *, by, comment):
    return TRANSLATION_WORKFLOW.take(translation, "request_changes", by=by, note=comment)


def reject_translation(translation, *, by, reason):
    return TRANSLATION_WORKFLOW.take(translation, "reject", by=by, note=reason)


def discard_translation(translation, *, by):
    return TRANSLATION_WORKFLOW.take(translation, "discard", by=by)


def draft_translation_by_machine(translation, *, by, engine=None):
    """Fill the translation's empty fields with the configured engine's draft of the original's text.

    Returns the translation and the names of the fields drafted (none when no field was empty). Only
    empty fields are drafted, so nothing a person wrote is replaced; the translation is labelled a
    machine draft until a person saves an edit (save_translation), and goes through ITC's review like
    any other. The engine is asked outside the transaction (it may take its whole time-out): whatever
    was saved meanwhile is kept, and a field filled meanwhile is left as it is. An engine's failure is a
    machine.MachineTranslationError, and nothing changes.
    """
    engine = engine or machine.configured_engine()
    if engine is None:
        raise machine.MachineTranslationError(_("Machine translation is not available on this platform."))
    require(may_write_translation(by, translation))
    if not translation.is_editable:
        raise ValidationError(_("This translation is in review or closed: it can no longer be edited."))
    practice = translation.practice
    wanted = {
        field: getattr(practice, field)
        for field in TRANSLATED_FIELDS
        if getattr(practice, field).strip() and not getattr(translation, field).strip()
    }
    if not wanted:
        return translation, []
    source = practice.original_language if practice.original_language in LANGUAGE_CODES else None
    drafted = machine.translate(wanted, source=source, target=translation.language, engine=engine)
    with transaction.atomic():
        translation = TRANSLATION_WORKFLOW.lock(translation)
        require(may_write_translation(by, translation))
        if not translation.is_editable:
            raise ValidationError(_("This translation is in review or closed: it can no longer be edited."))
        filled = []
        for field, text in drafted.items():
            text = _clean_text(text)[: PracticeTranslation._meta.get_field(field).max_length]  # a machine's overlong title is cut
            if text and not getattr(translation, field).strip():
                setattr(translation, field, text)
                filled.append(field)
        if not filled:
            return translation, []
        translation.machine_draft = True
        translation.updated_at = timezone.now()
        translation.save(update_fields=[*filled, "machine_draft", "updated_at"])
        _record(
            translation.practice, Action.TRANSLATION_MACHINE_DRAFTED, by=by, translation=translation,
            note=f"{engine.name}: {', '.join(filled)}",
        )
    return translation, filled


# --- Readers asking for a translation ---


def ask_for_translation(practice, *, by, language):
    """A signed-in reader asks for a published practice in a working language it cannot be read in yet.

    Asking again changes nothing (and writes nothing); asking after withdrawing asks again.
    """
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose English, French or Spanish.")})
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_ask_for_translation(by, practice))
        if language == practice.original_language:
            raise ValidationError({"language": _("The practice is written in this language: choose another one.")})
        if practice.translations.current().filter(language=language).exists():
            raise ValidationError({"language": _("The practice can already be read in this language.")})
        request, created = TranslationRequest.objects.get_or_create(practice=practice, language=language, requested_by=by)
        if not created:
            if request.is_open:
                return request
            request.withdrawn_at, request.requested_at = None, timezone.now()
            request.save(update_fields=["withdrawn_at", "requested_at"])
        _record(practice, Action.TRANSLATION_REQUESTED, by=by, to_status=language)
    return request


def withdraw_translation_request(practice, *, by, language):
    """The reader no longer asks for the practice in `language`. Withdrawing what is not asked changes nothing."""
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        require(may_ask_for_translation(by, practice))
        request = TranslationRequest.objects.filter(practice=practice, language=language, requested_by=by, withdrawn_at__isnull=True).first()
        if request is None:
            return None
        request.withdrawn_at = timezone.now()
        request.save(update_fields=["withdrawn_at"])
        _record(practice, Action.TRANSLATION_REQUEST_WITHDRAWN, by=by, from_status=language)
    return request
