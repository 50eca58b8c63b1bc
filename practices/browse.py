"""What the browse page shows beside the results: each filter's values with their counts, and the
filters in force (each with a link that removes it)."""

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

FACET_LABELS = {
    "region": _("Region"),
    "subregion": _("Sub-region"),
    "country": _("Country"),
    "theme": _("Theme"),
    "instrument": _("Instrument type"),
    "target": _("Target group"),
    "level": _("Level"),
    "status": _("Implementation status"),
    "evidence": _("Evidence"),
    "language": _("Original language"),
    "available": _("Available in"),
}


def _names(filterset, facet):
    if facet in filterset.vocabulary.names:
        return filterset.vocabulary.names[facet]
    return {str(value): label for value, label in filterset.filters[facet].extra["choices"]}


def _chosen(filterset, facet):
    return list(filterset.cleaned.get(facet) or [])


def browse_facets(filterset):
    """[{name, label, options: [{value, label, count, checked}]}]: values that give results, or are chosen."""
    counts = filterset.facet_counts()
    facets = []
    for facet in filterset.FACETS:
        chosen = set(_chosen(filterset, facet))
        names = _names(filterset, facet)
        options = [
            {"value": value, "label": label, "count": counts[facet].get(value, 0), "checked": value in chosen}
            for value, label in names.items()
            if counts[facet].get(value) or value in chosen
        ]
        if facet in ("country", "subregion"):
            options.sort(key=lambda option: option["label"])
        if options:
            facets.append({"name": facet, "label": FACET_LABELS[facet], "options": options, "open": bool(chosen)})
    return facets


def selected_filters(filterset):
    """[{label, value, remove_url}] for each value in force, the URL being the query without it."""
    if not filterset.is_bound:
        return []
    data = filterset.data
    selected = []
    for facet in filterset.FACETS:
        names = _names(filterset, facet)
        for value in _chosen(filterset, facet):
            remaining = [
                (key, item) for key in data for item in data.getlist(key) if key != "page" and not (key == facet and item == value)
            ]
            selected.append({"label": FACET_LABELS[facet], "value": names.get(value, value), "remove_url": "?" + urlencode(remaining)})
    cleaned = filterset.cleaned
    for key, label in (("year_from", _("Running in or after")), ("year_to", _("Running in or before")), ("q", _("Words"))):
        if cleaned.get(key):
            remaining = [(name, item) for name in data for item in data.getlist(name) if name not in (key, "page")]
            selected.append({"label": label, "value": cleaned[key], "remove_url": "?" + urlencode(remaining)})
    return selected
