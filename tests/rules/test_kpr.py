"""KPR continuous reporting as plain rules (tildel.rules.kpr): which events services give,
what must be sent so the register agrees, and what it would reject.

XPR(ipl) 56.0.0, standards.md § "KPR continuous event message" (status codes 7316: N
original, M replace, T supplement, C cancel; 168 hours a week at most, § IPLOS rules)."""

from __future__ import annotations

import datetime as dt

from tildel.rules import kpr

D = dt.date
TODAY = D(2026, 11, 23)
PERSON = kpr.Person(1, "01017012345", kpr.IdType.FODSELSNUMMER)
PERSONS = {1: PERSON}


def line(pk, start, end=None, *, code="15", org="911111111", person=1, pauses=(),
         hours=10.0, decision=None):
    return kpr.Line(pk, decision or pk, person, code, start, end, org, hours, tuple(pauses))


def kinds(events):
    return [(e.kind, e.day) for e in events]


def test_a_revision_the_next_day_continues_the_service_not_a_new_one():
    first = line(1, D(2026, 1, 5), D(2026, 3, 31))
    revised = line(2, D(2026, 4, 1))
    episodes = kpr.episodes([revised, first])
    assert len(episodes) == 1 and episodes[0].service_id == "T1"
    assert kinds(kpr.events([first, revised], TODAY)) == [(kpr.EventKind.START, D(2026, 1, 5))]


def test_a_gap_of_a_day_or_another_service_type_is_another_service():
    gap = [line(1, D(2026, 1, 5), D(2026, 3, 31)), line(2, D(2026, 4, 2))]
    assert [e.service_id for e in kpr.episodes(gap)] == ["T1", "T2"]
    other = [line(1, D(2026, 1, 5)), line(2, D(2026, 1, 5), code="1")]
    assert len(kpr.episodes(other)) == 2
    local = [line(1, D(2026, 1, 5), code=None)]
    assert kpr.episodes(local) == [] and kpr.events(local, TODAY) == []


def test_events_of_a_service_start_stop_provider_and_end():
    pause = kpr.Pause(7, D(2026, 2, 10), D(2026, 2, 20))
    lines = [line(1, D(2026, 1, 5), D(2026, 5, 31), pauses=[pause]),
             line(2, D(2026, 6, 1), D(2026, 9, 30), org="922222222")]
    events = kpr.events(lines, TODAY)
    assert kinds(events) == [
        (kpr.EventKind.START, D(2026, 1, 5)),
        (kpr.EventKind.PROVIDER_CHANGED, D(2026, 6, 1)),
        (kpr.EventKind.STOP_FROM, D(2026, 2, 10)),
        (kpr.EventKind.STOP_TO, D(2026, 2, 21)),  # the service resumes the day after
        (kpr.EventKind.END, D(2026, 9, 30))]
    changed = events[1]
    assert changed.org_number == "922222222" and changed.key == "T1:provider:2"
    assert {e.stop_id for e in events[2:4]} == {"S7"}


def test_a_decided_end_or_stop_in_the_future_is_reported_when_the_day_comes():
    lines = [line(1, D(2026, 11, 1), D(2026, 12, 31),
                  pauses=[kpr.Pause(3, D(2026, 11, 20), None)])]
    assert kinds(kpr.events(lines, TODAY)) == [(kpr.EventKind.START, D(2026, 11, 1)),
                                               (kpr.EventKind.STOP_FROM, D(2026, 11, 20))]
    assert kinds(kpr.events(lines, D(2026, 12, 31)))[-1] == (kpr.EventKind.END,
                                                             D(2026, 12, 31))


def reported(events, persons=PERSONS):
    return {e.key: kpr.Reported(e.key, e.content(persons[e.person_id])) for e in events}


def test_reconcile_sends_originals_once_and_nothing_on_a_rerun():
    events = kpr.events([line(1, D(2026, 1, 5), D(2026, 3, 31))], TODAY)
    first = kpr.reconcile(events, PERSONS, {})
    assert [c.status for c in first] == [kpr.Status.ORIGINAL, kpr.Status.ORIGINAL]
    assert kpr.reconcile(events, PERSONS, reported(events)) == []


def test_a_changed_date_replaces_an_added_org_number_supplements():
    before = kpr.events([line(1, D(2026, 1, 5), org="")], TODAY)
    moved = kpr.events([line(1, D(2026, 1, 7), org="")], TODAY)
    assert [c.status for c in kpr.reconcile(moved, PERSONS, reported(before))] == [
        kpr.Status.REPLACE]
    with_org = kpr.events([line(1, D(2026, 1, 5))], TODAY)
    assert [c.status for c in kpr.reconcile(with_org, PERSONS, reported(before))] == [
        kpr.Status.SUPPLEMENT]
    # A new fødselsnummer for the same person is a replacement, not a supplement.
    renumbered = {1: kpr.Person(1, "41017012345", kpr.IdType.D_NUMMER)}
    assert [c.status for c in kpr.reconcile(before, renumbered, reported(before))] == [
        kpr.Status.REPLACE]


def test_an_annulled_decision_cancels_what_was_reported_and_only_that():
    lines = [line(1, D(2026, 1, 5), D(2026, 2, 28)), line(2, D(2026, 1, 5), code="1")]
    sent = reported(kpr.events(lines, TODAY))
    remaining = kpr.events(lines[1:], TODAY)  # decision 1 annulled
    changes = kpr.reconcile(remaining, PERSONS, sent)
    assert sorted((c.status, c.key) for c in changes) == [
        (kpr.Status.CANCEL, "T1:end"), (kpr.Status.CANCEL, "T1:start")]
    assert all(c.content["service_id"] == "T1" for c in changes)
    # Cancelled, then due again: a new original.
    cancelled = {k: kpr.Reported(k, v.content, active=k.startswith("T2")) for k, v in
                 sent.items()}
    again = kpr.reconcile(kpr.events(lines, TODAY), PERSONS, cancelled)
    assert sorted((c.status, c.key) for c in again) == [
        (kpr.Status.ORIGINAL, "T1:end"), (kpr.Status.ORIGINAL, "T1:start")]


