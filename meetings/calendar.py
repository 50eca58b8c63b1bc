"""Meetings as iCalendar (RFC 5545): one meeting, or the upcoming ones as a feed to subscribe to.

Titles and descriptions are in the reader's language, or the one given, each with its LANGUAGE.
"""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from countries.languages import active_language, text_in

PRODID = "-//International Trade Centre//SME Policy Knowledge Sharing Platform//EN"
# Host-independent, so the same meeting keeps its identity whichever address served the file.
UID_DOMAIN = "meetings.sme-policy-platform"


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _event(meeting, request):
    url = request.build_absolute_uri(reverse("meetings:meeting_detail", args=[meeting.slug]))
    reader = active_language()
    title, title_language = text_in(meeting, "title", reader)
    description, description_language = text_in(meeting, "description", reader)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    # In the meeting's own zone (with its VTIMEZONE), so calendars show the local time of the meeting.
    event.add("dtstart", meeting.starts_at.astimezone(meeting.zone))
    event.add("dtend", meeting.ends_at.astimezone(meeting.zone))
    event.add("summary", title, parameters={"LANGUAGE": title_language})
    event.add("location", meeting.place or meeting.get_format_display())
    event.add(
        "description", "\n\n".join(part for part in (meeting.get_kind_display(), description, url) if part),
        parameters={"LANGUAGE": description_language if description else reader},
    )
    event.add("url", url)
    event.add("categories", [meeting.get_kind_display()])
    return event


def calendar_response(meetings, request, *, name, filename=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # An X- property is written as given: a line break in a meeting's title would end it (icalendar refuses, a 500).
    calendar.add("x-wr-calname", " ".join(name.split()))
    for meeting in meetings:
        calendar.add_component(_event(meeting, request))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def meeting_calendar(meeting, request):
    return calendar_response([meeting], request, name=text_in(meeting, "title", active_language())[0], filename=f"{meeting.slug}.ics")


def upcoming_calendar(meetings, request):
    return calendar_response(meetings, request, name=_("SME Ministerial community: upcoming meetings"))
