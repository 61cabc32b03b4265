"""Dispatch retry when a channel is down, print fallback, revisions, replacement, closing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tildel.casework.models import Decision, Dispatch, Letter, Revision, ServiceLine
from tildel.casework.services import decisions as decision_service
from tildel.casework.services import dispatching, letters, revisions
from tildel.dispatch.base import DispatchReceipt, DispatchStatus

from .conftest import drafted, informed, open_case

pytestmark = pytest.mark.django_db


def decided(w):
    case = open_case(w)
    informed(case)
    decision = drafted(w, case)
    return decision_service.sign(decision, w.caseworker)


def test_channel_down_keeps_the_letter_in_a_retry_queue(office, settings):
    """A dispatch channel that is down: the letter waits and the case shows it."""
    settings.TILDEL_DISPATCH_CHANNEL = "svarut"
    settings.TILDEL_SVARUT_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.TILDEL_SVARUT_ACCOUNT = "konto"
    settings.TILDEL_SVARUT_TOKEN = "token"
    decision = decided(office)
    letter = letters.send_decision(decision, office.caseworker)
    dispatch = letter.dispatches.get()
    assert dispatch.status == Dispatch.Status.RETRYING
    assert dispatch.attempts == 1 and dispatch.next_attempt_at > timezone.now()
    decision.refresh_from_db()
    assert decision.reached_party_on is None  # nothing has reached the party yet
    assert decision.case.events.filter(is_problem=True, text__contains="svarer ikke").exists()
    assert Letter.objects.filter(pk=letter.pk, status=Letter.Status.RENDERED).exists()
    # Not yet due: nothing is tried.
    assert dispatching.process_queue(timezone.now()) == 0
    # The channel is back (here: the outbox) and the pause has passed.
    Dispatch.objects.filter(pk=dispatch.pk).update(channel="outbox")
    assert dispatching.process_queue(dispatch.next_attempt_at) == 1
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.DELIVERED and dispatch.attempts == 2
    decision.refresh_from_db()
    assert decision.reached_party_on is not None


def test_unread_digital_letter_falls_back_to_print(office, monkeypatch):
    decision = decided(office)
    letter = letters.create_letter(decision.case, "decision", office.caseworker,
                                   decision=decision)
    dispatch = Dispatch.objects.create(letter=letter, channel="svarut",
                                       status=Dispatch.Status.SENT, external_id="abc",
                                       sent_at=timezone.now() - dt.timedelta(days=8))

    class StillUnread:
        name = "svarut"

        def status(self, external_id):
            return DispatchStatus.DELIVERED

        def send(self, outgoing):  # pragma: no cover - not called for svarut here
            return DispatchReceipt("x", DispatchStatus.SENT)

    real = dispatching.get_channel
    monkeypatch.setattr(dispatching, "get_channel",
                        lambda name: StillUnread() if name == "svarut" else real(name))
    dispatching.refresh_status(dispatch)
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.FALLBACK
    printed = letter.dispatches.get(channel=dispatching.PRINT_CHANNEL)
    assert printed.status in (Dispatch.Status.DELIVERED, Dispatch.Status.SENT)
    assert list((office.outbox / "papir").glob("*.pdf"))


def test_signing_sets_revision_date_from_the_catalogue(office, easter):
    """MISSION.md § process 10: 6 months by default (home nursing in the demo catalogue)."""
    decision = decided(office)
    line = decision.lines.get()
    assert line.revision_due == dt.date(2027, 9, 24)


def test_time_limited_decision_is_flagged_for_renewal_two_months_before(office, easter):
    case = open_case(office)
    informed(case)
    from .conftest import granted_line
    decision = drafted(office, case, lines=[granted_line(office, end=dt.date(2027, 5, 31))])
    decision_service.sign(decision, office.caseworker)
    lines = revisions.lines_needing_attention(ServiceLine.objects.all(), dt.date(2027, 3, 31))
    line = lines.get()
    assert "utløper 31.05.2027" in revisions.attention_reason(line, dt.date(2027, 3, 31))
    assert not revisions.lines_needing_attention(ServiceLine.objects.all(),
                                                 dt.date(2027, 3, 30)).exists()


def test_event_driven_revision_replaces_the_decision_and_keeps_the_old(office):
    with time_machine.travel(timezone.make_aware(dt.datetime(2027, 3, 24, 10)), tick=False) as t:
        old = decided(office)
        t.move_to(timezone.make_aware(dt.datetime(2027, 6, 1, 10)))
        revision = revisions.request_revision(old, trigger=Revision.Trigger.FALL,
                                              note="Falt i badet", actor=office.caseworker)
        case = revision.case
        informed(case)
        new = decision_service.create_draft(case, office.caseworker)
        assert new.replaces == old  # a revision case's decision replaces the revised one
        from .conftest import granted_line
        new = decision_service.save_draft(
            new, expected_version=new.version, actor=office.caseworker, lines=[
                granted_line(office, extent=10, start=dt.date(2027, 6, 2))],
            fields={"legal_basis": "hol § 3-2", "facts": "Falt.", "reasons": "Mer hjelp."})
        decision_service.sign(new, office.caseworker)
    old.refresh_from_db()
    old_line = old.lines.get()
    assert old.status == Decision.Status.DECIDED  # still readable, never edited in place
    assert old_line.end == dt.date(2027, 6, 1)
    assert old_line.end_reason == "Erstattet av nytt vedtak"
    assert old.replaced_by.pk == new.pk
    assert ServiceLine.objects.active_on(dt.date(2027, 6, 5)).get().extent == 10


def test_closing_a_service_needs_a_reason(office, easter):
    decision = decided(office)
    line = decision.lines.get()
    with pytest.raises(revisions.CaseworkError):
        revisions.close_line(line, end=dt.date(2027, 4, 30), reason=" ", actor=office.caseworker)
    revisions.close_line(line, end=dt.date(2027, 4, 30), reason="Flyttet til sykehjem",
                         actor=office.caseworker)
    line.refresh_from_db()
    assert line.end == dt.date(2027, 4, 30) and line.end_reason == "Flyttet til sykehjem"


def test_late_complaint_is_flagged_not_refused(office):
    from tildel.casework.services import complaints

    with time_machine.travel(timezone.make_aware(dt.datetime(2027, 3, 24, 10)), tick=False) as t:
        decision = decided(office)
        letters.send_decision(decision, office.caseworker)
        decision.refresh_from_db()
        # Reached the party on the next working day after sending: Tuesday 30 March.
        assert decision.reached_party_on == dt.date(2027, 3, 30)
        t.move_to(timezone.make_aware(dt.datetime(2027, 5, 3, 10)))
        complaint = complaints.register(decision, received_on=dt.date(2027, 5, 3),
                                        complainant="Ingrid", text="Uenig",
                                        actor=office.caseworker)
    # pbrl § 7-5: four weeks from 30 March = 27 April 2027.
    assert complaint.deadline == dt.date(2027, 4, 27)
    assert complaint.is_late
    assert decision.case.events.filter(text__contains="etter fristen").exists()


def test_reversed_complaint_opens_a_replacing_draft(office, easter):
    from tildel.casework.services import complaints

    decision = decided(office)
    complaint = complaints.register(decision, received_on=timezone.localdate(),
                                    complainant="Ingrid", text="Uenig",
                                    actor=office.caseworker)
    complaints.reassess(complaint, outcome="reversed", note="Ny vurdering",
                        actor=office.caseworker)
    complaint.refresh_from_db()
    assert complaint.new_decision.replaces_id == decision.pk
    assert complaint.new_decision.status == Decision.Status.DRAFT
    with pytest.raises(complaints.CaseworkError):
        complaints.forward(complaint, office.caseworker)
