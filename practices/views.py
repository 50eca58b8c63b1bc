"""The practices of a country's workspace: write, submit, answer requested changes, revise, archive."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.core.paginator import Paginator
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from countries import pagecache
from countries import services as country_services
from countries.access import (
    is_country_code,
    is_moderator,
    may_answer_share,
    may_leave,
    may_manage,
    may_see_contacts,
    may_share,
    may_translate,
    require,
    staff_view,
    workspace_view,
)
from countries.decisions import Decision, Decisions, NoteForm, RejectForm, RequestChangesForm, flash, show_errors
from countries.models import Country, Region

from . import dataset, imports, opendata, search, services
from .attachments import download_response
from .browse import browse_facets, selected_filters
from .filters import SORTS, PracticeFilter
from .diff import compare
from .forms import (
    AttachmentForm,
    CoOwnerForm,
    PracticeForm,
    PublishForm,
    ReviewEmailsForm,
    TagsForm,
)
from .models import PRIVATE_CONTENT_FIELDS, CoOwnership, ImportBatch, InstrumentType, Level, Practice, PracticeRevision, RevisionSave, TargetGroup, Theme
from .published import practice_page_content, practices_to_compare
from .reading import READING_LANGUAGES, Reading, lang_attribute, language_name, read_in

Status = PracticeRevision.Status

# The workspace list, in the order a team works through it.
GROUPS = [
    ("writing", gettext_lazy("Being written"), (Status.DRAFT, Status.CHANGES_REQUESTED)),
    ("review", gettext_lazy("In review at ITC"), (Status.SUBMITTED, Status.RESUBMITTED)),
    ("published", gettext_lazy("Published"), ()),
    ("archived", gettext_lazy("Archived"), ()),
    ("closed", gettext_lazy("Rejected or discarded"), (Status.REJECTED, Status.DISCARDED)),
]


def _group_of(practice):
    for key, _label, statuses in GROUPS[:2]:
        if practice.latest_status in statuses:
            return key
    if practice.status == Practice.Status.PUBLISHED:
        return "published"
    if practice.status == Practice.Status.ARCHIVED:
        return "archived"
    return "closed"


def _team_practice(country, pk):
    """A practice the country owns or co-owns; any other is not found."""
    return get_object_or_404(Practice.objects.of_country(country).select_related("owner"), pk=pk)


def _readable(content):
    """Names, in the reader's language, for the taxonomy keys and choices in a version's content."""
    readable = {}
    for field, model in (("themes", Theme), ("instruments", InstrumentType), ("target_groups", TargetGroup)):
        readable[field] = [term.name for term in model.objects.filter(slug__in=content.get(field) or [])]
    readable["level"] = Level(content["level"]).label if content.get("level") in Level.values else ""
    return readable


def _open_revision(practice):
    return practice.revisions.filter(status__in=PracticeRevision.OPEN_STATUSES).first()


@workspace_view()
def practice_list(request, country, membership):
    latest = PracticeRevision.objects.filter(practice=OuterRef("pk")).order_by("-number")
    practices = (
        Practice.objects.of_country(country)
        .select_related("owner")
        .annotate(latest_status=Subquery(latest.values("status")[:1]), latest_saved=Subquery(latest.values("updated_at")[:1]))
        .order_by("-latest_saved")
    )
    grouped = {key: [] for key, _label, _statuses in GROUPS}
    for practice in practices:
        practice.latest_status_label = Status(practice.latest_status).label if practice.latest_status else ""
        grouped[_group_of(practice)].append(practice)
    groups = [{"key": key, "label": label, "practices": grouped[key]} for key, label, _statuses in GROUPS]
    # Proposals to co-own another country's practice: shown here only, until the country accepts.
    proposals = list(country.co_ownerships.filter(status=CoOwnership.Status.PROPOSED).select_related("practice__owner", "proposed_by"))
    context = {
        "country": country,
        "membership": membership,
        "can_manage": may_manage(request.user, membership),
        "groups": groups,
        "proposals": proposals,
        # Every proposal listed is addressed to this country: one answer holds for all of them.
        "may_answer_share": bool(proposals) and may_answer_share(request.user, proposals[0]),
    }
    return render(request, "practices/workspace_list.html", context)


ANSWER_MAX_LENGTH = 4000


def _save_from_form(request, form, revision, *, save=True):
    """Save the form into the revision; with "submit" pressed, send it for review too.

    Returns True when done. The text is saved first, whatever happens to the submission:
    nothing a delegate typed is lost.
    """
    if save:
        services.save_revision(revision, by=request.user, changes=form.content(), base=form.cleaned_data["base"])
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved."))
        return True
    missing = services.missing_for_review(services.normalise_content(form.content()))
    for field in missing:
        form.add_error(field, _("Needed before the practice can be submitted."))
    if missing:
        messages.warning(request, _("Draft saved, but not submitted: complete the fields marked below."))
        return False
    # The team's answer to ITC's comment, when it resubmits (the field shows with the comment).
    answer = request.POST.get("answer", "").replace("\x00", "")[:ANSWER_MAX_LENGTH]
    services.submit_revision(revision, by=request.user, answer=answer)
    messages.success(request, _("Submitted to ITC for review. Its status shows on this page."))
    return True


@workspace_view()
def practice_create(request, country, membership):
    form = PracticeForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        # Staff writing in a country's workspace enter the practice on the country's behalf.
        practice, revision = services.create_practice(
            country, by=request.user, content=form.content(), entered_by_itc=is_moderator(request.user)
        )
        if _save_from_form(request, form, revision, save=False):
            return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
        context = {"country": country, "membership": membership, "form": form, "practice": practice, "revision": revision}
        return render(request, "practices/practice_form.html", context)
    return render(request, "practices/practice_form.html", {"country": country, "membership": membership, "form": form})


def _conflicting_form(request, practice, conflict):
    """The form as this person filled it in, now based on the other person's save, showing what
    they saved beside each field in conflict. Saving it again is a choice made having seen it."""
    theirs = conflict.theirs
    data = request.POST.copy()
    data["base"] = str(theirs.pk)
    form = PracticeForm(data, country=practice.owner, base=theirs.pk)
    form.is_valid()
    form.conflict = {name: form.displayed(theirs.content, name) for name in conflict.fields}
    form.conflict_by = theirs.saved_by.get_full_name() if theirs.saved_by else _("someone")
    when = timezone.localtime(theirs.saved_at)
    form.add_error(
        None,
        _(
            "%(who)s saved this version at %(time)s, after you opened this form. Nothing of yours was saved yet: "
            "your text is kept below, and what they saved is shown under each field that differs. "
            "Keep what should stay, then save again."
        )
        % {"who": form.conflict_by, "time": date_format(when, "SHORT_DATETIME_FORMAT")},
    )
    for name in conflict.fields:
        form.add_error(name, _("Changed by %(who)s since you opened the form: compare with their text below.") % {"who": form.conflict_by})
    return form


@workspace_view()
def practice_edit(request, country, membership, pk):
    practice = _team_practice(country, pk)
    revision = _open_revision(practice)
    if revision is None or not revision.is_editable:
        messages.info(request, _("There is no version of this practice being written: start a new version first."))
        return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    base = services.latest_save(revision).pk
    form = PracticeForm(request.POST or None, initial=PracticeForm.initial_from(revision.content), country=practice.owner, base=base)
    if request.method == "POST" and form.is_valid():
        try:
            done = _save_from_form(request, form, revision)
        except services.EditConflict as conflict:
            form = _conflicting_form(request, practice, conflict)
            done = False
        except ValidationError as error:
            flash(request, error)
            done = False
        if done:
            return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    feedback = revision.events.filter(action=services.ReviewEvent.Action.CHANGES_REQUESTED).order_by("-created_at").first()
    context = {
        "country": country,
        "membership": membership,
        "form": form,
        "practice": practice,
        "revision": revision,
        "feedback": feedback,
    }
    return render(request, "practices/practice_form.html", context)


def _workspace_detail_page(request, country, membership, practice, attachment_form=None, co_owner_form=None, status=200):
    revisions = list(practice.revisions.order_by("-number"))
    current = revisions[0] if revisions else None
    content = services.normalise_content(current.content) if current else {}
    # The workspace's country, when it co-owns the practice (rather than owns it).
    sharing = practice.co_ownerships.filter(country=country, status=CoOwnership.Status.ACCEPTED).first()
    context = {
        "country": country,
        "membership": membership,
        "can_manage": may_manage(request.user, membership),
        "practice": practice,
        "current": current,
        "content": content,
        "readable": _readable(content),
        "attachments": practice.files.filter(pk__in=content.get("attachments") or []),
        "attachment_form": attachment_form or AttachmentForm(),
        "co_owners": practice.co_owners.by_name(),
        # Proposals to other countries, and how earlier ones ended (the accepted ones are the co-owners).
        "proposals": practice.co_ownerships.exclude(status=CoOwnership.Status.ACCEPTED).select_related("country"),
        "may_share": may_share(request.user, practice),
        "may_archive": services.PRACTICE_WORKFLOW.may(request.user, practice, "archive"),
        "may_restore": services.PRACTICE_WORKFLOW.may(request.user, practice, "restore"),
        "may_leave": sharing is not None and may_leave(request.user, sharing),
        "co_owner_form": co_owner_form or CoOwnerForm(practice=practice),
        # Who asked for a translation is ITC's to see: the team sees how many (the Translations section).
        "events": practice.events.exclude(action__in=services.ReviewEvent.READER_ACTIONS).select_related("actor", "revision", "saved_content", "translation"),
        "note_form": NoteForm(),
    }
    return render(request, "practices/workspace_detail.html", context, status=status)


@workspace_view()
def workspace_detail(request, country, membership, pk):
    return _workspace_detail_page(request, country, membership, _team_practice(country, pk))


@workspace_view()
@require_POST
def attachment_add(request, country, membership, pk):
    practice = _team_practice(country, pk)
    form = AttachmentForm(request.POST, request.FILES)
    revision = _open_revision(practice)
    if revision is None or not revision.is_editable:
        messages.error(request, _("There is no version of this practice being written: start a new version first."))
        return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    if form.is_valid():
        try:
            services.add_attachment(
                revision, by=request.user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], checked=form.checked
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Document added to the version being written."))
            return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    return _workspace_detail_page(request, country, membership, practice, attachment_form=form)


@workspace_view()
@require_POST
def attachment_remove(request, country, membership, pk, attachment_id):
    practice = _team_practice(country, pk)
    attachment = get_object_or_404(practice.files, pk=attachment_id)
    return _act(
        request,
        country,
        pk,
        lambda practice: services.remove_attachment(_require_open(practice), by=request.user, attachment=attachment),
        _("Document removed from the version being written."),
    )


# --- Sharing a practice with other countries: the owner's side proposes, the other country answers ---


@workspace_view(manage=True)
@require_POST
def share_propose(request, country, membership, pk):
    practice = _team_practice(country, pk)
    require(may_share(request.user, practice))
    form = CoOwnerForm(request.POST, practice=practice)
    if form.is_valid():
        try:
            services.propose_co_owner(practice, by=request.user, country=form.cleaned_data["country"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(country)s is asked to share this practice. It shows on their page once their focal point accepts.")
                % {"country": form.cleaned_data["country"].name},
            )
            return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    return _workspace_detail_page(request, country, membership, practice, co_owner_form=form)


@workspace_view(manage=True)
@require_POST
def share_withdraw(request, country, membership, pk, share_id):
    practice = _team_practice(country, pk)
    proposal = get_object_or_404(practice.co_ownerships.select_related("country"), pk=share_id)
    require(may_share(request.user, practice))
    return _act(
        request,
        country,
        pk,
        lambda practice: services.withdraw_co_owner_proposal(proposal, by=request.user),
        _("The proposal to %(country)s is withdrawn.") % {"country": proposal.country.name},
    )


def _proposal_to(country, share_id):
    """A proposal addressed to this country (answered or not); any other is not found."""
    return get_object_or_404(country.co_ownerships.select_related("practice__owner"), pk=share_id)


@workspace_view(manage=True)
@require_POST
def share_accept(request, country, membership, share_id):
    proposal = _proposal_to(country, share_id)
    require(may_answer_share(request.user, proposal))
    try:
        services.accept_co_owner_proposal(proposal, by=request.user)
    except ValidationError as error:
        flash(request, error)
        return redirect("practices:workspace_list", iso2=country.iso2)
    messages.success(
        request,
        _("%(country)s now shares this practice: it shows on your country's page, and your team may edit it.")
        % {"country": country.name},
    )
    return redirect("practices:workspace_detail", iso2=country.iso2, pk=proposal.practice_id)


@workspace_view(manage=True)
@require_POST
def share_decline(request, country, membership, share_id):
    proposal = _proposal_to(country, share_id)
    require(may_answer_share(request.user, proposal))
    try:
        services.decline_co_owner_proposal(proposal, by=request.user)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("Proposal declined. %(owner)s is told.") % {"owner": proposal.practice.owner.name})
    return redirect("practices:workspace_list", iso2=country.iso2)


@workspace_view(manage=True)
@require_POST
def co_owner_leave(request, country, membership, pk):
    """The co-owner country stops sharing the practice: it is then no longer in its workspace."""
    sharing = get_object_or_404(
        country.co_ownerships.filter(status=CoOwnership.Status.ACCEPTED).select_related("practice"), practice_id=pk
    )
    require(may_leave(request.user, sharing))
    try:
        services.leave_co_ownership(sharing, by=request.user)
    except ValidationError as error:
        flash(request, error)
        return redirect("practices:workspace_detail", iso2=country.iso2, pk=pk)
    messages.success(request, _("%(country)s no longer shares “%(title)s”.") % {"country": country.name, "title": sharing.practice.title})
    return redirect("practices:workspace_list", iso2=country.iso2)


@workspace_view(manage=True)
@require_POST
def co_owner_remove(request, country, membership, pk, co_owner):
    practice = _team_practice(country, pk)
    if not is_country_code(co_owner):
        raise Http404
    other = get_object_or_404(practice.co_owners, iso2=co_owner.upper())
    require(may_share(request.user, practice))
    return _act(
        request,
        country,
        pk,
        lambda practice: services.remove_co_owner(practice, by=request.user, country=other),
        _("%(country)s no longer shares this practice.") % {"country": other.name},
    )


@workspace_view()
def attachment_download(request, country, membership, pk, attachment_id):
    """Any document of the team's practice, whatever its version's state: for the team and staff."""
    practice = _team_practice(country, pk)
    return download_response(get_object_or_404(practice.files, pk=attachment_id), private=True)


def _act(request, country, pk, act, success_message):
    practice = _team_practice(country, pk)
    try:
        act(practice)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, success_message)
    return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)


def _require_open(practice):
    revision = _open_revision(practice)
    if revision is None:
        raise ValidationError(_("There is no version of this practice being written."))
    return revision


@workspace_view()
@require_POST
def practice_submit(request, country, membership, pk):
    return _act(
        request,
        country,
        pk,
        lambda practice: services.submit_revision(_require_open(practice), by=request.user),
        _("Submitted to ITC for review. Its status shows on this page."),
    )


@workspace_view()
@require_POST
def practice_discard(request, country, membership, pk):
    return _act(
        request,
        country,
        pk,
        lambda practice: services.discard_revision(_require_open(practice), by=request.user),
        _("The draft has been set aside. ITC staff can bring it back if needed."),
    )


@workspace_view()
@require_POST
def practice_revise(request, country, membership, pk):
    practice = _team_practice(country, pk)
    try:
        services.start_revision(practice, by=request.user)
    except ValidationError as error:
        flash(request, error)
        return redirect("practices:workspace_detail", iso2=country.iso2, pk=practice.pk)
    messages.info(request, _("A new version is open. The published version stays public until ITC approves the new one."))
    return redirect("practices:practice_edit", iso2=country.iso2, pk=practice.pk)


def _archive_or_restore(request, country, pk, *, change, done):
    # A co-owner's focal point reaches the practice but does not answer for it: the service refuses (403).
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, country, pk, lambda practice: change(practice, by=request.user, note=note), done)


@workspace_view(manage=True)
@require_POST
def practice_archive(request, country, membership, pk):
    return _archive_or_restore(
        request,
        country,
        pk,
        change=services.archive_practice,
        done=_("The practice is archived: it is no longer public. It can be restored from this page."),
    )


@workspace_view(manage=True)
@require_POST
def practice_restore(request, country, membership, pk):
    """The owner's focal point (or ITC) makes an archived practice public again."""
    return _archive_or_restore(
        request, country, pk, change=services.restore_practice, done=_("The practice is public again.")
    )


