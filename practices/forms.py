from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.core.validators import URLValidator
from django.db.models import Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from countries.models import Country, ReviewEmails

from .attachments import check_document
from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_VALIDATORS,
    CoOwnership,
    EvidenceLabel,
    ImplementationStatus,
    Level,
    Practice,
)


def _taxonomy_field(name):
    """A practice's terms of one taxonomy as boxes to tick: those still offered, named by their slug as a revision keeps them."""
    relation = Practice._meta.get_field(name)
    return relation.formfield(
        queryset=relation.related_model.objects.filter(is_active=True), to_field_name="slug", widget=forms.CheckboxSelectMultiple
    )


def _year_field(name):
    # The model's validators hold the range; given to the form field too, the browser offers only those years.
    return Practice._meta.get_field(name).formfield(min_value=FIRST_YEAR, max_value=LAST_YEAR)


class IndicatorsField(forms.CharField):
    """Key indicators written one a line as name | value | year; a revision keeps them as a list."""

    year = forms.IntegerField(required=False, validators=YEAR_VALIDATORS)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{item['name']} | {item['value']} | {item['year'] or ''}" for item in value)
        return value

    def clean(self, value):
        indicators = []
        for number, line in enumerate(super().clean(value).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise forms.ValidationError(_("Line %(number)s: write name | value | year.") % {"number": number})
            try:
                year = self.year.clean(parts[2])
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(number)s: the year must be between %(first)s and %(last)s.")
                    % {"number": number, "first": FIRST_YEAR, "last": LAST_YEAR}
                ) from None
            indicators.append({"name": parts[0], "value": parts[1], "year": year})
        return indicators


class LinksField(forms.CharField):
    """Web addresses written one a line; a revision keeps them as a list."""

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value):
        links = []
        validate = URLValidator(schemes=["http", "https"])
        for line in super().clean(value).splitlines():
            address = line.strip()
            if not address:
                continue
            try:
                validate(address)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(address)s” is not a web address (https://...).") % {"address": address}) from None
            links.append(address)
        return links


def _label(name):
    return capfirst(Practice._meta.get_field(name).verbose_name)


class PracticeForm(forms.ModelForm):
    """The write-up of a practice. Only the title is needed to save a draft; the review needs more.

    The form edits a version's content, never the practice's row: `content()` is what the services
    (create_practice, save_revision) take, and the form is never saved.
    """

    themes = _taxonomy_field("themes")
    instruments = _taxonomy_field("instruments")
    target_groups = _taxonomy_field("target_groups")
    indicators = IndicatorsField(
        label=_label("indicators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | value | year. For example: Firms registered online | 12,500 | 2024"),
    )
    links = LinksField(
        label=_label("links"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One web address per line.")
    )
    start_year = _year_field("start_year")
    end_year = _year_field("end_year")
    # The save this form was opened from: a save made since then is not overwritten unseen.
    base = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": _("This form is out of date: nothing was saved. Open the practice again to edit it."),
        "invalid": _("This form is out of date: nothing was saved. Open the practice again to edit it."),
    })

    class Meta:
        model = Practice
        # The content a version proposes, less its documents (added one by one on the practice's page).
        fields = [
            "title", "summary", "description", "level", "themes", "instruments", "target_groups",
            "problem", "objectives", "implementation", "results", "indicators", "challenges", "transferability",
            "implementation_status", "start_year", "end_year", "responsible_institution", "links", "original_language",
            "contact_name", "contact_email", "adapted_from",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "level": forms.RadioSelect,
            "problem": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "implementation": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "challenges": forms.Textarea(attrs={"rows": 4}),
            "transferability": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "description": _("The full description. Markdown works: **bold**, *italics*, lists with -, links as [text](https://...)."),
            "contact_name": _("Shown only to signed-in delegates and ITC staff."),
            "adapted_from": _("Published practices of other countries that inspired this one. Hold Ctrl (or Cmd) to choose several."),
        }
        error_messages = {"title": {"required": _("Give the practice a title.")}}

    # The long form in sections, so a delegate on a phone sees where they are.
    template_name = "practices/_practice_form_fields.html"
    SECTIONS = [
        (_("The practice in brief"), ["title", "summary", "description", "level", "themes", "instruments", "target_groups"]),
        (
            _("What it does and what it achieved"),
            ["problem", "objectives", "implementation", "results", "indicators", "challenges", "transferability"],
        ),
        (
            _("Facts, contact and sources"),
            [
                "implementation_status",
                "start_year",
                "end_year",
                "responsible_institution",
                "links",
                "original_language",
                "contact_name",
                "contact_email",
                "adapted_from",
            ],
        ),
    ]

    def get_context(self):
        context = super().get_context()
        by_name = {field.name: (field, errors) for field, errors in context["fields"]}
        context["sections"] = [
            {"legend": legend, "fields": [(*by_name[name], self.conflict.get(name)) for name in names]}
            for legend, names in self.SECTIONS
        ]
        return context

    def __init__(self, *args, country=None, base=None, conflict=None, **kwargs):
        super().__init__(*args, **kwargs)
        if base is None:
            # A new practice: there is nothing saved it could overwrite.
            del self.fields["base"]
        else:
            self.initial["base"] = base
        # After an edit conflict: {field name: what the other person saved there, as text}.
        self.conflict = conflict or {}
        self.conflict_by = ""
        # The model's choices, without its blank one as a radio button (a draft leaves the level unticked)
        # and with the dash the other lists show for "not given".
        self.fields["level"].choices = Level.choices
        self.fields["implementation_status"].choices = [("", "—"), *ImplementationStatus.choices]
        others = Practice.objects.published().select_related("owner").order_by("owner__name_en", "title")
        if country is not None:
            others = others.exclude(owner=country)
        self.fields["adapted_from"].queryset = others
        self.fields["adapted_from"].label_from_instance = lambda practice: f"{practice.title} ({practice.owner.name})"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year comes before the start year."))
        return cleaned

    def validate_constraints(self):
        # The practice's constraints concern what the form does not hold (status, import key) or the
        # years' order, checked by clean() next to the end year: no query per form, nor per spreadsheet row.
        pass

    def content(self):
        """The cleaned form as a revision's content."""
        data = dict(self.cleaned_data)
        data.pop("base", None)
        for field in ("themes", "instruments", "target_groups"):
            data[field] = [term.slug for term in data[field]]
        data["adapted_from"] = [practice.pk for practice in data["adapted_from"]]
        return data

    def displayed(self, content, name):
        """A field's value in `content` as a reader sees it in this form: labels for choices, lines for lists."""
        value = content.get(name)
        field = self.fields[name]
        if isinstance(field, forms.ModelMultipleChoiceField):
            key = field.to_field_name or "pk"
            return ", ".join(field.label_from_instance(item) for item in field.queryset.model.objects.filter(**{f"{key}__in": value or []}))
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value or ""))
        value = field.prepare_value(value)
        return "" if value is None else str(value)

    @staticmethod
    def initial_from(content):
        """A revision's content as the form's initial values (its fields write lists as lines)."""
        return dict(content)


