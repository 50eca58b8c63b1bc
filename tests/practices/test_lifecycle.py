"""The whole life of a practice, as random sequences of what its team and ITC do, against a small
model of what must be true after each step.

"Nothing lost" is a property of sequences: a save that resets a field it does not show passes every
single-step test. Here every step goes through HTTP as a browser sends it (the edit form is read
from the page and posted back with some fields changed), and after every step the open version,
the published record, the public page, the API and the CSV export must agree with the model.
"""

import csv
import io
import itertools
import json
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from practices import services
from practices.models import Practice, PracticeRevision
from tests.practices.test_edit_safety import PDF, form_values

# The fields the machine writes; the others must keep what the first draft had.
TEXT_FIELDS = ("title", "summary", "description", "problem", "challenges")
MULTILINE = {"description", "problem", "challenges"}
FIRST_DRAFT = {
    "title": "Guarantee zq00000x",
    "summary": "Half of each loan zq00001x",
    "description": "Banks lend zq00002x",
    "problem": "",
    "challenges": "",
    "level": "national",
    "themes": ["access-to-finance"],
    "links": ["https://example.org/guarantee"],
    "indicators": [{"name": "Loans", "value": "3,200", "year": 2024}],
}
UNCHANGED = {key: FIRST_DRAFT[key] for key in ("level", "themes", "links", "indicators")}
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéèçñõü", min_size=1, max_size=9)
EDITABLE = ("draft", "changes_requested")
IN_REVIEW = ("submitted", "resubmitted")


def phrase(multiline):
    separator = st.sampled_from([" ", "\r\n", "\n\n"]) if multiline else st.just(" ")
    return st.lists(st.tuples(words, separator), min_size=1, max_size=5)


@dataclass
class Model:
    """What must be true: the open version's text and documents, and the published record."""

    practice_status: str = "unpublished"
    open_status: str | None = "draft"
    draft: dict = field(default_factory=dict)
    draft_documents: list = field(default_factory=list)
    published: dict | None = None
    published_documents: list = field(default_factory=list)
    discarded: tuple | None = None  # the text and documents of the last discarded draft, which staff can bring back
    shared_with_colombia: bool = False
    proposal_to_colombia: bool = False