@workspace_view()
def saved_text(request, country, membership, pk, save_id):
    """One kept save of a version: its whole text, and what it changed from the save before it."""
    practice = _team_practice(country, pk)
    save = get_object_or_404(RevisionSave.objects.filter(revision__practice=practice).select_related("revision", "saved_by"), pk=save_id)
    previous = save.revision.saves.filter(pk__lt=save.pk).order_by("-pk").first()
    content = services.normalise_content(save.content)
    changes = compare(services.normalise_content(previous.content), content) if previous else None
    context = {
        "country": country,
        "membership": membership,
        "practice": practice,
        "save": save,
        "previous": previous,
        "changes": changes,
        "fields": compare(services.empty_content(), content),
    }
    return render(request, "practices/saved_text.html", context)


def _versions_to_compare(query, versions):
    """(older, newer, problem, status): the two versions the query names, or why they cannot be compared.

    Versions are looked up among those already loaded, never in the database: whatever the
    query holds, the answer is a message, not an error page.
    """
    if len(versions) < 2:
        return None, None, _("This practice has a single version so far: there is nothing to compare yet."), 200
    by_number = {version.number: version for version in versions}
    try:
        chosen = [int(query.get("from") or versions[1].number), int(query.get("to") or versions[0].number)]
    except ValueError:
        return None, None, _("Versions are named by their number: choose two in the lists below."), 200
    for number in chosen:
        if number not in by_number:
            return None, None, _("This practice has no version %(number)s.") % {"number": number}, 404
    if chosen[0] == chosen[1]:
        return None, None, _("Choose two different versions to compare."), 200
    older, newer = sorted((by_number[number] for number in chosen), key=lambda version: version.number)
    return older, newer, "", 200


