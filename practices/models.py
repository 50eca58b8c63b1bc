"""Best practices in SME policy, their taxonomies, and the versions that go through review.

A Practice is the public record: its content fields hold what is published. Every change of
content, the first draft included, is proposed as a PracticeRevision, a snapshot of the content
that moves through review (draft → submitted → changes requested ⇄ resubmitted → approved, or
rejected). Approving a revision copies its snapshot onto the practice, so the published version
stays public, unchanged, while an edit of it is in review. Nothing a delegate writes is deleted:
revisions are discarded, not removed.
"""

import re
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countries.models import Country, PublicWhen, ReviewedRecord, localized

# --- Taxonomies: data that staff manage, named in the three languages ---


class TaxonomyTerm(models.Model):
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Terms no longer offered stay on the practices that use them.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


class Theme(TaxonomyTerm):
    is_pillar = models.BooleanField(
        _("Call to Action pillar"), default=False, help_text=_("A pillar of the Call to Action of the SME Ministerial community.")
    )

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class InstrumentType(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("instrument type")
        verbose_name_plural = _("instrument types")


class TargetGroup(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


# --- Practices ---


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    CONTINENTAL = "continental", _("Continental")
    GLOBAL = "global", _("Global")


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class EvidenceLabel(models.TextChoices):
    DESCRIPTIVE = "descriptive", _("Descriptive")
    EARLY_RESULTS = "early_results", _("Early results")
    MONITORED = "monitored", _("Monitored")
    INDEPENDENTLY_EVALUATED = "independently_evaluated", _("Independently evaluated")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Other")


# The years a practice may run in, for every field, filter and import that takes a year.
FIRST_YEAR, LAST_YEAR = 1950, 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]

# The content a revision proposes and a practice publishes. Relations are kept in the
# snapshot by stable keys (taxonomy slugs, practice ids), so diffs read well.
SCALAR_CONTENT_FIELDS = (
    "title",
    "summary",
    "description",
    "problem",
    "objectives",
    "implementation",
    "results",
    "indicators",
    "challenges",
    "transferability",
    "level",
    "implementation_status",
    "start_year",
    "end_year",
    "responsible_institution",
    "links",
    "original_language",
    "contact_name",
    "contact_email",
)
# What of the content only signed-in delegates and ITC read: never in a public page, export or comparison.
PRIVATE_CONTENT_FIELDS = ("contact_name", "contact_email")
RELATED_CONTENT_FIELDS = {
    "themes": "slug",
    "instruments": "slug",
    "target_groups": "slug",
    "adapted_from": "pk",
    "attachments": "pk",
}
CONTENT_FIELDS = SCALAR_CONTENT_FIELDS + tuple(RELATED_CONTENT_FIELDS)
# What a practice needs before it can be submitted for review.
REQUIRED_FOR_REVIEW = ("title", "summary", "description", "level", "themes")


class PracticeQuerySet(PublicWhen):
    public_when = ("status", "published")

    def published(self):
        """What the public may see. Public code reads practices only through this."""
        return self.in_public_state()

    def of_country(self, country):
        """The practices a country's team works on: owned or co-owned."""
        return self.filter(models.Q(owner=country) | models.Q(co_owners=country)).distinct()


class Practice(models.Model):
    """The public record of a best practice: its content fields hold the published version."""

    class Status(models.TextChoices):
        UNPUBLISHED = "unpublished", _("Not published")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True, help_text=_("Two or three sentences for lists and cards."))
    description = models.TextField(_("description"), blank=True, help_text=_("The full description, in Markdown."))
    problem = models.TextField(_("problem addressed"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    implementation = models.TextField(
        _("implementation"), blank=True, help_text=_("Institutions, partners, resources or budget.")
    )
    results = models.TextField(_("results and evidence"), blank=True)
    indicators = models.JSONField(
        _("key indicators"), default=list, blank=True, help_text=_("Each with a name, a value and a year.")
    )
    challenges = models.TextField(_("challenges and lessons learned"), blank=True)
    transferability = models.TextField(_("conditions for transfer to other countries"), blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    implementation_status = models.CharField(
        _("implementation status"), max_length=12, choices=ImplementationStatus.choices, blank=True
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    responsible_institution = models.CharField(_("responsible institution"), max_length=200, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    original_language = models.CharField(
        _("original language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    # Shown only to signed-in delegates and staff.
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="practices")
    instruments = models.ManyToManyField(InstrumentType, verbose_name=_("instrument types"), blank=True, related_name="practices")
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True, related_name="practices")
    # The attachments of the published version (the files a version lists are in its content).
    attachments = models.ManyToManyField("Attachment", verbose_name=_("attachments"), blank=True, related_name="+")

    owner = models.ForeignKey(Country, verbose_name=_("owner country"), on_delete=models.PROTECT, related_name="practices")
    co_owners = models.ManyToManyField(
        Country, verbose_name=_("co-owner countries"), blank=True, related_name="co_owned_practices"
    )
    # Owner and co-owners in one relation, kept by the services, so browsing and counting by country
    # or region is one join: a shared practice counts once for each of its countries.
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="listed_practices")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNPUBLISHED)
    evidence_label = models.CharField(_("evidence label"), max_length=30, choices=EvidenceLabel.choices, blank=True)
    adapted_from = models.ManyToManyField(
        "self",
        verbose_name=_("adapted from"),
        symmetrical=False,
        blank=True,
        related_name="adapted_by",
        help_text=_("Practices of other countries that inspired this one."),
    )
    published_revision = models.OneToOneField(
        "PracticeRevision", verbose_name=_("published version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by_itc = models.BooleanField(_("entered by ITC"), default=False)
    # The published text, for full-text search (PostgreSQL; its GIN index is made by migration 0008).
    search_vector = SearchVectorField(null=True, editable=False)
    # For a practice imported from a spreadsheet: its country and title, hashed (practices.imports.import_key).
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    published_at = models.DateTimeField(_("last published"), null=True, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["unpublished", "published", "archived"]), name="practice_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True) | models.Q(end_year__isnull=True) | models.Q(end_year__gte=models.F("start_year")),
                name="practice_years_in_order",
            ),
            # The same spreadsheet row imported twice (a double click, the same file again) is refused.
            models.UniqueConstraint(fields=["import_key"], condition=~models.Q(import_key=""), name="practice_import_key_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_status_recent"),
            # The published practices, newest first, with what the browse page filters and counts:
            # pages, counts and facets read this narrow index instead of the wide rows (PostgreSQL
            # answers from the index alone; other databases ignore `include`).
            models.Index(
                fields=["-published_at", "id"],
                include=["level", "implementation_status", "evidence_label", "original_language", "start_year", "end_year", "owner"],
                condition=models.Q(status="published"),
                name="practice_published_browse",
            ),
        ]

    def __str__(self):
        return self.title or _("(untitled practice)")

    @property
    def is_published(self):
        """Whether visitors see it: the same rule as PracticeQuerySet.published(), for one practice in hand."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

    def content_snapshot(self):
        """The published content as a revision would hold it."""
        snapshot = {field: getattr(self, field) for field in SCALAR_CONTENT_FIELDS}
        for field, key in RELATED_CONTENT_FIELDS.items():
            snapshot[field] = sorted(getattr(self, field).values_list(key, flat=True))
        return snapshot


class PracticeRevision(ReviewedRecord, models.Model):
    """A proposed version of a practice's content, on its way through review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected")
        DISCARDED = "discarded", _("Discarded")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.RESUBMITTED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    IN_REVIEW_STATUSES = (Status.SUBMITTED, Status.RESUBMITTED)

    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("content"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The moderator who said they are reviewing it, so two do not review the same version.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("practice version")
        verbose_name_plural = _("practice versions")
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="revision_number_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "submitted", "changes_requested", "resubmitted", "approved", "rejected", "discarded"]
                ),
                name="revision_status_valid",
            ),
            # One version at a time is worked on or reviewed.
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(status__in=["draft", "submitted", "changes_requested", "resubmitted"]),
                name="revision_one_open_per_practice",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="revision_review_queue")]

    def __str__(self):
        return f"{self.content.get('title') or _('(untitled practice)')} v{self.number} ({self.get_status_display()})"

    @property
    def title(self):
        return self.content.get("title", "")

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_resubmission(self):
        return self.status == self.Status.RESUBMITTED


