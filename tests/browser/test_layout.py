"""The key pages at phone and desktop widths, in English and French.

At each width nothing scrolls sideways and the console is quiet; at the phone width
axe-core finds nothing either (some rules, such as keyboard access to scrolling regions,
only bite on a narrow screen; the desktop width is audited in test_pages).
With SCREENSHOTS=1 a full-page PNG of each is written to test-artifacts/screenshots/
for a person to look at; CI leaves that variable unset and spends no time on pictures.
"""

import os

from .conftest import BROWSER_TEST, DESKTOP, PHONE

pytestmark = BROWSER_TEST

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
LANGUAGES = ["en", "fr"]
SAVE_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"


def check_at_every_width(tab, pages):
    """pages: {name: path template with {lang}}. Returns the findings."""
    findings = []
    for width_name, viewport in WIDTHS.items():
        tab.page.set_viewport_size(viewport)
        for language in LANGUAGES:
            for name, path in pages.items():
                tab.go(path.format(lang=language))
                overflow = tab.page.evaluate("() => document.documentElement.scrollWidth") - viewport["width"]
                if overflow > 1:
                    findings.append(f"{tab.path()}: {overflow}px wider than the {width_name} screen")
                if width_name == "phone":
                    # The desktop width is audited page by page in test_pages.
                    findings += tab.audit(width_name)
                else:
                    findings += tab.structure_problems() + tab.take_problems()
                if SAVE_SCREENSHOTS:
                    tab.screenshot(f"{name}-{language}-{width_name}")
    return findings


def test_sign_in_workspace_and_team_pages_fit_phone_and_desktop(tab, focal_a, contributor_a, known_invitation):
    findings = check_at_every_width(tab, {"sign-in": "/{lang}/accounts/login/"})
    tab.sign_in(focal_a)
    findings += check_at_every_width(
        tab, {"workspace-KE": "/{lang}/workspace/KE/", "team-KE": "/{lang}/workspace/KE/team/"}
    )
    assert not findings, "\n".join(findings)


def test_on_a_phone_the_team_is_a_list_with_every_role_and_action_in_view(tab, focal_a, contributor_a, known_invitation):
    tab.sign_in(focal_a)
    tab.page.set_viewport_size(PHONE)
    tab.go("/en/workspace/KE/team/")
    for region in tab.page.locator(".table-scroll").all():
        # Nothing hidden to the side of the members or the invitations.
        assert region.evaluate("(element) => element.scrollWidth - element.clientWidth") <= 1
    members = tab.page.locator("#members-title ~ .table-scroll tbody tr")
    row = members.filter(has_text="Collins Contributor")
    assert "contributor.a@example.org" in row.inner_text() and "Contributor" in row.inner_text()
    # Each cell a line of the card, under its column's name.
    cells = row.locator("td").evaluate_all(
        "(cells) => cells.map((cell) => [getComputedStyle(cell).display, getComputedStyle(cell, '::before').content])"
    )
    assert cells[1:] == [["block", '"E-mail address"'], ["block", '"Role"'], ["block", '"Joined"'], ["block", '"Actions"']]
    button = row.get_by_role("button", name="Change role Collins Contributor")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    findings = tab.audit("team page on a phone")
    assert not findings, "\n".join(findings)


def test_staff_dashboard_fits_phone_and_desktop(tab, moderator, contributor_a, contributor_b, known_invitation):
    tab.sign_in(moderator, totp=True)
    findings = check_at_every_width(tab, {"staff-dashboard": "/{lang}/staff/"})
    assert not findings, "\n".join(findings)