@workspace_view()
def version_compare(request, country, membership, pk):
    """What changed, word by word, between any two versions of the team's practice."""
    practice = _team_practice(country, pk)
    versions = list(practice.revisions.order_by("-number"))
    older, newer, problem, status = _versions_to_compare(request.GET, versions)
    # The lists show the versions compared or, after a bad choice, the latest two again.
    latest_two = (versions[1].number, versions[0].number) if len(versions) > 1 else (None, None)
    context = {
        "country": country,
        "membership": membership,
        "practice": practice,
        "versions": versions,
        "older": older,
        "newer": newer,
        "selected": (older.number, newer.number) if older else latest_two,
        "problem": problem,
        "changes": compare(services.normalise_content(older.content), services.normalise_content(newer.content)) if older else None,
    }
    return render(request, "practices/version_compare.html", context, status=status)


# --- ITC moderation ---

ACCEPTANCE_CRITERIA = [
    gettext_lazy("It is a policy, regulation or public programme for SMEs, at national, regional, continental or global level."),
    gettext_lazy("The summary and description say what was done, by whom, for whom and since when."),
    gettext_lazy("Results are stated with evidence, or the practice is labelled as descriptive."),
    gettext_lazy("Themes, instrument types and target groups match the text."),
    gettext_lazy("Nothing confidential or personal beyond the public contact is included."),
]


