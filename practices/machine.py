"""A machine's first draft of a translation, from a self-hosted LibreTranslate or from DeepL's API.

Off unless the environment names an engine (settings.MACHINE_TRANSLATION, from MACHINE_TRANSLATION_ENGINE,
_URL, _KEY and _TIMEOUT). Only the standard library speaks to it, and the engine is treated as a stranger:
the exchange ends within twice its time-out however slowly the answer trickles in, no more than
`max_response_bytes` of it is read, redirects are not followed, and what it sends is checked to be the
texts asked for before anything is kept. Every failure is a MachineTranslationError whose message a
translator can read; what the translator typed is the caller's to keep (practices.services).

LibreTranslate: POST {url}/translate, JSON {q: [texts], source, target, format: "text", api_key}
→ {translatedText: [texts]}. DeepL: POST {url}/v2/translate, header `Authorization: DeepL-Auth-Key …`,
JSON {text: [texts], source_lang, target_lang} → {translations: [{text}, …]}.
"""

import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

LIBRETRANSLATE = "libretranslate"
DEEPL = "deepl"
ENGINES = {LIBRETRANSLATE: "LibreTranslate", DEEPL: "DeepL"}
# DeepL's code for each working language; a translation into English is written in British English.
DEEPL_SOURCE = {"en": "EN", "fr": "FR", "es": "ES"}
DEEPL_TARGET = {"en": "EN-GB", "fr": "FR", "es": "ES"}
READ_CHUNK = 64 * 1024


class MachineTranslationError(Exception):
    """The engine could not give a draft: the message says why, for the translator."""


@dataclass(frozen=True)
class Engine:
    kind: str
    url: str
    key: str = ""
    timeout: float = 10.0
    max_response_bytes: int = 2 * 1024 * 1024

    @property
    def name(self):
        return ENGINES[self.kind]


def configured_engine():
    """The engine the environment names, or None: machine drafts are off."""
    config = getattr(settings, "MACHINE_TRANSLATION", None)
    if not config:
        return None
    return Engine(
        kind=config["ENGINE"],
        url=config["URL"].rstrip("/"),
        key=config.get("KEY", ""),
        timeout=float(config.get("TIMEOUT", 10)),
        max_response_bytes=int(config.get("MAX_RESPONSE_BYTES", 2 * 1024 * 1024)),
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """An engine that answers with a redirect is answering wrongly: it is not followed elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def translate(texts, *, source, target, engine=None):
    """The `texts` ({name: text}) translated from `source` (None: let the engine tell) into `target`, by name.

    Raises MachineTranslationError when no engine is configured, or it fails, is slow, or answers nonsense.
    """
    engine = engine or configured_engine()
    if engine is None:
        raise MachineTranslationError(_("Machine translation is not available on this platform."))
    names = list(texts)
    if not names:
        return {}
    request = _request(engine, [texts[name] for name in names], source=source, target=target)
    translated = _parse(engine, _exchange(engine, request), len(names))
    # PostgreSQL refuses NUL characters in text: an engine's stray one must not fail the save.
    return {name: text.replace("\x00", "") for name, text in zip(names, translated)}


def _request(engine, texts, *, source, target):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if engine.kind == DEEPL:
        body = {"text": texts, "target_lang": DEEPL_TARGET[target]}
        if source in DEEPL_SOURCE:
            body["source_lang"] = DEEPL_SOURCE[source]
        headers["Authorization"] = f"DeepL-Auth-Key {engine.key}"
        url = f"{engine.url}/v2/translate"
    else:
        body = {"q": texts, "source": source or "auto", "target": target, "format": "text"}
        if engine.key:
            body["api_key"] = engine.key
        url = f"{engine.url}/translate"
    return urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")


def _exchange(engine, request):
    """The engine's answer, read by the deadline and up to `max_response_bytes`, or MachineTranslationError."""
    deadline = time.monotonic() + engine.timeout
    unreachable = _("The translation engine could not be reached. Try again later, or translate the text yourself.")
    too_slow = _("The translation engine did not answer in time. Try again later, or translate the text yourself.")
    try:
        with _opener.open(request, timeout=engine.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > engine.max_response_bytes:
                raise MachineTranslationError(_("The translation engine's answer was too large to use."))
            chunks, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise MachineTranslationError(too_slow)
                # One socket read at a time (each waits at most the time-out): a trickle cannot stretch the exchange.
                chunk = response.read1(min(READ_CHUNK, engine.max_response_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > engine.max_response_bytes:
                    raise MachineTranslationError(_("The translation engine's answer was too large to use."))
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        error.close()
        raise MachineTranslationError(_refusal(error.code)) from None
    except (TimeoutError, urllib.error.URLError) as error:
        if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
            raise MachineTranslationError(too_slow) from None
        raise MachineTranslationError(unreachable) from None
    except (OSError, ValueError, http.client.HTTPException):  # a reset; a malformed status line, header or body
        raise MachineTranslationError(unreachable) from None


def _refusal(status):
    if status in (401, 403):
        return _("The translation engine refused the platform's key. Tell ITC's technical team.")
    if status in (429, 456):
        return _("The translation engine is busy or its quota is used up. Try again later, or translate the text yourself.")
    return _("The translation engine failed (error %(status)s). Try again later, or translate the text yourself.") % {"status": status}


def _parse(engine, body, count):
    """The translated texts, in order, from the engine's JSON: exactly `count` strings, or MachineTranslationError."""
    unreadable = MachineTranslationError(_("The translation engine's answer could not be read. Try again later, or translate the text yourself."))
    try:
        answer = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8 or not JSON; nested too deep; a number too long
        raise unreadable from None
    if not isinstance(answer, dict):
        raise unreadable
    if engine.kind == DEEPL:
        items = answer.get("translations")
        texts = [item.get("text") for item in items if isinstance(item, dict)] if isinstance(items, list) else None
    else:
        texts = answer.get("translatedText")
        if isinstance(texts, str) and count == 1:
            texts = [texts]
    if not isinstance(texts, list) or len(texts) != count or not all(isinstance(text, str) for text in texts):
        raise unreadable
    return texts