class RevisionSave(models.Model):
    """One saved state of a version's content. Every save is kept: a text replaced by a later save
    stays readable in the history, and a form opened before the latest save is recognised as stale
    (it names the save it started from)."""

    revision = models.ForeignKey(PracticeRevision, verbose_name=_("version"), on_delete=models.PROTECT, related_name="saves")
    content = models.JSONField(_("content"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    # The history entry of the save (none for the saves made of existing versions by migration 0011).
    event = models.OneToOneField(
        "ReviewEvent", verbose_name=_("history entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="saved_content"
    )

    class Meta:
        verbose_name = _("saved text")
        verbose_name_plural = _("saved texts")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.revision} {self.saved_at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    # A generated name: nothing of the uploader's file name reaches the file system.
    return f"attachments/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document of a practice. Versions list the attachments they include, like their other content;
    the public sees those of the published version only, through a view that checks access."""

    practice = models.ForeignKey("Practice", verbose_name=_("practice"), on_delete=models.PROTECT, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title

    @property
    def download_name(self):
        """A safe file name for the download: the title's letters and the checked extension."""
        stem = re.sub(r"[^\w\- ]+", "", self.title, flags=re.UNICODE).strip().replace(" ", "-")[:80] or "document"
        return f"{stem}.{self.extension}"


class ReviewEvent(models.Model):
    """One step in a practice's history: who moved which version from what to what, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SAVED = "saved", _("Saved")
        SUBMITTED = "submitted", _("Submitted for review")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        DISCARDED = "discarded", _("Discarded")
        DRAFT_RESTORED = "draft_restored", _("Discarded draft restored")
        ARCHIVED = "archived", _("Archived")
        RESTORED = "restored", _("Restored")
        EVIDENCE_LABELLED = "evidence_labelled", _("Evidence label set")
        ATTACHMENT_ADDED = "attachment_added", _("Document added")
        ATTACHMENT_REMOVED = "attachment_removed", _("Document removed")
        CO_OWNER_ADDED = "co_owner_added", _("Co-owner country added")
        CO_OWNER_REMOVED = "co_owner_removed", _("Co-owner country removed")
        CO_OWNER_PROPOSED = "co_owner_proposed", _("Sharing proposed to a country")
        CO_OWNER_WITHDRAWN = "co_owner_withdrawn", _("Sharing proposal withdrawn")
        CO_OWNER_ACCEPTED = "co_owner_accepted", _("Sharing accepted")
        CO_OWNER_DECLINED = "co_owner_declined", _("Sharing declined")
        CO_OWNER_LEFT = "co_owner_left", _("Co-owner country left")
        CLAIMED = "claimed", _("Review taken on")
        TAGS_CORRECTED = "tags_corrected", _("Tags corrected by ITC")
        TRANSLATION_STARTED = "translation_started", _("Translation started")
        TRANSLATION_SAVED = "translation_saved", _("Translation saved")
        TRANSLATION_SUBMITTED = "translation_submitted", _("Translation submitted")
        TRANSLATION_RESUBMITTED = "translation_resubmitted", _("Translation resubmitted")
        TRANSLATION_CHANGES_REQUESTED = "translation_changes", _("Changes requested in a translation")
        TRANSLATION_PUBLISHED = "translation_published", _("Translation published")
        TRANSLATION_REJECTED = "translation_rejected", _("Translation rejected")
        TRANSLATION_DISCARDED = "translation_discarded", _("Translation discarded")
        TRANSLATION_MACHINE_DRAFTED = "translation_machine_drafted", _("Machine draft added to a translation")
        TRANSLATION_REQUESTED = "translation_requested", _("Translation asked for by a reader")
        TRANSLATION_REQUEST_WITHDRAWN = "translation_request_withdrawn", _("Request for a translation withdrawn")

    # A reader asking for a translation: who asked is ITC's to see; the practice's team sees how many (TranslationRequest).
    READER_ACTIONS = (Action.TRANSLATION_REQUESTED, Action.TRANSLATION_REQUEST_WITHDRAWN)

    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="events")
    revision = models.ForeignKey(
        PracticeRevision, verbose_name=_("version"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    # Also holds the evidence label set (up to 23 characters).
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    # For a step of a translation: which one.
    translation = models.ForeignKey(
        "PracticeTranslation", verbose_name=_("translation"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    # For a step of sharing the practice with another country: which proposal it answers or ends.
    co_ownership = models.ForeignKey(
        "CoOwnership", verbose_name=_("sharing"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CoOwnership(models.Model):
    """A country asked to co-own another country's practice, its answer, and how the sharing ended.

    The owner's focal point (or ITC) proposes; the invited country's focal point (or ITC) accepts or
    declines. Only once accepted is the country in Practice.co_owners and Practice.countries, the
    relations every page, count, feed and export reads: a proposal shows nowhere for the invited
    country but in its focal points' list of proposals to answer. Rows are never deleted: asking
    again after a decline, or after the country left, is a new row.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LEFT = "left", _("Left by the co-owner")
        REMOVED = "removed", _("Removed by the owner")

    # Proposed, or accepted and not ended: one at a time per practice and country.
    OPEN_STATUSES = (Status.PROPOSED, Status.ACCEPTED)

    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="co_ownerships")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="co_ownerships")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Empty for the co-owners recorded before sharing asked for consent (migration 0012).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    # Who accepted, declined or withdrew the proposal.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Who ended an accepted sharing: the co-owner leaving, or the owner removing it.
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-ownership")
        verbose_name_plural = _("co-ownerships")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "accepted", "declined", "withdrawn", "left", "removed"]),
                name="co_ownership_status_valid",
            ),
            # Two clicks, or two focal points at once, cannot ask the same country twice.
            models.UniqueConstraint(
                fields=["practice", "country"],
                condition=models.Q(status__in=["proposed", "accepted"]),
                name="co_ownership_one_open_per_practice_country",
            ),
        ]

    def __str__(self):
        return f"{self.practice} → {self.country} ({self.get_status_display()})"

    @property
    def is_waiting(self):
        return self.status == self.Status.PROPOSED


