"""The default needs grouping as a row, so the admin shows it and a municipality can add a
later version beside it (report 003 does not define the grouping; docs/insight.md)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

NOTE = ("Tildels standard: gjennomsnitt av relevante funksjonsskårer (1–5, 9 utelatt). "
        "Under 2,5 noe/avgrenset, 2,5–3,5 middels til stort, 3,5 og over omfattende. "
        "Rapport 003 (L542-555) definerer ikke grupperingen.")


def add_default(apps, schema_editor):
    version = apps.get_model("insight", "NeedsGroupingVersion")
    version.objects.get_or_create(version="tildel-1", defaults={
        "valid_from": dt.date(2000, 1, 1), "medium_from": Decimal("2.5"),
        "extensive_from": Decimal("3.5"), "note": NOTE})


def remove_default(apps, schema_editor):
    apps.get_model("insight", "NeedsGroupingVersion").objects.filter(
        version="tildel-1").delete()


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]
    operations = [migrations.RunPython(add_default, remove_default)]
