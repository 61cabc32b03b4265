from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AccessLogEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "allocation_office",
                    "provider_unit", "is_active"]
    list_filter = ["role", "is_active", "allocation_office", "provider_unit"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Rolle og tilgang", {"fields": ["role", "municipalities", "allocation_office",
                                         "provider_unit"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "municipalities"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only. Searching by person happens on the log screen,
    so that fødselsnummer never travel in a URL."""

    list_display = ["at", "user", "role", "what", "purpose", "outcome"]
    list_filter = ["outcome", "role"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
