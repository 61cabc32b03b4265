"""UnitChange and the triggers that write it (ADR 0021).

PostgreSQL: one trigger per statement. Visits are written in statements of millions of
rows (the import), so a visit statement writes one row for every unit (unit_id NULL)
instead of keeping every written row to find its units; the other tables' statements
are small and name their units from the rows they changed (transition tables).
TRUNCATE of any of the tables writes one row for every unit. SQLite has no statement
triggers (nor TRUNCATE): one trigger per row, naming its unit.

A later migration that alters one of these tables may drop its triggers on SQLite, where
Django rebuilds the table: ``tests/delivery/test_month_cache.py`` checks that every
trigger is in place, on both databases.
"""

from django.db import migrations, models

TABLES = {"line": "casework_serviceline", "decision": "casework_decision",
          "adjustment": "provision_adjustment", "pathway": "pathways_pathwayservice",
          "pathway_person": "pathways_pathway", "visit": "delivery_visit"}


def _decided_lines(rows: str) -> str:
    return (f"SELECT r.provider_unit_id FROM {rows} r JOIN casework_decision d "
            f"ON d.id = r.decision_id WHERE d.status = 'decided'")


def _planned(rows: str) -> str:
    return (f"SELECT sl.provider_unit_id FROM {rows} a JOIN casework_serviceline sl "
            f"ON sl.id = a.service_line_id WHERE a.planned_weekly_hours IS NOT NULL")


#: (what, event) → the units a PostgreSQL statement changed, from new_rows / old_rows
POSTGRES = {
    ("line", "INSERT"): _decided_lines("new_rows"),
    ("line", "UPDATE"): f"{_decided_lines('new_rows')} UNION {_decided_lines('old_rows')}",
    # A line of a draft (rewritten on every save of it) counts nowhere: only lines whose
    # decision is decided, or already gone, change the unit.
    ("line", "DELETE"): ("SELECT r.provider_unit_id FROM old_rows r LEFT JOIN "
                         "casework_decision d ON d.id = r.decision_id "
                         "WHERE d.id IS NULL OR d.status = 'decided'"),
    # Lines may be written before their decision (the foreign keys are checked at commit).
    ("decision", "INSERT"): (
        "SELECT sl.provider_unit_id FROM new_rows n "
        "JOIN casework_serviceline sl ON sl.decision_id = n.id WHERE n.status = 'decided'"),
    # Decided or annulled, or moved to another person (a rerun of the JSONL import).
    ("decision", "UPDATE"): (
        "SELECT sl.provider_unit_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN casework_serviceline sl ON sl.decision_id = n.id "
        "WHERE (n.status IS DISTINCT FROM o.status OR n.person_id IS DISTINCT FROM o.person_id) "
        "AND 'decided' IN (n.status, o.status)"),
    ("adjustment", "INSERT"): _planned("new_rows"),
    ("adjustment", "UPDATE"): f"{_planned('new_rows')} UNION {_planned('old_rows')}",
    ("adjustment", "DELETE"): _planned("old_rows"),
    ("pathway", "INSERT"): "SELECT provider_unit_id FROM new_rows",
    ("pathway", "UPDATE"): ("SELECT provider_unit_id FROM new_rows UNION "
                            "SELECT provider_unit_id FROM old_rows"),
    ("pathway", "DELETE"): "SELECT provider_unit_id FROM old_rows",
    ("pathway_person", "UPDATE"): (
        "SELECT ps.provider_unit_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN pathways_pathwayservice ps ON ps.pathway_id = n.id "
        "WHERE n.person_id IS DISTINCT FROM o.person_id"),
}
TRANSITIONS = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
               "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _sqlite_decided(row: str) -> str:
    return (f"SELECT {row}.provider_unit_id AS unit FROM casework_decision d "
            f"WHERE d.id = {row}.decision_id AND d.status = 'decided'")


def _sqlite_planned(row: str) -> str:
    return (f"SELECT sl.provider_unit_id AS unit FROM casework_serviceline sl "
            f"WHERE sl.id = {row}.service_line_id AND {row}.planned_weekly_hours IS NOT NULL")


