from django.db import migrations, models

from tildel.catalogue.data import seed


def add_services_and_mark(apps, schema_editor):
    seed.load(apps)  # adds the new local services; existing ones are left as they are
    Service = apps.get_model("catalogue", "Service")
    Service.objects.filter(code__in=seed.PATHWAY_REQUIRED).update(pathway_required=True)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_second_signature")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="pathway_required",
            field=models.BooleanField(
                default=False,
                help_text="Rapport 000 (L3212-3216): hverdagsrehabilitering, "
                          "velferdsteknologi, sykepleieklinikk, fysio- og ergoterapi skal "
                          "kodes inn i et forløp.",
                verbose_name="skal registreres i pasientforløp"),
        ),
        migrations.AddField(
            model_name="historicalservice",
            name="pathway_required",
            field=models.BooleanField(
                default=False,
                help_text="Rapport 000 (L3212-3216): hverdagsrehabilitering, "
                          "velferdsteknologi, sykepleieklinikk, fysio- og ergoterapi skal "
                          "kodes inn i et forløp.",
                verbose_name="skal registreres i pasientforløp"),
        ),
        migrations.RunPython(add_services_and_mark, migrations.RunPython.noop),
    ]
