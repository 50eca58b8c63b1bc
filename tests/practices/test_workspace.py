"""A country's practices in its workspace, through HTTP as its team uses them."""

import pytest
from django.urls import reverse

from practices import services
from practices.models import Practice, PracticeRevision, ReviewEvent
from tests.conftest import edit_base

FORM = {
    "title": "Credit guarantee for women-led SMEs",
    "summary": "A public guarantee covers half of each loan.",
    "description": "Banks lend with a **50 %** guarantee.\n\n<script>alert(1)</script>",
    "level": "national",
    "themes": ["access-to-finance"],
    "instruments": ["guarantee-credit-line"],
    "target_groups": ["women-led"],
    "indicators": "Loans guaranteed | 3,200 | 2024",
    "links": "https://example.org/guarantee",
    "start_year": "2021",
    "original_language": "en",
}


def url(name, **kwargs):
    return reverse(f"practices:{name}", kwargs={"iso2": "KE", **kwargs})


def test_contributor_writes_a_draft_and_nothing_is_public(client, contributor_a, country_a):
    client.force_login(contributor_a)
    response = client.post(url("practice_create"), {**FORM, "save": ""})
    practice = Practice.objects.get()
    assert response["Location"] == url("workspace_detail", pk=practice.pk)
    revision = practice.revisions.get()
    assert revision.status == "draft"
    assert revision.content["indicators"] == [{"name": "Loans guaranteed", "value": "3,200", "year": 2024}]
    assert revision.content["themes"] == ["access-to-finance"] and revision.content["start_year"] == 2021
    assert not Practice.objects.published().exists()
    page = client.get(url("workspace_detail", pk=practice.pk)).content.decode()
    # Markdown is rendered and raw HTML made harmless.
    assert "<strong>50 %</strong>" in page and "<script>alert(1)</script>" not in page
    assert "Access to finance" in page


def test_save_and_submit_sends_a_complete_practice_for_review(client, contributor_a):
    client.force_login(contributor_a)
    client.post(url("practice_create"), {**FORM, "submit": ""})
    assert PracticeRevision.objects.get().status == "submitted"


