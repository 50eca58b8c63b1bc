"""Real journeys through the site, asserted on what the person sees."""

import os
import re

from django.core import mail
from playwright.sync_api import expect

from countries.models import Invitation, Membership, User
from practices.models import PracticeRevision

from .conftest import BROWSER_TEST, PASSWORD, PHONE, current_totp_code

pytestmark = BROWSER_TEST


def heading(tab):
    return tab.page.get_by_role("heading", level=1)


def test_focal_point_invites_a_colleague_and_sees_the_invitation_on_the_team_page(tab, focal_a):
    tab.sign_in(focal_a)
    expect(tab.page).to_have_url(re.compile(r"/en/workspace/KE/$"))
    expect(heading(tab)).to_have_text("Kenya workspace")

    tab.page.get_by_role("main").get_by_role("link", name="Invite a colleague").click()
    expect(tab.page).to_have_url(re.compile(r"/en/workspace/KE/team/invite/$"))
    tab.page.get_by_label("E-mail address").fill("new.colleague@example.org")
    expect(tab.page.get_by_label("Contributor")).to_be_checked()
    tab.page.get_by_role("button", name="Send the invitation").click()

    expect(tab.page).to_have_url(re.compile(r"/en/workspace/KE/team/$"))
    expect(tab.page.get_by_role("status")).to_contain_text("Invitation sent to new.colleague@example.org.")
    invitations = tab.page.get_by_role("region", name="Invitations")
    row = invitations.get_by_role("row").filter(has_text="new.colleague@example.org")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Contributor")
    expect(row).to_contain_text("Fatuma Focal")
    expect(row.get_by_role("button", name="Revoke new.colleague@example.org")).to_be_visible()

    # The e-mail went out with a link to this very server.
    assert Invitation.objects.filter(email="new.colleague@example.org", status=Invitation.Status.PENDING).count() == 1
    [message] = [m for m in mail.outbox if "new.colleague@example.org" in m.to]
    assert f"{tab.base_url}/en/invitations/" in message.body
    tab.assert_no_console_problems()


def test_invitee_creates_an_account_from_the_link_and_lands_in_the_kenya_workspace(tab, known_invitation):
    invitation, token = known_invitation
    tab.go(f"/en/invitations/{token}/")
    expect(heading(tab)).to_have_text("Join the team of Kenya")
    expect(tab.page.get_by_label("E-mail address")).to_have_value("invitee@example.org")
    tab.page.get_by_label("Full name").fill("Ivy Invitee")
    tab.page.get_by_label(re.compile(r"^Password:?$")).fill("ivy-likes-long-passphrases")
    tab.page.get_by_label(re.compile(r"^Password \(again\)")).fill("ivy-likes-long-passphrases")
    tab.page.get_by_role("button", name="Create my account and join").click()

    expect(tab.page).to_have_url(re.compile(r"/en/workspace/KE/$"))
    expect(tab.page.get_by_role("status")).to_contain_text("Your account is ready. Welcome to the team of Kenya.")
    expect(heading(tab)).to_have_text("Kenya workspace")
    team = tab.page.get_by_role("region", name="Team")
    expect(team).to_contain_text("Ivy Invitee")
    expect(tab.page.get_by_role("button", name="Sign out")).to_be_visible()

    user = User.objects.get(email="invitee@example.org")
    assert user.full_name == "Ivy Invitee"
    assert Membership.objects.get(user=user).role == Membership.Role.CONTRIBUTOR
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    tab.assert_no_console_problems()


