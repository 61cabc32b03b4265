from django.contrib import admin

from .models import HospitalStay


@admin.register(HospitalStay)
class HospitalStayAdmin(admin.ModelAdmin):
    list_display = ["pk", "hospital", "status", "admitted_at", "ready_on", "discharged_at"]
    list_filter = ["status", "psychiatric"]
    raw_id_fields = ["person", "case"]