def test_submitting_an_incomplete_practice_keeps_the_text_and_marks_the_missing_fields(client, contributor_a):
    client.force_login(contributor_a)
    response = client.post(url("practice_create"), {"title": "Only a title", "description": "Long text I wrote.", "original_language": "en", "submit": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"summary", "level", "themes"}
    revision = PracticeRevision.objects.get()
    assert revision.status == "draft" and revision.content["description"] == "Long text I wrote."
    # The form now saves into the practice just created, not into a new one.
    assert f'action="{url("practice_edit", pk=revision.practice_id)}"' in response.content.decode()


def test_bad_input_is_refused_next_to_the_field_and_saves_nothing(client, contributor_a):
    client.force_login(contributor_a)
    response = client.post(
        url("practice_create"),
        {**FORM, "title": "", "links": "javascript:alert(1)", "indicators": "only a name", "start_year": "2024", "end_year": "2020"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "links", "indicators", "end_year"}
    assert not Practice.objects.exists()


def test_a_year_or_address_the_record_cannot_hold_is_refused_next_to_its_field(client, contributor_a):
    client.force_login(contributor_a)
    response = client.post(
        url("practice_create"),
        # A year of 5,000 digits is more than Python turns into a number; the database keeps 254 characters of e-mail.
        {**FORM, "indicators": "Firms | 10 | " + "9" * 5000, "contact_email": "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".example.org", "save": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["indicators"] == ["Line 1: the year must be between 1950 and 2100."]
    assert "at most 254 characters" in errors["contact_email"][0]
    assert not Practice.objects.exists()


def test_team_answers_requested_changes(client, contributor_a, moderator, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "themes": ["access-to-finance"], "indicators": [], "links": [], "start_year": 2021})
    services.submit_revision(revision, by=contributor_a)
    services.request_changes(revision, by=moderator, comment="Please add the budget.")
    client.force_login(contributor_a)
    page = client.get(url("practice_edit", pk=practice.pk)).content.decode()
    assert "Please add the budget." in page
    client.post(url("practice_edit", pk=practice.pk), {**FORM, "implementation": "USD 10 million.", "base": edit_base(practice), "submit": ""})
    revision.refresh_from_db()
    assert revision.status == "resubmitted" and revision.content["implementation"] == "USD 10 million."


def test_a_version_in_review_cannot_be_edited_through_the_form(client, contributor_a, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "indicators": [], "links": [], "start_year": 2021})
    services.submit_revision(revision, by=contributor_a)
    client.force_login(contributor_a)
    response = client.post(url("practice_edit", pk=practice.pk), {**FORM, "title": "Changed in review", "base": edit_base(practice)})
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.content["title"] == FORM["title"]


def test_published_practice_gets_a_new_version_and_stays_public(client, contributor_a, moderator, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "indicators": [], "links": [], "start_year": 2021})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    client.force_login(contributor_a)
    response = client.post(url("practice_revise", pk=practice.pk))
    assert response["Location"] == url("practice_edit", pk=practice.pk)
    client.post(url("practice_edit", pk=practice.pk), {**FORM, "title": "Guarantee 2.0", "base": edit_base(practice), "save": ""})
    practice.refresh_from_db()
    assert practice.title == FORM["title"] and practice.status == "published"
    assert practice.revisions.get(number=2).content["title"] == "Guarantee 2.0"


def test_discarding_keeps_the_draft(client, contributor_a, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={"title": "Maybe"})
    client.force_login(contributor_a)
    client.post(url("practice_discard", pk=practice.pk))
    revision.refresh_from_db()
    assert revision.status == "discarded"
    assert ReviewEvent.objects.filter(action="discarded", actor=contributor_a).exists()


def test_only_focal_points_archive(client, contributor_a, focal_a, moderator, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "indicators": [], "links": [], "start_year": 2021})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    client.force_login(contributor_a)
    assert client.post(url("practice_archive", pk=practice.pk)).status_code == 403
    client.force_login(focal_a)
    client.post(url("practice_archive", pk=practice.pk), {"note": "Programme ended."})
    practice.refresh_from_db()
    assert practice.status == "archived"
    assert practice.events.get(action="archived").note == "Programme ended."


def test_another_country_sees_nothing_of_country_a_practices(client, contributor_a, contributor_b, focal_b, country_a):
    practice, _revision = services.create_practice(country_a, by=contributor_a, content={"title": "Secret draft"})
    client.force_login(focal_b)
    # Through country A's workspace: not found.
    assert client.get(url("workspace_detail", pk=practice.pk)).status_code == 404
    # Through its own workspace, with country A's practice id: not found either.
    for name in ["workspace_detail", "practice_edit"]:
        assert client.get(reverse(f"practices:{name}", kwargs={"iso2": "CO", "pk": practice.pk})).status_code == 404
    for name in ["practice_submit", "practice_discard", "practice_revise", "practice_archive"]:
        assert client.post(reverse(f"practices:{name}", kwargs={"iso2": "CO", "pk": practice.pk})).status_code == 404
    assert "Secret draft" not in client.get(reverse("practices:workspace_list", kwargs={"iso2": "CO"})).content.decode()
    assert PracticeRevision.objects.get().status == "draft"


def test_practice_list_keeps_a_constant_number_of_queries(client, contributor_a, country_a, moderator, django_assert_max_num_queries):
    for number in range(12):
        practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "title": f"Practice {number}", "indicators": [], "links": [], "start_year": 2021})
        if number % 3 == 0:
            services.submit_revision(revision, by=contributor_a)
        if number % 6 == 0:
            services.publish_revision(revision, by=moderator)
    client.force_login(contributor_a)
    with django_assert_max_num_queries(8):
        response = client.get(url("workspace_list"))
    groups = {group["key"]: len(group["practices"]) for group in response.context["groups"]}
    assert groups == {"writing": 8, "review": 2, "published": 2, "archived": 0, "closed": 0}


def test_staff_enter_a_practice_on_a_countrys_behalf(client, moderator, country_a):
    client.force_login(moderator)
    client.post(url("practice_create"), {**FORM, "save": ""})
    practice = Practice.objects.get()
    assert practice.entered_by_itc and practice.owner == country_a
    assert "ITC, on the country's behalf" in client.get(url("workspace_detail", pk=practice.pk)).content.decode()


