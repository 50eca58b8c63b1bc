"""PDF bombs and hidden streams: the PDF check reads compressed streams piece by piece, under one budget
for the whole file, and refuses what it cannot read to the end. A worker survives any upload."""

import base64
import binascii
import json
import random
import struct
import subprocess
import sys
import zlib
from functools import cache
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices import attachments, services
from practices.models import Attachment

ROOT = Path(__file__).resolve().parents[2]
CANNOT_CHECK = "This PDF could not be checked"
TOO_MUCH = "there is more in it than the check reads"
UNREAD = "a kind of compression the check does not read"
DAMAGED = "is damaged"
ENCODERS = {
    b"FlateDecode": zlib.compress,
    b"Fl": zlib.compress,
    b"ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    b"AHx": lambda data: binascii.hexlify(data) + b">",
    b"ASCII85Decode": lambda data: base64.a85encode(data, wrapcol=76) + b"~>",
    b"A85": lambda data: base64.a85encode(data, wrapcol=76) + b"~>",
}
SCRIPT = b"<< /Type /Action /S /JavaScript /JS (app.alert('hello')) >>"
HARMLESS = b"1 0 << /Type /Action /S /GoTo /D [3 0 R /Fit] >>"


# --- Making PDFs ---


def stream(number, dictionary, data):
    return b"%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (number, dictionary, len(data), data)


def encode(data, filters):
    """Data encoded so that a reader applying filters in order gets it back."""
    for name in reversed(filters):
        data = ENCODERS[name](data)
    return data


def filter_entry(filters):
    return b"/Filter [%s]" % b" ".join(b"/" + name for name in filters)


def object_stream(number, objects, filters):
    """An object stream holding objects ({number: body}), encoded with filters."""
    offsets, bodies, position = [], [], 0
    for object_number, body in objects.items():
        offsets.append(b"%d %d" % (object_number, position))
        bodies.append(body)
        position += len(body) + 1
    header = b" ".join(offsets) + b"\n"
    content = header + b"\n".join(bodies) + b"\n"
    dictionary = b"/Type /ObjStm /N %d /First %d %s" % (len(objects), len(header), filter_entry(filters))
    return stream(number, dictionary, encode(content, filters))


def pdf(*parts):
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"".join(parts) + b"trailer\n<< /Root 1 0 R /Size 20 >>\n%%EOF\n"


def catalog_with_action(action_body, filters):
    """A PDF whose catalog opens with an action, both kept in a compressed object stream."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        3: action_body,
    }
    return pdf(object_stream(10, objects, filters))


def deflated_zeros(megabytes):
    """A zlib stream of that many megabytes of zeros, about a thousand times smaller, made without ever
    holding the zeros: after a full flush the compressor starts afresh, so every megabyte deflates alike."""
    compressor = zlib.compressobj(9)
    first = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    size = megabytes << 20
    # An empty last block, then the Adler-32 of the zeros: a = 1, b = size mod 65521.
    return first + again * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", (size % 65521) << 16 | 1)


@cache
def gigabyte_bomb():
    # 1 GB of zeros in one Flate stream of about 1 MB.
    return pdf(stream(10, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", deflated_zeros(1024)))


@cache
def nested_bomb():
    # The same gigabyte deflated twice: a 2 KB upload.
    return pdf(stream(10, b"/Filter [/FlateDecode /FlateDecode]", zlib.compress(deflated_zeros(1024), 9)))


@cache
def many_small_bombs():
    # 80 streams of 1 MB each: every one far under the budget, together far over it.
    return pdf(*(stream(10 + number, b"/Filter /FlateDecode", deflated_zeros(1)) for number in range(80)))


def upload(data, name="report.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refusal(data):
    with pytest.raises(ValidationError) as error:
        attachments.check_document(upload(data))
    return " ".join(error.value.messages)


# --- Under an address-space limit, as a worker would run it ---

CHECK_UNDER_LIMIT = """
import json, resource, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from practices.attachments import check_document

