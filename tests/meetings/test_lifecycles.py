"""Nothing lost, over whole lifecycles: the records a country writes and ITC reviews, driven through the pages.

"Nothing lost" is a property of sequences: a save that resets a field it does not edit passes every
single-step test. Here hypothesis runs random sequences of what the people of the platform do to
uptake stories, meeting declarations (participation and presentations) and endorsements of the
Call to Action, as a browser does it: it opens the page, takes the values the page fills in,
changes some of them and posts the form. A small model says what each record must be and what is
public; after every step:

- the database holds exactly what the model says, and the audit trail (RecordEvent) has one row
  per change, in order, and none for a step that was refused;
- the form a delegate opens shows the record as the model has it (what a page does not show, a
  browser does not send back);
- the public pages show exactly the published or confirmed records with their current text, and
  nothing else: each text typed carries a unique marker word, and no marker of a text that is not
  public (a draft, an overwritten value, a declaration not confirmed, a moderator's comment)
  appears on a public page, feed, calendar file, the sitemap, the API or the open-data export.

Each example runs in a savepoint rolled back at its end, so examples do not see each other.
"""

import html
import itertools
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from meetings import services
from meetings.models import Confirmation, Deliverable, Endorsement, Participation, Presentation, RecordEvent, UptakeStory
from practices import services as practice_services
from tests.fuzz_strategies import read_forms
from tests.factories import publish_practice
from tests.meetings.test_call_to_action import make_call, make_meeting

LIFECYCLE = settings(
    max_examples=15,  # derandomized; CI must finish within 15 minutes (raise it locally for a deeper run)
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: through the pages it takes minutes, and a failing run of at most 15 steps reads as it is.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
Action = RecordEvent.Action
StoryStatus = UptakeStory.Status
DECLARED, CONFIRMED, DECLINED = Confirmation.DECLARED, Confirmation.CONFIRMED, Confirmation.DECLINED
KEEP, CLEAR = "keep", "clear"


# --- Text as people type it, each value with its own marker word ---

_markers = itertools.count(1)


def new_marker():
    return f"zqmark{next(_markers):05d}q"


# Printable text in any script. Left out: what Markdown or HTML would turn into something other than
# text (<, >, &, [, ], `, \), so that a marker in a published text shows on the page as typed.
_characters = st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="<>&[]`\\")
words = st.text(_characters, max_size=30)
# What surrounds the marker: on one line (an input), or on several (a textarea).
one_line = st.tuples(words, words)
several_lines = st.tuples(st.lists(words, max_size=3).map("\n".join), st.lists(words, max_size=3).map("\n".join))


def with_marker(parts, marker):
    before, after = parts
    return f"{before} {marker} {after}"


def stored(text):
    """What the platform keeps of a text: line ends as \\n, no surrounding white space."""
    return text.replace("\r\n", "\n").strip()


# --- A browser ---


def page_form(response, action):
    """The page's form that posts to `action` (a form without an action posts to its page)."""
    assert response.status_code == 200, (response.status_code, action)
    for form in read_forms(response.content.decode()):
        form.action = form.action or response.request["PATH_INFO"]
        if form.method == "post" and form.action == action:
            return form
    raise AssertionError(f"the page has no form posting to {action}")


def has_form(response, action):
    return any(form.method == "post" and form.action == action for form in read_forms(response.content.decode()))


def shown_values(form):
    """What a browser sends for this form when nothing is typed: the values the page fills in."""
    values = {}
    for name, entry in form.fields.items():
        if entry.kind in ("button", "submit", "reset", "image", "file"):
            continue
        if entry.kind == "select":
            # A select with no option marked selected sends its first option.
            values[name] = list(entry.initial) if entry.multiple else (entry.initial[:1] or entry.options[:1])
        elif entry.kind in ("checkbox", "radio"):
            values[name] = list(entry.initial)
        elif entry.kind == "textarea":
            # A browser drops the line break that follows <textarea>; the HTML parser here does not.
            values[name] = [entry.initial[0].removeprefix("\n")] if entry.initial else [""]
        else:
            values[name] = entry.initial[:1] or [""]
    return values


def browser_post(client, form, typed=None, press=None):
    """Post the form as a browser does: the values shown, what was typed over them, the button pressed."""
    values = shown_values(form)
    for name, value in (typed or {}).items():
        values[name] = list(value) if isinstance(value, (list, tuple, set)) else [value]
    data = {}
    for name, value in values.items():
        if name in form.fields and form.fields[name].kind == "textarea":
            # Browsers send a textarea's line ends as CRLF.
            value = [re.sub(r"\r\n|\r|\n", "\r\n", text) for text in value]
        if value:
            data[name] = value
    if press is not None:
        data[press] = form.fields[press].options[:1] or [""]
    return client.post(form.action, data)


def single(values):
    return values[0] if values else ""


# --- Shared by the three machines ---


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def public_get(path):
    response = Client().get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode()


def assert_no_marker(page, markers, where):
    leaked = sorted(marker for marker in markers if marker in page)
    assert not leaked, f"{where} shows text that is not public: {leaked}"


def section(page, start, end):
    """The part of a page from `start` to the next `end` ('' when the page has no `start`)."""
    begin = page.find(start)
    return "" if begin < 0 else page[begin : page.find(end, begin) + len(end)]


def refused_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# Public addresses that list no record of these kinds: nothing of them may show there either.
SWEEP = (
    "home", "meetings:meeting_list", "meetings:meeting_calendar_feed", "practices:feed_latest", "sitemap", "api:practice_list",
    "practices:export_json",
)


class Lifecycle(RuleBasedStateMachine):
    """One example: a savepoint rolled back at its end; the audit rows written since it began."""

    world = None  # the test's records and signed-in clients, set by the test

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.first_event = RecordEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        self.expected_events = []
        self.markers = set()
        self._pages_read = {}

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def client(self, role):
        return Client() if role == "anonymous" else self.world["clients"][role]

    def marker(self):
        marker = new_marker()
        self.markers.add(marker)
        return marker

    def hidden_markers(self):
        public_text = self.public_text()
        return {marker for marker in self.markers if marker not in public_text}

    def read_again(self, page, state):
        """Whether what `page` shows may have changed since it was last read (pages are rendered from the database alone:
        caches are off in tests)."""
        if self._pages_read.get(page) == state:
            return False
        self._pages_read[page] = state
        return True

    @invariant()
    def agrees_with_the_model(self):
        self.check_database()
        rows = RecordEvent.objects.filter(pk__gt=self.first_event).select_related("country").order_by("pk")
        assert [self.audit_row(event) for event in rows] == self.expected_events, "one audit row per change, none for a refusal"
        self.check_public_pages()

    def a_visitor_reads(self, data):
        """A page that lists none of these records: nothing of them shows there either."""
        path = data.draw(st.sampled_from([reverse(name) for name in SWEEP] + self.sweep_paths()), label="a visitor reads")
        status, page = public_get(path)
        assert status == 200, path
        assert_no_marker(page, self.hidden_markers(), path)

    def sweep_paths(self):
        return []


