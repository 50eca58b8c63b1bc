"""Meetings and the Call to Action: public pages, the country's declarations, ITC staff pages."""

from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from countries import pagecache
from countries.access import may_manage, staff_view, workspace_view
from countries.decisions import Decision, Decisions, NoteForm, RejectForm, RequestChangesForm, flash, show_errors
from countries.models import Country, localized_field
from countries.views import MAP_DOT_RADIUS, world_map
from practices.attachments import download_response
from practices.models import Practice

from . import calendar, services
from .forms import (
    AgendaItemForm,
    DeliverableEventForm,
    DeliverableForm,
    EndorsementDeclarationForm,
    EndorsementRecordForm,
    MeetingDocumentForm,
    MeetingForm,
    ParticipationForm,
    PresentationForm,
    UptakeStoryForm,
)
from .models import (
    CallToAction,
    Confirmation,
    Deliverable,
    DeliverableEvent,
    Endorsement,
    Meeting,
    Participation,
    Presentation,
    RecordEvent,
    UptakeStory,
)


# --- Meetings ---


def _published_practices():
    return Prefetch("practices", queryset=Practice.objects.published().select_related("owner").order_by("title"))


# Public pages


def meeting_list(request):
    context = {"upcoming": list(Meeting.objects.upcoming()), "past": list(Meeting.objects.past())}
    return render(request, "meetings/meeting_list.html", context)


def meeting_detail(request, slug):
    meeting = get_object_or_404(Meeting.objects.public(), slug=slug)
    participations = list(meeting.participations.confirmed().select_related("country").order_by(f"country__{localized_field('name')}"))
    presentations = list(
        meeting.presentations.confirmed()
        .select_related("country")
        .prefetch_related(_published_practices())
        .order_by(f"country__{localized_field('name')}", "pk")
    )
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "documents": meeting.documents.all(),
        "participations": participations,
        "presentations": presentations,
        "has_sample_data": meeting.is_sample or any(presentation.is_sample for presentation in presentations),
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_document(request, slug, document_id):
    """A document of a public meeting; of any other, not found."""
    meeting = get_object_or_404(Meeting.objects.public(), slug=slug)
    return download_response(get_object_or_404(meeting.documents, pk=document_id), private=False)


def meeting_calendar(request, slug):
    return calendar.meeting_calendar(get_object_or_404(Meeting.objects.public(), slug=slug), request)


def meeting_calendar_feed(request):
    return calendar.upcoming_calendar(Meeting.objects.upcoming(), request)


# A country's workspace: its participation and presentations


@workspace_view()
def workspace_meeting_list(request, country, membership):
    meetings = list(Meeting.objects.public().order_by("-starts_at"))
    participations = {participation.meeting_id: participation for participation in country.participations.all()}
    presentations = {}
    for presentation in country.presentations.prefetch_related(_published_practices()).order_by("pk"):
        presentations.setdefault(presentation.meeting_id, []).append(presentation)
    for meeting in meetings:
        meeting.participation = participations.get(meeting.pk)
        meeting.country_presentations = presentations.get(meeting.pk, [])
    context = {"country": country, "membership": membership, "can_manage": may_manage(request.user, membership), "meetings": meetings}
    return render(request, "meetings/workspace_meeting_list.html", context)