class PublishForm(forms.Form):
    evidence_label = forms.ChoiceField(
        label=_("Evidence label"), choices=[("", "—"), *EvidenceLabel.choices], required=False
    )
    note = forms.CharField(label=_("Note to the team (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF or Office document (.docx, .xlsx, .pptx, .odt, .ods, .odp), %(limit)s at most.") % {
            "limit": filesizeformat(settings.SME_MAX_ATTACHMENT_SIZE)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked once, here, so the field shows the reason; the service takes the result.
        self.checked = check_document(upload)
        return upload


class CoOwnerForm(forms.Form):
    """The country asked to co-own a practice: one with an account, not the owner, not already asked or sharing."""

    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso2", empty_label=_("Choose a country")
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        asked = CoOwnership.objects.filter(practice=practice, country=OuterRef("pk"), status__in=CoOwnership.OPEN_STATUSES)
        self.fields["country"].queryset = (
            Country.objects.participating().exclude(pk=practice.owner_id).exclude(Exists(asked)).by_name()
        )


class ReviewEmailsForm(forms.Form):
    review_emails = forms.ChoiceField(
        label=_("When a country submits a practice for review"), choices=ReviewEmails.choices, widget=forms.RadioSelect
    )


class TagsForm(forms.Form):
    """A moderator's correction of a version's themes, instrument types and target groups."""

    themes = _taxonomy_field("themes")
    instruments = _taxonomy_field("instruments")
    target_groups = _taxonomy_field("target_groups")

    def __init__(self, *args, content=None, **kwargs):
        content = content or {}
        kwargs.setdefault("initial", {field: content.get(field) or [] for field in self.base_fields})
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # A term no longer offered stays choosable on a version that has it.
            model = field.queryset.model
            field.queryset = model.objects.filter(Q(is_active=True) | Q(slug__in=content.get(name) or []))

    def tags(self):
        return {field: [term.slug for term in self.cleaned_data[field]] for field in self.fields}