# --- Uptake stories ---


@dataclass
class StoryModel:
    pk: int
    fields: dict
    status: str = StoryStatus.DRAFT


STORY_TEXT_FIELDS = ("title", "institution", "story")
TEAM = ["contributor_a", "focal_a", "moderator"]  # who may write Kenya's stories
story_changes = st.fixed_dictionaries(
    {},
    optional={
        "title": one_line,
        "institution": st.one_of(st.just(CLEAR), one_line),
        "story": st.one_of(several_lines, several_lines, st.just(CLEAR)),
        "used_deliverable": st.sampled_from([None, 0, 1]),
        "used_practice": st.sampled_from([None, 0, 1]),
    },
)
DECISIONS = {
    "publish": ("cta_story_publish", "note", Action.STORY_PUBLISHED, StoryStatus.PUBLISHED),
    "request_changes": ("cta_story_request_changes", "comment", Action.STORY_CHANGES_REQUESTED, StoryStatus.CHANGES_REQUESTED),
    "reject": ("cta_story_reject", "reason", Action.STORY_REJECTED, StoryStatus.REJECTED),
}
# Steps that must change nothing: (who, what), answered with the status code.
STORY_REFUSALS = [
    ("contributor_a", "create_without_title", 200),
    ("contributor_a", "save_without_title", 200),
    ("focal_a", "choose_own_country_practice", 200),
    ("contributor_a", "choose_withdrawn_practice", 200),
    ("contributor_a", "post_stale_edit_page", 302),
    ("focal_a", "submit_again", 302),
    ("moderator", "decide_outside_review", 302),
    ("contributor_b", "edit_in_own_workspace", 404),
    ("contributor_b", "edit_in_kenyan_workspace", 404),
    ("contributor_b", "submit", 404),
    ("anonymous", "edit_in_kenyan_workspace", "login"),
    ("contributor_a", "decide", 403),
    ("focal_a", "decide", 403),
    ("anonymous", "decide", "login"),
]


