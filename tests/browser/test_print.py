"""The public pages of a practice and of a country, printed.

On paper the site's navigation, language switcher, footer and anything to click are gone,
the content stays, external links show where they lead, and the page's own address is at
the bottom. A typical practice (the demo's) and a country with a few practices each fit
on one A4 page. With SCREENSHOTS=1 the PDFs are written to test-artifacts/print/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from countries import services as country_services
from smeplatform.management.commands.load_demo import DEMO_PRACTICES, TEAMS
from countries.models import Country
from tests.factories import publish_practice

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

PDF_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "print"
# A page object of the PDF, not the /Pages tree that lists them.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)\b")
# A4 is 595.28 × 841.89 points; Chromium rounds a little.
A4_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+59[45](?:\.\d+)?\s+84[12](?:\.\d+)?\s*\]")
DEMO_PRACTICE = next(content for iso2, _author, stage, content in DEMO_PRACTICES if iso2 == "KE" and stage == "published")
KENYA_PROFILE = next(team["profile"] for team in TEAMS if team["iso2"] == "KE")


def peer(iso2, moderator, title, **content):
    base = {
        "title": title,
        "summary": f"{title}: what it does, for whom, since when.",
        "description": "A programme of the ministry.",
        "level": "national",
        "themes": ["access-to-finance"],
    }
    return publish_practice(Country.objects.get(iso2=iso2), by=moderator, moderator=moderator, evidence_label="early_results", **{**base, **content})


@pytest.fixture
def demo_practice(country_a, focal_a, moderator):
    """The demo's published practice of Kenya, with a link in its text and peers in other countries."""
    country_services.update_profile(country_a, data=KENYA_PROFILE, by=focal_a)
    content = {
        **DEMO_PRACTICE,
        "description": DEMO_PRACTICE["description"] + "\n\nThe [scheme's rules](https://www.example.org/guarantee-rules) are public.",
        "links": ["https://www.example.org/kenya-guarantee"],
    }
    practice = publish_practice(country_a, by=moderator, moderator=moderator, evidence_label="early_results", **content)
    peer("CO", moderator, "Fondo Nacional de Garantías", instruments=["guarantee-credit-line"], original_language="es")
    peer("SN", moderator, "Fonds de garantie des PME", original_language="fr")
    return practice


def pdf_of(tab, name):
    pdf = tab.page.pdf(format="A4", prefer_css_page_size=True)
    if os.environ.get("SCREENSHOTS") == "1":
        PDF_DIR.mkdir(parents=True, exist_ok=True)
        (PDF_DIR / f"{name}.pdf").write_bytes(pdf)
    return pdf


def assert_one_a4_page(pdf):
    pages = PAGE_OBJECT.findall(pdf)
    assert len(pages) == 1, f"{len(pages)} pages"
    assert A4_MEDIA_BOX.search(pdf), re.findall(rb"/MediaBox\s*\[[^\]]*\]", pdf)[:1]


def assert_printed_without_the_site_around_it(tab, path):
    page = tab.page
    page.emulate_media(media="print")
    for chrome in [".skip-link", ".site-header", ".main-nav", ".language-switcher", ".site-footer"]:
        expect(page.locator(chrome)).to_be_hidden()
    for control in page.locator("form, button").all():
        expect(control).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    address = page.locator(".print-url")
    expect(address).to_be_visible()
    expect(address).to_contain_text(tab.url(path))
    # Black on white.
    colours = page.evaluate("() => [getComputedStyle(document.querySelector('main a')).color, getComputedStyle(document.body).backgroundColor]")
    assert colours[0] == "rgb(0, 0, 0)" and colours[1] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), colours


def after_content(tab, selector):
    return tab.page.locator(selector).first.evaluate("link => getComputedStyle(link, '::after').content")


def test_a_printed_practice_shows_its_content_and_address_without_the_site_around_it(tab, demo_practice, contributor_b):
    # Signed in, the page has a form (signing out) and a button to hide.
    tab.sign_in(contributor_b)
    path = f"/en/practices/{demo_practice.pk}/"
    tab.go(path)
    assert tab.page.locator("form, button").count() > 0
    # On screen the address line is not shown.
    expect(tab.page.locator(".print-url")).to_be_hidden()
    assert_printed_without_the_site_around_it(tab, path)
    main = tab.page.get_by_role("main")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Credit Guarantee Scheme for MSMEs")
    expect(main.locator(".prose").first).to_contain_text("shares the credit risk")
    expect(main.get_by_role("heading", name="Related practices in other countries")).to_be_visible()
    # An external link in the text shows where it leads; a listed address is not repeated.
    assert "https://www.example.org/guarantee-rules" in after_content(tab, ".prose a[href^='https']")
    assert after_content(tab, "a.bare-url") in ("none", "normal")
    # Links within the site show no address.
    assert after_content(tab, ".related a") in ("none", "normal")


def test_a_typical_practice_prints_on_one_a4_page(tab, demo_practice):
    tab.go(f"/en/practices/{demo_practice.pk}/")
    assert_one_a4_page(pdf_of(tab, "practice"))


def test_a_country_with_a_few_practices_prints_on_one_a4_page(tab, demo_practice, country_a, moderator):
    for title, theme in [
        ("One-stop shop for business licences", "business-environment"),
        ("Export readiness coaching", "internationalisation-trade"),
        ("Youth enterprise fund", "women-youth-entrepreneurship"),
    ]:
        publish_practice(
            country_a,
            by=moderator,
            moderator=moderator,
            evidence_label="early_results",
            title=title,
            summary="County offices, banks and business associations work together so that small firms get what they need in one place.",
            description="A programme of the ministry.",
            themes=[theme, "access-to-finance"],
        )
    path = "/en/countries/KE/"
    tab.go(path)
    assert_printed_without_the_site_around_it(tab, path)
    expect(tab.page.get_by_role("heading", name="4 published practices")).to_be_visible()
    assert "https://www.example.org/kenya-msme" not in after_content(tab, "a.bare-url")
    assert_one_a4_page(pdf_of(tab, "country"))


def test_a_long_practice_takes_several_pages(tab, country_a, moderator):
    """The page count above can tell one page from several."""
    long_text = "\n\n".join(["A paragraph on what the programme did, for whom and with what results. " * 8] * 12)
    practice = publish_practice(country_a, by=moderator, moderator=moderator, evidence_label="early_results", **{**DEMO_PRACTICE, "results": long_text})
    tab.go(f"/en/practices/{practice.pk}/")
    assert len(PAGE_OBJECT.findall(pdf_of(tab, "long-practice"))) > 1