class ImportBatch(models.Model):
    """A spreadsheet of practices uploaded by ITC staff: its rows as read and checked, then imported.

    The rows are kept with the upload, so confirming does not need the file again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file checksum"), max_length=64, db_index=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("practices created"), default=0)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "imported"]), name="import_batch_status_valid"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def is_imported(self):
        return self.status == self.Status.IMPORTED


# --- Translations: a published practice read in another working language ---

# What a translation carries: the practice's narrative. Taxonomies are translated already; names,
# years, numbers and links are the same in every language.
TRANSLATED_FIELDS = (
    "title",
    "summary",
    "description",
    "problem",
    "objectives",
    "implementation",
    "results",
    "challenges",
    "transferability",
)
# What a translation needs before review.
REQUIRED_FOR_TRANSLATION_REVIEW = ("title", "summary", "description")


class TranslationQuerySet(PublicWhen):
    public_when = ("is_current", True)

    def current(self):
        """The translation readers get, one per practice and language: the latest published.

        Public code also asks that its practice is published (Practice.objects.published()).
        """
        return self.in_public_state()

    def public(self):
        """What the public may read: the current translations of published practices. Public code reads only these."""
        return self.current().filter(practice__in=Practice.objects.published())

    def reading_annotations(self, language, *, practice="pk", fields=("title", "summary")):
        """Annotations that read, with each published practice of a query (the row, or the practice the row
        names: `practice`), which working languages it has a current translation in (`reading_in_fr`…) and the
        `fields` of the one into `language` (`reading_text`, none for None): practices/reading.py reads them."""
        current = self.current().filter(practice=models.OuterRef(practice)).order_by()
        annotations = {
            f"reading_in_{code}": models.Exists(current.filter(language=code)) for code in Language.values if code != Language.OTHER
        }
        if f"reading_in_{language}" in annotations:
            text = JSONObject(id="id", language="language", source_revision_id="source_revision_id", **{field: field for field in fields})
            annotations["reading_text"] = models.Subquery(current.filter(language=language).values(text=text)[:1], output_field=models.JSONField())
        return annotations


class PracticeTranslation(ReviewedRecord, models.Model):
    """One version of a practice's text in another working language, reviewed by ITC like a practice's versions.

    Written by the owning team, by ITC, or by a delegate of another country who volunteers (credited:
    `volunteer_country`). It translates one published version of the original (`source_revision`):
    once the practice publishes a newer version, the translation is outdated until a new one is
    published, and readers are told. The original always prevails.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        DISCARDED = "discarded", _("Discarded")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.RESUBMITTED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    IN_REVIEW_STATUSES = (Status.SUBMITTED, Status.RESUBMITTED)

    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="translations")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The latest published translation in its language: what readers get.
    is_current = models.BooleanField(_("current"), default=False)
    source_revision = models.ForeignKey(
        PracticeRevision, verbose_name=_("translated version"), on_delete=models.PROTECT, related_name="translations"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    problem = models.TextField(_("problem addressed"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    implementation = models.TextField(_("implementation"), blank=True)
    results = models.TextField(_("results and evidence"), blank=True)
    challenges = models.TextField(_("challenges and lessons learned"), blank=True)
    transferability = models.TextField(_("conditions for transfer to other countries"), blank=True)
    # A machine's draft, labelled as such until a person has edited it (never published unreviewed).
    machine_draft = models.BooleanField(_("machine draft"), default=False)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("translated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The country of a delegate who translated another country's practice: credited on the page.
    volunteer_country = models.ForeignKey(
        Country, verbose_name=_("volunteer country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The text in its own language's configuration (French stemming for French): practices.search.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["practice", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "language", "number"], name="translation_number_unique"),
            models.UniqueConstraint(
                fields=["practice", "language"],
                condition=models.Q(status__in=["draft", "submitted", "changes_requested", "resubmitted"]),
                name="translation_one_open_per_language",
            ),
            models.UniqueConstraint(fields=["practice", "language"], condition=models.Q(is_current=True), name="translation_one_current"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "submitted", "changes_requested", "resubmitted", "published", "rejected", "discarded"]
                ),
                name="translation_status_valid",
            ),
            models.CheckConstraint(condition=models.Q(is_current=False) | models.Q(status="published"), name="translation_current_is_published"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="translation_review_queue"),
            models.Index(fields=["language"], condition=models.Q(is_current=True), name="translation_current_language"),
        ]

    def __str__(self):
        return f"{self.title or self.practice.title} ({self.get_language_display()}, v{self.number})"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_outdated(self):
        """The original has published a newer version since this translation's."""
        return self.source_revision_id != self.practice.published_revision_id

    def text(self):
        return {field: getattr(self, field) for field in TRANSLATED_FIELDS}


# --- Readers asking for a practice in their language ---


class TranslationRequestQuerySet(models.QuerySet):
    def waiting(self):
        """The requests still asked for: not withdrawn, of a published practice, into a working language it cannot
        be read in yet (neither its original's nor a current translation's). Once one is published, they are met."""
        readable = PracticeTranslation.objects.current().filter(practice=models.OuterRef("practice"), language=models.OuterRef("language"))
        return (
            self.filter(withdrawn_at__isnull=True, practice__in=Practice.objects.published())
            .exclude(language=models.F("practice__original_language"))
            .exclude(models.Exists(readable))
        )

    def demand(self):
        """How many readers wait for each practice in each language: rows of practice (id), language and requests,
        most asked for first. Counts only: never who asked."""
        return (
            self.waiting()
            .values("practice", "language")
            .annotate(requests=models.Count("pk"))
            .order_by("-requests", "practice", "language")
        )


class TranslationRequest(models.Model):
    """A signed-in reader asking for a published practice in a working language it cannot be read in yet.

    One row per reader, practice and language: asking again changes nothing, withdrawing stamps
    `withdrawn_at`, and asking after a withdrawal asks again on the same row. The rows are counted
    for the practice's team and ITC (the demand ranks ITC's translation queue); who asked is never
    shown but to ITC, through the audit record.
    """

    practice = models.ForeignKey(Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="translation_requests")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    # A person's requests go with their account: they are a wish, not a record of the practice.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = TranslationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two clicks, or two tabs, ask once.
            models.UniqueConstraint(fields=["practice", "language", "requested_by"], name="translation_request_one_per_reader"),
            models.CheckConstraint(condition=models.Q(language__in=["en", "fr", "es"]), name="translation_request_language_valid"),
        ]
        indexes = [
            models.Index(fields=["practice", "language"], condition=models.Q(withdrawn_at__isnull=True), name="translation_request_open"),
        ]

    def __str__(self):
        return f"{self.practice} → {self.get_language_display()}"

    @property
    def is_open(self):
        return self.withdrawn_at is None
