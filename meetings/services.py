"""State changes of the community's record: each a guarded, atomic function that writes a RecordEvent.

Every function takes the acting user as `by`, checks that they may act and that the object is in a
state the change starts from, and raises PermissionDenied or ValidationError otherwise, changing
nothing. What ITC reviews or confirms (uptake stories, participations, presentations, endorsements)
moves only through its Workflow (countries/workflow.py), declared below.
"""

from datetime import date as _date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.access import is_moderator, may_act_for_country, may_moderate, may_speak_for_country, require
from countries.languages import LANGUAGE_CODES, language_columns
from countries.workflow import Transition, Workflow
from practices.attachments import check_document
from practices.models import Practice

from .models import (
    AgendaItem,
    Confirmation,
    Deliverable,
    DeliverableEvent,
    Endorsement,
    Meeting,
    MeetingDocument,
    Participation,
    Presentation,
    RecordEvent,
    UptakeStory,
)
from .tasks import notify_story_after_commit


def record(action, *, by, country=None, meeting=None, story=None, from_status="", to_status="", note=""):
    return RecordEvent.objects.create(
        action=action, actor=by, country=country, meeting=meeting, story=story, from_status=from_status, to_status=to_status, note=note
    )


# --- Meetings ---


# What staff set on a meeting; status (is_published) changes only through publish/unpublish.
MEETING_FIELDS = (
    "title", "slug", "kind", "format", "starts_at", "ends_at", "time_zone", "place", "description", "outcome", "delegates_count", "is_sample",
    *language_columns(Meeting.TRANSLATED_FIELDS),
)
AGENDA_FIELDS = ("starts_at", "title", "speakers", *language_columns(AgendaItem.TRANSLATED_FIELDS))


def _set_texts_in_languages(record, texts):
    """The language of a record's texts and their French and Spanish companions, as given (countries/languages.py)."""
    unknown = set(texts) - set(language_columns(type(record).TRANSLATED_FIELDS))
    if unknown:
        raise TypeError(f"Not a text in another language of {type(record).__name__}: {', '.join(sorted(unknown))}")
    for name, value in texts.items():
        setattr(record, name, value.replace("\r\n", "\n").strip() if isinstance(value, str) else value)
    if record.language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose English, French or Spanish.")})


