"""Writing and reviewing translations through the pages (practices/translation_views.py).

A delegate starts a translation from a published practice, writes it beside the original in their
workspace, submits it; ITC reviews it and decides through the one decision mechanism; the
translator is told. Who may write is the services' rule: the pages find a translation only from a
country that holds it (404 otherwise), and let a refusal through (403).
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from practices import services
from practices.models import TRANSLATED_FIELDS, PracticeTranslation, ReviewEvent
from tests.factories import publish_practice

pytestmark = pytest.mark.django_db

FRENCH = {
    "title": "Fonds de garantie de crédit aux PME",
    "summary": "Des garanties pour les prêts aux PME.",
    "description": "Le fonds garantit les crédits bancaires des petites entreprises.",
    "problem": "Les banques demandent trop de garanties.",
}


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    # Kenya's practice, written in English and published.
    return publish_practice(
        country_a,
        by=contributor_a,
        moderator=moderator,
        title="SME credit guarantee fund",
        summary="Guarantees for SME loans.",
        description="The fund guarantees bank loans to small firms.",
        problem="Banks ask for too much collateral.",
    )


@pytest.fixture
def volunteered(practice, focal_b):
    # A French translation of Kenya's practice, written by Colombia's focal point who volunteers.
    translation = services.start_translation(practice, by=focal_b, language="fr")
    return services.save_translation(translation, by=focal_b, text=FRENCH)


def form_data(**changes):
    """The edit form as a browser sends it: every translated field, the text as saved with the changes."""
    return {name: FRENCH.get(name, "") for name in TRANSLATED_FIELDS} | changes


def edit_url(iso2, translation):
    return reverse("practices:translation_edit", kwargs={"iso2": iso2, "pk": translation.pk})


def start_url(practice):
    return reverse("practices:translation_start", kwargs={"pk": practice.pk})


def refreshed(translation):
    return PracticeTranslation.objects.get(pk=translation.pk)


class PageCheck(HTMLParser):
    """What makes a page invalid for us: a repeated id, a form field without a label, a reference to no id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.labelled, self.fields, self.references = Counter(), set(), [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
        if tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"])
        if tag in ("input", "textarea", "select") and attributes.get("type") not in ("hidden", "submit"):
            self.fields.append(attributes)
        for name in ("aria-labelledby", "aria-describedby"):
            self.references += (attributes.get(name) or "").split()


def assert_valid_page(response):
    assert response.status_code == 200
    check = PageCheck()
    check.feed(response.content.decode())
    assert [name for name, count in check.ids.items() if count > 1] == []
    unlabelled = [field for field in check.fields if field.get("id") not in check.labelled and "aria-label" not in field]
    assert unlabelled == []
    assert [reference for reference in check.references if reference not in check.ids] == []


# --- The journey ---


def test_a_volunteer_translates_through_the_pages_and_itc_publishes(
    client, practice, focal_b, moderator, django_capture_on_commit_callbacks
):
    client.force_login(focal_b)
    response = client.post(start_url(practice), {"language": "fr"})
    translation = PracticeTranslation.objects.get(practice=practice, language="fr")
    assert response.status_code == 302 and response["Location"] == edit_url("CO", translation)
    assert translation.translated_by == focal_b and translation.volunteer_country.iso2 == "CO"

    page = client.get(edit_url("CO", translation))
    assert_valid_page(page)
    html = page.content.decode()
    # The original's text above each field, in its own language; the field in the translation's.
    assert re.search(r'<blockquote lang="en"[^>]*>Guarantees for SME loans\.</blockquote>', html)
    assert re.search(r'<input[^>]*name="title"[^>]*lang="fr"|<input[^>]*lang="fr"[^>]*name="title"', html)

    assert client.post(edit_url("CO", translation), {**form_data(), "save": ""}).status_code == 302
    assert refreshed(translation).title == FRENCH["title"]
    response = client.post(edit_url("CO", translation), {**form_data(), "submit": ""})
    assert response.status_code == 302 and refreshed(translation).is_in_review

    client.force_login(moderator)
    assert "Review 1 translation" in client.get(reverse("countries:staff_dashboard")).content.decode()
    queue = client.get(reverse("practices:translation_queue"))
    assert_valid_page(queue)
    review_url = reverse("practices:translation_review", args=[translation.pk])
    assert review_url in queue.content.decode()
    review = client.get(review_url)
    assert_valid_page(review)
    assert FRENCH["description"] in review.content.decode() and "The fund guarantees bank loans" in review.content.decode()
    assert reverse("practices:translation_publish", args=[translation.pk]) in review.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practices:translation_publish", args=[translation.pk]), {"note": "Merci."})
    assert response.status_code == 302 and response["Location"] == reverse("practices:translation_queue")
    translation = refreshed(translation)
    assert translation.is_published and translation.is_current and translation.decided_by == moderator
    actions = list(translation.events.order_by("id").values_list("action", flat=True))
    assert actions == ["translation_started", "translation_saved", "translation_submitted", "translation_published"]
    assert [message.subject for message in mail.outbox if focal_b.email in message.to] == [
        f"[SME Platform] Translation published: {FRENCH['title']}"
    ]
    # Published: nothing more to write or decide.
    page = client.get(edit_url("KE", translation))
    assert 'name="title"' not in page.content.decode()
    assert reverse("practices:translation_publish", args=[translation.pk]) not in client.get(review_url).content.decode()


def test_the_practices_workspace_page_lists_its_translations_and_offers_the_other_languages(client, practice, contributor_a, volunteered):
    client.force_login(contributor_a)
    page = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk}))
    assert_valid_page(page)
    html = page.content.decode()
    assert edit_url("KE", volunteered) in html and "volunteer from Colombia" in html
    assert "Go on with the translation into French" in html and "Translate into Spanish" in html
    assert "Translate into English" not in html  # the original's language
    # The button starts (or opens) the translation, from the team's own workspace.
    response = client.post(start_url(practice), {"language": "fr"})
    assert response["Location"] == edit_url("KE", volunteered)
    assert PracticeTranslation.objects.count() == 1


