"""Browsing the published practices: one filter set for the browse page, its exports, feeds and the API.

Every filter takes several values (any of them matches) and filters combine (all must match).
A value that is not known is left out with a message, never an error page. Each filter's values
come with the number of practices they would give within the rest of the selection (facets).
"""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from countries.models import Country, Region

from . import search
from .models import EvidenceLabel, ImplementationStatus, InstrumentType, Language, Level, Practice, TargetGroup, Theme

PracticeCountry = Practice.countries.through
SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest first"),
    "title": _("Title"),
}


def _in_places(queryset, lookup, values):
    """Practices owned or co-owned by a country matching `lookup` in `values` (no duplicate rows)."""
    if not values:
        return queryset
    places = PracticeCountry.objects.filter(practice=OuterRef("pk"), **{f"country__{lookup}__in": values})
    return queryset.filter(Exists(places))


class Vocabulary:
    """The names of every region, country and term a filter may take, in the reader's language.

    Read once per request (five queries), for checking the values and for labelling them.
    """

    def __init__(self):
        regions = list(Region.objects.all())
        self.names = {
            "region": {region.slug: region.name for region in regions if region.level == Region.Level.REGION},
            "subregion": {region.slug: region.name for region in regions if region.level != Region.Level.REGION},
            "country": {country.iso2: country.name for country in Country.objects.only("iso2", "name_en", "name_fr", "name_es")},
        }
        self.parents = {region.slug: region.parent_id for region in regions}
        self.region_ids = {region.pk: region.slug for region in regions}
        for name, model in (("theme", Theme), ("instrument", InstrumentType), ("target", TargetGroup)):
            # Ordered as staff arranged them; terms no longer offered stay findable.
            self.names[name] = {term.slug: term.name for term in model.objects.all()}


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1950, max_value=2100, **kwargs)
        self.error_messages["invalid"] = _("Write a year, such as 2020.")


