from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AllocationOffice, District, Municipality, ProviderUnit


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "number", "municipality"]
    list_filter = ["municipality"]


@admin.register(AllocationOffice)
class AllocationOfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    filter_horizontal = ["districts"]


@admin.register(ProviderUnit)
class ProviderUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "municipality", "organisation_number"]
    list_filter = ["kind", "municipality"]
    filter_horizontal = ["districts"]