def test_a_practice_names_the_peer_practices_that_inspired_it(client, contributor_b, focal_b, moderator, contributor_a, country_a):
    inspiration, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "indicators": [], "links": [], "start_year": 2021})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    client.force_login(focal_b)
    create = reverse("practices:practice_create", kwargs={"iso2": "CO"})
    form = client.get(create).context["form"]
    assert list(form.fields["adapted_from"].queryset) == [inspiration]
    client.post(create, {**FORM, "title": "Garantía para mujeres empresarias", "adapted_from": [inspiration.pk], "submit": ""})
    adapted_revision = PracticeRevision.objects.get(content__title="Garantía para mujeres empresarias")
    assert adapted_revision.content["adapted_from"] == [inspiration.pk]
    services.publish_revision(adapted_revision, by=moderator)
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": inspiration.pk})).content.decode()
    assert "Adapted by:" in page and "Garantía para mujeres empresarias" in page
    # A country's own practices are not offered: peer learning is between countries.
    client.force_login(contributor_a)
    offered = client.get(reverse("practices:practice_create", kwargs={"iso2": "KE"})).context["form"].fields["adapted_from"].queryset
    assert inspiration not in offered


def test_owner_focal_point_shares_a_practice_with_a_co_owner_country(client, focal_a, contributor_a, focal_b, contributor_b, moderator, country_a, country_b):
    practice, revision = services.create_practice(country_a, by=contributor_a, content={**FORM, "indicators": [], "links": [], "start_year": 2021})
    propose = url("share_propose", pk=practice.pk)
    client.force_login(contributor_a)
    assert client.post(propose, {"country": "CO"}).status_code == 403
    client.force_login(focal_a)
    response = client.post(propose, {"country": "SN"})  # Senegal holds no account: not offered
    assert response.status_code == 200 and "country" in response.context["co_owner_form"].errors
    assert client.post(propose, {"country": "CO"}).status_code == 302
    assert practice.events.filter(action="co_owner_proposed", actor=focal_a, note="Colombia").exists()
    # Colombia's focal point accepts; Colombia's team now sees and edits it from its own workspace...
    client.force_login(focal_b)
    client.post(reverse("practices:share_accept", kwargs={"iso2": "CO", "share_id": practice.co_ownerships.get().pk}))
    assert list(practice.co_owners.all()) == [country_b]
    client.force_login(contributor_b)
    colombia = {"iso2": "CO", "pk": practice.pk}
    assert client.get(reverse("practices:workspace_detail", kwargs=colombia)).status_code == 200
    client.post(reverse("practices:practice_edit", kwargs=colombia), {**FORM, "title": "Shared guarantee", "base": edit_base(practice), "submit": ""})
    revision.refresh_from_db()
    assert revision.content["title"] == "Shared guarantee" and revision.status == "submitted"
    # ...but removing a co-owner is the owner's decision (a co-owner leaves instead).
    client.force_login(focal_b)
    remove = reverse("practices:co_owner_remove", kwargs={**colombia, "co_owner": "CO"})
    assert client.post(remove).status_code == 403
    services.publish_revision(revision, by=moderator)
    assert "Shared guarantee" in client.get(reverse("countries:country_detail", kwargs={"iso2": "CO"})).content.decode()
    client.force_login(focal_a)
    client.post(url("co_owner_remove", pk=practice.pk, co_owner="CO"))
    assert not practice.co_owners.exists()
    client.force_login(contributor_b)
    assert client.get(reverse("practices:workspace_detail", kwargs=colombia)).status_code == 404


def test_the_practice_form_shows_every_field_once_in_its_sections(client, contributor_a):
    from practices.forms import PracticeForm

    visible = [name for name, field in PracticeForm.base_fields.items() if not field.widget.is_hidden]
    names = [name for _legend, fields in PracticeForm.SECTIONS for name in fields]
    assert sorted(names) == sorted(visible)
    client.force_login(contributor_a)
    page = client.get(reverse("practices:practice_create", kwargs={"iso2": "KE"})).content.decode()
    assert page.count('class="form-section"') == 3
    for name in visible:
        assert page.count(f'name="{name}"') >= 1
