from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache

from countries.models import Country
from meetings.models import CallToAction, Confirmation, Meeting
from practices.models import Practice

LATEST_PRACTICES = 6


def _coverage(published):
    """How many countries, and in how many M49 regions, own or co-own a published practice: one query."""
    # Practice.countries holds owner and co-owners alike.
    covered = Country.objects.filter(listed_practices__in=published)
    return covered.aggregate(countries=Count("pk", distinct=True), regions=Count("region", distinct=True))


def home(request):
    published = Practice.objects.published()
    coverage = _coverage(published)
    context = {
        "participating_count": Country.objects.participating().count(),
        "published_count": published.count(),
        "countries_covered": coverage["countries"],
        "regions_covered": coverage["regions"],
        "latest": published.select_related("owner")
        .prefetch_related("co_owners", "themes")
        .order_by("-published_at", "-pk")[:LATEST_PRACTICES],
        "next_meeting": Meeting.objects.upcoming().first(),
        "call": CallToAction.objects.annotate(
            confirmed=Count("endorsements", filter=Q(endorsements__status=Confirmation.CONFIRMED))
        ).order_by("adopted_on").first(),
    }
    return render(request, "home.html", context)


# What crawlers should leave alone: the sign-in, the workspaces and the staff pages, in every language.
ROBOTS_DISALLOW = ("/admin/", "/*/accounts/", "/*/workspace/", "/*/staff/", "/*/invitations/")


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """For the reverse proxy and the process manager: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke must not break the error page too.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
