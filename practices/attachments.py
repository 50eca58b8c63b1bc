"""Checks an uploaded document by what it contains, not by its name.

Accepted: PDF, and the Office Open XML and OpenDocument formats (.docx .xlsx .pptx .odt .ods .odp).
Refused: anything else (an executable renamed to .pdf, HTML dressed as a document), encrypted
PDFs, PDFs that carry scripts, actions or embedded files, polyglots (a PDF that is also a web page
or a ZIP archive), Office files with macros, legacy binary Office files (they cannot be checked for
macros: save them as .docx or PDF), archives that would expand beyond reason (zip bombs: judged by
the sizes they declare, never by expanding them), and files over the size limit.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
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
PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
# Office XML compresses about 5 to 20 times; far more is a zip bomb. Small archives may expand freely.
MAX_COMPRESSION_RATIO = 100
RATIO_FREE_SIZE = 10 * 1024 * 1024
# Markup a browser would run, were the file ever read as a web page (a PDF/HTML polyglot).
HTML_IN_PDF = re.compile(rb"<(?:script|html|body|iframe)[\s>/]|<svg[\s/][^>]{0,200}\bon[a-z]+\s*=", re.I)


@dataclass
class CheckedFile:
    content_type: str
    extension: str


def _pdf_names(data):
    """Every name in the PDF, with #xx escapes decoded, in the raw file and in its compressed streams."""
    chunks = [data]
    for stream in PDF_STREAM.findall(data):
        try:
            chunks.append(zlib.decompressobj().decompress(stream, MAX_UNCOMPRESSED))
        except zlib.error:
            continue
    for chunk in chunks:
        for name in PDF_NAME.findall(chunk):
            yield re.sub(rb"#([0-9A-Fa-f]{2})", lambda match: bytes([int(match.group(1), 16)]), name)


def _check_pdf(data):
    if b"/Encrypt" in data:
        raise ValidationError(_("This PDF is encrypted or password-protected. Save it without protection and upload it again."))
    if HTML_IN_PDF.search(data):
        raise ValidationError(_("This PDF also contains web page code (HTML or scripts), which is not accepted. Print it to a new PDF and upload that."))
    if _holds_zip(data):
        raise ValidationError(_("This PDF also holds a ZIP archive, which is not accepted. Print it to a new PDF and upload that."))
    active = sorted({name.decode("latin-1") for name in _pdf_names(data) if name in ACTIVE_PDF_NAMES})
    if active:
        raise ValidationError(
            _("This PDF contains scripts, actions or embedded files (%(names)s), which are not accepted. Print it to a new PDF and upload that.")
            % {"names": ", ".join(active)}
        )
    return CheckedFile(PDF, "pdf")


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
