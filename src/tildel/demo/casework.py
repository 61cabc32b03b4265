"""Demo casework: settings, queues, routing rules and open cases at every stage.

So a new user sees a realistic work queue at once: cases just in, some overdue, one
suspended while waiting for the GP, one from the citizen form awaiting identity, and the
office's decision forum for long-term stays.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tildel.accounts.models import Role, User
from tildel.casework.models import (
    Case,
    CaseSuspension,
    Channel,
    OfficeSettings,
    RoutingRule,
    SenderRole,
    WorkQueue,
)
from tildel.casework.services import intake
from tildel.catalogue.models import Service
from tildel.organisation.models import AllocationOffice
from tildel.people.models import Person

SUBJECTS = [
    ("Datter ringer: far klarer ikke lenger medisinene selv.", "hjemmesykepleie",
     SenderRole.NEXT_OF_KIN, Channel.PHONE),
    ("Søknad om praktisk bistand til rengjøring og handling.", "praktisk-bistand",
     SenderRole.APPLICANT, Channel.E_FORM),
    ("Utskrivningsklar fra sykehuset, trenger oppfølging hjemme.", "hjemmesykepleie",
     SenderRole.HOSPITAL, Channel.E_MESSAGE),
    ("Fastlegen ber om vurdering av trygghetsalarm etter fall.", "trygghetsalarm",
     SenderRole.GP, Channel.E_MESSAGE),
    ("Søknad om langtidsopphold i sykehjem.", "langtidsopphold", SenderRole.NEXT_OF_KIN,
     Channel.PAPER),
    ("Ønsker hverdagsrehabilitering etter hoftebrudd.", "hverdagsrehabilitering",
     SenderRole.APPLICANT, Channel.PHONE),
    ("Søknad om avlastning for pårørende.", "avlastning-institusjon", SenderRole.NEXT_OF_KIN,
     Channel.E_FORM),
    ("Søknad om matombringing.", "matombringing", SenderRole.APPLICANT, Channel.PHONE),
]


def build_casework(office_ids: list[int], as_of: dt.date, seed: int) -> int:
    """Configure every office and open a few cases in each. Returns the cases made."""
    rng = random.Random(seed)
    made = 0
    long_stay = Service.objects.get(code="langtidsopphold")
    for office in AllocationOffice.objects.filter(id__in=office_ids).prefetch_related(
            "districts"):
        OfficeSettings.objects.get_or_create(allocation_office=office)
        caseworkers = list(User.objects.filter(allocation_office=office,
                                               role=Role.CASEWORKER).order_by("username"))
        leaders = list(User.objects.filter(allocation_office=office, role=Role.OFFICE_LEADER))
        intake_team = WorkQueue.objects.create(allocation_office=office, name="Inntaksteam",
                                               kind=WorkQueue.Kind.INTAKE)
        board = WorkQueue.objects.create(allocation_office=office, name="Tildelingsnemnd",
                                         kind=WorkQueue.Kind.BOARD)
        intake_team.members.set(caseworkers + leaders)
        board.members.set(leaders)
        RoutingRule.objects.create(allocation_office=office, priority=10,
                                   name="Langtidsopphold til tildelingsnemnda",
                                   service=long_stay, target_queue=board)
        for district in office.districts.all():
            if caseworkers:
                RoutingRule.objects.create(
                    allocation_office=office, priority=20, district=district,
                    name=f"{district.name} til {caseworkers[0].get_full_name()}",
                    target_user=caseworkers[0])
        RoutingRule.objects.create(allocation_office=office, priority=99,
                                   name="Resten til inntaksteamet", target_queue=intake_team)
        persons = list(Person.objects.filter(district__in=office.districts.all(),
                                             date_of_death__isnull=True).order_by("id")[:200])
        if not persons:
            continue
        actor = caseworkers[0] if caseworkers else None
        for i, (subject, code, role, channel) in enumerate(SUBJECTS):
            person = rng.choice(persons)
            days_ago = [1, 2, 5, 9, 16, 24, 33, 0][i]
            received = timezone.make_aware(dt.datetime.combine(
                as_of - dt.timedelta(days=days_ago), dt.time(9 + i % 6, 15)))
            sender = person.full_name if role == SenderRole.APPLICANT else \
                f"{rng.choice(['Anne', 'Per', 'Lise', 'Ola'])} (for {person.given_name})"
            case = intake.register_enquiry(
                office=office, person=person, channel=channel, sender_name=sender,
                sender_role=role, text=subject, subject=subject,
                services=Service.objects.filter(code=code),
                received_at=min(received, timezone.now()), actor=actor)
            if days_ago >= 5:
                intake.triage(case, Case.Urgency.NORMAL, "", actor)
                if days_ago % 2:
                    Case.objects.filter(pk=case.pk).update(
                        acknowledgement_sent_on=case.received_on + dt.timedelta(days=1))
            if days_ago == 16:
                CaseSuspension.objects.create(case=case, start=as_of - dt.timedelta(days=6),
                                              reason="Venter på opplysninger fra fastlegen")
            made += 1
        stranger = rng.choice(persons)
        intake.submit_citizen_application(
            office=office, applicant_name=stranger.full_name, id_number=stranger.id_number,
            phone=stranger.phone or "40000000", subject="Jeg trenger hjelp til dusj og "
            "påkledning om morgenen.", services=Service.objects.filter(code="hjemmesykepleie"))
        made += 1
    return made