class StoryLifecycle(Lifecycle):
    """Kenya's uptake stories: written, saved, submitted, sent back, resubmitted, published or rejected."""

    def __init__(self):
        super().__init__()
        self.model = []
        self.withdrawn = set()  # peer practices archived since the example began

    def stories_in(self, statuses):
        return [story for story in self.model if story.status in statuses]

    def editable(self):
        return self.stories_in(UptakeStory.EDITABLE_STATUSES)

    def in_review(self):
        return self.stories_in(UptakeStory.IN_REVIEW_STATUSES)

    @staticmethod
    def url(name, story=None, iso2="KE"):
        return reverse(f"meetings:{name}", args=[iso2, story.pk] if story else [iso2])

    def typed(self, changes, form):
        """What the person types over the page: {field: text sent}, and {field: what the story must then hold}."""
        sent, expected = {}, {}
        for name, change in changes.items():
            if name in ("used_deliverable", "used_practice"):
                choices = self.world["deliverables"] if name == "used_deliverable" else self.world["peer_practices"]
                value = "" if change is None else str(choices[change].pk)
                if value not in form.fields[name].options:
                    continue  # not offered on the page: nobody can choose it
                sent[name], expected[name] = value, None if change is None else choices[change].pk
            elif change == CLEAR:
                sent[name] = expected[name] = ""
            else:
                text = with_marker(change, self.marker())
                sent[name], expected[name] = text, stored(text)
        return sent, expected

    def assert_form_shows(self, form, story):
        values = shown_values(form)
        shown = {name: single(values[name]).replace("\r\n", "\n") for name in STORY_TEXT_FIELDS}
        for name in ("used_deliverable", "used_practice"):
            shown[name] = int(single(values[name])) if single(values[name]) else None
        assert shown == story.fields, f"the edit page does not show story {story.pk} as saved"

    @staticmethod
    def complete(fields):
        return bool(fields["story"]) and (fields["used_deliverable"] is not None or fields["used_practice"] is not None)

    def expect_move(self, story, actor, action, to_status):
        self.expected_events.append((story.pk, action, actor, story.status, to_status))
        story.status = to_status

    def expect_submission(self, story, actor):
        if story.status == StoryStatus.CHANGES_REQUESTED:
            self.expect_move(story, actor, Action.STORY_RESUBMITTED, StoryStatus.RESUBMITTED)
        else:
            self.expect_move(story, actor, Action.STORY_SUBMITTED, StoryStatus.SUBMITTED)

    def audit_row(self, event):
        return (event.story_id, event.action, self.world["roles"][event.actor_id], event.from_status, event.to_status)

    # The country's team

    @initialize(actor=st.sampled_from(TEAM), title=one_line, story=several_lines, changes=story_changes, practice=st.sampled_from([0, 1]))
    def a_story_in_review(self, actor, title, story, changes, practice):
        """Each example starts with a complete story, submitted: it used a peer practice."""
        self.write_a_story(actor, title, {**changes, "story": story, "used_practice": practice}, "submit")

    @rule(actor=st.sampled_from(TEAM), title=one_line, changes=story_changes, press=st.sampled_from(["save", "submit"]))
    def write_a_story(self, actor, title, changes, press):
        client, url = self.client(actor), self.url("cta_story_create")
        form = page_form(client.get(url), url)
        sent, expected = self.typed({**changes, "title": title}, form)
        before = set(UptakeStory.objects.values_list("pk", flat=True))
        response = browser_post(client, form, sent, press)
        assert response.status_code == 302, response.status_code
        [pk] = set(UptakeStory.objects.values_list("pk", flat=True)) - before
        story = StoryModel(pk=pk, fields={"institution": "", "story": "", "used_deliverable": None, "used_practice": None, **expected})
        self.model.append(story)
        self.expected_events.append((pk, Action.STORY_CREATED, actor, "", StoryStatus.DRAFT))
        if press == "submit" and self.complete(story.fields):
            self.expect_submission(story, actor)

    @precondition(lambda self: self.editable())
    @rule(data=st.data(), actor=st.sampled_from(TEAM), changes=story_changes, press=st.sampled_from(["save", "submit", "submit on its page"]))
    def work_on_the_story(self, data, actor, changes, press):
        """Edit and save, edit and submit, or submit from the story's page: an incomplete story is not submitted."""
        story = data.draw(st.sampled_from(self.editable()), label="story")
        if press == "submit on its page":
            response = self.client(actor).post(self.url("cta_story_submit", story))
            assert response.status_code == 302
            if self.complete(story.fields):
                self.expect_submission(story, actor)
            return
        client, url = self.client(actor), self.url("cta_story_edit", story)
        form = page_form(client.get(url), url)
        self.assert_form_shows(form, story)
        sent, expected = self.typed(changes, form)
        response = browser_post(client, form, sent, press)
        assert response.status_code == 302, response.status_code
        story.fields = {**story.fields, **expected}
        self.expected_events.append((story.pk, Action.STORY_SAVED, actor, "", ""))
        if press == "submit" and self.complete(story.fields):
            self.expect_submission(story, actor)

    # ITC

    @precondition(lambda self: self.in_review())
    @rule(data=st.data(), decision=st.sampled_from(sorted(DECISIONS)), written=st.sampled_from([True, True, True, False]))
    def decide(self, data, decision, written):
        story = data.draw(st.sampled_from(self.in_review()), label="story")
        name, field_name, action, to_status = DECISIONS[decision]
        client, url = self.client("moderator"), reverse(f"meetings:{name}", args=[story.pk])
        form = page_form(client.get(reverse("meetings:cta_story_review", args=[story.pk])), url)
        response = browser_post(client, form, {field_name: f"Note {self.marker()}\nto the team" if written else ""})
        if not written and decision != "publish":
            assert response.status_code == 200, "a comment or a reason is required, next to its field"
            return
        assert response.status_code == 302 and response["Location"] == reverse("meetings:cta_story_queue")
        self.expect_move(story, "moderator", action, to_status)

    # Steps that change nothing

    @rule(data=st.data(), attempt=st.sampled_from(STORY_REFUSALS), changes=story_changes)
    def refused(self, data, attempt, changes):
        role, what, answer = attempt
        client = self.client(role)
        text = {name: with_marker(change, self.marker()) for name, change in changes.items() if name in STORY_TEXT_FIELDS and change != CLEAR}

        def any_story(stories=None):
            stories = self.model if stories is None else stories
            return data.draw(st.sampled_from(stories), label="story") if stories else None

        if what == "create_without_title":
            url = self.url("cta_story_create")
            response = browser_post(client, page_form(client.get(url), url), {**text, "title": data.draw(st.sampled_from(["", "  ", "\t"]))}, "save")
        elif what in ("save_without_title", "choose_own_country_practice", "choose_withdrawn_practice"):
            story = any_story(self.editable())
            if story is None:
                return
            url = self.url("cta_story_edit", story)
            form = page_form(client.get(url), url)
            if what == "save_without_title":
                typed = {**text, "title": ""}
            elif what == "choose_own_country_practice":
                typed = {**text, "used_practice": str(self.world["own_practice"].pk)}
            else:
                withdrawn = sorted(self.withdrawn - {story.fields["used_practice"]})
                if not withdrawn:
                    return
                typed = {**text, "used_practice": str(withdrawn[0])}
            response = browser_post(client, form, typed, data.draw(st.sampled_from(["save", "submit"])))
        elif what in ("post_stale_edit_page", "submit_again"):
            # The page was opened before the story went to review or was closed.
            story = any_story([story for story in self.model if story not in self.editable()])
            if story is None:
                return
            values = {name: "" if value is None else value for name, value in story.fields.items()}
            name = "cta_story_edit" if what == "post_stale_edit_page" else "cta_story_submit"
            response = client.post(self.url(name, story), {**values, **text, "save": ""})
        elif what == "decide_outside_review":
            story = any_story([story for story in self.model if story not in self.in_review()])
            if story is None:
                return
            name, field_name, _action, _status = DECISIONS[data.draw(st.sampled_from(sorted(DECISIONS)))]
            # No decision form on its page any more: a tab opened earlier posts it.
            response = client.post(reverse(f"meetings:{name}", args=[story.pk]), {field_name: f"Note {self.marker()}"})
            assert response["Location"] == reverse("meetings:cta_story_review", args=[story.pk])
        else:
            story = any_story()
            if story is None:
                return
            if what == "decide":
                name = DECISIONS[data.draw(st.sampled_from(sorted(DECISIONS)))][0]
                url = reverse(f"meetings:{name}", args=[story.pk])
            else:
                iso2 = "CO" if what == "edit_in_own_workspace" else "KE"
                url = self.url("cta_story_submit" if what == "submit" else "cta_story_edit", story, iso2)
            marker = self.marker()
            response = client.post(url, {**text, "note": marker, "comment": marker, "reason": marker, "submit": ""})
        if answer == "login":
            assert refused_to_login(response)
        else:
            assert response.status_code == answer, (what, response.status_code)

    # Meanwhile: the peer country withdraws a practice a story used, ITC restores it; a visitor reads the site

    @rule(data=st.data(), event=st.sampled_from(["practice 0 withdrawn or restored", "practice 1 withdrawn or restored", "a visitor"]))
    def meanwhile(self, data, event):
        if event == "a visitor":
            self.a_visitor_reads(data)
            return
        practice = self.world["peer_practices"][int(event.split()[1])]
        if practice.pk in self.withdrawn:
            practice_services.restore_practice(practice, by=self.world["users"]["moderator"])
            self.withdrawn.discard(practice.pk)
        else:
            practice_services.archive_practice(practice, by=self.world["users"]["focal_b"])
            self.withdrawn.add(practice.pk)

    # The checks

    def check_database(self):
        rows = {story.pk: story for story in UptakeStory.objects.all()}
        assert set(rows) == {story.pk for story in self.model}
        for story in self.model:
            row = rows[story.pk]
            saved = {name: getattr(row, name) for name in STORY_TEXT_FIELDS}
            saved.update(used_deliverable=row.used_deliverable_id, used_practice=row.used_practice_id)
            assert (saved, row.status) == (story.fields, story.status), f"story {story.pk}"
            assert (row.published_at is not None) == (story.status == StoryStatus.PUBLISHED)
            assert row.country.iso2 == "KE"

    def published(self):
        return self.stories_in([StoryStatus.PUBLISHED])

    def public_text(self):
        return " ".join(story.fields[name] for story in self.published() for name in STORY_TEXT_FIELDS)

    def check_public_pages(self):
        everything = (repr(self.model), sorted(self.withdrawn))
        hidden = None
        for path in (reverse("meetings:call_to_action"), reverse("countries:country_detail", args=["KE"])):
            if not self.read_again(path, everything):
                continue
            hidden = self.hidden_markers() if hidden is None else hidden
            status, page = public_get(path)
            assert status == 200, path
            assert_no_marker(page, hidden, path)
            for story in self.published():
                assert html.escape(story.fields["title"]) in page, f"{path} does not show the published story {story.pk}"
        for story in self.model:
            path = reverse("meetings:cta_story", args=[story.pk])
            if not self.read_again(path, (repr(story), story.fields["used_practice"] in self.withdrawn)):
                continue
            status, page = public_get(path)
            if story.status != StoryStatus.PUBLISHED:
                assert status == 404, f"{path}: a story that is not published has no public page"
                continue
            assert status == 200, path
            assert_no_marker(page, self.hidden_markers(), path)
            for name in ("title", "institution"):
                assert html.escape(story.fields[name]) in page, f"{path} does not show its {name}"
            for marker in self.markers & set(story.fields["story"].split()):
                assert marker in page, f"{path} does not show what was done"
            practice = story.fields["used_practice"]
            if practice is not None:
                link = reverse("practices:practice_detail", args=[practice])
                assert (link in page) == (practice not in self.withdrawn), "a peer practice is linked while it is public, only"

    def sweep_paths(self):
        return [reverse("practices:feed_country", args=["KE"])]


