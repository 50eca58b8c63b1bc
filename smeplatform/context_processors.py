from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils.functional import lazy
from django.utils.translation import get_language_from_path

from countries import pagecache
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


# Made once: lazy() builds a class.
_lazy_generation = lazy(pagecache.generation, str)


def fragments(request):
    """What the templates' `{% cache %}` fragments are kept by: the content generation (read only when
    a fragment is looked up, never with DATA_CACHE=false), where (nowhere with DATA_CACHE=false) and how
    long (countries/pagecache.py). A fragment also varies on the language (LANGUAGE_CODE) and on
    whatever else it shows."""
    return {
        "content_generation": _lazy_generation() if settings.DATA_CACHE else "",
        "fragment_cache": pagecache.fragment_cache(),
        "fragment_seconds": settings.PAGE_CACHE_SECONDS,
    }