def test_since_leaves_out_older_new_events_but_not_corrections():
    events = kpr.events([line(1, D(2025, 6, 1), D(2026, 2, 28))], TODAY)
    assert [c.key for c in kpr.reconcile(events, PERSONS, {}, D(2026, 1, 1))] == ["T1:end"]
    sent = reported(events)
    moved = kpr.events([line(1, D(2025, 6, 2), D(2026, 2, 28))], TODAY)
    assert [c.status for c in kpr.reconcile(moved, PERSONS, sent, D(2026, 1, 1))] == [
        kpr.Status.REPLACE]


def test_problems_the_register_would_reject():
    persons = {1: PERSON, 2: kpr.Person(2, "", None)}
    lines = [line(1, D(2026, 1, 5), code="6"),  # trygghetsalarm, retired in 9151
             line(2, D(2026, 1, 5), code="99"),
             line(3, D(2026, 1, 5), person=2, code="1"),
             line(4, D(2026, 1, 5), hours=170.0, code="3"),
             line(5, D(2026, 1, 5), hours=168.0, code="7"),  # 168 is allowed
             line(6, D(2026, 1, 5), D(2026, 2, 28), code="11"),
             line(7, D(2026, 3, 1), code="11", org="")]
    found = {p.line_id: p.message for p in kpr.problems(lines, persons)}
    assert "utgått" in found[1] and "finnes ikke" in found[2]
    assert "mangler fødselsnummer" in found[3]
    assert "170 timer per uke er mer enn 168" in found[4]
    assert 5 not in found and 6 not in found
    assert "organisasjonsnummer" in found[7]


# -- found by review: stops at line boundaries, overlapping units, held services, order ---

def test_a_stop_lasting_to_the_services_end_gives_no_resumption_after_the_end():
    lines = [line(1, D(2026, 1, 1), D(2026, 3, 31),
                  pauses=[kpr.Pause(7, D(2026, 3, 20), D(2026, 3, 31))])]
    assert kinds(kpr.events(lines, TODAY)) == [(kpr.EventKind.START, D(2026, 1, 1)),
                                               (kpr.EventKind.STOP_FROM, D(2026, 3, 20)),
                                               (kpr.EventKind.END, D(2026, 3, 31))]


def test_an_open_stop_on_a_replaced_line_ends_with_that_line():
    lines = [line(1, D(2026, 1, 1), D(2026, 5, 31), pauses=[kpr.Pause(3, D(2026, 5, 20), None)]),
             line(2, D(2026, 6, 1))]
    assert kinds(kpr.events(lines, TODAY)) == [(kpr.EventKind.START, D(2026, 1, 1)),
                                               (kpr.EventKind.STOP_FROM, D(2026, 5, 20)),
                                               (kpr.EventKind.STOP_TO, D(2026, 6, 1))]


def test_two_units_serving_one_type_at_once_are_two_services():
    """Home nursing from one unit and four weeks of everyday rehabilitation from another are
    both code 15: two services, each with its own stop and end, no change of provider."""
    home = line(1, D(2026, 1, 1), org="911111111")
    rehab = line(2, D(2026, 3, 1), D(2026, 3, 28), org="922222222",
                 pauses=[kpr.Pause(9, D(2026, 3, 5), D(2026, 3, 10))])
    events = kpr.events([home, rehab], TODAY)
    by_service = {}
    for e in events:
        by_service.setdefault(e.service_id, []).append(e.kind)
    assert by_service == {"T1": [kpr.EventKind.START],
                          "T2": [kpr.EventKind.START, kpr.EventKind.STOP_FROM,
                                 kpr.EventKind.STOP_TO, kpr.EventKind.END]}


def test_a_problem_on_any_line_holds_the_whole_service():
    lines = [line(1, D(2026, 1, 1), D(2026, 3, 31), hours=170.0),
             line(2, D(2026, 4, 1), D(2026, 6, 30), org="922222222")]
    assert kpr.held_services(lines, kpr.problems(lines, PERSONS)) == {"T1"}


def test_cancellations_go_first_then_events_in_date_order():
    before = kpr.events([line(5, D(2026, 3, 1))], TODAY)
    # A backdated line from the same unit becomes the service's first: new tjenesteID.
    after = kpr.events([line(5, D(2026, 3, 1)), line(2, D(2026, 1, 1), D(2026, 2, 28),
                                                     pauses=[kpr.Pause(4, D(2026, 2, 1),
                                                                       D(2026, 2, 5))])],
                       TODAY)
    changes = kpr.reconcile(after, PERSONS, reported(before))
    assert [(c.status, c.key) for c in changes] == [
        (kpr.Status.CANCEL, "T5:start"), (kpr.Status.ORIGINAL, "T2:start"),
        (kpr.Status.ORIGINAL, "T2:stop:4:from"), (kpr.Status.ORIGINAL, "T2:stop:4:to")]


def test_an_open_end_written_as_the_last_representable_day_does_not_crash():
    lines = [line(1, D(2026, 1, 1), dt.date.max,
                  pauses=[kpr.Pause(2, D(2026, 2, 1), dt.date.max)]),
             line(3, D(2026, 5, 1))]
    assert kpr.events(lines, TODAY)[0].kind is kpr.EventKind.START
