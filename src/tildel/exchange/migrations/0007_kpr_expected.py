"""Expected KPR events kept between exports, and the triggers that say whose to derive
again (ADR 0022).

Every write to what ``tildel.rules.kpr`` reads (granted lines of decided decisions, their
stops, a decision's status, person or signing, a person's identification or municipality)
adds a ``KprChange`` row naming the person, whatever writes it: the screens, the JSONL
import, plain SQL. A provider unit's organisation number or the service catalogue's codes
reach many persons: such a change names every person (no person) in every municipality,
as TRUNCATE of any of the tables does on PostgreSQL.

PostgreSQL: one trigger per statement, with its transition tables; in a session that has
turned on ``tildel.bulk_write`` (``tildel.bulkwrite``: the JSONL import) each statement
names everyone instead. SQLite: one per row.
A later migration that alters one of these tables may drop its triggers on SQLite, where
Django rebuilds the table: ``tests/exchange/test_kpr_store.py`` checks that every trigger
is in place, on both databases.
"""

from django.db import migrations, models

TABLES = {"person": "people_person", "decision": "casework_decision",
          "line": "casework_serviceline", "pause": "casework_servicepause",
          "unit": "organisation_providerunit", "service": "catalogue_service",
          "version": "catalogue_serviceversion"}


#: A row that names a person without a municipality is taken by the refresh of the
#: municipality the person belongs to then: looked up when the trigger fired, a person
#: moved in another transaction at the same time could be named to the old one.
_ANYWHERE = "CAST(NULL AS bigint) AS municipality_id"


def _decided(rows: str, decision: str) -> str:
    """The persons of decided decisions that ``rows`` (with a column ``decision``) name."""
    return (f"SELECT {_ANYWHERE}, d.person_id FROM {rows} r "
            f"JOIN casework_decision d ON d.id = r.{decision} WHERE d.status = 'decided'")


def _paused(rows: str) -> str:
    return _decided(f"(SELECT sl.decision_id FROM {rows} s JOIN casework_serviceline sl "
                    f"ON sl.id = s.line_id)", "decision_id")


def _decision_persons(rows: str) -> str:
    return f"SELECT {_ANYWHERE}, r.person_id FROM {rows} r"


def _updated(columns: tuple[str, ...], select: str) -> str:
    """``select`` (of ``n``, the new row, and ``o``, the old) for the updated rows where one
    of ``columns`` changed, once for the new row's persons and once for the old's."""
    where = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
    pairs = "FROM {new} n JOIN {old} o ON o.id = n.id WHERE " + where
    return f"{select.format(side='n')} {pairs} UNION {select.format(side='o')} {pairs}"


_DECISION = ("status", "person_id", "signed_at", "decided_on")
_PERSON = ("id_number", "id_type", "municipality_id")
_EVERYONE = ("SELECT m.id AS municipality_id, CAST(NULL AS bigint) AS person_id "
             "FROM organisation_municipality m WHERE EXISTS ({rows})")

#: (what, event) → (municipality_id, person_id) of the persons whose events the changed
#: rows ``{new}`` and ``{old}`` may change: the statement's transition tables on
#: PostgreSQL, the one row's NEW and OLD on SQLite
PERSONS = {
    ("person", "INSERT"): "SELECT municipality_id, id AS person_id FROM {new}",
    ("person", "UPDATE"): _updated(
        _PERSON, "SELECT {side}.municipality_id, {side}.id AS person_id"),
    ("person", "DELETE"): "SELECT municipality_id, id AS person_id FROM {old}",
    # A decision signed, annulled or moved to another person (a rerun of the import); its
    # lines may be written before it (the foreign keys are checked at commit).
    ("decision", "INSERT"): _decision_persons("{new}"),
    ("decision", "UPDATE"): _decision_persons(
        f"({_updated(_DECISION, 'SELECT {side}.person_id')})"),
    ("decision", "DELETE"): _decision_persons("{old}"),
    # A draft's lines, rewritten on every save of it, count for no one until it is decided.
    ("line", "INSERT"): _decided("{new}", "decision_id"),
    ("line", "UPDATE"): f"{_decided('{new}', 'decision_id')} UNION "
                        f"{_decided('{old}', 'decision_id')}",
    ("line", "DELETE"): _decided("{old}", "decision_id"),
    ("pause", "INSERT"): _paused("{new}"),
    ("pause", "UPDATE"): f"{_paused('{new}')} UNION {_paused('{old}')}",
    ("pause", "DELETE"): _paused("{old}"),
    ("unit", "UPDATE"): _EVERYONE.format(
        rows="SELECT 1 FROM {new} n JOIN {old} o ON o.id = n.id "
             "WHERE n.organisation_number IS DISTINCT FROM o.organisation_number"),
    ("service", "UPDATE"): _EVERYONE.format(
        rows="SELECT 1 FROM {new} n JOIN {old} o ON o.id = n.id "
             "WHERE n.national_type_id IS DISTINCT FROM o.national_type_id"),
    ("version", "UPDATE"): _EVERYONE.format(
        rows="SELECT 1 FROM {new} n JOIN {old} o ON o.id = n.id "
             "WHERE n.service_id IS DISTINCT FROM o.service_id"),
}
#: the columns the queries above read, per table (SQLite makes a one-row table of them)
COLUMNS = {"person": ("id", "municipality_id", "id_number", "id_type"),
           "decision": ("id", "person_id", "status", "signed_at", "decided_on"),
           "line": ("decision_id",), "pause": ("line_id",),
           "unit": ("id", "organisation_number"), "service": ("id", "national_type_id"),
           "version": ("id", "service_id")}
TRANSITIONS = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
               "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
