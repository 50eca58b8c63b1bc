"""Meetings: staff create and publish them with an agenda and documents; countries declare their
participation and presentations, staff confirm; the public sees what is published and confirmed,
and takes meetings into a calendar."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import AgendaItem, Confirmation, Meeting, MeetingDocument, Participation, Presentation, RecordEvent
from practices import services as practice_services
from tests.factories import MeetingFactory, publish_practice

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# An executable renamed to .pdf: refused by its content, whatever its name says.
DISGUISED = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def in_nairobi(*args):
    return datetime(*args, tzinfo=NAIROBI)


def meeting_data(**changes):
    start = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    data = {
        "title": "Technical meeting on SME finance",
        "kind": Meeting.Kind.TECHNICAL,
        "format": Meeting.Format.HYBRID,
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "time_zone": "Africa/Nairobi",
        "place": "Nairobi, KICC",
        "description": "Officials compare **credit guarantee** schemes.",
    }
    return {**data, **changes}


@pytest.fixture
def meeting(moderator):
    return MeetingFactory(by=moderator, published=True)


@pytest.fixture
def kenyan_practice(country_a, focal_a, moderator):
    return publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee fund")


def actions(meeting):
    return list(RecordEvent.objects.filter(meeting=meeting).order_by("pk").values_list("action", flat=True))


# --- Meetings: staff create, change and publish ---


def test_staff_create_a_meeting_with_a_generated_address_not_yet_public(moderator):
    meeting = services.create_meeting(by=moderator, data=meeting_data())
    assert meeting.slug == "technical-meeting-on-sme-finance"
    assert not meeting.is_published and meeting.created_by == moderator
    again = services.create_meeting(by=moderator, data=meeting_data())
    assert again.slug == "technical-meeting-on-sme-finance-2"
    assert actions(meeting) == [RecordEvent.Action.MEETING_CREATED]


@pytest.mark.parametrize("role", ["focal_a", "contributor_a", "contributor_b"])
def test_only_staff_create_or_publish_meetings(cast, role, meeting):
    with pytest.raises(PermissionDenied):
        services.create_meeting(by=cast[role], data=meeting_data())
    with pytest.raises(PermissionDenied):
        services.unpublish_meeting(meeting, by=cast[role])
    assert Meeting.objects.count() == 1


def test_an_end_before_the_start_is_refused_and_nothing_changes(moderator, meeting):
    data = meeting_data(ends_at=meeting.starts_at - timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        services.create_meeting(by=moderator, data=data)
    assert refused.value.message_dict["ends_at"] == ["The meeting ends before it starts."]
    with pytest.raises(ValidationError):
        services.update_meeting(meeting, by=moderator, data={**data, "title": "Renamed"})
    meeting.refresh_from_db()
    assert meeting.title == "Technical meeting on SME finance" and Meeting.objects.count() == 1


def test_an_unknown_time_zone_is_refused(moderator):
    with pytest.raises(ValidationError) as refused:
        services.create_meeting(by=moderator, data=meeting_data(time_zone="Mars/Olympus_Mons"))
    assert "time_zone" in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_publishing_twice_is_refused_with_a_message(moderator, meeting):
    with pytest.raises(ValidationError, match="already public"):
        services.publish_meeting(meeting, by=moderator)
    services.unpublish_meeting(meeting, by=moderator)
    assert not Meeting.objects.public().exists()


# --- The agenda ---


def test_agenda_items_are_added_in_order_and_moved_up_and_down(moderator, meeting):
    first = services.add_agenda_item(meeting, by=moderator, starts_at=meeting.starts_at, title="Opening", speakers="ITC")
    second = services.add_agenda_item(meeting, by=moderator, title="Country experiences")
    third = services.add_agenda_item(meeting, by=moderator, starts_at=meeting.ends_at, title="Closing")
    services.move_agenda_item(third, by=moderator, up=True)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Opening", "Closing", "Country experiences"]
    services.move_agenda_item(first, by=moderator, up=False)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Closing", "Opening", "Country experiences"]
    with pytest.raises(ValidationError, match="already last"):
        services.move_agenda_item(second, by=moderator, up=False)
    services.remove_agenda_item(second, by=moderator)
    assert meeting.agenda.count() == 2
    assert actions(meeting).count(RecordEvent.Action.AGENDA_CHANGED) == 6


def test_an_agenda_item_outside_the_meeting_is_refused_with_the_meetings_times(moderator, meeting):
    with pytest.raises(ValidationError) as refused:
        services.add_agenda_item(meeting, by=moderator, starts_at=meeting.ends_at + timedelta(minutes=1), title="After party")
    [message] = refused.value.message_dict["starts_at"]
    assert "must fall within the meeting" in message and "Africa/Nairobi" in message
    assert not AgendaItem.objects.exists()
    item = services.add_agenda_item(meeting, by=moderator, starts_at=meeting.starts_at, title="Opening")
    with pytest.raises(ValidationError):
        services.update_agenda_item(item, by=moderator, starts_at=meeting.starts_at - timedelta(days=1), title="Opening")
    item.refresh_from_db()
    assert item.starts_at == meeting.starts_at


def test_moving_the_meeting_away_from_its_agenda_is_refused(moderator, meeting):
    services.add_agenda_item(meeting, by=moderator, starts_at=meeting.starts_at + timedelta(hours=1), title="Opening")
    later = meeting.starts_at + timedelta(days=7)
    with pytest.raises(ValidationError, match="Opening"):
        services.update_meeting(meeting, by=moderator, data=meeting_data(starts_at=later, ends_at=later + timedelta(hours=2)))
    meeting.refresh_from_db()
    assert meeting.starts_at < later


# --- Documents ---


def test_staff_add_a_document_stored_under_a_generated_name(moderator, meeting):
    document = services.add_document(
        meeting, by=moderator, upload=SimpleUploadedFile("../../agenda.pdf", PDF), title="Agenda", kind=MeetingDocument.Kind.AGENDA
    )
    assert document.file.name.startswith("meeting-documents/") and "agenda" not in document.file.name
    assert (document.content_type, document.extension, document.size) == ("application/pdf", "pdf", len(PDF))
    services.remove_document(document, by=moderator)
    assert not MeetingDocument.objects.exists()
    assert actions(meeting)[-2:] == [RecordEvent.Action.DOCUMENT_ADDED, RecordEvent.Action.DOCUMENT_REMOVED]


def test_a_disguised_document_is_refused_and_nothing_is_stored(client, moderator, meeting, tmp_path):
    client.force_login(moderator)
    response = client.post(
        reverse("meetings:staff_document_add", args=[meeting.pk]),
        {"document-kind": "report", "document-title": "Report", "document-file": SimpleUploadedFile("report.pdf", DISGUISED)},
    )
    assert response.status_code == 200
    assert "Only PDF and Office documents" in response.content.decode()
    assert not MeetingDocument.objects.exists() and not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_only_staff_add_documents(focal_a, meeting):
    with pytest.raises(PermissionDenied):
        services.add_document(meeting, by=focal_a, upload=SimpleUploadedFile("a.pdf", PDF), title="Agenda")


# --- What countries declare ---


def test_a_focal_point_declares_participation_and_a_second_declaration_updates_it(focal_a, country_a, moderator, meeting):
    participation = services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3)
    assert participation.status == Confirmation.DECLARED
    services.confirm_declaration(participation, by=moderator)
    again = services.declare_participation(meeting, by=focal_a, country=country_a, delegates=4)
    assert Participation.objects.count() == 1
    # A changed claim is confirmed again.
    assert (again.pk, again.delegates, again.status) == (participation.pk, 4, Confirmation.DECLARED)


def test_staff_recording_for_a_country_is_confirmed_at_once(moderator, country_b, meeting):
    participation = services.declare_participation(meeting, by=moderator, country=country_b, delegates=2)
    assert participation.status == Confirmation.CONFIRMED and participation.decided_by == moderator
    with pytest.raises(ValidationError, match="waiting for confirmation"):
        services.decline_declaration(participation, by=moderator)


@pytest.mark.parametrize("role", ["focal_b", "contributor_b", "contributor_a"])
def test_a_claim_for_another_country_or_by_a_contributor_is_refused(request, role, country_a, meeting, kenyan_practice):
    person = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.declare_participation(meeting, by=person, country=country_a, delegates=1)
    with pytest.raises(PermissionDenied):
        services.declare_presentation(meeting, by=person, country=country_a, title="Our fund", practices=[kenyan_practice])
    assert not Participation.objects.exists() and not Presentation.objects.exists()


def test_a_country_cannot_declare_for_a_meeting_that_is_not_public(focal_a, country_a, moderator):
    hidden = services.create_meeting(by=moderator, data=meeting_data())
    with pytest.raises(PermissionDenied):
        services.declare_participation(hidden, by=focal_a, country=country_a)


def test_a_presentation_links_only_published_practices_of_the_country(focal_a, focal_b, country_a, country_b, moderator, meeting, kenyan_practice):
    colombian = publish_practice(country_b, by=focal_b, moderator=moderator, title="Fondo Emprender")
    draft, _revision = practice_services.create_practice(country_a, by=focal_a, content={"title": "Draft idea"})
    for practice in (colombian, draft):
        with pytest.raises(ValidationError) as refused:
            services.declare_presentation(meeting, by=focal_a, country=country_a, title="Our fund", practices=[kenyan_practice, practice])
        assert "practices" in refused.value.message_dict
    assert not Presentation.objects.exists()
    presentation = services.declare_presentation(meeting, by=focal_a, country=country_a, title="Our fund", practices=[kenyan_practice])
    assert list(presentation.practices.all()) == [kenyan_practice] and presentation.status == Confirmation.DECLARED


def test_staff_confirm_or_decline_only_what_is_declared(focal_a, country_a, moderator, meeting):
    presentation = services.declare_presentation(meeting, by=focal_a, country=country_a, title="Our fund")
    with pytest.raises(PermissionDenied):
        services.confirm_declaration(presentation, by=focal_a)
    services.decline_declaration(presentation, by=moderator, note="Not on the agenda.")
    with pytest.raises(ValidationError):
        services.confirm_declaration(presentation, by=moderator)
    presentation.refresh_from_db()
    assert presentation.status == Confirmation.DECLINED and presentation.decided_by == moderator
    event = RecordEvent.objects.filter(action=RecordEvent.Action.DECLINED).get()
    assert (event.country, event.from_status, event.to_status, event.note) == (country_a, "declared", "declined", "Not on the agenda.")


# --- Staff pages ---


def test_staff_create_a_meeting_through_the_form_in_its_own_time_zone(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("meetings:staff_meeting_create"),
        {
            "title": "Global SME Ministerial Meeting 2026", "slug": "", "kind": "ministerial", "format": "in_person",
            "time_zone": "Africa/Nairobi", "starts_at": "2026-09-14T09:00", "ends_at": "2026-09-15T17:30",
            "place": "Nairobi", "description": "", "outcome": "", "delegates_count": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:staff_meeting", args=[meeting.pk])
    # 09:00 in Nairobi (UTC+3) is 06:00 UTC.
    assert meeting.starts_at == datetime(2026, 9, 14, 6, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert meeting.ends_at == in_nairobi(2026, 9, 15, 17, 30)
    # The edit form shows the times on the meeting's clock again.
    page = client.get(reverse("meetings:staff_meeting_edit", args=[meeting.pk])).content.decode()
    assert 'value="2026-09-14T09:00"' in page


def test_staff_form_shows_an_end_before_the_start_next_to_the_field(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("meetings:staff_meeting_create"),
        {"title": "Webinar", "kind": "workshop", "format": "virtual", "time_zone": "UTC", "starts_at": "2026-09-14T09:00", "ends_at": "2026-09-14T08:00"},
    )
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "The meeting ends before it starts." in response.content.decode()


def test_staff_build_the_agenda_and_see_a_clear_message_for_an_item_outside_the_meeting(client, moderator):
    meeting = services.create_meeting(
        by=moderator, data=meeting_data(starts_at=in_nairobi(2026, 9, 14, 9), ends_at=in_nairobi(2026, 9, 14, 17))
    )
    client.force_login(moderator)
    url = reverse("meetings:staff_agenda_add", args=[meeting.pk])
    response = client.post(url, {"agenda-starts_at": "2026-09-14T09:30", "agenda-title": "Opening", "agenda-speakers": "ITC"})
    assert response.status_code == 302
    assert meeting.agenda.get().starts_at == in_nairobi(2026, 9, 14, 9, 30)
    response = client.post(url, {"agenda-starts_at": "2026-09-14T18:00", "agenda-title": "Dinner"})
    assert response.status_code == 200 and "must fall within the meeting" in response.content.decode()
    assert meeting.agenda.count() == 1
    item = meeting.agenda.get()
    response = client.post(reverse("meetings:staff_agenda_edit", args=[meeting.pk, item.pk]), {"starts_at": "2026-09-14T10:00", "title": "Welcome"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.starts_at) == ("Welcome", in_nairobi(2026, 9, 14, 10))


def test_staff_pages_of_another_meeting_item_are_not_found(client, moderator, meeting):
    other = services.create_meeting(by=moderator, data=meeting_data())
    item = services.add_agenda_item(other, by=moderator, title="Opening")
    client.force_login(moderator)
    assert client.post(reverse("meetings:staff_agenda_remove", args=[meeting.pk, item.pk])).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_staff_confirm_from_the_list_of_waiting_declarations(client, focal_a, country_a, moderator, meeting):
    participation = services.declare_participation(meeting, by=focal_a, country=country_a, delegates=2)
    client.force_login(moderator)
    page = client.get(reverse("meetings:staff_meeting_list")).content.decode()
    assert "Participations to confirm" in page and country_a.name in page
    response = client.post(reverse("meetings:staff_participation_confirm", args=[participation.pk]), {"back": "list"})
    assert response["Location"] == reverse("meetings:staff_meeting_list")
    participation.refresh_from_db()
    assert participation.status == Confirmation.CONFIRMED


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_staff_list_pages_keep_a_constant_number_of_queries(client, moderator, focal_a, country_a, django_assert_max_num_queries):
    for number in range(4):
        meeting = services.create_meeting(by=moderator, data=meeting_data(title=f"Meeting {number}"))
        meeting = services.publish_meeting(meeting, by=moderator)
        services.add_agenda_item(meeting, by=moderator, title="Opening")
        services.declare_participation(meeting, by=focal_a, country=country_a, delegates=1)
        services.declare_presentation(meeting, by=focal_a, country=country_a, title="Our fund")
    client.force_login(moderator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("meetings:staff_meeting_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meetings:staff_meeting", args=[meeting.pk])).status_code == 200
    client.force_login(focal_a)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("meetings:workspace_meeting_list", args=["KE"])).status_code == 200


# --- The country's workspace ---


def test_a_focal_point_records_participation_and_a_presentation_in_the_workspace(client, focal_a, country_a, meeting, kenyan_practice):
    client.force_login(focal_a)
    response = client.post(reverse("meetings:workspace_participation", args=["KE", meeting.pk]), {"delegates": "3"})
    assert response.status_code == 302
    response = client.post(
        reverse("meetings:workspace_presentation", args=["KE", meeting.pk]),
        {"title": "Kenya's credit guarantee fund", "summary": "How it works.", "practices": [kenyan_practice.pk]},
    )
    assert response.status_code == 302
    page = client.get(reverse("meetings:workspace_meeting_list", args=["KE"])).content.decode()
    assert "Kenya&#x27;s credit guarantee fund" in page and "Declared by the country, to be confirmed by ITC" in page
    assert Participation.objects.get().delegates == 3
    assert list(Presentation.objects.get().practices.all()) == [kenyan_practice]


def test_the_presentation_form_offers_only_the_countrys_published_practices(client, focal_a, focal_b, country_b, moderator, meeting, kenyan_practice):
    colombian = publish_practice(country_b, by=focal_b, moderator=moderator, title="Fondo Emprender")
    client.force_login(focal_a)
    url = reverse("meetings:workspace_presentation", args=["KE", meeting.pk])
    page = client.get(url).content.decode()
    assert "Credit guarantee fund" in page and "Fondo Emprender" not in page
    response = client.post(url, {"title": "Borrowed", "practices": [colombian.pk]})
    assert response.status_code == 200 and not Presentation.objects.exists()


def test_a_contributor_reads_the_meetings_but_cannot_declare(client, contributor_a, meeting):
    client.force_login(contributor_a)
    assert client.get(reverse("meetings:workspace_meeting_list", args=["KE"])).status_code == 200
    assert client.post(reverse("meetings:workspace_participation", args=["KE", meeting.pk]), {"delegates": "1"}).status_code == 403
    assert not Participation.objects.exists()


def test_another_countrys_member_gets_not_found(client, focal_b, meeting):
    client.force_login(focal_b)
    assert client.post(reverse("meetings:workspace_participation", args=["KE", meeting.pk]), {"delegates": "1"}).status_code == 404
    assert not Participation.objects.exists()


def test_an_unpublished_meeting_cannot_be_declared_in_the_workspace(client, focal_a, moderator):
    hidden = services.create_meeting(by=moderator, data=meeting_data())
    client.force_login(focal_a)
    assert client.get(reverse("meetings:workspace_participation", args=["KE", hidden.pk])).status_code == 404


# --- Public pages ---


@pytest.fixture
def full_meeting(moderator, focal_a, focal_b, country_a, country_b, meeting, kenyan_practice):
    services.add_agenda_item(meeting, by=moderator, starts_at=meeting.starts_at, title="Opening session", speakers="ITC Executive Director")
    services.add_document(meeting, by=moderator, upload=SimpleUploadedFile("agenda.pdf", PDF), title="Annotated agenda", kind="agenda")
    confirmed = services.declare_presentation(meeting, by=focal_a, country=country_a, title="Kenya's guarantee fund", practices=[kenyan_practice])
    services.confirm_declaration(confirmed, by=moderator)
    services.confirm_declaration(services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3), by=moderator)
    # Colombia's declarations wait for ITC: not public.
    services.declare_participation(meeting, by=focal_b, country=country_b, delegates=2)
    services.declare_presentation(meeting, by=focal_b, country=country_b, title="Unconfirmed talk")
    return meeting


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_meeting_page_shows_only_confirmed_declarations_and_published_practices(
    client, moderator, full_meeting, kenyan_practice, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = client.get(reverse("meetings:meeting_detail", args=[full_meeting.slug])).content.decode()
    assert "Opening session" in page and "Annotated agenda" in page and "<strong>credit guarantee</strong>" in page
    assert "Kenya&#x27;s guarantee fund" in page and reverse("practices:practice_detail", args=[kenyan_practice.pk]) in page
    assert reverse("countries:country_detail", args=["KE"]) in page
    assert "Unconfirmed talk" not in page and reverse("countries:country_detail", args=["CO"]) not in page
    assert "time in Africa/Nairobi" in page and "Sample data" not in page
    # The practice is archived: the presentation stays, without the link.
    practice_services.archive_practice(kenyan_practice, by=moderator)
    page = client.get(reverse("meetings:meeting_detail", args=[full_meeting.slug])).content.decode()
    assert "Kenya&#x27;s guarantee fund" in page and reverse("practices:practice_detail", args=[kenyan_practice.pk]) not in page


def test_sample_content_carries_a_notice(client, moderator, meeting):
    services.update_meeting(meeting, by=moderator, data={**meeting_data(), "is_sample": True})
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.slug])).content.decode()
    assert "Sample data: this page shows example content" in page


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_country_page_shows_meetings_attended_and_presentations_given(client, full_meeting, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("countries:country_detail", args=["KE"])).content.decode()
    assert "Meetings attended" in page and full_meeting.title in page and "Kenya&#x27;s guarantee fund" in page
    colombia = client.get(reverse("countries:country_detail", args=["CO"])).content.decode()
    assert "Meetings attended" not in colombia and "Unconfirmed talk" not in colombia


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_list_shows_upcoming_then_past_public_meetings_in_constant_queries(client, moderator, django_assert_max_num_queries):
    now = timezone.now()
    for number in range(3):
        for start in (now + timedelta(days=10 + number), now - timedelta(days=10 + number)):
            meeting = services.create_meeting(by=moderator, data=meeting_data(title=f"Meeting {start:%Y%m%d}", starts_at=start, ends_at=start + timedelta(hours=2)))
            services.publish_meeting(meeting, by=moderator)
    services.create_meeting(by=moderator, data=meeting_data(title="Not public yet"))
    with django_assert_max_num_queries(2):
        response = client.get(reverse("meetings:meeting_list"))
    page = response.content.decode()
    assert [meeting.pk for meeting in response.context["upcoming"]] == list(Meeting.objects.upcoming().values_list("pk", flat=True))
    assert len(response.context["upcoming"]) == 3 and len(response.context["past"]) == 3
    assert page.index("Upcoming meetings") < page.index("Past meetings") and "Not public yet" not in page


def test_an_unpublished_meeting_is_not_found_everywhere(client, moderator, full_meeting):
    document = full_meeting.documents.get()
    services.unpublish_meeting(full_meeting, by=moderator)
    client.force_login(moderator)
    for url in [
        reverse("meetings:meeting_detail", args=[full_meeting.slug]),
        reverse("meetings:meeting_calendar", args=[full_meeting.slug]),
        reverse("meetings:meeting_document", args=[full_meeting.slug, document.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert full_meeting.title.encode() not in client.get(reverse("meetings:meeting_calendar_feed")).content
    assert full_meeting.title.encode() not in client.get(reverse("countries:country_detail", args=["KE"])).content
    # Staff still reach the document from the staff pages.
    assert client.get(reverse("meetings:staff_document_download", args=[full_meeting.pk, document.pk])).status_code == 200


def test_a_public_document_downloads_with_safe_headers(client, full_meeting):
    document = full_meeting.documents.get()
    response = client.get(reverse("meetings:meeting_document", args=[full_meeting.slug, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Annotated-agenda.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    other = services.create_meeting(by=full_meeting.created_by, data=meeting_data())
    services.publish_meeting(other, by=full_meeting.created_by)
    assert client.get(reverse("meetings:meeting_document", args=[other.slug, document.pk])).status_code == 404


# --- iCalendar ---


def test_a_meeting_calendar_file_is_valid_icalendar_in_the_meetings_zone(client, meeting):
    response = client.get(reverse("meetings:meeting_calendar", args=[meeting.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "SME Policy" in str(calendar["PRODID"])
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@meetings.sme-policy-platform"
    assert event["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert event.decoded("DTSTART") == meeting.starts_at and event.decoded("DTEND") == meeting.ends_at
    assert str(event["SUMMARY"]) == meeting.title and str(event["LOCATION"]) == "Nairobi, KICC"
    assert str(event["URL"]).endswith(reverse("meetings:meeting_detail", args=[meeting.slug]))
    assert "credit guarantee" in str(event["DESCRIPTION"])
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]
    # The same meeting keeps its UID.
    again = Calendar.from_ical(client.get(reverse("meetings:meeting_calendar", args=[meeting.slug])).content)
    assert again.walk("VEVENT")[0]["UID"] == event["UID"]


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_calendar_feed_holds_the_upcoming_public_meetings(client, moderator, meeting, django_assert_max_num_queries):
    past = services.create_meeting(
        by=moderator, data=meeting_data(title="Past", starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2))
    )
    services.publish_meeting(past, by=moderator)
    services.create_meeting(by=moderator, data=meeting_data(title="Hidden"))
    utc = services.create_meeting(by=moderator, data=meeting_data(title="Webinar", time_zone="UTC", format="virtual", place=""))
    services.publish_meeting(utc, by=moderator)
    with django_assert_max_num_queries(1):
        response = client.get(reverse("meetings:meeting_calendar_feed"))
    calendar = Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {meeting.title, "Webinar"}
    assert str(events["Webinar"]["LOCATION"]) == "Virtual"
    assert events["Webinar"].decoded("DTSTART") == utc.starts_at
