"""Figures: what the public pages count over every practice, kept until anything public changes
(countries.pagecache.memoized, shared between workers and recounted by the task worker after each
public change: smeplatform.warm), and the review work's, for ITC staff."""

from statistics import median

from django.db.models import Count, F, Value
from django.utils import timezone

from countries import pagecache
from countries.models import Country

from .models import Practice, PracticeRevision

# The median over the most recent decisions: enough to be stable, bounded in cost.
RECENT_DECISIONS = 500


def moderation_figures():
    in_review = PracticeRevision.objects.filter(status__in=PracticeRevision.IN_REVIEW_STATUSES)
    oldest = in_review.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    decided = (
        PracticeRevision.objects.filter(decided_at__isnull=False, submitted_at__isnull=False)
        .order_by("-decided_at")
        .values_list("submitted_at", "decided_at")[:RECENT_DECISIONS]
    )
    waits = [(decided_at - submitted_at).total_seconds() / 86400 for submitted_at, decided_at in decided]
    return {
        "open_reviews": in_review.count(),
        "oldest_waiting_days": (timezone.now() - oldest).days if oldest else None,
        "median_days_to_decision": round(median(waits), 1) if waits else None,
        "decisions_counted": len(waits),
    }


def _coverage(published):
    """How many countries, and in how many M49 regions, own or co-own a published practice: one query."""
    # Practice.countries holds owner and co-owners alike.
    covered = Country.objects.filter(listed_practices__in=published)
    return covered.aggregate(countries=Count("pk", distinct=True), regions=Count("region", distinct=True))


def _count_public_figures():
    published = Practice.objects.published()
    coverage = _coverage(published)
    return {
        "participating_count": Country.objects.participating().count(),
        "published_count": published.count(),
        "countries_covered": coverage["countries"],
        "regions_covered": coverage["regions"],
    }


def public_figures():
    """The home page's figures, of the current content generation."""
    return pagecache.memoized("home-figures", _count_public_figures, shared=True)


REGION_LEVELS = ("region", "subregion", "intermediate_region")


class PracticeCounts:
    """Published practices per country and per region (any level), counted in the database.

    A practice shared by two countries counts for each of them, and once for a region holding
    both. Two queries whatever the number of practices.
    """

    def __init__(self):
        listed = Practice.countries.through.objects.filter(**Practice.objects.public_lookup("practice"))
        parts = [
            listed.annotate(kind=Value(kind), place=F(path)).values("kind", "place").annotate(n=counted).order_by()
            for kind, path, counted in (
                ("country", "country", Count("*")),
                *((("region", f"country__{level}", Count("practice", distinct=True)) for level in REGION_LEVELS)),
            )
        ]
        self.per_country, self.per_region = {}, {}
        for kind, place, n in parts[0].union(*parts[1:], all=True).values_list("kind", "place", "n"):
            if place is not None:
                (self.per_country if kind == "country" else self.per_region)[place] = n

    @classmethod
    def current(cls):
        """The counts of the current content generation."""
        return pagecache.memoized("practice-counts", cls, shared=True)

    def figures(self, countries, region):
        """Set country.practice_count on each country; the figures of the region they make up."""
        for country in countries:
            country.practice_count = self.per_country.get(country.pk, 0)
        return {
            "countries": len(countries),
            "participating": sum(1 for country in countries if country.is_participating),
            "practices": self.per_region.get(region.pk, 0),
        }
