"""Sharing a practice by consent, and archiving it, in the browser: as Kenya's and Colombia's focal points do it."""

import os
import re

from playwright.sync_api import expect

from practices import services
from practices.models import CoOwnership

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

TITLE = "Credit guarantee for women-led firms"
SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"


def test_kenya_proposes_colombia_accepts_and_kenya_archives_and_restores(tab, second_tab, focal_a, focal_b, contributor_a, moderator, country_a):
    content = {"title": TITLE, "summary": "A public guarantee covers half of each loan.", "description": "Banks lend.", "level": "national", "themes": ["access-to-finance"]}
    practice, revision = services.create_practice(country_a, by=contributor_a, content=content)
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    kenya_page = f"/en/workspace/KE/practices/{practice.pk}/"
    findings = []

    # Kenya's focal point proposes to share the practice with Colombia.
    tab.sign_in(focal_a)
    tab.go(kenya_page)
    sharing = tab.page.get_by_role("region", name="Co-owner countries")
    sharing.get_by_label("Country").select_option(label="Colombia")
    sharing.get_by_role("button", name="Propose to share with this country").click()
    expect(tab.page.get_by_role("status")).to_contain_text("Colombia is asked to share this practice.")
    expect(sharing.get_by_role("listitem").filter(has_text="Colombia")).to_contain_text("Waiting for an answer")
    findings += tab.audit("the owner's page, a proposal waiting")
    if SCREENSHOTS:
        tab.screenshot("sharing-proposed-owner")

    # Nothing shows on Colombia's public page until its focal point accepts.
    second_tab.go("/en/countries/CO/")
    expect(second_tab.page.get_by_role("main")).not_to_contain_text(TITLE)
    second_tab.sign_in(focal_b)
    second_tab.go("/en/workspace/CO/practices/")
    proposals = second_tab.page.get_by_role("region", name=re.compile("propose to share with Colombia"))
    expect(proposals).to_contain_text(TITLE)
    expect(proposals).to_contain_text("Kenya, asked by Fatuma Focal")
    findings += second_tab.audit("the invited country's list, a proposal to answer")
    if SCREENSHOTS:
        second_tab.screenshot("sharing-proposal-to-answer")
    proposals.get_by_role("button", name=f"Accept {TITLE}").click()
    expect(second_tab.page).to_have_url(re.compile(rf"/en/workspace/CO/practices/{practice.pk}/$"))
    expect(second_tab.page.get_by_role("status")).to_contain_text("Colombia now shares this practice")
    # The co-owner may leave, but neither archive nor remove the owner's practice.
    co_owner_view = second_tab.page.get_by_role("main")
    expect(co_owner_view.get_by_text("Stop sharing: Colombia leaves this practice")).to_be_visible()
    expect(co_owner_view.get_by_text("Archive", exact=True)).to_have_count(0)
    findings += second_tab.audit("the co-owner's page")
    second_tab.go("/en/countries/CO/")
    expect(second_tab.page.get_by_role("main")).to_contain_text(TITLE)
    assert CoOwnership.objects.get().status == "accepted"

    # Kenya's focal point archives the practice, then restores it, from its page.
    tab.go(kenya_page)
    expect(tab.page.get_by_role("region", name="Co-owner countries").get_by_role("listitem").first).to_contain_text("Colombia")
    tab.page.get_by_text("Archive", exact=True).click()
    tab.page.get_by_role("button", name="Yes, archive").click()
    expect(tab.page.get_by_role("status")).to_contain_text("The practice is archived")
    second_tab.go(f"/en/practices/{practice.pk}/", status=404)
    tab.page.get_by_text("Restore", exact=True).click()
    tab.page.get_by_role("button", name="Yes, restore").click()
    expect(tab.page.get_by_role("status")).to_contain_text("The practice is public again.")
    findings += tab.audit("the owner's page after restoring")
    if SCREENSHOTS:
        tab.screenshot("sharing-owner-after-restore")
    second_tab.go(f"/en/practices/{practice.pk}/")
    expect(second_tab.page.get_by_role("main")).to_contain_text("Colombia")
    assert not findings, "\n".join(findings)
