"""Meetings in the browser: staff prepare a meeting, a focal point records a presentation, staff
confirm it, and the public sees it on the meeting's page and the country's page. axe on every page."""

import os
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Meeting, Presentation
from tests.factories import publish_practice

from .conftest import BROWSER_TEST, LANGUAGES

pytestmark = BROWSER_TEST

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def report(findings):
    return f"{len(findings)} problem(s):\n" + "\n".join(findings)


def test_a_meeting_is_prepared_a_presentation_recorded_confirmed_and_shown(tab, second_tab, moderator, focal_a, country_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee fund")
    findings = []
    staff, focal = tab, second_tab

    # Staff create the meeting, in Nairobi's time, and build its agenda.
    staff.sign_in(moderator, totp=True, findings=findings)
    staff.go("/en/staff/")
    staff.page.get_by_role("link", name="Meetings", exact=True).last.click()
    expect(staff.page).to_have_url(re.compile(r"/en/staff/meetings/$"))
    findings += staff.audit("staff meetings list, empty")
    staff.page.get_by_role("link", name="New meeting").click()
    findings += staff.audit("new meeting form")
    page = staff.page
    page.get_by_label("Title (English)").fill("Technical meeting on SME finance")
    page.get_by_label("Kind").select_option("technical")
    page.get_by_role("radio", name="Hybrid").check()
    page.get_by_label("Time zone").select_option("Africa/Nairobi")
    page.get_by_label("Starts").fill("2030-03-12T09:00")
    page.get_by_label("Ends").fill("2030-03-12T17:00")
    page.get_by_label("Place").fill("Nairobi, KICC")
    page.get_by_label("Description (English)").fill("Officials compare **credit guarantee** schemes.")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting created")
    findings += staff.audit("staff meeting page")

    # An item outside the meeting is refused with a clear message, then the agenda is built.
    page.get_by_label("Time:", exact=True).fill("2030-03-12T18:30")
    page.get_by_label("Title (English):", exact=True).fill("Dinner")
    page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_role("alert")).to_contain_text("The time must fall within the meeting")
    findings += staff.audit("agenda item refused")
    for time, title, speakers in [("2030-03-12T09:00", "Opening", "ITC"), ("2030-03-12T10:00", "Country experiences", "Kenya, Colombia")]:
        page.get_by_label("Time:", exact=True).fill(time)
        page.get_by_label("Title (English):", exact=True).fill(title)
        page.get_by_label("Speakers").fill(speakers)
        page.get_by_role("button", name="Add the item").click()
        expect(page.get_by_role("status")).to_contain_text("Agenda item added")
    page.get_by_role("button", name="Move up Country experiences").click()
    expect(page.get_by_role("status")).to_contain_text("Agenda item moved")
    expect(page.locator("table th[scope=row]").first).to_have_text("Country experiences")
    page.get_by_role("button", name="Make public").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting is public")
    findings += staff.audit("staff meeting page with its agenda, public")
    meeting = Meeting.objects.get()
    assert meeting.agenda.count() == 2 and meeting.is_published

    # Kenya's focal point records a presentation of a published practice.
    focal.sign_in(focal_a)
    focal.go("/en/workspace/KE/meetings/")
    findings += focal.audit("workspace meetings")
    focal.page.get_by_role("link", name=re.compile("Record a presentation")).click()
    findings += focal.audit("presentation form")
    focal.page.get_by_label("Title of the presentation").fill("Kenya's credit guarantee fund")
    focal.page.get_by_label("Summary").fill("How the fund shares the risk of loans to small firms.")
    focal.page.get_by_role("checkbox", name="Credit guarantee fund").check()
    focal.page.get_by_role("button", name="Record the presentation").click()
    expect(focal.page.get_by_role("status")).to_contain_text("Presentation recorded")
    expect(focal.page.get_by_text("Declared by the country, to be confirmed by ITC")).to_be_visible()
    findings += focal.audit("workspace meetings with the declaration")

    # Staff confirm it from the list of declarations waiting.
    staff.go("/en/staff/meetings/")
    findings += staff.audit("staff meetings list with a declaration waiting")
    staff.page.get_by_role("button", name="Confirm Kenya's credit guarantee fund", exact=True).click()
    expect(staff.page.get_by_role("status")).to_contain_text("Confirmed")
    assert Presentation.objects.get().status == "confirmed"

    # The public sees it on the meeting's page and on Kenya's page.
    visitor = focal
    visitor.page.get_by_role("button", name="Sign out").click()
    visitor.go("/en/meetings/")
    findings += visitor.audit("public meetings list")
    visitor.page.get_by_role("link", name="Technical meeting on SME finance").click()
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Technical meeting on SME finance")
    presentations = visitor.page.get_by_role("region", name="Country presentations")
    expect(presentations).to_contain_text("Kenya's credit guarantee fund")
    expect(visitor.page.get_by_role("list").filter(has_text="Opening")).to_contain_text("Country experiences")
    expect(visitor.page.get_by_text("time in Africa/Nairobi").first).to_be_visible()
    findings += visitor.audit("public meeting page")
    presentations.get_by_role("link", name="Credit guarantee fund").click()
    expect(visitor.page).to_have_url(re.compile(rf"/en/practices/{practice.pk}/$"))
    visitor.go("/en/countries/KE/")
    meetings = visitor.page.get_by_role("region", name="Meetings")
    expect(meetings).to_contain_text("Presentations given")
    expect(meetings).to_contain_text("Kenya's credit guarantee fund")
    findings += visitor.audit("country page with the presentation")
    assert not findings, report(findings)


