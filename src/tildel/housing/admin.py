from django.contrib import admin

from .models import (
    BpaArrangement,
    IndividualPlan,
    RespiteHome,
    RespitePlan,
    RespiteStay,
    RotaShift,
)


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


@admin.register(RespiteHome)
class RespiteHomeAdmin(admin.ModelAdmin):
    """Registers a respite unit as a home; beds and cycle are changed on the Avlastning
    screen afterwards, where the running plans are checked against them."""

    list_display = ["unit", "beds", "cycle_weeks", "cycle_start"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "beds", "cycle_weeks", "cycle_start"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            from tildel.organisation.models import ProviderKind, ProviderUnit

            kwargs["queryset"] = ProviderUnit.objects.filter(kind=ProviderKind.RESPITE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RespiteStayInline(admin.TabularInline):
    model = RespiteStay
    extra = 0


@admin.register(RespitePlan)
class RespitePlanAdmin(admin.ModelAdmin):
    """Read-only: stays are checked against the rota and beds on the Avlastning screen."""

    list_display = ["pk", "home", "version", "changed_at"]
    readonly_fields = ["line", "home", "version", "changed_at", "changed_by"]
    inlines = [RespiteStayInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
