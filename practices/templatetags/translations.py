"""{% practice_translations practice country %}, {% translations_waiting as … %} and {% ask_for_translation reading %}:
translations on pages that are not theirs.

The workspace page of a practice lists its translations and offers to start one; the staff
dashboard counts those waiting for review; the public practice page lets a signed-in reader ask
for it in another language. These views belong to others: the tags bring what they need
(practices/translation_views.py).
"""

from django import template

from practices.models import PracticeTranslation
from practices.translation_views import asking_for_translation, workspace_section

register = template.Library()


@register.inclusion_tag("practices/translations/_workspace_section.html", takes_context=True)
def practice_translations(context, practice, country):
    return {**workspace_section(context["request"].user, practice, country), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def translations_waiting():
    """How many translations wait for ITC's review."""
    return PracticeTranslation.objects.filter(status__in=PracticeTranslation.IN_REVIEW_STATUSES).count()


@register.inclusion_tag("practices/translations/_ask.html", takes_context=True)
def ask_for_translation(context, reading):
    """The practice page's requests for a translation, for a signed-in reader (outside the page's kept fragment)."""
    languages = asking_for_translation(context["request"].user, reading)
    return {"practice": reading.practice, "languages": languages, "csrf_token": context.get("csrf_token")}