@staff_view
def review_queue(request):
    revisions = (
        PracticeRevision.objects.filter(status__in=PracticeRevision.IN_REVIEW_STATUSES)
        .select_related("practice__owner__region", "claimed_by")
        .order_by("submitted_at")
    )
    # PostgreSQL cannot compare text with a NUL character: such a value matches nothing rather than failing.
    region, country, theme = (request.GET.get(name, "").replace("\x00", "") for name in ("region", "country", "theme"))
    if region:
        revisions = revisions.filter(practice__owner__region__slug=region)
    if country:
        revisions = revisions.filter(practice__owner__iso2=country.upper())
    revisions = list(revisions[:500])
    if theme:
        # Themes live in each version's content; the queue is short enough to filter here.
        revisions = [revision for revision in revisions if theme in (revision.content.get("themes") or [])]
    context = {
        "revisions": revisions,
        "regions": Region.objects.filter(level=Region.Level.REGION).order_by("name_en"),
        "countries": Country.objects.participating().by_name(),
        "themes": Theme.objects.all(),
        "region": region,
        "country": country.upper(),
        "theme": theme,
        "now": timezone.now(),
    }
    return render(request, "practices/review_queue.html", context)


def _to_owner_workspace(practice):
    return redirect("practices:workspace_detail", iso2=practice.owner.iso2, pk=practice.pk)


