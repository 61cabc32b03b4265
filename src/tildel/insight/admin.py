from django.contrib import admin

from .models import CoercionDecision, NeedsGroupingVersion, Population, UnitStaffing


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "district", "year", "age_band", "inhabitants"]
    list_filter = ["year", "age_band", "municipality"]


@admin.register(UnitStaffing)
class UnitStaffingAdmin(admin.ModelAdmin):
    list_display = ["provider_unit", "month", "rostered_hours", "fte", "one_to_one_measures"]
    list_filter = ["provider_unit"]
    date_hierarchy = "month"


@admin.register(NeedsGroupingVersion)
class NeedsGroupingVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "valid_from", "medium_from", "extensive_from"]


@admin.register(CoercionDecision)
class CoercionDecisionAdmin(admin.ModelAdmin):
    list_display = ["person", "provider_unit", "decided_on", "valid_from", "valid_to",
                    "measures", "reviewed_by_authority_on"]
    list_filter = ["provider_unit"]
    list_select_related = ["person", "provider_unit"]
