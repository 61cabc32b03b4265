from django.db import migrations, models

# Services whose decisions need two signatures in the demo catalogue (report 004: some
# offices require the leader's signature on the most expensive services).
TWO_SIGNATURES = ["langtidsopphold", "bpa", "bolig"]


def mark(apps, schema_editor):
    ServiceVersion = apps.get_model("catalogue", "ServiceVersion")
    ServiceVersion.objects.filter(service__code__in=TWO_SIGNATURES).update(
        second_signature_required=True)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_seed_national_catalogue")]

    operations = [
        migrations.AddField(
            model_name="serviceversion",
            name="second_signature_required",
            field=models.BooleanField(
                default=False,
                help_text="Vedtak om tjenesten må signeres av to (report 004: "
                          "to-signaturordning).",
                verbose_name="krever andre signatur"),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
