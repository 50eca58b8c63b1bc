"""The community's record: its meetings, the Call to Action, what came of it.

Meetings (technical meetings of officials, the Global SME Ministerial Meetings, workshops and
webinars) hold an agenda, documents, the countries that took part and what each presented.
The Call to Action holds its mandates to ITC, each with deliverables whose progress is a timeline
of dated events; the countries that endorsed it; and uptake stories, in which a country tells how
it used a deliverable or a peer's practice. Countries declare their participation, presentations
and endorsements; ITC staff confirm them. Uptake stories are moderated like practices.

Content that the public record does not give (the demo's sample data) carries `is_sample`, and the
pages say so.
"""

import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countries.languages import LANGUAGE_CODES
from countries.models import Country, PublicWhen, ReviewedRecord
from practices.models import Practice, Theme


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone, such as Africa/Johannesburg or Europe/Zurich."), params={"value": value})


def texts_language_field():
    """The language of a staff-written record's texts: English whenever it has English (countries/languages.py)."""
    return models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en",
        help_text=_("The language of the texts without a language suffix: English, unless the record was given only in French or Spanish."),
    )


def language_valid(name):
    return models.CheckConstraint(condition=models.Q(language__in=LANGUAGE_CODES), name=name)


class Confirmation(models.TextChoices):
    """What a country declares, ITC staff confirm (or decline)."""

    DECLARED = "declared", _("Declared by the country, to be confirmed by ITC")
    CONFIRMED = "confirmed", _("Confirmed by ITC")
    DECLINED = "declined", _("Not confirmed")


# --- Meetings ---


class MeetingQuerySet(PublicWhen):
    public_when = ("is_published", True)

    def public(self):
        """What visitors see: meetings staff have published."""
        return self.in_public_state()

    def upcoming(self):
        return self.public().filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.public().filter(ends_at__lt=timezone.now()).order_by("-starts_at")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("Technical meeting of officials")
        MINISTERIAL = "ministerial", _("Global SME Ministerial Meeting")
        WORKSHOP = "workshop", _("Workshop or webinar")

    class Format(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    # Staff write them in English, French and Spanish (countries/languages.py).
    TRANSLATED_FIELDS = ("title", "description", "outcome")

    slug = models.SlugField(_("address"), max_length=120, unique=True, help_text=_("The end of the meeting page's address."))
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    language = texts_language_field()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=60, default="UTC", validators=[validate_time_zone],
        help_text=_("Where the meeting's times are given, such as Africa/Johannesburg."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("City and venue; empty for a virtual meeting."))
    description = models.TextField(_("description"), blank=True, help_text=_("In Markdown."))
    description_fr = models.TextField(_("description (French)"), blank=True, help_text=_("In Markdown."))
    description_es = models.TextField(_("description (Spanish)"), blank=True, help_text=_("In Markdown."))
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("What the meeting achieved, after it took place. In Markdown."))
    outcome_fr = models.TextField(_("outcome (French)"), blank=True, help_text=_("In Markdown."))
    outcome_es = models.TextField(_("outcome (Spanish)"), blank=True, help_text=_("In Markdown."))
    delegates_count = models.PositiveIntegerField(_("number of delegates"), null=True, blank=True)
    is_published = models.BooleanField(_("public"), default=False)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=_("Shown with a notice that the content is an example."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=models.Q(kind__in=["technical", "ministerial", "workshop"]), name="meeting_kind_valid"),
            models.CheckConstraint(condition=models.Q(format__in=["virtual", "in_person", "hybrid"]), name="meeting_format_valid"),
            language_valid("meeting_language_valid"),
        ]
        indexes = [models.Index(fields=["is_published", "starts_at"], name="meeting_public_start")]

    def __str__(self):
        return self.title

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The meeting ends before it starts.")})


class AgendaItem(models.Model):
    TRANSLATED_FIELDS = ("title",)

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    language = texts_language_field()
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "starts_at", "pk"]
        constraints = [language_valid("agenda_item_language_valid")]

    def __str__(self):
        return self.title


def meeting_document_path(instance, filename):
    # A generated name: nothing of the uploader's file name reaches the file system.
    return f"meeting-documents/{uuid.uuid4().hex}"


class MeetingDocument(models.Model):
    """An agenda, presentation or report: checked by content, served only through a view."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        PRESENTATION = "presentation", _("Presentation")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other document")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=meeting_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind", "uploaded_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def download_name(self):
        """A safe file name for the download: the title's letters and the checked extension."""
        stem = re.sub(r"[^\w\- ]+", "", self.title, flags=re.UNICODE).strip().replace(" ", "-")[:80] or "document"
        return f"{stem}.{self.extension}"


