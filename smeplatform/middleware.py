import logging
import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.db import connection
from django.middleware.gzip import GZipMiddleware
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from psycopg.errors import QueryCanceled

from countries.access import is_moderator

from .views import API_PREFIX, DATABASE_UNAVAILABLE_ERRORS, page_not_found, service_unavailable

logger = logging.getLogger(__name__)

# A database restart (pg_ctl restart, a managed failover) takes a few seconds: wait that long for it.
RECONNECT_GRACE_SECONDS = 5
RECONNECT_RETRY_SECONDS = 0.25

# What staff without two-factor authentication may still open: enrolment and sign-out.
ENROLMENT_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "healthz",
}


# What is worth compressing: pages, data and feeds. Documents (PDF, Word, workbooks, images) and the
# dataset's .gz files are compressed already, or gain too little for the work on large files.
COMPRESSED_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml", "image/svg+xml")


class CompressTextMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (random padding against BREACH), for text answers only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if not content_type.startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class NotFoundPageMiddleware:
    """With DEBUG on (bin/run), a page not found is the platform's own page, as in production, not Django's
    technical page listing every address. With DEBUG off, handler404 gives it and this does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request)  # no address matched
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class StaffTwoFactorMiddleware:
    """Sends ITC staff who have not enrolled an authenticator app to the enrolment page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request):
        if not settings.SME_REQUIRE_STAFF_TWO_FACTOR:
            return False
        user = request.user
        if not user.is_authenticated or not (user.is_staff or is_moderator(user)):
            return False
        if request.path_info.startswith(settings.STATIC_URL):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.url_name in ENROLMENT_URL_NAMES:
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# When the session's user signed in, and when they last made a request (Unix seconds, in the session).
SIGNED_IN_AT = "sme_signed_in_at"
LAST_SEEN_AT = "sme_last_seen_at"
# Writing the time of every request would save the session row each time: a minute's precision will do.
LAST_SEEN_PRECISION = 60


def start_session_clock(sender, request, user, **kwargs):
    """Receiver of user_logged_in (connected in smeplatform.apps): the session's lifetime starts now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def renew_session_on_reauthentication(sender, request, reauthenticated=False, **kwargs):
    """Receiver of allauth's authentication_step_completed (connected in smeplatform.apps).

    Django gives a new session key at sign-in; typing the password (or a code) again before a
    sensitive change gets one too, so a key seen before it is worth nothing after.
    """
    if reauthenticated:
        request.session.cycle_key()


class SessionLifetimeMiddleware:
    """Signs out a session left idle for SME_SESSION_IDLE_TIMEOUT seconds, and any session
    SESSION_COOKIE_AGE seconds after its sign-in however active it is (docs/security/asvs-accounts.md).

    Django alone renews a session's expiry each time the session is saved, so a busy session never ends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session, now = request.session, int(time.time())
        signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
        if signed_in_at is None or last_seen_at is None:
            # A session opened before this check existed: its clock starts now.
            session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now
            return
        too_old = now - signed_in_at > settings.SESSION_COOKIE_AGE
        too_idle = now - last_seen_at > settings.SME_SESSION_IDLE_TIMEOUT
        if too_old or too_idle:
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
        elif now - last_seen_at >= LAST_SEEN_PRECISION:
            session[LAST_SEEN_AT] = now


# The read-only JSON API is public (it sends Access-Control-Allow-Origin: *): other sites may load it.
PUBLIC_API_PREFIX = API_PREFIX


class CrossOriginResourcePolicyMiddleware:
    """Tells browsers that only this site may load our responses, except the public JSON API.

    Django sets no Cross-Origin-Resource-Policy header itself; without one, any site may embed
    a signed-in user's file downloads and pages as no-cors subresources.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = "cross-origin" if request.path_info.startswith(PUBLIC_API_PREFIX) else "same-origin"
        response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


class RememberLanguageMiddleware:
    """Keeps the language a signed-in user last read the site in, for the e-mails they are sent.

    One UPDATE when the language changes, none otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", None)
        if (
            user is not None
            and user.is_authenticated
            and language in LANGUAGE_CODES
            and user.language != language
            and _is_language_prefixed(request.path_info, language)
        ):
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return self.get_response(request)


LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _is_language_prefixed(path, language):
    # Only a page the user chose by its language prefix counts, not the admin or a file download.
    return path.startswith(f"/{language}/")


class DatabaseUnavailableMiddleware:
    """While the database cannot answer, visitors get 503 "temporarily unavailable" (templates/503.html).

    Before a request goes further, the worker makes sure it holds a working connection. A database
    that just stopped answering (a restart, a failover) is waited for, retrying, for up to
    RECONNECT_GRACE_SECONDS: a restart of a few seconds costs visitors a slower page, not an error.
    Once it has been unreachable for longer, every request gets the 503 page at once, without
    waiting, so the worker stays free (and /healthz says so) until a connection succeeds again.

    A view's query that fails, or that PostgreSQL cancels at the statement timeout, gets the same
    page (process_exception): for the visitor it is the same "try again shortly", and a 503 tells
    crawlers and monitors to come back rather than that the page is broken. A cancelled query is
    logged as an error with its traceback (a query to fix, or a database overloaded); a lost
    connection as one warning line. A failure between the two (a session read in a later
    middleware) reaches the same page through handler500 (smeplatform.views.server_error).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Per worker process: when its connection attempts started failing.
        self.unreachable_since = None

    def __call__(self, request):
        # The health check reports the database's state now, in its own words: no waiting, no page.
        if request.path_info != "/healthz" and not self._database_reachable():
            return service_unavailable(request)
        return self.get_response(request)

    def _database_reachable(self):
        while True:
            attempted_at = time.monotonic()
            try:
                # A connection kept from an earlier request may have died with a restart: test it first.
                connection.close_if_health_check_failed()
                connection.ensure_connection()
            except DATABASE_UNAVAILABLE_ERRORS as error:
                # From when the failed attempt began: an attempt that itself waited (a connection
                # pool's timeout) counts towards the grace period.
                if self.unreachable_since is None:
                    self.unreachable_since = attempted_at
                    logger.warning("Database unreachable: %s", error)
                if time.monotonic() - self.unreachable_since >= RECONNECT_GRACE_SECONDS:
                    return False
                time.sleep(RECONNECT_RETRY_SECONDS)
            else:
                if self.unreachable_since is not None:
                    logger.warning("Database reachable again after %.1f s", time.monotonic() - self.unreachable_since)
                    self.unreachable_since = None
                return True

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        if isinstance(exception.__cause__, QueryCanceled):
            logger.error("Query cancelled (statement timeout) on %s", request.path, exc_info=exception)
        else:
            logger.warning("Database unavailable on %s: %s", request.path, exception)
        return service_unavailable(request)