class PracticeLifecycle(RuleBasedStateMachine):
    cast = None  # set by the test: the users, by role
    markers = itertools.count(100)

    def __init__(self):
        super().__init__()
        self.clients = {}
        for role, user in self.cast.items():
            self.clients[role] = Client()
            if user is not None:
                self.clients[role].force_login(user)
        self.model = Model()
        self.stale_forms = []

    # --- Helpers ---

    def url(self, name, **kwargs):
        return reverse(f"practices:{name}", kwargs={"iso2": "KE", "pk": self.practice.pk, **kwargs})

    def marker(self):
        return f"zq{next(self.markers):05d}x"

    def text(self, name, pieces):
        """A value as the form sends it, and as it must be stored (CRLF → LF; a line input has no line ends)."""
        sent = "".join(word + separator for word, separator in pieces) + self.marker()
        return sent, sent.replace("\r\n", "\n")

    def open_revision(self):
        return self.practice.revisions.filter(status__in=PracticeRevision.OPEN_STATUSES).first()

    def edit_form(self, role="contributor_a"):
        response = self.clients[role].get(self.url("practice_edit"))
        assert response.status_code == 200
        return form_values(response.content.decode())

    # --- Steps ---

    @initialize(start=st.sampled_from(["a new draft", "a published practice with a document"]))
    def create(self, start):
        author = self.cast["contributor_a"]
        self.practice, _revision = services.create_practice(author.membership.country, by=author, content=FIRST_DRAFT)
        self.model.draft = {name: FIRST_DRAFT[name] for name in TEXT_FIELDS}
        if start != "a new draft":
            self.add_document()
            self.submit()
            self.publish()

    @precondition(lambda self: self.model.open_status in EDITABLE)
    @rule(data=st.data(), role=st.sampled_from(["contributor_a", "focal_a"]), keep_form=st.booleans())
    def save_some_fields(self, data, role, keep_form):
        form = self.edit_form(role)
        if keep_form:
            self.stale_forms.append(dict(form))
        chosen = data.draw(st.sets(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=3))
        stored = {}
        for name in chosen:
            form[name], stored[name] = self.text(name, data.draw(phrase(name in MULTILINE)))
        response = self.clients[role].post(self.url("practice_edit"), {**form, "save": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
        self.model.draft.update(stored)

    @precondition(lambda self: self.stale_forms)
    @rule(data=st.data())
    def save_from_a_form_opened_earlier(self, data):
        form = data.draw(st.sampled_from(self.stale_forms))
        name = data.draw(st.sampled_from(TEXT_FIELDS))
        sent, stored = self.text(name, data.draw(phrase(name in MULTILINE)))
        response = self.clients["focal_a"].post(self.url("practice_edit"), {**form, name: sent, "save": ""})
        if self.model.open_status not in EDITABLE:
            assert response.status_code == 302  # nothing being written: sent back to the practice
            return
        revision = self.open_revision()
        posted = {**{key: form[key].replace("\r\n", "\n") for key in TEXT_FIELDS}, name: stored}
        started_from = revision.saves.filter(pk=int(form["base"])).first()
        current = self.model.draft
        if started_from is None:
            conflict = any(posted[key] != current[key] for key in TEXT_FIELDS)
        else:
            original = started_from.content
            conflict = any(original[key] != current[key] and posted[key] != current[key] for key in TEXT_FIELDS)
        if conflict:
            assert response.status_code == 200 and "saved this version" in response.content.decode()
        else:
            assert response.status_code == 302
            self.model.draft.update(posted)

    @precondition(lambda self: self.model.open_status in EDITABLE and len(self.model.draft_documents) < 3)
    @rule()
    def add_document(self):
        title = f"Report {self.marker()}"
        upload = SimpleUploadedFile("report.pdf", PDF)
        response = self.clients["contributor_a"].post(self.url("attachment_add"), {"title": title, "file": upload})
        assert response.status_code == 302
        self.model.draft_documents.append(title)

    @precondition(lambda self: self.model.open_status in EDITABLE and self.model.draft_documents)
    @rule(data=st.data())
    def remove_document(self, data):
        title = data.draw(st.sampled_from(self.model.draft_documents))
        attachment = self.practice.files.get(title=title)
        response = self.clients["contributor_a"].post(self.url("attachment_remove", attachment_id=attachment.pk))
        assert response.status_code == 302
        self.model.draft_documents.remove(title)

    @precondition(lambda self: self.model.open_status in EDITABLE)
    @rule()
    def submit(self):
        self.clients["contributor_a"].post(self.url("practice_submit"))
        self.model.open_status = "resubmitted" if self.model.open_status == "changes_requested" else "submitted"

    @precondition(lambda self: self.model.open_status in IN_REVIEW)
    @rule()
    def request_changes(self):
        revision = self.open_revision()
        self.clients["moderator"].post(reverse("practices:review_request_changes", kwargs={"pk": revision.pk}), {"comment": "Add the budget."})
        self.model.open_status = "changes_requested"

    @precondition(lambda self: self.model.open_status in IN_REVIEW)
    @rule()
    def publish(self):
        revision = self.open_revision()
        self.clients["moderator"].post(reverse("practices:review_publish", kwargs={"pk": revision.pk}), {"evidence_label": "", "note": ""})
        self.model.published = dict(self.model.draft)
        self.model.published_documents = list(self.model.draft_documents)
        self.model.practice_status = "published"
        self.model.open_status = None

    @precondition(lambda self: self.model.open_status in IN_REVIEW)
    @rule()
    def reject(self):
        revision = self.open_revision()
        self.clients["moderator"].post(reverse("practices:review_reject", kwargs={"pk": revision.pk}), {"reason": "Out of scope."})
        self.model.open_status = None

    @precondition(lambda self: self.model.open_status is None)
    @rule()
    def open_a_new_version(self):
        self.clients["contributor_a"].post(self.url("practice_revise"))
        if self.model.published is not None:
            self.model.open_status = "draft"
            self.model.draft = dict(self.model.published)
            self.model.draft_documents = list(self.model.published_documents)

    @precondition(lambda self: self.model.open_status in EDITABLE)
    @rule()
    def discard(self):
        self.clients["contributor_a"].post(self.url("practice_discard"))
        self.model.discarded = (dict(self.model.draft), list(self.model.draft_documents))
        self.model.open_status = None

    @precondition(lambda self: self.model.open_status is None and self.model.discarded is not None)
    @rule()
    def staff_bring_the_discarded_draft_back(self):
        revision = self.practice.revisions.filter(status="discarded").order_by("-number").first()
        self.clients["moderator"].post(reverse("practices:revision_restore", kwargs={"pk": revision.pk}))
        self.model.draft, self.model.draft_documents = self.model.discarded
        self.model.discarded = None
        self.model.open_status = "draft"

    @precondition(lambda self: self.model.practice_status == "published")
    @rule(role=st.sampled_from(["focal_a", "moderator"]))
    def archive(self, role):
        self.clients[role].post(self.url("practice_archive"), {"note": "Replaced."})
        self.model.practice_status = "archived"

    @precondition(lambda self: self.model.practice_status == "archived")
    @rule(role=st.sampled_from(["focal_a", "moderator"]))
    def restore(self, role):
        self.clients[role].post(self.url("practice_restore"), {"note": ""})
        self.model.practice_status = "published"

    @rule(action=st.sampled_from(["practice_archive", "practice_restore"]))
    def a_contributor_cannot_archive_or_restore(self, action):
        response = self.clients["contributor_a"].post(self.url(action), {"note": ""})
        assert response.status_code == 403

    @precondition(lambda self: not self.model.shared_with_colombia and not self.model.proposal_to_colombia)
    @rule()
    def propose_to_share_with_colombia(self):
        response = self.clients["focal_a"].post(self.url("share_propose"), {"country": "CO"})
        assert response.status_code == 302
        self.model.proposal_to_colombia = True

    @precondition(lambda self: self.model.proposal_to_colombia)
    @rule(accept=st.booleans())
    def colombia_answers(self, accept):
        proposal = self.practice.co_ownerships.get(country__iso2="CO", status="proposed")
        name = "share_accept" if accept else "share_decline"
        response = self.clients["focal_b"].post(reverse(f"practices:{name}", kwargs={"iso2": "CO", "share_id": proposal.pk}))
        assert response.status_code == 302
        self.model.proposal_to_colombia = False
        self.model.shared_with_colombia = accept

    @precondition(lambda self: self.model.shared_with_colombia)
    @rule(who=st.sampled_from(["colombia leaves", "kenya removes"]))
    def sharing_ends(self, who):
        if who == "colombia leaves":
            path = reverse("practices:co_owner_leave", kwargs={"iso2": "CO", "pk": self.practice.pk})
            response = self.clients["focal_b"].post(path)
        else:
            response = self.clients["focal_a"].post(self.url("co_owner_remove", co_owner="CO"))
        assert response.status_code == 302
        self.model.shared_with_colombia = False

    @precondition(lambda self: self.model.shared_with_colombia and self.model.practice_status in ("published", "archived"))
    @rule(action=st.sampled_from(["practice_archive", "practice_restore"]))
    def the_co_owner_cannot_archive_or_restore(self, action):
        path = reverse(f"practices:{action}", kwargs={"iso2": "CO", "pk": self.practice.pk})
        assert self.clients["focal_b"].post(path, {"note": ""}).status_code == 403

    @rule(role=st.sampled_from(["contributor_b", "anonymous"]))
    def a_stranger_tries_to_save(self, role):
        response = self.clients[role].post(self.url("practice_edit"), {"title": "Hijacked", "base": "1", "save": ""})
        assert response.status_code in (302, 404)  # anonymous: to sign in; another country: not found

    # --- What must hold after every step ---

    @invariant()
    def open_version_matches(self):
        revision = self.open_revision()
        if self.model.open_status is None:
            assert revision is None
            return
        assert revision.status == self.model.open_status
        content = revision.content
        assert {name: content[name] for name in TEXT_FIELDS} == self.model.draft
        assert {name: content[name] for name in UNCHANGED} == UNCHANGED
        documents = sorted(self.practice.files.filter(pk__in=content["attachments"]).values_list("title", flat=True))
        assert documents == sorted(self.model.draft_documents)

    @invariant()
    def published_record_matches(self):
        practice = Practice.objects.get(pk=self.practice.pk)
        assert practice.status == self.model.practice_status
        if self.model.published is None:
            return
        assert {name: getattr(practice, name) for name in TEXT_FIELDS} == self.model.published
        assert sorted(practice.attachments.values_list("title", flat=True)) == sorted(self.model.published_documents)
        assert list(practice.themes.values_list("slug", flat=True)) == UNCHANGED["themes"]
        assert practice.links == UNCHANGED["links"] and practice.indicators == UNCHANGED["indicators"]

    @invariant()
    def public_page_api_and_export_agree(self):
        visitor = self.clients["anonymous"]
        page = visitor.get(reverse("practices:practice_detail", kwargs={"pk": self.practice.pk}))
        api = visitor.get(f"/api/practices/{self.practice.pk}/")
        export = visitor.get(reverse("practices:export_csv") + "?country=KE")
        rows = {row["id"]: row for row in csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))}
        public = self.model.practice_status == "published"
        assert page.status_code == (200 if public else 404)
        assert api.status_code == (200 if public else 404)
        assert (str(self.practice.pk) in rows) == public
        shown = page.content.decode()
        public_text = " ".join(self.model.published.values()) if public else ""
        for marker in set(" ".join(self.model.draft.values()).split()) | set(" ".join(self.model.draft_documents).split()):
            if marker.startswith("zq") and marker not in public_text and marker not in " ".join(self.model.published_documents if public else []):
                assert marker not in shown, f"unpublished text {marker} on the public page"
        if not public:
            return
        record = json.loads(api.content)
        assert record["title"] == self.model.published["title"] == rows[str(self.practice.pk)]["title"]
        assert record["summary"] == self.model.published["summary"]
        assert sorted(document["title"] for document in record["documents"]) == sorted(self.model.published_documents)
        for title in self.model.published_documents:
            assert title in shown

    @invariant()
    def colombia_lists_it_only_once_it_accepted(self):
        listed = self.model.shared_with_colombia
        assert set(self.practice.co_owners.values_list("iso2", flat=True)) == ({"CO"} if listed else set())
        colombia = self.clients["anonymous"].get(reverse("countries:country_detail", kwargs={"iso2": "CO"})).content.decode()
        public = listed and self.model.practice_status == "published"
        assert (reverse("practices:practice_detail", kwargs={"pk": self.practice.pk}) in colombia) == public
        api = json.loads(self.clients["anonymous"].get("/api/practices/?country=CO").content)
        assert (self.practice.pk in [record["id"] for record in api["results"]]) == public


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_practice_keeps_what_its_team_gave_through_any_sequence_of_steps(cast, focal_a, focal_b):
    PracticeLifecycle.cast = {**cast, "focal_a": focal_a, "focal_b": focal_b}
    run_state_machine_as_test(
        PracticeLifecycle,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
        ),
    )
