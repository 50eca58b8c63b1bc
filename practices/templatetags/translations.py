"""{% practice_translations practice country %} and {% translations_waiting as … %}: translations on pages that are not theirs.

The workspace page of a practice lists its translations and offers to start one; the staff
dashboard counts those waiting for review. Both views belong to others: the tags bring what
they need (practices/translation_views.py).
"""

from django import template

from practices.models import PracticeTranslation
from practices.translation_views import workspace_section

register = template.Library()


@register.inclusion_tag("practices/translations/_workspace_section.html", takes_context=True)
def practice_translations(context, practice, country):
    return {**workspace_section(context["request"].user, practice, country), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def translations_waiting():
    """How many translations wait for ITC's review."""
    return PracticeTranslation.objects.filter(status__in=PracticeTranslation.IN_REVIEW_STATUSES).count()
