"""Anonymous pages from memory, invalidated the moment anything public changes.

Every worker keeps the pages it rendered for visitors who are not signed in (no session cookie)
in its own memory, under the current *content generation*: a number in the shared cache that a
change visitors can see replaces, once per transaction, when it commits (a saved or deleted record
of the platform's apps, unless no public page shows it: PRIVATE_MODELS, PUBLIC_WHEN). Each request
reads the generation once (one small query); a page rendered under an older generation is never
served again, in any worker, so a published practice appears at once everywhere. Pages also expire
after PAGE_CACHE_SECONDS, for what changes with time alone (a meeting passing from upcoming to past).

Every store is one of Django's caches (settings.CACHES): the pages in the worker's "pages" cache,
the memos of public data (counts, vocabulary, page contexts: `memoized`) and the rendered fragments
(Django's `{% cache %}` tag, varied on the generation: smeplatform.context_processors.fragments) in
its "memos" cache, the memos worth sharing between workers also in the "public" cache.

PAGE_CACHE=false turns the pages off, DATA_CACHE=false the memos and fragments. Only what may be
shared is stored: GET requests without a session or messages cookie, answered 200 with no cookie set,
no CSRF token used and no `private`/`no-store` cache control.

It lives in countries, the lowest layer (pyproject.toml, [tool.importlinter]), because every app's
pages memoize through it; it imports no app. What must happen after a public change and needs the
upper layers (smeplatform.warm counting for the first visitors) listens to `content_changed`.
"""

import hashlib
import threading
import uuid
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
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
# Each worker's own memory (settings.CACHES): visitors' pages; memos and rendered fragments.
PAGE_CACHE = "pages"
MEMO_CACHE = "memos"
# What the memos and fragments use with DATA_CACHE=false: a cache that keeps nothing.
NO_CACHE = "off"
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
    "practices.translationrequest",  # a reader's request: counted for the team and ITC only
    "meetings.recordevent",
}
# Records public in some states only: label -> (field, public values), read from the models' own
# querysets (countries.models.PublicWhen: `public_when`, the pair their published()/public() filter by)
# when the signals are connected. A change is public when the record was or is in that state: a
# delegate saving a draft or staff declining a declaration keep the visitors' pages; publishing,
# unpublishing and editing what is public renew them.
PUBLIC_WHEN = {}
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


def _public_when(model):
    public_when = getattr(model._default_manager._queryset_class, "public_when", None)
    return None if public_when is None else (public_when[0], {public_when[1]})


def connect_signals():
    for app in CONTENT_APPS:
        for model in apps.get_app_config(app).get_models():
            if (public_when := _public_when(model)) is not None:
                PUBLIC_WHEN[model._meta.label_lower] = public_when
            if model._meta.label_lower in PUBLIC_WHEN:
                pre_save.connect(_before_save, sender=model, dispatch_uid=f"pagecache-before-{model._meta.label}")
            post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through._meta.label}")


class WorkerMemoCache(LocMemCache):
    """Django's local-memory cache (least recently used first, MAX_ENTRIES, timeouts) keeping each
    value itself rather than a pickled copy: the backend of each worker's memos (settings.CACHES).

    A memo holds model instances with what was read with them, and querysets read a page at a time
    (a region's practices): pickling would copy them at every request, or read a queryset whole.
    Every request of the worker gets the same objects, so none may change them (`dict(memo)` first).
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    incr = BaseCache.incr  # LocMemCache's unpickles


def fragment_cache():
    """The cache of rendered fragments, `{% cache … using=fragment_cache %}`: none with DATA_CACHE=false.

    Read at each page, like DATA_CACHE by `memoized`, so a test (or the benchmark) switches both at once."""
    return MEMO_CACHE if settings.DATA_CACHE else NO_CACHE


def memoized(name, compute, *parts, shared=False):
    """compute() once per content generation and `parts` in this worker (for public data only).

    With `shared`, also kept in the public shared cache, so the first worker to compute it spares the others.
    Off with DATA_CACHE=false, so "uncached" measures the real work.
    """
    if not settings.DATA_CACHE:
        return compute()
    key = "memo:" + hashlib.sha256(repr((name, generation(), *parts)).encode()).hexdigest()
    memos = caches[MEMO_CACHE]
    value = memos.get(key)
    if value is None:
        value = caches[PUBLIC_CACHE].get(key) if shared else None
        if value is None:
            value = compute()
            if shared:
                caches[PUBLIC_CACHE].set(key, value, settings.PAGE_CACHE_SECONDS)
        # Also bounded in time, for what changes with time alone (the next meeting, "no recent progress").
        memos.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


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
    return f"page:{generation()}:{hashlib.sha256(parts.encode()).hexdigest()}"


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
        pages = caches[PAGE_CACHE]
        stored = pages.get(key)
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
            pages.set(key, (response.status_code, list(response.headers.items()), response.content), settings.PAGE_CACHE_SECONDS)
            response.headers["X-Page-Cache"] = "miss"
        return response


def clear_worker_caches():
    """For tests: forget this worker's pages, memos and fragments."""
    caches[PAGE_CACHE].clear()
    caches[MEMO_CACHE].clear()
