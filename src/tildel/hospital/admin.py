from django.contrib import admin

from .models import DischargeRate, HospitalStay


@admin.register(HospitalStay)
class HospitalStayAdmin(admin.ModelAdmin):
    list_display = ["pk", "hospital", "status", "admitted_at", "ready_on", "discharged_at"]
    list_filter = ["status", "psychiatric"]
    raw_id_fields = ["person", "case", "accepted_by"]


@admin.register(DischargeRate)
class DischargeRateAdmin(admin.ModelAdmin):
    list_display = ["year", "daily_rate", "source"]