@staff_view
@require_POST
def revision_restore(request, pk):
    """Staff bring a discarded draft back, for the team to go on writing."""
    revision = get_object_or_404(PracticeRevision.objects.select_related("practice__owner"), pk=pk)
    try:
        services.restore_discarded_revision(revision, by=request.user)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("The draft is back: the country's team can go on writing it."))
    return _to_owner_workspace(revision.practice)


@staff_view
def notification_settings(request):
    """A moderator chooses: an e-mail for each submission, a daily summary, or nothing."""
    form = ReviewEmailsForm(request.POST or None, initial={"review_emails": request.user.review_emails})
    if request.method == "POST" and form.is_valid():
        country_services.set_review_emails(request.user, by=request.user, choice=form.cleaned_data["review_emails"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("practices:notification_settings")
    return render(request, "practices/notification_settings.html", {"form": form})


@staff_view
@require_POST
def review_claim(request, pk):
    revision = _reviewable(pk)
    try:
        services.claim_review(revision, by=request.user)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("You are reviewing this version."))
    return redirect("practices:review", pk=revision.pk)


def _since_the_request(revision, content):
    """(the request for changes, the team's resubmission, what changed since) for a version resubmitted after a
    request; (None, None, None) otherwise.

    The text as it stood when the moderator asked is the last save made before the request."""
    requested = revision.events.filter(action=services.ReviewEvent.Action.CHANGES_REQUESTED).select_related("actor").order_by("-id").first()
    if requested is None or not revision.is_resubmission:
        return None, None, None
    before = revision.saves.filter(saved_at__lte=requested.created_at).order_by("-saved_at", "-id").first()
    answer = revision.events.filter(action=services.ReviewEvent.Action.RESUBMITTED, pk__gt=requested.pk).order_by("-id").first()
    return requested, answer, compare(services.normalise_content(before.content), content) if before is not None else None


def _review_page(request, revision, forms=None, status=200, decision_form=None):
    practice = revision.practice
    published = practice.content_snapshot() if practice.status != Practice.Status.UNPUBLISHED else None
    content = services.normalise_content(revision.content)
    requested, resubmitted, since_request = _since_the_request(revision, content)
    context = {
        "requested": requested,
        "resubmitted": resubmitted,
        "since_request": since_request,
        "revision": revision,
        "practice": practice,
        "content": content,
        "readable": _readable(content),
        "changes": compare(published, content) if published is not None else None,
        # The version's documents, openable here; those the published version did not have are marked new.
        "documents": practice.files.filter(pk__in=content.get("attachments") or []).order_by("pk"),
        "published_documents": set((published or {}).get("attachments") or []),
        "criteria": ACCEPTANCE_CRITERIA,
        "missing": services.missing_for_review(content),
        "events": practice.events.select_related("actor", "revision", "saved_content", "translation"),
        "tags_form": TagsForm(content=content),
        "decision_form": decision_form,
        **(forms or {}),
    }
    return render(request, "practices/review.html", context, status=status)


def _reviewable(pk):
    return get_object_or_404(PracticeRevision.objects.select_related("practice__owner"), pk=pk)


@staff_view
def review(request, pk):
    return _review_page(request, _reviewable(pk))


@staff_view
@require_POST
def review_tags(request, pk):
    """The moderator corrects the themes, instrument types and target groups of the version in review."""
    revision = _reviewable(pk)
    form = TagsForm(request.POST, content=revision.content)
    if form.is_valid():
        try:
            services.correct_tags(revision, by=request.user, tags=form.tags())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Tags saved. The country's team sees the correction in the history."))
            return redirect("practices:review", pk=revision.pk)
    return _review_page(request, revision, {"tags_form": form})


# ITC's decisions on a version in review: one view, one partial (countries/decisions.py).
REVIEW_DECISIONS = Decisions(
    services.REVISION_WORKFLOW,
    (
        Decision(
            "publish", "practices:review_publish", services.publish_revision, gettext_lazy("Publish"),
            gettext_lazy("Published. The practice is public now."), form=PublishForm,
            initial=lambda revision: {"evidence_label": revision.practice.evidence_label},
        ),
        Decision(
            "request_changes", "practices:review_request_changes", services.request_changes, gettext_lazy("Request changes"),
            gettext_lazy("Changes requested. The country's team sees your comment."), form=RequestChangesForm, style="button-secondary",
        ),
        Decision(
            "reject", "practices:review_reject", services.reject_revision, gettext_lazy("Reject"),
            gettext_lazy("Rejected. The country's team sees your reason."), form=RejectForm, style="button-danger",
        ),
    ),
    queryset=lambda: PracticeRevision.objects.select_related("practice__owner"),
    after=lambda request, revision: reverse("practices:review_queue"),
    back=lambda request, revision: reverse("practices:review", args=[revision.pk]),
    page=lambda request, revision, form: _review_page(request, revision, decision_form=form),
)
review_publish = REVIEW_DECISIONS.view("publish")
review_request_changes = REVIEW_DECISIONS.view("request_changes")
review_reject = REVIEW_DECISIONS.view("reject")


# --- Public pages ---


BROWSE_PAGE_SIZE = 20


def browse(request):
    """Browse and search the published practices: filters with counts, words, order, pages.

    The URL holds the whole query. With htmx, the filters and results are swapped in place. What the
    query shows (filters, results, pages) is rendered once per language and query and kept until
    anything public changes: the same for every reader, signed in or not.
    """
    language = get_language()
    content = pagecache.memoized("browse", lambda: _browse_content(request, language), language, request.GET.urlencode())
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        response = HttpResponse(content["html"])
    else:
        response = render(request, "practices/browse.html", {"browse_html": content["html"], "words": content["words"]})
    response["Vary"] = "HX-Request"
    return response


def _browse_content(request, language):
    filterset = PracticeFilter(request.GET or None, queryset=Practice.objects.published(), language=language)
    problems = []
    if filterset.is_bound and not filterset.is_valid():
        for field, errors in filterset.errors.items():
            label = filterset.filters[field].label if field in filterset.filters else ""
            for error in errors:
                problems.append(_("%(filter)s: %(error)s This filter is left out.") % {"filter": label, "error": error})
    results = filterset.ordered(bounded=True)
    words = filterset.words
    facets = browse_facets(filterset)
    # The page is found among the ids alone (the narrow index), then only its rows are read: a deep
    # page skips thousands of index entries rather than thousands of wide rows.
    paginator = Paginator(results.values("pk"), BROWSE_PAGE_SIZE)
    total = filterset.total()
    ranks_all = filterset.ranks_all(total)
    paginator.count = total if ranks_all else filterset.RANKED_MATCHES
    page = paginator.get_page(request.GET.get("page"))
    # Titles and summaries in the reader's language where ITC published a translation, read with the rows.
    practices = read_in(results.filter(pk__in=page.object_list).select_related("owner").prefetch_related("countries", "themes"), language)
    search.highlight_results(practices, words, language)
    context = {
        "filterset": filterset,
        "facets": facets,
        # 250 countries' checkboxes and the rest: rendered once per language and selection, then kept.
        "facets_html": pagecache.memoized(
            "facets-html", lambda: render_to_string("practices/_facets.html", {"facets": facets}), language, filterset.selection
        ),
        "page": page,
        "total": total,
        "ranked_only": None if ranks_all else filterset.RANKED_MATCHES,
        "practices": practices,
        "words": words,
        "sort": filterset.sort_order,
        "sorts": [(key, label) for key, label in SORTS.items() if key != "relevance" or words],
        "selected": selected_filters(filterset),
        "problems": problems,
        # Past it, the downloads hold the first ones and point to the whole dataset.
        "export_limit": opendata.EXPORT_LIMIT,
        # Each practice's page leads back to these results.
        "back": request.GET.urlencode(),
    }
    return {"html": render_to_string("practices/_browse.html", context, request=request), "words": words}


def public_attachment_download(request, pk, attachment_id):
    """A document of the published version of a published practice; any other is not found."""
    practice = get_object_or_404(Practice.objects.published(), pk=pk)
    return download_response(get_object_or_404(practice.attachments.all(), pk=attachment_id), private=False)


def practice_detail(request, pk):
    language = get_language()
    context = {
        **practice_page_content(pk, language),
        "show_contact": may_see_contacts(request.user),
    }
    # In the reader's language when ITC published a translation into it, or the version asked for (?text=en).
    reading = Reading.of_page(context["practice"], context["translations"], request.GET.get("text") or language)
    context["reading"] = reading
    # The write-up keeps its own language, whatever the interface's: screen readers pronounce it right.
    context["content_lang"] = lang_attribute(reading.language)
    context["translate_into"] = _languages_to_translate(request.user, reading)
    context["results_url"] = _results_url(request.GET.get("back", ""))
    if "back" in request.GET:
        # The same page for search engines, whichever results a reader came from.
        kept = request.GET.copy()
        del kept["back"]
        context["canonical_url"] = request.build_absolute_uri(request.path + (f"?{kept.urlencode()}" if kept else ""))
    if "text" in request.GET:
        # Each language's alternate is the page its readers get, not this version of the text in their interface.
        context["language_alternates"] = [{"code": code, "url": translate_url(request.path, code)} for code, _name in settings.LANGUAGES]
    return render(request, "practices/practice_detail.html", context)


def _results_url(back):
    """The browse page with the query a reader came from (?back=…), rebuilt from its parameters; None without one."""
    if not back or len(back) > 2000:
        return None
    parsed, query = QueryDict(back.replace("\x00", "")), QueryDict(mutable=True)
    for key in parsed:
        if key != "back":
            query.setlist(key, parsed.getlist(key))
    return reverse("practices:browse") + (f"?{query.urlencode()}" if query else "")


@require_safe
def practice_changes(request, pk):
    """What changed in a published practice's original since an earlier published version (?since=N, by default
    the one before): the page an outdated translation's readers are sent to. Only published versions are shown,
    without the contact person."""
    practice = get_object_or_404(Practice.objects.published().select_related("owner"), pk=pk)
    versions = list(practice.revisions.filter(status=PracticeRevision.Status.APPROVED).order_by("-number"))
    current, earlier = versions[0], versions[1:]
    since, problem, status = None, "", 200
    if not earlier:
        problem = _("This practice has had a single published version so far: nothing has changed since.")
    else:
        wanted = request.GET.get("since", "")
        by_number = {str(version.number): version for version in earlier}
        since = by_number.get(wanted) if wanted else earlier[0]
        if since is None:
            problem, status = _("Choose one of the earlier published versions in the list below."), 404 if wanted.isdigit() else 200
    changes = None
    if since is not None:
        older, newer = (services.normalise_content(version.content) for version in (since, current))
        for field in PRIVATE_CONTENT_FIELDS:
            older[field] = newer[field] = ""
        changes = compare(older, newer)
    context = {
        "practice": practice,
        "current": current,
        "earlier": earlier,
        "since": since,
        "problem": problem,
        "changes": changes,
        "content_lang": lang_attribute(practice.original_language),
    }
    return render(request, "practices/practice_changes.html", context, status=status)


def _languages_to_translate(user, reading):
    """The languages a delegate (or ITC) may start translating the practice into: those it cannot be read in yet."""
    if not user.is_authenticated or not may_translate(user, reading.practice):
        return []
    return [{"code": code, "label": language_name(code)} for code in READING_LANGUAGES if code not in reading.languages]


# --- Import from a spreadsheet (ITC staff) ---


@staff_view
def import_start(request):
    form = imports.SpreadsheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.start_import(
            by=request.user,
            file_name=form.cleaned_data["file"].name,
            file_sha256=form.cleaned_data["sha256"],
            rows=form.cleaned_data["rows"],
        )
        return redirect("practices:import_preview", pk=batch.pk)
    context = {
        "form": form,
        "columns": imports.COLUMNS,
        "batches": ImportBatch.objects.select_related("uploaded_by")[:20],
    }
    return render(request, "practices/import_start.html", context)


def _template_download(content, content_type, extension):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="practices-import-template.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
def import_template_csv(request):
    return _template_download(imports.template_csv(), "text/csv; charset=utf-8", "csv")


@staff_view
def import_template_xlsx(request):
    return _template_download(imports.template_xlsx(), imports.XLSX_CONTENT_TYPE, "xlsx")


@staff_view
def import_preview(request, pk):
    batch = get_object_or_404(ImportBatch.objects.select_related("uploaded_by", "imported_by"), pk=pk)
    pending = batch.status == ImportBatch.Status.PENDING
    # A pending upload is shown as it would import now: rows imported since are skipped.
    rows = imports.current_rows(batch.rows) if pending else batch.rows
    counts = imports.count_outcomes(rows)
    context = {"batch": batch, "rows": rows, "counts": counts, "pending": pending, "can_import": pending and counts["create"] > 0}
    return render(request, "practices/import_preview.html", context)


@staff_view
@require_POST
def import_confirm(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch = services.import_batch(batch, by=request.user)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s practice created as a draft of its country.",
                "%(count)s practices created as drafts of their countries.",
                batch.created_count,
            )
            % {"count": batch.created_count},
        )
    return redirect("practices:import_preview", pk=batch.pk)