# --- Meeting declarations: participation and presentations ---


@dataclass
class PresentationModel:
    pk: int
    meeting: str
    iso2: str
    title: str
    summary: str
    practices: frozenset
    status: str


# Who declares for which country in its workspace: its focal point, or ITC on its behalf.
DECLARERS = [("focal_a", "KE"), ("focal_b", "CO"), ("moderator", "KE"), ("moderator", "CO")]
MEETINGS = ["open", "in_preparation"]
DECLARATION_REFUSALS = [
    ("contributor_a", "participation", "KE", 403),
    ("contributor_a", "presentation", "KE", 403),
    ("focal_b", "participation", "KE", 404),
    ("focal_a", "presentation", "CO", 404),
    ("anonymous", "participation", "KE", "login"),
    ("focal_a", "participation_at_meeting_in_preparation", "KE", 404),
    ("focal_a", "negative_delegates", "KE", 200),
    ("focal_a", "presentation_without_title", "KE", 200),
    ("focal_a", "presentation_of_another_country_practice", "KE", 200),
    ("focal_a", "confirm", None, 403),
    ("contributor_b", "decline", None, 403),
    ("moderator", "decide_what_is_decided", None, 302),
]


class DeclarationLifecycle(Lifecycle):
    """Kenya and Colombia declare their participation and presentations; ITC confirms or declines; meetings go public or not."""

    def __init__(self):
        super().__init__()
        self.participations = {}  # (meeting, iso2) -> {"delegates": …, "status": …}
        self.presentations = []
        self.public = {"open": True, "in_preparation": False}
        self.withdrawn = set()

    def meeting(self, key):
        return self.world["meetings"][key]

    def practice_pks(self, iso2):
        return [practice.pk for practice in self.world["practices"][iso2]]

    def waiting(self):
        participations = [("participation", key) for key, value in self.participations.items() if value["status"] == DECLARED]
        return participations + [("presentation", item) for item in self.presentations if item.status == DECLARED]

    def decided(self):
        participations = [("participation", key) for key, value in self.participations.items() if value["status"] != DECLARED]
        return participations + [("presentation", item) for item in self.presentations if item.status != DECLARED]

    def declaration_pk(self, kind, declaration):
        if kind == "presentation":
            return declaration.pk
        meeting, iso2 = declaration
        return Participation.objects.get(meeting=self.meeting(meeting), country__iso2=iso2).pk

    def audit_row(self, event):
        meeting = next((key for key, value in self.world["meetings"].items() if value.pk == event.meeting_id), None)
        country = event.country.iso2 if event.country else None
        return (event.action, country, meeting, self.world["roles"][event.actor_id], event.from_status, event.to_status)

    def expect(self, action, iso2, meeting, actor, from_status, to_status):
        self.expected_events.append((action, iso2, meeting, actor, from_status, to_status))

    # The countries

    @initialize(title=one_line, delegates=st.one_of(st.none(), st.integers(min_value=0, max_value=500)))
    def kenya_declared_its_participation_and_a_presentation(self, title, delegates):
        """Each example starts with Kenya's declarations waiting for ITC."""
        self.declare_the_participation(("focal_a", "KE"), "open", delegates)
        self.declare_a_presentation(("focal_a", "KE"), "open", title, CLEAR, {0})

    @rule(
        declarer=st.sampled_from(DECLARERS),
        meeting=st.sampled_from(MEETINGS),
        delegates=st.one_of(st.just(KEEP), st.none(), st.integers(min_value=0, max_value=500)),
    )
    def declare_the_participation(self, declarer, meeting, delegates):
        role, iso2 = declarer
        client, url = self.client(role), reverse("meetings:workspace_participation", args=[iso2, self.meeting(meeting).pk])
        response = client.get(url)
        if not self.public[meeting]:
            assert response.status_code == 404, "a meeting in preparation does not exist for the countries"
            return
        form = page_form(response, url)
        existing = self.participations.get((meeting, iso2))
        shown = existing["delegates"] if existing else None
        assert single(shown_values(form)["delegates"]) == ("" if shown is None else str(shown)), "the form shows the delegates declared"
        typed = {} if delegates == KEEP else {"delegates": "" if delegates is None else str(delegates)}
        response = browser_post(client, form, typed)
        assert response.status_code == 302, response.status_code
        status = CONFIRMED if role == "moderator" else DECLARED
        self.participations[meeting, iso2] = {"delegates": shown if delegates == KEEP else delegates, "status": status}
        self.expect(Action.PARTICIPATION_DECLARED, iso2, meeting, role, existing["status"] if existing else "", status)

    @rule(
        declarer=st.sampled_from(DECLARERS),
        meeting=st.sampled_from(MEETINGS),
        title=one_line,
        summary=st.one_of(st.just(CLEAR), several_lines),
        practices=st.sets(st.sampled_from([0, 1])),
    )
    def declare_a_presentation(self, declarer, meeting, title, summary, practices):
        role, iso2 = declarer
        client, url = self.client(role), reverse("meetings:workspace_presentation", args=[iso2, self.meeting(meeting).pk])
        response = client.get(url)
        if not self.public[meeting]:
            assert response.status_code == 404, "a meeting in preparation does not exist for the countries"
            return
        form = page_form(response, url)
        offered = form.fields["practices"].options if "practices" in form.fields else []
        assert sorted(offered) == sorted(str(pk) for pk in self.practice_pks(iso2) if pk not in self.withdrawn)
        own = self.practice_pks(iso2)
        chosen = sorted({own[index] for index in practices if index < len(own) and str(own[index]) in offered})
        title = with_marker(title, self.marker())
        summary = "" if summary == CLEAR else with_marker(summary, self.marker())
        before = set(Presentation.objects.values_list("pk", flat=True))
        response = browser_post(client, form, {"title": title, "summary": summary, "practices": [str(pk) for pk in chosen]})
        assert response.status_code == 302, response.status_code
        [pk] = set(Presentation.objects.values_list("pk", flat=True)) - before
        status = CONFIRMED if role == "moderator" else DECLARED
        self.presentations.append(PresentationModel(pk, meeting, iso2, stored(title), stored(summary), frozenset(chosen), status))
        self.expect(Action.PRESENTATION_DECLARED, iso2, meeting, role, "", status)

    # ITC

    @precondition(lambda self: self.waiting())
    @rule(data=st.data(), confirm=st.booleans(), back=st.sampled_from(["meeting", "list"]))
    def staff_decide(self, data, confirm, back):
        kind, declaration = data.draw(st.sampled_from(self.waiting()), label="declaration")
        meeting, iso2 = (declaration.meeting, declaration.iso2) if kind == "presentation" else declaration
        client = self.client("moderator")
        page = reverse("meetings:staff_meeting", args=[self.meeting(meeting).pk]) if back == "meeting" else reverse("meetings:staff_meeting_list")
        url = reverse(f"meetings:staff_{kind}_{'confirm' if confirm else 'decline'}", args=[self.declaration_pk(kind, declaration)])
        response = browser_post(client, page_form(client.get(page), url))
        assert response.status_code == 302 and response["Location"] == page
        status = CONFIRMED if confirm else DECLINED
        if kind == "presentation":
            declaration.status = status
        else:
            self.participations[declaration]["status"] = status
        self.expect(Action.CONFIRMED if confirm else Action.DECLINED, iso2, meeting, "moderator", DECLARED, status)

    def staff_make_the_meeting_public_or_withdraw_it(self, meeting):
        client, page = self.client("moderator"), reverse("meetings:staff_meeting", args=[self.meeting(meeting).pk])
        name = "unpublish" if self.public[meeting] else "publish"
        url = reverse(f"meetings:staff_meeting_{name}", args=[self.meeting(meeting).pk])
        response = browser_post(client, page_form(client.get(page), url))
        assert response.status_code == 302
        self.public[meeting] = not self.public[meeting]
        self.expect(Action.MEETING_PUBLISHED if self.public[meeting] else Action.MEETING_UNPUBLISHED, None, meeting, "moderator", "", "")

    # Steps that change nothing

    @rule(data=st.data(), attempt=st.sampled_from(DECLARATION_REFUSALS), title=one_line)
    def refused(self, data, attempt, title):
        role, what, iso2, answer = attempt
        client, title = self.client(role), with_marker(title, self.marker())
        meeting = "open"
        if what == "participation_at_meeting_in_preparation":
            hidden = [key for key in MEETINGS if not self.public[key]]
            if not hidden:
                return
            meeting = hidden[0]
        if what in ("confirm", "decline", "decide_what_is_decided"):
            choices = self.decided() if what == "decide_what_is_decided" else self.waiting() + self.decided()
            if not choices:
                return
            kind, declaration = data.draw(st.sampled_from(choices), label="declaration")
            verb = what if what in ("confirm", "decline") else data.draw(st.sampled_from(["confirm", "decline"]))
            url = reverse(f"meetings:staff_{kind}_{verb}", args=[self.declaration_pk(kind, declaration)])
            response = client.post(url, {"note": self.marker(), "back": "list"})
        elif what in ("negative_delegates", "presentation_without_title", "presentation_of_another_country_practice"):
            if not self.public["open"]:
                return
            name = "participation" if what == "negative_delegates" else "presentation"
            url = reverse(f"meetings:workspace_{name}", args=[iso2, self.meeting("open").pk])
            form = page_form(client.get(url), url)
            typed = {
                "negative_delegates": {"delegates": "-1"},
                "presentation_without_title": {"title": " ", "summary": title},
                "presentation_of_another_country_practice": {"title": title, "practices": [str(self.world["practices"]["CO"][0].pk)]},
            }[what]
            response = browser_post(client, form, typed)
        else:
            name = "participation" if what.startswith("participation") else "presentation"
            url = reverse(f"meetings:workspace_{name}", args=[iso2, self.meeting(meeting).pk])
            response = client.post(url, {"delegates": "7", "title": title, "summary": title})
        if answer == "login":
            assert refused_to_login(response)
        else:
            assert response.status_code == answer, (what, response.status_code)

    # Meanwhile: ITC makes a meeting public or withdraws it; Kenya withdraws a practice it presented, ITC restores
    # it; a visitor reads the site

    @rule(data=st.data(), event=st.sampled_from(["open", "in_preparation", "practice 0", "practice 1", "a visitor"]))
    def meanwhile(self, data, event):
        if event in MEETINGS:
            self.staff_make_the_meeting_public_or_withdraw_it(event)
        elif event == "a visitor":
            self.a_visitor_reads(data)
        else:
            self.presented_practice_withdrawn_or_restored(int(event.split()[1]))

    def presented_practice_withdrawn_or_restored(self, practice):
        practice = self.world["practices"]["KE"][practice]
        if practice.pk in self.withdrawn:
            practice_services.restore_practice(practice, by=self.world["users"]["moderator"])
            self.withdrawn.discard(practice.pk)
        else:
            practice_services.archive_practice(practice, by=self.world["users"]["focal_a"])
            self.withdrawn.add(practice.pk)

    # The checks

    def check_database(self):
        meetings = {value.pk: key for key, value in self.world["meetings"].items()}
        participations = {
            (meetings[row.meeting_id], row.country.iso2): {"delegates": row.delegates, "status": row.status}
            for row in Participation.objects.select_related("country")
        }
        assert participations == self.participations
        for row in Participation.objects.all():
            assert (row.decided_at is not None) == (row.status != DECLARED)
        presentations = {
            row.pk: PresentationModel(
                row.pk, meetings[row.meeting_id], row.country.iso2, row.title, row.summary, frozenset(p.pk for p in row.practices.all()), row.status
            )
            for row in Presentation.objects.select_related("country").prefetch_related("practices")
        }
        assert presentations == {item.pk: item for item in self.presentations}
        for key, meeting in self.world["meetings"].items():
            meeting.refresh_from_db(fields=["is_published"])
            assert meeting.is_published == self.public[key]

    def public_presentations(self, **where):
        return [
            item for item in self.presentations
            if item.status == CONFIRMED and self.public[item.meeting] and all(getattr(item, name) == value for name, value in where.items())
        ]

    def public_text(self):
        return " ".join(f"{item.title} {item.summary}" for item in self.public_presentations())

    def check_public_pages(self):
        hidden = self.hidden_markers()
        for key, meeting in self.world["meetings"].items():
            shown_there = (
                self.public[key], sorted(self.withdrawn), sorted((iso2, value) for (at, iso2), value in self.participations.items() if at == key),
                [item for item in self.presentations if item.meeting == key],
            )
            if not self.read_again(key, repr(shown_there)):
                continue
            pages = {}
            for path in (reverse("meetings:meeting_calendar", args=[meeting.slug]), reverse("meetings:meeting_detail", args=[meeting.slug])):
                status, pages[path] = public_get(path)
                if not self.public[key]:
                    assert status == 404, f"{path}: a meeting in preparation is not public"
                    continue
                assert status == 200, path
                assert_no_marker(pages[path], hidden, path)
            if not self.public[key]:
                continue
            page = pages[path]  # the meeting's page
            chips = section(page, '<ul class="country-chips">', "</ul>")
            shown = {
                iso2: int(delegates) if delegates else None
                for iso2, delegates in re.findall(r'href="/en/countries/(\w\w)/">[^<]*</a>(?: <span class="small">\((\d+) delegates?\)</span>)?', chips)
            }
            confirmed = {iso2: value["delegates"] or None for (at, iso2), value in self.participations.items() if at == key and value["status"] == CONFIRMED}
            assert shown == confirmed, f"{path}: the participating countries"
            listed = section(page, '<ul class="presentation-list">', "</ul>")
            for item in self.public_presentations(meeting=key):
                assert html.escape(item.title) in listed and html.escape(item.summary) in listed, f"{path}: presentation {item.pk}"
            linked = {int(pk) for pk in re.findall(r'href="/en/practices/(\d+)/"', listed)}
            presented = {pk for item in self.public_presentations(meeting=key) for pk in item.practices if pk not in self.withdrawn}
            assert linked == presented, f"{path}: the practices presented, while they are public"
        for iso2 in ("KE", "CO"):
            path = reverse("countries:country_detail", args=[iso2])
            shown_there = (
                self.public, sorted((at, value) for (at, country), value in self.participations.items() if country == iso2),
                [item for item in self.presentations if item.iso2 == iso2],
            )
            if not self.read_again(path, repr(shown_there)):
                continue
            status, page = public_get(path)
            assert status == 200
            assert_no_marker(page, hidden, path)
            attended = section(page, "Meetings attended", "</ul>")
            slugs = set(re.findall(r'href="/en/meetings/([\w-]+)/"', attended))
            expected = {
                self.meeting(key).slug for (key, country), value in self.participations.items()
                if country == iso2 and value["status"] == CONFIRMED and self.public[key]
            }
            assert slugs == expected, f"{path}: the meetings attended"
            for item in self.public_presentations(iso2=iso2):
                assert html.escape(item.title) in page, f"{path}: presentation {item.pk}"

    def sweep_paths(self):
        return [reverse("practices:feed_country", args=[iso2]) for iso2 in ("KE", "CO")]


