import sys
from datetime import date

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from psycopg_pool import PoolTimeout

from countries import pagecache
from meetings.models import CallToAction, Endorsement, Meeting
from practices import opendata
from practices.figures import public_figures
from practices.models import Practice
from practices.views import ACCEPTANCE_CRITERIA

LATEST_PRACTICES = 6


def _news():
    return {
        "latest": list(
            Practice.objects.published()
            .select_related("owner")
            .prefetch_related("co_owners", "themes")
            .order_by("-published_at", "-pk")[:LATEST_PRACTICES]
        ),
        "next_meeting": Meeting.objects.upcoming().first(),
        "call": CallToAction.objects.annotate(
            confirmed=Count("endorsements", filter=Q(**Endorsement.objects.public_lookup("endorsements")))
        ).order_by("adopted_on").first(),
    }


def home(request):
    context = {
        **public_figures(),
        # The newest practices, the next meeting, the Call to Action: kept the same way.
        **pagecache.memoized("home-news", _news),
    }
    return render(request, "home.html", context)


# --- The footer's pages: what the platform is, and what an official service owes its users ---

# The day each statement was last reviewed, said on the page: change it with the text, never from today's date.
ACCESSIBILITY_STATEMENT_REVIEWED_ON = date(2026, 12, 7)
PRIVACY_NOTICE_REVIEWED_ON = date(2026, 12, 7)
TERMS_REVIEWED_ON = date(2026, 12, 7)


def about(request):
    return render(request, "pages/about.html", {"criteria": ACCEPTANCE_CRITERIA, "contact_email": settings.CONTACT_EMAIL})


def accessibility(request):
    context = {"reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED_ON, "contact_email": settings.CONTACT_EMAIL}
    return render(request, "pages/accessibility.html", context)


def privacy(request):
    context = {
        "reviewed_on": PRIVACY_NOTICE_REVIEWED_ON,
        "contact_email": settings.CONTACT_EMAIL,
        # What the notice says about cookies and how long things are kept comes from the settings that decide it.
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_days": settings.CSRF_COOKIE_AGE // 86400,
        "messages_cookie": CookieStorage.cookie_name,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "idle_hours": settings.SME_SESSION_IDLE_TIMEOUT // 3600,
        "invitation_days": settings.SME_INVITATION_MAX_AGE.days,
    }
    return render(request, "pages/privacy.html", context)


def terms(request):
    context = {
        "reviewed_on": TERMS_REVIEWED_ON,
        "contact_email": settings.CONTACT_EMAIL,
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
    }
    return render(request, "pages/terms.html", context)


def contact(request):
    return render(request, "pages/contact.html", {"contact_email": settings.CONTACT_EMAIL})


# What crawlers should leave alone: the sign-in, the workspaces and the staff pages, in every language.
ROBOTS_DISALLOW = ("/admin/", "/*/accounts/", "/*/workspace/", "/*/staff/", "/*/invitations/")


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """/favicon.ico, which browsers and tools ask for by name: the platform's emblem, under its hashed static name."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"  # not permanent: the hashed name changes with the file
    return response


# The database is down, restarting, out of connections, or cancelled a query that ran past
# the statement timeout (psycopg's QueryCanceled arrives as OperationalError): the request
# may work again in a moment, so the visitor gets "temporarily unavailable", not a crash.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


@never_cache
def healthz(request):
    """For the reverse proxy and the process manager: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_UNAVAILABLE_ERRORS:
        response = HttpResponse("database unavailable", content_type="text/plain", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# The read-only JSON API (practices/api.py) answers its errors in JSON too, and any site may read them.
API_PREFIX = "/api/"


def _api_error(status, message):
    response = JsonResponse({"errors": {"server": [message]}}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def server_error(request):
    # The database failed outside a view (loading a signed-in user's session in a middleware):
    # the same "temporarily unavailable" page as the middleware gives for a view's query.
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable(request)
    if request.path_info.startswith(API_PREFIX):
        return _api_error(500, "Something went wrong on our side. It has been logged.")
    # No context processors: whatever broke must not break the error page too.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def service_unavailable(request):
    """503 while the database cannot answer. Renders without a query: no context processors, no user."""
    if request.path_info.startswith(API_PREFIX):
        response = _api_error(503, f"The platform is temporarily unavailable. Try again in {RETRY_AFTER_SECONDS} seconds.")
    else:
        # In the language of the address (or cookie, or browser): it may be answered before LocaleMiddleware runs.
        with translation.override(translation.get_language_from_request(request, check_path=True)):
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