data = open(sys.argv[1], "rb").read()
limit = 256 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    check_document(SimpleUploadedFile("bomb.pdf", data, content_type="application/pdf"))
    outcome = "accepted"
except ValidationError as error:
    outcome = " ".join(error.messages)
# The limit is real: a buffer as large as it cannot be had.
try:
    bytearray(limit)
    limit_holds = False
except MemoryError:
    limit_holds = True
print(json.dumps({"outcome": outcome, "limit_holds": limit_holds}))
"""


def check_in_a_worker_limited_to_256_mb(data, tmp_path):
    path = tmp_path / "upload.pdf"
    path.write_bytes(data)
    finished = subprocess.run(
        [sys.executable, "-c", CHECK_UNDER_LIMIT, str(path)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "smeplatform.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("bomb", [gigabyte_bomb, nested_bomb, many_small_bombs], ids=["1 GB in one stream", "1 GB deflated twice", "80 streams of 1 MB"])
def test_a_pdf_bomb_is_refused_by_a_worker_limited_to_256_mb(bomb, tmp_path):
    data = bomb()
    assert len(data) < 2 * 1024 * 1024
    result = check_in_a_worker_limited_to_256_mb(data, tmp_path)
    assert result["limit_holds"]
    assert CANNOT_CHECK in result["outcome"] and TOO_MUCH in result["outcome"] and "50.0" in result["outcome"]


# --- The budget ---


def test_the_budget_is_shared_by_all_the_streams_of_a_file(settings):
    settings.SME_PDF_SCAN_BUDGET = 1024 * 1024
    one = stream(10, b"/Filter /FlateDecode", zlib.compress(b"0" * 600_000))
    assert attachments.check_document(upload(pdf(one))).extension == "pdf"
    message = refusal(pdf(one, one.replace(b"10 0 obj", b"11 0 obj")))
    assert CANNOT_CHECK in message and TOO_MUCH in message and "1.0\xa0MB" in message


def test_the_budget_is_read_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SME_PDF_SCAN_BUDGET)"
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "smeplatform.settings", "PDF_SCAN_BUDGET_MB": "7"},
    )
    assert finished.stdout.strip() == str(7 * 1024 * 1024), finished.stderr[-2000:]


def test_a_large_picture_does_not_use_up_the_budget(settings):
    # Pixels are read until they show they are not objects (the first piece), not to the end.
    settings.SME_PDF_SCAN_BUDGET = 256 * 1024
    white = zlib.compress(b"\xff" * 4_000_000)
    image = stream(10, b"/Type /XObject /Subtype /Image /Width 1000 /Height 1000 /BitsPerComponent 8 /ColorSpace /DeviceRGB /Filter /FlateDecode", white)
    assert attachments.check_document(upload(pdf(image))).extension == "pdf"


def test_many_empty_streams_cost_like_content(settings):
    settings.SME_PDF_SCAN_BUDGET = 1024 * 1024
    message = refusal(pdf(b"1 0 obj << >>\nstream\n\nendstream\nendobj\n" * 3_000))
    assert TOO_MUCH in message


def test_a_pdf_full_of_svg_tags_is_refused_without_reading_each_one():
    # Looking for an event handler after each of millions of tags would hold a worker for minutes.
    assert "web page code" in refusal(pdf(b"%" + b"<svg " * 2_000_000 + b"\n"))
    assert "web page code" in refusal(pdf(b"%<svg " + b" " * 190 + b"onload=alert(1)\n"))
    assert attachments.check_document(upload(pdf(b"%<svg " + b" " * 10 + b"> onload=alert(1)\n"))).extension == "pdf"


# --- Hidden actions ---


@pytest.mark.parametrize(
    "filters",
    [
        [b"FlateDecode"],
        [b"ASCIIHexDecode"],
        [b"ASCII85Decode"],
        [b"AHx"],
        [b"A85"],
        [b"ASCIIHexDecode", b"FlateDecode"],
        [b"ASCII85Decode", b"FlateDecode"],
        [b"FlateDecode", b"FlateDecode"],
        [b"ASCII85Decode", b"ASCIIHexDecode", b"FlateDecode"],
    ],
    ids=lambda filters: "+".join(name.decode() for name in filters),
)
def test_a_script_hidden_in_an_object_stream_is_found_behind_any_filter_chain(filters):
    message = refusal(catalog_with_action(SCRIPT, filters))
    assert "/JavaScript" in message and "/JS" in message


def test_a_script_is_found_with_its_names_and_filters_written_in_escapes():
    data = catalog_with_action(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>", [b"ASCIIHexDecode"])
    data = data.replace(b"/Filter [/ASCIIHexDecode]", b"/F#69lter /ASCII#48exDecode")
    message = refusal(data)
    assert "/JavaScript" in message and "/JS" in message


def test_a_launch_action_deep_in_a_large_object_stream_is_found():
    filler = {number: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /Border [0 0 0] >>" for number in range(100, 4000)}
    data = pdf(object_stream(10, {**filler, 5000: b"<< /S /Launch /F (cmd.exe) >>"}, [b"FlateDecode"]))
    assert "/Launch" in refusal(data)


@pytest.mark.parametrize("shift", range(0, 48))
def test_a_name_across_two_pieces_of_a_stream_is_read_whole(shift):
    # The stream is read PDF_PIECE bytes at a time: place the name across that boundary at every offset.
    position = attachments.PDF_PIECE - shift
    content = b"1 0\n" + b" " * (position - 4)
    hidden = pdf(stream(10, b"/Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode", encode(content + b"/JavaScript (x) ", [b"AHx"])))
    harmless = pdf(stream(10, b"/Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode", encode(content + b"/JSON (x) /JSX ", [b"AHx"])))
    assert "/JavaScript" in refusal(hidden)
    assert attachments.check_document(upload(harmless)).extension == "pdf"


# --- What the check cannot read is refused ---


@pytest.mark.parametrize(
    "data, reason",
    [
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter /LZWDecode"), UNREAD),
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter [/RunLengthDecode]"), UNREAD),
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter 7 0 R"), UNREAD),
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter [/FlateDecode /Scrambled]"), UNREAD),
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter /DCTDecode"), UNREAD),
        (catalog_with_action(b"<< >>", [b"FlateDecode"]).replace(b"/Filter [/FlateDecode]", b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >>"), UNREAD),
        (pdf(stream(10, b"/Filter [%s]" % b" ".join([b"/FlateDecode"] * 5), encode(HARMLESS, [b"FlateDecode"] * 5))), UNREAD),
        (pdf(stream(10, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(HARMLESS)[:-8])), DAMAGED),
        (pdf(stream(10, b"/Filter /FlateDecode", HARMLESS)), DAMAGED),
        (pdf(stream(10, b"/Filter /ASCIIHexDecode", b"3C3C2F53 not hex 3E3E>")), DAMAGED),
        (pdf(stream(10, b"/Filter /ASCIIHexDecode", binascii.hexlify(HARMLESS))), DAMAGED),
        (pdf(stream(10, b"/Filter /ASCII85Decode", base64.a85encode(HARMLESS))), DAMAGED),
        (pdf(stream(10, b"/Filter /ASCII85Decode", base64.a85encode(HARMLESS) + b"{~>")), DAMAGED),
        (pdf(stream(10, b"/Filter /FlateDecode /Filter /ASCIIHexDecode", zlib.compress(HARMLESS))), DAMAGED),
    ],
    ids=[
        "LZW", "run-length", "filter by reference", "unknown filter in a chain", "object stream behind an image codec",
        "object stream behind a predictor", "five filters", "truncated Flate", "Flate that is not", "ASCIIHex with letters",
        "ASCIIHex without its end", "ASCII85 without its end", "ASCII85 with a stray character", "two filters for one stream",
    ],
)
def test_a_stream_the_check_cannot_read_to_the_end_is_refused(data, reason):
    message = refusal(data)
    assert CANNOT_CHECK in message and reason in message


# --- What real documents hold is accepted ---


def benign_pdf():
    noise = random.Random(13).randbytes(4000)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Outlines 20 0 R /Lang (en) >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> /XObject << /Im1 5 0 R /Im2 6 0 R >> >> "
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [72 700 200 712] /A << /S /URI /URI (https://www.intracen.org/) >> /AP << /N 7 0 R >> >>] >>",
    }
    content = b"BT /F1 12 Tf 72 720 Td (Export desks: a mainstream stream of advice) Tj ET\nq 100 0 0 100 72 500 cm /Im1 Do Q\n" * 200
    return pdf(
        object_stream(10, objects, [b"FlateDecode"]),
        # Outlines (with /First) written out, then a JPEG: neither is an object stream.
        b"20 0 obj\n<< /Type /Outlines /First 21 0 R /Last 21 0 R /Count 1 >>\nendobj\n",
        b"21 0 obj\n<< /Title (Summary) /Parent 20 0 R /Dest [3 0 R /Fit] >>\nendobj\n",
        stream(5, b"/Type /XObject /Subtype /Image /Width 40 /Height 25 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", b"\xff\xd8\xff\xe0" + noise),
        stream(6, b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter [/FlateDecode]", zlib.compress(noise * 3)),
        stream(4, b"/Filter /FlateDecode", zlib.compress(content)),
        stream(7, b"/Type /XObject /Subtype /Form /BBox [0 0 128 12] /Filter /ASCII85Decode", encode(b"0 0 1 rg 0 0 128 12 re f", [b"A85"])),
        stream(8, b"/N 3 /Alternate /DeviceRGB /Filter /ASCIIHexDecode", encode(noise[:300], [b"AHx"])),
        # Metadata, as most writers leave it: plain XML that mentions streams.
        stream(9, b"/Type /Metadata /Subtype /XML", b"<x:xmpmeta><dc:description>Upstream and downstream\nstream\nof trade</dc:description></x:xmpmeta>"),
        # A signature dictionary names a handler, not a stream filter.
        b"22 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Contents <00> >>\nendobj\n",
        # A cross-reference stream uses a PNG predictor.
        stream(11, b"/Type /XRef /W [1 2 1] /Size 12 /DecodeParms << /Columns 4 /Predictor 12 >> /Filter /FlateDecode", zlib.compress(b"\x02\x01\x00\x10\x00" * 12)),
    )


def test_a_document_with_ordinary_compressed_content_is_accepted(settings):
    settings.SME_PDF_SCAN_BUDGET = 1024 * 1024
    assert attachments.check_document(upload(benign_pdf())).extension == "pdf"


# --- Through the workspace ---


@pytest.fixture
def draft(country_a, contributor_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = {"title": "Export desk", "summary": "Advice.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=content)
    return revision


@pytest.mark.parametrize(
    "data, message",
    [(gigabyte_bomb, TOO_MUCH), (lambda: catalog_with_action(SCRIPT, [b"ASCIIHexDecode"]), "/JavaScript")],
    ids=["1 GB bomb", "script in an ASCIIHex object stream"],
)
def test_a_contributor_uploading_a_hostile_pdf_sees_why_next_to_the_field_and_nothing_is_kept(client, contributor_a, draft, settings, data, message):
    client.force_login(contributor_a)
    url = reverse("practices:attachment_add", kwargs={"iso2": "KE", "pk": draft.practice_id})
    response = client.post(url, {"title": "Annual report", "file": upload(data())})
    assert response.status_code == 200
    errors = " ".join(response.context["attachment_form"].errors["file"])
    assert message in errors
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]
