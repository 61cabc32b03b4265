"""Demo provision: a year of pathways, courses, orders, adjustments and change requests,
shaped by report 000's figures.

- About 35 % of home-nursing users in a pathway in a year (000 L1046, key figure I2).
- About half of completed pathways closed without further services (000 L1046-1048: 48 %).
- A realistic share left open past the deadline (000 L3288-3311: 64 % of open forløp 1
  and 51 % of open forløp 2 at the snapshot), and some closures registered weeks after the
  real end (000 L3381-3387).
Bulk inserts, so the medium demo stays quick; rerunning the demo rebuilds it from scratch.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from tildel.accounts.models import Role, User
from tildel.casework.models import Case, Order, ServiceLine
from tildel.catalogue.models import Service
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.pathways import services as pathway_services
from tildel.pathways.models import Course, CourseGoal, Pathway, PathwayService, TeamMember
from tildel.provision.models import Adjustment, ChangeRequest
from tildel.rules import pathways as rules
from tildel.rules import rehabilitation

SHARE_IN_PATHWAY = 0.35
CODE_WEIGHTS = [(0, 0.04), (1, 0.46), (2, 0.48), (3, 0.02)]
OUTCOME_WEIGHTS = [(Pathway.Outcome.NO_FURTHER_SERVICES, 0.48),
                   (Pathway.Outcome.REDUCED_SERVICES, 0.22),
                   (Pathway.Outcome.NEW_DECISION, 0.30)]
GOALS = ["Gå trappene selv", "Dusje uten hjelp", "Lage frokost selv", "Gå til butikken",
         "Ta medisinene riktig", "Kle på meg selv", "Komme meg ut på tur med naboen"]


def _pick(rng: random.Random, weighted):
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build_provision(municipality, as_of: dt.date, seed: int, progress=None) -> dict[str, int]:
    """Pathways, courses, orders, adjustments and change requests for the last year."""
    rng = random.Random(seed + 4)
    progress = progress or (lambda step, advance, total: None)
    made = {"pathways": 0, "courses": 0, "orders": 0, "adjustments": 0, "change_requests": 0}
    year_ago = as_of - dt.timedelta(days=365)
    horizons = rules.REPORT_HORIZONS
    services = {s.code: s for s in Service.objects.all()}
    caseworkers: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.CASEWORKER,
                                    municipalities=municipality).order_by("username"):
        caseworkers.setdefault(user.allocation_office_id, []).append(user)
    hrh_unit = ProviderUnit.objects.filter(municipality=municipality,
                                           kind=ProviderKind.EVERYDAY_MASTERY).first()
    lines = list(ServiceLine.objects.filter(
        decision__person__municipality=municipality,
        service_version__service__code="hjemmesykepleie", start__lte=as_of).exclude(
        end__lt=year_ago).select_related("decision", "decision__person").order_by("pk"))
    hrh_lines = list(ServiceLine.objects.filter(
        decision__person__municipality=municipality,
        service_version__service__code="hverdagsrehabilitering", start__gte=year_ago,
        start__lte=as_of).select_related("decision__person").order_by("pk"))
    # One pathway per person in the year (a user is in one open pathway at a time).
    hrh_lines = list({line.decision.person_id: line for line in hrh_lines}.values())
    seen = {line.decision.person_id for line in hrh_lines}
    chosen = []
    for line in lines:
        if line.decision.person_id not in seen and rng.random() < SHARE_IN_PATHWAY:
            seen.add(line.decision.person_id)
            chosen.append(line)

    plans = []
    for line in chosen:
        code = _pick(rng, CODE_WEIGHTS)
        if line.start >= year_ago:  # a new user: the pathway starts with the service
            start = min(line.start + dt.timedelta(days=rng.randint(0, 3)), as_of)
        else:  # an existing user with new needs, while the service runs
            last = min(line.end or as_of, as_of)
            start = year_ago + dt.timedelta(days=rng.randint(0, (last - year_ago).days))
        plans.append({"line": line, "code": code, "start": start, "service": (
            "sykepleieklinikk" if code == 1 and rng.random() < 0.15 else "hjemmesykepleie")})
    for line in hrh_lines:
        if rng.random() < 0.8:  # some HRH is never coded into a pathway (000 L1103-1117)
            plans.append({"line": line, "code": 2, "start": line.start,
                          "service": "hverdagsrehabilitering"})
    cases = []
    for plan in plans:
        decision = plan["line"].decision
        workers = caseworkers.get(decision.allocation_office_id) or [None]
        received = plan["start"] - dt.timedelta(days=rng.randint(1, 10))
        cases.append(Case(
            allocation_office_id=decision.allocation_office_id, person=decision.person,
            received_at=_aware(received), subject="Nye behov etter sykehusopphold",
            status=Case.Status.DECIDED, decided_on=plan["start"],
            identity_confirmed_at=_aware(received), urgency=Case.Urgency.NORMAL,
            acknowledgement_sent_on=received + dt.timedelta(days=1),
            assigned_to=rng.choice(workers)))
    Case.objects.bulk_create(cases, batch_size=500)

    pathways = []
    for plan, case in zip(plans, cases, strict=True):
        code, start = plan["code"], plan["start"]
        deadline = horizons.deadline(code, start)
        pathway = Pathway(case=case, person=case.person, provider_unit=plan["line"].provider_unit,
                          code=code, start=start, deadline=deadline,
                          goal=rng.choice(GOALS), created_at=_aware(start, 9))
        due = deadline or start + dt.timedelta(days=90)
        # Closures lag: most overdue pathways are recent ones (000 L3296-3300: of those
        # overdue, 10 % of forløp 1 and 35 % of forløp 2 had started the year before).
        late_by = (as_of - due).days
        recent, month, old = (0.45, 0.1, 0.01) if code == 1 else (0.75, 0.35, 0.05)
        stays_open = recent if late_by < 30 else month if late_by < 90 else old
        if due < as_of and rng.random() >= stays_open:
            overrun = rng.random() < 0.3
            length = (due - start).days
            end = start + dt.timedelta(days=rng.randint(max(length // 2, 1), length)
                                       + (rng.randint(1, 45) if overrun else 0))
            end = min(end, as_of)
            delay = rng.randint(8, 120) if rng.random() < 0.1 else rng.randint(0, 3)
            registered = min(end + dt.timedelta(days=delay), as_of)
            pathway.status, pathway.real_end = Pathway.Status.CLOSED, end
            pathway.outcome = _pick(rng, OUTCOME_WEIGHTS)
            pathway.closed_registered_at = _aware(registered, 14)
            pathway.closed_by = case.assigned_to
        pathways.append(pathway)
    Pathway.objects.bulk_create(pathways, batch_size=500)
    made["pathways"] = len(pathways)
    progress("Pasientforløp", len(pathways), len(pathways))

    items = []
    for plan, pathway in zip(plans, pathways, strict=True):
        line = plan["line"]
        # Forløp 1 has no decision (000 L2958-2962); forløp 2 works under the user's one.
        decided = plan["service"] != "sykepleieklinikk" and plan["code"] != 1
        items.append(PathwayService(
            pathway=pathway, service=services[plan["service"]],
            provider_unit=line.provider_unit, start=pathway.start, end=pathway.real_end,
            service_line=line if decided else None))
    PathwayService.objects.bulk_create(items, batch_size=500)

    made["courses"] = _courses(rng, hrh_lines, plans, pathways, hrh_unit, as_of)
    progress("Hverdagsrehabilitering", made["courses"], made["courses"])
    pathway_services.check_decisions(as_of)
    _revision_dates(rng, municipality, as_of)
    made.update(_orders(rng, municipality, as_of))
    progress("Bestillinger og endringsmeldinger", 1, 1)
    return made


def _revision_dates(rng, municipality, as_of) -> None:
    """Active lines get their next revision date from the catalogue's interval; about 6 %
    are past it (report 004: revisions not done)."""
    lines = list(ServiceLine.objects.filter(
        decision__person__municipality=municipality, end__isnull=True,
        start__lte=as_of).select_related("service_version").order_by("pk"))
    for line in lines:
        months = line.service_version.revision_interval_months or 6
        if rng.random() < 0.06:
            line.revision_due = as_of - dt.timedelta(days=rng.randint(1, 120))
        else:
            line.revision_due = as_of + dt.timedelta(days=rng.randint(1, 30 * months))
    ServiceLine.objects.bulk_update(lines, ["revision_due"], batch_size=1000)


def _courses(rng, hrh_lines, plans, pathways, hrh_unit, as_of) -> int:
    """An everyday-rehabilitation course for each HRH decision of the last year, scored."""
    if hrh_unit is None:
        return 0
    by_line = {plan["line"].pk: pathway for plan, pathway in zip(plans, pathways, strict=True)
               if plan["service"] == "hverdagsrehabilitering"}
    courses, goal_sets = [], []
    for line in hrh_lines:
        plan = rehabilitation.plan(line.start)
        ended = line.end is not None and line.end < as_of
        course = Course(
            person=line.decision.person, pathway=by_line.get(line.pk),
            case=by_line[line.pk].case if line.pk in by_line else None,
            provider_unit=hrh_unit, kind=Course.Kind.EVERYDAY_REHABILITATION,
            start=line.start, evaluation_on=plan.evaluation_on, planned_end=plan.planned_end,
            what_matters="Å klare meg selv hjemme",
            evaluated_at=(_aware(plan.evaluation_on) if plan.evaluation_on < as_of
                          and rng.random() < 0.85 else None),
            status=Course.Status.ENDED if ended else Course.Status.ACTIVE,
            ended_on=line.end if ended else None,
            outcome=(rng.choice([Course.Outcome.GOALS_MET, Course.Outcome.GOALS_MET,
                                 Course.Outcome.PARTLY_MET, Course.Outcome.NOT_MET])
                     if ended else ""))
        courses.append(course)
        goal_sets.append((ended, rng.sample(GOALS, 2)))
    Course.objects.bulk_create(courses, batch_size=500)
    goals, team = [], []
    for course, (ended, names) in zip(courses, goal_sets, strict=True):
        for name in names:
            before = rng.randint(1, 5)
            midway = min(before + rng.randint(0, 3), 10) if course.evaluated_at else None
            after = min(before + rng.randint(1, 6), 10) if ended else None
            goals.append(CourseGoal(course=course, goal=name, score_start=before,
                                    score_midway=midway, score_end=after))
        team += [TeamMember(course=course, role=TeamMember.Role.PHYSIOTHERAPIST,
                            name="Fysioterapeut i HRH-teamet"),
                 TeamMember(course=course, role=TeamMember.Role.OCCUPATIONAL_THERAPIST,
                            name="Ergoterapeut i HRH-teamet")]
    CourseGoal.objects.bulk_create(goals, batch_size=1000)
    TeamMember.objects.bulk_create(team, batch_size=1000)
    return len(courses)


def _orders(rng, municipality, as_of) -> dict[str, int]:
    """Orders for recent home-nursing decisions, most acknowledged; adjustments within the
    frame on some, change requests on a few (some still unanswered, with their age)."""
    lines = list(ServiceLine.objects.filter(
        decision__person__municipality=municipality, orders__isnull=True,
        service_version__service__code="hjemmesykepleie",
        start__gte=as_of - dt.timedelta(days=120), start__lte=as_of).exclude(
        end__lt=as_of).select_related("decision", "provider_unit").order_by("pk"))
    staff: dict[int, User] = {}
    for user in User.objects.filter(role__in=[Role.PROVIDER_LEADER, Role.PROVIDER_STAFF],
                                    municipalities=municipality).order_by("role", "username"):
        staff.setdefault(user.provider_unit_id, user)
    fallback = User.objects.filter(municipalities=municipality).order_by("pk").first()
    orders = []
    for line in lines:
        made_at = _aware(max(line.start - dt.timedelta(days=2), line.decision.decided_on
                             or line.start), 12)
        late = (as_of - line.start).days < 14 and rng.random() < 0.5
        orders.append(Order(
            decision=line.decision, provider_unit=line.provider_unit, created_at=made_at,
            goals="Klare hverdagen hjemme så selvstendig som mulig.",
            practical_information="Nøkkelboks ved inngangsdøren.",
            contact_persons="Datter, telefon i journalen.",
            acknowledged_at=None if late else made_at + dt.timedelta(hours=rng.randint(2, 40)),
            acknowledged_by=None if late else staff.get(line.provider_unit_id, fallback)))
    Order.objects.bulk_create(orders, batch_size=500)
    Order.lines.through.objects.bulk_create(
        [Order.lines.through(order_id=o.pk, serviceline_id=line.pk)
         for o, line in zip(orders, lines, strict=True)], batch_size=1000)
    adjustments, requests = [], []
    for order, line in zip(orders, lines, strict=True):
        who = staff.get(line.provider_unit_id, fallback)
        decided = line.extent or Decimal(0)
        if rng.random() < 0.3 and decided > 1:
            day = line.start + dt.timedelta(days=rng.randint(3, 30))
            if day <= as_of:
                adjustments.append(Adjustment(
                    order=order, service_line=line, effective_from=day,
                    planned_weekly_hours=(decided / 4 if line.extent_unit == "hours_month"
                                          else decided) - Decimal("0.5"),
                    change=rng.choice(["Dusj flyttes fra morgen til kveld",
                                       "Tilsyn byttes til ringetilsyn to dager i uka",
                                       "Medisiner gis ved lunsj i stedet for morgen"]),
                    reason="Brukeren ønsker det og klarer mer selv", made_by=who,
                    made_at=_aware(day, 13)))
        if rng.random() < 0.08:
            sent = min(as_of, line.start + dt.timedelta(days=rng.randint(5, 60)))
            answered = rng.random() < 0.6
            requests.append(ChangeRequest(
                order=order, service_line=line, kind=ChangeRequest.Kind.MORE,
                requested_weekly_hours=Decimal(rng.choice([2, 3, 4])),
                observation="Mer urolig om kvelden og har falt to ganger.",
                since=sent - dt.timedelta(days=3), need="Tilsyn også om kvelden",
                if_not="Fare for nye fall", requested_by=who, created_at=_aware(sent, 15),
                status=ChangeRequest.Status.REJECTED if answered else ChangeRequest.Status.OPEN,
                answered_at=_aware(min(sent + dt.timedelta(days=rng.randint(1, 9)), as_of), 11)
                if answered else None,
                answer="Dekkes innenfor dagens ramme; ringetilsyn kveld." if answered else ""))
    Adjustment.objects.bulk_create(adjustments, batch_size=500)
    ChangeRequest.objects.bulk_create(requests, batch_size=500)
    return {"orders": len(orders), "adjustments": len(adjustments),
            "change_requests": len(requests)}


def reablement_examples(municipality, as_of: dt.date) -> int:
    """Two reablement episodes (report 002): one just started after discharge, one handed
    over to home nursing once the user was stable."""
    unit = ProviderUnit.objects.filter(municipality=municipality,
                                       kind=ProviderKind.EVERYDAY_MASTERY).first()
    actor = User.objects.filter(role=Role.CASEWORKER, municipalities=municipality).first()
    if unit is None or actor is None:
        return 0
    people = list(ServiceLine.objects.filter(
        decision__person__municipality=municipality,
        decision__allocation_office_id=actor.allocation_office_id,
        service_version__service__code="hjemmesykepleie", end__isnull=True).select_related(
        "provider_unit", "decision__person").order_by("pk")[:2])
    made = 0
    for number, line in enumerate(people):
        start = as_of - dt.timedelta(days=4 if number == 0 else 30)
        course = Course.objects.create(
            person=line.decision.person, provider_unit=unit, kind=Course.Kind.REABLEMENT,
            origin=Course.Origin.DISCHARGE, start=start,
            evaluation_on=rehabilitation.plan(start, weeks=None).evaluation_on,
            what_matters="Komme hjem og klare meg selv igjen", created_by=actor)
        CourseGoal.objects.create(course=course, goal="Gå trygt inne med rullator",
                                  score_start=3, score_midway=6 if number else None)
        TeamMember.objects.create(course=course, role=TeamMember.Role.NURSE,
                                  name="Sykepleier i hverdagsmestringsenheten")
        if number == 1:
            course.status, course.ended_on = Course.Status.HANDED_OVER, as_of - dt.timedelta(2)
            course.outcome, course.handover_to = Course.Outcome.PARTLY_MET, line.provider_unit
            course.evaluated_at = _aware(start + dt.timedelta(days=14))
            course.evaluation_note = "Stabil, går trygt inne. Trenger hjelp til dusj."
            course.handover_function = "Går med rullator inne, trenger hjelp til dusj."
            course.handover_goals = "Dusje selv innen to måneder."
            course.handover_practical = "Multidose. Fallrisiko på badet."
            course.handover_contact = "Sykepleier i hverdagsmestringsenheten"
            course.save()
        made += 1
    return made