EVERYONE = "tildel_kpr_change_everyone"
#: the session setting of a bulk writer (tildel.bulkwrite): each statement then names
#: everyone instead of finding its persons. Finding them, joined to tables still without
#: statistics, took the import of a city 20 s more.
BULK = "tildel.bulk_write"
_EVERYONE_ROWS = ("INSERT INTO exchange_kprchange (municipality_id, person_id) "
                  "SELECT id, NULL FROM organisation_municipality")


def name(what: str, event: str) -> str:
    return f"tildel_kpr_change_{what}_{event.lower()}"


def _insert(persons: str) -> str:
    return (f"INSERT INTO exchange_kprchange (municipality_id, person_id) "
            f"SELECT DISTINCT municipality_id, person_id FROM ({persons}) AS changed "
            f"WHERE municipality_id IS NOT NULL OR person_id IS NOT NULL")


def _sqlite_row(what: str, row: str) -> str:
    """One row of NEW or OLD as a table (SQLite triggers have no transition tables)."""
    return f"(SELECT {', '.join(f'{row}.{c} AS {c}' for c in COLUMNS[what])})"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for (what, event), persons in PERSONS.items():
            function = name(what, event)
            schema_editor.execute(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF current_setting('{BULK}', true) = 'on' THEN {_EVERYONE_ROWS}; "
                f"ELSE {_insert(persons.format(new='new_rows', old='old_rows'))}; "
                f"END IF; RETURN NULL; END $$")
            schema_editor.execute(
                f"CREATE TRIGGER {function} AFTER {event} ON {TABLES[what]} "
                f"REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {function}()")
        schema_editor.execute(
            f"CREATE FUNCTION {EVERYONE}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_EVERYONE_ROWS}; RETURN NULL; END $$")
        for what, table in TABLES.items():
            schema_editor.execute(
                f"CREATE TRIGGER {name(what, 'truncate')} AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {EVERYONE}()")
    elif vendor == "sqlite":
        for (what, event), persons in PERSONS.items():
            persons = persons.format(new=_sqlite_row(what, "NEW"), old=_sqlite_row(what, "OLD"))
            schema_editor.execute(
                f"CREATE TRIGGER {name(what, event)} AFTER {event} ON {TABLES[what]} "
                f"FOR EACH ROW BEGIN {_insert(persons)}; END")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for what, event in PERSONS:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {name(what, event)} ON {TABLES[what]}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name(what, event)}()")
        for what, table in TABLES.items():
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {name(what, 'truncate')} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {EVERYONE}()")
    elif vendor == "sqlite":
        for what, event in PERSONS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name(what, event)}")


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0006_lean_kpr_indexes'),
        ('casework', '0010_score_index_in_unique'),
        ('catalogue', '0004_pathway_required'),
        ('organisation', '0001_initial'),
        ('people', '0004_name_order_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='KprDerivation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.BigIntegerField(unique=True, verbose_name='kommune')),
                ('refreshed_at', models.DateTimeField(verbose_name='oppdatert')),
                ('persons', models.PositiveIntegerField(default=0, verbose_name='personer sist')),
                ('rules', models.CharField(blank=True, max_length=64, verbose_name='reglenes versjon')),
            ],
            options={
                'verbose_name': 'utledning for KPR',
                'verbose_name_plural': 'utledninger for KPR',
            },
        ),
        migrations.CreateModel(
            name='KprChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.BigIntegerField(null=True, verbose_name='kommune')),
                ('person_id', models.BigIntegerField(null=True, verbose_name='person')),
            ],
            options={
                'verbose_name': 'endring for KPR',
                'verbose_name_plural': 'endringer for KPR',
                'indexes': [models.Index(fields=['municipality_id'], name='kpr_change_municipality')],
            },
        ),
        migrations.CreateModel(
            name='KprExpected',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.BigIntegerField(verbose_name='kommune')),
                ('person_id', models.BigIntegerField(verbose_name='person')),
                ('key', models.CharField(max_length=80, verbose_name='nøkkel')),
                ('service_id', models.CharField(max_length=40, verbose_name='tjenesteID')),
                ('day', models.DateField(verbose_name='hendelsesdato')),
                ('held', models.BooleanField(default=False, help_text='Tjenesten har en feil KPR ville avvist.', verbose_name='holdt tilbake')),
                ('line_id', models.BigIntegerField(verbose_name='tjenestelinje')),
                ('decision_id', models.BigIntegerField(verbose_name='vedtak')),
                ('registered', models.DateTimeField(null=True, verbose_name='registrert')),
                ('content', models.JSONField(verbose_name='innhold')),
            ],
            options={
                'verbose_name': 'forventet KPR-hendelse',
                'verbose_name_plural': 'forventede KPR-hendelser',
                'indexes': [models.Index(fields=['municipality_id', 'person_id'], name='kpr_expected_person'), models.Index(fields=['municipality_id', 'service_id'], name='kpr_expected_service')],
                'constraints': [models.UniqueConstraint(fields=('municipality_id', 'key'), name='kpr_expected_once_per_key')],
            },
        ),
        migrations.CreateModel(
            name='KprExpectedProblem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality_id', models.BigIntegerField(verbose_name='kommune')),
                ('person_id', models.BigIntegerField(verbose_name='person')),
                ('line_id', models.BigIntegerField(verbose_name='tjenestelinje')),
                ('decision_id', models.BigIntegerField(verbose_name='vedtak')),
                ('message', models.CharField(max_length=300, verbose_name='feil')),
            ],
            options={
                'verbose_name': 'KPR-feil',
                'verbose_name_plural': 'KPR-feil',
                'indexes': [models.Index(fields=['municipality_id', 'person_id'], name='kpr_problem_person')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
