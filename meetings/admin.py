"""The Call to Action's own record, kept by ITC staff in the admin: its text, mandates and deliverables.

Meetings, declarations, endorsements, deliverable progress and uptake stories change through the
staff pages, whose service functions record every step; here their status fields are read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from countries.admin import CheckedChangeListMixin

from .forms import CallToActionForm, DeliverableTextForm, MandateForm
from .models import CallToAction, Deliverable, Mandate


def language_fieldsets(fields):
    """One fieldset per language for the texts staff write in English, French and Spanish (meetings/forms.py)."""
    return [
        (_("English"), {"fields": list(fields)}),
        (_("French"), {"fields": [f"{field}_fr" for field in fields]}),
        (_("Spanish"), {"fields": [f"{field}_es" for field in fields]}),
    ]


class NoDeleteAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    # The record keeps what was: endorsements and stories point at it.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallToAction)
class CallToActionAdmin(NoDeleteAdmin):
    form = CallToActionForm
    list_display = ["title", "language", "adopted_on", "place", "endorsements_recorded_elsewhere"]
    fieldsets = [
        *language_fieldsets(CallToAction.TRANSLATED_FIELDS),
        (None, {"fields": ["slug", "adopted_on", "adopted_at", "place", "pillars", "endorsements_recorded_elsewhere"]}),
    ]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["pillars"]


class DeliverableInline(admin.StackedInline):
    model = Deliverable
    form = DeliverableTextForm
    extra = 0
    fieldsets = [*language_fieldsets(Deliverable.TRANSLATED_FIELDS), (None, {"fields": ["pillar", "position", "status", "progress"]})]
    # Progress changes on the staff page, which records it and keeps the timeline.
    readonly_fields = ["status", "progress"]
    can_delete = False


@admin.register(Mandate)
class MandateAdmin(NoDeleteAdmin):
    form = MandateForm
    list_display = ["title", "language", "kind", "call", "position"]
    list_filter = ["kind"]
    fieldsets = [(None, {"fields": ["call", "kind", "position"]}), *language_fieldsets(Mandate.TRANSLATED_FIELDS)]
    inlines = [DeliverableInline]
