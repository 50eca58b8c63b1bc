from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from countries.models import Country, Region


def home(request):
    context = {
        "participating_count": Country.objects.participating().count(),
        "country_count": Country.objects.count(),
        "region_count": Region.objects.filter(level=Region.Level.REGION).count(),
    }
    return render(request, "home.html", context)


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
