"""State changes of the community's record: each a guarded, atomic function that writes a RecordEvent.

Every function takes the acting user as `by`, checks that they may act and that the object is in a
state the change starts from, and raises PermissionDenied or ValidationError otherwise, changing
nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401
from django.db import transaction  # noqa: F401

from .models import RecordEvent


def record(action, *, by, country=None, meeting=None, story=None, from_status="", to_status="", note=""):
    return RecordEvent.objects.create(
        action=action, actor=by, country=country, meeting=meeting, story=story, from_status=from_status, to_status=to_status, note=note
    )


# --- Meetings ---


# --- The Call to Action ---