@workspace_view(manage=True)
def workspace_participation(request, country, membership, pk):
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    existing = country.participations.filter(meeting=meeting).first()
    form = ParticipationForm(request.POST or None, initial={"delegates": existing.delegates if existing else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_participation(meeting, by=request.user, country=country, delegates=form.cleaned_data["delegates"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Participation recorded. ITC staff confirm it before it shows on the public pages."))
            return redirect("meetings:workspace_meeting_list", iso2=country.iso2)
    context = {"country": country, "membership": membership, "can_manage": True, "meeting": meeting, "form": form, "existing": existing}
    return render(request, "meetings/workspace_meeting_participation.html", context)


@workspace_view(manage=True)
def workspace_presentation(request, country, membership, pk):
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    form = PresentationForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_presentation(
                meeting, by=request.user, country=country, title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"], practices=form.cleaned_data["practices"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Presentation recorded. ITC staff confirm it before it shows on the public pages."))
            return redirect("meetings:workspace_meeting_list", iso2=country.iso2)
    context = {"country": country, "membership": membership, "can_manage": True, "meeting": meeting, "form": form}
    return render(request, "meetings/workspace_meeting_presentation.html", context)


# ITC staff


def _waiting_declarations(meeting=None):
    participations = Participation.objects.waiting().select_related("meeting", "country", "recorded_by").order_by("recorded_at")
    presentations = (
        Presentation.objects.waiting().select_related("meeting", "country", "recorded_by").prefetch_related("practices").order_by("recorded_at")
    )
    if meeting is not None:
        participations, presentations = participations.filter(meeting=meeting), presentations.filter(meeting=meeting)
    return {"waiting_participations": list(participations), "waiting_presentations": list(presentations)}


@staff_view
def staff_meeting_list(request):
    meetings = Meeting.objects.annotate(
        agenda_count=Count("agenda", distinct=True), documents_count=Count("documents", distinct=True)
    ).order_by("-starts_at")
    return render(request, "meetings/staff_meeting_list.html", {"meetings": meetings, **_waiting_declarations()})


@staff_view
def staff_meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Meeting created. Add its agenda and documents, then make it public."))
            return redirect("meetings:staff_meeting", pk=meeting.pk)
    return render(request, "meetings/staff_meeting_form.html", {"form": form})


def _staff_meeting_page(request, meeting, *, agenda_form=None, document_form=None, status=200):
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "documents": meeting.documents.all(),
        **_waiting_declarations(meeting),
        "decided_participations": meeting.participations.exclude(status=Confirmation.DECLARED)
        .select_related("country")
        .order_by(f"country__{localized_field('name')}"),
        "decided_presentations": meeting.presentations.exclude(status=Confirmation.DECLARED).select_related("country").order_by("pk"),
        "agenda_form": agenda_form or AgendaItemForm(meeting=meeting, prefix="agenda"),
        "document_form": document_form or MeetingDocumentForm(prefix="document"),
    }
    return render(request, "meetings/staff_meeting.html", context, status=status)


@staff_view
def staff_meeting(request, pk):
    return _staff_meeting_page(request, get_object_or_404(Meeting, pk=pk))


@staff_view
def staff_meeting_edit(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_from(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("meetings:staff_meeting", pk=meeting.pk)
    return render(request, "meetings/staff_meeting_form.html", {"form": form, "meeting": meeting})


def _staff_act(request, meeting, act, success_message):
    try:
        act()
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, success_message)
    return redirect("meetings:staff_meeting", pk=meeting.pk)


@staff_view
@require_POST
def staff_meeting_publish(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _staff_act(request, meeting, lambda: services.publish_meeting(meeting, by=request.user), _("The meeting is public."))


@staff_view
@require_POST
def staff_meeting_unpublish(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _staff_act(
        request, meeting, lambda: services.unpublish_meeting(meeting, by=request.user), _("The meeting is no longer public.")
    )


@staff_view
@require_POST
def staff_agenda_add(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AgendaItemForm(request.POST, meeting=meeting, prefix="agenda")
    if form.is_valid():
        try:
            services.add_agenda_item(meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect("meetings:staff_meeting", pk=meeting.pk)
    return _staff_meeting_page(request, meeting, agenda_form=form)


@staff_view
def staff_agenda_edit(request, pk, item_id):
    meeting = get_object_or_404(Meeting, pk=pk)
    item = get_object_or_404(meeting.agenda, pk=item_id)
    form = AgendaItemForm(request.POST or None, meeting=meeting, initial=AgendaItemForm.initial_from(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agenda_item(item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Agenda item saved."))
            return redirect("meetings:staff_meeting", pk=meeting.pk)
    return render(request, "meetings/staff_meeting_agenda_item.html", {"meeting": meeting, "item": item, "form": form})


@staff_view
@require_POST
def staff_agenda_remove(request, pk, item_id):
    meeting = get_object_or_404(Meeting, pk=pk)
    item = get_object_or_404(meeting.agenda, pk=item_id)
    return _staff_act(request, meeting, lambda: services.remove_agenda_item(item, by=request.user), _("Agenda item removed."))


@staff_view
@require_POST
def staff_agenda_move(request, pk, item_id):
    meeting = get_object_or_404(Meeting, pk=pk)
    item = get_object_or_404(meeting.agenda, pk=item_id)
    up = request.POST.get("direction") != "down"
    return _staff_act(request, meeting, lambda: services.move_agenda_item(item, by=request.user, up=up), _("Agenda item moved."))


@staff_view
@require_POST
def staff_document_add(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingDocumentForm(request.POST, request.FILES, prefix="document")
    if form.is_valid():
        try:
            services.add_document(
                meeting, by=request.user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Document added."))
            return redirect("meetings:staff_meeting", pk=meeting.pk)
    return _staff_meeting_page(request, meeting, document_form=form)


@staff_view
def staff_document_download(request, pk, document_id):
    """Any document of any meeting, public or not: for staff preparing it."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return download_response(get_object_or_404(meeting.documents, pk=document_id), private=True)


@staff_view
@require_POST
def staff_document_remove(request, pk, document_id):
    meeting = get_object_or_404(Meeting, pk=pk)
    document = get_object_or_404(meeting.documents, pk=document_id)
    return _staff_act(request, meeting, lambda: services.remove_document(document, by=request.user), _("Document removed."))


def _back_to_declarations(request, declaration):
    # Staff decide from the list of all waiting declarations, or from the meeting's page.
    if request.POST.get("back") == "list":
        return reverse("meetings:staff_meeting_list")
    return reverse("meetings:staff_meeting", args=[declaration.meeting_id])


def _declaration_decisions(workflow, kind):
    return Decisions(
        workflow,
        (
            Decision(
                "confirm", f"meetings:staff_{kind}_confirm", services.confirm_declaration, gettext_lazy("Confirm"),
                gettext_lazy("Confirmed: %(record)s."),
            ),
            Decision(
                "decline", f"meetings:staff_{kind}_decline", services.decline_declaration, gettext_lazy("Do not confirm"),
                gettext_lazy("Not confirmed: %(record)s."), form=NoteForm, style="button-secondary",
            ),
        ),
        queryset=lambda: workflow.model.objects.select_related("meeting", "country"),
        after=_back_to_declarations,
        back=_back_to_declarations,
    )


PARTICIPATION_DECISIONS = _declaration_decisions(services.PARTICIPATION_WORKFLOW, "participation")
PRESENTATION_DECISIONS = _declaration_decisions(services.PRESENTATION_WORKFLOW, "presentation")
staff_participation_confirm = PARTICIPATION_DECISIONS.view("confirm")
staff_participation_decline = PARTICIPATION_DECISIONS.view("decline")
staff_presentation_confirm = PRESENTATION_DECISIONS.view("confirm")
staff_presentation_decline = PRESENTATION_DECISIONS.view("decline")


# --- The Call to Action ---


StoryStatus = UptakeStory.Status
# A country's stories in its workspace, in the order a team works through them.
STORY_GROUPS = [
    ("writing", gettext_lazy("Being written"), UptakeStory.EDITABLE_STATUSES),
    ("review", gettext_lazy("In review at ITC"), UptakeStory.IN_REVIEW_STATUSES),
    ("published", gettext_lazy("Published"), (StoryStatus.PUBLISHED,)),
    ("closed", gettext_lazy("Not accepted"), (StoryStatus.REJECTED,)),
]
MODERATOR_NOTES = (RecordEvent.Action.STORY_CHANGES_REQUESTED, RecordEvent.Action.STORY_REJECTED, RecordEvent.Action.STORY_PUBLISHED)
MAP_ENDORSED, MAP_NOT_ENDORSED = "cta-map-endorsed", "cta-map-not-endorsed"


def current_call():
    """The Call to Action the pages show: the first adopted. None while none is recorded."""
    return CallToAction.objects.order_by("adopted_on", "pk").first()


def _current_call_or_404():
    call = current_call()
    if call is None:
        raise Http404
    return call


def _mark_progress(deliverables, today):
    """Set .timeline (newest first) and .no_recent_progress on each deliverable.

    A deliverable not yet delivered shows "no recent progress" when its last event (or its
    creation, when it has none) is older than Deliverable.STALE_AFTER_DAYS.
    """
    for deliverable in deliverables:
        deliverable.timeline = list(deliverable.events.all())
        last = deliverable.timeline[0].happened_on if deliverable.timeline else timezone.localdate(deliverable.created_at)
        deliverable.last_progress_on = last
        deliverable.no_recent_progress = deliverable.status != Deliverable.Status.DELIVERED and (
            today - last > timedelta(days=Deliverable.STALE_AFTER_DAYS)
        )


def _events_newest_first():
    return Prefetch(
        "events", queryset=DeliverableEvent.objects.select_related("meeting", "document").order_by("-happened_on", "-pk")
    )


def _endorsement_map(endorsed_ids):
    """The map's shapes in the order drawn: not endorsed (hidden from screen readers, the table says it), then endorsed; dots last."""
    shapes = world_map()["countries"]
    layers = {key: [] for key in [(False, False), (False, True), (True, False), (True, True)]}
    for country in Country.objects.only("pk", "iso2", "m49_code", "name_en", "name_fr", "name_es"):
        shape = shapes.get(country.m49_code)
        if shape is None:
            continue
        endorsed = country.pk in endorsed_ids
        item = {
            "url": reverse("countries:country_detail", args=[country.iso2]) if endorsed else "",
            "label": _("%(country)s: endorsed") % {"country": country.name} if endorsed else country.name,
            "shade": MAP_ENDORSED if endorsed else MAP_NOT_ENDORSED,
            # An outline is drawn from the static SVG file of outlines (cached by browsers).
            "outline": f"m{country.m49_code}" if "d" in shape else "",
            "point": shape.get("point"),
        }
        layers["point" in shape, endorsed].append(item)
    return [{"hidden": not endorsed, "shapes": items} for (_dot, endorsed), items in layers.items()]


def _with_public_practice(stories):
    """Link a story's peer practice only while that practice is public."""
    public = set(Practice.objects.published().filter(pk__in=[s.used_practice_id for s in stories if s.used_practice_id]).values_list("pk", flat=True))
    for story in stories:
        story.public_practice = story.used_practice if story.used_practice_id in public else None
    return stories


def _published_stories():
    return UptakeStory.objects.published().select_related("country", "used_deliverable__mandate", "used_practice__owner")


def call_to_action(request):
    # Kept by the worker, per language and day, until anything public changes.
    context = pagecache.memoized("call-to-action-page", _call_to_action_context, get_language(), timezone.localdate())
    return render(request, "meetings/cta_detail.html", context)


def _call_to_action_context():
    call = _current_call_or_404()
    mandates = list(
        call.mandates.prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.select_related("pillar").prefetch_related(_events_newest_first()))
        )
    )
    today = timezone.localdate()
    for mandate in mandates:
        _mark_progress(mandate.deliverables.all(), today)
    endorsements = list(
        call.endorsements.confirmed()
        .select_related("country__region", "meeting")
        .order_by("country__region__name_en", "country__name_en")
    )
    by_region = [
        {"region": region, "endorsements": sorted(items, key=lambda e: e.country.name)}
        for region, items in groupby(endorsements, key=lambda e: e.country.region)
    ]
    by_region.sort(key=lambda group: group["region"].name)
    stories = _with_public_practice(list(_published_stories().order_by("-published_at", "-pk")))
    context = {
        "call": call,
        "pillars": list(call.pillars.order_by("position", "pk")),
        "mandates": mandates,
        "endorsement_count": len(endorsements),
        "by_region": by_region,
        "world_map": world_map(),
        "dot_radius": MAP_DOT_RADIUS,
        "layers": _endorsement_map({e.country_id for e in endorsements}),
        "legend": [(MAP_ENDORSED, _("Endorsement confirmed by ITC")), (MAP_NOT_ENDORSED, _("Not listed here"))],
        "stories": stories,
        "stale_after_months": round(Deliverable.STALE_AFTER_DAYS / 30.5),
        "has_sample": any(e.is_sample for e in endorsements) or any(s.is_sample for s in stories),
    }
    return context


def call_to_action_story(request, pk):
    story = get_object_or_404(_published_stories(), pk=pk)
    _with_public_practice([story])
    return render(request, "meetings/cta_story.html", {"story": story})


# The Call to Action in a country's workspace


def _workspace_story(country, pk):
    """A story of this country; any other is not found."""
    return get_object_or_404(country.uptake_stories.select_related("country", "used_deliverable", "used_practice__owner"), pk=pk)


@workspace_view()
def cta_workspace(request, country, membership):
    call = current_call()
    stories = list(country.uptake_stories.select_related("used_deliverable", "used_practice").order_by("-updated_at"))
    notes = {}
    for event in RecordEvent.objects.filter(story__country=country, action__in=MODERATOR_NOTES).exclude(note="").order_by("created_at"):
        notes[event.story_id] = event  # the latest comment of each story
    for story in stories:
        story.moderator_note = notes.get(story.pk) if story.status != StoryStatus.PUBLISHED else None
    groups = [
        {"key": key, "label": label, "stories": [story for story in stories if story.status in statuses]}
        for key, label, statuses in STORY_GROUPS
    ]
    can_manage = may_manage(request.user, membership)
    context = {
        "country": country,
        "membership": membership,
        "can_manage": can_manage,
        "call": call,
        "endorsement": call.endorsements.filter(country=country).select_related("meeting").first() if call else None,
        "declare_form": EndorsementDeclarationForm() if call and can_manage else None,
        "groups": groups,
    }
    return render(request, "meetings/workspace_cta.html", context)


@workspace_view(manage=True)
@require_POST
def cta_declare_endorsement(request, country, membership):
    call = _current_call_or_404()
    form = EndorsementDeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.declare_endorsement(
                call, country=country, by=request.user, endorsed_on=form.cleaned_data["endorsed_on"], meeting=form.cleaned_data["meeting"]
            )
        except ValidationError as error:
            flash(request, error)
        else:
            messages.success(request, _("Endorsement declared. ITC will confirm it, and then it shows on the public pages."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("meetings:cta_workspace", iso2=country.iso2)


def _story_form_page(request, country, membership, form, story=None):
    feedback = None
    if story is not None and story.status == StoryStatus.CHANGES_REQUESTED:
        feedback = story.events.filter(action=RecordEvent.Action.STORY_CHANGES_REQUESTED).select_related("actor").order_by("-created_at").first()
    context = {"country": country, "membership": membership, "form": form, "story": story, "feedback": feedback}
    return render(request, "meetings/workspace_cta_story_form.html", context)


def _submit_after_saving(request, story):
    """With "submit" pressed, send the saved story for review. True when done."""
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved."))
        return True
    try:
        services.submit_uptake_story(story, by=request.user)
    except ValidationError as error:
        messages.warning(request, _("Draft saved, but not submitted."))
        flash(request, error)
        return False
    messages.success(request, _("Submitted to ITC for review. Its status shows on this page."))
    return True


@workspace_view()
def cta_story_create(request, country, membership):
    form = UptakeStoryForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.create_uptake_story(country, by=request.user, content=form.content())
        except ValidationError as error:
            show_errors(form, error)
        else:
            _submit_after_saving(request, story)
            return redirect("meetings:cta_story_workspace", iso2=country.iso2, pk=story.pk)
    return _story_form_page(request, country, membership, form)


@workspace_view()
def cta_story_edit(request, country, membership, pk):
    story = _workspace_story(country, pk)
    if not story.is_editable:
        messages.info(request, _("This story is in review or closed: it can no longer be edited."))
        return redirect("meetings:cta_story_workspace", iso2=country.iso2, pk=story.pk)
    form = UptakeStoryForm(request.POST or None, instance=story, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_uptake_story(story, by=request.user, content=form.content())
        except ValidationError as error:
            show_errors(form, error)
        else:
            _submit_after_saving(request, story)
            return redirect("meetings:cta_story_workspace", iso2=country.iso2, pk=story.pk)
    return _story_form_page(request, country, membership, form, story)


@workspace_view()
def cta_story_workspace(request, country, membership, pk):
    story = _workspace_story(country, pk)
    context = {
        "country": country,
        "membership": membership,
        "story": story,
        "missing": services.missing_for_story_review(story) if story.is_editable else [],
        "events": story.events.select_related("actor"),
    }
    return render(request, "meetings/workspace_cta_story.html", context)


@workspace_view()
@require_POST
def cta_story_submit(request, country, membership, pk):
    story = _workspace_story(country, pk)
    try:
        services.submit_uptake_story(story, by=request.user)
    except ValidationError as error:
        flash(request, error)
    else:
        messages.success(request, _("Submitted to ITC for review. Its status shows on this page."))
    return redirect("meetings:cta_story_workspace", iso2=country.iso2, pk=story.pk)


# The Call to Action for ITC staff


@staff_view
def cta_staff(request):
    call = current_call()
    context = {"call": call}
    if call is not None:
        context.update(
            declarations=call.endorsements.filter(status=Confirmation.DECLARED).select_related("country", "meeting", "recorded_by").order_by("recorded_at"),
            endorsements=call.endorsements.exclude(status=Confirmation.DECLARED).select_related("country", "meeting").order_by("country__name_en"),
            deliverables=Deliverable.objects.filter(mandate__call=call).select_related("mandate").order_by("mandate__position", "mandate__pk", "position", "pk"),
            waiting_stories=UptakeStory.objects.filter(status__in=UptakeStory.IN_REVIEW_STATUSES).count(),
        )
    return render(request, "meetings/staff_cta.html", context)


ENDORSEMENT_DECISIONS = Decisions(
    services.ENDORSEMENT_WORKFLOW,
    (
        Decision(
            "confirm", "meetings:cta_confirm_endorsement", services.confirm_endorsement, gettext_lazy("Confirm"),
            gettext_lazy("The endorsement of %(country)s is confirmed: it shows on the public pages."),
        ),
        Decision(
            "decline", "meetings:cta_decline_endorsement", services.decline_endorsement, gettext_lazy("Decline"),
            gettext_lazy("The endorsement of %(country)s is not confirmed."), form=NoteForm, style="button-danger",
        ),
    ),
    queryset=lambda: Endorsement.objects.select_related("country", "call"),
    after=lambda request, endorsement: reverse("meetings:cta_staff"),
    back=lambda request, endorsement: reverse("meetings:cta_staff"),
)
cta_confirm_endorsement = ENDORSEMENT_DECISIONS.view("confirm")
cta_decline_endorsement = ENDORSEMENT_DECISIONS.view("decline")


@staff_view
def cta_record_endorsement(request):
    call = _current_call_or_404()
    initial = {"country": request.GET["country"].upper()} if request.GET.get("country") else {}
    form = EndorsementRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_endorsement(call, country=data["country"], by=request.user, endorsed_on=data["endorsed_on"], meeting=data["meeting"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The endorsement of %(country)s is recorded.") % {"country": data["country"].name})
            return redirect("meetings:cta_staff")
    return render(request, "meetings/staff_cta_endorsement_form.html", {"call": call, "form": form})


def _deliverable_page(request, deliverable, forms=None, status=200):
    deliverable = Deliverable.objects.select_related("mandate__call", "pillar").prefetch_related(_events_newest_first()).get(pk=deliverable.pk)
    _mark_progress([deliverable], timezone.localdate())
    context = {
        "deliverable": deliverable,
        "update_form": DeliverableForm(initial={"status": deliverable.status, "progress": deliverable.progress}),
        "event_form": DeliverableEventForm(initial={"happened_on": timezone.localdate()}),
        **(forms or {}),
    }
    return render(request, "meetings/staff_cta_deliverable.html", context, status=status)


@staff_view
def cta_deliverable(request, pk):
    return _deliverable_page(request, get_object_or_404(Deliverable, pk=pk))


@staff_view
@require_POST
def cta_deliverable_update(request, pk):
    deliverable = get_object_or_404(Deliverable, pk=pk)
    form = DeliverableForm(request.POST)
    if form.is_valid():
        try:
            services.update_deliverable(deliverable, by=request.user, status=form.cleaned_data["status"], progress=form.cleaned_data["progress"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The deliverable's status and progress are saved."))
            return redirect("meetings:cta_deliverable", pk=deliverable.pk)
    return _deliverable_page(request, deliverable, {"update_form": form})


@staff_view
@require_POST
def cta_deliverable_event(request, pk):
    deliverable = get_object_or_404(Deliverable, pk=pk)
    form = DeliverableEventForm(request.POST)
    if form.is_valid():
        try:
            services.add_deliverable_event(deliverable, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The event is added to the deliverable's timeline."))
            return redirect("meetings:cta_deliverable", pk=deliverable.pk)
    return _deliverable_page(request, deliverable, {"event_form": form})


@staff_view
def cta_story_queue(request):
    stories = (
        UptakeStory.objects.filter(status__in=UptakeStory.IN_REVIEW_STATUSES)
        .select_related("country", "used_deliverable", "used_practice")
        .order_by("submitted_at", "pk")
    )
    return render(request, "meetings/staff_cta_story_queue.html", {"stories": stories, "now": timezone.now()})


def _reviewable_story(pk):
    return get_object_or_404(UptakeStory.objects.select_related("country", "used_deliverable__mandate", "used_practice__owner"), pk=pk)


def _story_review_page(request, story, decision_form=None):
    context = {
        "story": story,
        "events": story.events.select_related("actor"),
        "missing": services.missing_for_story_review(story),
        "decision_form": decision_form,
    }
    return render(request, "meetings/staff_cta_story_review.html", context)


@staff_view
def cta_story_review(request, pk):
    return _story_review_page(request, _reviewable_story(pk))


# ITC's decisions on an uptake story: the same view and partial as a practice's (countries/decisions.py).
STORY_DECISIONS = Decisions(
    services.STORY_WORKFLOW,
    (
        Decision(
            "publish", "meetings:cta_story_publish", services.publish_uptake_story, gettext_lazy("Publish"),
            gettext_lazy("Published. The story shows on the Call to Action page."), form=NoteForm,
        ),
        Decision(
            "request_changes", "meetings:cta_story_request_changes", services.request_story_changes, gettext_lazy("Request changes"),
            gettext_lazy("Changes requested. The country's team sees your comment."), form=RequestChangesForm, style="button-secondary",
        ),
        Decision(
            "reject", "meetings:cta_story_reject", services.reject_uptake_story, gettext_lazy("Reject"),
            gettext_lazy("Rejected. The country's team sees your reason."), form=RejectForm, style="button-danger",
        ),
    ),
    queryset=lambda: UptakeStory.objects.select_related("country", "used_deliverable__mandate", "used_practice__owner"),
    after=lambda request, story: reverse("meetings:cta_story_queue"),
    back=lambda request, story: reverse("meetings:cta_story_review", args=[story.pk]),
    page=_story_review_page,
)
cta_story_publish = STORY_DECISIONS.view("publish")
cta_story_request_changes = STORY_DECISIONS.view("request_changes")
cta_story_reject = STORY_DECISIONS.view("reject")
