"""The browse page in a real browser: with htmx the results change in place, without JavaScript the
form still works, and axe reports nothing."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.factories import publish_practice

from .conftest import BROWSER_TEST, DESKTOP, PHONE

pytestmark = BROWSER_TEST


@pytest.fixture
def some_practices(country_a, country_b, focal_a, focal_b, moderator):
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee for small firms", summary="The state guarantees bank loans.", themes=["access-to-finance"])
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Online business registry", summary="Register a company online.", themes=["digital-transformation"])
    publish_practice(
        country_b, by=focal_b, moderator=moderator, title="Fondo para pequeñas empresas rurales", summary="Créditos para el campo.",
        themes=["access-to-finance", "green-transition"], original_language="es",
    )


def result_titles(tab):
    return tab.page.locator(".result h3").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_browse_page_is_accessible_with_filters_search_and_no_results(tab, language, some_practices):
    findings = tab.audit_page(f"/{language}/practices/")
    findings += tab.audit_page(f"/{language}/practices/?theme=access-to-finance&country=KE")
    findings += tab.audit_page(f"/{language}/practices/?q=guarantee")
    findings += tab.audit_page(f"/{language}/practices/?q=nothing-matches-this&year_from=abc")
    assert not findings, "\n".join(findings)


def test_with_javascript_a_filter_updates_the_results_in_place_and_the_address(tab, some_practices):
    tab.go("/en/practices/")
    expect(tab.page.locator("#result-count")).to_have_text("3 practices")
    checkbox = tab.page.locator("#f-theme-access-to-finance")
    checkbox.focus()
    tab.page.keyboard.press("Space")
    expect(tab.page.locator("#result-count")).to_have_text("2 practices")
    expect(tab.page).to_have_url(re.compile(r"/en/practices/\?.*theme=access-to-finance"))
    # The page was not reloaded, and keyboard focus stayed on the box just ticked.
    expect(tab.page.locator("#f-theme-access-to-finance")).to_be_focused()
    assert sorted(result_titles(tab)) == ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales"]
    tab.page.get_by_label("Search for words").fill("campo")
    tab.page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(tab.page.locator("#result-count")).to_have_text("1 practice")
    expect(tab.page.locator(".snippet mark").first).to_have_text("campo")
    # Back goes to the previous selection.
    tab.page.go_back()
    expect(tab.page.locator("#result-count")).to_have_text("2 practices")
    findings = tab.audit("browse page after updates in place")
    assert not findings, "\n".join(findings)


def test_without_javascript_the_filters_apply_with_the_button(chromium, live_server, some_practices):
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/practices/")
        page.locator("#f-theme-access-to-finance").check()
        page.get_by_role("button", name="Apply the filters").click()
        expect(page.locator("#result-count")).to_have_text("2 practices")
        assert "theme=access-to-finance" in page.url
    finally:
        context.close()


def test_on_a_phone_the_browse_page_does_not_scroll_sideways(tab, some_practices):
    tab.page.set_viewport_size(PHONE)
    tab.go("/es/practices/?theme=access-to-finance")
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if os.environ.get("SCREENSHOTS") == "1":
        tab.screenshot("browse-filtered-es-phone")
        tab.page.set_viewport_size(DESKTOP)
        tab.go("/en/practices/?q=credit")
        tab.screenshot("browse-search-en-desktop")


def test_a_visitor_goes_from_the_map_to_a_comparison_and_takes_the_data_away(tab, some_practices, country_a, focal_a, moderator):
    """Open the map, pick a region, narrow by theme, search a word, open a practice, compare two,
    download the CSV. axe on every page."""
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Women's credit line", summary="Loans for women-led firms.", themes=["access-to-finance", "women-youth-entrepreneurship"])
    findings = tab.audit_page("/en/regions/")
    tab.page.locator("svg a[href='/en/countries/KE/']").first.wait_for()  # Kenya is shaded and linked on the map
    # Its outline comes from the static file of outlines, and is drawn.
    kenya = tab.page.locator("svg a[href='/en/countries/KE/'] use").first
    expect(kenya).to_have_attribute("href", re.compile(r"/static/countries/world-map(\.[0-9a-f]+)?\.svg#m404$"))
    tab.page.wait_for_function("() => document.querySelector(\"svg a[href='/en/countries/KE/'] use\").getBBox().width > 5")
    tab.screenshot("map-with-static-outlines")
    tab.page.get_by_role("link", name="Africa", exact=True).first.click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Africa")
    findings += tab.audit("region page")
    tab.page.get_by_role("link", name="Search and filter the practices of Africa").click()
    expect(tab.page.locator("#result-count")).to_have_text("3 practices")
    tab.page.locator("#f-theme-access-to-finance").check()
    expect(tab.page.locator("#result-count")).to_have_text("2 practices")
    tab.page.get_by_label("Search for words").fill("loans")
    tab.page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(tab.page.locator("#result-count")).to_have_text("2 practices")
    findings += tab.audit("narrowed and searched")
    tab.page.get_by_role("link", name="Women's credit line").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Women's credit line")
    findings += tab.audit("practice page")
    tab.page.go_back()
    tab.page.get_by_label("Compare Women's credit line").check()
    tab.page.get_by_label("Compare Credit guarantee for small firms").check()
    tab.page.get_by_role("button", name="Compare the chosen practices (2 to 4)").click()
    expect(tab.page.locator("thead th a:not(.remove-link)")).to_have_text(["Women's credit line", "Credit guarantee for small firms"])
    findings += tab.audit("comparison")
    tab.page.go_back()
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="CSV").click()
    csv_text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Women's credit line" in csv_text and "Credit guarantee for small firms" in csv_text
    assert "Online business registry" not in csv_text  # the export is what the page shows
    assert not findings, "\n".join(findings)
