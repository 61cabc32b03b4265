from django.db import migrations

#: The search lists family-name matches in Norwegian alphabetical order, walking this
#: index and stopping after a page (tildel.people.search). Æ, Ø and Å are mapped after Z
#: (lower-case too: UPPER leaves them alone where the character type is "C") and compared
#: byte by byte, so the order does not depend on the database's collation.
#: SQLite needs nothing: its tables are small.
INDEX = "people_person_name_order"
KEY = "TRANSLATE(UPPER({column}::text), 'ÆØÅæøå', '[\\][\\]') COLLATE \"C\""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        f"(({KEY.format(column='family_name')}), ({KEY.format(column='given_name')}), id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_search_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