class DeclarationQuerySet(PublicWhen):
    public_when = ("status", "confirmed")

    def confirmed(self):
        """What ITC confirmed of a country's declarations."""
        return self.in_public_state()

    def waiting(self):
        """Declarations staff have not decided on yet."""
        return self.filter(status=Confirmation.DECLARED)

    def public(self):
        """What visitors see: confirmed, at a public meeting."""
        return self.confirmed().filter(meeting__is_published=True)


class ConfirmedByITC:
    """What a country declares and ITC confirms (or not): the states, asked by name (templates compare no status)."""

    @property
    def is_confirmed(self):
        return self.status == Confirmation.CONFIRMED

    @property
    def is_declined(self):
        return self.status == Confirmation.DECLINED


class Participation(ConfirmedByITC, models.Model):
    """A country took part in a meeting: declared by its focal point (or recorded by staff), confirmed by staff."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="participations")
    delegates = models.PositiveSmallIntegerField(_("delegates"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Confirmation.choices, default=Confirmation.DECLARED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["meeting", "country__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "country"], name="participation_once_per_country"),
            models.CheckConstraint(condition=models.Q(status__in=["declared", "confirmed", "declined"]), name="participation_status_valid"),
        ]

    def __str__(self):
        return f"{self.country} · {self.meeting}"


class Presentation(ConfirmedByITC, models.Model):
    """What a country presented at a meeting, with the practices it presented."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="presentations")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="presentations")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    practices = models.ManyToManyField(Practice, verbose_name=_("practices presented"), blank=True, related_name="presentations")
    status = models.CharField(_("status"), max_length=12, choices=Confirmation.choices, default=Confirmation.DECLARED)
    is_sample = models.BooleanField(_("sample data"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("country presentation")
        verbose_name_plural = _("country presentations")
        ordering = ["meeting", "country__name_en", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["declared", "confirmed", "declined"]), name="presentation_status_valid"),
        ]

    def __str__(self):
        return f"{self.country}: {self.title}"


# --- The Call to Action ---


