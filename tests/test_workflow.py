"""One workflow mechanism for every reviewed record (countries/workflow.py, countries/decisions.py).

The four records ITC reviews (a practice's versions, uptake stories, meeting declarations,
endorsements) and the practice itself (archive, restore) each declare a Workflow; one decision view
and one partial serve them all; templates ask the workflow, never compare a status.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from countries.decisions import Decisions
from countries.workflow import Workflow
from meetings import services as meeting_services
from meetings.models import Endorsement, Participation, Presentation, RecordEvent, UptakeStory
from practices import services
from practices.models import Practice, PracticeRevision, PracticeTranslation, ReviewEvent
from tests.factories import MeetingFactory, PracticeFactory, UptakeStoryFactory, publish_practice

ROOT = Path(__file__).resolve().parent.parent


def test_every_reviewed_record_has_one_workflow_and_one_set_of_decisions():
    reviewed = {PracticeRevision, PracticeTranslation, UptakeStory, Participation, Presentation, Endorsement}
    assert reviewed | {Practice} <= set(Workflow.registry)
    assert reviewed == set(Decisions.registry)
    for model, decisions in Decisions.registry.items():
        assert decisions.workflow is Workflow.registry[model]
        # Each decision is a transition of its workflow, taken through the one decision view.
        for decision in decisions.decisions:
            assert decision.name in decisions.workflow.transitions
            assert reverse(decision.url, args=[1])


def test_no_template_compares_a_status():
    comparisons = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in re.finditer(r"\.status\s*(==|!=|in\b)[^%]*", path.read_text(encoding="utf-8"))
    ]
    assert comparisons == []


@pytest.mark.django_db
def test_possible_transitions_follow_the_state_and_the_person(country_a, contributor_a, contributor_b, moderator):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={"title": "Guarantees"})
    workflow = services.REVISION_WORKFLOW
    assert [t.name for t in workflow.possible(revision, contributor_a)] == ["submit", "discard"]
    assert workflow.possible(revision, contributor_b) == []  # another country's draft
    revision.status = PracticeRevision.Status.SUBMITTED
    assert [t.name for t in workflow.possible(revision, moderator)] == ["publish", "request_changes", "reject"]
    assert workflow.possible(revision, contributor_a) == []


@pytest.mark.django_db
def test_a_refused_step_changes_nothing_and_writes_no_event(country_a, contributor_a, contributor_b, moderator):
    practice = PracticeFactory(owner=country_a, by=contributor_a)
    revision = practice.revisions.get()
    events = ReviewEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.REVISION_WORKFLOW.take(revision, "submit", by=contributor_b)
    with pytest.raises(ValidationError, match="not possible while the status is “Draft”"):
        services.REVISION_WORKFLOW.take(revision, "publish", by=moderator)
    with pytest.raises(ValidationError) as refused:
        services.REVISION_WORKFLOW.take(revision, "reject", by=moderator, note="  ")
    assert "reason" in refused.value.error_dict  # the note is checked before the state: said next to its field
    revision.refresh_from_db()
    assert revision.status == PracticeRevision.Status.DRAFT and revision.decided_at is None
    assert ReviewEvent.objects.count() == events


@pytest.mark.django_db
def test_a_step_reads_the_state_under_its_lock_not_the_copy_in_hand(country_a, contributor_a, moderator):
    practice = PracticeFactory(owner=country_a, by=contributor_a)
    stale = practice.revisions.get()
    services.submit_revision(stale, by=contributor_a)
    services.request_changes(stale, by=moderator, comment="Add the budget.")
    assert stale.status == PracticeRevision.Status.DRAFT  # the copy in hand is stale
    revision = services.submit_revision(stale, by=contributor_a)
    assert revision.status == PracticeRevision.Status.RESUBMITTED
    event = ReviewEvent.objects.filter(revision=revision).order_by("-created_at", "-id").first()
    assert (event.action, event.from_status, event.to_status) == ("resubmitted", "changes_requested", "resubmitted")
    assert revision.submitted_at is not None


@pytest.mark.django_db
def test_the_review_page_offers_only_the_decisions_allowed_now(client, moderator, country_a, contributor_a):
    practice = PracticeFactory(owner=country_a, by=contributor_a)
    revision = practice.revisions.get()
    client.force_login(moderator)
    url = reverse("practices:review", args=[revision.pk])
    assert reverse("practices:review_publish", args=[revision.pk]) not in client.get(url).content.decode()
    services.submit_revision(revision, by=contributor_a)
    page = client.get(url).content.decode()
    for name in ("review_publish", "review_request_changes", "review_reject"):
        assert reverse(f"practices:{name}", args=[revision.pk]) in page


@pytest.mark.django_db
def test_staff_decline_a_declaration_with_a_reason_the_record_keeps(client, moderator, country_a, focal_a):
    meeting = MeetingFactory(by=moderator, published=True)
    participation = meeting_services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3)
    client.force_login(moderator)
    page = client.get(reverse("meetings:staff_meeting", args=[meeting.pk])).content.decode()
    decline = reverse("meetings:staff_participation_decline", args=[participation.pk])
    assert decline in page and f'id="decline-{participation.pk}-note"' in page
    response = client.post(decline, {"note": "No delegate of Kenya signed the attendance list."})
    assert response.status_code == 302 and response.url == reverse("meetings:staff_meeting", args=[meeting.pk])
    participation.refresh_from_db()
    assert participation.is_declined and participation.decided_by == moderator
    event = RecordEvent.objects.filter(action=RecordEvent.Action.DECLINED).get()
    assert event.note == "No delegate of Kenya signed the attendance list." and event.from_status == "declared"
    # Decided: nothing more to decide on it, on the page or by posting again.
    assert decline not in client.get(reverse("meetings:staff_meeting", args=[meeting.pk])).content.decode()
    client.post(reverse("meetings:staff_participation_confirm", args=[participation.pk]), {"back": "list"})
    participation.refresh_from_db()
    assert participation.is_declined


@pytest.mark.django_db
def test_a_story_decision_refused_for_its_note_is_shown_next_to_the_field(client, moderator, country_a, focal_a, country_b, focal_b):
    used = publish_practice(country_b, by=focal_b, moderator=moderator)
    story = meeting_services.submit_uptake_story(UptakeStoryFactory(country=country_a, by=focal_a, used_practice=used), by=focal_a)
    client.force_login(moderator)
    response = client.post(reverse("meetings:cta_story_reject", args=[story.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["decision_form"].errors
    assert 'id="reject-%d-reason"' % story.pk in response.content.decode()
    story.refresh_from_db()
    assert story.is_in_review
