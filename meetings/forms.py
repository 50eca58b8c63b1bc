import zoneinfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from practices.models import Practice

from .models import Deliverable, Meeting, MeetingDocument, UptakeStory


# --- Meetings ---


# The zones of places (Africa/Nairobi, Europe/Zurich…) and UTC: not the legacy aliases.
TIME_ZONE_AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
WALL_CLOCK_FORMAT = "%Y-%m-%dT%H:%M"


def time_zone_choices():
    zones = sorted(zone for zone in zoneinfo.available_timezones() if zone.split("/")[0] in TIME_ZONE_AREAS and "/" in zone)
    return [("UTC", "UTC"), *[(zone, zone.replace("_", " ")) for zone in zones]]


class WallClockInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=WALL_CLOCK_FORMAT)


def wall_clock_field(label, *, required=True):
    """A date and time as read on a clock at the meeting: the form turns it into an instant in the meeting's zone."""
    return forms.DateTimeField(label=label, required=required, widget=WallClockInput, input_formats=[WALL_CLOCK_FORMAT, "%Y-%m-%d %H:%M"])


def wall_clock(value, zone):
    """An instant as the meeting's clock shows it (naive), for a form's initial value."""
    return value.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0) if value else None


def in_zone(value, zone):
    """The instant a wall-clock time of the meeting's zone stands for.

    The field made the entered time aware in the request's time zone; its wall clock is what was typed.
    A time near year 1 or 9999 may fall outside the calendar once in UTC, as the database keeps it: refused.
    """
    if not value:
        return value
    instant = timezone.make_aware(timezone.make_naive(value), zone)
    try:
        instant.astimezone(zoneinfo.ZoneInfo("UTC"))
    except OverflowError:
        raise forms.ValidationError(_("Choose a date between the years 1 and 9999."), code="out_of_range") from None
    return instant


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"), max_length=120, required=False,
        help_text=_("The end of the meeting page's address, such as sme-ministerial-2026. Left empty, it is made from the title."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=Meeting.Format.choices, widget=forms.RadioSelect)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial="UTC",
        help_text=_("Where the meeting takes place, or its host's zone for a virtual meeting. The times below are in this zone."),
    )
    starts_at = wall_clock_field(_("Starts"))
    ends_at = wall_clock_field(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False, help_text=_("City and venue; empty for a virtual meeting."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=_("In Markdown."))
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the meeting achieved, after it took place. In Markdown."),
    )
    delegates_count = forms.IntegerField(label=_("Number of delegates"), required=False, min_value=0)
    is_sample = forms.BooleanField(
        label=_("Sample data"), required=False, help_text=_("The public page says the content is an example.")
    )

    @classmethod
    def initial_from(cls, meeting):
        initial = {name: getattr(meeting, name) for name in cls.base_fields}
        initial["starts_at"], initial["ends_at"] = wall_clock(meeting.starts_at, meeting.zone), wall_clock(meeting.ends_at, meeting.zone)
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("time_zone"):
            zone = zoneinfo.ZoneInfo(cleaned["time_zone"])
            for name in ("starts_at", "ends_at"):
                try:
                    cleaned[name] = in_zone(cleaned.get(name), zone)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class AgendaItemForm(forms.Form):
    starts_at = wall_clock_field(_("Time"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["starts_at"].help_text = _("In the meeting's time zone, %(zone)s. Optional.") % {"zone": meeting.time_zone}

    @staticmethod
    def initial_from(item):
        return {"starts_at": wall_clock(item.starts_at, item.meeting.zone), "title": item.title, "speakers": item.speakers}

    def clean_starts_at(self):
        return in_zone(self.cleaned_data["starts_at"], self.meeting.zone)


class MeetingDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=MeetingDocument.Kind.choices)
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"}),
        help_text=_("PDF or Office document (.docx, .xlsx, .pptx, .odt, .ods, .odp)."),
    )


class ParticipationForm(forms.Form):
    delegates = forms.IntegerField(
        label=_("Number of delegates"), required=False, min_value=0, max_value=32767,
        help_text=_("How many people represented your country. Optional."),
    )


class PresentationForm(forms.Form):
    title = forms.CharField(label=_("Title of the presentation"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices presented"), queryset=Practice.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Among your country's published practices."),
    )

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"].queryset = Practice.objects.published().of_country(country).order_by("title")


class DeclineDeclarationForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


# --- The Call to Action ---


class DateInput(forms.DateInput):
    input_type = "date"


def _meeting_field(label=_("At the meeting")):
    return forms.ModelChoiceField(
        label=label, queryset=Meeting.objects.order_by("-starts_at"), required=False, to_field_name="slug", empty_label="—"
    )


class EndorsementDeclarationForm(forms.Form):
    endorsed_on = forms.DateField(label=_("Endorsed on"), required=False, widget=DateInput)
    meeting = _meeting_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A country names only a meeting it can see: one in preparation does not exist for delegates.
        self.fields["meeting"].queryset = Meeting.objects.public().order_by("-starts_at")


class EndorsementRecordForm(EndorsementDeclarationForm):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="iso2", empty_label=_("Choose a country")
    )
    field_order = ["country", "endorsed_on", "meeting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.by_name()
        # Staff record what they know, at any meeting.
        self.fields["meeting"].queryset = Meeting.objects.order_by("-starts_at")


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DeliverableForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Deliverable.Status.choices)
    # The 0-100 rule is the service's: it answers with its own message next to the field.
    progress = forms.IntegerField(
        label=_("Progress (%)"), widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        help_text=_("A whole number from 0 to 100."),
    )


class DeliverableEventForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("What happened"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    meeting = _meeting_field(_("Meeting"))
    document = forms.ModelChoiceField(
        label=_("Meeting document"), queryset=MeetingDocument.objects.none(), required=False, empty_label="—"
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = MeetingDocument.objects.select_related("meeting").order_by("-meeting__starts_at", "title")
        self.fields["document"].label_from_instance = lambda document: f"{document.meeting.title}: {document.title}"


class UptakeStoryForm(forms.ModelForm):
    class Meta:
        model = UptakeStory
        fields = ["title", "institution", "story", "used_deliverable", "used_practice"]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["used_deliverable"].queryset = Deliverable.objects.select_related("mandate").order_by(
            "mandate__call", "mandate__position", "position", "pk"
        )
        self.fields["used_deliverable"].empty_label = "—"
        # Peers' published practices only: the service refuses any other. The one the story names stays offered
        # after its country withdraws it, so that a save which does not change it keeps it.
        peers = Practice.objects.published().exclude(pk__in=Practice.objects.of_country(country).values("pk"))
        self.fields["used_practice"].queryset = (
            Practice.objects.filter(Q(pk__in=peers.values("pk")) | Q(pk=self.instance.used_practice_id)).select_related("owner").order_by("title")
        )
        self.fields["used_practice"].label_from_instance = lambda practice: f"{practice.title} ({practice.owner.name})"
        self.fields["used_practice"].empty_label = "—"
        self.fields["story"].help_text = _("What the institution did with it, and what came of it. In Markdown.")

    def content(self):
        return {field: self.cleaned_data.get(field) for field in self.Meta.fields}
