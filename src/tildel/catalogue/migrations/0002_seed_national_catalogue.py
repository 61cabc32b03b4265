"""Load code list 9151, the municipality's services and the ABI time norms."""

from django.db import migrations


def load_seed(apps, schema_editor):
    from tildel.catalogue.data.seed import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load_seed, migrations.RunPython.noop)]
