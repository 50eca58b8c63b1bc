"""The public pages search engines should find, each in every language with its alternates."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from countries.models import Country, Region
from meetings.models import CallToAction, Meeting
from practices.models import Practice, PracticeTranslation


class MultilingualSitemap(Sitemap):
    # Each page once per language, naming the other languages and the address without a
    # language (x-default), which sends a visitor to the page in their own language.
    i18n = True
    alternates = True
    x_default = True


# The pages the footer links, on every page.
FOOTER_PAGES = ["about", "accessibility", "privacy", "terms", "contact"]


class PageSitemap(MultilingualSitemap):
    def items(self):
        pages = ["home", "practices:browse", "countries:region_map", "practices:open_data", "meetings:meeting_list", *FOOTER_PAGES]
        # The Call to Action page exists once the Call to Action is recorded.
        return pages + ["meetings:call_to_action"] if CallToAction.objects.exists() else pages

    def location(self, item):
        return reverse(item)


class CountrySitemap(MultilingualSitemap):
    def items(self):
        return Country.objects.participating().order_by("iso2").only("iso2")

    def location(self, country):
        return reverse("countries:country_detail", kwargs={"iso2": country.iso2})


class RegionSitemap(MultilingualSitemap):
    def items(self):
        return Region.objects.order_by("code").only("slug")

    def location(self, region):
        return reverse("countries:region_detail", kwargs={"slug": region.slug})


class MeetingSitemap(MultilingualSitemap):
    def items(self):
        return Meeting.objects.public().order_by("starts_at").only("slug")

    def location(self, meeting):
        return reverse("meetings:meeting_detail", kwargs={"slug": meeting.slug})


class PracticeSitemap(MultilingualSitemap):
    # Each language's page of a practice gives its translation into that language once ITC publishes one:
    # the page changed then too.
    def items(self):
        translated = PracticeTranslation.objects.public().filter(practice=OuterRef("pk")).order_by().values("practice")
        last_translated = Subquery(translated.annotate(last=Max("decided_at")).values("last"))
        return (
            Practice.objects.published()
            .annotate(changed_at=Greatest("published_at", Coalesce(last_translated, "published_at")))
            .order_by("pk")
            .only("pk")
        )

    def location(self, practice):
        return reverse("practices:practice_detail", kwargs={"pk": practice.pk})

    def lastmod(self, practice):
        return practice.changed_at


SITEMAPS = {"pages": PageSitemap, "meetings": MeetingSitemap, "regions": RegionSitemap, "countries": CountrySitemap, "practices": PracticeSitemap}
