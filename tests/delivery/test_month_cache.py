"""The delivered-time overview keeps a unit's computed month until something it counts
changes at the unit (ADR 0021): database triggers write a ``UnitChange`` row for every
such change, whatever writes it, and the page computes again."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tildel.casework.models import Decision, Order, ServiceLine
from tildel.catalogue.models import Service
from tildel.delivery import month_cache
from tildel.delivery.models import Visit
from tildel.provision.models import Adjustment

from .conftest import MONDAY, aware

pytestmark = pytest.mark.django_db


def revisions(w) -> tuple:
    return month_cache.revision(w.east_unit.pk), month_cache.revision(w.west_unit.pk)


def changed(w, before) -> tuple[bool, bool]:
    """(the east unit's revision changed, the west unit's changed)."""
    east, west = revisions(w)
    return east != before[0], west != before[1]


def new_visit(w, day: dt.date, unit=None) -> Visit:
    start = aware(day, "09:00")
    return Visit.objects.create(person=w.anna, provider_unit=unit or w.east_unit, start=start,
                                end=start + dt.timedelta(minutes=45), staff_role="SPL")


def test_visits_written_any_way_change_the_revision(delivery):
    w = delivery
    before = revisions(w)
    visit = new_visit(w, MONDAY)
    assert changed(w, before)[0]
    before = revisions(w)
    with connection.cursor() as cursor:  # plain SQL, as the import writes
        cursor.execute('UPDATE delivery_visit SET "end" = %s WHERE id = %s',
                       [aware(MONDAY, "10:30"), visit.pk])
    assert changed(w, before)[0]
    before = revisions(w)
    Visit.objects.filter(pk=visit.pk).delete()
    assert changed(w, before)[0]


def test_a_decided_line_changes_only_its_own_units_revision(delivery):
    w = delivery
    before = revisions(w)
    line = w.grant(w.olav, w.east_unit, hours=Decimal(5), start=MONDAY)
    assert changed(w, before) == (True, False)
    before = revisions(w)
    ServiceLine.objects.filter(pk=line.pk).update(end=MONDAY + dt.timedelta(days=3))
    assert changed(w, before) == (True, False)
    before = revisions(w)
    ServiceLine.objects.filter(pk=line.pk).update(provider_unit=w.west_unit)
    assert changed(w, before) == (True, True)  # moved: both units count it differently


def test_a_draft_counts_when_it_is_decided_and_again_when_it_is_not(delivery):
    w = delivery
    line = w.grant(w.olav, w.east_unit, hours=Decimal(5), start=MONDAY)
    Decision.objects.filter(pk=line.decision_id).update(status=Decision.Status.DRAFT)
    before = revisions(w)
    ServiceLine.objects.filter(pk=line.pk).update(extent=Decimal(7))  # a draft being edited
    Decision.objects.filter(pk=line.decision_id).update(signed_at=None)
    assert changed(w, before) == (False, False)
    Decision.objects.filter(pk=line.decision_id).update(status=Decision.Status.DECIDED)
    assert changed(w, before) == (True, False)
    before = revisions(w)
    Decision.objects.filter(pk=line.decision_id).update(status=Decision.Status.DRAFT)
    assert changed(w, before) == (True, False)
    before = revisions(w)
    ServiceLine.objects.filter(pk=line.pk).delete()  # a draft's lines, rewritten on save
    assert changed(w, before) == (False, False)


def test_removing_a_decided_line_changes_its_unit(delivery):
    w = delivery
    line = w.grant(w.olav, w.west_unit, hours=Decimal(5), start=MONDAY)
    before = revisions(w)
    ServiceLine.objects.filter(pk=line.pk).delete()
    assert changed(w, before) == (False, True)


def test_planned_hours_and_pathway_services_change_the_revision(delivery):
    from tildel.casework.models import Case
    from tildel.pathways.models import Pathway, PathwayService

    w = delivery
    order = Order.objects.create(decision=w.line.decision, provider_unit=w.east_unit)
    before = revisions(w)
    Adjustment.objects.create(order=order, service_line=w.line, effective_from=MONDAY,
                              change="Besøket flyttes", reason="Ønske", made_by=w.leader)
    assert changed(w, before) == (False, False)  # no planned hours: nothing counted
    Adjustment.objects.create(order=order, service_line=w.line, effective_from=MONDAY,
                              planned_weekly_hours=Decimal(4), change="Færre besøk",
                              reason="Klarer mer selv", made_by=w.leader)
    assert changed(w, before) == (True, False)
    before = revisions(w)
    case = Case.objects.create(allocation_office=w.east_office, person=w.olav, subject="Forløp")
    pathway = Pathway.objects.create(case=case, person=w.olav, provider_unit=w.east_unit,
                                     code=1, start=MONDAY)
    PathwayService.objects.create(pathway=pathway, provider_unit=w.west_unit, start=MONDAY,
                                  service=Service.objects.get(code="hjemmesykepleie"))
    assert changed(w, before) == (False, True)


def test_the_overview_is_kept_between_views_and_computed_again_after_a_change(delivery,
                                                                               client):
    w = delivery
    url = reverse("delivery-unit", args=[w.east_unit.pk]) + f"?maaned={MONDAY:%Y-%m}"
    client.force_login(w.leader)
    new_visit(w, MONDAY)

    def view() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        return page[page.index("<main"):page.index("</main>")], len(queries)

    first, computed = view()
    again, kept = view()
    assert kept < computed  # the unit's lines and visits were not read again
    assert again == first  # the same table, counts and links
    assert "0,8" in first  # 45 minutes delivered
    with connection.cursor() as cursor:  # a visit written behind the application's back
        cursor.execute(
            'INSERT INTO delivery_visit (provider_unit_id, person_id, start, "end", staff_role, '
            "source, registered_at) VALUES (%s, %s, %s, %s, 'SPL', 'import', %s)",
            [w.east_unit.pk, w.anna.pk, aware(MONDAY + dt.timedelta(days=1), "09:00"),
             aware(MONDAY + dt.timedelta(days=1), "10:00"), aware(MONDAY, "12:00")])
    after, recomputed = view()
    assert recomputed == computed
    assert "1,8" in after and "0,8" not in after  # 45 + 60 minutes


def test_pruning_empties_the_changes_and_every_unit_is_computed_again(delivery):
    from django.core.management import call_command

    w = delivery
    new_visit(w, MONDAY)
    new_visit(w, MONDAY, unit=w.west_unit)
    before = revisions(w)
    assert before[0][0] >= 1
    call_command("prune_unit_changes", stdout=io.StringIO())
    east, west = revisions(w)
    assert east == west == (1, east[1])  # one row, for every unit
    assert east[1] > max(before[0][1], before[1][1])  # newer than any kept month's key


def test_every_trigger_is_in_place():
    """A later migration that alters one of the tables rebuilds it on SQLite and drops its
    triggers; this fails then."""
    import importlib

    migration = importlib.import_module("tildel.delivery.migrations.0002_unit_changes")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'tildel_unit_change%'")
            expected = {migration._name(what, event) for what, event in migration.POSTGRES}
            expected |= {migration.EVERY_UNIT} | {migration._name(what, "truncate")
                                                  for what in migration.TABLES if what != "visit"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'tildel_unit_change%'")
            expected = {migration._name(what, event) for what, event in migration.UNITS}
        assert {row[0] for row in cursor.fetchall()} == expected


def test_a_decision_or_pathway_moved_to_another_person_changes_their_units(delivery):
    """A rerun of the JSONL import may give an imported decision or pathway another person:
    the hours move from one user's row to another's."""
    from tildel.casework.models import Case
    from tildel.pathways.models import Pathway, PathwayService

    w = delivery
    before = revisions(w)
    Decision.objects.filter(pk=w.line.decision_id).update(person=w.olav)
    assert changed(w, before) == (True, False)
    case = Case.objects.create(allocation_office=w.east_office, person=w.olav, subject="Forløp")
    pathway = Pathway.objects.create(case=case, person=w.olav, provider_unit=w.west_unit,
                                     code=1, start=MONDAY)
    service = PathwayService.objects.create(
        pathway=pathway, provider_unit=w.west_unit, start=MONDAY,
        service=Service.objects.get(code="hjemmesykepleie"))
    before = revisions(w)
    Pathway.objects.filter(pk=pathway.pk).update(person=w.anna)
    assert changed(w, before) == (False, True)
    before = revisions(w)
    PathwayService.objects.filter(pk=service.pk).update(end=MONDAY + dt.timedelta(days=3))
    assert changed(w, before) == (False, True)
    before = revisions(w)
    PathwayService.objects.filter(pk=service.pk).delete()
    assert changed(w, before) == (False, True)


def test_a_decision_written_decided_after_its_lines_changes_their_unit(delivery):
    """The foreign keys are checked at commit, so an import may write the lines first."""
    from django.db import transaction

    w = delivery
    template = w.grant(w.olav, w.west_unit, hours=Decimal(5), start=MONDAY)
    decision = Decision.objects.get(pk=template.decision_id)
    before = revisions(w)
    with transaction.atomic():
        line = ServiceLine.objects.get(pk=template.pk)
        line.pk, line.decision_id = None, 10**9
        line.save()
        decision.pk = 10**9
        decision.save(force_insert=True)
    assert changed(w, before) == (False, True)


def test_adjustments_changed_or_removed_change_the_revision(delivery):
    w = delivery
    order = Order.objects.create(decision=w.line.decision, provider_unit=w.east_unit)
    adjustment = Adjustment.objects.create(
        order=order, service_line=w.line, effective_from=MONDAY, planned_weekly_hours=4,
        change="Færre besøk", reason="Klarer mer selv", made_by=w.leader)
    for change in ({"effective_from": MONDAY + dt.timedelta(days=7)},
                   {"planned_weekly_hours": None}, {"planned_weekly_hours": Decimal(3)}):
        before = revisions(w)
        Adjustment.objects.filter(pk=adjustment.pk).update(**change)
        assert changed(w, before) == (True, False), change
    before = revisions(w)
    Adjustment.objects.filter(pk=adjustment.pk).delete()
    assert changed(w, before) == (True, False)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE: PostgreSQL only")
def test_truncating_a_table_changes_every_unit(delivery):
    w = delivery
    new_visit(w, MONDAY)
    before = revisions(w)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE delivery_visit")
    assert changed(w, before) == (True, True)


def test_a_bulk_writer_changes_every_unit_on_postgresql_and_its_own_on_sqlite(delivery):
    """The JSONL import turns on tildel.bulkwrite: a decided line it writes changes every
    unit's revision on PostgreSQL (no time spent finding its unit), only its own on
    SQLite (row triggers)."""
    from tildel.bulkwrite import bulk_write

    w = delivery
    before = revisions(w)
    with bulk_write():
        w.grant(w.olav, w.east_unit, hours=Decimal(5), start=MONDAY)
    assert changed(w, before) == (True, connection.vendor == "postgresql")
    before = revisions(w)
    w.grant(w.olav, w.east_unit, hours=Decimal(6), start=MONDAY)  # the setting is gone
    assert changed(w, before) == (True, False)
