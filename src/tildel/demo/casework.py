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
    for office in AllocationOffice.objects.filter(id__in=office_ids).order_by(
            "pk").prefetch_related("districts"):
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
        staffed = set(User.objects.filter(provider_unit__isnull=False).values_list(
            "provider_unit__districts", flat=True))
        example = next((p for p in persons if p.district_id in staffed), persons[0])
        if actor is not None:
            decided_example(office, example, actor, as_of)
            made += 1
        stranger = rng.choice(persons)
        intake.submit_citizen_application(
            office=office, applicant_name=stranger.full_name, id_number=stranger.id_number,
            phone=stranger.phone or "40000000", subject="Jeg trenger hjelp til dusj og "
            "påkledning om morgenen.", services=Service.objects.filter(code="hjemmesykepleie"))
        made += 1
    return made


def decided_example(office, person, actor, as_of: dt.date) -> None:
    """One case taken all the way: assessment, a signed decision, the letter and an order
    waiting in the home-nursing unit's inbox."""
    from tildel.casework.models import Assessment
    from tildel.casework.services import decisions, letters
    from tildel.organisation.models import ProviderKind, ProviderUnit

    unit = ProviderUnit.objects.filter(kind=ProviderKind.HOME_NURSING,
                                       districts=person.district).first()
    if unit is None:
        return
    received = timezone.make_aware(dt.datetime.combine(as_of - dt.timedelta(days=12),
                                                       dt.time(10, 30)))
    case = intake.register_enquiry(
        office=office, person=person, channel=Channel.PHONE,
        sender_name=f"Datter av {person.given_name}", sender_role=SenderRole.NEXT_OF_KIN,
        text="Mor klarer ikke lenger medisinene selv.", subject="Hjelp med medisiner",
        services=Service.objects.filter(code="hjemmesykepleie"),
        received_at=min(received, timezone.now()), actor=actor)
    intake.triage(case, Case.Urgency.PRIORITY, "Bor alene", actor)
    Assessment.objects.create(
        case=case, held_on=as_of - dt.timedelta(days=5), next_of_kin_invited=True,
        what_matters="Å bo hjemme og gå tur med naboen.", goals="Riktige medisiner hver dag.",
        findings="Bor alene, glemmer doser.", rehabilitation_screening="no",
        lower_levels_considered="Medisindispenser er prøvd.", sufficiently_informed=True)
    draft = decisions.create_draft(case, actor)
    version = Service.objects.get(code="hjemmesykepleie").version_on(as_of)
    draft = decisions.save_draft(
        draft, expected_version=draft.version, actor=actor,
        fields={"facts": "Bor alene og glemmer medisiner.",
                "reasons": "Behovet dekkes best med hjelp til medisiner hjemme."},
        lines=[{"service_version": version, "granted": True, "provider_unit": unit,
                "extent": 3, "extent_unit": "hours_week", "start": as_of,
                "goal": "Ta medisinene riktig hver dag",
                "frame": "Inntil 30 minutter morgen og kveld"}])
    decision = decisions.sign(draft, actor)
    letters.send_decision(decision, actor)