# --- Comparing published practices side by side (public) ---

COMPARE_MIN = 2
COMPARE_MAX = 4


def _ids_to_compare(values):
    """(ids, problems): the practice numbers asked for, in order and without repeats, and what was left out.

    Whatever the query holds, the answer is a message on the page, never an error page.
    """
    ids, not_numbers = [], 0
    for value in values:
        try:
            pk = int(value)
        except ValueError:
            not_numbers += 1
            continue
        if pk not in ids:
            ids.append(pk)
    problems = []
    if not_numbers:
        problems.append(_("Practices are chosen by their number: what was not a number has been left out."))
    if len(ids) > COMPARE_MAX:
        problems.append(
            _("Up to %(max)s practices can be compared at a time: the first %(max)s are shown.") % {"max": COMPARE_MAX}
        )
        ids = ids[:COMPARE_MAX]
    return ids, problems


def _years(practice):
    if not practice.start_year:
        return ""
    return f"{practice.start_year}–{practice.end_year}" if practice.end_year else str(practice.start_year)


# The rows of the comparison: label, how a value is shown, the field whose language the value is in
# (None: the reader's, for names and choices), and the value of a practice, its text in the reader's
# language where translated. Rows in the order of the public page of a practice.
COMPARISON_ROWS = [
    (gettext_lazy("Country"), "countries", None, lambda practice: [practice.owner, *practice.co_owners.all()]),
    (gettext_lazy("Level"), "plain", None, lambda practice: practice.get_level_display()),
    (gettext_lazy("Themes"), "terms", None, lambda practice: list(practice.themes.all())),
    (gettext_lazy("Instrument types"), "terms", None, lambda practice: list(practice.instruments.all())),
    (gettext_lazy("Target groups"), "terms", None, lambda practice: list(practice.target_groups.all())),
    (gettext_lazy("Implementation status"), "plain", None, lambda practice: practice.get_implementation_status_display()),
    (gettext_lazy("Years"), "plain", None, _years),
    (gettext_lazy("Responsible institution"), "plain", "responsible_institution", lambda practice: practice.responsible_institution),
    (gettext_lazy("Evidence label"), "plain", None, lambda practice: practice.get_evidence_label_display()),
    (gettext_lazy("Summary"), "plain", "summary", lambda practice: practice.reading.text("summary")),
    (gettext_lazy("Problem addressed"), "text", "problem", lambda practice: practice.reading.text("problem")),
    (gettext_lazy("Objectives"), "text", "objectives", lambda practice: practice.reading.text("objectives")),
    (gettext_lazy("Implementation"), "text", "implementation", lambda practice: practice.reading.text("implementation")),
    (gettext_lazy("Results and evidence"), "text", "results", lambda practice: practice.reading.text("results")),
    (gettext_lazy("Key indicators"), "indicators", "indicators", lambda practice: practice.indicators),
    (gettext_lazy("Challenges and lessons learned"), "text", "challenges", lambda practice: practice.reading.text("challenges")),
    (gettext_lazy("Conditions for transfer to other countries"), "text", "transferability", lambda practice: practice.reading.text("transferability")),
    (gettext_lazy("Adapted from"), "practices", None, lambda practice: list(practice.adapted_from.all())),
]


