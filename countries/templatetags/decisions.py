"""{% decisions record … %} and {% may_take record "name" as … %}: a template asks the workflow, never a status.

{% decisions record layout="cards" subject="…" back="…" %}: the decisions the person may take on a record now.

The one decision partial (templates/includes/decisions.html) for every reviewed record: the set of
decisions is found by the record's model (countries/decisions.py), and only the transitions the
workflow allows this person in the record's state are offered, so no template compares a status.
A form refused by the decision view comes back bound, as `decision_form`, with its errors.
"""

from django import template

from countries.decisions import Decisions
from countries.workflow import Workflow

register = template.Library()


@register.inclusion_tag("includes/decisions.html", takes_context=True)
def decisions(context, record, layout="cards", subject="", back=""):
    bound = context.get("decision_form")
    offers = Decisions.registry[type(record)].offered(context["request"].user, record, bound=bound)
    return {"offers": offers, "layout": layout, "subject": subject, "back": back, "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def may_take(context, record, transition):
    """{% may_take record "archive" as may_archive %}: whether the person may take that step on the record now."""
    return record is not None and Workflow.registry[type(record)].may(context["request"].user, record, transition)