def test_moderator_signs_in_with_a_code_and_invites_the_first_focal_point_of_senegal(tab, moderator):
    tab.go("/en/accounts/login/")
    tab.page.get_by_label(re.compile(r"^E-?mail", re.IGNORECASE)).fill(moderator.email)
    tab.page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    tab.page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(tab.page).to_have_url(re.compile(r"/en/accounts/2fa/authenticate/$"))
    # Signed in only once the code is given.
    expect(tab.page.get_by_role("button", name="Sign out")).to_have_count(0)
    tab.page.get_by_label(re.compile(r"^Code:?$")).fill(current_totp_code())
    tab.page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(tab.page).to_have_url(re.compile(r"/en/staff/$"))
    expect(heading(tab)).to_have_text("Staff dashboard")
    tab.page.get_by_role("link", name="Invite a country's focal point").click()
    expect(tab.page).to_have_url(re.compile(r"/en/staff/invite/$"))
    tab.page.get_by_label("Country").select_option("SN")
    tab.page.get_by_label("E-mail address").fill("focal.sn@example.org")
    expect(tab.page.get_by_label("Focal point")).to_be_checked()
    tab.page.get_by_role("button", name="Send the invitation").click()

    expect(tab.page).to_have_url(re.compile(r"/en/staff/$"))
    expect(tab.page.get_by_role("status")).to_contain_text("Invitation sent to focal.sn@example.org for Senegal.")
    pending = tab.page.get_by_role("region", name="Pending and expired invitations")
    row = pending.get_by_role("row").filter(has_text="focal.sn@example.org")
    expect(row).to_contain_text("Senegal")
    expect(row).to_contain_text("Focal point")
    expect(row).to_contain_text("Pending")
    assert Invitation.objects.get(email="focal.sn@example.org").country.iso2 == "SN"
    tab.assert_no_console_problems()


def test_a_contributor_opening_another_countrys_workspace_gets_the_not_found_page(tab, contributor_a, contributor_b):
    tab.sign_in(contributor_a)
    tab.go("/en/workspace/CO/", status=404)
    expect(heading(tab)).to_have_text("Page not found")
    expect(tab.page).to_have_title(re.compile("^Page not found"))
    main = tab.page.get_by_role("main")
    expect(main).not_to_contain_text("Colombia")
    expect(main).not_to_contain_text("Camilo")
    # Their own workspace is one click away in the navigation.
    tab.page.get_by_role("navigation", name="Main").get_by_role("link", name="Kenya workspace").click()
    expect(heading(tab)).to_have_text("Kenya workspace")
    tab.assert_no_console_problems()


def test_the_language_switcher_keeps_the_page_and_its_query(tab, focal_a):
    tab.go("/en/countries/KE/")
    switcher = tab.page.get_by_role("navigation", name="Language")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="Français").click()
    expect(tab.page).to_have_url(f"{tab.base_url}/fr/countries/KE/")
    expect(tab.page.locator("html")).to_have_attribute("lang", "fr")
    # The switcher now speaks French; its links keep their own languages' names.
    switcher = tab.page.get_by_role("navigation").filter(has=tab.page.locator("a[hreflang]"))
    expect(switcher.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("lang", "en")
    switcher.get_by_role("link", name="Español").click()
    expect(tab.page).to_have_url(f"{tab.base_url}/es/countries/KE/")
    expect(tab.page.locator("html")).to_have_attribute("lang", "es")

    # Signed in, deep in the workspace, with a query string.
    tab.sign_in(focal_a)
    tab.go("/en/workspace/KE/history/?page=1")
    tab.page.locator("a[hreflang=fr]").click()
    expect(tab.page).to_have_url(f"{tab.base_url}/fr/workspace/KE/history/?page=1")
    expect(tab.page.locator("html")).to_have_attribute("lang", "fr")
    tab.assert_no_console_problems()


def horizontal_overflow(tab):
    return tab.page.evaluate("() => document.documentElement.scrollWidth") - PHONE["width"]


def test_on_a_phone_the_home_and_team_pages_do_not_scroll_sideways(tab, focal_a, contributor_a, known_invitation):
    tab.page.set_viewport_size(PHONE)
    for language in ["en", "fr", "es"]:
        tab.go(f"/{language}/")
        assert horizontal_overflow(tab) <= 1, f"/{language}/ is {horizontal_overflow(tab)}px too wide on a phone"
    tab.sign_in(focal_a)
    for language in ["en", "fr", "es"]:
        tab.go(f"/{language}/workspace/KE/team/")
        assert horizontal_overflow(tab) <= 1, f"/{language}/workspace/KE/team/ is {horizontal_overflow(tab)}px too wide"
        # The wide tables scroll inside their own box, which keyboard users can reach.
        expect(tab.page.locator(".table-scroll").first).to_be_visible()
    tab.assert_no_console_problems()


def test_delegate_enrols_an_authenticator_app_and_then_signs_in_with_a_code(tab, contributor_a):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    tab.sign_in(contributor_a)
    tab.page.goto(tab.url("/en/accounts/2fa/totp/activate/"))
    tab.page.locator("main form [name=password]").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page).to_have_url(re.compile(r"/en/accounts/2fa/totp/activate/$"))
    secret = tab.page.locator("#authenticator_secret").input_value()
    counters = list(yield_hotp_counters_from_time())
    tab.page.locator("main form [name=code]").fill(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page.get_by_role("status").first).to_be_visible()
    assert contributor_a.authenticator_set.filter(type="totp").exists()

    tab.page.get_by_role("button", name="Sign out").click()
    tab.go("/en/accounts/login/")
    tab.page.locator("main form [name=login]").fill(contributor_a.email)
    tab.page.locator("main form [name=password]").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page).to_have_url(re.compile(r"/en/accounts/2fa/authenticate/$"))
    tab.page.locator("main form [name=code]").fill(current_totp_code(secret))
    tab.page.locator("main form button[type=submit]").first.click()
    expect(tab.page).to_have_url(re.compile(r"/en/workspace/KE/$"))
    tab.assert_no_console_problems()


