"""Anonymous pages from memory, invalidated the moment anything public changes.

Every worker keeps the pages it rendered for visitors who are not signed in (no session cookie)
in its own memory, under the current *content generation*: a number in the shared cache that a
change visitors can see replaces, once per transaction, when it commits (a saved or deleted record
of the platform's apps, unless no public page shows it: PRIVATE_MODELS, PUBLIC_WHEN). Each request
reads the generation once (one small query); a page rendered under an older generation is never
served again, in any worker, so a published practice appears at once everywhere. Pages also expire
after PAGE_CACHE_SECONDS, for what changes with time alone (a meeting passing from upcoming to past).

PAGE_CACHE=false turns the pages off, DATA_CACHE=false the memos. Only what may be shared is stored:
GET requests without a session or messages cookie, answered 200 with no cookie set, no CSRF token
used and no `private`/`no-store` cache control. The same generation keys other per-worker caches of
public data (counts, vocabulary, page contexts and rendered fragments: `memoized`, `{% memo %}`).

It lives in countries, the lowest layer (pyproject.toml, [tool.importlinter]), because every app's
pages memoize through it; it imports no app. What must happen after a public change and needs the
upper layers (smeplatform.warm counting for the first visitors) listens to `content_changed`.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "content-generation"
# The generation lives in the default cache, beside the security state no visitor can fill; the shared
# memos, one row per browse query a visitor makes up, in this one (settings.CACHES).
PUBLIC_CACHE = "public"
# Apps whose records the public pages show.
CONTENT_APPS = ("countries", "practices", "meetings")
# Records no public page shows: their changes keep the cache (tests/test_page_cache.py renders every
# public page before and after changing each of them).
PRIVATE_MODELS = {
    "countries.user",
    "countries.membership",
    "countries.invitation",
    "countries.auditevent",
    "practices.practicerevision",  # drafts and versions in review; the published content is on the practice
    "practices.reviewevent",
    "practices.revisionsave",  # each kept save of a version being written
    "practices.importbatch",
    "practices.coownership",  # a proposal shows nowhere public; once accepted, the practice's countries change
    "meetings.recordevent",
}
# Records public in some states only: (field, public values). A change is public when the record
# was or is in one of them: a delegate saving a draft or staff declining a declaration keep the
# visitors' pages; publishing, unpublishing and editing what is public renew them.
PUBLIC_WHEN = {
    "practices.practice": ("status", {"published"}),
    "meetings.meeting": ("is_published", {True}),
    "meetings.participation": ("status", {"confirmed"}),
    "meetings.presentation": ("status", {"confirmed"}),
    "meetings.endorsement": ("status", {"confirmed"}),
    "meetings.uptakestory": ("status", {"published"}),
}
_WAS_PUBLIC = "_pagecache_was_public"

_request_generation = ContextVar("content_generation", default=None)


# Per request: "" until the generation is read, then its value; None outside a request.
def generation():
    """The content generation: read once per request (then remembered for it), else from the cache."""
    current = _request_generation.get()
    if current:
        return current
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        # Another worker may have set one meanwhile: keep theirs.
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY) or value
    if current is not None:
        _request_generation.set(value)
    return value


# Sent once a public change has renewed the generation (smeplatform's app config connects the warming).
content_changed = Signal()


def bump():
    """Something public changed: every page and memo rendered before is stale."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    if _request_generation.get() is not None:
        _request_generation.set("")
    content_changed.send(sender=bump)


def _is_public(instance):
    field, values = PUBLIC_WHEN[instance._meta.label_lower]
    return getattr(instance, field) in values


def _before_save(sender, instance, **kwargs):
    """Whether the stored record is public, before this save changes it (one query, saves only)."""
    field, values = PUBLIC_WHEN[sender._meta.label_lower]
    stored = sender._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first() if instance.pk else None
    setattr(instance, _WAS_PUBLIC, stored in values)


def _public_change(sender, instance, kwargs):
    label = sender._meta.label_lower
    if label in PRIVATE_MODELS:
        return False
    if kwargs.get("action"):  # a many-to-many change: public if the record it is made on is (or any reverse one)
        if {instance._meta.label_lower, kwargs["model"]._meta.label_lower} & PRIVATE_MODELS:
            return False  # an account's groups and permissions
        return instance._meta.label_lower not in PUBLIC_WHEN or _is_public(instance)
    if label in PUBLIC_WHEN:
        return _is_public(instance) or getattr(instance, _WAS_PUBLIC, False)
    return True