def test_an_incomplete_submission_saves_the_text_and_marks_the_missing_fields(client, practice, contributor_a):
    translation = services.start_translation(practice, by=contributor_a, language="es")
    client.force_login(contributor_a)
    data = {**dict.fromkeys(TRANSLATED_FIELDS, ""), "title": "Fondo de garantía", "submit": ""}
    response = client.post(edit_url("KE", translation), data)
    assert_valid_page(response)
    assert set(response.context["form"].errors) == {"summary", "description"}
    translation = refreshed(translation)
    assert translation.title == "Fondo de garantía" and not translation.is_in_review


def test_a_refused_decision_note_is_shown_next_to_its_field(client, practice, focal_b, moderator, volunteered):
    services.submit_translation(volunteered, by=focal_b)
    client.force_login(moderator)
    for decision, field in (("request_changes", "comment"), ("reject", "reason")):
        response = client.post(reverse(f"practices:translation_{decision}", args=[volunteered.pk]), {field: "  "})
        assert_valid_page(response)
        assert field in response.context["decision_form"].errors
        assert f'id="{decision}-{volunteered.pk}-{field}"' in response.content.decode()
        assert refreshed(volunteered).is_in_review
    assert not mail.outbox


def test_the_translator_answers_requested_changes_and_resubmits(client, practice, focal_b, moderator, volunteered):
    services.submit_translation(volunteered, by=focal_b)
    services.request_translation_changes(volunteered, by=moderator, comment="Traduisez aussi le problème.")
    client.force_login(focal_b)
    page = client.get(edit_url("CO", volunteered))
    assert "Traduisez aussi le problème." in page.content.decode()
    client.post(edit_url("CO", volunteered), {**form_data(problem="Les banques exigent trop."), "submit": ""})
    translation = refreshed(volunteered)
    assert translation.status == PracticeTranslation.Status.RESUBMITTED and translation.problem == "Les banques exigent trop."


# --- Access ---


def test_another_countrys_workspace_url_for_a_translation_is_not_found(client, practice, contributor_a, contributor_b, moderator):
    translation = services.start_translation(practice, by=contributor_a, language="fr")
    before = ReviewEvent.objects.count()
    for user in (contributor_b, moderator):
        client.force_login(user)
        assert client.get(edit_url("CO", translation)).status_code == 404
        assert client.post(edit_url("CO", translation), form_data(title="Détourné")).status_code == 404
        discard = reverse("practices:translation_discard", kwargs={"iso2": "CO", "pk": translation.pk})
        assert client.post(discard).status_code == 404
    client.force_login(contributor_b)
    assert client.get(edit_url("KE", translation)).status_code == 404  # Kenya's workspace does not exist for them
    assert ReviewEvent.objects.count() == before and refreshed(translation).title == ""
    # The control: in Kenya's workspace, staff and the team find it.
    client.force_login(moderator)
    assert client.get(edit_url("KE", translation)).status_code == 200


def test_a_colleague_of_the_volunteer_sees_the_translation_but_may_not_write_it(client, contributor_b, volunteered):
    client.force_login(contributor_b)
    page = client.get(edit_url("CO", volunteered))
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert client.post(edit_url("CO", volunteered), form_data(title="Réécrit")).status_code == 403
    assert refreshed(volunteered).title == FRENCH["title"]


