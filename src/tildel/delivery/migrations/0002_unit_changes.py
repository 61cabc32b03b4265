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


#: (what, event) → the units the changed rows ``{new}`` and ``{old}`` touch: the
#: statement's transition tables on PostgreSQL, the one row's NEW and OLD on SQLite
UNITS = {
    ("visit", "INSERT"): "SELECT provider_unit_id FROM {new}",
    ("visit", "UPDATE"): "SELECT provider_unit_id FROM {new} UNION "
                         "SELECT provider_unit_id FROM {old}",
    ("visit", "DELETE"): "SELECT provider_unit_id FROM {old}",
    ("line", "INSERT"): _decided_lines("{new}"),
    ("line", "UPDATE"): f"{_decided_lines('{new}')} UNION {_decided_lines('{old}')}",
    # A line of a draft (rewritten on every save of it) counts nowhere: only lines whose
    # decision is decided, or already gone, change the unit.
    ("line", "DELETE"): ("SELECT r.provider_unit_id FROM {old} r LEFT JOIN "
                         "casework_decision d ON d.id = r.decision_id "
                         "WHERE d.id IS NULL OR d.status = 'decided'"),
    # Lines may be written before their decision (the foreign keys are checked at commit).
    ("decision", "INSERT"): (
        "SELECT sl.provider_unit_id FROM {new} n "
        "JOIN casework_serviceline sl ON sl.decision_id = n.id WHERE n.status = 'decided'"),
    # Decided or annulled, or moved to another person (a rerun of the JSONL import).
    ("decision", "UPDATE"): (
        "SELECT sl.provider_unit_id FROM {new} n JOIN {old} o ON o.id = n.id "
        "JOIN casework_serviceline sl ON sl.decision_id = n.id "
        "WHERE (n.status IS DISTINCT FROM o.status OR n.person_id IS DISTINCT FROM o.person_id) "
        "AND 'decided' IN (n.status, o.status)"),
    ("adjustment", "INSERT"): _planned("{new}"),
    ("adjustment", "UPDATE"): f"{_planned('{new}')} UNION {_planned('{old}')}",
    ("adjustment", "DELETE"): _planned("{old}"),
    ("pathway", "INSERT"): "SELECT provider_unit_id FROM {new}",
    ("pathway", "UPDATE"): ("SELECT provider_unit_id FROM {new} UNION "
                            "SELECT provider_unit_id FROM {old}"),
    ("pathway", "DELETE"): "SELECT provider_unit_id FROM {old}",
    ("pathway_person", "UPDATE"): (
        "SELECT ps.provider_unit_id FROM {new} n JOIN {old} o ON o.id = n.id "
        "JOIN pathways_pathwayservice ps ON ps.pathway_id = n.id "
        "WHERE n.person_id IS DISTINCT FROM o.person_id"),
}
#: the columns the queries above read, per table (SQLite makes a one-row table of them)
COLUMNS = {"visit": ("provider_unit_id",), "line": ("decision_id", "provider_unit_id"),
           "decision": ("id", "status", "person_id"),
           "adjustment": ("service_line_id", "planned_weekly_hours"),
           "pathway": ("provider_unit_id",), "pathway_person": ("id", "person_id")}
TRANSITIONS = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
               "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
#: PostgreSQL: the visits (and TRUNCATE of any table) count for every unit
POSTGRES = [key for key in UNITS if key[0] != "visit"]
EVERY_UNIT = "tildel_unit_change_every_unit"


def _name(what: str, event: str) -> str:
    return f"tildel_unit_change_{what}_{event.lower()}"


def _distinct(units: str) -> str:
    """Each unit once (every query above names its column provider_unit_id)."""
    return (f"SELECT DISTINCT provider_unit_id FROM ({units}) AS changed "
            f"WHERE provider_unit_id IS NOT NULL")


def _sqlite_row(what: str, row: str) -> str:
    """One row of NEW or OLD as a table (SQLite triggers have no transition tables)."""
    return f"(SELECT {', '.join(f'{row}.{c} AS {c}' for c in COLUMNS[what])})"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for what, event in POSTGRES:
            name = _name(what, event)
            units = UNITS[what, event].format(new="new_rows", old="old_rows")
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO delivery_unitchange (unit_id) {_distinct(units)} "
                f"ORDER BY provider_unit_id; "
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
        for (what, event), units in UNITS.items():
            units = units.format(new=_sqlite_row(what, "NEW"), old=_sqlite_row(what, "OLD"))
            schema_editor.execute(
                f"CREATE TRIGGER {_name(what, event)} AFTER {event} ON {TABLES[what]} "
                f"FOR EACH ROW BEGIN INSERT INTO delivery_unitchange (unit_id) "
                f"{_distinct(units)}; END")


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
        for what, event in UNITS:
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
