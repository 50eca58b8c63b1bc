import markdown as markdown_library
import nh3
from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from practices.reading import readings_of_copies

register = template.Library()

# What a practice description may contain once rendered: text structure and links, no raw HTML.
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td"}


@register.filter
def markdown(text):
    """Markdown to sanitised HTML: raw HTML is escaped, then anything unsafe is removed."""
    if not text:
        return ""
    html = markdown_library.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    # Headings start at h3: the page already has its h1 and h2.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


@register.filter
def grouped(value):
    """A count with the thousands separator of the reader's language: 98,990 · 98 990 · 98.990."""
    return number_format(value, force_grouping=True)


@register.filter
def in_reader_language(practices):
    """The practices, each with its `reading` in the reader's language (practices/reading.py), from the
    annotations their query was given (PracticeTranslation.objects.reading_annotations): for the pages
    that may not import practices.reading (the country and region pages). Copies: the objects may be shared."""
    return readings_of_copies(practices)


@register.filter
def practices_in_reader_language(rows):
    """The same, for rows that name a practice (`row.practice`) and were annotated for it."""
    return readings_of_copies(rows, practice="practice")
