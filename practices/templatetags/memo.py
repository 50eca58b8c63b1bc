"""{% memo "name" part … %}…{% endmemo %}: HTML rendered once, then kept until anything public changes.

The enclosed template is rendered once per language and parts in each worker, and kept like the data
memos (countries.pagecache.memoized: under the content generation, for PAGE_CACHE_SECONDS at most,
not at all with DATA_CACHE=false). Only for what every reader sees alike: whatever else the enclosed
part shows (the reader's role, the host) must be among the parts.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from countries import pagecache

register = template.Library()


class MemoNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        parts = tuple(part.resolve(context) for part in self.parts)
        return mark_safe(pagecache.memoized("fragment", lambda: self.nodelist.render(context), get_language(), *parts))


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs a name: {% memo \"name\" part … %}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])
