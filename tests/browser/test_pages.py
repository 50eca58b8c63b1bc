"""Every main page, in every language, for every role: no axe-core violation, no console
error, no Content-Security-Policy report, the page's language declared, one h1.

Each test gathers the findings of all its pages and fails once with the full list.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import BROWSER_TEST, LANGUAGES

pytestmark = BROWSER_TEST


def report(findings):
    return f"{len(findings)} problem(s):\n" + "\n".join(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_are_accessible_and_respect_the_csp(tab, language, known_invitation):
    _invitation, token = known_invitation
    findings = []
    for path in [
        f"/{language}/",
        f"/{language}/countries/",
        f"/{language}/countries/KE/",
        # The footer's pages.
        f"/{language}/about/",
        f"/{language}/accessibility/",
        f"/{language}/privacy/",
        f"/{language}/terms/",
        f"/{language}/contact/",
        f"/{language}/accounts/login/",
        f"/{language}/accounts/password/reset/",
        f"/{language}/accounts/signup/",
        f"/{language}/invitations/{token}/",
    ]:
        findings += tab.audit_page(path)
    findings += tab.audit_page(f"/{language}/no-such-page/", status=404)
    findings += tab.audit_page(f"/{language}/invitations/no-such-token/", status=404)
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_focal_point_pages_are_accessible_and_respect_the_csp(tab, language, focal_a, contributor_a, contributor_b, known_invitation):
    from practices import services as practice_services

    practice, _revision = practice_services.create_practice(focal_a.membership.country, by=focal_a, content={"title": "Shared desk"})
    tab.sign_in(focal_a)
    findings = []
    for path in [
        # The owner's focal point shares practices with co-owner countries from here.
        f"/{language}/workspace/KE/practices/{practice.pk}/",
        f"/{language}/workspace/KE/",
        f"/{language}/workspace/KE/team/",
        f"/{language}/workspace/KE/team/invite/",
        f"/{language}/workspace/KE/profile/",
        f"/{language}/workspace/KE/history/",
        f"/{language}/accounts/password/change/",
        f"/{language}/accounts/email/",
        f"/{language}/accounts/2fa/",
    ]:
        findings += tab.audit_page(path)
    # Enrolling an authenticator app asks for the password again, then shows the QR code
    # (a data: image the CSP allows) and the code field.
    tab.page.goto(tab.url(f"/{language}/accounts/2fa/totp/activate/"))
    expect(tab.page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    findings += tab.audit("password asked again")
    tab.page.locator("main form [name=password]").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page).to_have_url(f"{tab.base_url}/{language}/accounts/2fa/totp/activate/")
    expect(tab.page.locator("img.qr-code")).to_be_visible()
    findings += tab.audit("authenticator enrolment")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_contributor_pages_are_accessible_and_respect_the_csp(tab, language, contributor_a):
    tab.sign_in(contributor_a)
    findings = []
    for path in [f"/{language}/workspace/KE/", f"/{language}/workspace/KE/team/"]:
        findings += tab.audit_page(path)
    # What a contributor may not do, and another country's workspace.
    findings += tab.audit_page(f"/{language}/workspace/KE/team/invite/", status=403)
    findings += tab.audit_page(f"/{language}/workspace/CO/", status=404)
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_for_a_signed_in_user_without_a_team_is_accessible(tab, language, outsider):
    tab.sign_in(outsider)
    expect(tab.page).to_have_url(f"{tab.base_url}/en/workspace/")
    findings = tab.audit_page(f"/{language}/workspace/")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_are_accessible_and_respect_the_csp(tab, language, moderator, contributor_a, known_invitation):
    findings = []
    tab.sign_in(moderator, language=language, totp=True, findings=findings)
    for path in [
        f"/{language}/staff/",
        f"/{language}/staff/invite/",
        f"/{language}/staff/notifications/",
        f"/{language}/workspace/KE/",
        f"/{language}/workspace/KE/team/",
    ]:
        findings += tab.audit_page(path)
    assert not findings, report(findings)


# --- Forms showing their errors ---


def expect_error_summary(tab):
    summary = tab.page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    return summary


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_with_a_wrong_password_shows_an_accessible_error(tab, language, focal_a):
    tab.go(f"/{language}/accounts/login/")
    form = tab.page.locator("main form")
    form.locator("[name=login]").fill(focal_a.email)
    form.locator("[name=password]").fill("not-the-password")
    form.locator("button[type=submit]").click()
    expect_error_summary(tab)
    expect(tab.page.locator("[name=login]")).to_have_value(focal_a.email)
    # Still signed out.
    expect(tab.page.locator("form[action$='/accounts/logout/']")).to_have_count(0)
    findings = tab.audit("sign-in with a wrong password")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_invite_form_errors_are_accessible_and_point_at_the_field(tab, language, focal_a):
    tab.sign_in(focal_a)
    tab.go(f"/{language}/workspace/KE/team/invite/")
    tab.page.locator("[name=email]").fill("not-an-e-mail")
    tab.page.locator("main form button[type=submit]").click()
    summary = expect_error_summary(tab)
    # The summary links to the field, and the field is described by its error.
    link = summary.locator("a[href='#id_email']")
    expect(link).to_be_visible()
    # It names the field as its label does, punctuation of the language included.
    label = tab.page.locator("label[for=id_email]").inner_text().strip()
    assert link.inner_text().startswith(label), (link.inner_text(), label)
    email = tab.page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby") or ""
    assert described_by, "the invalid field names no description"
    for element_id in described_by.split():
        expect(tab.page.locator(f"[id='{element_id}']")).to_have_count(1)
    link.click()
    expect(email).to_be_focused()
    findings = tab.audit("invite form with an invalid e-mail")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_invite_form_errors_are_accessible(tab, language, moderator):
    tab.sign_in(moderator, totp=True)
    tab.go(f"/{language}/staff/invite/")
    tab.page.locator("[name=email]").fill("not-an-e-mail")
    tab.page.locator("main form button[type=submit]").click()
    summary = expect_error_summary(tab)
    expect(summary.locator("a[href='#id_country']")).to_be_visible()
    expect(summary.locator("a[href='#id_email']")).to_be_visible()
    findings = tab.audit("staff invite form with errors")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitation_form_errors_are_accessible(tab, language, known_invitation):
    _invitation, token = known_invitation
    tab.go(f"/{language}/invitations/{token}/")
    form = tab.page.locator("main form")
    form.locator("[name=full_name]").fill("Ivy Invitee")
    form.locator("[name=password1]").fill("a-long-enough-passphrase")
    form.locator("[name=password2]").fill("a-different-passphrase")
    form.locator("button[type=submit]").click()
    summary = expect_error_summary(tab)
    expect(summary.locator("a[href='#id_password2']")).to_be_visible()
    expect(tab.page.locator("#id_password2")).to_have_attribute("aria-invalid", "true")
    findings = tab.audit("invitation form with differing passwords")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_practice_workspace_pages_are_accessible_and_respect_the_csp(tab, language, contributor_a, country_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from practices import services as practice_services

    practice, _revision = practice_services.create_practice(
        country_a, by=contributor_a, content={"title": "Export desk", "description": "A **one-stop** desk.", "themes": ["internationalisation-trade"]}
    )
    tab.sign_in(contributor_a)
    findings = []
    for path in [
        f"/{language}/workspace/KE/practices/",
        f"/{language}/workspace/KE/practices/new/",
        f"/{language}/workspace/KE/practices/{practice.pk}/",
        f"/{language}/workspace/KE/practices/{practice.pk}/edit/",
    ]:
        findings += tab.audit_page(path)
    # Documents: a disguised executable is refused next to the field; a PDF is listed.
    tab.go(f"/{language}/workspace/KE/practices/{practice.pk}/")
    upload_form = tab.page.locator("form[action$='/documents/']")
    upload_form.locator("[name=title]").fill("Tool")
    upload_form.locator("[name=file]").set_input_files(files=[{"name": "tool.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\x00" * 64}])
    upload_form.locator("button[type=submit]").click()
    expect(tab.page.locator(".error-summary")).to_be_visible()
    findings += tab.audit("refused document")
    upload_form = tab.page.locator("form[action$='/documents/']")
    upload_form.locator("[name=title]").fill("Annual report")
    upload_form.locator("[name=file]").set_input_files(files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    upload_form.locator("button[type=submit]").click()
    expect(tab.page.get_by_role("link", name="Annual report")).to_be_visible()
    findings += tab.audit("document added")
    tab.go(f"/{language}/workspace/KE/practices/{practice.pk}/edit/")
    # Submitting the incomplete draft from its form: saved, with the missing fields marked.
    tab.page.locator("main form button[name=submit]").click()
    expect(tab.page.locator(".error-summary")).to_be_visible()
    findings += tab.audit("draft form with the fields needed for review")
    if os.environ.get("SCREENSHOTS") == "1":
        tab.screenshot(f"practice-draft-form-{language}")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_page_with_changes_is_accessible_and_respects_the_csp(tab, language, contributor_a, moderator, country_a):
    from practices import services as practice_services

    content = {"title": "Export desk", "summary": "Advice for first-time exporters.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
    _practice, first = practice_services.create_practice(country_a, by=contributor_a, content=content)
    practice_services.submit_revision(first, by=contributor_a)
    practice_services.publish_revision(first, by=moderator)
    second = practice_services.start_revision(first.practice, by=contributor_a)
    practice_services.save_revision(second, by=contributor_a, changes={**second.content, "summary": "Advice and finance for first-time exporters."})
    practice_services.submit_revision(second, by=contributor_a)
    findings = []
    tab.sign_in(moderator, language=language, totp=True)
    for path in [f"/{language}/staff/reviews/", f"/{language}/staff/reviews/{second.pk}/", f"/{language}/practices/{first.practice_id}/"]:
        findings += tab.audit_page(path)
    tab.go(f"/{language}/staff/reviews/{second.pk}/")
    expect(tab.page.locator(".diff ins")).to_contain_text("and finance")
    if os.environ.get("SCREENSHOTS") == "1":
        tab.screenshot(f"review-with-diff-{language}")
    # Requesting changes without a comment: the error is shown next to the field.
    tab.page.locator("form[action$='/request-changes/'] button[type=submit]").click()
    expect(tab.page.locator(".error-summary")).to_be_visible()
    findings += tab.audit("review page with a missing comment")
    # Correcting the tags: the form folds out, and the correction is saved without deciding.
    tab.go(f"/{language}/staff/reviews/{second.pk}/")
    tab.page.locator("details.tags-correction summary").click()
    findings += tab.audit("review page with the tags form open")
    tab.page.locator("input[name=themes][value=green-transition]").check()
    tab.page.locator("form[action$='/tags/'] button[type=submit]").click()
    expect(tab.page.locator(".message-success")).to_be_visible()
    second.refresh_from_db()
    assert "green-transition" in second.content["themes"] and second.status == "submitted"
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_version_comparison_is_accessible_and_respects_the_csp(tab, language, contributor_a, moderator, country_a):
    from practices import services as practice_services

    content = {"title": "Export desk", "summary": "Advice for first-time exporters.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
    practice, first = practice_services.create_practice(country_a, by=contributor_a, content=content)
    practice_services.submit_revision(first, by=contributor_a)
    practice_services.publish_revision(first, by=moderator)
    second = practice_services.start_revision(practice, by=contributor_a)
    practice_services.save_revision(
        second, by=contributor_a, changes={**second.content, "summary": "Advice and finance for first-time exporters.", "themes": ["access-to-finance"]}
    )
    single, _draft = practice_services.create_practice(country_a, by=contributor_a, content={"title": "Only a draft"})
    tab.sign_in(contributor_a)
    compare = f"/{language}/workspace/KE/practices/{practice.pk}/compare/"
    findings = []
    for path in [f"/{language}/workspace/KE/practices/{practice.pk}/", compare, f"/{language}/workspace/KE/practices/{single.pk}/compare/"]:
        findings += tab.audit_page(path)
    # From the history to the comparison, then choosing the versions in the form.
    tab.go(f"/{language}/workspace/KE/practices/{practice.pk}/")
    tab.page.locator(f"#history-title ~ p a[href='{compare}']").click()
    expect(tab.page.locator(".diff ins").first).to_contain_text("and finance")
    tab.page.locator("select[name=from]").select_option("2")
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page.locator(".message")).to_be_visible()
    findings += tab.audit("the same version twice")
    findings += tab.audit_page(f"{compare}?from=7&to=2", status=404)
    if os.environ.get("SCREENSHOTS") == "1":
        tab.go(compare)
        tab.screenshot(f"version-compare-{language}")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_spreadsheet_import_pages_are_accessible_and_respect_the_csp(tab, language, moderator, focal_a):
    findings = []
    tab.sign_in(moderator, language=language, totp=True)
    findings += tab.audit_page(f"/{language}/staff/import/")
    # A file that is no spreadsheet: the error is shown next to the field.
    upload_form = tab.page.locator("main form[enctype='multipart/form-data']")
    upload_form.locator("[name=file]").set_input_files(files=[{"name": "picture.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}])
    upload_form.locator("button[type=submit]").click()
    expect(tab.page.locator(".error-summary")).to_be_visible()
    findings += tab.audit("upload refused")
    # A file with a good row and bad rows: the preview shows each row's outcome.
    spreadsheet = "country,title,level,themes\nKE,Export desk,national,access-to-finance\nAtlantis,Lost desk,,\nKE,,federal,space-travel\n"
    upload_form = tab.page.locator("main form[enctype='multipart/form-data']")
    upload_form.locator("[name=file]").set_input_files(files=[{"name": "practices.csv", "mimeType": "text/csv", "buffer": spreadsheet.encode()}])
    upload_form.locator("button[type=submit]").click()
    expect(tab.page).to_have_url(re.compile(r"/staff/import/\d+/$"))
    expect(tab.page.locator("main .errorlist").first).to_be_visible()
    findings += tab.audit("preview with errors")
    tab.page.locator("form[action$='/confirm/'] button[type=submit]").click()
    expect(tab.page.locator("main table a").first).to_have_text("Export desk")
    findings += tab.audit("imported")
    if os.environ.get("SCREENSHOTS") == "1":
        tab.screenshot(f"import-preview-{language}")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_and_comparison_are_accessible_on_desktop_and_phone(tab, language, moderator, country_a, country_b):
    from countries.models import Country
    from practices import services as practice_services

    from .conftest import DESKTOP, PHONE

    def publish(owner, title, **content):
        content = {"title": title, "summary": f"What {title} does, in two sentences. It works.", "description": "A desk.", "level": "national", "themes": ["access-to-finance", "digital-transformation"], **content}
        practice, revision = practice_services.create_practice(owner, by=moderator, content=content)
        practice_services.submit_revision(revision, by=moderator)
        practice_services.publish_revision(revision, by=moderator, evidence_label="monitored")
        return practice

    long_text = "Banks would not lend to small firms without collateral. " * 6
    practices = [
        publish(country_a, "Credit guarantee for women-led SMEs", problem=long_text, results=long_text, start_year=2019, end_year=2024,
                indicators=[{"name": "Loans guaranteed", "value": "1 200", "year": 2023}], instruments=["guarantee-credit-line"]),
        publish(country_b, "Ventanilla única de exportación", original_language="es", problem=long_text, target_groups=["exporters"]),
        publish(Country.objects.get(iso2="SN"), "Registre numérique des entreprises", original_language="fr", responsible_institution="APIX"),
    ]
    compare = f"/{language}/practices/compare/?" + "&".join(f"p={practice.pk}" for practice in practices)
    findings = []
    for width_name, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        tab.page.set_viewport_size(viewport)
        for name, path in (("home", f"/{language}/"), ("compare", compare)):
            findings += tab.audit_page(path)
            overflow = tab.page.evaluate("() => document.documentElement.scrollWidth") - viewport["width"]
            if overflow > 1:
                findings.append(f"{path}: {overflow}px too wide at {width_name} width")
            if os.environ.get("SCREENSHOTS") == "1":
                tab.screenshot(f"{name}-{width_name}-{language}")
        expect(tab.page.locator("main table thead th a[lang=es]")).to_have_text("Ventanilla única de exportación")
        if width_name == "phone":
            # The table scrolls inside its box, which the keyboard can reach.
            box = tab.page.locator(".table-scroll")
            assert box.evaluate("element => element.scrollWidth > element.clientWidth"), "the comparison fits a phone: nothing to scroll"
            box.focus()
            expect(box).to_be_focused()
    # Removing one practice leaves the other two side by side.
    tab.page.locator("main thead th").nth(1).locator("a.remove-link").click()
    expect(tab.page.locator("main thead th[scope=col]")).to_have_count(3)
    findings += tab.audit("comparison after removing a practice")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_world_map_and_region_pages_are_accessible_on_desktop_and_phone(tab, language, moderator, country_a):
    from countries.models import Country
    from practices import services as practice_services

    from .conftest import DESKTOP, PHONE, SCREENSHOT_DIR

    content = {"title": "Export desk", "summary": "Advice for first-time exporters.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
    practice, revision = practice_services.create_practice(country_a, by=moderator, content=content)
    practice_services.submit_revision(revision, by=moderator)
    practice_services.publish_revision(revision, by=moderator)
    practice_services.add_co_owner(practice, by=moderator, country=Country.objects.get(iso2="KN"))
    findings = []
    for width_name, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        tab.page.set_viewport_size(viewport)
        for path in (f"/{language}/regions/", f"/{language}/regions/sub-saharan-africa/", f"/{language}/regions/caribbean/"):
            findings += tab.audit_page(path)
            overflow = tab.page.evaluate("() => document.documentElement.scrollWidth") - viewport["width"]
            if overflow > 1:
                findings.append(f"{path}: {overflow}px too wide at {width_name} width")
        tab.go(f"/{language}/regions/")
        world_map = tab.page.locator("figure.world-map svg")
        assert world_map.bounding_box()["width"] <= viewport["width"]
        # A shaded country and a small island state (a dot) are links the keyboard reaches.
        for iso2 in ("KE", "KN"):
            link = world_map.locator(f"a[href='/{language}/countries/{iso2}/']")
            expect(link).to_have_class("map-shade-1")
            link.focus()
            expect(link).to_be_focused()
        findings += tab.audit("map with a country focused")
        # The table of a region's countries, folded under its heading, opens without JavaScript.
        tab.page.locator("details.region-countries summary").first.click()
        expect(tab.page.locator("details.region-countries table").first).to_be_visible()
        findings += tab.audit("a region's table open")
        if tab.page.evaluate("() => document.documentElement.scrollWidth") > viewport["width"] + 1:
            findings.append(f"/{language}/regions/ with a table open: too wide at {width_name} width")
        if os.environ.get("SCREENSHOTS") == "1":
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            tab.page.locator("figure.world-map").screenshot(path=str(SCREENSHOT_DIR / f"region-map-{width_name}-{language}.png"))
            tab.screenshot(f"region-map-page-{width_name}-{language}")
            tab.go(f"/{language}/regions/sub-saharan-africa/")
            tab.screenshot(f"region-detail-{width_name}-{language}")
    assert not findings, report(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_open_data_page_and_a_citation_are_accessible_and_respect_the_csp(tab, language, focal_a, moderator, country_a):
    from practices import services as practice_services

    content = {"title": "Export desk", "summary": "Advice for first-time exporters.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
    practice, revision = practice_services.create_practice(country_a, by=focal_a, content=content)
    practice_services.submit_revision(revision, by=focal_a)
    practice_services.publish_revision(revision, by=moderator)
    findings = []
    for path in [f"/{language}/open-data/", f"/{language}/practices/{practice.pk}/", f"/{language}/practices/?theme=internationalisation-trade"]:
        findings += tab.audit_page(path)
    expect(tab.page.locator("a[href$='export.csv?theme=internationalisation-trade']")).to_be_visible()
    assert not findings, report(findings)


# --- The Call to Action ---


@pytest.fixture
def call_to_action_record(country_a, country_b, focal_a, contributor_a, moderator):
    """The Call to Action with its mandates; Kenya's endorsement confirmed, Colombia's declared;
    a published story of Kenya, one in review and one sent back for changes."""
    from datetime import date

    from meetings import services as cta_services
    from meetings.models import Deliverable, DeliverableEvent
    from tests.meetings.test_call_to_action import make_call, story_content

    call = make_call()
    guideline = Deliverable.objects.get(title="NDC guideline")
    DeliverableEvent.objects.create(deliverable=guideline, happened_on=date(2025, 3, 1), title="Presented to ministers", meeting=call.adopted_at)
    DeliverableEvent.objects.create(deliverable=guideline, happened_on=date(2024, 11, 12), title="Draft shared", link="https://example.org/ndc")
    cta_services.record_endorsement(call, country=country_a, by=moderator, endorsed_on=date(2024, 6, 27), meeting=call.adopted_at)
    cta_services.declare_endorsement(call, country=country_b, by=moderator)
    stories = {}
    for key, title in [("published", "Ministry of Environment used the NDC guideline"), ("review", "Export agency used it"), ("changes", "SME agency used it")]:
        story = cta_services.create_uptake_story(country_a, by=contributor_a, content=story_content(title=title, used_deliverable=guideline))
        cta_services.submit_uptake_story(story, by=contributor_a)
        stories[key] = story
    cta_services.publish_uptake_story(stories["published"], by=moderator)
    cta_services.request_story_changes(stories["changes"], by=moderator, comment="Name the institution.")
    return {"call": call, "guideline": guideline, **stories}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_call_to_action_pages_are_accessible_and_respect_the_csp(tab, second_tab, language, call_to_action_record, focal_a, moderator):
    record = call_to_action_record
    findings = []
    findings += tab.audit_page(f"/{language}/call-to-action/")
    expect(tab.page.locator("progress").first).to_be_attached()
    if os.environ.get("SCREENSHOTS") == "1":
        tab.screenshot(f"call-to-action-{language}")
    findings += tab.audit_page(f"/{language}/call-to-action/stories/{record['published'].pk}/")
    findings += tab.audit_page(f"/{language}/call-to-action/stories/{record['review'].pk}/", status=404)
    findings += tab.audit_page(f"/{language}/countries/KE/")
    tab.sign_in(focal_a, language=language)
    for path in [
        f"/{language}/workspace/KE/call-to-action/",
        f"/{language}/workspace/KE/call-to-action/stories/new/",
        f"/{language}/workspace/KE/call-to-action/stories/{record['changes'].pk}/",
        f"/{language}/workspace/KE/call-to-action/stories/{record['changes'].pk}/edit/",
    ]:
        findings += tab.audit_page(path)
    # The declaration form of a country that has not endorsed yet, as staff see it.
    second_tab.sign_in(moderator, language=language, totp=True, findings=findings)
    for path in [
        f"/{language}/workspace/CO/call-to-action/",
        f"/{language}/staff/call-to-action/",
        f"/{language}/staff/call-to-action/endorsements/new/",
        f"/{language}/staff/call-to-action/deliverables/{record['guideline'].pk}/",
        f"/{language}/staff/call-to-action/stories/",
        f"/{language}/staff/call-to-action/stories/{record['review'].pk}/",
    ]:
        findings += second_tab.audit_page(path)
    # A progress figure outside 0-100: the form comes back with its error, accessibly.
    second_tab.go(f"/{language}/staff/call-to-action/deliverables/{record['guideline'].pk}/")
    second_tab.page.locator("[name=progress]").fill("101")
    second_tab.page.locator("form[action$='/progress/'] button[type=submit]").click()
    expect(second_tab.page.locator(".error-summary")).to_be_visible()
    findings += second_tab.audit("progress outside 0-100")
    assert not findings, report(findings)
