from django.contrib import admin

from .models import KprBatch, RegisterContact


@admin.register(RegisterContact)
class RegisterContactAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "phone", "municipality"]
    list_filter = ["municipality", "kind"]


@admin.register(KprBatch)
class KprBatchAdmin(admin.ModelAdmin):
    """Read-only: what was sent to the register is a record, not something to edit."""

    list_display = ["pk", "municipality", "created_at", "created_by", "notifications",
                    "sent_at", "file_name"]
    list_filter = ["municipality"]
    readonly_fields = [f.name for f in KprBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
