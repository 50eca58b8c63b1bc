"""After a public change, the task worker computes the costly shared counts of the new generation.

A change visitors can see renews the content generation (smeplatform.pagecache); the first request
after it would otherwise count every practice for the browse page's filters (half a second at
100,000 practices), the map and the home page. The task worker does it instead, once, and stores
the counts in the shared cache where every web worker finds them. Nothing to do without the data
cache (DATA_CACHE=false).
"""

from django.conf import settings
from django.tasks import task
from django.utils import translation


@task
def warm_public_memos():
    if not settings.DATA_CACHE:
        return
    from countries.views import PracticeCounts
    from practices.filters import PracticeFilter
    from practices.models import Practice
    from smeplatform.views import home_figures

    PracticeCounts.current()
    home_figures()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # The browse page without a query, in each language (its filters' counts and the result count).
            PracticeFilter(None, queryset=Practice.objects.published(), language=language).facet_counts()
