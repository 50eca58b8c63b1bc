"""The Call to Action: endorsements, deliverables and their progress, uptake stories and their moderation, its pages."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from countries import pagecache
from countries.models import Country
from meetings import services
from meetings.models import (
    CallToAction,
    Confirmation,
    Deliverable,
    DeliverableEvent,
    Endorsement,
    Mandate,
    Meeting,
    MeetingDocument,
    RecordEvent,
    UptakeStory,
)
from practices import services as practice_services
from practices.models import Theme
from tests.factories import UptakeStoryFactory, publish_practice

Status = UptakeStory.Status
Action = RecordEvent.Action


def make_meeting(title, *, slug, published=True, days_ago=400):
    starts = timezone.now() - timedelta(days=days_ago)
    return Meeting.objects.create(
        slug=slug, title=title, kind=Meeting.Kind.MINISTERIAL, format=Meeting.Format.IN_PERSON,
        starts_at=starts, ends_at=starts + timedelta(hours=8), is_published=published,
    )


def make_call(**extra):
    """The Call to Action: two mandates to ITC, each with a deliverable; adopted at a public ministerial meeting."""
    meeting = make_meeting("Global SME Ministerial Meeting", slug="ministerial-2024")
    call = CallToAction.objects.create(
        slug="call-to-action", title="Call to Action on SMEs", text="We, the ministers, **call** on ITC.",
        adopted_on=date(2024, 6, 27), adopted_at=meeting, place="Geneva", endorsements_recorded_elsewhere=60, **extra,
    )
    call.pillars.set(Theme.objects.filter(is_pillar=True))
    expertise = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Share expertise", position=1)
    advocacy = Mandate.objects.create(call=call, kind=Mandate.Kind.ADVOCACY, title="Advocate for SMEs", position=2)
    Deliverable.objects.create(mandate=expertise, title="NDC guideline", status=Deliverable.Status.IN_PROGRESS, progress=40)
    Deliverable.objects.create(mandate=advocacy, title="SME voice at COP", position=1)
    return call


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def guideline(call):
    return Deliverable.objects.get(title="NDC guideline")


@pytest.fixture
def meeting(call):
    return call.adopted_at


@pytest.fixture
def peer_practice(country_b, moderator):
    # A published practice of Colombia: Kenya may tell how it used it.
    return publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian NDC toolkit")


def story_content(**content):
    return {"title": "Ministry of Environment used the NDC guideline", "story": "It prepared its own **NDC** guidelines.", **content}


@pytest.fixture
def draft_story(country_a, contributor_a, guideline):
    return UptakeStoryFactory(country=country_a, by=contributor_a, used_deliverable=guideline)


@pytest.fixture
def submitted_story(draft_story, contributor_a):
    return services.submit_uptake_story(draft_story, by=contributor_a)


def events(action):
    return RecordEvent.objects.filter(action=action)


# --- Endorsements ---


def test_focal_point_declares_the_endorsement_and_staff_confirm_it(call, country_a, focal_a, moderator, meeting):
    endorsement = services.declare_endorsement(call, country=country_a, by=focal_a, endorsed_on=date(2024, 6, 27), meeting=meeting)
    assert endorsement.status == Confirmation.DECLARED
    declared = events(Action.ENDORSEMENT_DECLARED).get()
    assert (declared.actor, declared.country, declared.meeting, declared.to_status) == (focal_a, country_a, meeting, "declared")
    services.confirm_endorsement(endorsement, by=moderator)
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.decided_by) == (Confirmation.CONFIRMED, moderator)
    confirmed = events(Action.CONFIRMED).get()
    assert (confirmed.from_status, confirmed.to_status) == ("declared", "confirmed")


def test_staff_decline_a_declaration_with_a_note(call, country_a, focal_a, moderator):
    endorsement = services.declare_endorsement(call, country=country_a, by=focal_a)
    services.decline_endorsement(endorsement, by=moderator, note="Not on the meeting's list.")
    endorsement.refresh_from_db()
    assert endorsement.status == Confirmation.DECLINED
    assert events(Action.DECLINED).get().note == "Not on the meeting's list."


@pytest.mark.parametrize("role", ["contributor_a", "contributor_b", "focal_b"])
def test_only_the_country_focal_point_or_staff_declare_its_endorsement(request, call, country_a, role):
    with pytest.raises(PermissionDenied):
        services.declare_endorsement(call, country=country_a, by=request.getfixturevalue(role))
    assert not Endorsement.objects.exists()
    assert not RecordEvent.objects.exists()


@pytest.mark.parametrize("first_status", ["declared", "confirmed"])
def test_a_duplicate_endorsement_is_refused_with_a_clear_message_and_nothing_changes(call, country_a, focal_a, moderator, first_status):
    if first_status == "declared":
        services.declare_endorsement(call, country=country_a, by=focal_a)
    else:
        services.record_endorsement(call, country=country_a, by=moderator)
    recorded = RecordEvent.objects.count()
    for attempt in (
        lambda: services.declare_endorsement(call, country=country_a, by=focal_a, endorsed_on=date(2024, 1, 1)),
        lambda: services.record_endorsement(call, country=country_a, by=moderator),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "Kenya" in refused.value.messages[0] and "already" in refused.value.messages[0]
    endorsement = Endorsement.objects.get()
    assert (endorsement.status, endorsement.endorsed_on) == (first_status, None)
    assert RecordEvent.objects.count() == recorded


def test_a_duplicate_declaration_through_the_page_shows_the_message(client, call, country_a, focal_a):
    services.declare_endorsement(call, country=country_a, by=focal_a)
    client.force_login(focal_a)
    response = client.post(reverse("meetings:cta_declare_endorsement", args=["KE"]), {"endorsed_on": "2024-06-27"}, follow=True)
    assert "already declared" in response.content.decode()
    assert Endorsement.objects.get().endorsed_on is None


def test_staff_record_an_endorsement_confirmed_at_once(call, country_b, moderator, focal_b, meeting):
    endorsement = services.record_endorsement(call, country=country_b, by=moderator, endorsed_on=date(2024, 6, 27), meeting=meeting)
    assert (endorsement.status, endorsement.decided_by) == (Confirmation.CONFIRMED, moderator)
    assert events(Action.CONFIRMED).get().to_status == "confirmed"
    with pytest.raises(PermissionDenied):
        services.record_endorsement(call, country=Country.objects.get(iso2="SN"), by=focal_b)


@pytest.mark.parametrize("decide", ["confirm", "decline"])
def test_only_a_declared_endorsement_is_confirmed_or_declined(call, country_a, moderator, decide):
    endorsement = services.record_endorsement(call, country=country_a, by=moderator)
    act = services.confirm_endorsement if decide == "confirm" else services.decline_endorsement
    with pytest.raises(ValidationError):
        act(endorsement, by=moderator)
    assert Endorsement.objects.get().status == Confirmation.CONFIRMED


def test_delegates_cannot_confirm_an_endorsement(call, country_a, focal_a):
    endorsement = services.declare_endorsement(call, country=country_a, by=focal_a)
    with pytest.raises(PermissionDenied):
        services.confirm_endorsement(endorsement, by=focal_a)
    assert Endorsement.objects.get().status == Confirmation.DECLARED


def test_an_endorsement_dated_in_the_future_is_refused(call, country_a, focal_a):
    with pytest.raises(ValidationError) as refused:
        services.declare_endorsement(call, country=country_a, by=focal_a, endorsed_on=timezone.localdate() + timedelta(days=2))
    assert "endorsed_on" in refused.value.error_dict
    assert not Endorsement.objects.exists()


def test_a_contributor_sees_the_endorsement_status_but_no_declaration_form(client, call, contributor_a):
    client.force_login(contributor_a)
    response = client.get(reverse("meetings:cta_workspace", args=["KE"]))
    assert response.status_code == 200
    assert "No endorsement by Kenya is recorded." in response.content.decode()
    assert reverse("meetings:cta_declare_endorsement", args=["KE"]) not in response.content.decode()
    assert client.post(reverse("meetings:cta_declare_endorsement", args=["KE"])).status_code == 403


# --- Deliverables ---


def test_staff_update_a_deliverable_status_and_progress(guideline, moderator):
    services.update_deliverable(guideline, by=moderator, status="delivered", progress=100)
    guideline.refresh_from_db()
    assert (guideline.status, guideline.progress) == ("delivered", 100)
    event = events(Action.DELIVERABLE_CHANGED).get()
    assert (event.from_status, event.to_status, event.note) == ("in_progress", "delivered", "NDC guideline: 40% → 100%")


@pytest.mark.parametrize("progress", [101, -1])
def test_a_progress_outside_0_to_100_is_a_field_error_and_nothing_changes(guideline, moderator, progress):
    with pytest.raises(ValidationError) as refused:
        services.update_deliverable(guideline, by=moderator, status="in_progress", progress=progress)
    assert refused.value.message_dict == {"progress": ["Give the progress as a whole number from 0 to 100."]}
    guideline.refresh_from_db()
    assert guideline.progress == 40
    assert not RecordEvent.objects.exists()


@pytest.mark.parametrize("progress", ["101", "-1"])
def test_the_progress_form_shows_the_error_beside_the_field(client, guideline, moderator, progress):
    client.force_login(moderator)
    response = client.post(reverse("meetings:cta_deliverable_update", args=[guideline.pk]), {"status": "in_progress", "progress": progress})
    assert response.status_code == 200
    assert response.context["update_form"].errors == {"progress": ["Give the progress as a whole number from 0 to 100."]}
    guideline.refresh_from_db()
    assert guideline.progress == 40


def test_an_unknown_deliverable_status_is_refused(guideline, moderator):
    with pytest.raises(ValidationError):
        services.update_deliverable(guideline, by=moderator, status="abandoned", progress=10)
    guideline.refresh_from_db()
    assert guideline.status == "in_progress"


def test_delegates_cannot_change_a_deliverable(guideline, focal_a):
    with pytest.raises(PermissionDenied):
        services.update_deliverable(guideline, by=focal_a, status="delivered", progress=100)
    with pytest.raises(PermissionDenied):
        services.add_deliverable_event(guideline, by=focal_a, happened_on=date(2025, 1, 1), title="Published")


def test_staff_add_an_event_linked_to_a_meeting_and_its_document(guideline, moderator, meeting):
    document = MeetingDocument.objects.create(
        meeting=meeting, title="Guideline", file="meeting-documents/x", original_name="g.pdf", content_type="application/pdf", extension="pdf", size=10
    )
    event = services.add_deliverable_event(
        guideline, by=moderator, happened_on=date(2025, 3, 1), title="Presented", document=document, link="https://example.org/ndc"
    )
    assert (event.meeting, event.document, event.link) == (meeting, document, "https://example.org/ndc")
    assert events(Action.DELIVERABLE_EVENT_ADDED).get().meeting == meeting
    other = make_meeting("Technical meeting", slug="technical")
    with pytest.raises(ValidationError) as refused:
        services.add_deliverable_event(guideline, by=moderator, happened_on=date(2025, 3, 1), title="x", meeting=other, document=document)
    assert "document" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.add_deliverable_event(guideline, by=moderator, happened_on=timezone.localdate() + timedelta(days=1), title=" ")
    assert set(refused.value.error_dict) == {"happened_on", "title"}
    assert guideline.events.count() == 1


# --- Uptake stories ---


def test_a_contributor_writes_a_story_about_a_peer_practice(country_a, contributor_a, peer_practice):
    story = services.create_uptake_story(country_a, by=contributor_a, content=story_content(used_practice=peer_practice))
    assert (story.status, story.country, story.used_practice) == (Status.DRAFT, country_a, peer_practice)
    assert events(Action.STORY_CREATED).get().to_status == "draft"


def test_staff_write_a_story_on_a_country_behalf(country_a, moderator, guideline):
    story = services.create_uptake_story(country_a, by=moderator, content=story_content(used_deliverable=guideline))
    assert story.created_by == moderator


def test_a_member_of_another_country_cannot_write_or_touch_its_stories(country_a, contributor_b, focal_b, draft_story, guideline):
    with pytest.raises(PermissionDenied):
        services.create_uptake_story(country_a, by=contributor_b, content=story_content(used_deliverable=guideline))
    for act in (
        lambda: services.save_uptake_story(draft_story, by=focal_b, content=story_content(title="Hijacked")),
        lambda: services.submit_uptake_story(draft_story, by=contributor_b),
    ):
        with pytest.raises(PermissionDenied):
            act()
    draft_story.refresh_from_db()
    assert (draft_story.title, draft_story.status) == ("Ministry of Environment used the NDC guideline", Status.DRAFT)


def test_a_story_cannot_use_the_country_own_practice_or_an_unpublished_one(country_a, country_b, contributor_a, moderator):
    own = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan practice")
    unpublished, _revision = practice_services.create_practice(country_b, by=moderator, content={"title": "Draft of Colombia"})
    for practice in (own, unpublished):
        with pytest.raises(ValidationError) as refused:
            services.create_uptake_story(country_a, by=contributor_a, content=story_content(used_practice=practice))
        assert "used_practice" in refused.value.error_dict
    assert not UptakeStory.objects.exists()


def test_a_story_needs_its_text_and_what_it_used_before_submission(country_a, contributor_a):
    story = services.create_uptake_story(country_a, by=contributor_a, content={"title": "Only a title"})
    with pytest.raises(ValidationError):
        services.submit_uptake_story(story, by=contributor_a)
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_the_whole_moderation_of_a_story(submitted_story, contributor_a, moderator):
    assert submitted_story.status == Status.SUBMITTED and submitted_story.submitted_at
    services.request_story_changes(submitted_story, by=moderator, comment="Name the ministry.")
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.CHANGES_REQUESTED
    services.save_uptake_story(submitted_story, by=contributor_a, content=story_content(institution="Ministry of Environment", used_deliverable=submitted_story.used_deliverable))
    services.submit_uptake_story(submitted_story, by=contributor_a)
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.RESUBMITTED
    services.publish_uptake_story(submitted_story, by=moderator)
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.PUBLISHED and submitted_story.published_at
    moves = list(submitted_story.events.exclude(from_status="").order_by("created_at", "pk").values_list("action", "from_status", "to_status", "note"))
    assert moves == [
        (Action.STORY_SUBMITTED, "draft", "submitted", ""),
        (Action.STORY_CHANGES_REQUESTED, "submitted", "changes_requested", "Name the ministry."),
        (Action.STORY_RESUBMITTED, "changes_requested", "resubmitted", ""),
        (Action.STORY_PUBLISHED, "resubmitted", "published", ""),
    ]


def test_rejecting_a_story_records_the_reason(submitted_story, moderator):
    services.reject_uptake_story(submitted_story, by=moderator, reason="Not an uptake of ITC's work.")
    event = submitted_story.events.get(action=Action.STORY_REJECTED)
    assert (event.from_status, event.to_status, event.note) == ("submitted", "rejected", "Not an uptake of ITC's work.")


@pytest.mark.parametrize("decide", ["request_changes", "reject"])
def test_a_note_is_required_to_request_changes_or_reject(submitted_story, moderator, decide):
    with pytest.raises(ValidationError) as refused:
        if decide == "request_changes":
            services.request_story_changes(submitted_story, by=moderator, comment="  ")
        else:
            services.reject_uptake_story(submitted_story, by=moderator, reason="")
    assert set(refused.value.error_dict) == {"comment" if decide == "request_changes" else "reason"}
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.SUBMITTED


def test_wrong_transitions_are_refused(draft_story, contributor_a, moderator):
    for act in (
        lambda: services.publish_uptake_story(draft_story, by=moderator),
        lambda: services.request_story_changes(draft_story, by=moderator, comment="More."),
        lambda: services.reject_uptake_story(draft_story, by=moderator, reason="No."),
    ):
        with pytest.raises(ValidationError):
            act()
    services.submit_uptake_story(draft_story, by=contributor_a)
    with pytest.raises(ValidationError):
        services.submit_uptake_story(draft_story, by=contributor_a)
    with pytest.raises(ValidationError):
        services.save_uptake_story(draft_story, by=contributor_a, content=story_content(title="Changed in review"))
    services.publish_uptake_story(draft_story, by=moderator)
    with pytest.raises(ValidationError):
        services.reject_uptake_story(draft_story, by=moderator, reason="Too late.")
    draft_story.refresh_from_db()
    assert (draft_story.status, draft_story.title) == (Status.PUBLISHED, "Ministry of Environment used the NDC guideline")


def test_delegates_cannot_decide_on_a_story(submitted_story, focal_a):
    with pytest.raises(PermissionDenied):
        services.publish_uptake_story(submitted_story, by=focal_a)
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.SUBMITTED


def test_moderators_hear_of_submissions_and_the_team_of_decisions_after_commit(
    draft_story, contributor_a, focal_a, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_uptake_story(draft_story, by=contributor_a)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    # One e-mail task (the others renew the page cache's generation).
    assert len([callback for callback in callbacks if not isinstance(callback, pagecache.BumpOnCommit)]) == 1
    [message] = mail.outbox
    assert message.to == [moderator.email]
    assert "New uptake story to review" in message.subject
    assert reverse("meetings:cta_story_review", args=[draft_story.pk]) in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_story_changes(draft_story, by=moderator, comment="Name the ministry.")
    assert sorted(address for message in mail.outbox for address in message.to) == sorted([focal_a.email, contributor_a.email])
    assert "Name the ministry." in mail.outbox[0].body


def test_a_refused_decision_sends_nothing(submitted_story, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            services.reject_uptake_story(submitted_story, by=moderator, reason="")
    assert callbacks == [] and mail.outbox == []


# --- Through the pages: workspace and staff ---


def test_a_contributor_writes_and_submits_a_story_through_the_pages(client, call, contributor_a, guideline):
    client.force_login(contributor_a)
    response = client.post(
        reverse("meetings:cta_story_create", args=["KE"]),
        {"title": "Used the guideline", "story": "We did.", "used_deliverable": guideline.pk, "submit": ""},
    )
    story = UptakeStory.objects.get()
    assert response["Location"] == reverse("meetings:cta_story_workspace", args=["KE", story.pk])
    assert (story.country.iso2, story.status) == ("KE", Status.SUBMITTED)
    page = client.get(reverse("meetings:cta_workspace", args=["KE"])).content.decode()
    assert "Used the guideline" in page


def test_another_country_story_is_not_found(client, draft_story, contributor_b):
    client.force_login(contributor_b)
    assert client.get(reverse("meetings:cta_story_workspace", args=["CO", draft_story.pk])).status_code == 404
    assert client.post(reverse("meetings:cta_story_submit", args=["CO", draft_story.pk])).status_code == 404


def test_the_team_sees_the_moderator_comment(client, submitted_story, moderator, contributor_a):
    services.request_story_changes(submitted_story, by=moderator, comment="Name the ministry, please.")
    client.force_login(contributor_a)
    assert "Name the ministry, please." in client.get(reverse("meetings:cta_workspace", args=["KE"])).content.decode()
    page = client.get(reverse("meetings:cta_story_edit", args=["KE", submitted_story.pk])).content.decode()
    assert "Changes requested by ITC" in page and "Name the ministry, please." in page


def test_requesting_changes_without_a_comment_shows_the_form_error(client, submitted_story, moderator):
    client.force_login(moderator)
    response = client.post(reverse("meetings:cta_story_request_changes", args=[submitted_story.pk]), {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["decision_form"].errors
    submitted_story.refresh_from_db()
    assert submitted_story.status == Status.SUBMITTED


def test_the_review_queue_lists_stories_oldest_first(client, call, country_a, contributor_a, guideline, moderator):
    titles = ["Second", "First"]
    for title in titles:
        story = services.create_uptake_story(country_a, by=contributor_a, content=story_content(title=title, used_deliverable=guideline))
        services.submit_uptake_story(story, by=contributor_a)
    UptakeStory.objects.filter(title="First").update(submitted_at=timezone.now() - timedelta(days=3))
    client.force_login(moderator)
    response = client.get(reverse("meetings:cta_story_queue"))
    assert [story.title for story in response.context["stories"]] == ["First", "Second"]


def test_staff_confirm_a_declaration_from_their_page(client, call, country_a, focal_a, moderator):
    endorsement = services.declare_endorsement(call, country=country_a, by=focal_a)
    client.force_login(moderator)
    assert "Kenya" in client.get(reverse("meetings:cta_staff")).content.decode()
    client.post(reverse("meetings:cta_confirm_endorsement", args=[endorsement.pk]))
    endorsement.refresh_from_db()
    assert endorsement.status == Confirmation.CONFIRMED


# --- The public pages ---


@pytest.fixture
def public_record(call, country_a, country_b, focal_a, focal_b, contributor_a, moderator, guideline, peer_practice, meeting):
    """Kenya confirmed, Colombia only declared; a published story of Kenya and one still in review."""
    services.record_endorsement(call, country=country_a, by=moderator, endorsed_on=date(2024, 6, 27), meeting=meeting)
    services.declare_endorsement(call, country=country_b, by=focal_b)
    published = services.create_uptake_story(
        country_a, by=contributor_a, content=story_content(title="Iraq-style uptake", used_deliverable=guideline, used_practice=peer_practice)
    )
    services.submit_uptake_story(published, by=contributor_a)
    services.publish_uptake_story(published, by=moderator)
    waiting = services.create_uptake_story(country_a, by=contributor_a, content=story_content(title="Still in review", used_deliverable=guideline))
    services.submit_uptake_story(waiting, by=contributor_a)
    return {"published": published, "waiting": waiting}


def test_the_public_page_shows_only_confirmed_endorsements_and_published_stories(client, public_record, peer_practice):
    response = client.get(reverse("meetings:call_to_action"))
    page = response.content.decode()
    assert "Call to Action on SMEs" in page and "<strong>call</strong>" in page
    assert "60 countries endorsed the Call to Action, according to the official record; 1 is listed here" in page
    assert [group["region"].name for group in response.context["by_region"]] == ["Africa"]
    assert [e.country.iso2 for group in response.context["by_region"] for e in group["endorsements"]] == ["KE"]
    assert "Iraq-style uptake" in page and "Still in review" not in page
    assert reverse("practices:practice_detail", args=[peer_practice.pk]) in page
    assert "<progress" in page and "Progress: 40%" in page
    # The Regions page's map, with the endorsement's own words.
    assert 'aria-label="World map of the countries that endorsed the Call to Action"' in page
    assert "Countries whose endorsement ITC confirmed are shaded." in page
    for pillar in Theme.objects.filter(is_pillar=True):
        assert pillar.name in page


def test_the_call_to_action_page_is_not_found_while_none_is_recorded(client, db):
    assert client.get(reverse("meetings:call_to_action")).status_code == 404


def test_a_story_page_shows_only_a_published_story(client, public_record):
    assert client.get(reverse("meetings:cta_story", args=[public_record["published"].pk])).status_code == 200
    assert client.get(reverse("meetings:cta_story", args=[public_record["waiting"].pk])).status_code == 404


@pytest.mark.caches_off("changes a story with QuerySet.update(), which sends no signal to renew the pages")
def test_sample_data_carries_a_notice(client, public_record):
    assert "Sample data" not in client.get(reverse("meetings:call_to_action")).content.decode()
    UptakeStory.objects.filter(pk=public_record["published"].pk).update(is_sample=True)
    assert "Sample data" in client.get(reverse("meetings:call_to_action")).content.decode()
    assert "Sample data" in client.get(reverse("meetings:cta_story", args=[public_record["published"].pk])).content.decode()


def aware(days_ago):
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), datetime.min.time()))


def stale_titles(client):
    response = client.get(reverse("meetings:call_to_action"))
    return {d.title for mandate in response.context["mandates"] for d in mandate.deliverables.all() if d.no_recent_progress}


@pytest.mark.caches_off("changes deliverables with QuerySet.update(), which sends no signal to renew the pages")
def test_no_recent_progress_is_computed_from_the_last_event_or_the_creation(client, call, guideline, moderator):
    limit = Deliverable.STALE_AFTER_DAYS
    Deliverable.objects.update(created_at=aware(limit + 30))
    # No event, created long ago: both stale.
    assert stale_titles(client) == {"NDC guideline", "SME voice at COP"}
    # A recent event on one.
    DeliverableEvent.objects.create(deliverable=guideline, happened_on=timezone.localdate() - timedelta(days=limit - 1), title="Draft shared")
    assert stale_titles(client) == {"SME voice at COP"}
    # Its last event is older than the limit: stale again, whatever older events say.
    DeliverableEvent.objects.filter(deliverable=guideline).update(happened_on=timezone.localdate() - timedelta(days=limit + 1))
    assert stale_titles(client) == {"NDC guideline", "SME voice at COP"}
    # Created recently, no event: not stale. Delivered: never stale.
    Deliverable.objects.filter(title="SME voice at COP").update(created_at=aware(10))
    Deliverable.objects.filter(pk=guideline.pk).update(status=Deliverable.Status.DELIVERED, progress=100)
    assert stale_titles(client) == set()
    assert "No recent progress" not in client.get(reverse("meetings:call_to_action")).content.decode()


def test_the_badge_shows_on_a_stale_deliverable(client, call):
    Deliverable.objects.update(created_at=aware(Deliverable.STALE_AFTER_DAYS + 1))
    assert "No recent progress" in client.get(reverse("meetings:call_to_action")).content.decode()


def test_the_timeline_is_newest_first(client, guideline):
    for day, title in [(1, "First"), (20, "Third"), (10, "Second")]:
        DeliverableEvent.objects.create(deliverable=guideline, happened_on=date(2025, 1, day), title=title)
    response = client.get(reverse("meetings:call_to_action"))
    [deliverable] = [d for mandate in response.context["mandates"] for d in mandate.deliverables.all() if d.pk == guideline.pk]
    assert [event.title for event in deliverable.timeline] == ["Third", "Second", "First"]


def add_more_record(call, moderator, guideline, meeting, peer_practice):
    """More of everything: the page must not make more queries for it."""
    for iso2 in ("SN", "PE", "FR", "IN"):
        services.record_endorsement(call, country=Country.objects.get(iso2=iso2), by=moderator, meeting=meeting)
    for day in range(1, 6):
        DeliverableEvent.objects.create(deliverable=guideline, happened_on=date(2025, 2, day), title=f"Step {day}", meeting=meeting)
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="More expertise", position=3)
    for number in range(3):
        Deliverable.objects.create(mandate=mandate, title=f"Extra {number}")
    for number in range(4):
        story = services.create_uptake_story(
            Country.objects.get(iso2="SN"), by=moderator, content=story_content(title=f"Story {number}", used_practice=peer_practice)
        )
        services.submit_uptake_story(story, by=moderator)
        services.publish_uptake_story(story, by=moderator)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_public_page_makes_a_fixed_number_of_queries(client, public_record, call, moderator, guideline, meeting, peer_practice, django_assert_max_num_queries):
    url = reverse("meetings:call_to_action")
    with django_assert_max_num_queries(10):
        client.get(url)
    before = count_queries(client, url)
    add_more_record(call, moderator, guideline, meeting, peer_practice)
    assert count_queries(client, url) == before


# --- The country page ---


def test_the_country_page_shows_the_confirmed_endorsement_and_published_stories(client, public_record):
    page = client.get(reverse("countries:country_detail", args=["KE"])).content.decode()
    assert "Kenya endorsed “Call to Action on SMEs”" in page
    assert "27 June 2024" in page and "Global SME Ministerial Meeting" in page
    assert "Iraq-style uptake" in page and "Still in review" not in page
    colombia = client.get(reverse("countries:country_detail", args=["CO"])).content.decode()
    assert "endorsed “Call to Action on SMEs”" not in colombia  # declared, not confirmed


def test_the_country_page_queries_do_not_grow_with_its_record(client, public_record, call, moderator, guideline, meeting, peer_practice):
    url = reverse("countries:country_detail", args=["SN"])
    story = services.create_uptake_story(Country.objects.get(iso2="SN"), by=moderator, content=story_content(used_practice=peer_practice))
    services.submit_uptake_story(story, by=moderator)
    services.publish_uptake_story(story, by=moderator)
    before = count_queries(client, url)
    add_more_record(call, moderator, guideline, meeting, peer_practice)
    assert count_queries(client, url) == before


def test_staff_keep_the_mandates_in_the_admin_but_progress_only_changes_on_the_staff_page(client, moderator, db):
    from meetings.models import CallToAction, Deliverable, Mandate

    call = CallToAction.objects.create(slug="cta", title="Call to Action", text="The text.", adopted_on="2025-07-24")
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Expertise")
    Deliverable.objects.create(mandate=mandate, title="NDC guideline", progress=40)
    client.force_login(moderator)
    page = client.get(reverse("admin:meetings_mandate_change", args=[mandate.pk])).content.decode()
    assert 'name="deliverables-0-title"' in page
    assert 'name="deliverables-0-progress"' not in page and "40" in page
    assert client.get(reverse("admin:meetings_calltoaction_add")).status_code == 200
    assert client.get(reverse("admin:meetings_calltoaction_delete", args=[call.pk])).status_code == 403


def test_a_meeting_in_preparation_is_not_named_on_public_pages(client, call, country_b, moderator):
    """ITC may record an endorsement made at a meeting whose page is not public yet: the endorsement
    shows, the meeting's title does not, until the meeting is published."""
    secret = make_meeting("Closed-door preparatory session", slug="prep-2026", published=False, days_ago=10)
    services.record_endorsement(call, country=country_b, by=moderator, endorsed_on=date(2026, 1, 10), meeting=secret)
    pages = [reverse("meetings:call_to_action"), reverse("countries:country_detail", kwargs={"iso2": "CO"})]
    for path in pages:
        page = client.get(path).content.decode()
        assert "Colombia" in page and secret.title not in page, path
    services.publish_meeting(secret, by=moderator)
    assert secret.title in client.get(pages[0]).content.decode()
