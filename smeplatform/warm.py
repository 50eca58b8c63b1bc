"""After a public change, the task worker computes the costly shared counts of the new generation.

A change visitors can see renews the content generation (countries.pagecache); the first request
after it would otherwise count every practice for the browse page's filters (half a second at
100,000 practices), the map and the home page. The task worker does it instead, once, and stores
the counts in the shared cache where every web worker finds them. Nothing to do without the data
cache (DATA_CACHE=false).
"""

from django.conf import settings
from django.tasks import task
from django.utils import translation

from practices.figures import PracticeCounts, public_figures
from practices.filters import PracticeFilter
from practices.models import Practice


def warm_after_a_public_change(sender, **kwargs):
    """Receiver of countries.pagecache.content_changed (connected in smeplatform.apps)."""
    if settings.DATA_CACHE:
        warm_public_memos.enqueue()


@task
def warm_public_memos():
    if not settings.DATA_CACHE:
        return
    PracticeCounts.current()
    public_figures()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # The browse page without a query, in each language (its filters' counts and the result count).
            PracticeFilter(None, queryset=Practice.objects.published(), language=language).facet_counts()
