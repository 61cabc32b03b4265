from django.contrib import admin

from .models import Deviation, Institution, Occupancy, Place, WaitingListEntry


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "seller"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["label", "institution", "kind", "opened_on", "closed_on"]
    list_filter = ["kind", "institution"]


@admin.register(Occupancy)
class OccupancyAdmin(admin.ModelAdmin):
    list_display = ["pk", "institution", "place", "kind", "start", "end"]
    raw_id_fields = ["person", "place", "created_by"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = ["pk", "list", "priority", "qualified_on", "status"]
    list_filter = ["list", "status"]
    raw_id_fields = ["person", "occupancy", "created_by"]


@admin.register(Deviation)
class DeviationAdmin(admin.ModelAdmin):
    list_display = ["kind", "occurred_on", "institution"]
    raw_id_fields = ["person", "registered_by"]