def test_only_a_delegate_or_itc_starts_a_translation_of_a_published_practice(client, practice, country_a, contributor_a, outsider):
    client.force_login(outsider)
    assert client.post(start_url(practice), {"language": "fr"}).status_code == 403
    assert client.get(start_url(practice)).status_code == 405
    client.logout()
    response = client.post(start_url(practice), {"language": "fr"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(contributor_a)
    draft, _revision = services.create_practice(country_a, by=contributor_a, content={"title": "Not public yet"})
    assert client.post(start_url(draft), {"language": "fr"}).status_code == 404
    for language in ("en", "other", "de"):  # the original's language, and no working language
        response = client.post(start_url(practice), {"language": language})
        assert response.status_code == 302 and response["Location"] == reverse("practices:practice_detail", args=[practice.pk])
    assert not PracticeTranslation.objects.exists()


def test_the_translation_pages_refuse_other_methods_and_send_visitors_to_sign_in(client, volunteered, focal_b):
    url = edit_url("CO", volunteered)
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(focal_b)
    assert client.get(reverse("practices:translation_discard", kwargs={"iso2": "CO", "pk": volunteered.pk})).status_code == 405
    assert client.get(reverse("practices:translation_queue")).status_code == 403


# --- Nothing lost ---


def test_saving_an_emptied_field_changes_that_field_only(client, practice, focal_b, volunteered):
    client.force_login(focal_b)
    client.post(edit_url("CO", volunteered), {**form_data(summary=""), "save": ""})
    translation = refreshed(volunteered)
    assert translation.summary == ""
    assert {name: getattr(translation, name) for name in FRENCH if name != "summary"} == {
        name: text for name, text in FRENCH.items() if name != "summary"
    }
    assert translation.events.order_by("-id").first().note == "summary"
    # A request holding one field leaves the others as saved.
    client.post(edit_url("CO", volunteered), {"title": "Fonds de garantie", "save": ""})
    translation = refreshed(volunteered)
    assert translation.title == "Fonds de garantie" and translation.description == FRENCH["description"]
    # A save that changes nothing writes nothing.
    events = translation.events.count()
    client.post(edit_url("CO", volunteered), {"title": "Fonds de garantie", "save": ""})
    assert translation.events.count() == events
    # The practice itself is untouched throughout.
    practice.refresh_from_db()
    assert practice.summary == "Guarantees for SME loans."


def test_a_discarded_translation_is_kept(client, focal_b, volunteered):
    client.force_login(focal_b)
    response = client.post(reverse("practices:translation_discard", kwargs={"iso2": "CO", "pk": volunteered.pk}))
    assert response["Location"] == reverse("practices:translation_list", kwargs={"iso2": "CO"})
    translation = refreshed(volunteered)
    assert translation.status == PracticeTranslation.Status.DISCARDED and translation.title == FRENCH["title"]


# --- When the original changes ---


def publish_new_version(practice, *, by, moderator, **changes):
    revision = services.start_revision(practice, by=by)
    services.save_revision(revision, by=by, changes=changes)
    services.submit_revision(revision, by=by)
    return services.publish_revision(revision, by=moderator)


def test_a_new_version_of_the_original_shows_what_changed_and_the_next_version_starts_from_the_translation(
    client, practice, contributor_a, focal_b, moderator, volunteered
):
    services.submit_translation(volunteered, by=focal_b)
    services.publish_translation(volunteered, by=moderator)
    publish_new_version(practice, by=contributor_a, moderator=moderator, summary="Guarantees for SME and cooperative loans.")
    client.force_login(focal_b)
    page = client.get(edit_url("CO", volunteered))
    assert_valid_page(page)
    html = page.content.decode()
    assert "The original has changed since" in html and "cooperative" in html and "<ins>" in html
    assert "Start the next version of the translation" in html

    response = client.post(start_url(practice), {"language": "fr"})
    following = PracticeTranslation.objects.get(practice=practice, language="fr", number=2)
    assert response["Location"] == edit_url("CO", following)
    page = client.get(edit_url("CO", following))
    assert_valid_page(page)
    html = page.content.decode()
    # It starts from the published translation, with the original's changes shown beside it.
    assert "What changed in the original since the previous translation" in html and "cooperative" in html
    assert f'value="{FRENCH["title"]}"' in html


def test_the_list_shows_both_sides_with_a_constant_number_of_queries(
    client, country_a, contributor_a, focal_b, moderator, django_assert_max_num_queries
):
    for number in range(4):
        practice = publish_practice(country_a, by=contributor_a, moderator=moderator, title=f"Practice {number}")
        services.start_translation(practice, by=focal_b if number % 2 else contributor_a, language="es")
    client.force_login(focal_b)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("practices:translation_list", kwargs={"iso2": "CO"}))
    assert_valid_page(response)
    assert len(response.context["volunteered"]) == 2 and len(response.context["ours"]) == 0
    client.force_login(contributor_a)
    kenya = client.get(reverse("practices:translation_list", kwargs={"iso2": "KE"}))
    assert len(kenya.context["ours"]) == 4 and len(kenya.context["volunteered"]) == 0


# --- E-mails ---


def test_the_translator_hears_of_each_decision_in_their_language(
    client, practice, contributor_a, focal_b, moderator, django_capture_on_commit_callbacks
):
    focal_b.language = "fr"
    focal_b.save(update_fields=["language"])
    client.force_login(moderator)
    decisions = (("request_changes", {"comment": "Traduisez le problème."}), ("reject", {"reason": "Hors sujet."}))
    for decision, data in decisions:
        translation = services.start_translation(practice, by=focal_b, language="fr")
        services.save_translation(translation, by=focal_b, text=FRENCH)
        services.submit_translation(translation, by=focal_b)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse(f"practices:translation_{decision}", args=[translation.pk]), data)
        if decision == "request_changes":
            services.discard_translation(translation, by=focal_b)
        message = mail.outbox[-1]
        assert message.to == [focal_b.email]
        assert list(data.values())[0] in message.body
        # Written in French: the link opens the French site, in the translator's workspace.
        assert f"{settings.SITE_URL}/fr/workspace/CO/translations/{translation.pk}/" in message.body
        assert "français" in message.body.lower()
    assert len(mail.outbox) == 2
    assert all(contributor_a.email not in message.to for message in mail.outbox)


