"""The API keeps its word: what its OpenAPI description says is what it answers.

A fuzzer (schemathesis, every check) sends every documented operation requests within the
description (each must be answered 2xx, or 404 for an id or page that does not exist) and outside it
(each must be refused with a 4xx), and checks that every answer has a documented status, content
type, headers and schema. It runs on the live Django application (WSGI) over a catalogue holding
published practices and some that are not public: none of those may show in any answer. Bounded and
derandomized, so CI runs the same examples every time; `../shared/tools/validate URL api` runs the
same fuzzer against a running server with new examples.

Then the findings of the fuzzer that once failed, each as a plain test.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import ProgrammingError, close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario

from countries.models import Region
from practices import openapi
from practices.filters import PracticeFilter, Vocabulary
from practices.models import Practice
from smeplatform.wsgi import application

from ..reliability.test_unavailable import database_down, every_query_fails
from .test_browse import catalogue  # noqa: F401 (a fixture)

API = "/api/practices/"
# The titles of the catalogue's practices that are not public (tests/practices/test_browse.py).
NOT_PUBLIC = ["Secret draft", "Pending guarantee", "Archived finance scheme", "Unreviewed registry title"]
UNSAFE_METHODS = ["post", "put", "patch", "delete"]


# --- The fuzzer, over every documented operation ---


@pytest.fixture
def api_schema(request, settings, catalogue):  # noqa: F811
    # The WSGI client asks for http://localhost/, whatever the host names the environment allows.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # schemathesis 4.32 names each operation's subtest through the node's `_nodeid`, which pytest 9
    # no longer has (it is `nodeid`): given, the names read "test_...[GET /practices/]" again.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    # Django's test client keeps the test's transaction open across requests; called as a WSGI
    # application, Django would close the connection after each one, and the catalogue with it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # The configuration is given, so a schemathesis.toml found on the way cannot change the checks.
        config = schemathesis.Config.from_dict({"seed": 2026, "checks": {"enabled": True}, "cache": {"enabled": False}})
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)
        schema.hook(filter_case)
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def filter_case(context, case):
    """Every case but the coverage phase's one request per listed value of a vocabulary filter.

    Those would be some 300 requests (every country, region and term); that the description lists
    exactly the values each filter takes is checked once, below, by comparing the lists.
    """
    phase = case.meta.phase.data if case.meta else None
    return not (
        isinstance(phase, CoveragePhaseData)
        and phase.scenario == CoverageScenario.ENUM_VALUE_ITEMS_ARRAY
        and phase.parameter in openapi.VOCABULARY_FILTERS
    )


def nothing_unpublished_shows(ctx, response, case):
    for title in NOT_PUBLIC:
        assert title not in response.text, f"{title!r} is not public but shows in {case.method} {case.formatted_path}"


fuzzed = schemathesis.pytest.from_fixture("api_schema")


@fuzzed.parametrize()
@settings(max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_documented_operation_answers_as_its_description_says(case):
    # Called as a WSGI application, no HTTP client undoes a compression: answers come as they are
    # (over HTTP, `validate URL api` has them compressed; tests/test_compression.py).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, additional_checks=[nothing_unpublished_shows])


# --- An empty filter is no filter, as on the website ---


def api_titles(client, query):
    response = client.get(API, {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    return [record["title"] for record in response.json()["results"]]


def test_an_empty_filter_is_answered_like_no_filter(client, catalogue):  # noqa: F811
    everything = api_titles(client, {})
    assert len(everything) == 3
    for name in [*PracticeFilter.base_filters, "page", "page_size"]:
        assert api_titles(client, {name: ""}) == everything, name


def test_an_empty_value_beside_a_real_one_is_left_out(client, catalogue):  # noqa: F811
    africa = Region.objects.get(code="002").slug
    assert api_titles(client, {"region": ["", africa]}) == api_titles(client, {"region": africa}) != api_titles(client, {})


def test_the_browse_page_and_the_export_leave_an_empty_filter_out_without_a_warning(client, catalogue):  # noqa: F811
    page = client.get("/en/practices/", {"region": "", "theme": ""})
    assert page.status_code == 200
    assert "This filter is left out" not in page.content.decode()
    assert len(page.context["practices"]) == 3
    export = client.get("/en/practices/export.json", {"region": ""})
    assert json.loads(b"".join(export.streaming_content))["count"] == 3


def test_an_unknown_value_is_still_refused(client, catalogue):  # noqa: F811
    response = client.get(API, {"region": "atlantis"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["region"]


# --- Every answer under /api/ is JSON another site may read ---


@pytest.mark.parametrize("path", ["/api/practices/abc/", "/api/practices/-1/", "/api/nope/", "/api/practices/1/extra/", "/api/a%0Ab/"])
def test_an_address_the_api_does_not_have_is_a_json_404_any_site_may_read(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(response.json()["errors"]) == ["path"]


def test_an_operation_without_its_final_slash_is_redirected_to_it(client, db):
    response = client.get("/api/practices", {"page_size": "2"})
    assert response.status_code == 301
    assert response["Location"] == "/api/practices/?page_size=2"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_while_the_database_is_out_of_reach_the_api_answers_a_json_503(db):
    with database_down():
        response = Client(raise_request_exception=False).get(API)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(response.json()["errors"]) == ["server"]


def test_a_fault_of_ours_is_a_json_500(db):
    with every_query_fails(lambda: ProgrammingError("column does not exist")):
        response = Client(raise_request_exception=False).get(API)
    assert response.status_code == 500
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(response.json()["errors"]) == ["server"]
    assert "column" not in response.content.decode()


# --- Read-only: other methods are 405, never the CSRF failure page ---


@pytest.mark.parametrize("method", UNSAFE_METHODS)
def test_a_method_that_would_change_something_is_405_with_the_methods_allowed(db, method):
    # As a real client: Django's test client skips the CSRF check unless told not to.
    client = Client(enforce_csrf_checks=True)
    for path in [API, f"{API}1/", "/api/taxonomies/", "/api/openapi.json"]:
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert list(response.json()["errors"]) == ["method"]


def test_a_browser_preflight_is_allowed_from_any_site(client, catalogue):  # noqa: F811
    response = client.options(
        API, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "accept"}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "*"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert not response.has_header("Access-Control-Allow-Credentials")


# --- The description says what the API takes ---


@pytest.fixture
def described(client, db):
    return client.get("/api/openapi.json").json()


def test_the_description_lists_the_values_each_vocabulary_filter_takes(described, db):
    parameters = {parameter["name"]: parameter for parameter in described["paths"]["/practices/"]["get"]["parameters"]}
    filters = PracticeFilter(None, queryset=Practice.objects.published(), vocabulary=Vocabulary()).filters
    for name in openapi.VOCABULARY_FILTERS:
        taken = [value for value, _label in filters[name].extra["choices"]]
        assert parameters[name]["schema"]["items"]["enum"] == ["", *taken], name
    assert "KE" in parameters["country"]["schema"]["items"]["enum"]


def test_the_description_says_an_empty_value_is_taken(described):
    for parameter in described["paths"]["/practices/"]["get"]["parameters"]:
        schema = parameter["schema"]
        takes_empty = (
            parameter.get("allowEmptyValue")
            or schema["type"] == "string" and "minLength" not in schema
            or schema["type"] == "array" and schema["items"].get("enum", [""])[0] == ""
        )
        assert takes_empty, parameter["name"]


def test_a_page_number_written_with_a_zero_fraction_is_a_whole_number(client, catalogue):  # noqa: F811
    # JSON Schema counts 10.0 as an integer: the fuzzer sent page=10.0 and was refused.
    assert client.get(API, {"page": "1.0"}).status_code == 200
    assert client.get(API, {"page": "1.0"}).json()["results"] == client.get(API, {"page": "1"}).json()["results"]
    assert client.get(API, {"page": "1.5"}).status_code == 400
    assert client.get(API, {"page": "1e3"}).status_code == 400
    assert client.get(API, {"page": "9" * 5000}).status_code == 400