#: (what, event) → the units one SQLite row changed, from NEW / OLD
SQLITE = {
    ("visit", "INSERT"): "SELECT NEW.provider_unit_id AS unit",
    ("visit", "UPDATE"): "SELECT NEW.provider_unit_id AS unit UNION SELECT OLD.provider_unit_id",
    ("visit", "DELETE"): "SELECT OLD.provider_unit_id AS unit",
    ("line", "INSERT"): _sqlite_decided("NEW"),
    ("line", "UPDATE"): f"{_sqlite_decided('NEW')} UNION {_sqlite_decided('OLD')}",
    ("line", "DELETE"): ("SELECT OLD.provider_unit_id AS unit WHERE NOT EXISTS (SELECT 1 FROM "
                         "casework_decision d WHERE d.id = OLD.decision_id "
                         "AND d.status IS NOT 'decided')"),
    ("decision", "INSERT"): (
        "SELECT sl.provider_unit_id AS unit FROM casework_serviceline sl "
        "WHERE sl.decision_id = NEW.id AND NEW.status = 'decided'"),
    ("decision", "UPDATE"): (
        "SELECT sl.provider_unit_id AS unit FROM casework_serviceline sl "
        "WHERE sl.decision_id = NEW.id "
        "AND (NEW.status IS NOT OLD.status OR NEW.person_id IS NOT OLD.person_id) "
        "AND 'decided' IN (NEW.status, OLD.status)"),
    ("adjustment", "INSERT"): _sqlite_planned("NEW"),
    ("adjustment", "UPDATE"): f"{_sqlite_planned('NEW')} UNION {_sqlite_planned('OLD')}",
    ("adjustment", "DELETE"): _sqlite_planned("OLD"),
    ("pathway", "INSERT"): "SELECT NEW.provider_unit_id AS unit",
    ("pathway", "UPDATE"): "SELECT NEW.provider_unit_id AS unit UNION SELECT OLD.provider_unit_id",
    ("pathway", "DELETE"): "SELECT OLD.provider_unit_id AS unit",
    ("pathway_person", "UPDATE"): (
        "SELECT ps.provider_unit_id AS unit FROM pathways_pathwayservice ps "
        "WHERE ps.pathway_id = NEW.id AND NEW.person_id IS NOT OLD.person_id"),
}
EVERY_UNIT = "tildel_unit_change_every_unit"


def _name(what: str, event: str) -> str:
    return f"tildel_unit_change_{what}_{event.lower()}"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for (what, event), units in POSTGRES.items():
            name = _name(what, event)
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO delivery_unitchange (unit_id) SELECT DISTINCT unit FROM "
                f"({units}) AS changed(unit) WHERE unit IS NOT NULL ORDER BY unit; "
                f"RETURN NULL; END $$")
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {TABLES[what]} "
                f"REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
        # Every unit: a statement on the visits, and TRUNCATE of any of the tables.
        schema_editor.execute(
            f"CREATE FUNCTION {EVERY_UNIT}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO delivery_unitchange (unit_id) VALUES (NULL); RETURN NULL; END $$")
        schema_editor.execute(
            f"CREATE TRIGGER {EVERY_UNIT} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON delivery_visit FOR EACH STATEMENT EXECUTE FUNCTION {EVERY_UNIT}()")
        for what, table in TABLES.items():
            if what != "visit":
                schema_editor.execute(
                    f"CREATE TRIGGER {_name(what, 'truncate')} AFTER TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {EVERY_UNIT}()")
    elif vendor == "sqlite":
        for (what, event), units in SQLITE.items():
            schema_editor.execute(
                f"CREATE TRIGGER {_name(what, event)} AFTER {event} ON {TABLES[what]} "
                f"FOR EACH ROW BEGIN INSERT INTO delivery_unitchange (unit_id) "
                f"SELECT DISTINCT unit FROM ({units}) WHERE unit IS NOT NULL; END")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for what, event in POSTGRES:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {_name(what, event)} ON {TABLES[what]}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_name(what, event)}()")
        for what, table in TABLES.items():
            if what != "visit":
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {_name(what, 'truncate')} ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVERY_UNIT} ON delivery_visit")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {EVERY_UNIT}()")
    elif vendor == "sqlite":
        for what, event in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(what, event)}")


class Migration(migrations.Migration):

    dependencies = [
        ("delivery", "0001_initial"),
        ("casework", "0010_score_index_in_unique"),
        ("provision", "0001_trust_model"),
        ("pathways", "0001_pathways_and_courses"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("unit_id", models.BigIntegerField(verbose_name="tjenesteenhet", null=True)),
            ],
            options={
                "verbose_name": "endring ved enhet",
                "verbose_name_plural": "endringer ved enhet",
                "indexes": [models.Index(fields=["unit_id", "id"], name="unit_change_by_unit")],
            },
        ),
        migrations.RunPython(install, remove),
    ]