@pytest.fixture
def public_meetings(moderator, focal_a, country_a, settings, tmp_path):
    """An upcoming meeting with an agenda, a document and a confirmed presentation; a past one with an outcome."""
    settings.MEDIA_ROOT = tmp_path
    practice = publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee fund")
    start = (timezone.now() + timedelta(days=40)).replace(hour=6, minute=0, second=0, microsecond=0)
    upcoming = services.create_meeting(
        by=moderator,
        data={
            "title": "Global SME Ministerial Meeting", "kind": "ministerial", "format": "in_person", "time_zone": "Europe/Zurich",
            "starts_at": start, "ends_at": start + timedelta(days=1, hours=9), "place": "Geneva, Palais des Nations",
            "description": "Ministers adopt the **Call to Action**.\n\n- Finance\n- Digital", "delegates_count": 120, "is_sample": True,
        },
    )
    upcoming = services.publish_meeting(upcoming, by=moderator)
    services.add_agenda_item(upcoming, by=moderator, starts_at=start + timedelta(hours=1), title="Opening", speakers="ITC Executive Director")
    services.add_agenda_item(upcoming, by=moderator, starts_at=start + timedelta(hours=3), title="Country experiences", speakers="Kenya")
    services.add_document(upcoming, by=moderator, upload=SimpleUploadedFile("agenda.pdf", PDF), title="Annotated agenda", kind="agenda")
    services.declare_participation(upcoming, by=moderator, country=country_a, delegates=4)
    services.declare_presentation(upcoming, by=moderator, country=country_a, title="Kenya's credit guarantee fund", practices=[practice])
    past_start = timezone.now() - timedelta(days=200)
    past = services.create_meeting(
        by=moderator,
        data={
            "title": "Webinar on e-commerce for SMEs", "kind": "workshop", "format": "virtual", "time_zone": "UTC",
            "starts_at": past_start, "ends_at": past_start + timedelta(hours=2), "outcome": "A guide was agreed.",
        },
    )
    services.publish_meeting(past, by=moderator)
    return upcoming


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_meeting_pages_are_accessible_and_respect_the_csp(tab, language, public_meetings):
    findings = []
    findings += tab.audit_page(f"/{language}/meetings/")
    if os.environ.get("SCREENSHOTS") == "1" and language in ("en", "fr"):
        tab.screenshot(f"meetings-list-{language}")
    findings += tab.audit_page(f"/{language}/meetings/{public_meetings.slug}/")
    expect(tab.page.get_by_role("note")).to_be_visible()
    if os.environ.get("SCREENSHOTS") == "1" and language in ("en", "fr"):
        tab.screenshot(f"meeting-page-{language}")
    findings += tab.audit_page(f"/{language}/meetings/no-such-meeting/", status=404)
    assert not findings, report(findings)
