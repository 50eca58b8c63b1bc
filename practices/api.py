"""Machine-readable views of the published practices.

The exports (CSV, Excel and JSON) give all the results of a browse page's query, in its order; the
read-only JSON API under /api/ pages through them. Both read through PracticeFilter on
Practice.objects.published() and write what opendata.practice_record() gives: nothing else. The
exports give titles and summaries in the page's language, the API in the language asked for
(`lang`), where ITC published a translation; the API searches in that language too.
"""

import json
import re
import tempfile
from dataclasses import dataclass
from functools import wraps

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponsePermanentRedirect, JsonResponse, StreamingHttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from countries import pagecache
from countries.models import Region

from . import openapi, opendata
from .filters import PracticeFilter, Vocabulary
from .imports import XLSX_CONTENT_TYPE
from .models import InstrumentType, Practice, TargetGroup, Theme
from .reading import READING_LANGUAGES, attach_readings, read_in, with_reading
from .workbook import TextWorkbook

LANGUAGES = ("en", "fr", "es")
PAGINATION = ("page", "page_size")
# The language to read (and search) the practices in; without it, as written (and searched in English).
READ_IN = "lang"
# Rows of a CSV or JSON export sent at a time.
EXPORT_CHUNK_ROWS = 200


def _base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


# --- Exports of the browse page's results ---


@dataclass(frozen=True)
class _Selection:
    """The browse page's results for an export: their ids in its order, up to the export limit, and how many match."""

    ids: list
    total: int
    base_url: str
    language: str

    @property
    def complete(self):
        return len(self.ids) >= self.total

    @property
    def whole_dataset(self):
        return self.base_url + opendata.stable_path("practices:open_data") + "#dataset"

    def note(self):
        """Past the limit, what the file says of it, on one line (the CSV writes it as its last line, after "# ")."""
        return opendata.limit_note(shown=len(self.ids), total=self.total, url=self.whole_dataset)


def _export_selection(request):
    """The browse page's results for this query (see _Selection).

    Like the browse page, a filter with a value it cannot take is left out, the others apply.
    """
    filterset = PracticeFilter(request.GET or None, queryset=Practice.objects.published(), language=get_language())
    limit = opendata.EXPORT_LIMIT

    def ids_and_total():
        # One more than the limit tells whether the results go past it; only then are they counted.
        ids = list(filterset.ordered().values_list("pk", flat=True)[: limit + 1])
        return ids[:limit], len(ids) if len(ids) <= limit else filterset.count()

    # Kept by the worker until anything public changes, per selection and order: the rows are read afresh.
    ids, total = pagecache.memoized("export-ids", ids_and_total, filterset.selection, filterset.sort_order, limit)
    return _Selection(ids, total, _base_url(request), get_language())


def _export_filename(extension):
    return f"sme-policy-practices-{timezone.localdate():%Y-%m-%d}.{extension}"


def _said_in_the_headers(response, selection):
    """How many practices the selection has, and, past the limit, where every one is (docs: the open data page)."""
    response["X-Total-Count"] = str(selection.total)
    if not selection.complete:
        response["Link"] = f'<{selection.whole_dataset}>; rel="related"'
    return response


def _download(chunks, content_type, extension, selection):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(extension)}"'
    return _said_in_the_headers(response, selection)


def _csv_lines(selection):
    # Every field quoted: a ";" in a text cannot split it for a spreadsheet that reads ";" as the
    # separator, as French and Spanish Excel do (opendata._guarded covers readers that still would).
    # The byte order mark tells spreadsheet programs the file is UTF-8: accents show right.
    yield "\ufeff" + opendata.csv_line(opendata.CSV_COLUMNS)
    # Many rows a chunk: a chunk per row would cost the server as much as the rows themselves.
    chunk = []
    for record in opendata.published_records(selection.ids, base_url=selection.base_url, language=selection.language):
        chunk.append(opendata.record_csv_line(record))
        if len(chunk) == EXPORT_CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    if not selection.complete:
        # A comment line (CSV on the Web's and pandas' "#"): spreadsheets show it after the last row.
        yield opendata.csv_comment(selection.note())