# --- Endorsements of the Call to Action ---


COUNTRY_NAMES = {"KE": "Kenya", "CO": "Colombia", "SN": "Senegal"}
ENDORSERS = [("focal_a", "KE"), ("focal_b", "CO"), ("moderator", "SN")]
endorsement_dates = st.one_of(
    st.none(),
    st.integers(min_value=1, max_value=2000).map(lambda days: timezone.localdate() - timedelta(days=days)),
    st.integers(min_value=1, max_value=400).map(lambda days: timezone.localdate() + timedelta(days=days)),
)
ENDORSEMENT_MEETINGS = [None, "ministerial", "technical", "in_preparation"]
ENDORSEMENT_REFUSALS = [
    ("contributor_a", "declare", "KE", 403),
    ("focal_b", "declare", "KE", 404),
    ("anonymous", "declare", "KE", "login"),
    ("focal_a", "declare_at_meeting_in_preparation", "KE", 302),
    ("focal_a", "confirm", None, 403),
    ("contributor_b", "decline", None, 403),
    ("anonymous", "record", None, "login"),
    ("focal_a", "record", None, 403),
    ("moderator", "decide_what_is_decided", None, 302),
]


class EndorsementLifecycle(Lifecycle):
    """Countries declare that they endorsed the Call to Action, ITC confirms or declines, or records what it knows."""

    def __init__(self):
        super().__init__()
        self.endorsements = {}  # iso2 -> {"status", "endorsed_on", "meeting"}

    def meeting(self, key):
        return self.world["meetings"][key]

    def pk_of(self, iso2):
        return Endorsement.objects.get(country__iso2=iso2).pk

    def in_status(self, *statuses):
        return sorted(iso2 for iso2, value in self.endorsements.items() if value["status"] in statuses)

    def audit_row(self, event):
        meeting = next((key for key, value in self.world["meetings"].items() if value.pk == event.meeting_id), None)
        return (event.action, event.country.iso2, meeting, self.world["roles"][event.actor_id], event.from_status, event.to_status)

    def typed(self, form, endorsed_on, meeting):
        """The date and meeting typed in, as far as the page offers them."""
        typed = {"endorsed_on": endorsed_on.isoformat() if endorsed_on else ""}
        slug = self.meeting(meeting).slug if meeting else ""
        if slug in form.fields["meeting"].options:
            typed["meeting"] = slug
        else:
            meeting = None
        return typed, meeting

    @initialize(endorsed_on=endorsement_dates, meeting=st.sampled_from(ENDORSEMENT_MEETINGS))
    def kenya_declared_its_endorsement(self, endorsed_on, meeting):
        """Each example starts with Kenya's declaration (or its refusal, dated in the future)."""
        self.declare_the_endorsement(("focal_a", "KE"), endorsed_on, meeting)

    @rule(endorser=st.sampled_from(ENDORSERS), endorsed_on=endorsement_dates, meeting=st.sampled_from(ENDORSEMENT_MEETINGS))
    def declare_the_endorsement(self, endorser, endorsed_on, meeting):
        role, iso2 = endorser
        client, page = self.client(role), reverse("meetings:cta_workspace", args=[iso2])
        url = reverse("meetings:cta_declare_endorsement", args=[iso2])
        response = client.get(page)
        if iso2 in self.endorsements:
            assert not has_form(response, url), "an endorsement is declared once"
            # A tab opened before it was declared posts the form.
            response = client.post(url, {"endorsed_on": endorsed_on.isoformat() if endorsed_on else ""})
            assert response.status_code == 302
            return
        form = page_form(response, url)
        typed, meeting = self.typed(form, endorsed_on, meeting)
        response = browser_post(client, form, typed)
        assert response.status_code == 302 and response["Location"] == page
        if endorsed_on and endorsed_on > timezone.localdate():
            return  # refused: an endorsement cannot be dated in the future
        self.endorsements[iso2] = {"status": DECLARED, "endorsed_on": endorsed_on, "meeting": meeting}
        self.expected_events.append((Action.ENDORSEMENT_DECLARED, iso2, meeting, role, "", DECLARED))

    @rule(iso2=st.sampled_from(sorted(COUNTRY_NAMES)), endorsed_on=endorsement_dates, meeting=st.sampled_from(ENDORSEMENT_MEETINGS))
    def staff_record_an_endorsement(self, iso2, endorsed_on, meeting):
        client, url = self.client("moderator"), reverse("meetings:cta_record_endorsement")
        form = page_form(client.get(url), url)
        typed, meeting = self.typed(form, endorsed_on, meeting)
        response = browser_post(client, form, {**typed, "country": iso2})
        if iso2 in self.endorsements or (endorsed_on and endorsed_on > timezone.localdate()):
            assert response.status_code == 200, "refused on the form: recorded already, or dated in the future"
            return
        assert response.status_code == 302 and response["Location"] == reverse("meetings:cta_staff")
        self.endorsements[iso2] = {"status": CONFIRMED, "endorsed_on": endorsed_on, "meeting": meeting}
        self.expected_events.append((Action.CONFIRMED, iso2, meeting, "moderator", "", CONFIRMED))

    @precondition(lambda self: self.in_status(DECLARED))
    @rule(data=st.data(), confirm=st.booleans(), note=st.booleans())
    def staff_decide(self, data, confirm, note):
        iso2 = data.draw(st.sampled_from(self.in_status(DECLARED)), label="country")
        client, page = self.client("moderator"), reverse("meetings:cta_staff")
        url = reverse(f"meetings:cta_{'confirm' if confirm else 'decline'}_endorsement", args=[self.pk_of(iso2)])
        form = page_form(client.get(page), url)
        response = browser_post(client, form, {"note": f"Not on the list {self.marker()}"} if note and not confirm else {})
        assert response.status_code == 302 and response["Location"] == page
        endorsement = self.endorsements[iso2]
        endorsement["status"] = CONFIRMED if confirm else DECLINED
        action = Action.CONFIRMED if confirm else Action.DECLINED
        self.expected_events.append((action, iso2, endorsement["meeting"], "moderator", DECLARED, endorsement["status"]))

    @rule(data=st.data(), attempt=st.sampled_from(ENDORSEMENT_REFUSALS))
    def refused(self, data, attempt):
        role, what, iso2, answer = attempt
        client = self.client(role)
        if what in ("confirm", "decline", "decide_what_is_decided"):
            choices = self.in_status(CONFIRMED, DECLINED) if what == "decide_what_is_decided" else sorted(self.endorsements)
            if not choices:
                return
            target = data.draw(st.sampled_from(choices), label="country")
            verb = what if what != "decide_what_is_decided" else data.draw(st.sampled_from(["confirm", "decline"]))
            response = client.post(reverse(f"meetings:cta_{verb}_endorsement", args=[self.pk_of(target)]), {"note": self.marker()})
        elif what == "record":
            response = client.post(reverse("meetings:cta_record_endorsement"), {"country": "SN", "endorsed_on": "2024-06-27"})
        else:
            meeting = self.meeting("in_preparation").slug if what == "declare_at_meeting_in_preparation" else ""
            response = client.post(reverse("meetings:cta_declare_endorsement", args=[iso2]), {"endorsed_on": "2024-06-27", "meeting": meeting})
        if answer == "login":
            assert refused_to_login(response)
        else:
            assert response.status_code == answer, (what, response.status_code)

    @rule(data=st.data())
    def a_visitor_reads_the_site(self, data):
        self.a_visitor_reads(data)

    # The checks

    def check_database(self):
        meetings = {value.pk: key for key, value in self.world["meetings"].items()}
        rows = Endorsement.objects.filter(call=self.world["call"]).select_related("country")
        saved = {row.country.iso2: {"status": row.status, "endorsed_on": row.endorsed_on, "meeting": meetings.get(row.meeting_id)} for row in rows}
        assert saved == self.endorsements
        for row in rows:
            assert (row.decided_at is not None) == (row.status != DECLARED)

    def public_text(self):
        return ""  # endorsements carry no text of their own; every marker (a decline's note) stays inside

    def check_public_pages(self):
        if not self.read_again("call", repr(self.endorsements)):
            return
        hidden = self.hidden_markers()
        confirmed = {iso2: value for iso2, value in self.endorsements.items() if value["status"] == CONFIRMED}
        path = reverse("meetings:call_to_action")
        status, page = public_get(path)
        assert status == 200
        assert_no_marker(page, hidden, path)
        table = section(page, '<table class="table cta-endorsement-table">', "</table>")
        rows = re.findall(r'<th scope="row"><a href="/en/countries/(\w\w)/">.*?</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', table, re.S)
        shown = {iso2: (re.findall(r'datetime="([\d-]+)"', when), where.strip()) for iso2, when, where in rows}
        expected = {}
        for iso2, value in confirmed.items():
            meeting = self.meeting(value["meeting"]) if value["meeting"] else None
            # A meeting is named once public, with its link; one in preparation is not named at all.
            where = "—"
            if meeting is not None and meeting.is_published:
                where = f'<a href="{reverse("meetings:meeting_detail", args=[meeting.slug])}">{html.escape(meeting.title)}</a>'
            expected[iso2] = ([value["endorsed_on"].isoformat()] if value["endorsed_on"] else [], where)
        assert shown == expected, f"{path}: the endorsing countries"
        count = len(confirmed)
        assert f"; {count} {'is' if count == 1 else 'are'} listed here, confirmed by ITC." in page
        for iso2, name in COUNTRY_NAMES.items():
            assert (f'aria-label="{name}: endorsed"' in page) == (iso2 in confirmed), f"{path}: the map shades {name}"
            country_path = reverse("countries:country_detail", args=[iso2])
            if not self.read_again(country_path, repr(self.endorsements.get(iso2))):
                continue
            status, country_page = public_get(country_path)
            assert status == 200
            assert_no_marker(country_page, hidden, country_path)
            endorsed = section(country_page, f"{name} endorsed “Call to Action on SMEs”", "</p>")
            assert bool(endorsed) == (iso2 in confirmed), f"{country_path}: the endorsement"
            if endorsed and confirmed[iso2]["endorsed_on"]:
                assert f'datetime="{confirmed[iso2]["endorsed_on"].isoformat()}"' in endorsed


