"""The unit-change triggers name every unit in a bulk writer's session (tildel.bulkwrite).

PostgreSQL only: the functions of migration 0002 are replaced by ones that first look at
the session setting ``tildel.bulk_write``; when it is on, the statement names every unit
(one row, unit NULL), as a statement on the visits always does. The JSONL import of a city
spent 2 s finding the units of its lines and decisions.
"""

import importlib

from django.db import migrations

units = importlib.import_module("tildel.delivery.migrations.0002_unit_changes")
BULK = "tildel.bulk_write"


def _function(what: str, event: str, *, bulk: bool) -> str:
    name = units._name(what, event)
    found = units.UNITS[what, event].format(new="new_rows", old="old_rows")
    insert = (f"INSERT INTO delivery_unitchange (unit_id) {units._distinct(found)} "
              f"ORDER BY provider_unit_id")
    if bulk:
        insert = (f"IF current_setting('{BULK}', true) = 'on' THEN "
                  f"INSERT INTO delivery_unitchange (unit_id) VALUES (NULL); "
                  f"ELSE {insert}; END IF")
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {insert}; RETURN NULL; END $$")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for what, event in units.POSTGRES:
            schema_editor.execute(_function(what, event, bulk=True))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for what, event in units.POSTGRES:
            schema_editor.execute(_function(what, event, bulk=False))


class Migration(migrations.Migration):

    dependencies = [("delivery", "0002_unit_changes")]

    operations = [migrations.RunPython(install, remove)]
