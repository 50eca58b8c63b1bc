from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AuditEvent, Country, Invitation, Membership, Region, User


class MembershipInline(admin.TabularInline):
    # Read-only here: team changes go through the product so they are checked and recorded.
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["country", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_en", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name_en", "name_fr", "name_es", "code"]
    list_select_related = ["parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
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
class MembershipAdmin(admin.ModelAdmin):
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
class InvitationAdmin(admin.ModelAdmin):
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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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
