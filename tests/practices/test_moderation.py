"""ITC moderation through HTTP, and what the public sees."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from practices import services
from practices.models import Practice, PracticeRevision
from tests.conftest import edit_base

CONTENT = {
    "title": "SME credit guarantee",
    "summary": "Half of each SME loan guaranteed by the state.",
    "description": "The **guarantee** fund covers 50 % of the loan.",
    "level": "national",
    "themes": ["access-to-finance"],
    "instruments": ["guarantee-credit-line"],
    "contact_name": "Jane Desk",
    "contact_email": "jane.desk@example.org",
}


@pytest.fixture
def in_review(country_a, contributor_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    return services.submit_revision(revision, by=contributor_a)


def test_queue_lists_submissions_oldest_first_and_filters_by_region(client, moderator, in_review, country_b, focal_b):
    _practice, later = services.create_practice(country_b, by=focal_b, content={**CONTENT, "title": "Garantía pyme"})
    services.submit_revision(later, by=focal_b)
    client.force_login(moderator)
    response = client.get(reverse("practices:review_queue"))
    assert [revision.title for revision in response.context["revisions"]] == ["SME credit guarantee", "Garantía pyme"]
    response = client.get(reverse("practices:review_queue"), {"region": "americas"})
    assert [revision.title for revision in response.context["revisions"]] == ["Garantía pyme"]


def test_moderator_requests_changes_with_a_comment(client, moderator, in_review):
    client.force_login(moderator)
    url = reverse("practices:review_request_changes", kwargs={"pk": in_review.pk})
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["decision_form"].errors
    in_review.refresh_from_db()
    assert in_review.status == "submitted"
    response = client.post(url, {"comment": "Add results, please."})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "changes_requested"
    assert in_review.events.get(action="changes_requested").note == "Add results, please."


def test_moderator_publishes_with_an_evidence_label_and_the_public_sees_it(client, moderator, in_review):
    client.force_login(moderator)
    client.post(reverse("practices:review_publish", kwargs={"pk": in_review.pk}), {"evidence_label": "monitored", "note": ""})
    practice = Practice.objects.get()
    assert practice.status == "published" and practice.evidence_label == "monitored"
    client.logout()
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk})).content.decode()
    assert "SME credit guarantee" in page and "<strong>guarantee</strong>" in page and "Monitored" in page
    # The contact person is for signed-in delegates and staff only.
    assert "jane.desk@example.org" not in page
    country_page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert "SME credit guarantee" in country_page and "Access to finance" in country_page


def test_signed_in_delegates_see_the_contact_person(client, moderator, in_review, contributor_b):
    services.publish_revision(in_review, by=moderator)
    client.force_login(contributor_b)
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": in_review.practice_id})).content.decode()
    assert "jane.desk@example.org" in page


def test_rejection_needs_a_reason(client, moderator, in_review):
    client.force_login(moderator)
    url = reverse("practices:review_reject", kwargs={"pk": in_review.pk})
    assert client.post(url, {"reason": "  "}).status_code == 200
    client.post(url, {"reason": "Out of scope."})
    in_review.refresh_from_db()
    assert in_review.status == "rejected"


def test_deciding_twice_is_refused_with_a_message(client, moderator, in_review):
    client.force_login(moderator)
    client.post(reverse("practices:review_publish", kwargs={"pk": in_review.pk}), {})
    response = client.post(reverse("practices:review_reject", kwargs={"pk": in_review.pk}), {"reason": "Late"}, follow=True)
    assert "not possible" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "approved"


def test_review_of_a_new_version_shows_the_changes(client, moderator, in_review, contributor_a):
    services.publish_revision(in_review, by=moderator)
    revision = services.start_revision(in_review.practice, by=contributor_a)
    services.save_revision(
        revision, by=contributor_a, changes={**revision.content, "summary": "Sixty per cent of each SME loan guaranteed by the state.", "themes": ["access-to-finance", "green-transition"]}
    )
    services.submit_revision(revision, by=contributor_a)
    client.force_login(moderator)
    response = client.get(reverse("practices:review", kwargs={"pk": revision.pk}))
    changes = {change["field"]: change["segments"] for change in response.context["changes"]}
    assert set(changes) == {"summary", "themes"}
    assert ("removed", "Half") in changes["summary"] and ("added", "Sixty per cent") in changes["summary"]
    assert changes["themes"] == [("same", "Access to finance"), ("same", ", "), ("added", "Green transition")]
    html = response.content.decode()
    assert "<del>" in html and "<ins>" in html


def test_a_field_sent_back_untouched_by_the_browser_is_not_a_change(client, moderator, country_a, contributor_a):
    """Browsers send text areas with CRLF line ends; a description the team did not touch is no change."""
    _practice, first = services.create_practice(
        country_a, by=contributor_a, content={**CONTENT, "description": "First line.\n\n- one\n- two"}
    )
    services.submit_revision(first, by=contributor_a)
    services.publish_revision(first, by=moderator)
    client.force_login(contributor_a)
    client.post(reverse("practices:practice_revise", kwargs={"iso2": "KE", "pk": first.practice_id}))
    form = {**CONTENT, "description": "First line.\r\n\r\n- one\r\n- two", "summary": "Sixty per cent guaranteed."}
    form.update(original_language="en", base=edit_base(first.practice), submit="")
    response = client.post(reverse("practices:practice_edit", kwargs={"iso2": "KE", "pk": first.practice_id}), form)
    assert response.status_code == 302
    second = first.practice.revisions.get(number=2)
    assert second.status == "submitted" and second.content["description"] == "First line.\n\n- one\n- two"
    client.force_login(moderator)
    response = client.get(reverse("practices:review", kwargs={"pk": second.pk}))
    assert [change["field"] for change in response.context["changes"]] == ["summary"]


def test_nothing_unpublished_is_public(client, in_review, country_a):
    practice = in_review.practice
    assert client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk})).status_code == 404
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert "SME credit guarantee" not in page and "0 published practices" in page


def test_archived_practice_leaves_the_public_pages(client, moderator, in_review, focal_a):
    services.publish_revision(in_review, by=moderator)
    services.archive_practice(in_review.practice, by=focal_a)
    assert client.get(reverse("practices:practice_detail", kwargs={"pk": in_review.practice_id})).status_code == 404
    assert "SME credit guarantee" not in client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()


def test_a_pending_edit_does_not_change_the_public_page(client, moderator, in_review, contributor_a):
    services.publish_revision(in_review, by=moderator)
    revision = services.start_revision(in_review.practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "title": "Unreviewed title"})
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": in_review.practice_id})).content.decode()
    assert "Unreviewed title" not in page and "SME credit guarantee" in page


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_review_queue_and_country_page_keep_a_constant_number_of_queries(
    client, moderator, country_a, contributor_a, django_assert_max_num_queries
):
    for number in range(10):
        _practice, revision = services.create_practice(country_a, by=contributor_a, content={**CONTENT, "title": f"P{number}"})
        services.submit_revision(revision, by=contributor_a)
        if number % 2:
            services.publish_revision(revision, by=moderator)
    client.force_login(moderator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("practices:review_queue")).status_code == 200
    client.logout()
    # The profile, its practices by theme, and the country's meetings, presentations, endorsement and stories.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"}))
    assert response.context["practice_count"] == 5
    assert sum(len(entry["links"]) for entry in response.context["themes"]) == 5


def test_public_page_marks_the_language_of_the_write_up(client, moderator, in_review, contributor_a):
    services.publish_revision(in_review, by=moderator)
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": in_review.practice_id}).replace("/en/", "/es/")).content.decode()
    assert '<html lang="es">' in page and '<h1 lang="en">SME credit guarantee</h1>' in page


def test_staff_dashboard_shows_moderation_figures(client, moderator, country_a, contributor_a):
    from datetime import timedelta

    from django.utils import timezone

    for days_waited, decide in [(2, True), (4, True), (10, True), (6, False)]:
        _practice, revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
        services.submit_revision(revision, by=contributor_a)
        if decide:
            services.publish_revision(revision, by=moderator)
        submitted = timezone.now() - timedelta(days=days_waited)
        PracticeRevision.objects.filter(pk=revision.pk).update(submitted_at=submitted)
    client.force_login(moderator)
    figures = client.get(reverse("countries:staff_dashboard")).context["moderation"]
    assert figures["open_reviews"] == 1 and figures["oldest_waiting_days"] == 6
    assert figures["median_days_to_decision"] == 4.0 and figures["decisions_counted"] == 3


def test_queue_filters_by_country_and_theme(client, moderator, in_review, country_b, focal_b):
    _practice, other = services.create_practice(country_b, by=focal_b, content={**CONTENT, "title": "Compras públicas", "themes": ["public-procurement"]})
    services.submit_revision(other, by=focal_b)
    client.force_login(moderator)
    titles = lambda **query: [r.title for r in client.get(reverse("practices:review_queue"), query).context["revisions"]]  # noqa: E731
    assert titles(country="co") == ["Compras públicas"]
    assert titles(theme="access-to-finance") == ["SME credit guarantee"]
    assert titles(theme="public-procurement", country="KE") == []


def test_a_moderator_takes_a_review_on_and_another_can_take_it_over(client, moderator, in_review):
    from countries.models import MODERATORS_GROUP
    from django.contrib.auth.models import Group
    from tests.conftest import make_user

    client.force_login(moderator)
    client.post(reverse("practices:review_claim", kwargs={"pk": in_review.pk}))
    in_review.refresh_from_db()
    assert in_review.claimed_by == moderator
    assert client.get(reverse("practices:review_queue")).content.decode().count("Maria Moderator") == 1
    colleague = make_user("colleague@itc.example", full_name="Carla Colleague", is_staff=True)
    colleague.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    services.claim_review(in_review, by=colleague)
    in_review.refresh_from_db()
    assert in_review.claimed_by == colleague
    assert in_review.practice.events.filter(action="claimed").count() == 2


def test_only_a_version_in_review_can_be_taken_on(moderator, country_a, contributor_a, focal_a):
    from django.core.exceptions import PermissionDenied, ValidationError

    _practice, draft = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    with pytest.raises(ValidationError):
        services.claim_review(draft, by=moderator)
    with pytest.raises(PermissionDenied):
        services.claim_review(draft, by=focal_a)


# --- Correcting the tags ---


def test_moderator_corrects_the_tags_and_the_published_practice_carries_them(client, moderator, in_review, focal_a):
    client.force_login(moderator)
    url = reverse("practices:review_tags", kwargs={"pk": in_review.pk})
    response = client.post(
        url, {"themes": ["access-to-finance", "women-youth-entrepreneurship"], "instruments": ["guarantee-credit-line"], "target_groups": ["women-led"]}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "submitted"  # still in review: correcting is not deciding
    assert in_review.content["themes"] == ["access-to-finance", "women-youth-entrepreneurship"]
    assert in_review.content["target_groups"] == ["women-led"]
    event = in_review.events.get(action="tags_corrected")
    assert event.actor == moderator
    assert event.note.splitlines() == ["+ Women's and youth entrepreneurship", "+ Women-led businesses"]
    # The team reads the correction in its history.
    client.force_login(focal_a)
    page = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": in_review.practice.pk})).content.decode()
    assert "Tags corrected by ITC" in page
    client.force_login(moderator)
    client.post(reverse("practices:review_publish", kwargs={"pk": in_review.pk}), {"evidence_label": "", "note": ""})
    practice = Practice.objects.get()
    assert sorted(practice.themes.values_list("slug", flat=True)) == ["access-to-finance", "women-youth-entrepreneurship"]


def test_removing_every_theme_or_an_unknown_term_is_refused_next_to_the_field(client, moderator, in_review):
    client.force_login(moderator)
    url = reverse("practices:review_tags", kwargs={"pk": in_review.pk})
    response = client.post(url, {"themes": [], "instruments": ["guarantee-credit-line"]})
    assert response.status_code == 200
    assert response.context["tags_form"].errors["themes"] == ["A practice needs at least one theme."]
    response = client.post(url, {"themes": ["no-such-theme"]})
    assert response.status_code == 200
    assert "themes" in response.context["tags_form"].errors
    in_review.refresh_from_db()
    assert in_review.content["themes"] == ["access-to-finance"]
    assert not in_review.events.filter(action="tags_corrected").exists()


def test_tags_of_a_version_not_in_review_cannot_be_corrected(moderator, contributor_a, country_a):
    from django.core.exceptions import ValidationError

    _practice, draft = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    with pytest.raises(ValidationError):
        services.correct_tags(draft, by=moderator, tags={"themes": ["green-transition"]})
    with pytest.raises(PermissionDenied):
        services.correct_tags(draft, by=contributor_a, tags={"themes": ["green-transition"]})
    draft.refresh_from_db()
    assert draft.content["themes"] == ["access-to-finance"]


def test_unchanged_tags_record_nothing(moderator, in_review):
    services.correct_tags(in_review, by=moderator, tags={"themes": ["access-to-finance"]})
    assert not in_review.events.filter(action="tags_corrected").exists()


# --- Staff bring back what was archived or discarded ---


def test_staff_restore_an_archived_practice_from_its_workspace_page(client, moderator, in_review, focal_a, contributor_a):
    services.publish_revision(in_review, by=moderator)
    services.archive_practice(in_review.practice, by=focal_a, note="Replaced by the 2026 scheme.")
    workspace_url = reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": in_review.practice_id})
    restore_url = reverse("practices:practice_restore", kwargs={"iso2": "KE", "pk": in_review.practice_id})
    client.force_login(contributor_a)
    assert restore_url not in client.get(workspace_url).content.decode()  # a contributor cannot restore
    client.force_login(moderator)
    assert restore_url in client.get(workspace_url).content.decode()
    response = client.post(restore_url, {"note": "Still running, per the ministry."})
    assert response.status_code == 302 and response.url == workspace_url
    practice = Practice.objects.get()
    assert practice.status == "published"
    assert practice.events.filter(action="restored", actor=moderator, note="Still running, per the ministry.").exists()
    client.logout()
    assert client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk})).status_code == 200
    # Restoring twice is refused with a message and changes nothing.
    client.force_login(moderator)
    response = client.post(restore_url, follow=True)
    assert "Only an archived practice can be restored." in response.content.decode()
    assert practice.events.filter(action="restored").count() == 1


def test_staff_bring_a_discarded_draft_back(client, moderator, country_a, contributor_a):
    practice, draft = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    services.discard_revision(draft, by=contributor_a)
    workspace_url = reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk})
    restore_url = reverse("practices:revision_restore", kwargs={"pk": draft.pk})
    client.force_login(moderator)
    assert restore_url in client.get(workspace_url).content.decode()
    response = client.post(restore_url)
    assert response.status_code == 302 and response.url == workspace_url
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.events.filter(action="draft_restored", actor=moderator).exists()
    # The team writes in it again.
    client.force_login(contributor_a)
    response = client.get(reverse("practices:practice_edit", kwargs={"iso2": "KE", "pk": practice.pk}))
    assert response.status_code == 200 and response.context["revision"] == draft


def test_a_discarded_draft_is_not_brought_back_over_an_open_version(client, moderator, in_review, contributor_a):
    services.publish_revision(in_review, by=moderator)
    second = services.start_revision(in_review.practice, by=contributor_a)
    services.discard_revision(second, by=contributor_a)
    third = services.start_revision(in_review.practice, by=contributor_a)
    client.force_login(moderator)
    response = client.post(reverse("practices:revision_restore", kwargs={"pk": second.pk}), follow=True)
    assert "Another version of this practice is open" in response.content.decode()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("discarded", "draft")


def test_the_review_page_lists_the_versions_documents_openable_and_marks_the_new_ones(
    client, moderator, country_a, contributor_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    practice, first = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    report = services.add_attachment(first, by=contributor_a, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"), title="Evaluation report")
    services.submit_revision(first, by=contributor_a)
    services.publish_revision(first, by=moderator)
    revision = services.start_revision(practice, by=contributor_a)
    annex = services.add_attachment(revision, by=contributor_a, upload=SimpleUploadedFile("annex.pdf", b"%PDF-1.4\n%%EOF\n"), title="Annex")
    services.submit_revision(revision, by=contributor_a)
    client.force_login(moderator)
    html = client.get(reverse("practices:review", kwargs={"pk": revision.pk})).content.decode()
    documents = re.search(r'<section aria-labelledby="documents-title">(.*?)</section>', html, re.S).group(1)
    for document in (report, annex):
        link = reverse("practices:attachment_download", kwargs={"iso2": "KE", "pk": practice.pk, "attachment_id": document.pk})
        assert f'href="{link}"' in documents
        assert client.get(link).status_code == 200  # the moderator opens it from here
    assert documents.count("new in this version") == 1
    assert re.search(r"Annex</a>.*?new in this version", documents, re.S)


def test_a_resubmission_shows_what_changed_since_the_moderators_request_beside_the_full_diff(client, moderator, in_review, contributor_a):
    services.publish_revision(in_review, by=moderator)
    revision = services.start_revision(in_review.practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "summary": "Sixty per cent guaranteed."})
    services.submit_revision(revision, by=contributor_a)
    services.request_changes(revision, by=moderator, comment="Say since when the guarantee applies.")
    revision.refresh_from_db()
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "description": "Since 2021 the fund covers 60 % of the loan."})
    services.submit_revision(revision, by=contributor_a)

    client.force_login(moderator)
    html = client.get(reverse("practices:review", kwargs={"pk": revision.pk})).content.decode()
    since = re.search(r'<section aria-labelledby="since-request-title">(.*?)</section>', html, re.S).group(1)
    assert "Say since when the guarantee applies." in since
    # Only what the team changed after the request: the description, not the summary changed before it.
    assert "<h3>Description</h3>" in since and "2021" in since
    assert "Sixty" not in since and "<h3>Summary</h3>" not in since
    # The full comparison with the published version is still there, with both changes.
    full = re.search(r'<section aria-labelledby="diff-title">(.*?)</section>', html, re.S).group(1)
    assert "Sixty" in full and "2021" in full


def test_a_first_submission_has_no_changes_since_a_request(client, moderator, in_review):
    client.force_login(moderator)
    html = client.get(reverse("practices:review", kwargs={"pk": in_review.pk})).content.decode()
    assert "since-request-title" not in html


def test_the_team_answers_the_moderators_comment_when_it_resubmits_and_the_moderator_reads_it(client, moderator, in_review, contributor_a):
    from tests.conftest import edit_base

    services.request_changes(in_review, by=moderator, comment="Say since when the guarantee applies.")
    practice = in_review.practice
    client.force_login(contributor_a)
    edit = reverse("practices:practice_edit", kwargs={"iso2": "KE", "pk": practice.pk})
    page = client.get(edit).content.decode()
    assert 'name="answer"' in page  # offered with the comment
    form = {**CONTENT, "original_language": "en", "base": edit_base(practice), "submit": ""}
    form["description"] = "Since 2021 the fund covers 50 % of the loan."
    response = client.post(edit, {**form, "answer": "We added the start year (2021).\x00"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.is_resubmission
    event = in_review.events.get(action=services.ReviewEvent.Action.RESUBMITTED)
    assert event.note == "We added the start year (2021)."

    client.force_login(moderator)
    html = client.get(reverse("practices:review", kwargs={"pk": in_review.pk})).content.decode()
    since = re.search(r'<section aria-labelledby="since-request-title">(.*?)</section>', html, re.S).group(1)
    assert "We added the start year (2021)." in since and "Collins Contributor" in since


def test_a_first_submission_offers_no_answer_field(client, country_a, contributor_a):
    practice, _revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    client.force_login(contributor_a)
    page = client.get(reverse("practices:practice_edit", kwargs={"iso2": "KE", "pk": practice.pk})).content.decode()
    assert 'name="answer"' not in page
