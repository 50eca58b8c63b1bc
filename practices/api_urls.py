"""The read-only JSON API: language-neutral, outside the language prefixes."""

from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("practices/", api.practice_list, name="practice_list"),
    path("practices/<int:pk>/", api.practice_detail, name="practice_detail"),
    path("taxonomies/", api.taxonomies, name="taxonomies"),
    path("openapi.json", api.openapi_document, name="openapi"),
    # Last: any other address under /api/ (an unknown path, an id that is not a number) is a JSON 404.
    re_path(r"^[\s\S]*$", api.not_found, name="not_found"),
]
