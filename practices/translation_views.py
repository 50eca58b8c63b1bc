"""Translations of a practice: the translator's pages in a workspace, and ITC's review of them.

A translation is found from the workspace's country, as every object of a workspace is: a
translation of one of its practices (owned or co-owned), or one written by one of its delegates.
Any other does not exist there (404), for ITC too. Who may start, write, submit or discard one is
the services' question (countries/access.py: may_translate, may_write_translation): a view lets
their refusal through (403) and never decides it itself. ITC's decisions go through the one
decision view and partial (countries/decisions.py).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from countries.access import may_ask_for_translation, may_translate, may_write_translation, membership_of, staff_view, workspace_view
from countries.languages import LANGUAGE_CODES, lang_attribute
from countries.decisions import Decision, Decisions, NoteForm, RejectForm, RequestChangesForm, flash, show_errors
from countries.models import localized_field

from . import machine, services
from .diff import compare
from .models import (
    REQUIRED_FOR_TRANSLATION_REVIEW,
    TRANSLATED_FIELDS,
    Language,
    Practice,
    PracticeTranslation,
    ReviewEvent,
    TranslationRequest,
)

# The languages a practice is translated into: the community's working languages.
WORKING_LANGUAGES = [(code, Language(code).label) for code in LANGUAGE_CODES]


# --- Forms ---


class TranslationForm(forms.ModelForm):
    """The translated text, each field beside the original's. Status, language and translator are never the form's."""

    template_name = "practices/translations/_form.html"

    class Meta:
        model = PracticeTranslation
        fields = TRANSLATED_FIELDS
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, translation, **kwargs):
        super().__init__(*args, initial=translation.text(), **kwargs)
        self.practice = translation.practice
        for field in self.fields.values():
            field.widget.attrs["lang"] = translation.language
        # A draft of an older version of the original: the translator says when it follows the current one.
        if translation.is_outdated and self.practice.published_revision is not None:
            self.fields["follows_current"] = forms.BooleanField(
                required=False,
                label=gettext_lazy("The translation now follows version %(number)s of the original, published now")
                % {"number": self.practice.published_revision.number},
                help_text=gettext_lazy("Tick once you have translated what changed in the original (shown above)."),
            )

    def get_context(self):
        context = super().get_context()
        # Each field with the original's published text above it.
        context["rows"] = [(field, errors, getattr(self.practice, field.name)) for field, errors in context["fields"] if field.name in TRANSLATED_FIELDS]
        context["confirmations"] = [(field, errors) for field, errors in context["fields"] if field.name not in TRANSLATED_FIELDS]
        context["original_lang"] = lang_attribute(self.practice.original_language)
        context["original_language"] = self.practice.get_original_language_display()
        return context

    def text(self, data):
        """The fields the browser sent: a field left out of the request is left as saved."""
        return {name: value for name, value in self.cleaned_data.items() if name in data and name in TRANSLATED_FIELDS}


class StartTranslationForm(forms.Form):
    language = forms.ChoiceField(choices=WORKING_LANGUAGES)


class AskForTranslationForm(forms.Form):
    """A reader's request for a practice in a language: the practice is the URL's, the reader the signed-in person."""

    language = forms.ChoiceField(choices=WORKING_LANGUAGES)


class TranslationChangesForm(RequestChangesForm):
    """The same comment as on a practice's version, read by the translator instead of the team."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = gettext_lazy("The translator reads this comment.")