def _comparison_rows(practices):
    """One row per field, a cell per practice; a field none of them fills is left out."""
    rows = []
    for label, kind, written_in, value_of in COMPARISON_ROWS:
        cells = [
            {"practice": practice, "value": value_of(practice), "lang": practice.reading.lang_of(written_in) if written_in else ""}
            for practice in practices
        ]
        if any(cell["value"] for cell in cells):
            rows.append({"label": label, "kind": kind, "cells": cells})
    return rows


def compare_practices(request):
    """Two to four published practices side by side, chosen with ?p=<id>&p=<id> from any page."""
    ids, problems = _ids_to_compare(request.GET.getlist("p"))
    practices = practices_to_compare(ids, get_language())
    left_out = len(ids) - len(practices)
    if left_out:
        # Unpublished or missing, the same words: the page must not tell a draft exists.
        problems.append(
            ngettext(
                "%(count)s practice asked for is not published or does not exist: it has been left out.",
                "%(count)s practices asked for are not published or do not exist: they have been left out.",
                left_out,
            )
            % {"count": left_out}
        )
    # Each column links to the same comparison without it.
    columns = [
        {"practice": practice, "remove_query": urlencode({"p": [other.pk for other in practices if other != practice]}, doseq=True)}
        for practice in practices
    ]
    context = {
        "practices": practices,
        "titles": [practice.reading.title for practice in practices],
        "columns": columns,
        "rows": _comparison_rows(practices) if len(practices) >= COMPARE_MIN else [],
        "problems": problems,
        "compare_min": COMPARE_MIN,
        "compare_max": COMPARE_MAX,
    }
    return render(request, "practices/compare.html", context)


