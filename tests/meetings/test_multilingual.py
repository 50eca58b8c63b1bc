"""Staff-written content in three languages: meetings and the Call to Action, each text in English,
French and Spanish, read in the reader's language or the one given, with a notice and a `lang`
attribute; and the delegates' texts that are not practices (uptake stories, the country profile)
saying which language they are in."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from countries.languages import sections_of, stored_texts, text_in
from countries.models import Country
from countries.templatetags.languages import AVAILABLE_ONLY, SHOWN_IN
from meetings import services
from meetings.demo import load_community_record
from meetings.forms import CallToActionForm, DeliverableTextForm
from meetings.models import CallToAction, Deliverable, DeliverableEvent, Mandate, Meeting, UptakeStory
from tests.factories import MeetingFactory, UptakeStoryFactory


def in_language(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def said(message, language):
    """A notice as a reader of `language` reads it (whether or not the catalogue translates it yet)."""
    with translation.override(language):
        return str(message)


def notices(page):
    return re.findall(r'class="[^"]*language-notice[^"]*"[^>]*>([^<]+)<', page)


@pytest.fixture
def trilingual(moderator):
    return MeetingFactory(
        by=moderator, published=True, title="Technical meeting on SME finance", title_fr="Réunion technique sur le financement des PME",
        title_es="Reunión técnica sobre la financiación de las pymes", description="Officials compare **credit guarantee** schemes.",
        description_fr="Les fonctionnaires comparent les **garanties de crédit**.",
        description_es="Los funcionarios comparan las **garantías de crédito**.",
    )


@pytest.fixture
def english_only(moderator):
    return MeetingFactory(by=moderator, published=True, title="Webinar on e-invoicing", description="How tax offices went digital.")


@pytest.fixture
def french_only(moderator):
    return MeetingFactory(
        by=moderator, published=True, title="Atelier sur la facturation électronique",
        description="Comment les administrations fiscales sont passées au numérique.",
        language="fr",
    )


# --- The rule: the reader's language, else the one given ---


def test_a_text_is_read_in_the_reader_language_else_in_the_one_given(trilingual, english_only, french_only):
    assert text_in(trilingual, "title", "es") == ("Reunión técnica sobre la financiación de las pymes", "es")
    assert text_in(trilingual, "title", "en") == ("Technical meeting on SME finance", "en")
    assert text_in(english_only, "title", "fr") == ("Webinar on e-invoicing", "en")
    # Written only in French: English and Spanish readers get the French.
    assert text_in(french_only, "title", "en") == ("Atelier sur la facturation électronique", "fr")
    assert text_in(french_only, "title", "es") == ("Atelier sur la facturation électronique", "fr")
    # A text missing in one language comes from the record's own; one missing everywhere is empty, in its language.
    assert text_in(english_only, "outcome", "fr") == ("", "en")


def test_a_text_missing_in_the_record_own_language_comes_from_another_given():
    meeting = Meeting(language="en", title="Webinar", description="", description_es="Descripción.")
    assert text_in(meeting, "description", "fr") == ("Descripción.", "es")


def test_english_is_kept_in_the_field_whenever_given_else_the_first_language_given():
    fields = ("title", "description")
    assert stored_texts({"en": {"title": "Webinar"}, "fr": {"title": "Webinaire"}}, fields) == {
        "language": "en", "title": "Webinar", "title_fr": "Webinaire", "title_es": "",
        "description": "", "description_fr": "", "description_es": "",
    }
    assert stored_texts({"en": {}, "fr": {}, "es": {"title": "Seminario web", "description": "En línea."}}, fields) == {
        "language": "es", "title": "Seminario web", "title_fr": "", "title_es": "",
        "description": "En línea.", "description_fr": "", "description_es": "",
    }


def test_a_record_given_in_french_shows_its_french_in_the_french_section(french_only):
    sections = sections_of(french_only, ("title",))
    assert sections == {"title": "", "title_fr": "Atelier sur la facturation électronique", "title_es": ""}


# --- Public pages ---


def test_the_meeting_page_is_in_the_reader_language_with_no_notice(client, trilingual):
    page = client.get(in_language("es", "meetings:meeting_detail", trilingual.slug)).content.decode()
    assert "<h1>Reunión técnica sobre la financiación de las pymes</h1>" in page
    assert "<strong>garantías de crédito</strong>" in page and "credit guarantee" not in page
    assert notices(page) == []
    english = client.get(in_language("en", "meetings:meeting_detail", trilingual.slug)).content.decode()
    assert "<h1>Technical meeting on SME finance</h1>" in english


def test_a_meeting_in_english_only_says_so_to_a_french_reader_and_marks_its_language(client, english_only):
    page = client.get(in_language("fr", "meetings:meeting_detail", english_only.slug)).content.decode()
    assert '<h1 lang="en">Webinar on e-invoicing</h1>' in page
    assert '<div class="prose" lang="en"><p>How tax offices went digital.</p></div>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["en"], "fr")]
    # For an English reader, nothing to say.
    english = client.get(in_language("en", "meetings:meeting_detail", english_only.slug)).content.decode()
    assert "<h1>Webinar on e-invoicing</h1>" in english and notices(english) == []


def test_a_meeting_given_only_in_french_is_shown_in_french_to_an_english_reader(client, french_only):
    page = client.get(in_language("en", "meetings:meeting_detail", french_only.slug)).content.decode()
    assert '<h1 lang="fr">Atelier sur la facturation électronique</h1>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["fr"], "en")]


def test_a_meeting_in_two_languages_says_which_one_a_third_reader_gets(client, moderator):
    meeting = MeetingFactory(by=moderator, published=True, title="Webinar", title_fr="Webinaire")
    page = client.get(in_language("es", "meetings:meeting_detail", meeting.slug)).content.decode()
    assert '<h1 lang="en">Webinar</h1>' in page
    assert notices(page) == [said(SHOWN_IN["en"], "es")]


def test_the_agenda_is_in_the_reader_language_and_an_untranslated_item_says_so(client, moderator, trilingual):
    start = trilingual.starts_at
    services.add_agenda_item(trilingual, by=moderator, starts_at=start, title="Opening", title_fr="Ouverture", title_es="Apertura")
    services.add_agenda_item(trilingual, by=moderator, starts_at=start, title="Questions")
    page = client.get(in_language("fr", "meetings:meeting_detail", trilingual.slug)).content.decode()
    assert '<span class="agenda-title">Ouverture</span>' in page
    assert '<span class="agenda-title" lang="en">Questions</span>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["en"], "fr")]


def test_the_meeting_list_and_the_home_page_mark_a_meeting_in_another_language(client, english_only, trilingual):
    page = client.get(in_language("fr", "meetings:meeting_list")).content.decode()
    assert f'<a href="{in_language("fr", "meetings:meeting_detail", english_only.slug)}" lang="en">Webinar on e-invoicing</a>' in page
    assert f'<a href="{in_language("fr", "meetings:meeting_detail", trilingual.slug)}">Réunion technique sur le financement des PME</a>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["en"], "fr")]
    later = timedelta(days=1)
    Meeting.objects.filter(pk=trilingual.pk).update(starts_at=english_only.starts_at + later, ends_at=english_only.ends_at + later)
    home = client.get("/fr/").content.decode()
    assert f'href="{in_language("fr", "meetings:meeting_detail", english_only.slug)}" lang="en">Webinar on e-invoicing</a>' in home
    assert said(AVAILABLE_ONLY["en"], "fr") in notices(home)


def test_the_calendar_gives_the_title_in_the_reader_language_with_its_language(client, trilingual, english_only):
    feed = client.get(in_language("fr", "meetings:meeting_calendar_feed")).content.decode()
    assert "SUMMARY;LANGUAGE=fr:Réunion technique sur le financement des PME" in feed
    assert "SUMMARY;LANGUAGE=en:Webinar on e-invoicing" in feed
    one = client.get(in_language("es", "meetings:meeting_calendar", trilingual.slug)).content.decode()
    assert "SUMMARY;LANGUAGE=es:Reunión técnica sobre la financiación de las pymes" in one
    assert "X-WR-CALNAME:Reunión técnica sobre la financiación de las pymes" in one


def make_call():
    """A Call to Action in three languages, with a mandate and two deliverables, one of them in English only."""
    call = CallToAction.objects.create(
        slug="call-to-action", title="Call to Action on SMEs", title_fr="Appel à l'action pour les PME", title_es="Llamado a la Acción por las pymes",
        text="We, the ministers, **call** on ITC.", text_fr="Nous, ministres, **appelons** le CCI.",
        text_es="Nosotros, los ministros, **pedimos** al ITC.",
        adopted_on=date(2024, 6, 27),
    )
    expertise = Mandate.objects.create(
        call=call, kind=Mandate.Kind.EXPERTISE, position=1,
        title="Share expertise", title_fr="Partager l'expertise", title_es="Compartir conocimientos",
    )
    Deliverable.objects.create(mandate=expertise, title="NDC guideline", title_fr="Ligne directrice sur les CDN", title_es="Guía sobre las CDN")
    Deliverable.objects.create(mandate=expertise, title="SME voice at COP", description="Speaking for small firms.", position=2)
    return call


def test_the_call_to_action_page_is_in_the_reader_language_and_marks_what_is_not(client, moderator):
    make_call()
    guideline = Deliverable.objects.get(title="NDC guideline")
    services.add_deliverable_event(
        guideline, by=moderator, happened_on=timezone.localdate(), title="Published", title_fr="Publiée", title_es="Publicada",
    )
    services.add_deliverable_event(guideline, by=moderator, happened_on=timezone.localdate(), title="Presented to officials")
    page = client.get(in_language("es", "meetings:call_to_action")).content.decode()
    assert "<h1>Llamado a la Acción por las pymes</h1>" in page and "<strong>pedimos</strong>" in page
    assert '<span>Compartir conocimientos</span>' in page
    assert '<h4 class="cta-deliverable-title">Guía sobre las CDN</h4>' in page
    assert "<strong>Publicada</strong>" in page
    # What staff have not translated is shown in English, marked, with a notice beside it.
    assert '<h4 class="cta-deliverable-title" lang="en">SME voice at COP</h4>' in page
    assert '<div class="prose" lang="en"><p>Speaking for small firms.</p></div>' in page
    assert '<strong lang="en">Presented to officials</strong>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["en"], "es")] * 2
    assert "<title>Llamado a la Acción por las pymes" in page


def test_a_call_to_action_in_english_only_has_one_notice_for_all_its_parts(client, db):
    call = make_call()
    CallToAction.objects.filter(pk=call.pk).update(title_fr="", text_fr="", title_es="", text_es="")
    Mandate.objects.update(title_fr="", title_es="")
    page = client.get(in_language("fr", "meetings:call_to_action")).content.decode()
    assert '<h1 lang="en">Call to Action on SMEs</h1>' in page
    assert '<span lang="en">Share expertise</span>' in page
    # The deliverable in French sits in an English mandate: said once, at the top.
    assert '<h4 class="cta-deliverable-title">Ligne directrice sur les CDN</h4>' in page
    assert notices(page) == [said(AVAILABLE_ONLY["en"], "fr")]


# --- Staff enter each language ---


def meeting_form(**changes):
    data = {
        "title": "", "title_fr": "", "title_es": "", "description": "", "description_fr": "", "description_es": "",
        "outcome": "", "outcome_fr": "", "outcome_es": "", "slug": "", "kind": "technical", "format": "virtual",
        "time_zone": "Europe/Zurich", "starts_at": "2027-03-02T14:00", "ends_at": "2027-03-02T17:00", "place": "", "delegates_count": "",
    }
    return {**data, **changes}


def test_staff_enter_a_meeting_in_three_languages(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("meetings:staff_meeting_create"), meeting_form(
        title="Webinar on trade finance", title_fr="Webinaire sur le financement du commerce",
        title_es="Seminario web sobre financiación del comercio",
        description="Online.", description_fr="En ligne.", description_es="En línea.", outcome_es="Un informe.",
    ))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.language, meeting.title, meeting.title_fr, meeting.title_es) == (
        "en", "Webinar on trade finance", "Webinaire sur le financement du commerce", "Seminario web sobre financiación del comercio",
    )
    assert (meeting.description, meeting.description_fr, meeting.description_es) == ("Online.", "En ligne.", "En línea.")
    assert (meeting.outcome, meeting.outcome_fr, meeting.outcome_es) == ("", "", "Un informe.")
    assert meeting.slug == "webinar-on-trade-finance"
    # The form shows one section per language, each input marked with its language.
    page = client.get(reverse("meetings:staff_meeting_edit", args=[meeting.pk])).content.decode()
    assert page.count('<fieldset class="form-section">') == 3
    assert re.search(r'<input[^>]*name="title_fr"[^>]*value="Webinaire sur le financement du commerce"', page)
    assert re.search(r'<input[^>]*lang="fr"[^>]*name="title_fr"|<input[^>]*name="title_fr"[^>]*lang="fr"', page)


def test_staff_may_write_a_meeting_only_in_french_and_add_english_later(client, moderator):
    client.force_login(moderator)
    client.post(reverse("meetings:staff_meeting_create"), meeting_form(title_fr="Atelier régional", description_fr="À Dakar."))
    meeting = Meeting.objects.get()
    assert (meeting.language, meeting.title, meeting.title_fr, meeting.description) == ("fr", "Atelier régional", "", "À Dakar.")
    assert meeting.slug == "atelier-regional"
    page = client.get(reverse("meetings:staff_meeting_edit", args=[meeting.pk])).content.decode()
    assert re.search(r'<input[^>]*name="title_fr"[^>]*value="Atelier régional"', page)
    assert not re.search(r'<input[^>]*name="title"[^>]*value=', page)
    client.post(reverse("meetings:staff_meeting_edit", args=[meeting.pk]), meeting_form(
        slug=meeting.slug, title="Regional workshop", title_fr="Atelier régional", description_fr="À Dakar.",
    ))
    meeting.refresh_from_db()
    assert (meeting.language, meeting.title, meeting.title_fr, meeting.description, meeting.description_fr) == (
        "en", "Regional workshop", "Atelier régional", "", "À Dakar.",
    )


def test_a_language_with_texts_needs_its_title_and_some_language_is_needed(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("meetings:staff_meeting_create"), meeting_form(title="Webinar", description_es="En línea."))
    assert response.status_code == 200 and list(response.context["form"].errors) == ["title_es"]
    response = client.post(reverse("meetings:staff_meeting_create"), meeting_form())
    assert response.status_code == 200 and response.context["form"].errors["title"] == ["This field is required."]
    assert not Meeting.objects.exists()


def test_staff_enter_an_agenda_item_in_each_language(client, moderator, trilingual):
    client.force_login(moderator)
    client.post(reverse("meetings:staff_agenda_add", args=[trilingual.pk]), {
        "agenda-title": "Opening", "agenda-title_fr": "Ouverture", "agenda-title_es": "", "agenda-starts_at": "", "agenda-speakers": "",
    })
    item = trilingual.agenda.get()
    assert (item.language, item.title, item.title_fr, item.title_es) == ("en", "Opening", "Ouverture", "")
    client.post(reverse("meetings:staff_agenda_edit", args=[trilingual.pk, item.pk]), {
        "title": "", "title_fr": "", "title_es": "Apertura", "starts_at": "", "speakers": "",
    })
    item.refresh_from_db()
    assert (item.language, item.title, item.title_fr, item.title_es) == ("es", "Apertura", "", "")


def test_staff_enter_a_deliverable_event_in_each_language(client, moderator):
    make_call()
    guideline = Deliverable.objects.get(title="NDC guideline")
    client.force_login(moderator)
    client.post(reverse("meetings:cta_deliverable_event", args=[guideline.pk]), {
        "happened_on": timezone.localdate().isoformat(), "title": "Published", "title_fr": "Publiée", "title_es": "Publicada",
        "description": "", "description_fr": "En ligne.", "description_es": "", "meeting": "", "document": "", "link": "",
    })
    event = DeliverableEvent.objects.get()
    assert (event.language, event.title, event.title_fr, event.title_es) == ("en", "Published", "Publiée", "Publicada")
    assert (event.description, event.description_fr) == ("", "En ligne.")


def test_the_call_to_action_and_its_deliverables_are_entered_in_each_language_in_the_admin(db):
    call = make_call()
    form = CallToActionForm(
        {"title": "", "title_fr": "Appel à l'action", "title_es": "Llamado a la Acción", "text": "", "text_fr": "Le texte.", "text_es": "El texto."},
        instance=call,
    )
    assert form.is_valid(), form.errors
    form.save()
    call.refresh_from_db()
    assert (call.language, call.title, call.title_fr, call.title_es, call.text, call.text_es) == (
        "fr", "Appel à l'action", "", "Llamado a la Acción", "Le texte.", "El texto.",
    )
    assert CallToActionForm(instance=call).initial["title_fr"] == "Appel à l'action"
    # A language with a title needs the text the Call to Action requires.
    refused = CallToActionForm({"title": "Call", "text": "", "title_fr": "", "text_fr": "", "title_es": "", "text_es": ""}, instance=call)
    assert not refused.is_valid() and list(refused.errors) == ["text"]
    deliverable = Deliverable.objects.get(title="SME voice at COP")
    form = DeliverableTextForm(
        {"title": "SME voice at COP", "title_fr": "La voix des PME à la COP", "title_es": "",
         "description": "", "description_fr": "", "description_es": ""},
        instance=deliverable,
    )
    assert form.is_valid(), form.errors
    form.save()
    deliverable.refresh_from_db()
    assert (deliverable.title_fr, deliverable.language) == ("La voix des PME à la COP", "en")


def test_the_staff_meeting_page_names_the_languages_given(client, moderator, french_only):
    client.force_login(moderator)
    page = client.get(reverse("meetings:staff_meeting", args=[french_only.pk])).content.decode()
    assert "<dd>French</dd>" in page


# --- Delegates' texts say their language ---


def test_a_new_story_is_taken_to_be_in_the_writer_language_and_says_so(client, country_a, contributor_a, moderator):
    client.force_login(contributor_a)
    url = in_language("fr", "meetings:cta_story_create", "KE")
    form = client.get(url).content.decode()
    assert re.search(r'<option value="fr" selected>', form)
    client.post(url, {"title": "Nous avons utilisé la ligne directrice", "story": "Ainsi."})
    story = UptakeStory.objects.get()
    assert story.language == "fr"
    # Another language may be chosen, and an edit that does not say keeps it.
    client.post(in_language("en", "meetings:cta_story_edit", "KE", story.pk), {"title": story.title, "story": "Ainsi.", "language": "es"})
    story.refresh_from_db()
    assert story.language == "es"
    client.post(in_language("en", "meetings:cta_story_edit", "KE", story.pk), {"title": story.title, "story": "Ainsi."})
    story.refresh_from_db()
    assert story.language == "es"


def test_a_published_story_page_names_its_language_and_marks_it(client, country_a, contributor_a, moderator):
    make_call()
    story = UptakeStoryFactory(
        country=country_a, by=contributor_a, title="Usamos la guía", story="La guía nos sirvió.", language="es",
        used_deliverable=Deliverable.objects.get(title="NDC guideline"),
    )
    services.submit_uptake_story(story, by=contributor_a)
    services.publish_uptake_story(story, by=moderator)
    page = client.get(in_language("en", "meetings:cta_story", story.pk)).content.decode()
    assert '<h1 lang="es">Usamos la guía</h1>' in page
    assert '<div class="prose" lang="es"><p>La guía nos sirvió.</p></div>' in page
    assert "<dt>Language</dt><dd>Spanish</dd>" in page
    # The deliverable it used is named in the reader's language.
    assert "NDC guideline" in page
    cta = client.get(in_language("en", "meetings:call_to_action")).content.decode()
    assert f'<a href="{in_language("en", "meetings:cta_story", story.pk)}" lang="es">Usamos la guía</a>' in cta


def test_the_country_profile_says_its_language_and_starts_in_the_writer_language(client, country_a, focal_a):
    client.force_login(focal_a)
    url = in_language("es", "countries:profile_edit", "KE")
    assert re.search(r'<input[^>]*value="es"[^>]*checked|<input[^>]*checked[^>]*value="es"', client.get(url).content.decode())
    client.post(url, {
        "responsible_institution": "Ministerio de Cooperativas", "policy_overview": "Las mipymes emplean a la mayoría.",
        "website": "", "public_contact_name": "", "public_contact_email": "", "profile_language": "es",
    })
    country = Country.objects.get(pk=country_a.pk)
    assert country.profile_language == "es"
    client.logout()
    page = client.get(in_language("en", "countries:country_detail", "KE")).content.decode()
    assert '<dd lang="es">Ministerio de Cooperativas</dd>' in page
    assert '<div class="prose" lang="es"><p>Las mipymes emplean a la mayoría.</p></div>' in page
    assert "<dt>Language</dt><dd>Spanish</dd>" in page


def test_the_country_page_names_its_meetings_in_the_reader_language(client, moderator, country_a, trilingual, english_only):
    for meeting in (trilingual, english_only):
        services.declare_participation(meeting, by=moderator, country=country_a)
    page = client.get(in_language("fr", "countries:country_detail", "KE")).content.decode()
    assert ">Réunion technique sur le financement des PME</a>" in page
    assert 'lang="en">Webinar on e-invoicing</a>' in page


def test_a_delegate_workspace_names_meetings_in_the_reader_language(client, contributor_a, trilingual, english_only):
    client.force_login(contributor_a)
    page = client.get(in_language("fr", "meetings:workspace_meeting_list", "KE")).content.decode()
    assert f'<a href="{in_language("fr", "meetings:meeting_detail", trilingual.slug)}">Réunion technique sur le financement des PME</a>' in page
    assert f'<a href="{in_language("fr", "meetings:meeting_detail", english_only.slug)}" lang="en">Webinar on e-invoicing</a>' in page


# --- The demo ---


def test_the_demo_gives_the_call_to_action_in_three_languages_and_leaves_a_meeting_in_english_only(client, moderator):
    record = load_community_record(by=moderator)
    call = record["call"]
    for field in CallToAction.TRANSLATED_FIELDS:
        assert all((getattr(call, field), getattr(call, f"{field}_fr"), getattr(call, f"{field}_es"))), field
    for model in (Mandate, Deliverable):
        assert not model.objects.filter(title_fr="").exists() and not model.objects.filter(title_es="").exists()
    assert all(meeting.title_fr and meeting.title_es for meeting in (record["ministerial"], record["technical"]))
    assert (record["april"].title_fr, record["april"].title_es) == ("", "")
    page = client.get(in_language("fr", "meetings:call_to_action")).content.decode()
    assert f"<h1>{escape(call.title_fr)}</h1>" in page and notices(page) == []
    april = client.get(in_language("es", "meetings:meeting_detail", record["april"].slug)).content.decode()
    assert notices(april) == [said(AVAILABLE_ONLY["en"], "es")]
