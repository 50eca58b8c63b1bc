"""Translations in Chromium. A French reader finds an English practice with French words once its French
translation is published, reads it in French with the notice, switches to the original; once the original
changes, the translation says it is outdated and links to what changed. And every translation page, for the
translator and for ITC, passes axe in the three languages."""

import re

import pytest
from playwright.sync_api import expect

from practices import services
from tests.factories import publish_practice

from .conftest import BROWSER_TEST, PHONE

pytestmark = BROWSER_TEST

FRENCH = {
    "title": "Fonds de garantie de crédit aux PME",
    "summary": "Des garanties pour les prêts aux PME.",
    "description": "Le fonds garantit les crédits bancaires des petites entreprises.",
}


def test_a_french_reader_searches_in_french_reads_the_translation_switches_to_the_original_and_sees_it_outdated(
    tab, country_a, contributor_a, focal_b, moderator
):
    practice = publish_practice(
        country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", summary="Guarantees for SME loans.",
        description="The fund guarantees bank loans to small firms.", themes=["access-to-finance"],
    )
    # Colombia's focal point volunteers the French translation; ITC publishes it.
    translation = services.start_translation(practice, by=focal_b, language="fr")
    services.save_translation(translation, by=focal_b, text=FRENCH)
    services.submit_translation(translation, by=focal_b)
    services.publish_translation(translation, by=moderator)
    findings = []

    # The reader searches in French, from the browse page's own form.
    tab.go("/fr/practices/")
    tab.page.locator("#browse-q").fill("garantie de crédit")
    tab.page.locator("#browse-q").press("Enter")
    expect(tab.page).to_have_url(re.compile(r"/fr/practices/\?.*q=garantie"))
    result = tab.page.get_by_role("link", name=FRENCH["title"])
    expect(result).to_be_visible()
    expect(tab.page.get_by_role("main")).not_to_contain_text("SME credit guarantee fund")
    findings += tab.audit("French search results")

    result.click()
    expect(tab.page).to_have_url(re.compile(rf"/fr/practices/{practice.pk}/\?back=q%3Dgarantie"))
    expect(tab.page.locator("h1")).to_have_text(FRENCH["title"])
    expect(tab.page.locator("h1")).to_have_attribute("lang", "fr")
    notice = tab.page.get_by_role("note")
    expect(notice).to_contain_text("Beatriz Focal")
    expect(notice.locator("p.translation-outdated")).to_have_count(0)
    # The way back to the results it was found in.
    expect(tab.page.locator(".breadcrumbs a").first).to_have_attribute("href", re.compile(r"^/fr/practices/\?q=garantie"))
    findings += tab.audit("French translation")

    # To the original, within the French interface.
    notice.locator('a[href="?text=en"]').first.click()
    expect(tab.page).to_have_url(re.compile(rf"/fr/practices/{practice.pk}/\?text=en$"))
    expect(tab.page.locator("h1")).to_have_text("SME credit guarantee fund")
    expect(tab.page.locator("h1")).to_have_attribute("lang", "en")
    expect(tab.page.locator("html")).to_have_attribute("lang", "fr")
    findings += tab.audit("the original, in the French interface")

    # Kenya publishes a new version of the original.
    revision = services.start_revision(practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "summary": "Guarantees for SME loans, now up to 80%."})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)

    # On a phone now: the reader still gets the French text, told the original changed, and sees what changed.
    tab.page.set_viewport_size(PHONE)
    tab.go(f"/fr/practices/{practice.pk}/")
    expect(tab.page.locator("h1")).to_have_text(FRENCH["title"])
    outdated = tab.page.locator("p.translation-outdated")
    expect(outdated).to_be_visible()
    findings += tab.audit("outdated translation, phone")
    outdated.locator("a[href*='/changes/']").click()
    expect(tab.page).to_have_url(re.compile(rf"/fr/practices/{practice.pk}/changes/\?since=1$"))
    expect(tab.page.locator("p.diff ins").first).to_contain_text("80%")
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    findings += tab.audit("what changed in the original, phone")
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_translation_pages_are_accessible_in_each_language(tab, second_tab, language, country_a, contributor_a, focal_b, moderator):
    practice = publish_practice(
        country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", summary="Guarantees for SME loans.",
        description="The fund guarantees bank loans to small firms.", themes=["access-to-finance"],
    )
    french = services.start_translation(practice, by=focal_b, language="fr")
    services.save_translation(french, by=focal_b, text=FRENCH)
    services.submit_translation(french, by=focal_b)
    services.publish_translation(french, by=moderator)
    # A new version of the original: the French translation is outdated, and its changes can be compared.
    revision = services.start_revision(practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "summary": "Guarantees for SME loans, now up to 80%."})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    spanish = services.start_translation(practice, by=focal_b, language="es")
    services.save_translation(spanish, by=focal_b, text={"title": "Fondo de garantía", "summary": "Garantías.", "description": "El fondo garantiza."})
    services.submit_translation(spanish, by=focal_b)
    draft = services.start_translation(practice, by=focal_b, language="fr")  # the next French version, a draft
    findings = []

    # The volunteer (Colombia's focal point): the practice page with the request form, the translations, the editor.
    tab.sign_in(focal_b, language=language)
    for path in [
        f"/{language}/practices/{practice.pk}/",
        f"/{language}/practices/{practice.pk}/changes/",
        f"/{language}/workspace/CO/translations/",
        f"/{language}/workspace/CO/translations/{draft.pk}/",
    ]:
        findings += tab.audit_page(path)

    # ITC: the queue, the coverage, a translation's review.
    second_tab.sign_in(moderator, language=language, totp=True, findings=findings)
    for path in [
        f"/{language}/staff/translations/",
        f"/{language}/staff/translations/coverage/",
        f"/{language}/staff/translations/{spanish.pk}/",
    ]:
        findings += second_tab.audit_page(path)
    assert not findings, "\n".join(findings)
