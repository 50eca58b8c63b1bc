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
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from countries.access import may_translate, may_write_translation, membership_of, staff_view, workspace_view
from countries.languages import LANGUAGE_CODES, lang_attribute
from countries.decisions import Decision, Decisions, NoteForm, RejectForm, RequestChangesForm, flash, show_errors

from . import services
from .diff import compare
from .models import REQUIRED_FOR_TRANSLATION_REVIEW, TRANSLATED_FIELDS, Language, Practice, PracticeTranslation, ReviewEvent

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


def workspace_section(user, practice, country):
    """The "Translations" section of a practice in a workspace: its translations per language, and what may be started."""
    translations = list(practice.translations.select_related("translated_by", "volunteer_country").order_by("language", "-number"))
    open_languages = {translation.language for translation in translations if translation.is_editable or translation.is_in_review}
    may_start = may_translate(user, practice)
    return {
        "practice": practice,
        "country": country,
        "translations": translations,
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


@workspace_view()
def translation_edit(request, country, membership, pk):
    translation = _translation_of(country, pk)
    form = TranslationForm(request.POST or None, translation=translation)
    if request.method == "POST" and form.is_valid():
        try:
            done = _save_and_submit(request, form, translation)
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
        # A published translation the original has moved past: its next version starts from it.
        "may_update": translation.is_current and translation.is_outdated and may_translate(request.user, practice),
        "events": translation.events.select_related("actor", "revision", "saved_content"),
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


# --- ITC's review ---


@staff_view
def translation_queue(request):
    translations = (
        PracticeTranslation.objects.filter(status__in=PracticeTranslation.IN_REVIEW_STATUSES)
        .select_related("practice__owner", "translated_by", "volunteer_country")
        .order_by("submitted_at", "pk")
    )
    return render(request, "practices/translations/queue.html", {"translations": translations[:500]})


def _review_page(request, translation, decision_form=None):
    practice = translation.practice
    context = {
        "translation": translation,
        "practice": practice,
        "rows": _side_by_side(translation),
        "original_changes": _original_changes(translation),
        "missing": [name for name in REQUIRED_FOR_TRANSLATION_REVIEW if not getattr(translation, name).strip()],
        "events": translation.events.select_related("actor", "revision", "saved_content"),
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
