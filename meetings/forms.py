import copy
import zoneinfo

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countries.languages import LANGUAGE_CODES, active_language, column, sections_of, stored_texts
from countries.models import Country
from practices.models import Practice

from .models import CallToAction, Deliverable, Mandate, Meeting, MeetingDocument, UptakeStory


# --- Texts in three languages ---


class InThreeLanguages:
    """A form of a staff-written record: each text of `translated` in English, French and Spanish.

    The English fields are the record's own (`title`), the others its companions (`title_fr`); a
    companion a plain form does not declare is made from the English field. A language with any
    text needs the texts the record requires (its title); at least one language must be given.
    Once clean, the fields hold what the record stores (countries/languages.py: English in the
    field when given, else the language given) and `language` says which. The form shows one
    section per language (templates/includes/form_in_languages.html).
    """

    translated = ()
    template_name = "includes/form_in_languages.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.required_texts = [field for field in self.translated if self.fields[field].required]
        for field in self.translated:
            english = self.fields[field]
            english.required = False
            label = english.label or field.replace("_", " ").capitalize()
            for code in LANGUAGE_CODES:
                name = column(field, code)
                if name not in self.fields:
                    self.fields[name] = copy.deepcopy(english)
                self.fields[name].required = False
                self.fields[name].label = _("%(field)s (%(language)s)") % {"field": label, "language": names[code]}
                # Browsers check the spelling, and screen readers speak the text, in its language.
                self.fields[name].widget.attrs["lang"] = code
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial.update(sections_of(instance, self.translated))

    @property
    def language_sections(self):
        names = dict(settings.LANGUAGES)
        sections = []
        for code in LANGUAGE_CODES:
            fields = [self[column(field, code)] for field in self.translated]
            sections.append({"code": code, "name": names[code], "fields": [(field, field.errors) for field in fields]})
        return sections

    def get_context(self):
        context = super().get_context()
        in_sections = {column(field, code) for field in self.translated for code in LANGUAGE_CODES}
        context["sections"] = self.language_sections
        context["other_fields"] = [(field, errors) for field, errors in context["fields"] if field.name not in in_sections]
        return context

    def clean(self):
        cleaned = super().clean()
        sections = {
            code: {field: (cleaned.get(column(field, code)) or "").strip() for field in self.translated} for code in LANGUAGE_CODES
        }
        given = [code for code, texts in sections.items() if any(texts.values())]
        for code in given:
            for field in self.required_texts:
                if not sections[code][field]:
                    self.add_error(
                        column(field, code),
                        forms.ValidationError(_("Needed in this language too, as it has other texts; or leave them all empty."), code="required"),
                    )
        if not given:
            for field in self.required_texts:
                self.add_error(field, forms.ValidationError(self.fields[field].error_messages["required"], code="required"))
        if not self.errors:
            cleaned.update(stored_texts(sections, self.translated))
        return cleaned

    def _post_clean(self):
        # A model form's record learns the language of its texts before the model checks it.
        instance = getattr(self, "instance", None)
        if instance is not None and "language" in self.cleaned_data:
            instance.language = self.cleaned_data["language"]
        super()._post_clean()


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


class MeetingForm(InThreeLanguages, forms.ModelForm):
    """What staff set on a meeting: the services create or change it from `cleaned_data`; the form is never saved."""

    translated = Meeting.TRANSLATED_FIELDS

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial="UTC",
        help_text=_("Where the meeting takes place, or its host's zone for a virtual meeting. The times below are in this zone."),
    )
    starts_at = wall_clock_field(_("Starts"))
    ends_at = wall_clock_field(_("Ends"))

    class Meta:
        model = Meeting
        # Whether it is public changes only through publishing.
        fields = [
            "title", "title_fr", "title_es", "description", "description_fr", "description_es", "outcome", "outcome_fr", "outcome_es",
            "slug", "kind", "format", "time_zone", "starts_at", "ends_at", "place", "delegates_count", "is_sample",
        ]
        widgets = {
            "format": forms.RadioSelect,
            **{name: forms.Textarea(attrs={"rows": 6}) for name in ("description", "description_fr", "description_es")},
            **{name: forms.Textarea(attrs={"rows": 6}) for name in ("outcome", "outcome_fr", "outcome_es")},
        }
        help_texts = {
            "slug": _("The end of the meeting page's address, such as sme-ministerial-2026. Left empty, it is made from the title."),
            "is_sample": _("The public page says the content is an example."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the service makes the address from the title.
        self.fields["slug"].required = False
        # A radio button for each format, none for "---------": a meeting has one.
        self.fields["format"].choices = Meeting.Format.choices

    @classmethod
    def initial_from(cls, meeting):
        initial = {name: getattr(meeting, name) for name in cls.base_fields}
        initial.update(sections_of(meeting, cls.translated))
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

    # The form checks each field and the model's clean() (the end not before the start). The address's
    # uniqueness and the constraints are the service's to check, with the meeting it saves: this form
    # is not bound to the meeting it edits.
    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass


class AgendaItemForm(InThreeLanguages, forms.Form):
    translated = ("title",)

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = wall_clock_field(_("Time"), required=False)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["starts_at"].help_text = _("In the meeting's time zone, %(zone)s. Optional.") % {"zone": meeting.time_zone}

    @classmethod
    def initial_from(cls, item):
        return {"starts_at": wall_clock(item.starts_at, item.meeting.zone), "speakers": item.speakers, **sections_of(item, cls.translated)}

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


class CallToActionForm(InThreeLanguages, forms.ModelForm):
    """The Call to Action's text in three languages, in the admin."""

    translated = CallToAction.TRANSLATED_FIELDS

    class Meta:
        model = CallToAction
        fields = ["title", "title_fr", "title_es", "text", "text_fr", "text_es"]


class MandateForm(InThreeLanguages, forms.ModelForm):
    """A mandate's title and description in three languages, in the admin."""

    translated = Mandate.TRANSLATED_FIELDS

    class Meta:
        model = Mandate
        fields = ["title", "title_fr", "title_es", "description", "description_fr", "description_es"]


class DeliverableTextForm(InThreeLanguages, forms.ModelForm):
    """A deliverable's title and description in three languages, in the admin (its progress changes on the staff page)."""

    translated = Deliverable.TRANSLATED_FIELDS

    class Meta:
        model = Deliverable
        fields = ["title", "title_fr", "title_es", "description", "description_fr", "description_es"]


class DeliverableForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Deliverable.Status.choices)
    # The 0-100 rule is the service's: it answers with its own message next to the field.
    progress = forms.IntegerField(
        label=_("Progress (%)"), widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        help_text=_("A whole number from 0 to 100."),
    )


class DeliverableEventForm(InThreeLanguages, forms.Form):
    translated = ("title", "description")

    title = forms.CharField(label=_("What happened"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    happened_on = forms.DateField(label=_("Date"), widget=DateInput)
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
        fields = ["title", "language", "institution", "story", "used_deliverable", "used_practice"]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        # A new story is taken to be written in the language its writer reads the site in; not given, the language stays.
        self.fields["language"].required = False
        if self.instance.pk is None:
            self.initial["language"] = active_language()
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

    def clean_language(self):
        return self.cleaned_data["language"] or (self.instance.language if self.instance.pk else active_language())

    def content(self):
        return {field: self.cleaned_data.get(field) for field in self.Meta.fields}
