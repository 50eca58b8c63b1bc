from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils.translation import get_language_from_path

from countries.access import is_moderator, membership_of


def site(request):
    """Navigation state and language links for every page."""
    user = getattr(request, "user", None)
    membership = None
    moderator = False
    if user is not None and user.is_authenticated:
        moderator = is_moderator(user)
        if not moderator:
            membership = membership_of(user)
    query = request.META.get("QUERY_STRING", "")
    languages = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        languages.append({"code": code, "url": f"{url}?{query}" if query else url})
    return {
        "nav_membership": membership,
        "nav_is_moderator": moderator,
        "language_links": languages,
        # For search engines (<link rel="alternate" hreflang>): none where the address has no version
        # in each language, such as the error page at /nope/ or /en/nope/.
        "language_alternates": languages if _has_language_versions(request.path_info) else [],
    }


def _has_language_versions(path):
    """Whether the address is a page of the site in every language: a language prefix and a route that matches."""
    if get_language_from_path(path) is None:
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
