from django.conf import settings
from django.urls import translate_url

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
    }