def test_moderators_who_want_each_submission_hear_of_a_translation_in_their_language(
    practice, focal_b, moderator, moderator_without_two_factor, volunteered, django_capture_on_commit_callbacks
):
    from countries.models import ReviewEmails

    moderator.language = "es"
    moderator.review_emails = ReviewEmails.EACH
    moderator.save(update_fields=["language", "review_emails"])
    moderator_without_two_factor.review_emails = ReviewEmails.DAILY  # hears of it in the day's summary, not now
    moderator_without_two_factor.save(update_fields=["review_emails"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_translation(volunteered, by=focal_b)
    [message] = mail.outbox
    assert message.to == [moderator.email]
    assert message.subject == f"[SME Platform] Traducción para revisar (Francés): {FRENCH['title']}"
    assert f"{settings.SITE_URL}/es/staff/translations/{volunteered.pk}/" in message.body
    assert "Beatriz Focal" in message.body


def test_the_translators_hear_when_the_original_publishes_a_new_version(
    practice, contributor_a, focal_b, moderator, volunteered, django_capture_on_commit_callbacks
):
    services.submit_translation(volunteered, by=focal_b)
    services.publish_translation(volunteered, by=moderator)
    spanish = services.start_translation(practice, by=contributor_a, language="es")  # a draft: not published, not told
    services.save_translation(spanish, by=contributor_a, text={"title": "Fondo"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        publish_new_version(practice, by=contributor_a, moderator=moderator, summary="Guarantees for SME and cooperative loans.")
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    outdated = [message for message in mail.outbox if "The original changed" in message.subject]
    assert [message.to for message in outdated] == [[focal_b.email]]
    assert edit_url("CO", volunteered) in outdated[0].body


def test_a_draft_brought_up_to_date_with_the_original_is_no_longer_outdated(client, practice, contributor_a, focal_b, moderator, volunteered):
    # Kenya publishes a second version while Colombia's focal point is still translating the first.
    revision = services.start_revision(practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={"results": "Loans to 900 firms."})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    volunteered.refresh_from_db()
    assert volunteered.is_outdated
    client.force_login(focal_b)
    page = client.get(edit_url("CO", volunteered)).content.decode()
    assert 'name="follows_current"' in page and "version 2 of the original" in page
    # Saving the text alone keeps it outdated: only the translator can say it follows the new version.
    client.post(edit_url("CO", volunteered), form_data(results="Des prêts à 900 entreprises."))
    volunteered.refresh_from_db()
    assert volunteered.results == "Des prêts à 900 entreprises." and volunteered.is_outdated
    client.post(edit_url("CO", volunteered), form_data(results="Des prêts à 900 entreprises.", follows_current="on"))
    volunteered.refresh_from_db()
    assert not volunteered.is_outdated and volunteered.source_revision == revision
    event = ReviewEvent.objects.filter(translation=volunteered).order_by("-id").first()
    assert event.action == ReviewEvent.Action.TRANSLATION_SAVED and "version 2" in event.note
    assert 'name="follows_current"' not in client.get(edit_url("CO", volunteered)).content.decode()
