from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AuditEvent, Country, Invitation, Membership, Region, User


class CheckedChangeList(ChangeList):
    """The admin's lists, answering two queries Django would take to an error page as wrong lookups
    (a redirect with the admin's message): a NUL, which PostgreSQL cannot compare, and a date
    drill-down year of forty digits, whose overflow Django does not catch."""

    def get_filters(self, request):
        if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL in the query")
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class CheckedChangeListMixin:
    """For every ModelAdmin of the project."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList


class MembershipInline(admin.TabularInline):
    # Read-only here: team changes go through the product so they are checked and recorded.
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["country", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(CheckedChangeListMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "country", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "membership__role", "membership__country__region"]
    search_fields = ["email", "full_name", "membership__country__name_en"]
    list_select_related = ["membership__country"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "job_title"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    @admin.display(description=_("country"), ordering="membership__country__name_en")
    def country(self, user):
        membership = getattr(user, "membership", None)
        return membership.country if membership else "—"

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead (untick "active"): deleting would blank the author of their practices
        # and history and drop their membership with no record in the team's history.
        return False


@admin.register(Region)
class RegionAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ["name_en", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name_en", "name_fr", "name_es", "code"]
    list_select_related = ["parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Country)
class CountryAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ["name_en", "iso2", "iso3", "region", "subregion", "account_opened_at", "profile_updated_at"]
    list_filter = [("account_opened_at", admin.EmptyFieldListFilter), "region", "subregion", "is_ldc", "is_lldc", "is_sids"]
    search_fields = ["name_en", "name_fr", "name_es", "iso2", "iso3", "m49_code"]
    list_select_related = ["region", "subregion"]
    readonly_fields = [
        "m49_code", "iso2", "iso3", "name_en", "name_fr", "name_es", "region", "subregion", "intermediate_region",
        "is_ldc", "is_lldc", "is_sids", "account_opened_at", "profile_updated_at",
    ]
    fieldsets = [
        (_("M49 record"), {"fields": [
            "m49_code", "iso2", "iso3", "name_en", "name_fr", "name_es", "region", "subregion",
            "intermediate_region", "is_ldc", "is_lldc", "is_sids", "account_opened_at",
        ]}),
        (_("Public profile"), {"fields": [*Country.PROFILE_FIELDS, "profile_updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ["user", "country", "role", "created_at"]
    list_filter = ["role", "country__region"]
    search_fields = ["user__email", "user__full_name", "country__name_en", "country__iso2"]
    list_select_related = ["user", "country"]
    readonly_fields = ["user", "country", "role", "created_at"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.remove_member(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "country"):
            services.remove_member(membership, by=request.user)


@admin.register(Invitation)
class InvitationAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ["email", "country", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["status", "role", "country__region"]
    search_fields = ["email", "country__name_en", "country__iso2"]
    list_select_related = ["country", "invited_by"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "token_hash"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        # Invitations are sent from the product so the e-mail goes out and the change is recorded.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked from the product, which records it; the invitation's history stays.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(CheckedChangeListMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "country", "action", "subject"]
    list_filter = ["action", "country__region"]
    search_fields = ["subject", "actor__email", "country__name_en"]
    list_select_related = ["actor", "country"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