@require_safe
def export_csv(request):
    selection = _export_selection(request)
    return _download(_csv_lines(selection), "text/csv; charset=utf-8", "csv", selection)


def _workbook_file(selection):
    """The CSV's rows as an Excel workbook, in a temporary file; every cell is text (practices.workbook)."""
    output = tempfile.TemporaryFile()
    with TextWorkbook(output) as workbook, workbook.sheet("practices") as sheet:
        sheet.append(opendata.workbook_cells(opendata.CSV_COLUMNS))
        for record in opendata.published_records(selection.ids, base_url=selection.base_url, language=selection.language):
            sheet.append(opendata.workbook_row(record))
        if not selection.complete:
            sheet.append(opendata.workbook_cells(["# " + selection.note()]))
    output.seek(0)
    return output


@require_safe
def export_xlsx(request):
    selection = _export_selection(request)
    response = FileResponse(
        _workbook_file(selection),
        as_attachment=True,
        filename=_export_filename("xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
    return _said_in_the_headers(response, selection)


def _json_chunks(selection):
    head = {
        "count": len(selection.ids),
        # How many practices the selection has: more than `count` past the limit of one file.
        "total": selection.total,
        "complete": selection.complete,
        "generated_at": timezone.now().isoformat(),
        "licence": {"name": opendata.LICENCE, "url": opendata.LICENCE_URL},
        "publisher": opendata.PUBLISHER,
    }
    if not selection.complete:
        head |= {"note": selection.note(), "whole_dataset": selection.whole_dataset}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    chunk, written = [], 0
    for record in opendata.published_records(selection.ids, base_url=selection.base_url, language=selection.language):
        chunk.append(("," if written else "") + "\n" + opendata.record_json(record))
        written += 1
        if len(chunk) == EXPORT_CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "\n]}\n"


@require_safe
def export_json(request):
    selection = _export_selection(request)
    return _download(_json_chunks(selection), "application/json; charset=utf-8", "json", selection)


# --- The JSON API (language-neutral, under /api/) ---


ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# How long a browser may keep a preflight's answer (browsers cap it lower: two hours for Chromium).
PREFLIGHT_MAX_AGE = 24 * 60 * 60


def _readable_anywhere(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight():
    """204 to a browser asking whether another site may call: any site, any header (no credentials are sent)."""
    response = HttpResponse(status=204)
    del response["Content-Type"]  # no content, so no type
    response["Allow"] = response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "*"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _method_not_allowed(request):
    response = _errors({"method": [f"The API is read-only: {request.method} is not taken, only {ALLOWED_METHODS}."]}, 405)
    response["Allow"] = ALLOWED_METHODS
    return response


def api_view(view):
    """A read-only endpoint anyone may call from any site, cached five minutes; answers in English.

    It changes nothing and reads no one's session, so it needs no CSRF token: another method is
    told 405 in JSON, never the CSRF failure page.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _readable_anywhere(_preflight())
        if request.method not in ("GET", "HEAD"):
            return _readable_anywhere(_method_not_allowed(request))
        with translation.override("en"):
            response = view(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={5 * 60}"
        return _readable_anywhere(response)

    return wrapper


def _errors(errors, status):
    return JsonResponse({"errors": errors}, status=status)


def _is_operation(path):
    try:
        return resolve(path).url_name != "not_found"
    except Resolver404:
        return False


@csrf_exempt
def not_found(request):
    """Any other address under /api/, whatever the method: a JSON 404 another site may read.

    As Django's APPEND_SLASH would (this address matches everything, so it never does), an
    operation's address without its final slash is redirected to it.
    """
    if request.method in ("GET", "HEAD") and _is_operation(request.path_info + "/"):
        return _readable_anywhere(HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True)))
    description = request.build_absolute_uri(reverse("api:openapi"))
    return _readable_anywhere(_errors({"path": [f"The API has no such address. Its operations are described at {description}."]}, 404))


WHOLE_NUMBER = re.compile(r"\+?(\d+)(?:\.0*)?")


def _whole_number(query, name, default, errors, maximum=None):
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    # A whole number, also written with a zero fraction ("10.0": JSON Schema's integers include it).
    match = WHOLE_NUMBER.fullmatch(raw.strip())
    if match is None:
        errors[name] = ["Write a whole number."]
        return default
    try:
        value = int(match.group(1))
    except ValueError:  # more digits than Python converts (4,300)
        errors[name] = ["Write a whole number."]
        return default
    if value < 1 or (maximum is not None and value > maximum):
        errors[name] = [f"Write a whole number from 1 to {maximum}." if maximum else "Write a whole number from 1."]
        return default
    return value


def _language(query, errors):
    """The language the practices are asked in (`lang`): one of the working languages, or None (as written)."""
    value = query.get(READ_IN) or None
    if value is not None and value not in READING_LANGUAGES:
        errors[READ_IN] = [f"Write one of: {', '.join(READING_LANGUAGES)}."]
        return None
    return value


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"


@api_view
def practice_list(request):
    known = set(PracticeFilter.base_filters) | set(PAGINATION) | {READ_IN}
    errors = {
        name: [f"Unknown parameter. The parameters are: {', '.join(sorted(known))}."] for name in request.GET if name not in known
    }
    # A page number beyond the last is answered below with a 404, whatever its size.
    page_number = _whole_number(request.GET, "page", 1, errors)
    page_size = _whole_number(request.GET, "page_size", openapi.DEFAULT_PAGE_SIZE, errors, maximum=openapi.MAX_PAGE_SIZE)
    language = _language(request.GET, errors)
    filterset = PracticeFilter(request.GET or None, queryset=Practice.objects.published(), language=language or "en")
    if filterset.is_bound and not filterset.is_valid():
        for name, problems in filterset.form.errors.get_json_data().items():
            errors[name] = [problem["message"] for problem in problems]
    if errors:
        return _errors(errors, 400)
    paginator = Paginator(with_reading(opendata.with_public_relations(filterset.ordered()), language), page_size)
    paginator.count = filterset.count()
    if page_number > paginator.num_pages:
        return _errors({"page": [f"There is no page {page_number}: the last page is {paginator.num_pages}."]}, 404)
    base_url = _base_url(request)

    def records():
        page = paginator.page(page_number)
        return {
            "count": paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
            "results": [opendata.practice_record(practice, base_url=base_url) for practice in attach_readings(page.object_list)],
        }

    # Kept by the worker until anything public changes, per address asked for.
    return JsonResponse(
        pagecache.memoized("api-practices", records, base_url, request.get_full_path())
    )


@api_view
def practice_detail(request, pk):
    # An id no row can have is not found (the database would refuse to compare it).
    base_url = _base_url(request)
    errors = {}
    language = _language(request.GET, errors)
    if errors:
        return _errors(errors, 400)

    def record():
        practices = read_in(opendata.with_public_relations(Practice.objects.published()).filter(pk=pk), language) if 0 < pk < 2**63 else []
        return opendata.practice_record(practices[0], base_url=base_url) if practices else {}

    found = pagecache.memoized("api-practice", record, base_url, pk, language)
    if not found:
        # Unpublished or missing, the same answer: the API must not tell a draft exists.
        return _errors({"id": ["No published practice has this id."]}, 404)
    return JsonResponse(found)


def _names(obj):
    return {language: getattr(obj, f"name_{language}") for language in LANGUAGES}


def _taxonomy(model):
    return [{"slug": term.slug, "name": _names(term), "is_active": term.is_active} for term in model.objects.all()]


@api_view
def taxonomies(request):
    regions = Region.objects.select_related("parent").order_by("code")
    return JsonResponse(
        {
            "themes": _taxonomy(Theme),
            "instruments": _taxonomy(InstrumentType),
            "target_groups": _taxonomy(TargetGroup),
            "regions": [
                {
                    "slug": region.slug,
                    "code": region.code,
                    "level": region.level,
                    "parent": region.parent.slug if region.parent else None,
                    "name": _names(region),
                }
                for region in regions
            ],
        }
    )


@api_view
def openapi_document(request):
    server = reverse("api:openapi").removesuffix("/openapi.json")
    documentation = opendata.stable_path("practices:open_data")
    return JsonResponse(
        openapi.document(
            server_url=request.build_absolute_uri(server),
            documentation_url=request.build_absolute_uri(documentation),
            vocabulary=Vocabulary.current(),
        )
    )
