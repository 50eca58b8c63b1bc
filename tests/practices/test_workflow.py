"""The review workflow: every transition, allowed and refused, atomic and recorded."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from practices import services
from practices.models import Practice, PracticeRevision, ReviewEvent, Theme

Status = PracticeRevision.Status

COMPLETE = {
    "title": "One-stop shop for business registration",
    "summary": "Register a company online in one day.",
    "description": "A single **online** window replaced seven offices.",
    "level": "national",
    "themes": ["business-environment", "digital-transformation"],
    "instruments": ["digital-platform"],
    "target_groups": ["micro-enterprises"],
    "start_year": 2019,
}


@pytest.fixture
def draft(country_a, contributor_a):
    """A complete first version, still a draft, written by a contributor of country A."""
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=COMPLETE)
    return revision


@pytest.fixture
def submitted(draft, contributor_a):
    return services.submit_revision(draft, by=contributor_a)


@pytest.fixture
def published(submitted, moderator):
    return services.publish_revision(submitted, by=moderator, evidence_label="early_results")


def actions(practice):
    return list(practice.events.order_by("created_at", "id").values_list("action", flat=True))


# --- Creating and writing ---


def test_contributor_creates_a_draft_that_is_not_public(draft, country_a):
    practice = draft.practice
    assert (practice.owner, practice.status, draft.status, draft.number) == (country_a, "unpublished", "draft", 1)
    assert not Practice.objects.published().exists()
    assert actions(practice) == ["created"]


def test_member_of_another_country_cannot_create_or_touch_a_practice(country_a, contributor_b, draft):
    with pytest.raises(PermissionDenied):
        services.create_practice(country_a, by=contributor_b, content=COMPLETE)
    with pytest.raises(PermissionDenied):
        services.save_revision(draft, by=contributor_b, changes={"title": "Hijacked"})
    with pytest.raises(PermissionDenied):
        services.submit_revision(draft, by=contributor_b)
    draft.refresh_from_db()
    assert draft.content["title"] == COMPLETE["title"] and draft.status == "draft"


def test_a_title_is_required(country_a, contributor_a):
    with pytest.raises(ValidationError):
        services.create_practice(country_a, by=contributor_a, content={"title": ""})
    assert not Practice.objects.exists()


def test_saving_a_draft_keeps_unknown_keys_out_and_renames_the_practice(draft, contributor_a):
    services.save_revision(draft, by=contributor_a, changes={**COMPLETE, "title": "Renamed", "status": "published"})
    draft.refresh_from_db()
    assert draft.content["title"] == "Renamed" and "status" not in draft.content
    assert draft.practice.title == "Renamed" and draft.practice.status == "unpublished"


def test_moderator_creates_a_practice_on_a_countrys_behalf(country_a, moderator):
    practice, revision = services.create_practice(country_a, by=moderator, content=COMPLETE, entered_by_itc=True)
    assert practice.entered_by_itc and practice.owner == country_a and revision.status == "draft"


# --- Submitting and review ---


def test_submitting_an_incomplete_draft_is_refused_with_the_missing_fields(country_a, contributor_a):
    _practice, revision = services.create_practice(country_a, by=contributor_a, content={"title": "Half done"})
    with pytest.raises(ValidationError, match="summary, description, level, themes"):
        services.submit_revision(revision, by=contributor_a)
    revision.refresh_from_db()
    assert revision.status == "draft"


def test_submission_then_changes_requested_then_resubmission_then_publication(submitted, contributor_a, moderator):
    assert submitted.status == "submitted" and submitted.submitted_at
    with pytest.raises(ValidationError):
        services.request_changes(submitted, by=moderator, comment="   ")
    services.request_changes(submitted, by=moderator, comment="Add the budget, please.")
    submitted.refresh_from_db()
    assert submitted.status == "changes_requested"
    services.save_revision(submitted, by=contributor_a, changes={**COMPLETE, "implementation": "Budget: USD 2 million."})
    services.submit_revision(submitted, by=contributor_a)
    submitted.refresh_from_db()
    assert submitted.status == "resubmitted"
    services.publish_revision(submitted, by=moderator, evidence_label="monitored")
    practice = Practice.objects.get()
    assert practice.status == "published" and practice.published_revision == submitted
    assert practice.implementation == "Budget: USD 2 million."
    assert sorted(practice.themes.values_list("slug", flat=True)) == ["business-environment", "digital-transformation"]
    assert practice.evidence_label == "monitored" and practice.first_published_at
    assert list(Practice.objects.published()) == [practice]
    event = practice.events.get(action="changes_requested")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        moderator, "submitted", "changes_requested", "Add the budget, please."
    )
    assert actions(practice) == [
        "created", "submitted", "changes_requested", "saved", "resubmitted", "published", "evidence_labelled"
    ]


def test_only_staff_decide(submitted, focal_a):
    for decide in (
        lambda: services.publish_revision(submitted, by=focal_a),
        lambda: services.request_changes(submitted, by=focal_a, comment="x"),
        lambda: services.reject_revision(submitted, by=focal_a, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_rejection_needs_a_reason_and_keeps_the_practice_unpublished(submitted, moderator):
    with pytest.raises(ValidationError):
        services.reject_revision(submitted, by=moderator, reason="")
    services.reject_revision(submitted, by=moderator, reason="Not an SME policy.")
    submitted.refresh_from_db()
    assert submitted.status == "rejected" and submitted.decided_by == moderator
    assert submitted.practice.status == "unpublished"
    assert not Practice.objects.published().exists()


@pytest.mark.parametrize(
    "transition",
    [
        lambda r, staff, team: services.publish_revision(r, by=staff),
        lambda r, staff, team: services.request_changes(r, by=staff, comment="x"),
        lambda r, staff, team: services.reject_revision(r, by=staff, reason="x"),
    ],
    ids=["publish", "request_changes", "reject"],
)
def test_decisions_on_a_draft_are_refused(draft, moderator, contributor_a, transition):
    with pytest.raises(ValidationError):
        transition(draft, moderator, contributor_a)
    draft.refresh_from_db()
    assert draft.status == "draft" and not ReviewEvent.objects.exclude(action="created").exists()


def test_double_submission_and_double_publication_are_refused(submitted, contributor_a, moderator):
    with pytest.raises(ValidationError):
        services.submit_revision(submitted, by=contributor_a)
    services.publish_revision(submitted, by=moderator)
    with pytest.raises(ValidationError):
        services.publish_revision(submitted, by=moderator)
    assert ReviewEvent.objects.filter(action="published").count() == 1


def test_a_version_in_review_cannot_be_edited(submitted, contributor_a):
    with pytest.raises(ValidationError):
        services.save_revision(submitted, by=contributor_a, changes={**COMPLETE, "title": "Sneaky"})
    submitted.refresh_from_db()
    assert submitted.content["title"] == COMPLETE["title"]


# --- Editing what is published ---


def test_editing_a_published_practice_leaves_the_public_version_until_approval(published, contributor_a, moderator):
    practice = published.practice
    revision = services.start_revision(practice, by=contributor_a)
    assert revision.number == 2 and revision.content["title"] == COMPLETE["title"]
    assert services.start_revision(practice, by=contributor_a) == revision  # a double click opens nothing twice
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "title": "One-stop shop 2.0"})
    services.submit_revision(revision, by=contributor_a)
    practice.refresh_from_db()
    assert practice.title == COMPLETE["title"] and practice.status == "published"
    services.publish_revision(revision, by=moderator)
    practice.refresh_from_db()
    assert practice.title == "One-stop shop 2.0" and practice.published_revision == revision
    published.refresh_from_db()
    assert published.status == "approved"


def test_the_database_allows_one_open_version_per_practice(published, contributor_a):
    services.start_revision(published.practice, by=contributor_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeRevision.objects.create(practice=published.practice, number=9, content={})


def test_an_unpublished_practice_has_no_version_to_start_from(submitted, moderator):
    services.reject_revision(submitted, by=moderator, reason="No.")
    with pytest.raises(ValidationError):
        services.start_revision(submitted.practice, by=moderator)


# --- Discarding, archiving, restoring ---


def test_a_discarded_draft_is_kept_and_staff_can_restore_it(draft, contributor_a, moderator):
    services.discard_revision(draft, by=contributor_a)
    draft.refresh_from_db()
    assert draft.status == "discarded" and PracticeRevision.objects.filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        services.restore_discarded_revision(draft, by=contributor_a)
    services.restore_discarded_revision(draft, by=moderator)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.content == services.normalise_content(COMPLETE)


def test_a_version_in_review_cannot_be_discarded(submitted, contributor_a):
    with pytest.raises(ValidationError):
        services.discard_revision(submitted, by=contributor_a)


def test_the_owners_focal_point_and_staff_archive_and_restore(published, focal_a, contributor_a, moderator):
    practice = published.practice
    with pytest.raises(PermissionDenied):
        services.archive_practice(practice, by=contributor_a)
    services.archive_practice(practice, by=focal_a, note="Programme closed.")
    assert not Practice.objects.published().exists()
    with pytest.raises(PermissionDenied):
        services.restore_practice(practice, by=contributor_a)
    with pytest.raises(ValidationError):
        services.archive_practice(practice, by=moderator)
    services.restore_practice(practice, by=focal_a)
    assert Practice.objects.published().get() == practice
    services.archive_practice(practice, by=moderator)
    services.restore_practice(practice, by=moderator)
    assert Practice.objects.published().get() == practice


def test_co_owner_team_may_edit(published, country_b, contributor_b):
    practice = published.practice
    with pytest.raises(PermissionDenied):
        services.start_revision(practice, by=contributor_b)
    practice.co_owners.add(country_b)
    revision = services.start_revision(practice, by=contributor_b)
    assert revision.status == "draft"
    assert list(Practice.objects.of_country(country_b)) == [practice]


def test_adapted_from_links_to_the_inspiring_practice(published, country_b, focal_b, moderator):
    inspiration = published.practice
    _practice, revision = services.create_practice(
        country_b, by=focal_b, content={**COMPLETE, "title": "Ventanilla única", "adapted_from": [inspiration.pk]}
    )
    services.submit_revision(revision, by=focal_b)
    services.publish_revision(revision, by=moderator)
    adapted = Practice.objects.get(title="Ventanilla única")
    assert list(adapted.adapted_from.all()) == [inspiration]
    assert list(inspiration.adapted_by.all()) == [adapted]


def test_taxonomies_are_seeded_in_three_languages(db):
    pillars = Theme.objects.filter(is_pillar=True).order_by("position")
    assert [theme.slug for theme in pillars] == ["access-to-finance", "digital-transformation", "green-transition"]
    assert pillars[0].name_fr == "Accès au financement" and pillars[0].name_es == "Acceso a la financiación"


def test_a_discarded_draft_cannot_come_back_beside_another_open_version(published, contributor_a, moderator):
    first = services.start_revision(published.practice, by=contributor_a)
    services.discard_revision(first, by=contributor_a)
    second = services.start_revision(published.practice, by=contributor_a)
    with pytest.raises(ValidationError, match="Another version"):
        services.restore_discarded_revision(first, by=moderator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("discarded", "draft")
