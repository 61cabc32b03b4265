"""Send reads of the stored key figures to a read replica (``TILDEL_REPORTS_DATABASE_URL``).

Installed by settings only when that variable is set. The dashboards, exports and API
of management and analysts read the nightly run (``FigureRun``, ``FigureSheet``); on a
large installation those reads go to the ``reports`` alias, a PostgreSQL streaming
replica, and leave the primary to the casework. Everything else, and every write, stays
on ``default``. The refresh itself must see its own rows, so a read follows the object it
comes from (a run's sheets are read where the run was) and a read inside a transaction on
the primary stays there. A replica that lags behind only means no run from today is
found: the figures are then computed from the cases on the primary, as without a store.
"""

from __future__ import annotations

from django.db import transaction

REPORTS = "reports"
#: (app label, model name) of the tables the replica serves.
REPORT_MODELS = frozenset({("insight", "figurerun"), ("insight", "figuresheet")})


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if (model._meta.app_label, model._meta.model_name) not in REPORT_MODELS:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return REPORTS

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows from either may be related.
        if {obj1._state.db, obj2._state.db} <= {"default", REPORTS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema by replication; never migrate it.
        return db != REPORTS
