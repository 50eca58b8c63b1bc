"""Two people editing one draft, in the browser: the later save from an older form is refused, shows
what the other person saved, keeps what was typed, and goes through once it has been seen."""

import os

from playwright.sync_api import expect

from practices import services
from practices.models import PracticeRevision

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
CONTENT = {"title": "One-stop shop for exporters", "summary": "Advice in one place.", "description": "A desk.", "level": "national", "themes": ["access-to-finance"]}


def test_a_save_from_an_older_form_shows_the_other_persons_text_and_loses_nothing(tab, second_tab, contributor_a, focal_a, country_a):
    practice, revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    edit = f"/en/workspace/KE/practices/{practice.pk}/edit/"
    findings = []

    second_tab.sign_in(focal_a)
    second_tab.go(edit)  # the focal point opens the form first...
    tab.sign_in(contributor_a)
    tab.go(edit)
    tab.page.get_by_label("Summary").fill("Advice, finance and contacts in one place.")
    tab.page.get_by_role("button", name="Save the draft").click()
    expect(tab.page.get_by_role("status")).to_contain_text("Draft saved.")

    # ...and saves last, having changed the description only.
    second_tab.page.get_by_label("Description").fill("Trade advisers in every chamber of commerce.")
    second_tab.page.get_by_role("button", name="Save the draft").click()
    summary = second_tab.page.get_by_role("alert")
    expect(summary).to_contain_text("Collins Contributor saved this version")
    expect(second_tab.page.locator("#id_summary_theirs")).to_contain_text("Advice, finance and contacts in one place.")
    expect(second_tab.page.get_by_label("Description")).to_have_value("Trade advisers in every chamber of commerce.")
    findings += second_tab.audit("the edit form after a conflict")
    if SCREENSHOTS:
        second_tab.screenshot("edit-conflict")
    revision.refresh_from_db()
    assert revision.content["summary"] == "Advice, finance and contacts in one place."
    assert revision.content["description"] == "A desk."

    # Having seen it, the focal point keeps the contributor's summary and saves again.
    second_tab.page.get_by_label("Summary").fill("Advice, finance and contacts in one place.")
    second_tab.page.get_by_role("button", name="Save the draft").click()
    expect(second_tab.page.get_by_role("status")).to_contain_text("Draft saved.")
    content = PracticeRevision.objects.get(pk=revision.pk).content
    assert (content["summary"], content["description"]) == ("Advice, finance and contacts in one place.", "Trade advisers in every chamber of commerce.")

    # Every saved text is readable from the history.
    second_tab.page.get_by_role("link", name="The text as saved").first.click()
    expect(second_tab.page.get_by_role("heading", name="What this save changed")).to_be_visible()
    findings += second_tab.audit("a saved text")
    assert not findings, "\n".join(findings)