# --- Open data (public) ---


def open_data(request):
    """What the whole dataset, the exports, feeds and API give, field by field; the licence; how to cite."""
    placeholders = {"country": _("<Country>"), "title": _("<Title>"), "year": _("<year published>"), "url": _("<address of the practice>")}
    current = dataset.latest()
    context = {
        "fields": opendata.documented_fields(),
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
        "export_limit": opendata.EXPORT_LIMIT,
        "separator": opendata.SEPARATOR.strip(),
        "citation_format": opendata.citation(**placeholders),
        "dataset": current,
        "dataset_files": dataset.files_of(current),
        "dataset_tables": dataset.documented_tables(),
        "dataset_interval": int(dataset.INTERVAL.total_seconds() // 60),
        "dataset_citation": dataset.dataset_citation(
            year=current["created_at"].year if current else timezone.now().year,
            version=current["version"] if current else _("<version>"),
            url=request.build_absolute_uri(opendata.stable_path("practices:open_data")),
        ),
        # One example of each feed.
        "region": Region.objects.filter(level=Region.Level.REGION).order_by("name_en").first(),
        "country": Country.objects.participating().order_by("name_en").first() or Country.objects.order_by("name_en").first(),
        "theme": Theme.objects.first(),
    }
    response = render(request, "practices/open_data.html", context)
    # The task worker renews the files without a public change: the page, which gives their date and size, is not kept.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def dataset_file(request, name):
    """A file of the current whole dataset (practices.dataset), under an address that stays the same."""
    current = dataset.latest()
    described = dataset.FILE_NAMES.get(name)
    if current is None or described is None or described.key not in current["files"]:
        raise Http404
    try:
        handle = default_storage.open(current["files"][described.key]["path"], "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=dataset.download_name(described, current), content_type=described.media_type)
    response["Last-Modified"] = http_date(current["created_at"].timestamp())
    response["Cache-Control"] = "public, max-age=60"
    return response
