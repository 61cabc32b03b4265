from django.contrib import admin

from .models import RotaShift


@admin.register(RotaShift)
class RotaShiftAdmin(admin.ModelAdmin):
    list_display = ["unit", "position", "weekday", "start", "end"]
    list_filter = ["unit"]
