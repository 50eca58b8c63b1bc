"""Hostile input never makes a server error: every form, every query parameter, every path parameter.

Hypothesis writes the input (tests/fuzz_strategies.py): NUL bytes, text that is not UTF-8,
100,000 characters, injections, numbers and dates out of range, lists for single values, missing
and unknown fields, small files that are not what they say. Whatever it sends, the answer is a
page or a refusal (any status below 500), never a crash and never Django's technical error page.

Forms are found where a user finds them: the page that shows the form is read as HTML (every
field, option, checkbox and file input), signed in as a role allowed to post it, with the world
of tests/security/test_permission_matrix.py. Each example runs in a savepoint that is rolled back, so
every example meets the same world.

Each URL first gets a fixed sweep (every choice of every field, the calendar's first and last
days, each poison in every field and a NUL in each parameter), then Hypothesis's examples: a few
in CI, the same on every run. To hunt for bugs, run many more, new ones each time:
FUZZ_EXAMPLES=300 pytest tests/security/test_fuzz.py
"""

import json
import os
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countries.models import Country
from practices.filters import PracticeFilter, Vocabulary

from tests.conftest import PASSWORD
from tests.fuzz_strategies import (
    FormField,
    form_data,
    hostile_scalar,
    hostile_text,
    payload_text,
    poisoned_queries,
    query_strings,
    read_forms,
    sweep,
)
from .test_permission_matrix import MATRIX, POST_MATRIX, REDIRECT, rolled_back, world  # noqa: F401  (world is a fixture)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)


