"""The Call to Action's own record, kept by ITC staff in the admin: its text, mandates and deliverables.

Meetings, declarations, endorsements, deliverable progress and uptake stories change through the
staff pages, whose service functions record every step; here their status fields are read-only.
"""

from django.contrib import admin

from countries.admin import CheckedChangeListMixin

from .models import CallToAction, Deliverable, Mandate


class NoDeleteAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    # The record keeps what was: endorsements and stories point at it.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallToAction)
class CallToActionAdmin(NoDeleteAdmin):
    list_display = ["title", "adopted_on", "place", "endorsements_recorded_elsewhere"]
    fields = ["title", "slug", "text", "adopted_on", "adopted_at", "place", "pillars", "endorsements_recorded_elsewhere"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["pillars"]


class DeliverableInline(admin.StackedInline):
    model = Deliverable
    extra = 0
    fields = ["title", "description", "pillar", "position", "status", "progress"]
    # Progress changes on the staff page, which records it and keeps the timeline.
    readonly_fields = ["status", "progress"]
    can_delete = False


@admin.register(Mandate)
class MandateAdmin(NoDeleteAdmin):
    list_display = ["title", "kind", "call", "position"]
    list_filter = ["kind"]
    fields = ["call", "kind", "title", "description", "position"]
    inlines = [DeliverableInline]
