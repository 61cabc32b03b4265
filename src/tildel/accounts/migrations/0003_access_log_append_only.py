"""The database itself refuses updates of the access log (tilgangslogg), on both engines.

Deletes stay possible at the database level only for the demo reset and retention jobs
run by an operator; the application refuses them (AppendOnlyQuerySet).
"""

from django.db import migrations

TABLE = "accounts_accesslogentry"

SQLITE_UP = f"""
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'tilgangsloggen kan ikke endres'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS access_log_no_update;"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION access_log_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'tilgangsloggen kan ikke endres'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION access_log_refuse_update();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS access_log_no_update ON {TABLE};
DROP FUNCTION IF EXISTS access_log_refuse_update();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
