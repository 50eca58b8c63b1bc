"""Checks an uploaded document by what it contains, not by its name.

Accepted: PDF, and the Office Open XML and OpenDocument formats (.docx .xlsx .pptx .odt .ods .odp).
Refused: anything else (an executable renamed to .pdf, HTML dressed as a document), encrypted
PDFs, PDFs that carry scripts, actions or embedded files, polyglots (a PDF that is also a web page
or a ZIP archive), Office files with macros, legacy binary Office files (they cannot be checked for
macros: save them as .docx or PDF), archives that would expand beyond reason (zip bombs: judged by
the sizes they declare, never by expanding them), PDFs the check cannot read to the end within its
budget (PDF bombs, unknown compression, damaged streams), and files over the size limit.
"""

import base64
import binascii
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# PDF names that make a document act rather than be read.
ACTIVE_PDF_NAMES = {b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles", b"/RichMedia", b"/XFA", b"/SubmitForm", b"/ImportData", b"/GoToE"}
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
# Office XML compresses about 5 to 20 times; far more is a zip bomb. Small archives may expand freely.
MAX_COMPRESSION_RATIO = 100
RATIO_FREE_SIZE = 10 * 1024 * 1024
# Markup a browser would run, were the file ever read as a web page (a PDF/HTML polyglot).
HTML_IN_PDF = re.compile(rb"<(?:script|html|body|iframe)[\s>/]", re.I)
# ... and an <svg> tag with an event handler (onload=) within 200 characters, inside the tag.
SVG_TAG = re.compile(rb"<svg[\s/]", re.I)
EVENT_HANDLER_START = re.compile(rb"\bon[a-z]", re.I)
EVENT_HANDLER = re.compile(rb"on[a-z]++\s*+=", re.I)
SVG_HANDLER_REACH = 200
MAX_SVG_TAGS = 100


# --- Reading a PDF's streams within bounds ---
# Most objects of a modern PDF sit compressed in object streams, so an active name may show only once
# the streams are decoded. They are decoded piece by piece, never whole, and every decoded byte counts
# against one budget for the file (settings.SME_PDF_SCAN_BUDGET): an upload that expands to gigabytes
# is refused when the budget runs out, with no more than a few pieces in memory at any time.
PDF_PIECE = 16 * 1024
# Charged in decoded bytes for the work that is not decoding, so that a million tiny streams or names
# cost like content: every stream, every stream decoded (more), every name ("/") looked up.
PDF_STREAM_COST = 512
PDF_DECODING_COST = 2048
PDF_NAME_COST = 16
PDF_MAX_FILTER_KEYS = 8
# The dictionary of a stream: the object header ("12 0 obj") is looked for this far before "stream".
PDF_DICTIONARY_REACH = 64 * 1024
PDF_MAX_FILTERS = 4
PDF_WHITESPACE = b"\x00\t\n\x0c\r "
PDF_FLATE = {b"FlateDecode", b"Fl"}
PDF_ASCII_HEX = {b"ASCIIHexDecode", b"AHx"}
PDF_ASCII_85 = {b"ASCII85Decode", b"A85"}
# Image codecs decode to pixels, which no reader parses for objects: an image stream is left as it is.
# Nothing that writes PDFs puts an object stream behind one, so an object stream that claims one is
# refused rather than trusted (CCITT and JBIG2 bitmaps can spell any bytes).
PDF_IMAGE_FILTERS = {b"DCTDecode", b"DCT", b"JPXDecode", b"JPX", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}
# Readers decode these, this check does not (LZW and run-length belong to PDFs of the 1990s, Crypt to
# encrypted ones): whatever they hide cannot be seen, so a PDF that uses them is refused.
PDF_UNREAD_FILTERS = {b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL", b"Crypt"}
PDF_FILTERS = PDF_FLATE | PDF_ASCII_HEX | PDF_ASCII_85 | PDF_IMAGE_FILTERS | PDF_UNREAD_FILTERS


def _name_pattern(name):
    """A PDF name as a pattern that also matches it with characters written as #xx (/J#61vaScript)."""

    def character(byte):
        escaped = b"".join(bytes([digit]) if digit < 0x40 else b"[%c%c]" % (digit, digit + 32) for digit in b"%02X" % byte)
        return b"(?:%s|#%s)" % (re.escape(bytes([byte])), escaped)

    return b"/" + b"".join(character(byte) for byte in name)


# A dangerous name counts where it ends: /JSON is not /JS. A name with its escapes is at most 40 bytes.
ACTIVE_NAME = re.compile(
    b"(?:%s)(?![A-Za-z0-9]|#[0-9A-Fa-f]{2})" % b"|".join(_name_pattern(name[1:]) for name in sorted(ACTIVE_PDF_NAMES))
)
ACTIVE_NAME_TAIL = 64
ACTIVE_NAME_LOOKAHEAD = 3
ENCRYPT_NAME = re.compile(_name_pattern(b"Encrypt"))
PDF_KEY_END = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"
PDF_BLANKS = rb"(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+"
PDF_NAME_TOKEN = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*+")
FILTER_KEY = re.compile(_name_pattern(b"Filter") + PDF_KEY_END)
FILTER_VALUE = re.compile(PDF_BLANKS + rb"(?:\[([^\]]{0,1000}+)\]|(/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*+))")
PREDICTOR_KEY = re.compile(_name_pattern(b"Predictor") + PDF_KEY_END + PDF_BLANKS + rb"([^\x00\t\n\x0c\r ()<>\[\]{}/%]{0,20})")
OBJECT_STREAM_NAME = re.compile(b"(?:%s|%s)%s" % (_name_pattern(b"ObjStm"), _name_pattern(b"Extends"), PDF_KEY_END))
FIRST_KEY = re.compile(_name_pattern(b"First") + PDF_KEY_END)
OBJECT_HEADER = re.compile(rb"(?<![0-9])[0-9]++[\x00\t\n\x0c\r ]++[0-9]++[\x00\t\n\x0c\r ]++obj(?![A-Za-z0-9])")
STREAM_KEYWORD = re.compile(rb"(?<![A-Za-z0-9])stream(?![A-Za-z0-9])")
OBJECT_STREAM_BLANKS = re.compile(PDF_BLANKS)
NEWLINE = re.compile(rb"[\r\n]")
ASCII_85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*+")
ASCII_85_ALPHABET = bytes(range(0x21, 0x76))
HEX_DIGITS = b"0123456789abcdefABCDEF"


@dataclass
class CheckedFile:
    content_type: str
    extension: str


class _PdfUnreadable(Exception):
    """The check cannot vouch for what a PDF's streams hold: too much to read, an unread filter, damage."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _pdf_unreadable_message(reason):
    if reason == "too much":
        return _(
            "This PDF could not be checked: there is more in it than the check reads (%(limit)s once uncompressed). "
            "Split it into smaller PDFs, or print it to a new PDF, and upload that."
        ) % {"limit": filesizeformat(settings.SME_PDF_SCAN_BUDGET)}
    if reason == "unsupported":
        return _("This PDF could not be checked: it uses a kind of compression the check does not read. Print it to a new PDF and upload that.")
    return _("This PDF could not be checked: part of its compressed content is damaged. Print it to a new PDF and upload that.")


class _ScanBudget:
    """The decoded bytes left to the check of one file."""

    def __init__(self, limit):
        self.left = limit

    def spend(self, size):
        self.left -= size
        if self.left < 0:
            raise _PdfUnreadable("too much")


def _unescape(name):
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda match: bytes([int(match[1], 16)]), name)


def _active_names(content, budget, *, complete=None):
    """The active names in content, #xx escapes decoded; with complete, only those ending by then.
    The first hundred are enough to refuse."""
    budget.spend(PDF_NAME_COST * content.count(b"/"))
    matches = itertools.islice(ACTIVE_NAME.finditer(content), 100)
    return {_unescape(match.group()) for match in matches if complete is None or match.end() <= complete}


def _raw_pieces(data, start, end):
    view = memoryview(data)
    for offset in range(start, end, PDF_PIECE):
        yield view[offset : min(offset + PDF_PIECE, end)]


def _inflate(pieces, budget):
    inflater = zlib.decompressobj()
    try:
        for piece in pieces:
            pending = piece
            # max_length keeps each output piece small, however much the input expands.
            while not inflater.eof:
                output = inflater.decompress(pending, PDF_PIECE)
                if output:
                    budget.spend(len(output))
                    yield output
                pending = inflater.unconsumed_tail
                if not pending and len(output) < PDF_PIECE:
                    break
            if inflater.eof:
                return
    except zlib.error:
        raise _PdfUnreadable("damaged") from None
    raise _PdfUnreadable("damaged")


def _decode_ascii_hex(pieces, budget):
    odd_digit = b""
    for piece in pieces:
        piece = bytes(piece)
        end = piece.find(b">")
        digits = (piece if end < 0 else piece[:end]).translate(None, PDF_WHITESPACE)
        if digits.translate(None, HEX_DIGITS):
            raise _PdfUnreadable("damaged")
        digits = odd_digit + digits
        if end >= 0:
            output = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        else:
            odd_digit = digits[len(digits) - len(digits) % 2 :]
            output = binascii.unhexlify(digits[: len(digits) - len(odd_digit)])
        budget.spend(len(output))
        yield output
        if end >= 0:
            return
    raise _PdfUnreadable("damaged")


def _decode_ascii_85(pieces, budget):
    carried = b""
    for piece in pieces:
        text = carried + bytes(piece).translate(None, PDF_WHITESPACE)
        marker = text.find(b"~")
        body = text if marker < 0 else text[:marker]
        whole = ASCII_85_GROUPS.match(body).end()
        rest = body[whole:]
        finished = marker >= 0 and text[marker : marker + 2] == b"~>"
        # Strict where readers differ: no stray character, no lone "~", no one-character last group.
        if len(rest) >= 5 or rest.translate(None, ASCII_85_ALPHABET) or (marker >= 0 and not finished and text[marker:] != b"~"):
            raise _PdfUnreadable("damaged")
        if finished and len(rest) == 1:
            raise _PdfUnreadable("damaged")
        try:
            output = base64.a85decode(body[:whole] + (rest if finished else b""))
        except ValueError:
            raise _PdfUnreadable("damaged") from None
        budget.spend(len(output))
        yield output
        if finished:
            return
        carried = rest + text[marker:] if marker >= 0 else rest
    raise _PdfUnreadable("damaged")


DECODERS = {**dict.fromkeys(PDF_FLATE, _inflate), **dict.fromkeys(PDF_ASCII_HEX, _decode_ascii_hex), **dict.fromkeys(PDF_ASCII_85, _decode_ascii_85)}


def _declared_filters(data, start, end):
    """The filters the dictionary between start and end names, or None when it names none."""
    chains = set()
    keys = list(itertools.islice(FILTER_KEY.finditer(data, start, end), PDF_MAX_FILTER_KEYS + 1))
    if len(keys) > PDF_MAX_FILTER_KEYS:
        raise _PdfUnreadable("damaged")
    for key in keys:
        value = FILTER_VALUE.match(data, key.end(), end)
        if value is None:
            # An indirect reference or worse: the filter cannot be known from here.
            raise _PdfUnreadable("unsupported")
        if value[1] is not None:
            names = PDF_NAME_TOKEN.findall(value[1])
            if PDF_NAME_TOKEN.sub(b"", value[1]).strip(PDF_WHITESPACE):
                raise _PdfUnreadable("unsupported")
        else:
            names = [value[2]]
        chain = tuple(_unescape(name)[1:] for name in names)
        # /Filter also names signature handlers (/Adobe.PPKLite): only stream filters concern us.
        if set(chain) & PDF_FILTERS:
            chains.add(chain)
    if len(chains) > 1:
        raise _PdfUnreadable("damaged")
    return chains.pop() if chains else None


def _may_be_object_stream(data, start, end):
    if OBJECT_STREAM_NAME.search(data, start, end):
        return True
    # /First also belongs to outlines: only the object the stream keyword closes counts. A dictionary
    # too long to find its header in is not what writers make: it is taken for an object stream.
    reach = max(start, end - PDF_DICTIONARY_REACH)
    header = None
    for header in OBJECT_HEADER.finditer(data, reach, end):
        pass
    if header is None and reach > start:
        return True
    return FIRST_KEY.search(data, header.end() if header else start, end) is not None


def _is_predicted(data, start, end):
    """Whether the dictionary asks for a PNG or TIFF predictor, which the check does not undo."""
    return any(not (value[1].isdigit() and int(value[1]) <= 1) for value in PREDICTOR_KEY.finditer(data, start, end))


def _objects_may_follow(piece, in_comment):
    """Whether decoded content may be an object stream, which starts with a number: True, False, or None
    while only blanks and comments have been seen; and whether the piece ends inside a comment."""
    position = 0
    if in_comment:
        newline = NEWLINE.search(piece)
        if newline is None:
            return None, True
        position = newline.start()
    position = OBJECT_STREAM_BLANKS.match(piece, position).end()
    if position < len(piece):
        return piece[position] in b"0123456789+-.", False
    return None, piece.rfind(b"%") > max(piece.rfind(b"\n"), piece.rfind(b"\r"))


def _scan_decoded(pieces, budget, found):
    """Add the active names of a decoded stream to found. Reading stops once the stream shows it is not
    an object stream (an image, a font): only object streams hold dictionaries, and so actions."""
    tail = b""
    deciding, in_comment = True, False
    for piece in pieces:
        buffer = tail + piece
        # A name cut by the end of the piece is read whole, with what follows it, from the tail.
        found.update(_active_names(buffer, budget, complete=len(buffer) - ACTIVE_NAME_LOOKAHEAD))
        tail = buffer[-ACTIVE_NAME_TAIL:]
        if found:
            break
        if deciding and piece:
            may_hold_objects, in_comment = _objects_may_follow(piece, in_comment)
            if may_hold_objects is False:
                break
            deciding = may_hold_objects is None
    found.update(_active_names(tail, budget))


def _scan_stream(data, start, end, dictionary, budget, found):
    chain = _declared_filters(data, *dictionary)
    tolerant = False
    if chain is None:
        head = data[start : start + 2]
        # Inflated anyway when it looks compressed: a reader may learn its filter where this check does not.
        if len(head) < 2 or head[0] & 0x0F != 8 or head[0] >> 4 > 7 or (head[0] << 8 | head[1]) % 31:
            return  # plain bytes, read with the whole file
        chain, tolerant = (b"FlateDecode",), True
    if len(chain) > PDF_MAX_FILTERS or not set(chain) <= PDF_FILTERS or set(chain) & PDF_UNREAD_FILTERS:
        raise _PdfUnreadable("unsupported")
    if set(chain) & PDF_IMAGE_FILTERS or _is_predicted(data, *dictionary):
        if _may_be_object_stream(data, *dictionary):
            raise _PdfUnreadable("unsupported")
        if set(chain) & PDF_IMAGE_FILTERS:
            return
    budget.spend(PDF_DECODING_COST)
    pieces = _raw_pieces(data, start, end)
    for name in chain:
        pieces = DECODERS[name](pieces, budget)
    try:
        _scan_decoded(pieces, budget, found)
    except _PdfUnreadable as problem:
        if not (tolerant and problem.reason == "damaged"):
            raise


def _find(data, what, start):
    """Where what next occurs from start, or the end of data."""
    position = data.find(what, start)
    return len(data) if position < 0 else position


def _active_names_in_streams(data, budget):
    """The active names in the PDF's decoded streams, or _PdfUnreadable."""
    found = set()
    dictionary_start = 0
    next_line_feed = next_return = next_end = -1
    for keyword in STREAM_KEYWORD.finditer(data):
        budget.spend(PDF_STREAM_COST)
        # Every stream keyword is read, even one inside another stream's data or in a string: better to
        # decode a stream that is not one than to miss one a reader would find.
        dictionary = (dictionary_start, keyword.start())
        dictionary_start = keyword.end()
        # The data starts on the line after the keyword and ends before "endstream". A search resumes
        # only past where the last one stopped, so the scan stays linear in the size of the file.
        if next_line_feed < keyword.end():
            next_line_feed = _find(data, b"\n", keyword.end())
        if next_return < keyword.end():
            next_return = _find(data, b"\r", keyword.end())
        newline = min(next_line_feed, next_return)
        start = newline + (2 if data[newline : newline + 2] == b"\r\n" else 1)
        if next_end < start:
            next_end = _find(data, b"endstream", start)
        end = next_end
        if data[end - 2 : end] == b"\r\n":
            end -= 2
        elif data[end - 1 : end] in (b"\r", b"\n"):
            end -= 1
        if start < end:
            _scan_stream(data, start, end, dictionary, budget, found)
        if found:
            break
    return found


def _check_pdf(data):
    if ENCRYPT_NAME.search(data):
        raise ValidationError(_("This PDF is encrypted or password-protected. Save it without protection and upload it again."))
    if _holds_html(data):
        raise ValidationError(_("This PDF also contains web page code (HTML or scripts), which is not accepted. Print it to a new PDF and upload that."))
    if _holds_zip(data):
        raise ValidationError(_("This PDF also holds a ZIP archive, which is not accepted. Print it to a new PDF and upload that."))
    budget = _ScanBudget(settings.SME_PDF_SCAN_BUDGET)
    try:
        active = _active_names(data, budget) or _active_names_in_streams(data, budget)
    except _PdfUnreadable as problem:
        raise ValidationError(_pdf_unreadable_message(problem.reason)) from None
    if active:
        raise ValidationError(
            _("This PDF contains scripts, actions or embedded files (%(names)s), which are not accepted. Print it to a new PDF and upload that.")
            % {"names": ", ".join(sorted(name.decode("latin-1") for name in active))}
        )
    return CheckedFile(PDF, "pdf")


def _holds_html(data):
    if HTML_IN_PDF.search(data):
        return True
    # A PDF has no use for svg markup: past a few tags it is taken for a web page without reading on.
    if data.lower().count(b"<svg") > MAX_SVG_TAGS:
        return True
    for tag in SVG_TAG.finditer(data):
        close = data.find(b">", tag.end(), tag.end() + SVG_HANDLER_REACH)
        reach = tag.end() + SVG_HANDLER_REACH if close < 0 else close
        for start in EVENT_HANDLER_START.finditer(data, tag.end(), reach + 3):
            if start.start() <= reach and EVENT_HANDLER.match(data, start.start()):
                return True
    return False


def _holds_zip(data):
    """Whether a ZIP archive's directory ends the file (a PDF/ZIP polyglot): zipfile finds it past any leading data."""
    if b"PK\x05\x06" not in data[-66_000:]:
        return False
    try:
        return bool(zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _check_zip(upload):
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("This file is damaged or not a document we accept.")) from None
    expanded = sum(entry.file_size for entry in entries)
    too_dense = expanded > RATIO_FREE_SIZE and expanded > MAX_COMPRESSION_RATIO * upload.size
    if len(entries) > MAX_ENTRIES or expanded > MAX_UNCOMPRESSED or too_dense:
        raise ValidationError(_("This file expands to far more than its size: it is refused."))
    names = {entry.filename for entry in entries}
    if any(name.lower().endswith("vbaproject.bin") or "/macros/" in name.lower() or name.startswith("Basic/") for name in names):
        raise ValidationError(_("This document contains macros, which are not accepted. Save it without macros (.docx, .xlsx, .pptx)."))
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        if mimetype in ODF:
            return CheckedFile(mimetype, ODF[mimetype])
    if "[Content_Types].xml" in names:
        for prefix, (content_type, extension) in OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return CheckedFile(content_type, extension)
    raise ValidationError(_("Only PDF and Office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp) are accepted."))


def check_document(upload):
    """The kind of an uploaded document, or ValidationError with a message for the person uploading."""
    limit = settings.SME_MAX_ATTACHMENT_SIZE
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        upload.seek(0)
        return _check_pdf(upload.read())
    if head.startswith(b"PK\x03\x04"):
        return _check_zip(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(_("Older Office files (.doc, .xls, .ppt) cannot be checked for macros. Save the file as .docx, .xlsx, .pptx or PDF."))
    raise ValidationError(_("Only PDF and Office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp) are accepted."))


def download_response(document, *, private):
    """The stored file of an attachment or a meeting's document, as a download (404 if the file is gone)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        # The record outlived its file (a restore without the media volume): not found, not a crash.
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=document.download_name, content_type=document.content_type)
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response
