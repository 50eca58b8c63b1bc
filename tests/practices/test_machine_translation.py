"""A machine's first draft of a translation (practices/machine.py), against a local stand-in engine.

The stand-in is a small HTTP server in a thread that speaks LibreTranslate's API (POST /translate) and
DeepL's (POST /v2/translate), or misbehaves as a test tells it: an error status, no answer, an answer
trickling in, one too large, one that is not what was asked. Whatever the engine does, the translator
gets a sentence and loses nothing typed; a draft fills only empty fields, is labelled as a machine's
until a person edits it, and reaches readers only through ITC's review.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation as translation_module

from practices import machine, services
from practices.models import TRANSLATED_FIELDS, PracticeTranslation, ReviewEvent
from smeplatform.settings import machine_translation_from_env
from tests.factories import publish_practice
from tests.practices.test_translations import assert_valid_page

KEY = "stand-in-key"
LIMIT = 4096  # the largest answer the tests' engine reads


class StandIn:
    """An engine on 127.0.0.1 that records what it is asked; `behaviour` says how it answers."""

    def __init__(self):
        self.behaviour = "translate"
        self.status = 500
        self.raw = b""
        self.requests = []
        self.release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                try:
                    stand_in.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the platform stopped reading, as it should with an answer too large

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def engine(self, kind=machine.LIBRETRANSLATE, timeout=0.4):
        return machine.Engine(kind=kind, url=self.url, key=KEY, timeout=timeout, max_response_bytes=LIMIT)

    def answer(self, handler):
        behaviour = self.behaviour
        if behaviour == "hang":
            self.release.wait(10)
            return
        if behaviour == "status":
            return self._send(handler, self.status, b'{"error": "Something went wrong"}')
        if behaviour == "redirect":
            handler.send_response(302)
            handler.send_header("Location", "http://127.0.0.1:9/elsewhere")
            handler.end_headers()
            return
        if behaviour == "raw":
            return self._send(handler, 200, self.raw)
        if behaviour == "truncated":  # less than the length it declares, then the connection closes
            handler.send_response(200)
            handler.send_header("Content-Length", "100")
            handler.end_headers()
            handler.wfile.write(b'{"translatedText": ')
            return
        if behaviour == "garbage":  # not HTTP at all
            handler.wfile.write(b"\x00\xffNOT HTTP\r\n\r\n")
            return
        if behaviour == "header_bomb":
            handler.send_response(200)
            for index in range(200):
                handler.send_header(f"X-Header-{index}", "x")
            handler.end_headers()
            return
        if behaviour == "declared_too_large":
            handler.send_response(200)
            handler.send_header("Content-Length", str(10**9))
            handler.end_headers()
            handler.wfile.write(b'{"translatedText": ["')
            return
        if behaviour == "streamed_too_large":  # no length given: read until the connection closes
            handler.send_response(200)
            handler.end_headers()
            handler.wfile.write(b'{"translatedText": ["' + b"a" * (LIMIT * 4) + b'"]}')
            return
        if behaviour == "trickle":  # a byte at a time, never done: each read returns, the whole never ends
            handler.send_response(200)
            handler.end_headers()
            while not self.release.wait(0.05):
                handler.wfile.write(b" ")
                handler.wfile.flush()
            return
        self._translate(handler)

    def _translate(self, handler):
        asked = self.requests[-1]["json"]
        if handler.path == "/translate":
            if asked.get("api_key") != KEY:
                return self._send(handler, 403, b'{"error": "Invalid API key"}')
            answer = {"translatedText": [f"[{asked['target']}] {text}" for text in asked["q"]]}
        elif handler.path == "/v2/translate":
            if handler.headers.get("Authorization") != f"DeepL-Auth-Key {KEY}":
                return self._send(handler, 403, b'{"message": "Forbidden"}')
            answer = {"translations": [{"detected_source_language": "EN", "text": f"[{asked['target_lang']}] {text}"} for text in asked["text"]]}
        else:
            return self._send(handler, 404, b"{}")
        self._send(handler, 200, json.dumps(answer).encode())

    @staticmethod
    def _send(handler, status, body):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def stand_in():
    engine = StandIn()
    yield engine
    engine.close()


@pytest.fixture
def engine_on(settings, stand_in):
    settings.MACHINE_TRANSLATION = {"ENGINE": "libretranslate", "URL": stand_in.url, "KEY": KEY, "TIMEOUT": 0.4, "MAX_RESPONSE_BYTES": LIMIT}
    return stand_in


# --- The engines' APIs ---


def test_libretranslate_is_asked_for_every_text_at_once_and_each_answer_goes_back_to_its_field(stand_in):
    drafted = machine.translate({"title": "Credit guarantee", "summary": "Loans for SMEs."}, source="en", target="fr", engine=stand_in.engine())
    assert drafted == {"title": "[fr] Credit guarantee", "summary": "[fr] Loans for SMEs."}
    (asked,) = stand_in.requests
    assert asked["path"] == "/translate" and asked["headers"]["Content-Type"] == "application/json"
    assert asked["json"] == {"q": ["Credit guarantee", "Loans for SMEs."], "source": "en", "target": "fr", "format": "text", "api_key": KEY}


def test_deepl_gets_its_key_in_the_header_and_its_own_language_codes(stand_in):
    engine = stand_in.engine(kind=machine.DEEPL)
    assert machine.translate({"title": "Fonds"}, source="fr", target="en", engine=engine) == {"title": "[EN-GB] Fonds"}
    # A practice written in another language: the engine tells which.
    assert machine.translate({"title": "Fundo"}, source=None, target="es", engine=engine) == {"title": "[ES] Fundo"}
    first, second = stand_in.requests
    assert first["path"] == "/v2/translate" and first["headers"]["Authorization"] == f"DeepL-Auth-Key {KEY}"
    assert first["json"] == {"text": ["Fonds"], "source_lang": "FR", "target_lang": "EN-GB"}
    assert second["json"] == {"text": ["Fundo"], "target_lang": "ES"}


def answering(stand_in, behaviour, **more):
    stand_in.behaviour = behaviour
    for name, value in more.items():
        setattr(stand_in, name, value)


# Each misbehaviour, and what the translator reads.
FAILURES = {
    "a server error": (lambda s: answering(s, "status", status=500), "failed (error 500)"),
    "a refused key": (lambda s: answering(s, "status", status=403), "refused the platform's key"),
    "a used-up quota": (lambda s: answering(s, "status", status=456), "quota is used up"),
    "no answer in time": (lambda s: answering(s, "hang"), "did not answer in time"),
    "an answer trickling in": (lambda s: answering(s, "trickle"), "did not answer in time"),
    "a declared length too large": (lambda s: answering(s, "declared_too_large"), "too large"),
    "an answer too large": (lambda s: answering(s, "streamed_too_large"), "too large"),
    "a redirect": (lambda s: answering(s, "redirect"), "failed (error 302)"),
    "a body cut short": (lambda s: answering(s, "truncated"), "could not be read"),
    "not HTTP": (lambda s: answering(s, "garbage"), "could not be reached"),
    "too many headers": (lambda s: answering(s, "header_bomb"), "could not be reached"),
    "not JSON": (lambda s: answering(s, "raw", raw=b"<html>Bad gateway</html>"), "could not be read"),
    "not UTF-8": (lambda s: answering(s, "raw", raw=b'{"translatedText": ["\xff\xfe"]}'), "could not be read"),
    "nested too deep": (lambda s: answering(s, "raw", raw=b"[" * 4000), "could not be read"),
    "a number too long": (lambda s: answering(s, "raw", raw=b'{"translatedText": ' + b"9" * 4000 + b"}"), "could not be read"),
    "fewer texts than asked": (lambda s: answering(s, "raw", raw=b'{"translatedText": ["un"]}'), "could not be read"),
    "texts that are not text": (lambda s: answering(s, "raw", raw=b'{"translatedText": [1, null]}'), "could not be read"),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_misbehaving_engine_is_a_sentence_for_the_translator_within_twice_the_timeout(stand_in, failure):
    misbehave, message = FAILURES[failure]
    misbehave(stand_in)
    started = time.monotonic()
    with pytest.raises(machine.MachineTranslationError, match=re.escape(message)):
        machine.translate({"title": "Credit", "summary": "Loans"}, source="en", target="fr", engine=stand_in.engine())
    assert time.monotonic() - started < 2 * 0.4 + 0.5  # the time-out, and one last read's


def test_an_engine_that_cannot_be_reached_is_said_so():
    closed = machine.Engine(kind=machine.LIBRETRANSLATE, url="http://127.0.0.1:9", timeout=0.4)
    with pytest.raises(machine.MachineTranslationError, match="could not be reached"):
        machine.translate({"title": "Credit"}, source="en", target="fr", engine=closed)


def test_no_engine_configured_is_said_so(settings):
    settings.MACHINE_TRANSLATION = None
    with pytest.raises(machine.MachineTranslationError, match="not available"):
        machine.translate({"title": "Credit"}, source="en", target="fr")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        (
            {"MACHINE_TRANSLATION_ENGINE": "LibreTranslate", "MACHINE_TRANSLATION_URL": "http://translate.internal:5000"},
            {"ENGINE": "libretranslate", "URL": "http://translate.internal:5000", "KEY": "", "TIMEOUT": 10},
        ),
        (
            {"MACHINE_TRANSLATION_ENGINE": "deepl", "MACHINE_TRANSLATION_KEY": "abc:fx", "MACHINE_TRANSLATION_TIMEOUT": "5"},
            {"ENGINE": "deepl", "URL": "https://api-free.deepl.com", "KEY": "abc:fx", "TIMEOUT": 5},
        ),
        ({"MACHINE_TRANSLATION_ENGINE": "deepl", "MACHINE_TRANSLATION_KEY": "abc"}, {"ENGINE": "deepl", "URL": "https://api.deepl.com", "KEY": "abc", "TIMEOUT": 10}),
        ({"MACHINE_TRANSLATION_ENGINE": "google"}, ImproperlyConfigured),
        ({"MACHINE_TRANSLATION_ENGINE": "libretranslate"}, ImproperlyConfigured),
        ({"MACHINE_TRANSLATION_ENGINE": "libretranslate", "MACHINE_TRANSLATION_URL": "file:///etc/passwd"}, ImproperlyConfigured),
        ({"MACHINE_TRANSLATION_ENGINE": "deepl"}, ImproperlyConfigured),
        ({"MACHINE_TRANSLATION_ENGINE": "deepl", "MACHINE_TRANSLATION_KEY": "abc", "MACHINE_TRANSLATION_TIMEOUT": "60"}, ImproperlyConfigured),
    ],
)
def test_the_engine_is_configured_by_environment_and_off_by_default(monkeypatch, env, expected):
    for name in ("ENGINE", "URL", "KEY", "TIMEOUT"):
        monkeypatch.delenv(f"MACHINE_TRANSLATION_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if expected is ImproperlyConfigured:
        with pytest.raises(ImproperlyConfigured):
            machine_translation_from_env()
    else:
        assert machine_translation_from_env() == expected


# --- Drafting a translation ---

@pytest.fixture
def practice(country_a, contributor_a, moderator):
    # Kenya's practice, written in English and published.
    return publish_practice(
        country_a,
        by=contributor_a,
        moderator=moderator,
        title="SME credit guarantee fund",
        summary="Guarantees for SME loans.",
        description="The fund guarantees bank loans to small firms.",
        problem="Banks ask for too much collateral.",
    )


@pytest.fixture
def translation(practice, focal_b):
    # Colombia's focal point volunteers a French translation: nothing written yet.
    return services.start_translation(practice, by=focal_b, language="fr")


def edit_url(translation):
    return reverse("practices:translation_edit", kwargs={"iso2": "CO", "pk": translation.pk})


def typed(**fields):
    return {name: fields.get(name, "") for name in TRANSLATED_FIELDS}


def refreshed(translation):
    return PracticeTranslation.objects.get(pk=translation.pk)


def machine_events(translation):
    return translation.events.filter(action=ReviewEvent.Action.TRANSLATION_MACHINE_DRAFTED)


@pytest.mark.django_db
def test_the_machine_drafts_only_the_empty_fields_and_the_draft_is_labelled_until_a_person_edits_it(
    client, engine_on, practice, translation, focal_b, moderator
):
    client.force_login(focal_b)
    response = client.get(edit_url(translation))
    assert_valid_page(response)
    page = response.content.decode()
    assert 'name="machine_draft"' in page and "LibreTranslate" in page
    response = client.post(edit_url(translation), {**typed(title="Mon titre à moi"), "machine_draft": ""})
    assert response.status_code == 302 and response["Location"] == edit_url(translation)
    drafted = refreshed(translation)
    # What the translator typed is kept; the machine wrote the rest the original has.
    assert drafted.title == "Mon titre à moi"
    assert (drafted.summary, drafted.description, drafted.problem) == (
        "[fr] Guarantees for SME loans.", "[fr] The fund guarantees bank loans to small firms.", "[fr] Banks ask for too much collateral.",
    )
    assert drafted.objectives == "" and drafted.machine_draft and drafted.status == PracticeTranslation.Status.DRAFT
    (asked,) = engine_on.requests
    assert asked["json"]["q"] == ["Guarantees for SME loans.", "The fund guarantees bank loans to small firms.", "Banks ask for too much collateral."]
    (event,) = machine_events(drafted)
    assert event.actor == focal_b and event.note == "LibreTranslate: summary, description, problem"
    page = client.get(edit_url(translation)).content.decode()
    assert "a machine wrote this text" in page and "A machine drafted these fields" in page

    # Nothing machine-made reaches readers without ITC's review; ITC sees the label while reviewing.
    services.submit_translation(drafted, by=focal_b)
    assert not PracticeTranslation.objects.public().exists()
    assert "[fr]" not in client.get(f"/fr/practices/{practice.pk}/").content.decode()
    translation_module.activate("en")  # reverse() follows the last request's language
    client.force_login(moderator)
    queue = client.get(reverse("practices:translation_queue")).content.decode()
    assert "Machine draft" in queue
    assert "a machine wrote this text" in client.get(reverse("practices:translation_review", args=[translation.pk])).content.decode()
    services.request_translation_changes(refreshed(translation), by=moderator, comment="Relisez le résumé.")

    # The translator corrects a field: a person has edited it, the label goes.
    client.force_login(focal_b)
    client.post(edit_url(translation), {**refreshed(translation).text(), "summary": "Des garanties pour les prêts aux PME.", "save": ""})
    assert not refreshed(translation).machine_draft
    assert "a machine wrote this text" not in client.get(edit_url(translation)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("misbehave", "message"),
    [
        (lambda s: answering(s, "status", status=500), "failed (error 500)"),
        (lambda s: answering(s, "hang"), "did not answer in time"),
        (lambda s: answering(s, "streamed_too_large"), "too large"),
    ],
)
def test_a_failing_engine_loses_nothing_typed_and_says_why(client, engine_on, translation, focal_b, misbehave, message):
    misbehave(engine_on)
    client.force_login(focal_b)
    response = client.post(edit_url(translation), {**typed(title="Fonds de garantie", summary="Mon résumé"), "machine_draft": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Your text is saved" in html
    # The form comes back as typed, and what was typed is saved.
    assert response.context["form"]["summary"].value() == "Mon résumé" and "Mon résumé" in html
    saved = refreshed(translation)
    assert (saved.title, saved.summary, saved.description, saved.machine_draft) == ("Fonds de garantie", "Mon résumé", "", False)
    assert not machine_events(saved).exists()


@pytest.mark.django_db
def test_without_an_engine_there_is_no_machine_draft(client, settings, translation, focal_b):
    settings.MACHINE_TRANSLATION = None
    client.force_login(focal_b)
    assert 'name="machine_draft"' not in client.get(edit_url(translation)).content.decode()
    response = client.post(edit_url(translation), {**typed(title="Fonds"), "machine_draft": ""})
    assert response.status_code == 200 and "not available" in response.content.decode()
    assert refreshed(translation).title == "Fonds" and not machine_events(translation).exists()


@pytest.mark.django_db
def test_the_engine_is_not_asked_for_what_may_not_be_written(engine_on, translation, focal_b, contributor_b):
    with pytest.raises(PermissionDenied):
        services.draft_translation_by_machine(translation, by=contributor_b)
    services.save_translation(translation, by=focal_b, text={"title": "Fonds", "summary": "Résumé", "description": "Texte"})
    services.submit_translation(translation, by=focal_b)
    with pytest.raises(ValidationError):
        services.draft_translation_by_machine(refreshed(translation), by=focal_b)
    assert engine_on.requests == [] and not machine_events(translation).exists()


@pytest.mark.django_db
def test_a_translation_with_every_field_written_asks_the_engine_nothing(client, engine_on, translation, focal_b):
    services.save_translation(
        translation, by=focal_b, text={"title": "Fonds", "summary": "Résumé", "description": "Texte", "problem": "Problème"}
    )
    client.force_login(focal_b)
    response = client.post(edit_url(translation), {**refreshed(translation).text(), "machine_draft": ""}, follow=True)
    assert "the machine drafts only empty fields" in response.content.decode()
    assert engine_on.requests == [] and not refreshed(translation).machine_draft


@pytest.mark.django_db
def test_what_the_engine_sends_is_kept_within_the_fields_bounds(engine_on, translation, focal_b):
    engine_on.behaviour = "raw"
    engine_on.raw = json.dumps({"translatedText": ["T" * 300 + "\u0000", "Ré\u0000sumé", "Texte", "Problème"]}).encode()
    translation, drafted = services.draft_translation_by_machine(translation, by=focal_b, engine=engine_on.engine())
    assert drafted == ["title", "summary", "description", "problem"]
    saved = refreshed(translation)
    # A title too long is cut to the field's length; PostgreSQL's forbidden NUL is dropped.
    assert saved.title == "T" * 200 and saved.summary == "Résumé"


@pytest.mark.django_db
def test_the_demo_leaves_a_machine_draft_for_review_only_when_an_engine_is_set(engine_on, capsys):
    call_command("load_demo", allow_production=True)
    spanish = PracticeTranslation.objects.get(language="es")
    assert spanish.machine_draft and spanish.is_in_review and spanish.title.startswith("[es] ")
    assert machine_events(spanish).count() == 1
    assert list(PracticeTranslation.objects.filter(machine_draft=True)) == [spanish]
    assert "Machine translation is on" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_has_no_machine_draft_without_an_engine(settings):
    settings.MACHINE_TRANSLATION = None
    call_command("load_demo", allow_production=True)
    assert not PracticeTranslation.objects.filter(machine_draft=True).exists()
    assert not ReviewEvent.objects.filter(action=ReviewEvent.Action.TRANSLATION_MACHINE_DRAFTED).exists()