class TranslationRejectForm(RejectForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext_lazy("The translator reads this reason.")


# --- Where a translation is found ---


def translations_of(country):
    """The translations a country's workspace holds: of its practices, and those its delegates wrote."""
    return PracticeTranslation.objects.filter(
        Q(practice__in=Practice.objects.of_country(country).values("pk"))
        | Q(translated_by__membership__country=country)
        | Q(volunteer_country=country)
    )


def _translation_of(country, pk):
    related = ("practice__owner", "practice__published_revision", "source_revision", "translated_by", "volunteer_country")
    return get_object_or_404(translations_of(country).select_related(*related), pk=pk)


def _workspace_of(user, translation):
    """The country whose workspace shows `user` this translation, or None: their own (the owner's for ITC)."""
    membership = membership_of(user)
    if membership is None:
        return translation.practice.owner
    return membership.country if translations_of(membership.country).filter(pk=translation.pk).exists() else None


def _original_changes(translation):
    """What changed in the original's text to translate, and since which of its versions; None when nothing did.

    An outdated translation: since the version it translates. A new version of a translation, open or in
    review: since the version the published translation it starts from translates.
    """
    practice = translation.practice
    if translation.is_outdated and practice.published_revision is not None:
        since, until = translation.source_revision, practice.published_revision
    elif translation.is_editable or translation.is_in_review:
        previous = (
            practice.translations.current()
            .filter(language=translation.language)
            .exclude(source_revision=translation.source_revision)
            .select_related("source_revision")
            .first()
        )
        if previous is None:
            return None
        since, until = previous.source_revision, translation.source_revision
    else:
        return None
    before, after = (services.normalise_content(revision.content) for revision in (since, until))
    changes = [change for change in compare(before, after) if change["field"] in TRANSLATED_FIELDS]
    return {"since": since, "outdated": translation.is_outdated, "changes": changes}


def _side_by_side(translation):
    practice = translation.practice
    return [
        {
            "label": PracticeTranslation._meta.get_field(name).verbose_name,
            "original": getattr(practice, name),
            "translated": getattr(translation, name),
        }
        for name in TRANSLATED_FIELDS
    ]


# --- Readers' requests: counted for the team and ITC, never named ---


def demand_of(requests, limit=None):
    """The demand among `requests`: one row per practice and language still asked for, with how many readers ask,
    most asked for first. Two queries, however many rows."""
    rows = list(requests.demand()[:limit])
    practices = Practice.objects.select_related("owner").in_bulk({row["practice"] for row in rows})
    return [{**row, "practice": practices[row["practice"]], "language_label": Language(row["language"]).label} for row in rows]


def _readers_waiting():
    """How many readers wait for the practice of a row of translations in its language (0: none)."""
    waiting = (
        TranslationRequest.objects.waiting()
        .filter(practice=OuterRef("practice"), language=OuterRef("language"))
        .order_by()
        .values("practice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0))


def workspace_section(user, practice, country):
    """The "Translations" section of a practice in a workspace: its translations per language, and what may be started."""
    translations = list(practice.translations.select_related("translated_by", "volunteer_country").order_by("language", "-number"))
    open_languages = {translation.language for translation in translations if translation.is_editable or translation.is_in_review}
    may_start = may_translate(user, practice)
    return {
        "practice": practice,
        "country": country,
        "translations": translations,
        "asked_for": demand_of(TranslationRequest.objects.filter(practice=practice)),
        "languages": [
            {"code": code, "label": label, "open": code in open_languages}
            for code, label in WORKING_LANGUAGES
            if code != practice.original_language and may_start
        ],
    }


# --- The translator's pages ---


@login_required
@require_POST
def translation_start(request, pk):
    """Start (or go on with) a translation of a published practice: from its workspace page or its public page."""
    practice = get_object_or_404(Practice.objects.published().select_related("owner"), pk=pk)
    form = StartTranslationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose English, French or Spanish."))
        return redirect("practices:practice_detail", pk=practice.pk)
    try:
        translation = services.start_translation(practice, by=request.user, language=form.cleaned_data["language"])
    except ValidationError as error:
        flash(request, error)
        return redirect("practices:practice_detail", pk=practice.pk)
    country = _workspace_of(request.user, translation)
    if country is None:
        messages.info(
            request,
            _(
                "A translation into %(language)s is already being written by another country's delegate. "
                "ITC reviews it before readers get it."
            )
            % {"language": translation.get_language_display()},
        )
        return redirect("practices:practice_detail", pk=practice.pk)
    return redirect("practices:translation_edit", iso2=country.iso2, pk=translation.pk)


@workspace_view()
def translation_list(request, country, membership):
    related = ("practice__owner", "translated_by", "volunteer_country")
    translations = translations_of(country).select_related(*related).order_by("-updated_at", "-pk")
    of_our_practices = Q(practice__in=Practice.objects.of_country(country).values("pk"))
    context = {
        "country": country,
        "membership": membership,
        "ours": translations.filter(of_our_practices),
        "volunteered": translations.exclude(of_our_practices),
        # How many readers ask for the team's practices in each language (never who).
        "asked_for": demand_of(TranslationRequest.objects.filter(practice__in=Practice.objects.of_country(country).values("pk")), limit=200),
    }
    return render(request, "practices/translations/list.html", context)


def _save_and_submit(request, form, translation):
    """Save what the form holds; with "submit" pressed, send it for review too. True when done.

    The text is saved first, whatever happens to the submission: nothing typed is lost.
    """
    translation = services.save_translation(
        translation, by=request.user, text=form.text(request.POST), follows_current=form.cleaned_data.get("follows_current", False)
    )
    if "submit" not in request.POST:
        messages.success(request, _("Translation saved."))
        return True
    missing = [name for name in REQUIRED_FOR_TRANSLATION_REVIEW if not getattr(translation, name).strip()]
    for name in missing:
        form.add_error(name, _("Needed before the translation can be submitted."))
    if missing:
        messages.warning(request, _("Translation saved, but not submitted: complete the fields marked below."))
        return False
    services.submit_translation(translation, by=request.user)
    messages.success(request, _("Submitted to ITC for review. Its status shows on this page."))
    return True


def _draft_by_machine(request, form, translation):
    """Save what the form holds, then have the machine draft the fields still empty. True when done.

    What the translator typed is saved first and never replaced (the machine fills only empty fields); when
    the engine fails, the page comes back with the form as typed and says why.
    """
    translation = services.save_translation(
        translation, by=request.user, text=form.text(request.POST), follows_current=form.cleaned_data.get("follows_current", False)
    )
    try:
        translation, drafted = services.draft_translation_by_machine(translation, by=request.user)
    except machine.MachineTranslationError as error:
        messages.error(request, _("Your text is saved, but the machine made no draft. %(reason)s") % {"reason": error})
        return False
    if not drafted:
        messages.info(request, _("Every field is translated already: the machine drafts only empty fields. Empty a field to have it drafted."))
        return True
    labels = ", ".join(str(PracticeTranslation._meta.get_field(name).verbose_name) for name in drafted)
    messages.success(
        request,
        _("A machine drafted these fields: %(fields)s. Read and correct every sentence: ITC reviews the translation before readers get it.")
        % {"fields": labels},
    )
    return True


@workspace_view()
def translation_edit(request, country, membership, pk):
    translation = _translation_of(country, pk)
    form = TranslationForm(request.POST or None, translation=translation)
    if request.method == "POST" and form.is_valid():
        try:
            step = _draft_by_machine if "machine_draft" in request.POST else _save_and_submit
            done = step(request, form, translation)
        except ValidationError as error:
            show_errors(form, error)
            done = False
        if done:
            return redirect("practices:translation_edit", iso2=country.iso2, pk=translation.pk)
    practice = translation.practice
    feedback = None
    if translation.is_editable:
        feedback = translation.events.filter(action=ReviewEvent.Action.TRANSLATION_CHANGES_REQUESTED).select_related("actor").first()
    context = {
        "country": country,
        "membership": membership,
        "translation": translation,
        "practice": practice,
        # A refused form stays on the page with what was typed, whatever the state now.
        "form": form if form.is_bound or (translation.is_editable and may_write_translation(request.user, translation)) else None,
        "rows": _side_by_side(translation),
        "original_changes": _original_changes(translation),
        "feedback": feedback,
        "original_lang": lang_attribute(practice.original_language),
        "translation_lang": lang_attribute(translation.language),
        "our_practice": Practice.objects.of_country(country).filter(pk=practice.pk).exists(),
        # The engine's name when machine drafts are on (practices/machine.py), for the button that asks for one.
        "machine_engine": machine.configured_engine(),
        # A published translation the original has moved past: its next version starts from it.
        "may_update": translation.is_current and translation.is_outdated and may_translate(request.user, practice),
        "events": translation.events.select_related("actor", "revision", "saved_content", "translation"),
    }
    return render(request, "practices/translations/edit.html", context)


@workspace_view()
@require_POST
def translation_discard(request, country, membership, pk):
    translation = _translation_of(country, pk)
    try:
        services.discard_translation(translation, by=request.user)
    except ValidationError as error:
        flash(request, error)
        return redirect("practices:translation_edit", iso2=country.iso2, pk=translation.pk)
    messages.success(request, _("The translation is discarded. It stays in the practice's history."))
    return redirect("practices:translation_list", iso2=country.iso2)


# --- A reader asks for a practice in another language ---


def _back_to_practice(practice):
    return HttpResponseRedirect(reverse("practices:practice_detail", kwargs={"pk": practice.pk}) + "#ask-translation-title")


@login_required
@require_POST
def translation_ask(request, pk):
    practice = get_object_or_404(Practice.objects.published(), pk=pk)
    form = AskForTranslationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose English, French or Spanish."))
        return _back_to_practice(practice)
    try:
        services.ask_for_translation(practice, by=request.user, language=form.cleaned_data["language"])
    except ValidationError as error:
        flash(request, error)
        return _back_to_practice(practice)
    messages.success(
        request,
        _("Your request is counted. The practice's team and ITC see how many readers ask for it in %(language)s, never who.")
        % {"language": Language(form.cleaned_data["language"]).label},
    )
    return _back_to_practice(practice)


@login_required
@require_POST
def translation_ask_withdraw(request, pk):
    practice = get_object_or_404(Practice.objects.published(), pk=pk)
    form = AskForTranslationForm(request.POST)
    if form.is_valid():
        services.withdraw_translation_request(practice, by=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("Your request is withdrawn."))
    else:
        messages.error(request, _("Choose English, French or Spanish."))
    return _back_to_practice(practice)


def asking_for_translation(user, reading):
    """What the practice page offers a signed-in reader: each working language the practice cannot be read in yet,
    and whether they asked for it already. One query; nothing for a visitor."""
    practice = reading.practice
    if not may_ask_for_translation(user, practice):
        return []
    missing = [code for code in LANGUAGE_CODES if code not in reading.languages]
    if not missing:
        return []
    asked = set(
        TranslationRequest.objects.filter(practice=practice, requested_by=user, withdrawn_at__isnull=True).values_list("language", flat=True)
    )
    return [{"code": code, "label": Language(code).label, "asked": code in asked} for code in missing]


# --- ITC's review ---


@staff_view
def translation_queue(request):
    """Translations waiting for review, and practices readers ask for: the most asked for first, then the oldest."""
    translations = (
        PracticeTranslation.objects.filter(status__in=PracticeTranslation.IN_REVIEW_STATUSES)
        .select_related("practice__owner", "translated_by", "volunteer_country")
        .annotate(readers_waiting=_readers_waiting())
        .order_by("-readers_waiting", "submitted_at", "pk")
    )
    asked_for = demand_of(TranslationRequest.objects.all(), limit=200)
    # The translation being written or reviewed for each row, if any: one query for them all.
    open_translations = {
        (translation.practice_id, translation.language): translation
        for translation in PracticeTranslation.objects.filter(
            status__in=PracticeTranslation.OPEN_STATUSES, practice__in=[row["practice"].pk for row in asked_for]
        )
    }
    for row in asked_for:
        row["open_translation"] = open_translations.get((row["practice"].pk, row["language"]))
    context = {"translations": translations[:500], "asked_for": asked_for}
    return render(request, "practices/translations/queue.html", context)


def coverage():
    """How many published practices can be read in each working language (written in it, or with a current
    translation into it), in all and per country (owner or co-owner): two queries, however many practices."""
    current = PracticeTranslation.objects.current()
    published = Practice.objects.published().alias(
        **{f"translated_into_{code}": Exists(current.filter(practice=OuterRef("pk"), language=code)) for code in LANGUAGE_CODES}
    )
    counts = {"practices": Count("pk")}
    for code in LANGUAGE_CODES:
        counts[f"original_{code}"] = Count("pk", filter=Q(original_language=code))
        counts[f"readable_{code}"] = Count("pk", filter=Q(original_language=code) | Q(**{f"translated_into_{code}": True}))
    totals = published.aggregate(**counts)
    languages = [
        {
            "code": code,
            "label": Language(code).label,
            "original": totals[f"original_{code}"],
            "translated": totals[f"readable_{code}"] - totals[f"original_{code}"],
            "readable": totals[f"readable_{code}"],
            "share": round(100 * totals[f"readable_{code}"] / totals["practices"]) if totals["practices"] else 0,
        }
        for code in LANGUAGE_CODES
    ]
    countries = (
        published.filter(countries__isnull=False)
        .values(iso2=F("countries__iso2"), name=F(f"countries__{localized_field('name')}"))
        .annotate(**counts)
        .order_by("name")
    )
    rows = [{**row, "readable": [row[f"readable_{code}"] for code in LANGUAGE_CODES]} for row in countries]
    return {"practices": totals["practices"], "languages": languages, "countries": rows}


@staff_view
def translation_coverage(request):
    return render(request, "practices/translations/coverage.html", {**coverage(), "language_labels": [label for _code, label in WORKING_LANGUAGES]})


def _review_page(request, translation, decision_form=None):
    practice = translation.practice
    context = {
        "translation": translation,
        "practice": practice,
        "rows": _side_by_side(translation),
        "original_changes": _original_changes(translation),
        "missing": [name for name in REQUIRED_FOR_TRANSLATION_REVIEW if not getattr(translation, name).strip()],
        "events": translation.events.select_related("actor", "revision", "saved_content", "translation"),
        "original_lang": lang_attribute(practice.original_language),
        "translation_lang": lang_attribute(translation.language),
        "decision_form": decision_form,
    }
    return render(request, "practices/translations/review.html", context)


def _reviewable():
    related = ("practice__owner", "practice__published_revision", "source_revision", "translated_by", "volunteer_country")
    return PracticeTranslation.objects.select_related(*related)


@staff_view
def translation_review(request, pk):
    return _review_page(request, get_object_or_404(_reviewable(), pk=pk))


# ITC's decisions on a translation in review: the one decision view and partial (countries/decisions.py).
TRANSLATION_DECISIONS = Decisions(
    services.TRANSLATION_WORKFLOW,
    (
        Decision(
            "publish", "practices:translation_publish", services.publish_translation, gettext_lazy("Publish"),
            gettext_lazy("Translation published. Readers in its language get it now."), form=NoteForm,
        ),
        Decision(
            "request_changes", "practices:translation_request_changes", services.request_translation_changes,
            gettext_lazy("Request changes"), gettext_lazy("Changes requested. The translator sees your comment."),
            form=TranslationChangesForm, style="button-secondary",
        ),
        Decision(
            "reject", "practices:translation_reject", services.reject_translation, gettext_lazy("Reject"),
            gettext_lazy("Rejected. The translator sees your reason."), form=TranslationRejectForm, style="button-danger",
        ),
    ),
    queryset=_reviewable,
    after=lambda request, translation: reverse("practices:translation_queue"),
    back=lambda request, translation: reverse("practices:translation_review", args=[translation.pk]),
    page=lambda request, translation, form: _review_page(request, translation, decision_form=form),
)
translation_publish = TRANSLATION_DECISIONS.view("publish")
translation_request_changes = TRANSLATION_DECISIONS.view("request_changes")
translation_reject = TRANSLATION_DECISIONS.view("reject")
