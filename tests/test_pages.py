"""The footer's pages: about, accessibility, privacy, terms and licence, contact.

Each is public in every language with one h1; the footer links them from every page; what they say
about the licence, the contact address, cookies and how long things are kept comes from the code
that decides it, so the pages cannot drift from it.
"""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from practices import opendata
from practices.views import ACCEPTANCE_CRITERIA
from smeplatform import views
from smeplatform.sitemaps import FOOTER_PAGES
from tests.factories import publish_practice

LANGUAGES = ["en", "fr", "es"]
PROPOSAL = "Proposal, to be confirmed by ITC"


def url(name, language="en"):
    with translation.override(language):
        return reverse(name)


def get(client, name, language="en"):
    response = client.get(url(name, language))
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", FOOTER_PAGES)
def test_each_footer_page_is_public_in_each_language_with_one_h1(client, db, name, language):
    page = get(client, name, language)
    assert f'<html lang="{language}">' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1


def footer(page):
    return page[page.index('<footer class="site-footer">') :]


def test_the_footer_links_every_footer_page_from_every_kind_of_page(client, country_a, moderator):
    practice = publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk")
    paths = [url("home"), url("practices:browse"), reverse("practices:practice_detail", kwargs={"pk": practice.pk})]
    paths += [url(name, "fr") for name in FOOTER_PAGES]
    footer_pages = {url(name, "fr") for name in FOOTER_PAGES}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        links = footer(response.content.decode())
        language = path.split("/")[1]
        for name in [*FOOTER_PAGES, "practices:open_data"]:
            assert f'href="{url(name, language)}"' in links, f"{path}: no footer link to {name}"
        if path in footer_pages:
            assert f'href="{path}" aria-current="page"' in links, f"{path}: not marked as the current page"
    # The platform's own 404 page too.
    not_found = client.get("/en/no-such-page/")
    assert not_found.status_code == 404
    assert f'href="{url("privacy")}"' in footer(not_found.content.decode())


def test_a_signed_in_delegate_finds_the_same_footer(client, contributor_a):
    client.force_login(contributor_a)
    page = client.get(reverse("countries:workspace", kwargs={"iso2": "KE"})).content.decode()
    for name in FOOTER_PAGES:
        assert f'href="{url(name)}"' in footer(page)


def test_the_licence_is_the_one_the_open_data_gives(client, db, monkeypatch):
    # Read from practices/opendata.py: a change there changes the terms page too.
    monkeypatch.setattr(opendata, "LICENCE", "ODC-By 1.0")
    monkeypatch.setattr(opendata, "LICENCE_URL", "https://opendatacommons.org/licenses/by/1-0/")
    page = get(client, "terms")
    assert '<a href="https://opendatacommons.org/licenses/by/1-0/" rel="license">ODC-By 1.0</a>' in page
    assert "CC BY 4.0" not in page


def test_the_terms_say_the_original_language_prevails_and_give_no_warranty(client, db):
    page = get(client, "terms")
    assert f'<a href="{opendata.LICENCE_URL}" rel="license">{opendata.LICENCE}</a>' in page
    assert "where a translation and the original differ, the original prevails" in page
    assert "without warranty of any kind" in page
    assert "Each practice is the statement of the country that published it" in page
    # The terms, licence included, are ITC's to confirm.
    assert PROPOSAL in page


@pytest.mark.parametrize("name", ["contact", "privacy", "accessibility", "terms", "about"])
def test_the_pages_give_the_contact_address_of_the_settings(client, db, settings, name):
    settings.CONTACT_EMAIL = "sme-team@example.org"
    page = get(client, name)
    assert '<a href="mailto:sme-team@example.org">sme-team@example.org</a>' in page


def test_the_accessibility_statement_is_dated_by_its_constant_not_by_today(client, db, monkeypatch):
    monkeypatch.setattr(views, "ACCESSIBILITY_STATEMENT_REVIEWED_ON", date(2026, 3, 4))
    page = get(client, "accessibility")
    assert 'Last reviewed on <time datetime="2026-03-04">4 March 2026</time>.' in page
    assert "WCAG) 2.2</a> at level AA" in page
    # The response time is a commitment ITC has still to confirm.
    assert re.search(r"within 5 working days.*?" + PROPOSAL, page, re.S)
    for gap in ("The world map.", "Documents uploaded by countries and by ITC.", "Translations. Some translations start as a machine draft."):
        assert gap in page


def test_the_accessibility_statement_in_french_dates_itself_in_french(client, db):
    page = get(client, "accessibility", "fr")
    reviewed_on = views.ACCESSIBILITY_STATEMENT_REVIEWED_ON
    assert f'<time datetime="{reviewed_on:%Y-%m-%d}">{reviewed_on.day}' in page


def test_the_privacy_notice_names_the_cookies_and_lifetimes_the_settings_decide(client, db, settings):
    page = get(client, "privacy")
    for cookie in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f"<code>{cookie}</code>" in page
    assert f"A session ends {settings.SESSION_COOKIE_AGE // 3600} hours after sign-in" in page
    assert f"or after {settings.SME_SESSION_IDLE_TIMEOUT // 3600} hours without a request" in page
    assert f"An invitation link works for {settings.SME_INVITATION_MAX_AGE.days} days." in page
    for held in ("your name, e-mail address and job title", "the language you last used", "two-factor authentication", "sign-in records", "the history of what you did"):
        assert held in page
    assert "ITC's data protection rules" in page
    assert "legitimate interest" in page


def test_a_visitor_reading_the_pages_gets_no_cookie_as_the_privacy_notice_says(client, country_a, moderator):
    practice = publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk")
    reading = [url("home"), url("practices:browse"), reverse("practices:practice_detail", kwargs={"pk": practice.pk})]
    for path in reading + [url(name) for name in FOOTER_PAGES]:
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies, f"{path} set {list(response.cookies)}"
    # The sign-in form sets the one cookie the notice names for forms.
    assert set(client.get(reverse("account_login")).cookies) == {"csrftoken"}


def test_the_about_page_explains_the_review_with_the_moderators_criteria(client, db):
    page = get(client, "about")
    assert "in Johannesburg in July 2025" in page and "Call to Action" in page
    for criterion in ACCEPTANCE_CRITERIA:
        assert f"<li>{criterion}</li>" in page
    for audience in ("Country delegates", "ITC staff", "Everyone else"):
        assert f"<dt>{audience}</dt>" in page


def test_the_footer_pages_are_in_the_sitemap_in_every_language(client, db):
    sitemap = client.get(reverse("sitemap")).content.decode()
    for name in FOOTER_PAGES:
        for language in LANGUAGES:
            assert f"<loc>http://testserver{url(name, language)}</loc>" in sitemap


@pytest.mark.parametrize(("language", "label"), [("en", "About"), ("fr", "À propos"), ("es", "Acerca de")])
def test_the_footer_names_the_about_page_in_each_language(client, db, language, label):
    # "About" is also a column heading of the history ("Objet" in French): the footer's has a context of its own.
    html = client.get(f"/{language}/").content.decode()
    assert f'<a href="/{language}/about/">{label}</a>' in html
