"""Administration of casework configuration: routing, queues, settings, letter templates.

Cases and decisions are worked on in the screens, not here; the admin holds what an
administrator configures.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tildel.letters.defaults import default_template

from .models import Absence, ForumMeeting, LetterTemplate, OfficeSettings, RoutingRule, WorkQueue


@admin.register(OfficeSettings)
class OfficeSettingsAdmin(admin.ModelAdmin):
    list_display = ["allocation_office", "acknowledgement_working_days",
                    "decision_target_weeks", "digital_fallback_days"]


@admin.register(WorkQueue)
class WorkQueueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "allocation_office"]
    list_filter = ["kind", "allocation_office"]
    filter_horizontal = ["members"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "name", "allocation_office", "district", "birth_day_from",
                    "birth_day_to", "user_group", "service", "target_user", "target_queue",
                    "active"]
    list_filter = ["allocation_office", "active"]
    ordering = ["allocation_office", "priority"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "start", "end", "cover"]


@admin.register(ForumMeeting)
class ForumMeetingAdmin(admin.ModelAdmin):
    list_display = ["queue", "held_on"]


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    """Brevmaler. A template with a syntax error is refused with the line it is on."""

    form = LetterTemplateForm
    list_display = ["kind", "updated_at"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind")
        if kind:
            initial["body"] = default_template(kind)
        return initial