def _changed(sender, instance=None, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if not _public_change(sender, instance, kwargs):
        return
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    # One new generation per transaction however many records it changes: every change registers its
    # callback (a savepoint rolled back drops only its own), and the callbacks of a transaction share a
    # batch, of which the first to run bumps for all. The batch waiting to run is kept per thread and
    # database, as Django keeps connections; one of a transaction rolled back is simply joined by the next.
    batches = _pending_batches()
    batch = batches.get(using)
    if batch is None or batch["done"]:
        batch = batches[using] = {"done": False}
    # robust: a cache that cannot be written (its table not made yet) must not fail the change.
    transaction.on_commit(BumpOnCommit(batch, using), using=using, robust=True)


_pending = threading.local()


def _pending_batches():
    if not hasattr(_pending, "batches"):
        _pending.batches = {}
    return _pending.batches


class BumpOnCommit:
    """bump() once for the batch of changes of one transaction, when it commits."""

    def __init__(self, batch, using=DEFAULT_DB_ALIAS):
        self.batch = batch
        self.using = using

    def __call__(self):
        if self.batch["done"]:
            return
        self.batch["done"] = True
        # Changes made from now on (by another callback, or the next transaction) start a batch of their own.
        if _pending_batches().get(self.using) is self.batch:
            del _pending_batches()[self.using]
        bump()


def connect_signals():
    for app in CONTENT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label_lower in PUBLIC_WHEN:
                pre_save.connect(_before_save, sender=model, dispatch_uid=f"pagecache-before-{model._meta.label}")
            post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through._meta.label}")


class LRU:
    """A bounded, per-worker store (pages, memos): the least recently used entry goes first."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self.entries = OrderedDict()

    def get(self, key):
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and expires < time.monotonic():
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return value

    def set(self, key, value, seconds=None):
        self.entries[key] = (value, None if seconds is None else time.monotonic() + seconds)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

    def clear(self):
        self.entries.clear()


_memos = LRU(256)


def memoized(name, compute, *parts, shared=False):
    """compute() once per content generation and `parts` in this worker (for public data only).

    With `shared`, also kept in the public shared cache, so the first worker to compute it spares the others.
    Off with DATA_CACHE=false (and in tests), so "uncached" measures the real work.
    """
    if not settings.DATA_CACHE:
        return compute()
    key = (name, generation(), *parts)
    value = _memos.get(key)
    if value is None:
        shared_key = "memo:" + hashlib.sha256(repr(key).encode()).hexdigest() if shared else None
        value = caches[PUBLIC_CACHE].get(shared_key) if shared else None
        if value is None:
            value = compute()
            if shared:
                caches[PUBLIC_CACHE].set(shared_key, value, settings.PAGE_CACHE_SECONDS)
        # Also bounded in time, for what changes with time alone (the next meeting, "no recent progress").
        _memos.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


_pages = LRU(512)
UNCACHEABLE_PREFIXES = ("/admin/", "/healthz", "/static/", "/media/")
UNCACHEABLE_SEGMENTS = ("/accounts/", "/workspace/", "/staff/", "/invitations/")


def _cacheable_request(request):
    if request.method != "GET" or not settings.PAGE_CACHE:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    path = request.path_info
    return not path.startswith(UNCACHEABLE_PREFIXES) and not any(part in path for part in UNCACHEABLE_SEGMENTS)


def _cacheable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _key(request):
    parts = "\n".join(
        (
            request.get_host(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            request.scheme,
        )
    )
    return (generation(), hashlib.sha256(parts.encode()).hexdigest())


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The generation is read at most once in this request: the page key and the memos share it.
        token = _request_generation.set("")
        try:
            return self._respond(request)
        finally:
            _request_generation.reset(token)

    def _respond(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            key = _key(request)
        except DisallowedHost:
            return self.get_response(request)  # answered 400 by Django, like any request for another host
        except DatabaseError:
            # The generation cannot be read: the request goes on uncached, to fail where every page does
            # (the 503 page with the headers of every middleware, smeplatform.middleware.DatabaseUnavailableMiddleware).
            return self.get_response(request)
        stored = _pages.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        if _cacheable_response(request, response):
            _pages.set(key, (response.status_code, list(response.headers.items()), response.content), settings.PAGE_CACHE_SECONDS)
            response.headers["X-Page-Cache"] = "miss"
        return response


def clear_worker_caches():
    """For tests: forget this worker's pages and memos."""
    _pages.clear()
    _memos.clear()
