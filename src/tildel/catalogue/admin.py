"""Catalogue administration: existing versions are read-only; a change is a new version."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from .models import Measure, NationalServiceType, Service, ServiceVersion, TimeNorm
from .versioning import add_version


@admin.register(NationalServiceType)
class NationalServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "retired", "retired_note"]
    list_filter = ["retired"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewVersionFormSet(BaseInlineFormSet):
    """A new version must start after the latest existing one (history is appended to)."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        latest = self.model.objects.filter(**{self.fk.name: self.instance}).order_by(
            "-valid_from").first()
        for form in self.extra_forms:
            start = form.cleaned_data.get("valid_from") if form.has_changed() else None
            if start and latest and start <= latest.valid_from:
                form.add_error("valid_from", ValidationError(
                    "Ny versjon må gjelde fra en dato etter forrige versjon "
                    f"({latest.valid_from:%d.%m.%Y})."))


class AppendOnlyVersionInline(admin.TabularInline):
    """Shows every version; only a new one can be added, existing ones never change."""

    formset = NewVersionFormSet
    extra = 0
    can_delete = False
    owner_field = ""

    def has_change_permission(self, request, obj=None):
        return False


class ServiceVersionInline(AppendOnlyVersionInline):
    model = ServiceVersion
    owner_field = "service"
    fields = ["valid_from", "valid_to", "name", "care_level", "legal_basis",
              "decision_required", "chargeable", "revision_interval_months", "extent_unit"]
    readonly_fields = ["valid_to"]


class TimeNormInline(AppendOnlyVersionInline):
    model = TimeNorm
    owner_field = "measure"
    fields = ["valid_from", "valid_to", "minutes"]
    readonly_fields = ["valid_to"]


class VersionedOwnerAdmin(SimpleHistoryAdmin):
    """Saves new inline versions through :func:`add_version`, closing the previous one."""

    def save_formset(self, request, form, formset, change):
        inline = formset.model
        owner_field = {ServiceVersion: "service", TimeNorm: "measure"}.get(inline)
        if owner_field is None:
            return super().save_formset(request, form, formset, change)
        for version in formset.save(commit=False):
            if version.pk is None:
                add_version(version, owner_field=owner_field)
        formset.save_m2m()


@admin.register(Service)
class ServiceAdmin(VersionedOwnerAdmin):
    list_display = ["code", "current_name", "national_type", "is_local"]
    list_filter = ["is_local", "national_type__retired"]
    inlines = [ServiceVersionInline]

    @admin.display(description="navn")
    def current_name(self, obj):
        return str(obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Measure)
class MeasureAdmin(VersionedOwnerAdmin):
    list_display = ["name", "service"]
    list_filter = ["service"]
    inlines = [TimeNormInline]

    def has_delete_permission(self, request, obj=None):
        return False
