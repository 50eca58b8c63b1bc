"""ITC's decisions on reviewed records, offered and taken the same way for every kind of record.

A `Decisions` set names, for one workflow (countries/workflow.py), the decisions a moderator takes:
the transition, the URL that takes it, the service that does it and the form of what the moderator
writes (a note, a comment, a reason). From it come:

- `Decisions.view(name)`, the one decision view: it reads the form, calls the service, and either
  goes on (`after`, with a message) or says what was wrong: next to the field, on the record's own
  page (`page`) when it has one, else as a message on the page it came from (`back`);
- `{% decisions record %}` (countries/templatetags/decisions.py), the one decision partial
  (templates/includes/decisions.html): the forms of the decisions the person may take on the
  record now (`Workflow.possible`), as cards on a review page or compact in a table row;
- `show_errors` and `flash`, the one way a service's ValidationError reaches the person.

Every set registers itself by model, so the partial finds the set of any record it is given.
"""

from dataclasses import dataclass, field
from typing import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .access import staff_view


def show_errors(form, error):
    """Put a service's ValidationError next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash(request, error):
    """A service's ValidationError, as messages on the next page."""
    for message in error.messages:
        messages.error(request, message)


# What a moderator writes with a decision.


class NoForm(forms.Form):
    pass


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("The country's team reads this comment."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The country's team reads this reason."),
    )


@dataclass(frozen=True)
class Decision:
    name: str  # the workflow's transition
    url: str  # the URL name, taking the record's pk
    service: Callable  # service(record, by=user, **form.cleaned_data)
    label: str
    done: str  # the message once taken: %(record)s, %(country)s
    form: type = NoForm
    style: str = ""  # "button-secondary", "button-danger"
    initial: Callable = None  # record -> the form's initial values


@dataclass
class Offer:
    decision: Decision
    form: forms.Form
    url: str


@dataclass
class Decisions:
    workflow: object
    decisions: tuple
    queryset: Callable  # () -> the records decisions are taken on
    after: Callable  # (request, record) -> where to go once a decision is taken
    back: Callable  # (request, record) -> where to go when it is refused
    page: Callable = None  # (request, record, bound_form) -> the record's page, showing what was wrong in the form
    by_name: dict = field(init=False)

    registry = {}

    def __post_init__(self):
        self.by_name = {decision.name: decision for decision in self.decisions}
        Decisions.registry[self.workflow.model] = self

    def form(self, decision, record, data=None):
        initial = decision.initial(record) if decision.initial else None
        return decision.form(data, initial=initial, auto_id=f"{decision.name}-{record.pk}-%s")

    def offered(self, user, record, bound=None):
        """The decisions `user` may take on `record` now, each with its form (`bound` if it is that one's)."""
        possible = {transition.name for transition in self.workflow.possible(record, user)}
        offers = []
        for decision in self.decisions:
            if decision.name not in possible:
                continue
            form = bound if bound is not None and bound.decision == decision.name else self.form(decision, record)
            offers.append(Offer(decision, form, reverse(decision.url, args=[record.pk])))
        return offers

    def view(self, name):
        decision = self.by_name[name]

        @staff_view
        @require_POST
        def decide(request, pk):
            record = get_object_or_404(self.queryset(), pk=pk)
            form = self.form(decision, record, request.POST)
            form.decision = decision.name
            if form.is_valid():
                try:
                    decision.service(record, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    country = getattr(record, "country", None) or getattr(getattr(record, "practice", None), "owner", None)
                    messages.success(request, decision.done % {"record": record, "country": getattr(country, "name", "")})
                    return redirect(self.after(request, record))
            # What the moderator wrote is refused: shown next to the field, on the record's page. A refusal
            # of the decision itself (taken already, by someone else) is a message on the page it came from.
            if self.page is not None and any(name != NON_FIELD_ERRORS for name in form.errors):
                return self.page(request, record, form)
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(self.back(request, record))

        decide.__name__ = decide.__qualname__ = f"decide_{name}"
        return decide
