from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from countries.admin import CheckedChangeListMixin

from .models import InstrumentType, Practice, PracticeRevision, ReviewEvent, TargetGroup, Theme


class TaxonomyAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """Staff name the terms in the three languages; terms in use are retired, not deleted."""

    list_display = ["name_en", "name_fr", "name_es", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(TaxonomyAdmin):
    list_display = [*TaxonomyAdmin.list_display, "is_pillar"]
    list_filter = ["is_pillar", "is_active"]


admin.site.register(InstrumentType, TaxonomyAdmin)
admin.site.register(TargetGroup, TaxonomyAdmin)


class ReadOnlyAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    """Practices change only through the review workflow, which records every step."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "status", "evidence_label", "entered_by_itc", "published_at"]
    list_filter = ["status", "evidence_label", "level", "entered_by_itc", "owner__region", "themes"]
    search_fields = ["title", "summary", "owner__name_en"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"


@admin.register(PracticeRevision)
class PracticeRevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "practice", "number", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "practice__owner__region"]
    search_fields = ["practice__title", "practice__owner__name_en"]
    list_select_related = ["practice"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "practice", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    search_fields = ["practice__title", "note", "actor__email"]
    list_select_related = ["practice", "actor"]
    date_hierarchy = "created_at"