def fuzz(examples):
    """CI: a few examples, the same on every run. FUZZ_EXAMPLES=n: n new ones each run."""
    return settings(
        max_examples=EXAMPLES or examples,
        derandomize=not EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


# What Django shows when DEBUG is on and something breaks: never in an answer.
TECHNICAL_PAGE_MARKERS = [b"Traceback (most recent call last)", b"Exception Value:", b"Using the URLconf defined in"]


def body_of(response):
    """The whole answer, streamed ones included (a stream can fail half-way)."""
    if response.streaming:
        # The test client closes the response once its stream is read.
        return b"".join(response.streaming_content)
    return response.content


def assert_no_server_error(response, what):
    body = body_of(response)
    assert response.status_code < 500, f"{what}: {response.status_code}"
    for marker in TECHNICAL_PAGE_MARKERS:
        assert marker not in body, f"{what}: Django's technical error page"


def sign_in(client, world, role):
    client.logout()
    if world["cast"].get(role) is not None:
        client.force_login(world["cast"][role])


def signing_in(client, world):
    """sign_in, only when the role changes: each example need not write a new session."""
    current = []

    def as_role(role):
        if current[-1:] != [role]:
            sign_in(client, world, role)
            current.append(role)

    return as_role


def follow_redirect(client, response, what):
    """A successful POST sends the user to a page that shows what was saved: it must show it."""
    if response.status_code != 302:
        return
    location = urlsplit(response["Location"])
    if location.netloc or location.path.startswith(reverse("account_login")):
        return
    assert_no_server_error(client.get(response["Location"]), f"{what} -> GET {response['Location']}")


# --- The world in the states where each form is offered ---


def _submit_practice(world, client):
    from practices import services

    content = {**world["revision"].content, "summary": "A summary.", "description": "A description.", "level": "national"}
    content["themes"] = [world["theme"].slug]
    services.save_revision(world["revision"], by=world["cast"]["focal_a"], changes=content)
    services.submit_revision(world["revision"], by=world["cast"]["focal_a"])


def _publish_practice(world, client):
    from practices import services

    _submit_practice(world, client)
    world["revision"].refresh_from_db()
    services.publish_revision(world["revision"], by=world["cast"]["moderator"])


def _archive_practice(world, client):
    from practices import services

    _publish_practice(world, client)
    world["practice"].refresh_from_db()
    services.archive_practice(world["practice"], by=world["cast"]["focal_a"])


def _discard_practice(world, client):
    from practices import services

    services.discard_revision(world["revision"], by=world["cast"]["focal_a"])


def _open_second_version(world, client):
    from practices import services

    _publish_practice(world, client)
    world["practice"].refresh_from_db()
    services.start_revision(world["practice"], by=world["cast"]["focal_a"])


def _unpublish_meeting(world, client):
    from meetings import services

    services.unpublish_meeting(world["meeting"], by=world["cast"]["moderator"])


def _share_with_colombia(world, client):
    from practices import services

    services.add_co_owner(world["practice"], by=world["cast"]["moderator"], country=Country.objects.get(iso2="CO"))


def _submit_story(world, client):
    from meetings import services

    services.submit_uptake_story(world["story"], by=world["cast"]["contributor_a"])


def _submit_translation(world, client):
    from practices import services

    translation, focal_a = world["translation"], world["cast"]["focal_a"]
    services.save_translation(translation, by=focal_a, text={"title": "Guichet unique", "summary": "En ligne.", "description": "Un guichet."})
    services.submit_translation(translation, by=focal_a)


def _ask_for_spanish(world, client):
    from practices import services

    services.ask_for_translation(world["published"], by=world["cast"]["focal_a"], language="es")


def _pending_two_factor(world, client):
    # The moderator gave the right password: the sign-in waits for the authenticator code.
    response = client.post(reverse("account_login"), {"login": world["cast"]["moderator"].email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"), response


@dataclass
class FormCase:
    action: Callable  # world -> the path the form posts to
    role: str
    page: Callable  # world -> the page showing the form
    examples: dict = field(default_factory=dict)  # plausible values, from the matrix
    prepare: tuple = ()  # world, client -> None: puts the world in the state where the form is offered
    then: tuple = ()  # world -> path: public pages that show what a successful post saved


def _meeting_page(name):
    def path(world):
        from meetings.models import Meeting

        return reverse(name, kwargs={"slug": Meeting.objects.get(pk=world["meeting"].pk).slug})

    return path


PUBLIC_MEETING_PAGES = (
    _meeting_page("meetings:meeting_detail"),
    _meeting_page("meetings:meeting_calendar"),
    MATRIX["meetings:meeting_calendar_feed"].url,
    MATRIX["meetings:meeting_list"].url,
)


# The page showing each action's form (a MATRIX key, or world -> path), when it is not the action's own page.
SHOWN_ON = {
    "countries:change_role": "countries:team",
    "countries:remove_member": "countries:team",
    "countries:hand_over": "countries:team",
    "countries:revoke_invitation": "countries:team",
    "countries:resend_invitation": "countries:team",
    "practices:practice_submit": "practices:workspace_detail",
    "practices:practice_discard": "practices:workspace_detail",
    "practices:practice_revise": "practices:workspace_detail",
    "practices:practice_archive": "practices:workspace_detail",
    "practices:attachment_add": "practices:workspace_detail",
    "practices:attachment_remove": "practices:workspace_detail",
    "practices:share_propose": "practices:workspace_detail",
    "practices:share_withdraw": "practices:workspace_detail",
    "practices:co_owner_remove": "practices:workspace_detail",
    # The practice Colombia shares with Kenya, in Kenya's workspace.
    "practices:co_owner_leave": lambda w: reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": w["shared_with_kenya"].pk}),
    "practices:share_accept": "practices:workspace_list",
    "practices:share_decline": "practices:workspace_list",
    "practices:practice_restore": "practices:workspace_detail",
    "practices:revision_restore": "practices:workspace_detail",
    "practices:import_confirm": "practices:import_preview",
    "practices:review_claim": "practices:review",
    "practices:review_publish": "practices:review",
    "practices:review_tags": "practices:review",
    "practices:review_request_changes": "practices:review",
    "practices:review_reject": "practices:review",
    "meetings:staff_meeting_publish": "meetings:staff_meeting",
    "meetings:staff_meeting_unpublish": "meetings:staff_meeting",
    "meetings:staff_agenda_add": "meetings:staff_meeting",
    "meetings:staff_agenda_remove": "meetings:staff_meeting",
    "meetings:staff_agenda_move": "meetings:staff_meeting",
    "meetings:staff_document_add": "meetings:staff_meeting",
    "meetings:staff_document_remove": "meetings:staff_meeting",
    "meetings:staff_participation_confirm": "meetings:staff_meeting",
    "meetings:staff_participation_decline": "meetings:staff_meeting",
    "meetings:staff_presentation_confirm": "meetings:staff_meeting",
    "meetings:staff_presentation_decline": "meetings:staff_meeting",
    "meetings:cta_declare_endorsement": "meetings:cta_workspace",
    "meetings:cta_story_submit": "meetings:cta_story_workspace",
    "meetings:cta_confirm_endorsement": "meetings:cta_staff",
    "meetings:cta_decline_endorsement": "meetings:cta_staff",
    "meetings:cta_deliverable_update": "meetings:cta_deliverable",
    "meetings:cta_deliverable_event": "meetings:cta_deliverable",
    "meetings:cta_story_publish": "meetings:cta_story_review",
    "meetings:cta_story_request_changes": "meetings:cta_story_review",
    "meetings:cta_story_reject": "meetings:cta_story_review",
    "practices:translation_discard": "practices:translation_edit",
    "practices:translation_publish": "practices:translation_review",
    "practices:translation_request_changes": "practices:translation_review",
    "practices:translation_reject": "practices:translation_review",
    # Any signed-in delegate starts a translation from the published practice's public page.
    "practices:translation_start": lambda w: reverse("practices:practice_detail", kwargs={"pk": w["published"].pk}),
    # Any signed-in reader asks for it in another language there, and withdraws the request there.
    "practices:translation_ask": lambda w: reverse("practices:practice_detail", kwargs={"pk": w["published"].pk}),
    "practices:translation_ask_withdraw": lambda w: reverse("practices:practice_detail", kwargs={"pk": w["published"].pk}),
}
# The world's state in which the form is offered (and the action can succeed).
STATES = {
    "practices:practice_revise": (_publish_practice,),
    "practices:practice_archive": (_publish_practice,),
    "practices:practice_restore": (_archive_practice,),
    "practices:revision_restore": (_discard_practice,),
    "practices:co_owner_remove": (_share_with_colombia,),
    "practices:review_claim": (_submit_practice,),
    "practices:review_publish": (_submit_practice,),
    "practices:review_tags": (_submit_practice,),
    "practices:review_request_changes": (_submit_practice,),
    "practices:review_reject": (_submit_practice,),
    "meetings:staff_meeting_publish": (_unpublish_meeting,),
    "meetings:cta_story_publish": (_submit_story,),
    "meetings:cta_story_request_changes": (_submit_story,),
    "meetings:cta_story_reject": (_submit_story,),
    "practices:translation_publish": (_submit_translation,),
    "practices:translation_request_changes": (_submit_translation,),
    "practices:translation_reject": (_submit_translation,),
    "practices:translation_ask_withdraw": (_ask_for_spanish,),
}
# After a successful post, what the public sees of it (the world's meeting is public, Kenya's story is published).
THEN = {
    "countries:profile_edit": (MATRIX["countries:country_detail"].url,),
    "meetings:staff_meeting_edit": PUBLIC_MEETING_PAGES,
    "meetings:staff_agenda_add": PUBLIC_MEETING_PAGES[:2],
    "meetings:staff_agenda_edit": PUBLIC_MEETING_PAGES[:2],
    "meetings:staff_document_add": PUBLIC_MEETING_PAGES[:1],
    "meetings:staff_participation_confirm": PUBLIC_MEETING_PAGES[:1],
    "meetings:staff_presentation_confirm": PUBLIC_MEETING_PAGES[:1],
    "meetings:cta_record_endorsement": (MATRIX["meetings:call_to_action"].url,),
    "meetings:cta_deliverable_update": (MATRIX["meetings:call_to_action"].url,),
    "meetings:cta_deliverable_event": (MATRIX["meetings:call_to_action"].url,),
    "meetings:cta_story_publish": (MATRIX["meetings:call_to_action"].url,),
}


def _allowed_role(case):
    """A role allowed to post: the country's focal point if the matrix lets them, otherwise the moderator."""
    for role in ("focal_a", "moderator"):
        if case.expected[role] in (REDIRECT, 200):
            return role
    return "focal_a"


def _page_of(key, url):
    host = SHOWN_ON.get(key)
    if callable(host):
        return host
    return MATRIX[host].url if host else url


FORM_CASES = {
    key: FormCase(case.url, _allowed_role(case), _page_of(key, case.url), {k: v for k, v in case.data.items() if not callable(v)}, STATES.get(key, ()), THEN.get(key, ()))
    for key, case in POST_MATRIX.items()
}
# Forms that are not actions of the matrix: sign-in and account pages, the invitation, the admin.
for key, role, examples, prepare in [
    ("account_login", "anonymous", {"login": "focal.a@example.org", "password": PASSWORD}, ()),
    ("account_reset_password", "anonymous", {"email": "focal.a@example.org"}, ()),
    ("account_change_password", "focal_a", {"oldpassword": PASSWORD}, ()),
    ("account_email", "focal_a", {}, ()),
    ("account_reauthenticate", "focal_a", {"password": PASSWORD}, ()),
    ("account_request_reauthentication_code", "focal_a", {}, ()),
    ("mfa_reauthenticate", "moderator", {}, ()),
    ("mfa_authenticate", "anonymous", {}, (_pending_two_factor,)),
    ("countries:invitation_accept", "anonymous", {"password1": PASSWORD, "password2": PASSWORD}, ()),
]:
    FORM_CASES[key] = FormCase(MATRIX[key].url, role, MATRIX[key].url, examples, prepare)
# The admin forms moderators may post (the matrix's admin rows say which).
for key in [
    "admin:practices_theme_change",
    "admin:practices_targetgroup_add",
    "admin:countries_country_change",
    "admin:countries_membership_delete",
    "admin:meetings_calltoaction_change",
    "admin:meetings_mandate_add",
]:
    FORM_CASES[key] = FormCase(MATRIX[key].url, "moderator", MATRIX[key].url)


def _forms_posting_to(html, page_path, action):
    return [
        form
        for form in read_forms(html)
        if form.method == "post" and urlsplit(urljoin(page_path, form.action or page_path)).path == action
    ]


def _fields_of(forms, examples):
    fields = {}
    for form in forms:
        for name, entry in form.fields.items():
            fields.setdefault(name, entry)
    for name in examples:
        fields.setdefault(name, FormField(name, "text"))
    return fields


@pytest.mark.parametrize("key", sorted(FORM_CASES))
def test_hostile_form_data_never_makes_a_server_error(client, world, key):
    case = FORM_CASES[key]
    for prepare in case.prepare:
        prepare(world, client)
    if case.role != "anonymous":
        sign_in(client, world, case.role)
    action = case.action(world)
    page_path = case.page(world)
    page = client.get(page_path)
    assert page.status_code == 200, f"{case.role} GET {page_path}: {page.status_code}"
    forms = _forms_posting_to(page.content.decode(), page_path, action)
    assert forms, f"{page_path} shows no form posting to {action}: SHOWN_ON or STATES is out of date"
    fields = _fields_of(forms, case.examples)

    def post(data):
        with rolled_back(client):
            response = client.post(action, data)
            what = f"{case.role} POST {action} {_shown(data)}"
            assert_no_server_error(response, what)
            follow_redirect(client, response, what)
            if response.status_code == 302 and case.then:
                client.logout()
                for path in (then(world) for then in case.then):
                    assert_no_server_error(client.get(path), f"after {what}: GET {path}")

    for data in sweep(fields, case.examples):
        post(data)
    # A form with nothing to fill in gets fewer examples: only unknown fields can vary.
    fuzz(15 if set(fields) - {"csrfmiddlewaretoken"} else 5)(given(data=form_data(fields, case.examples))(post))()


def _shown(data):
    return {name: value[:80] if isinstance(value, (str, bytes)) else value for name, value in data.items() if name != "csrfmiddlewaretoken"}


# --- Query parameters of the pages that read them ---


def _filter_parameters(world, client):
    """The browse page's parameters with values it knows (a few of each), from the filter itself."""
    vocabulary = Vocabulary()
    parameters = {"page": ["1", "2", "0", "-1", "999999999999", "last"]}
    for name, filter_ in PracticeFilter.base_filters.items():
        known = vocabulary.names.get(name) or dict(filter_.extra.get("choices") or [])
        parameters[name] = sorted(known)[:8] + ["ke", "co"] * (name == "country")
    parameters["q"] = ["credit", '"one stop" -shop OR export', "a & b | !c", "'", ":*", "\\"]
    parameters["year_from"] = parameters["year_to"] = ["1950", "2100", "1949", "2101", "2020.5"]
    return parameters


def _api_parameters(world, client):
    """The API's parameters as its OpenAPI document declares them, with their listed values."""
    document = json.loads(client.get(reverse("api:openapi")).content)
    parameters = {}
    for parameter in document["paths"]["/practices/"]["get"]["parameters"]:
        schema = parameter["schema"]
        values = schema.get("enum") or schema.get("items", {}).get("enum") or []
        for bound in ("minimum", "maximum"):
            if bound in schema:
                values += [str(schema[bound]), str(schema[bound] - 1), str(schema[bound] + 1)]
        parameters[parameter["name"]] = [str(value) for value in values]
    return parameters


def _page_parameters(world, client):
    return {"page": ["1", "2", "0", "-1", "999999999999", "last", "1e3"]}


def _compare_parameters(world, client):
    return {"p": [str(world["practice"].pk), "1", "0", "-1", str(2**63), str(2**64)]}


def _version_parameters(world, client):
    return {"from": ["1", "2", "0", "-5", str(2**70)], "to": ["1", "2", "0", str(2**70)]}


def _queue_parameters(world, client):
    return {"region": ["africa", "americas", ""], "country": ["KE", "ke", "CO", ""], "theme": [world["theme"].slug, ""]}


def _country_parameter(world, client):
    return {"country": ["KE", "ke", "SN", "XX", ""]}


def _admin_parameters(world, client):
    # The changelist's own links add its filters and date drill-down (created_at__year=...).
    huge = ["9" * 40, "0", "-1", "2024"]
    return {
        "q": ["ke", "a%", "_"], "o": ["1", "-1", "1.2", "99"], "p": ["0", "1", "99999999"], "all": [""], "e": ["1"], "_popup": ["1"],
        "created_at__year": huge, "created_at__month": huge, "created_at__day": huge,
    }


@dataclass
class QueryCase:
    path: Callable  # world -> path
    role: str
    parameters: Callable  # world, client -> {name: plausible values}
    headers: tuple = ()  # header variants the page answers differently
    prepare: tuple = (_publish_practice,)  # world, client -> None: something for the page to show


HTMX = ({}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-History-Restore-Request": "true"})
QUERY_CASES = {
    "practices:browse": QueryCase(MATRIX["practices:browse"].url, "anonymous", _filter_parameters, HTMX),
    "practices:export_csv": QueryCase(MATRIX["practices:export_csv"].url, "anonymous", _filter_parameters),
    "practices:export_json": QueryCase(MATRIX["practices:export_json"].url, "anonymous", _filter_parameters),
    "practices:export_xlsx": QueryCase(MATRIX["practices:export_xlsx"].url, "anonymous", _filter_parameters),
    "practices:feed_search": QueryCase(lambda w: reverse("practices:feed_search"), "anonymous", _filter_parameters),
    "practices:feed_latest": QueryCase(MATRIX["practices:feed_latest"].url, "anonymous", _filter_parameters),
    "practices:feed_region": QueryCase(MATRIX["practices:feed_region"].url, "anonymous", _filter_parameters),
    "api:practice_list": QueryCase(MATRIX["api:practice_list"].url, "anonymous", _api_parameters),
    "practices:compare": QueryCase(lambda w: reverse("practices:compare"), "anonymous", _compare_parameters),
    "countries:region_detail": QueryCase(MATRIX["countries:region_detail"].url, "anonymous", _page_parameters),
    "countries:country_list": QueryCase(MATRIX["countries:country_list"].url, "anonymous", _page_parameters),
    "meetings:meeting_list": QueryCase(MATRIX["meetings:meeting_list"].url, "anonymous", _page_parameters),
    "countries:history": QueryCase(MATRIX["countries:history"].url, "focal_a", _page_parameters),
    "practices:version_compare": QueryCase(
        MATRIX["practices:version_compare"].url, "focal_a", _version_parameters, prepare=(_open_second_version,)
    ),
    "practices:review_queue": QueryCase(MATRIX["practices:review_queue"].url, "moderator", _queue_parameters, prepare=(_submit_practice,)),
    "countries:staff_invite": QueryCase(MATRIX["countries:staff_invite"].url, "moderator", _country_parameter),
    "meetings:cta_record_endorsement": QueryCase(MATRIX["meetings:cta_record_endorsement"].url, "moderator", _country_parameter),
    "admin:countries_country_changelist": QueryCase(MATRIX["admin:countries_country_changelist"].url, "moderator", _admin_parameters),
    "admin:practices_practice_changelist": QueryCase(MATRIX["admin:practices_practice_changelist"].url, "moderator", _admin_parameters),
    "admin:countries_auditevent_changelist": QueryCase(
        MATRIX["admin:countries_auditevent_changelist"].url, "moderator", _admin_parameters
    ),
    "admin:countries_user_changelist": QueryCase(MATRIX["admin:countries_user_changelist"].url, "moderator", _admin_parameters),
}


def _discovered_parameters(html, path):
    """Parameter names and values the page itself offers: its GET forms, and links back to it with a query."""
    from tests.fuzz_strategies import read_links

    parameters = {}
    for form in read_forms(html):
        if form.method == "get" and urlsplit(urljoin(path, form.action or path)).path == path:
            for name, entry in form.fields.items():
                parameters.setdefault(name, []).extend(entry.options + entry.initial)
    for name, value in read_links(html, path):
        parameters.setdefault(name, []).append(value)
    return {name: sorted(set(values))[:10] for name, values in parameters.items()}


@pytest.mark.parametrize("key", sorted(QUERY_CASES))
def test_hostile_query_parameters_never_make_a_server_error(client, world, key):
    case = QUERY_CASES[key]
    for prepare in case.prepare:
        prepare(world, client)
    sign_in(client, world, case.role)
    path = case.path(world)
    page = client.get(path)
    assert page.status_code == 200, f"{case.role} GET {path}: {page.status_code}"
    parameters = case.parameters(world, client)
    if "html" in page["Content-Type"]:
        for name, values in _discovered_parameters(body_of(page).decode(), path).items():
            parameters[name] = sorted(set(parameters.get(name, []) + values))

    def ask(query, headers):
        with rolled_back(client):
            separator = "&" if "?" in path else "?"
            response = client.get(f"{path}{separator}{query}", headers=headers)
            assert_no_server_error(response, f"{case.role} GET {path}{separator}{query[:300]}")

    for query in poisoned_queries(parameters):
        ask(query, {})
    fuzz(15)(given(query=query_strings(parameters), headers=st.sampled_from(case.headers or ({},)))(ask))()


# --- Every other page, with parameters it does not expect; every path parameter ---

PAGE_ROLES = ("anonymous", "focal_a", "moderator")


def _pages_answering(world, expected=200):
    """(key, role) for every page of the matrix that answers the role's GET with a page."""
    return sorted(
        (key, role)
        for key, case in MATRIX.items()
        for role in PAGE_ROLES
        if case.method == "get" and case.expected.get(role) == expected and key not in ("account_logout",)
    )


def test_unexpected_query_parameters_never_make_a_server_error(client, world):
    pages = _pages_answering(world)
    as_role = signing_in(client, world)

    @fuzz(30)
    @given(page=st.sampled_from(pages), query=query_strings({}))
    def ask(page, query):
        key, role = page
        path = MATRIX[key].url(world)
        as_role(role)
        with rolled_back(client):
            separator = "&" if "?" in path else "?"
            response = client.get(f"{path}{separator}{query}")
            assert_no_server_error(response, f"{role} GET {path}{separator}{query[:300]}")

    ask()


def _with_parameter(path, value, replacement):
    """The path with the segment holding `value` replaced."""
    segments = path.split("/")
    index = max(i for i, segment in enumerate(segments) if segment == str(value))
    segments[index] = replacement
    return "/".join(segments)


def _segment(value):
    return quote(value, safe="") if isinstance(value, bytes) else quote(value.encode("utf-8", "surrogatepass"), safe="")


path_values = st.one_of(
    hostile_scalar,
    st.sampled_from(["0", "00", "1", str(2**31), str(2**63 - 1), str(2**63), str(2**64), "9" * 50, "KE", "ke", "KEN", "-1", ".", ".."]),
    st.from_regex(r"[A-Za-z0-9_-]{1,300}", fullmatch=True),
)


def test_hostile_path_parameters_never_make_a_server_error(client, world):
    # (MATRIX key, role, parameter, method): pages a role reads, and the actions it may post.
    pages = [(key, role, "get") for key, role in _pages_answering(world)]
    pages += [(key, "moderator", "get") for key in MATRIX if key.endswith("_change")]
    pages += [(key, _allowed_role(case), "post") for key, case in POST_MATRIX.items()]
    targets = []
    for key, role, method in pages:
        path = urlsplit(MATRIX[key].url(world)).path
        for name, value in resolve(path).kwargs.items():
            if name != "sitemaps" and str(value) in path.split("/"):
                targets.append((key, role, name, method))
    targets = sorted(set(targets))

    as_role = signing_in(client, world)

    def ask(target, value):
        key, role, name, method = target
        as_role(role)
        path = urlsplit(MATRIX[key].url(world)).path
        hostile = _with_parameter(path, resolve(path).kwargs[name], _segment(value))
        with rolled_back(client):
            response = getattr(client, method)(hostile)
            assert_no_server_error(response, f"{role} {method.upper()} {hostile[:300]}")

    for target in sorted(targets, key=lambda target: target[1]):
        for value in ("a\x00b", str(2**64)):
            ask(target, value)
    fuzz(40)(given(target=st.sampled_from(targets), value=path_values)(ask))()


# --- What hostile text becomes once published: every public page, export and feed shows it ---


def _public_pages(world, practice):
    country = practice.owner
    theme = practice.themes.first()
    words = practice.title.split()[0] if practice.title.split() else "x"
    return [
        reverse("practices:practice_detail", kwargs={"pk": practice.pk}),
        reverse("practices:browse"),
        f"{reverse('practices:browse')}?q={quote(words)}",
        f"{reverse('practices:compare')}?p={practice.pk}&p={practice.pk}",
        reverse("practices:export_csv"),
        f"{reverse('practices:export_json')}?q={quote(words)}",
        f"{reverse('practices:export_xlsx')}?q={quote(words)}",
        reverse("practices:feed_latest"),
        reverse("practices:feed_country", kwargs={"iso2": country.iso2}),
        reverse("practices:feed_theme", kwargs={"slug": theme.slug}) if theme else reverse("practices:feed_latest"),
        f"{reverse('practices:feed_search')}?q={quote(words)}",
        reverse("api:practice_list"),
        reverse("api:practice_detail", kwargs={"pk": practice.pk}),
        reverse("countries:country_detail", kwargs={"iso2": country.iso2}),
        reverse("countries:region_detail", kwargs={"slug": world["region"].slug}),
        reverse("home"),
        reverse("sitemap"),
    ]


published_text = st.one_of(payload_text, hostile_text.filter(lambda text: "\x00" not in text))


@st.composite
def practice_content(draw, world):
    return {
        "title": draw(published_text.filter(lambda text: 0 < len(text.strip()) <= 200)),
        "summary": draw(published_text.filter(lambda text: 0 < len(text.strip()) <= 500)),
        "description": draw(published_text.filter(lambda text: text.strip())),
        "results": draw(published_text),
        "indicators": draw(st.builds(lambda name, value: f"{name} | {value} | 2024", payload_text, payload_text)),
        "responsible_institution": draw(published_text.filter(lambda text: len(text) <= 200)),
        "contact_name": draw(published_text.filter(lambda text: len(text) <= 150)),
        "links": draw(st.sampled_from(["", "https://example.org/a?b=<script>", "https://xn--80ak6aa92e.com/é"])),
        "level": "national",
        "themes": [world["theme"].slug],
        "original_language": draw(st.sampled_from(["en", "fr", "es", "other"])),
        "submit": "",
    }


def test_published_hostile_text_never_breaks_a_public_page(client, world):
    from practices.models import Practice

    focal, moderator = world["cast"]["focal_a"], world["cast"]["moderator"]
    create = reverse("practices:practice_create", kwargs={"iso2": "KE"})
    published = []

    @fuzz(10)
    @given(content=practice_content(world))
    def publish_and_read(content):
        with rolled_back(client):
            client.force_login(focal)
            response = client.post(create, content)
            assert_no_server_error(response, f"POST {create}")
            practice = Practice.objects.filter(owner__iso2="KE").order_by("-pk").first()
            revision = practice.revisions.get()
            if revision.status != "submitted":
                return  # the form refused the text, with its message: nothing to publish
            client.force_login(moderator)
            response = client.post(reverse("practices:review_publish", kwargs={"pk": revision.pk}), {"evidence_label": "monitored"})
            assert response.status_code == 302, response.status_code
            published.append(practice.pk)
            client.logout()
            for path in _public_pages(world, practice):
                assert_no_server_error(client.get(path), f"GET {path}")

    publish_and_read()
    # Most texts are accepted: a run that published nothing has tested nothing.
    assert published
