"""Countries and regions (UN M49), the people who sign in, and the country teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .languages import LANGUAGE_CODES

MODERATORS_GROUP = "ITC moderators"


class ReviewedRecord:
    """A record ITC reviews (a practice's version, a translation, an uptake story): its states asked by
    name, so templates compare no status. The model names EDITABLE_STATUSES and IN_REVIEW_STATUSES."""

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_in_review(self):
        return self.status in self.IN_REVIEW_STATUSES


class PublicWhen(models.QuerySet):
    """The records of a model that are public in one state only, said once.

    `public_when = (field, value)`: the model's public queryset method (`published()`, `public()`,
    `confirmed()`, `current()`) filters by it, lookups across a relation use `public_lookup("practice")`,
    and the page cache reads the same pair to tell a change visitors can see from one they cannot
    (countries/pagecache.py).
    """

    public_when = None

    def in_public_state(self):
        return self.filter(**self.public_lookup())

    def public_lookup(self, through=""):
        field, value = self.public_when
        return {f"{through}__{field}" if through else field: value}


def localized(obj, field):
    """The value of obj.<field>_<active language>, falling back to English."""
    language = (get_language() or "en")[:2]
    return getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_en")


def localized_field(field):
    """The column holding <field> in the active language, for order_by()."""
    language = (get_language() or "en")[:2]
    return f"{field}_{language}" if language in {"en", "fr", "es"} else f"{field}_en"


# --- People ---


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class ReviewEmails(models.TextChoices):
    EACH = "each", _("An e-mail for each practice submitted")
    DAILY = "daily", _("One daily summary")
    NONE = "none", _("No e-mails")


class User(AbstractUser):
    """Someone who signs in with an e-mail address: a delegate or ITC staff."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    # E-mails reach people in the language they last used the site in.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    review_emails = models.CharField(
        _("e-mails about practices to review"),
        max_length=10,
        choices=ReviewEmails.choices,
        default=ReviewEmails.EACH,
        help_text=_("For ITC moderators."),
    )
    last_review_digest_at = models.DateTimeField(_("last review digest sent"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


# --- Geography ---


class Region(models.Model):
    """An M49 region, sub-region or intermediate region."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        SUBREGION = "subregion", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")

    code = models.CharField(_("M49 code"), max_length=3, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["region", "subregion", "intermediate"]), name="region_level_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


class CountryQuerySet(models.QuerySet):
    def participating(self):
        """Countries that hold an account on the platform."""
        return self.filter(account_opened_at__isnull=False)

    def with_regions(self):
        return self.select_related("region", "subregion", "intermediate_region")

    def by_name(self):
        return self.order_by(localized_field("name"))


class Country(models.Model):
    """An M49 country or area. It participates once it holds an account (its first delegate joined)."""

    m49_code = models.CharField(_("M49 code"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO alpha-2 code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="region_countries"
    )
    subregion = models.ForeignKey(
        Region, verbose_name=_("sub-region"), on_delete=models.PROTECT, related_name="subregion_countries"
    )
    intermediate_region = models.ForeignKey(
        Region,
        verbose_name=_("intermediate region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intermediate_countries",
    )
    is_ldc = models.BooleanField(_("least developed country"), default=False)
    is_lldc = models.BooleanField(_("landlocked developing country"), default=False)
    is_sids = models.BooleanField(_("small island developing state"), default=False)

    account_opened_at = models.DateTimeField(_("account opened"), null=True, blank=True)

    # Public profile, edited by the country's focal point.
    responsible_institution = models.CharField(
        _("responsible ministry or agency"),
        max_length=200,
        blank=True,
        help_text=_("The ministry or agency that leads SME policy."),
    )
    policy_overview = models.TextField(
        _("SME policy context"),
        blank=True,
        max_length=5000,
        help_text=_("A short overview of the country's SME policy context, in plain text."),
    )
    website = models.URLField(_("website"), blank=True, max_length=300)
    public_contact_name = models.CharField(_("public contact name"), max_length=150, blank=True)
    public_contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    # The profile is written in one language, which the country page names.
    profile_language = models.CharField(
        _("language of the profile"), max_length=2, choices=settings.LANGUAGES, default="en",
        help_text=_("The language the profile's texts are written in."),
    )
    profile_updated_at = models.DateTimeField(_("profile updated"), null=True, blank=True)

    objects = CountryQuerySet.as_manager()

    PROFILE_FIELDS = (
        "responsible_institution",
        "policy_overview",
        "website",
        "public_contact_name",
        "public_contact_email",
        "profile_language",
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]
        constraints = [models.CheckConstraint(condition=models.Q(profile_language__in=LANGUAGE_CODES), name="country_profile_language_valid")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")

    @property
    def is_participating(self):
        return self.account_opened_at is not None

    @property
    def profile_is_complete(self):
        return all(getattr(self, field) for field in ("responsible_institution", "policy_overview"))


# --- Country teams ---


class Membership(models.Model):
    """A user's place in one country's team. A user belongs to at most one country."""

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        CONTRIBUTOR = "contributor", _("Contributor")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["country__name_en", "role", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["focal_point", "contributor"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.country})"

    @property
    def is_focal_point(self):
        return self.role == self.Role.FOCAL_POINT


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Invitation.Status.PENDING, expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(status=Invitation.Status.PENDING, expires_at__lte=timezone.now())


class Invitation(models.Model):
    """An e-mailed link that creates an account (or attaches an existing one) with a membership.

    Only a hash of the link's token is stored, so a database leak reveals no working link.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "revoked"]), name="invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["focal_point", "contributor"]), name="invitation_role_valid"
            ),
            # One open invitation per address and country: re-inviting replaces the old one.
            models.UniqueConstraint(
                "country",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_country_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.country} ({self.get_status_display()})"

    @property
    def is_expired(self):
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.status == self.Status.PENDING and not self.is_expired

    @property
    def state_label(self):
        return _("Expired") if self.is_expired else self.get_status_display()


class AuditEvent(models.Model):
    """One recorded change: who did what, when, to which country's team or records."""

    class Action(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ACCOUNT_OPENED = "account_opened", _("Country account opened")
        MEMBER_ROLE_CHANGED = "member_role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        FOCAL_POINT_HANDED_OVER = "focal_point_handed_over", _("Focal-point role handed over")
        PROFILE_UPDATED = "profile_updated", _("Country profile updated")
        NOTIFICATIONS_CHANGED = "notifications_changed", _("Notification settings changed")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(_("what"), max_length=40, choices=Action.choices)
    # The person the change was about, kept as text so the record survives their account.
    subject = models.CharField(_("about"), max_length=254, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["country", "-created_at"], name="audit_country_recent")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"