class YearFilter(django_filters.Filter):
    field_class = YearField


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_words", label=_("Words"), max_length=search.MAX_QUERY_LENGTH)
    region = django_filters.MultipleChoiceFilter(method="filter_region", label=_("Region"))
    subregion = django_filters.MultipleChoiceFilter(method="filter_region", label=_("Sub-region"))
    country = django_filters.MultipleChoiceFilter(method="filter_country", label=_("Country"))
    theme = django_filters.MultipleChoiceFilter(field_name="themes__slug", method="filter_term", label=_("Theme"))
    instrument = django_filters.MultipleChoiceFilter(field_name="instruments__slug", method="filter_term", label=_("Instrument type"))
    target = django_filters.MultipleChoiceFilter(field_name="target_groups__slug", method="filter_term", label=_("Target group"))
    level = django_filters.MultipleChoiceFilter(choices=Level.choices, label=_("Level"))
    status = django_filters.MultipleChoiceFilter(field_name="implementation_status", choices=ImplementationStatus.choices, label=_("Implementation status"))
    evidence = django_filters.MultipleChoiceFilter(field_name="evidence_label", choices=EvidenceLabel.choices, label=_("Evidence"))
    language = django_filters.MultipleChoiceFilter(field_name="original_language", choices=Language.choices, label=_("Original language"))
    year_from = YearFilter(method="filter_year_from", label=_("Running in or after"))
    year_to = YearFilter(method="filter_year_to", label=_("Running in or before"))
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method="filter_nothing", label=_("Sort by"), empty_label=None)

    # The filters whose values are listed with counts, in the order the page shows them.
    FACETS = ("region", "subregion", "country", "theme", "instrument", "target", "level", "status", "evidence", "language")

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data=None, *args, language="en", vocabulary=None, **kwargs):
        self.language = language
        self.vocabulary = vocabulary or Vocabulary()
        if data is not None and "country" in data:
            data = data.copy()
            data.setlist("country", [value.upper() for value in data.getlist("country")])
        super().__init__(data, *args, **kwargs)
        for name in ("region", "subregion", "country", "theme", "instrument", "target"):
            self.filters[name].extra["choices"] = [(value, value) for value in self.vocabulary.names[name]]

    # --- The filters ---

    def filter_words(self, queryset, name, value):
        value = value.strip()
        return search.matching(queryset, value, self.language) if value else queryset

    def filter_region(self, queryset, name, values):
        # A region at any level: its countries are those whose region, sub-region or intermediate region it is.
        if not values:
            return queryset
        places = PracticeCountry.objects.filter(practice=OuterRef("pk")).filter(
            Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__region")))
            | Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__subregion")))
            | Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__intermediate_region")))
        )
        return queryset.filter(Exists(places))

    def filter_country(self, queryset, name, values):
        return _in_places(queryset, "iso2", [value.upper() for value in values])

    def filter_term(self, queryset, name, values):
        if not values:
            return queryset
        through = getattr(Practice, name.split("__")[0]).through
        term_field = {"themes": "theme", "instruments": "instrumenttype", "target_groups": "targetgroup"}[name.split("__")[0]]
        return queryset.filter(Exists(through.objects.filter(practice=OuterRef("pk"), **{f"{term_field}__slug__in": values})))

    def filter_year_from(self, queryset, name, value):
        # Still running in that year (or later): no end year, or ending then or after.
        if value is None:
            return queryset
        return queryset.exclude(end_year__lt=value)

    def filter_year_to(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(start_year__gt=value)

    def filter_nothing(self, queryset, name, value):
        return queryset

    # --- What the page needs besides the results ---

    @property
    def cleaned(self):
        """The valid values asked for ({} when nothing was asked)."""
        if not self.is_bound:
            return {}
        self.errors  # validates the form
        return self.form.cleaned_data

    @property
    def words(self):
        return (self.cleaned.get("q") or "").strip()

    @property
    def sort_order(self):
        chosen = self.cleaned.get("sort")
        if chosen in SORTS and (chosen != "relevance" or self.words):
            return chosen
        return "relevance" if self.words else "newest"

    def ordered(self):
        """The results in the chosen order (relevance needs words; without them, newest first)."""
        queryset = self.qs
        order = self.sort_order
        if order == "relevance" and search.full_text_available():
            return queryset.order_by("-rank", "-published_at", "pk")
        if order == "title":
            return queryset.order_by("title", "pk")
        return queryset.order_by("-published_at", "-pk")

    def without(self, excluded):
        """The selection with every filter but `excluded` applied: what a facet's counts are taken in."""
        queryset = self.queryset.all()
        for name, value in self.cleaned.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self):
        """{facet: {value: count}} within the rest of the selection; one query per facet."""
        counts = {}
        for facet in self.FACETS:
            base = self.without(facet).values("pk")
            if facet in ("region", "subregion", "country"):
                rows = self._place_counts(facet, base)
            elif facet in ("theme", "instrument", "target"):
                relation = {"theme": "themes", "instrument": "instruments", "target": "target_groups"}[facet]
                rows = (
                    Practice.objects.filter(pk__in=base)
                    .values_list(f"{relation}__slug")
                    .annotate(n=Count("pk", distinct=True))
                    .order_by()
                )
            else:
                field = self.filters[facet].field_name
                rows = Practice.objects.filter(pk__in=base).values_list(field).annotate(n=Count("pk")).order_by()
            counts[facet] = {value: n for value, n in rows if value not in (None, "")}
        return counts

    def _place_counts(self, facet, base):
        through = PracticeCountry.objects.filter(practice__in=base)
        if facet == "country":
            return through.values_list("country__iso2").annotate(n=Count("practice", distinct=True)).order_by()
        if facet == "region":
            return through.values_list("country__region__slug").annotate(n=Count("practice", distinct=True)).order_by()
        # Sub-regions and intermediate regions in one list of counts.
        counts = {}
        for lookup in ("country__subregion__slug", "country__intermediate_region__slug"):
            for value, n in through.values_list(lookup).annotate(n=Count("practice", distinct=True)).order_by():
                counts[value] = n
        return counts.items()
