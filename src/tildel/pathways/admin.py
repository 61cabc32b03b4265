from django.contrib import admin

from .models import PathwaySettings


@admin.register(PathwaySettings)
class PathwaySettingsAdmin(admin.ModelAdmin):
    """Forløpsinnstillinger per allocation office: horizons, the 14-day decision rule,
    course length and the data-quality alert thresholds."""

    list_display = ["allocation_office", "zero_days", "one_days", "two_months", "three_days",
                    "decision_after_days", "late_closure_days", "course_weeks"]
