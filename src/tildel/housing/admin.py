from django.contrib import admin

from .models import BpaArrangement, IndividualPlan, RotaShift


@admin.register(RotaShift)
class RotaShiftAdmin(admin.ModelAdmin):
    list_display = ["unit", "position", "weekday", "start", "end"]
    list_filter = ["unit"]


@admin.register(IndividualPlan)
class IndividualPlanAdmin(admin.ModelAdmin):
    list_display = ["pk", "established_on", "ended_on"]
    raw_id_fields = ["person", "coordinator"]


@admin.register(BpaArrangement)
class BpaArrangementAdmin(admin.ModelAdmin):
    list_display = ["pk", "provider", "contract_from", "contract_to", "last_inspection"]
    raw_id_fields = ["line"]
