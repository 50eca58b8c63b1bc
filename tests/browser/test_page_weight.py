"""What a first and a repeat visit to each public page costs a reader on a slow connection.

Targets (performance issue): a first visit at most 100 KB compressed in all, in at most 10
requests, none to another site; a repeat visit under 15 KB. Pages and data are measured as they
travel: the app compresses them (GZipMiddleware). Static files count as what gzip makes of them: the
test server sends them as they are, whitenoise serves them precompressed in production.
On a repeat visit the static files are not fetched again: in production they have hashed names
and a year's cache lifetime (checked on gunicorn by tests/test_two_instances.py), so the repeat cost is
that of the other responses.
"""

import gzip

from tests.test_query_counts import pages, record  # noqa: F401 (record is a fixture)

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST

FIRST_VISIT_MAX_BYTES = 100 * 1024
FIRST_VISIT_MAX_REQUESTS = 10
REPEAT_VISIT_MAX_BYTES = 15 * 1024


def transferred(response):
    """The bytes a response's body took on the wire: as sent when the server compressed it, else gzipped."""
    if "/static/" in response.url:
        return len(gzip.compress(response.body(), 6))
    assert response.headers.get("content-encoding") == "gzip", f"{response.url} was sent uncompressed"
    return response.request.sizes()["responseBodySize"]


def visit(context, url):
    """[(url, size on the wire)] of every response the page needed."""
    responses = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    # "load": every resource the page names has arrived. No script of ours asks for more after it (htmx
    # asks only on a change or a submit), so waiting for the network to be idle would only add half a second.
    page.goto(url, wait_until="load")
    sizes = [(response.url, transferred(response)) for response in responses if response.status != 304]
    page.close()
    return sizes


def test_first_and_repeat_visits_stay_light(chromium, live_server, record):
    """Every public page of the query-count test, with the same data."""
    paths = pages(record)
    report = {}
    for path in paths:
        context = chromium.new_context()
        url = live_server.url + path
        first_visit = visit(context, url)
        repeat_visit = [(address, size) for address, size in visit(context, url) if "/static/" not in address]
        context.close()
        others = [address for address, _size in first_visit if not address.startswith(live_server.url)]
        report[path] = {
            "requests": len(first_visit),
            "first": sum(size for _address, size in first_visit),
            "repeat": sum(size for _address, size in repeat_visit),
            "third party": others,
        }
    too_heavy = {
        path: figures
        for path, figures in report.items()
        if figures["third party"]
        or figures["requests"] > FIRST_VISIT_MAX_REQUESTS
        or figures["first"] > FIRST_VISIT_MAX_BYTES
        or figures["repeat"] >= REPEAT_VISIT_MAX_BYTES
    }
    assert not too_heavy, too_heavy
    # The measure itself sees the pages: the browse page's first visit carries its style sheet.
    assert report["/en/practices/"]["requests"] >= 2 and report["/en/practices/"]["first"] > 5 * 1024