class CallToAction(models.Model):
    TRANSLATED_FIELDS = ("title", "text")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    text = models.TextField(_("text"), help_text=_("In Markdown."))
    text_fr = models.TextField(_("text (French)"), blank=True, help_text=_("In Markdown."))
    text_es = models.TextField(_("text (Spanish)"), blank=True, help_text=_("In Markdown."))
    language = texts_language_field()
    adopted_on = models.DateField(_("adopted on"))
    adopted_at = models.ForeignKey(
        Meeting, verbose_name=_("adopted at"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls_to_action"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    pillars = models.ManyToManyField(Theme, verbose_name=_("pillars"), blank=True, related_name="+")
    endorsements_recorded_elsewhere = models.PositiveSmallIntegerField(
        _("endorsing countries according to the official record"), null=True, blank=True,
        help_text=_("The number the meeting's record gives, shown beside the countries listed here."),
    )

    class Meta:
        verbose_name = _("call to action")
        verbose_name_plural = _("calls to action")
        ordering = ["-adopted_on"]
        constraints = [language_valid("call_to_action_language_valid")]

    def __str__(self):
        return self.title


class Mandate(models.Model):
    class Kind(models.TextChoices):
        EXPERTISE = "expertise", _("Expertise")
        ADVOCACY = "advocacy", _("Advocacy")

    TRANSLATED_FIELDS = ("title", "description")

    call = models.ForeignKey(CallToAction, verbose_name=_("call to action"), on_delete=models.CASCADE, related_name="mandates")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    language = texts_language_field()
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["call", "position", "pk"]
        constraints = [language_valid("mandate_language_valid")]

    def __str__(self):
        return self.title


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")

    # A deliverable with no event for this long shows as "no recent progress".
    STALE_AFTER_DAYS = 183

    TRANSLATED_FIELDS = ("title", "description")

    mandate = models.ForeignKey(Mandate, verbose_name=_("mandate"), on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    language = texts_language_field()
    pillar = models.ForeignKey(Theme, verbose_name=_("pillar"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["mandate", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="deliverable_progress_percent"),
            models.CheckConstraint(condition=models.Q(status__in=["planned", "in_progress", "delivered"]), name="deliverable_status_valid"),
            language_valid("deliverable_language_valid"),
        ]

    def __str__(self):
        return self.title


class DeliverableEvent(models.Model):
    """A dated step of a deliverable: presented at a meeting, published, adopted somewhere."""

    TRANSLATED_FIELDS = ("title", "description")

    deliverable = models.ForeignKey(Deliverable, verbose_name=_("deliverable"), on_delete=models.CASCADE, related_name="events")
    happened_on = models.DateField(_("date"))
    title = models.CharField(_("what happened"), max_length=200)
    title_fr = models.CharField(_("what happened (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("what happened (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("details"), blank=True)
    description_fr = models.TextField(_("details (French)"), blank=True)
    description_es = models.TextField(_("details (Spanish)"), blank=True)
    language = texts_language_field()
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverable_events")
    document = models.ForeignKey(
        MeetingDocument, verbose_name=_("document"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.URLField(_("link"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("deliverable event")
        verbose_name_plural = _("deliverable events")
        ordering = ["deliverable", "-happened_on", "-pk"]
        constraints = [language_valid("deliverable_event_language_valid")]

    def __str__(self):
        return f"{self.happened_on}: {self.title}"


class EndorsementQuerySet(PublicWhen):
    public_when = ("status", "confirmed")

    def confirmed(self):
        """The endorsements ITC confirmed: the ones every public page shows."""
        return self.in_public_state()


class Endorsement(ConfirmedByITC, models.Model):
    """A country endorsed the Call to Action: declared by its focal point or recorded by staff, confirmed by staff."""

    call = models.ForeignKey(CallToAction, verbose_name=_("call to action"), on_delete=models.CASCADE, related_name="endorsements")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="endorsements")
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    meeting = models.ForeignKey(Meeting, verbose_name=_("at the meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements")
    status = models.CharField(_("status"), max_length=12, choices=Confirmation.choices, default=Confirmation.DECLARED)
    is_sample = models.BooleanField(_("sample data"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["call", "country__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["call", "country"], name="endorsement_once_per_country"),
            models.CheckConstraint(condition=models.Q(status__in=["declared", "confirmed", "declined"]), name="endorsement_status_valid"),
        ]

    def __str__(self):
        return f"{self.country} · {self.call}"


class UptakeStoryQuerySet(PublicWhen):
    public_when = ("status", "published")

    def published(self):
        """What the public may see. Public code reads stories only through this."""
        return self.in_public_state()


class UptakeStory(ReviewedRecord, models.Model):
    """How a country used an ITC deliverable or a peer's practice. Moderated like practices."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    IN_REVIEW_STATUSES = (Status.SUBMITTED, Status.RESUBMITTED)

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="uptake_stories")
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("what was done"), blank=True, help_text=_("In Markdown."))
    # Written in one language, which the pages name: a story is not translated.
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en", help_text=_("The language the story is written in."),
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    used_deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("ITC deliverable used"), null=True, blank=True, on_delete=models.PROTECT, related_name="uptake_stories"
    )
    used_practice = models.ForeignKey(
        Practice, verbose_name=_("peer practice used"), null=True, blank=True, on_delete=models.PROTECT, related_name="uptake_stories"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = UptakeStoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("uptake story")
        verbose_name_plural = _("uptake stories")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "changes_requested", "resubmitted", "published", "rejected"]),
                name="uptake_status_valid",
            ),
            language_valid("uptake_language_valid"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class RecordEvent(models.Model):
    """The audit trail of the community's record: who declared, confirmed, changed or moderated what."""

    class Action(models.TextChoices):
        MEETING_CREATED = "meeting_created", _("Meeting created")
        MEETING_CHANGED = "meeting_changed", _("Meeting changed")
        MEETING_PUBLISHED = "meeting_published", _("Meeting made public")
        MEETING_UNPUBLISHED = "meeting_unpublished", _("Meeting withdrawn from public view")
        AGENDA_CHANGED = "agenda_changed", _("Agenda changed")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")
        PARTICIPATION_DECLARED = "participation_declared", _("Participation declared")
        PRESENTATION_DECLARED = "presentation_declared", _("Presentation declared")
        ENDORSEMENT_DECLARED = "endorsement_declared", _("Endorsement declared")
        CONFIRMED = "confirmed", _("Confirmed by ITC")
        DECLINED = "declined", _("Not confirmed by ITC")
        DELIVERABLE_CHANGED = "deliverable_changed", _("Deliverable progress changed")
        DELIVERABLE_EVENT_ADDED = "deliverable_event_added", _("Deliverable event recorded")
        STORY_CREATED = "story_created", _("Uptake story created")
        STORY_SAVED = "story_saved", _("Uptake story saved")
        STORY_SUBMITTED = "story_submitted", _("Uptake story submitted")
        STORY_RESUBMITTED = "story_resubmitted", _("Uptake story resubmitted")
        STORY_CHANGES_REQUESTED = "story_changes_requested", _("Changes requested")
        STORY_PUBLISHED = "story_published", _("Uptake story published")
        STORY_REJECTED = "story_rejected", _("Uptake story rejected")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+")
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="record_events")
    story = models.ForeignKey(UptakeStory, verbose_name=_("uptake story"), null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("what"), max_length=60, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
