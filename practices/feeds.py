"""Atom feeds of the published practices: the latest, per region, country or theme, and for any search.

Each feed is the browse page's selection for a query (a region's feed is the page filtered by that
region), its 30 most recently published practices first, titles and summaries in the feed's language
where ITC published a translation.
"""

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from countries.access import is_country_code
from countries.models import Country, Region

from . import opendata
from .filters import PracticeFilter
from .models import Practice, Theme
from .reading import attach_readings, with_reading

FEED_LENGTH = 30
# Characters XML 1.0 cannot hold: Django refuses to write them (an error page). Text pasted from a word
# processor, an imported spreadsheet or a search query may bring them; the feed leaves them out.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text):
    return NOT_IN_XML.sub("", str(text))


@dataclass
class Selection:
    """What a feed gives: a title, the browse page it mirrors, and the practices."""

    title: str
    link: str
    feed_url: str
    practices: list


def _selection(request, title, query):
    """The browse page's results for the query, latest published first, as a feed's selection."""
    language = get_language()
    filterset = PracticeFilter(query or None, queryset=Practice.objects.published(), language=language)
    # Like the browse page: a filter with a value it cannot take is left out, the others apply.
    practices = attach_readings(
        with_reading(filterset.qs.select_related("owner").prefetch_related("themes"), language).order_by("-published_at", "-pk")[:FEED_LENGTH]
    )
    base_url = request.build_absolute_uri("/").rstrip("/")
    for practice in practices:
        # The entry's id: the same in every language's feed.
        practice.stable_url = base_url + opendata.stable_path("practices:practice_detail", pk=practice.pk)
    browse = reverse("practices:browse")
    return Selection(
        title=title,
        link=f"{browse}?{query.urlencode()}" if query else browse,
        feed_url=request.get_full_path(),
        practices=practices,
    )


def _query(**values):
    query = QueryDict(mutable=True)
    query.update(values)
    return query


class PracticeFeed(Feed):
    feed_type = Atom1Feed
    author_name = opendata.PUBLISHER
    feed_copyright = f"{opendata.LICENCE} ({opendata.LICENCE_URL})"

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def title(self, selection):
        return _xml_text(_("%(feed)s · SME Policy Platform") % {"feed": selection.title})

    def link(self, selection):
        return selection.link

    def feed_url(self, selection):
        return selection.feed_url

    def subtitle(self, selection):
        return _("Best practices in SME policy, reviewed and published by ITC: the most recent first.")

    def items(self, selection):
        return selection.practices

    def item_title(self, practice):
        # Atom titles are plain text: the feed writer escapes them once, as it should.
        return _xml_text(practice.reading.title)

    def item_description(self, practice):
        # Written as escaped text: whatever a delegate typed reaches a feed reader as text, never as markup.
        return escape(_xml_text(practice.reading.summary))

    def item_link(self, practice):
        return reverse("practices:practice_detail", kwargs={"pk": practice.pk})

    def item_guid(self, practice):
        return practice.stable_url

    def item_pubdate(self, practice):
        return practice.first_published_at or practice.published_at

    def item_updateddate(self, practice):
        return practice.published_at

    def item_author_name(self, practice):
        return _xml_text(practice.owner.name)

    def item_categories(self, practice):
        return [_xml_text(theme.name) for theme in practice.themes.all()]


class LatestPracticesFeed(PracticeFeed):
    def get_object(self, request):
        return _selection(request, _("Latest practices"), QueryDict())


class RegionFeed(PracticeFeed):
    def get_object(self, request, slug):
        region = get_object_or_404(Region, slug=slug)
        # Regions and sub-regions are separate filters of the browse page.
        parameter = "region" if region.level == Region.Level.REGION else "subregion"
        return _selection(request, _("Practices in %(region)s") % {"region": region.name}, _query(**{parameter: region.slug}))


class CountryFeed(PracticeFeed):
    def get_object(self, request, iso2):
        if not is_country_code(iso2):
            raise Http404
        country = get_object_or_404(Country, iso2=iso2.upper())
        return _selection(request, _("Practices of %(country)s") % {"country": country.name}, _query(country=country.iso2))


class ThemeFeed(PracticeFeed):
    def get_object(self, request, slug):
        theme = get_object_or_404(Theme, slug=slug)
        return _selection(request, _("Practices on %(theme)s") % {"theme": theme.name}, _query(theme=theme.slug))


class SearchFeed(PracticeFeed):
    """Any query of the browse page; its order is the feed's (latest first), its page does not apply."""

    def get_object(self, request):
        query = request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        words = query.get("q", "").strip()
        if words:
            title = _("Practices matching “%(words)s”") % {"words": words[:200]}
        elif query:
            title = _("Practices matching your filters")
        else:
            title = _("Latest practices")
        return _selection(request, title, query)
