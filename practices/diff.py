"""A readable, word-level comparison of two versions of a practice's content."""

import difflib
import re

from .models import CONTENT_FIELDS, RELATED_CONTENT_FIELDS, Practice
from .services import RELATED_MODELS

TOKENS = re.compile(r"\s+|[^\s]+")


def _as_text(field, value, names):
    if field in RELATED_CONTENT_FIELDS:
        return ", ".join(names.get((field, key), str(key)) for key in value or [])
    if field == "indicators":
        return "\n".join(f"{item.get('name')}: {item.get('value')} ({item.get('year') or '—'})" for item in value or [])
    if field == "links":
        return "\n".join(value or [])
    if value is None:
        return ""
    choices = Practice._meta.get_field(field).flatchoices
    if choices:
        # A choice reads as its label in the reader's language, not as its stored key.
        return str(dict(choices).get(value, value))
    return str(value).replace("\r\n", "\n")


def _segments(old, new):
    """[(kind, text)] with kind "same", "removed" or "added", word by word."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    segments = []
    for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if operation == "equal":
            segments.append(("same", "".join(before[a1:a2])))
            continue
        if operation in ("delete", "replace"):
            segments.append(("removed", "".join(before[a1:a2])))
        if operation in ("insert", "replace"):
            segments.append(("added", "".join(after[b1:b2])))
    return segments


def _names(*contents):
    """Readable names for the relation keys found in the contents."""
    names = {}
    for field, key in RELATED_CONTENT_FIELDS.items():
        wanted = set()
        for content in contents:
            wanted.update(content.get(field) or [])
        if not wanted:
            continue
        for obj in RELATED_MODELS[field].objects.filter(**{f"{key}__in": wanted}):
            names[(field, getattr(obj, key))] = obj.name if hasattr(obj, "name") else obj.title
    return names


def _item_segments(field, old, new, names):
    """A list of terms compared term by term: kept, removed and added names, never half-words."""
    before, after = list(old or []), list(new or [])
    segments = []
    for key in before + [key for key in after if key not in before]:
        kind = "same" if key in before and key in after else "removed" if key in before else "added"
        if segments:
            segments.append(("same", ", "))
        segments.append((kind, names.get((field, key), str(key))))
    return segments


def compare(old, new):
    """The changed fields between two contents: [{"field", "label", "segments"}]."""
    names = _names(old, new)
    changes = []
    for field in CONTENT_FIELDS:
        before = _as_text(field, old.get(field), names)
        after = _as_text(field, new.get(field), names)
        if before == after:
            continue
        if field in RELATED_CONTENT_FIELDS:
            segments = _item_segments(field, old.get(field), new.get(field), names)
        else:
            segments = _segments(before, after)
        changes.append({"field": field, "label": Practice._meta.get_field(field).verbose_name, "segments": segments})
    return changes