# --- The tests ---


@pytest.fixture
def cast_clients(contributor_a, focal_a, contributor_b, focal_b, moderator):
    """Each role signed in once, on its own client; the examples' rollbacks leave the sessions."""
    users = {"contributor_a": contributor_a, "focal_a": focal_a, "contributor_b": contributor_b, "focal_b": focal_b, "moderator": moderator}
    return {
        "users": users,
        "roles": {user.pk: role for role, user in users.items()},
        "clients": {role: signed_in(user) for role, user in users.items()},
    }


def run(machine, world):
    machine = type(machine.__name__, (machine,), {"world": world})
    run_state_machine_as_test(machine, settings=LIFECYCLE)


def test_uptake_stories_lose_nothing_and_show_only_what_is_published(cast_clients, country_a, country_b, moderator):
    call = make_call()
    run(
        StoryLifecycle,
        {
            **cast_clients,
            "deliverables": list(Deliverable.objects.filter(mandate__call=call).order_by("pk")),
            "peer_practices": [publish_practice(country_b, by=moderator, moderator=moderator, title=f"Colombian toolkit {number}") for number in (1, 2)],
            "own_practice": publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan toolkit"),
        },
    )


def test_meeting_declarations_lose_nothing_and_show_only_what_is_confirmed(cast_clients, country_a, country_b, moderator):
    run(
        DeclarationLifecycle,
        {
            **cast_clients,
            "meetings": {
                "open": make_meeting("Technical meeting of officials", slug="technical-meeting", days_ago=60),
                "in_preparation": make_meeting("Workshop on SME finance", slug="workshop-finance", published=False, days_ago=30),
            },
            "practices": {
                "KE": [publish_practice(country_a, by=moderator, moderator=moderator, title=f"Kenyan practice {number}") for number in (1, 2)],
                "CO": [publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian practice")],
            },
        },
    )


def test_endorsements_lose_nothing_and_show_only_what_is_confirmed(cast_clients, moderator):
    call = make_call()
    run(
        EndorsementLifecycle,
        {
            **cast_clients,
            "call": call,
            "meetings": {
                "ministerial": call.adopted_at,
                "technical": make_meeting("Technical meeting of officials", slug="technical-meeting", days_ago=60),
                "in_preparation": make_meeting("Workshop on SME finance", slug="workshop-finance", published=False, days_ago=30),
            },
        },
    )


# --- What the machines found, pinned ---


def test_saving_a_story_keeps_the_peer_practice_its_country_withdrew_since(client, country_a, country_b, contributor_a, focal_b, moderator):
    make_call()
    withdrawn = publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian toolkit")
    other = publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian guide")
    story = services.create_uptake_story(country_a, by=contributor_a, content={"title": "Used the toolkit", "used_practice": withdrawn})
    practice_services.archive_practice(withdrawn, by=focal_b)
    practice_services.archive_practice(other, by=focal_b)
    client.force_login(contributor_a)
    url = reverse("meetings:cta_story_edit", args=["KE", story.pk])
    form = page_form(client.get(url), url)
    assert form.fields["used_practice"].initial == [str(withdrawn.pk)]
    assert browser_post(client, form, {"title": "Used the toolkit well"}, "save").status_code == 302
    story.refresh_from_db()
    assert (story.title, story.used_practice) == ("Used the toolkit well", withdrawn)
    # Only the practice the story already names is kept: another withdrawn one cannot be chosen.
    assert browser_post(client, page_form(client.get(url), url), {"used_practice": str(other.pk)}, "save").status_code == 200
    story.refresh_from_db()
    assert story.used_practice == withdrawn


def test_a_presentation_summary_from_a_browser_is_kept_with_plain_line_ends(client, country_a, focal_a):
    meeting = make_meeting("Technical meeting of officials", slug="technical-meeting", days_ago=60)
    client.force_login(focal_a)
    response = client.post(
        reverse("meetings:workspace_presentation", args=["KE", meeting.pk]), {"title": "Export desks", "summary": "One desk.\r\nThen seven.\r\n"}
    )
    assert response.status_code == 302
    assert Presentation.objects.get().summary == "One desk.\nThen seven."
