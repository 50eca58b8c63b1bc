"""What a delegate gives is never lost: a save changes only what it edits, and a form opened before
someone else's save does not overwrite it unseen. Driven through HTTP, posting what the page's own
form holds, as a browser does."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices import services
from practices.models import Practice, RevisionSave
from tests.fuzz_strategies import read_forms

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT = {
    "title": "Credit guarantee for women-led SMEs",
    "summary": "Half of each loan guaranteed.",
    "description": "Banks lend with a guarantee.",
    "level": "national",
    "themes": ["access-to-finance"],
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def workspace(name, practice, **kwargs):
    return reverse(f"practices:{name}", kwargs={"iso2": practice.owner.iso2, "pk": practice.pk, **kwargs})


def form_values(html):
    """The edit form of a page as a browser sends it back untouched: {name: value or list of values}."""
    (form,) = [form for form in read_forms(html) if form.action.endswith("/edit/")]
    data = {}
    for name, field in form.fields.items():
        if field.kind == "button":
            continue
        value = field.initial if field.multiple else (field.initial[0] if field.initial else "")
        if field.kind == "textarea" and value.startswith("\n"):
            value = value[1:]  # a browser drops the line break that follows <textarea>
        data[name] = value
    return data


def open_form(client, practice):
    page = client.get(workspace("practice_edit", practice))
    assert page.status_code == 200
    return form_values(page.content.decode())


def post_form(client, practice, data, button="save", **changes):
    return client.post(workspace("practice_edit", practice), {**data, **changes, button: ""})


def add_document(client, practice, title):
    response = client.post(
        workspace("attachment_add", practice), {"title": title, "file": SimpleUploadedFile("report.pdf", PDF)}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def draft(country, user):
    practice, revision = services.create_practice(country, by=user, content=CONTENT)
    return practice, revision


def test_saving_the_draft_from_its_form_keeps_its_documents(client, contributor_a, country_a):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    add_document(client, practice, "Evaluation report")
    response = post_form(client, practice, open_form(client, practice), summary="A shorter summary.")
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.content["summary"] == "A shorter summary."
    assert [a.title for a in practice.files.filter(pk__in=revision.content["attachments"])] == ["Evaluation report"]
    assert "Evaluation report" in client.get(workspace("workspace_detail", practice)).content.decode()


def test_documents_reach_the_public_through_changes_requested_resubmission_and_a_new_version(
    client, contributor_a, moderator, country_a
):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    add_document(client, practice, "Evaluation report")
    services.submit_revision(revision, by=contributor_a)
    services.request_changes(revision, by=moderator, comment="Add the budget.")
    post_form(client, practice, open_form(client, practice), button="submit", implementation="USD 10 million.")
    revision.refresh_from_db()
    assert revision.status == "resubmitted"
    services.publish_revision(revision, by=moderator)

    def public_documents():
        api = json.loads(client.get(f"/api/practices/{practice.pk}/").content)
        page = client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk})).content.decode()
        return [document["title"] for document in api["documents"]], page

    titles, page = public_documents()
    assert titles == ["Evaluation report"] and "Evaluation report" in page
    # A typo fixed in a new version keeps the published documents.
    client.post(workspace("practice_revise", practice))
    post_form(client, practice, open_form(client, practice), button="submit", title="Credit guarantee for women-led SMEs (2024)")
    second = practice.revisions.get(number=2)
    services.publish_revision(second, by=moderator)
    titles, page = public_documents()
    assert titles == ["Evaluation report"] and "Evaluation report" in page
    assert Practice.objects.get(pk=practice.pk).title.endswith("(2024)")


def test_a_save_from_a_stale_form_is_refused_shows_the_other_text_and_keeps_what_was_typed(
    client, contributor_a, focal_a, country_a
):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(focal_a)
    focal_form = open_form(client, practice)  # opened first, saved last
    client.force_login(contributor_a)
    post_form(client, practice, open_form(client, practice), summary="The contributor's careful new summary.")
    saves = RevisionSave.objects.filter(revision=revision).count()

    client.force_login(focal_a)
    response = post_form(client, practice, focal_form, description="The focal point's new description.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Collins Contributor saved this version" in page
    assert "The contributor&#x27;s careful new summary." in page or "The contributor's careful new summary." in page
    assert "The focal point&#x27;s new description." in page or "The focal point's new description." in page
    assert set(response.context["form"].errors) == {"__all__", "summary"}
    revision.refresh_from_db()
    assert revision.content["summary"] == "The contributor's careful new summary."
    assert revision.content["description"] == CONTENT["description"]
    assert RevisionSave.objects.filter(revision=revision).count() == saves

    # Having seen it, the focal point saves again from the form as returned: now it is their choice.
    again = form_values(page)
    assert again["description"] == "The focal point's new description."
    assert post_form(client, practice, again).status_code == 302
    revision.refresh_from_db()
    assert revision.content["description"] == "The focal point's new description."
    # Their summary, from the form opened before, replaced the contributor's: still kept in the history.
    kept = [save.content["summary"] for save in RevisionSave.objects.filter(revision=revision)]
    assert "The contributor's careful new summary." in kept


def test_a_second_click_on_the_same_form_is_not_a_conflict(client, contributor_a, country_a):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    form = open_form(client, practice)
    assert post_form(client, practice, form, summary="Twice.").status_code == 302
    assert post_form(client, practice, form, summary="Twice.").status_code == 302
    revision.refresh_from_db()
    assert revision.content["summary"] == "Twice."


def test_a_document_added_meanwhile_does_not_make_the_text_form_stale(client, contributor_a, focal_a, country_a):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    form = open_form(client, practice)
    client.force_login(focal_a)
    add_document(client, practice, "Budget table")
    client.force_login(contributor_a)
    assert post_form(client, practice, form, summary="Edited meanwhile.").status_code == 302
    revision.refresh_from_db()
    assert revision.content["summary"] == "Edited meanwhile." and len(revision.content["attachments"]) == 1


def test_a_form_without_its_starting_point_saves_nothing(client, contributor_a, country_a):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    form = open_form(client, practice)
    del form["base"]
    response = post_form(client, practice, form, summary="From nowhere.")
    assert response.status_code == 200 and "base" in response.context["form"].errors
    assert "This form is out of date" in response.content.decode()
    revision.refresh_from_db()
    assert revision.content["summary"] == CONTENT["summary"]


def test_every_saved_text_stays_readable_from_the_history(client, contributor_a, focal_a, contributor_b, country_a):
    practice, revision = draft(country_a, contributor_a)
    client.force_login(contributor_a)
    post_form(client, practice, open_form(client, practice), summary="First wording.")
    post_form(client, practice, open_form(client, practice), summary="Second wording.")
    history = client.get(workspace("workspace_detail", practice)).content.decode()
    saves = list(RevisionSave.objects.filter(revision=revision).order_by("pk"))
    assert len(saves) == 3
    for save in saves:
        assert workspace("saved_text", practice, save_id=save.pk) in history
    page = client.get(workspace("saved_text", practice, save_id=saves[1].pk)).content.decode()
    assert "First wording." in page and "What this save changed" in page
    # The history of a practice is its team's: another country's member finds nothing.
    client.force_login(contributor_b)
    assert client.get(workspace("saved_text", practice, save_id=saves[1].pk)).status_code == 404
    other, _revision = draft(country_a, focal_a)
    client.force_login(contributor_a)
    # A save of another practice is not found under this one.
    assert client.get(workspace("saved_text", practice, save_id=RevisionSave.objects.filter(revision__practice=other).get().pk)).status_code == 404
