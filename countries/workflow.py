"""One workflow for every reviewed record: its states, its transitions, who may take each, one audit row.

Four kinds of record go through ITC's review: a practice's versions (and the practice itself, archived
and restored), uptake stories, meeting declarations (participations and presentations) and
endorsements of the Call to Action. Each declares its `Workflow` once, next to its services
(practices/services.py, meetings/services.py): the transitions, each with the states it leaves from,
the state it reaches, the access rule that says who may take it (countries/access.py), the audit action
it writes, whether a note is required, and which timestamps it sets. `Workflow.take` is the only code
that changes a reviewed record's status:

1. in one transaction, the record is re-read under a row lock (two clicks cannot both pass);
2. the access rule is asked (PermissionDenied otherwise), then the note, then the state;
3. the record's own checks run (`check`: "complete these fields first"), the status and stamps are
   saved, and the workflow's `audit` writes the one event (which queues its notifications to be sent
   after commit), then `then` applies what the transition means (publishing copies a version onto the
   practice).

`Workflow.possible(record, user)` lists the transitions a person may take now: the decision partial
(`templates/_decisions.html`, built by countries/decisions.py) offers only those, so a template never
compares a status itself.

Why our own module and not django-fsm-2 (with django-fsm-log): django-fsm-2 is well kept and its
`@transition(source, target, permission=...)` reads much like `Transition` here. But its transitions are
model methods that change the field in memory and leave locking, saving and the audit row to the
caller, so each service would still wrap every call in the same lock / check / save / record; and
django-fsm-log writes its own generic StateLog table, a second audit trail beside the review events
and meeting records that the history pages, notifications and the page cache read. This module is
the whole of that wrapping, about a hundred lines, with the states still plain `TextChoices` fields.
"""

from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import require


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple
    target: str
    allowed: Callable  # (user, record) -> bool: a rule of countries/access.py
    action: str  # the audit action written
    # The note the person gives: its form field, and the message when it is required but empty.
    note_field: str = "note"
    note_required: str = ""
    stamps: tuple = ()  # fields set to now, or to the person for "…_by" fields
    # When the record is in another state; formatted with %(status)s. A generic sentence by default.
    refused: str = ""


class Workflow:
    """The transitions of one model. `audit(record, transition, *, by, from_status, note)` writes the event;
    `related` is select_related when locking, for what the audit and the checks read."""

    registry = {}  # model -> its workflow, for `{% may_take %}`

    def __init__(self, model, *transitions, audit, related=()):
        self.model, self.audit, self.related = model, audit, related
        self.transitions = {transition.name: transition for transition in transitions}
        Workflow.registry[model] = self

    def __getitem__(self, name):
        return self.transitions[name]

    def possible(self, record, user):
        """The transitions `user` may take on `record` now, in their declared order."""
        return [t for t in self.transitions.values() if record.status in t.source and t.allowed(user, record)]

    def may(self, user, record, name):
        transition = self.transitions[name]
        return record.status in transition.source and transition.allowed(user, record)

    def lock(self, record):
        # Only the record's own row is locked: what it names (a meeting, which may be none) is only read.
        rows = self.model.objects.select_for_update(of=("self",))
        return (rows.select_related(*self.related) if self.related else rows).get(pk=record.pk)

    def take(self, record, name, *, by, note="", check=None, then=None):
        """Move `record` through the transition `name`; returns the record as saved.

        `name` may be a tuple of names (submit or resubmit): the first that leaves from the state the
        record is in once locked is taken.
        """
        note = (note or "").strip()
        with transaction.atomic():
            record = self.lock(record)
            names = (name,) if isinstance(name, str) else name
            transition = next((self.transitions[n] for n in names if record.status in self.transitions[n].source), self.transitions[names[0]])
            require(transition.allowed(by, record))
            if transition.note_required and not note:
                raise ValidationError({transition.note_field: transition.note_required})
            if record.status not in transition.source:
                refused = transition.refused or _("This is not possible while the status is “%(status)s”.")
                raise ValidationError(refused % {"status": record.get_status_display()})
            if check is not None:
                check(record)
            previous = record.status
            record.status = transition.target
            now = timezone.now()
            for stamp in transition.stamps:
                setattr(record, stamp, by if stamp.endswith("_by") else now)
            record.save(update_fields=["status", *transition.stamps])
            self.audit(record, transition, by=by, from_status=previous, note=note)
            if then is not None:
                then(record)
        return record