def test_a_practice_goes_from_draft_to_the_public_country_page(tab, second_tab, contributor_a, moderator):
    """A contributor drafts and submits; a moderator requests changes; the contributor answers;
    the moderator publishes; an anonymous visitor finds it on the country page. axe on every page."""
    findings = []
    contributor, staff = tab, second_tab

    contributor.sign_in(contributor_a)
    contributor.go("/en/workspace/KE/practices/")
    findings += contributor.audit("practice list")
    contributor.page.get_by_role("link", name="Write up a new practice").click()
    page = contributor.page
    page.get_by_label("Title").fill("Digital SME registry")
    page.get_by_label("Summary").fill("Firms register online in one day.")
    page.get_by_label("Description").fill("The registry replaced **seven** paper steps.")
    page.get_by_role("radio", name="National").check()
    page.get_by_role("checkbox", name="Digital transformation").check()
    page.get_by_role("button", name="Save and submit to ITC").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted to ITC for review")
    findings += contributor.audit("practice submitted")
    revision = PracticeRevision.objects.get()

    staff.sign_in(moderator, totp=True)
    staff.go("/en/staff/reviews/")
    findings += staff.audit("review queue")
    staff.page.get_by_role("link", name="Digital SME registry").click()
    findings += staff.audit("review page")
    staff.page.get_by_label("What should change").fill("Please give the number of firms registered.")
    staff.page.get_by_role("button", name="Request changes").click()
    expect(staff.page.get_by_role("status")).to_contain_text("Changes requested")
    # The team was told by e-mail, with the comment; the moderator was told of the submission.
    assert [message.subject for message in mail.outbox if moderator.email in message.to] == [
        "[SME Platform] New practice to review: Digital SME registry"
    ]
    [told] = [message for message in mail.outbox if contributor_a.email in message.to]
    assert "Please give the number of firms registered." in told.body

    contributor.go(f"/en/workspace/KE/practices/{revision.practice_id}/edit/")
    expect(contributor.page.get_by_role("region", name="Changes requested by ITC")).to_contain_text("number of firms")
    findings += contributor.audit("form with the moderator's comment")
    contributor.page.get_by_label("Key indicators").fill("Firms registered online | 12,500 | 2025")
    contributor.page.get_by_role("button", name="Save and submit to ITC").click()
    expect(contributor.page.get_by_role("status")).to_contain_text("Submitted to ITC for review")

    staff.go(f"/en/staff/reviews/{revision.pk}/")
    staff.page.get_by_label("Evidence label").select_option("early_results")
    staff.page.get_by_role("button", name="Publish").click()
    expect(staff.page.get_by_role("status")).to_contain_text("Published")

    visitor = contributor
    visitor.page.get_by_role("button", name="Sign out").click()
    for language, heading in [("en", "1 published practice"), ("es", "1 práctica publicada")]:
        visitor.go(f"/{language}/countries/KE/")
        expect(visitor.page.get_by_role("heading", name=heading)).to_be_visible()
        findings += visitor.audit("country page with the practice")
        visitor.page.get_by_role("link", name="Digital SME registry").click()
        expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Digital SME registry")
        expect(visitor.page.get_by_text("Firms registered online")).to_be_visible()
        findings += visitor.audit("public practice page")
        if os.environ.get("SCREENSHOTS") == "1":
            visitor.screenshot(f"practice-public-{language}")
    assert not findings, "\n".join(findings)