def _locked_meeting(meeting):
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _unique_slug(title, *, exclude=None):
    base = slugify(title)[:100] or "meeting"
    taken = set(Meeting.objects.filter(slug__startswith=base).exclude(pk=exclude).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _agenda_outside(meeting):
    """The agenda items whose time falls outside the meeting's start and end."""
    return [
        item for item in meeting.agenda.exclude(starts_at__isnull=True)
        if not meeting.starts_at <= item.starts_at <= meeting.ends_at
    ]


def _fill_and_check(meeting, data):
    for field in MEETING_FIELDS:
        if field in data:
            value = data[field]
            setattr(meeting, field, value.strip() if isinstance(value, str) else value)
    if not meeting.slug:
        meeting.slug = _unique_slug(meeting.title, exclude=meeting.pk)
    # Every field's own rules (choices, the time zone, a unique address) and the model's: the end not before the start.
    meeting.full_clean(exclude=["created_by"])


def create_meeting(*, by, data):
    """A new meeting, not public until staff publish it."""
    require(may_moderate(by))
    meeting = Meeting(created_by=by)
    _fill_and_check(meeting, data)
    with transaction.atomic():
        meeting.save()
        record(RecordEvent.Action.MEETING_CREATED, by=by, meeting=meeting, note=meeting.title)
    return meeting


def update_meeting(meeting, *, by, data):
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _fill_and_check(meeting, data)
        if outside := _agenda_outside(meeting):
            raise ValidationError(
                {"starts_at": _("These agenda items would fall outside the meeting: %(items)s. Change their time first.")
                 % {"items": ", ".join(item.title for item in outside)}}
            )
        meeting.updated_at = timezone.now()
        meeting.save(update_fields=[*MEETING_FIELDS, "updated_at"])
        record(RecordEvent.Action.MEETING_CHANGED, by=by, meeting=meeting)
    return meeting


def _set_published(meeting, *, by, published, action):
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.is_published == published:
            raise ValidationError(_("The meeting is already public.") if published else _("The meeting is not public."))
        meeting.is_published = published
        meeting.updated_at = timezone.now()
        meeting.save(update_fields=["is_published", "updated_at"])
        record(action, by=by, meeting=meeting)
    return meeting


def publish_meeting(meeting, *, by):
    return _set_published(meeting, by=by, published=True, action=RecordEvent.Action.MEETING_PUBLISHED)


def unpublish_meeting(meeting, *, by):
    return _set_published(meeting, by=by, published=False, action=RecordEvent.Action.MEETING_UNPUBLISHED)


# The agenda


def _check_agenda_item(item, meeting):
    item.title = (item.title or "").strip()
    item.speakers = (item.speakers or "").strip()
    if not item.title:
        raise ValidationError({"title": _("Give the agenda item a title.")})
    if item.starts_at is not None and not meeting.starts_at <= item.starts_at <= meeting.ends_at:
        zone = meeting.zone
        raise ValidationError(
            {"starts_at": _("The time must fall within the meeting, from %(start)s to %(end)s (%(zone)s).")
             % {
                 "start": meeting.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                 "end": meeting.ends_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                 "zone": meeting.time_zone,
             }}
        )
    item.full_clean(exclude=["meeting"])


def add_agenda_item(meeting, *, by, starts_at=None, title, speakers="", **texts):
    """An item at the end of the agenda; `texts` are its title in other languages and their `language`."""
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        item = AgendaItem(meeting=meeting, starts_at=starts_at, title=title, speakers=speakers)
        _set_texts_in_languages(item, texts)
        _check_agenda_item(item, meeting)
        item.position = (meeting.agenda.aggregate(Max("position"))["position__max"] or 0) + 1
        item.save()
        record(RecordEvent.Action.AGENDA_CHANGED, by=by, meeting=meeting, note=_("Added: %(item)s") % {"item": item.title})
    return item


def update_agenda_item(item, *, by, starts_at=None, title, speakers="", **texts):
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        item = meeting.agenda.get(pk=item.pk)
        item.starts_at, item.title, item.speakers = starts_at, title, speakers
        _set_texts_in_languages(item, texts)
        _check_agenda_item(item, meeting)
        item.save(update_fields=list(AGENDA_FIELDS))
        record(RecordEvent.Action.AGENDA_CHANGED, by=by, meeting=meeting, note=_("Changed: %(item)s") % {"item": item.title})
    return item


def remove_agenda_item(item, *, by):
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        item = meeting.agenda.get(pk=item.pk)
        item.delete()
        record(RecordEvent.Action.AGENDA_CHANGED, by=by, meeting=meeting, note=_("Removed: %(item)s") % {"item": item.title})


def move_agenda_item(item, *, by, up):
    """Swap an item with the one before it (up) or after it; the agenda is numbered afresh."""
    require(may_moderate(by))
    with transaction.atomic():
        # The meeting's lock orders concurrent moves: each sees the agenda the previous one left.
        meeting = _locked_meeting(item.meeting)
        items = list(meeting.agenda.all())
        index = next(index for index, other in enumerate(items) if other.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            raise ValidationError(_("This item is already first.") if up else _("This item is already last."))
        items[index], items[other] = items[other], items[index]
        for position, agenda_item in enumerate(items, start=1):
            if agenda_item.position != position:
                agenda_item.position = position
                agenda_item.save(update_fields=["position"])
        record(RecordEvent.Action.AGENDA_CHANGED, by=by, meeting=meeting, note=_("Moved: %(item)s") % {"item": items[other].title})


# Documents


def add_document(meeting, *, by, upload, title, kind=MeetingDocument.Kind.OTHER):
    """Store a checked document under a generated name (meeting-documents/…)."""
    require(may_moderate(by))
    if kind not in MeetingDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    checked = check_document(upload)
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        document = MeetingDocument.objects.create(
            meeting=meeting,
            kind=kind,
            title=title.strip() or upload.name[:200],
            file=upload,
            original_name=upload.name[:255],
            content_type=checked.content_type,
            extension=checked.extension,
            size=upload.size,
            uploaded_by=by,
        )
        record(RecordEvent.Action.DOCUMENT_ADDED, by=by, meeting=meeting, note=document.title)
    return document


def remove_document(document, *, by):
    """Delete a document and, once the deletion is committed, its file."""
    require(may_moderate(by))
    with transaction.atomic():
        meeting = _locked_meeting(document.meeting)
        document = meeting.documents.get(pk=document.pk)
        name, storage = document.file.name, document.file.storage
        document.delete()
        record(RecordEvent.Action.DOCUMENT_REMOVED, by=by, meeting=meeting, note=document.title)
        transaction.on_commit(lambda: storage.delete(name))


# What countries declare, and staff confirm


def _declared_or_confirmed(declaration, by):
    """Staff record what they know: confirmed at once. A country's declaration waits for staff."""
    if is_moderator(by):
        declaration.status, declaration.decided_by, declaration.decided_at = Confirmation.CONFIRMED, by, timezone.now()
    else:
        declaration.status, declaration.decided_by, declaration.decided_at = Confirmation.DECLARED, None, None


def _require_meeting_visible(meeting, by):
    # A country declares only for meetings it can see; staff record any.
    require(meeting.is_published or may_moderate(by))


def declare_participation(meeting, *, by, country, delegates=None):
    """The country took part in the meeting; declaring again updates the declaration."""
    require(may_speak_for_country(by, country.pk))
    if delegates is not None and delegates < 0:
        raise ValidationError({"delegates": _("The number of delegates cannot be negative.")})
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_meeting_visible(meeting, by)
        participation = Participation.objects.select_for_update().filter(meeting=meeting, country=country).first()
        previous = participation.status if participation else ""
        if participation is None:
            participation = Participation(meeting=meeting, country=country)
        participation.delegates = delegates
        participation.recorded_by, participation.recorded_at = by, timezone.now()
        _declared_or_confirmed(participation, by)
        participation.save()
        record(
            RecordEvent.Action.PARTICIPATION_DECLARED, by=by, country=country, meeting=meeting,
            from_status=previous, to_status=participation.status, note=_("Delegates: %(count)s") % {"count": delegates if delegates is not None else "—"},
        )
    return participation


def declare_presentation(meeting, *, by, country, title, summary="", practices=()):
    """What the country presented at the meeting, with the published practices of its own it presented."""
    require(may_speak_for_country(by, country.pk))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the presentation a title.")})
    wanted = {practice.pk if isinstance(practice, Practice) else int(practice) for practice in practices}
    allowed = set(Practice.objects.published().of_country(country).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"practices": _("Only published practices of %(country)s can be linked to its presentation.") % {"country": country.name}}
        )
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _require_meeting_visible(meeting, by)
        # Browsers send line ends as CRLF: kept as \n, as every other text of the record.
        summary = (summary or "").replace("\r\n", "\n").strip()
        presentation = Presentation(meeting=meeting, country=country, title=title, summary=summary, recorded_by=by)
        _declared_or_confirmed(presentation, by)
        presentation.save()
        presentation.practices.set(allowed)
        record(
            RecordEvent.Action.PRESENTATION_DECLARED, by=by, country=country, meeting=meeting, to_status=presentation.status, note=title
        )
    return presentation


def _moderates(user, record):
    return may_moderate(user)


def _audit_declaration(declaration, transition, *, by, from_status, note):
    return record(
        transition.action, by=by, country=declaration.country, meeting=declaration.meeting,
        from_status=from_status, to_status=transition.target, note=note or str(declaration),
    )


def _confirmation_workflow(model, audit, *, related, refused):
    """What a country declares and ITC confirms (or not): participations, presentations, endorsements."""
    decided = ("decided_at", "decided_by")
    return Workflow(
        model,
        Transition("confirm", (Confirmation.DECLARED,), Confirmation.CONFIRMED, _moderates, RecordEvent.Action.CONFIRMED, stamps=decided, refused=refused),
        Transition("decline", (Confirmation.DECLARED,), Confirmation.DECLINED, _moderates, RecordEvent.Action.DECLINED, stamps=decided, refused=refused),
        audit=audit,
        related=related,
    )


_DECLARATION_REFUSED = gettext_lazy("Only a declaration waiting for confirmation can be decided; this one is “%(status)s”.")
PARTICIPATION_WORKFLOW = _confirmation_workflow(Participation, _audit_declaration, related=("meeting", "country"), refused=_DECLARATION_REFUSED)
PRESENTATION_WORKFLOW = _confirmation_workflow(Presentation, _audit_declaration, related=("meeting", "country"), refused=_DECLARATION_REFUSED)
DECLARATION_WORKFLOWS = {Participation: PARTICIPATION_WORKFLOW, Presentation: PRESENTATION_WORKFLOW}


def confirm_declaration(declaration, *, by):
    """Staff confirm a country's participation or presentation: it becomes public with the meeting."""
    return DECLARATION_WORKFLOWS[type(declaration)].take(declaration, "confirm", by=by)


def decline_declaration(declaration, *, by, note=""):
    return DECLARATION_WORKFLOWS[type(declaration)].take(declaration, "decline", by=by, note=note)


# --- The Call to Action ---


StoryStatus = UptakeStory.Status
Action = RecordEvent.Action


def _check_endorsement_details(*, endorsed_on, meeting):
    if endorsed_on is not None and endorsed_on > timezone.localdate():
        raise ValidationError({"endorsed_on": _("The date of the endorsement cannot be in the future.")})


def _already_endorsed(call, country, existing):
    messages = {
        Confirmation.CONFIRMED: _("%(country)s has already endorsed “%(call)s”: ITC confirmed it."),
        Confirmation.DECLARED: _("The endorsement of “%(call)s” by %(country)s is already declared and waiting for ITC's confirmation."),
        Confirmation.DECLINED: _("ITC did not confirm the endorsement of “%(call)s” by %(country)s. Write to ITC to correct it."),
    }
    return ValidationError(messages[existing.status] % {"country": country.name, "call": call.title}, code="duplicate")


def _create_endorsement(call, *, country, **fields):
    """The new endorsement, or the clear "already endorsed" error: checked first, and the unique constraint settles a race."""
    existing = Endorsement.objects.filter(call=call, country=country).first()
    if existing is not None:
        raise _already_endorsed(call, country, existing)
    try:
        with transaction.atomic():
            return Endorsement.objects.create(call=call, country=country, **fields)
    except IntegrityError:
        raise _already_endorsed(call, country, Endorsement.objects.get(call=call, country=country)) from None


def declare_endorsement(call, *, country, by, endorsed_on=None, meeting=None):
    """A country's focal point (or staff on its behalf) declares that it endorsed the Call to Action."""
    require(may_speak_for_country(by, country.pk))
    _check_endorsement_details(endorsed_on=endorsed_on, meeting=meeting)
    if meeting is not None:
        _require_meeting_visible(meeting, by)
    with transaction.atomic():
        endorsement = _create_endorsement(call, country=country, endorsed_on=endorsed_on, meeting=meeting, recorded_by=by)
        record(Action.ENDORSEMENT_DECLARED, by=by, country=country, meeting=meeting, to_status=Confirmation.DECLARED, note=call.title)
    return endorsement


def record_endorsement(call, *, country, by, endorsed_on=None, meeting=None):
    """ITC staff record an endorsement they know of: confirmed at once."""
    require(may_moderate(by))
    _check_endorsement_details(endorsed_on=endorsed_on, meeting=meeting)
    with transaction.atomic():
        endorsement = _create_endorsement(
            call, country=country, endorsed_on=endorsed_on, meeting=meeting, status=Confirmation.CONFIRMED,
            recorded_by=by, decided_by=by, decided_at=timezone.now(),
        )
        record(Action.CONFIRMED, by=by, country=country, meeting=meeting, to_status=Confirmation.CONFIRMED, note=call.title)
    return endorsement


def _audit_endorsement(endorsement, transition, *, by, from_status, note):
    return record(
        transition.action, by=by, country=endorsement.country, meeting=endorsement.meeting,
        from_status=from_status, to_status=transition.target, note=note or endorsement.call.title,
    )


ENDORSEMENT_WORKFLOW = _confirmation_workflow(
    Endorsement, _audit_endorsement, related=("call", "country", "meeting"),
    refused=gettext_lazy("Only a declared endorsement can be confirmed or declined; this one is “%(status)s”."),
)


def confirm_endorsement(endorsement, *, by):
    return ENDORSEMENT_WORKFLOW.take(endorsement, "confirm", by=by)


def decline_endorsement(endorsement, *, by, note=""):
    return ENDORSEMENT_WORKFLOW.take(endorsement, "decline", by=by, note=note)


def _valid_progress(progress):
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Give the progress as a whole number from 0 to 100.")})
    return progress


def update_deliverable(deliverable, *, by, status, progress):
    """Staff set a deliverable's status and progress (a percentage)."""
    require(may_moderate(by))
    if status not in Deliverable.Status.values:
        raise ValidationError({"status": _("Choose a status: planned, in progress or delivered.")})
    progress = _valid_progress(progress)
    with transaction.atomic():
        deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        previous_status, previous_progress = deliverable.status, deliverable.progress
        if (previous_status, previous_progress) == (status, progress):
            return deliverable
        deliverable.status, deliverable.progress = status, progress
        deliverable.save(update_fields=["status", "progress"])
        record(
            Action.DELIVERABLE_CHANGED, by=by, from_status=previous_status, to_status=status,
            note=f"{deliverable.title}: {previous_progress}% → {progress}%",
        )
    return deliverable


def add_deliverable_event(deliverable, *, by, happened_on, title, description="", meeting=None, document=None, link="", **texts):
    """Staff record a dated step of a deliverable, linked to a meeting and its document if any.

    `texts` are its title and details in other languages and their `language`.
    """
    require(may_moderate(by))
    errors = {}
    if not isinstance(happened_on, _date):
        errors["happened_on"] = _("Give the date it happened.")
    elif happened_on > timezone.localdate():
        errors["happened_on"] = _("The date cannot be in the future: record what has happened.")
    if not title.strip():
        errors["title"] = _("Say what happened.")
    if document is not None and meeting is not None and document.meeting_id != meeting.pk:
        errors["document"] = _("This document belongs to another meeting.")
    if errors:
        raise ValidationError(errors)
    if document is not None and meeting is None:
        meeting = document.meeting
    event = DeliverableEvent(
        deliverable=deliverable, happened_on=happened_on, title=title.strip(), description=description.strip(),
        meeting=meeting, document=document, link=link.strip(), recorded_by=by,
    )
    _set_texts_in_languages(event, texts)
    with transaction.atomic():
        event.save()
        record(Action.DELIVERABLE_EVENT_ADDED, by=by, meeting=meeting, note=f"{deliverable.title}: {event.title}")
    return event


# Uptake stories: moderated like practices.

STORY_FIELDS = ("title", "language", "institution", "story", "used_deliverable", "used_practice")


def _record_story(story, action, *, by, from_status="", to_status="", note=""):
    event = record(action, by=by, country=story.country, story=story, from_status=from_status, to_status=to_status, note=note)
    notify_story_after_commit(event)
    return event


def _clean_story_content(country, content, *, kept_practice_id=None):
    """The story's fields, checked: a title; a practice used must be published, and another country's.

    The practice the story already names (kept_practice_id) is kept as it is, even once its country withdraws it.
    """
    content = {field: content.get(field) for field in STORY_FIELDS}
    for field in ("title", "institution", "story"):
        content[field] = (content[field] or "").replace("\r\n", "\n").strip()
    if not content["title"]:
        raise ValidationError({"title": _("Give the story a title.")})
    if content["language"] is None:
        del content["language"]  # not given: a new story's default, a saved story's own
    elif content["language"] not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose English, French or Spanish.")})
    practice = content["used_practice"]
    if practice is not None and practice.pk != kept_practice_id:
        if not Practice.objects.published().filter(pk=practice.pk).exists():
            raise ValidationError({"used_practice": _("Choose a published practice.")})
        if Practice.objects.of_country(country).filter(pk=practice.pk).exists():
            raise ValidationError({"used_practice": _("Choose a practice of another country: an uptake story tells how a peer's practice was used.")})
    return content


def missing_for_story_review(story):
    """What a story still needs before it can be submitted: its text and what it used."""
    missing = []
    if not story.story.strip():
        missing.append(_("what was done"))
    if story.used_deliverable_id is None and story.used_practice_id is None:
        missing.append(_("the ITC deliverable or peer practice used"))
    return missing


def create_uptake_story(country, *, by, content):
    """A new story of `country`, as a draft: written by its team, or by staff on its behalf."""
    require(may_act_for_country(by, country.pk))
    content = _clean_story_content(country, content)
    with transaction.atomic():
        story = UptakeStory.objects.create(country=country, created_by=by, **content)
        _record_story(story, Action.STORY_CREATED, by=by, to_status=StoryStatus.DRAFT)
    return story


def _locked_story(story):
    return UptakeStory.objects.select_for_update().select_related("country").get(pk=story.pk)


def save_uptake_story(story, *, by, content):
    """Save a story being written (a draft, or one sent back for changes)."""
    with transaction.atomic():
        story = _locked_story(story)
        require(may_act_for_country(by, story.country_id))
        if not story.is_editable:
            raise ValidationError(_("This story is in review or closed: it can no longer be edited."))
        content = _clean_story_content(story.country, content, kept_practice_id=story.used_practice_id)
        for field, value in content.items():
            setattr(story, field, value)
        story.updated_at = timezone.now()
        story.save(update_fields=[*STORY_FIELDS, "updated_at"])
        _record_story(story, Action.STORY_SAVED, by=by)
    return story


def _audit_story(story, transition, *, by, from_status, note):
    return _record_story(story, transition.action, by=by, from_status=from_status, to_status=transition.target, note=note)


def _acts_for_country(user, story):
    return may_act_for_country(user, story.country_id)


_STORY_IN_REVIEW = UptakeStory.IN_REVIEW_STATUSES
_SUBMITTED = ("updated_at", "submitted_at")

# Uptake stories are reviewed like a practice's versions (countries/workflow.py).
STORY_WORKFLOW = Workflow(
    UptakeStory,
    Transition("submit", (StoryStatus.DRAFT,), StoryStatus.SUBMITTED, _acts_for_country, Action.STORY_SUBMITTED, stamps=_SUBMITTED),
    Transition(
        "resubmit", (StoryStatus.CHANGES_REQUESTED,), StoryStatus.RESUBMITTED, _acts_for_country, Action.STORY_RESUBMITTED, stamps=_SUBMITTED
    ),
    Transition(
        "publish", _STORY_IN_REVIEW, StoryStatus.PUBLISHED, _moderates, Action.STORY_PUBLISHED, stamps=("updated_at", "published_at")
    ),
    Transition(
        "request_changes", _STORY_IN_REVIEW, StoryStatus.CHANGES_REQUESTED, _moderates, Action.STORY_CHANGES_REQUESTED,
        stamps=("updated_at",), note_field="comment",
        note_required=gettext_lazy("Say what should change: the country's team reads this comment."),
    ),
    Transition(
        "reject", _STORY_IN_REVIEW, StoryStatus.REJECTED, _moderates, Action.STORY_REJECTED, stamps=("updated_at",),
        note_field="reason", note_required=gettext_lazy("Give the reason: the country's team reads it."),
    ),
    audit=_audit_story,
    related=("country",),
)


def submit_uptake_story(story, *, by):
    """Send a story to ITC for review: a draft is submitted, one sent back for changes is resubmitted."""

    def complete(story):
        if missing := missing_for_story_review(story):
            raise ValidationError(_("Complete these before submitting: %(fields)s.") % {"fields": ", ".join(missing)})

    return STORY_WORKFLOW.take(story, ("submit", "resubmit"), by=by, check=complete)


def request_story_changes(story, *, by, comment):
    return STORY_WORKFLOW.take(story, "request_changes", by=by, note=comment)


def publish_uptake_story(story, *, by, note=""):
    return STORY_WORKFLOW.take(story, "publish", by=by, note=note)


def reject_uptake_story(story, *, by, reason):
    return STORY_WORKFLOW.take(story, "reject", by=by, note=reason)
