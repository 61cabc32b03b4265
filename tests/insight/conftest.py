"""Fixtures for the key-figure screens: home-nursing users with pathways per district, and
decided applications per caseworker for the equal-treatment monitor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.casework.models import Case, Decision, Enquiry
from tildel.casework.models.assessment import Assessment, FunctionalScore
from tildel.catalogue.models import Service
from tildel.pathways.models import Pathway
from tildel.rules.indicators.periods import add_months
from tildel.rules.iplos import FUNCTIONAL_VARIABLES

TODAY = dt.date.today()
THIS_MONTH = TODAY.replace(day=1)
PATHWAY_MONTH = add_months(THIS_MONTH, -2)  # inside the default 12 whole months
LONG_AGO = add_months(THIS_MONTH, -16)
DECIDED_MONTH = add_months(THIS_MONTH, -6)  # inside the default 24 months


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def birth(w) -> dt.date:
    """A birth date per person (synthetic numbers repeat for one date), all 80 or older."""
    return dt.date(1930, 1, 1) + dt.timedelta(days=w._seed * 11)


def add_users(w, district, unit, count: int, in_pathway: int, office) -> list:
    """``count`` home-nursing users in ``district``; the first ``in_pathway`` of them in an
    open pathway 1 from PATHWAY_MONTH."""
    persons = []
    for i in range(count):
        person = w.person(district, given=f"Person{i}", family=district.name,
                          birth=birth(w))
        w.grant(person, unit, start=LONG_AGO)
        if i < in_pathway:
            case = Case.objects.create(allocation_office=office, person=person,
                                       subject="Forløp 1")
            Pathway.objects.create(case=case, person=person, provider_unit=unit, code=1,
                                   start=PATHWAY_MONTH.replace(day=5),
                                   deadline=PATHWAY_MONTH.replace(day=19))
        persons.append(person)
    return persons


def build(w, east=10, east_pathways=6, west=3, west_pathways=1):
    w.east_persons = add_users(w, w.east, w.east_unit, east, east_pathways, w.east_office)
    w.west_persons = add_users(w, w.west, w.west_unit, west, west_pathways, w.west_office)
    w.management = w.user(Role.MANAGEMENT, username="ledelse")
    w.analyst = w.user(Role.ANALYST, username="analytiker")
    w.caseworker = w.user(Role.CASEWORKER, office=w.east_office, username="saksbehandler")
    w.leader = w.user(Role.OFFICE_LEADER, office=w.east_office, username="leder")
    w.staff = w.user(Role.PROVIDER_STAFF, unit=w.east_unit, username="tjenesteyter")
    w.unit_leader = w.user(Role.PROVIDER_LEADER, unit=w.east_unit, username="enhetsleder")
    return w


@pytest.fixture
def figures_world(world):
    return build(world)


def application(w, caseworker, *, granted: bool, kin=False, lawyer=False, received=None,
                needs_score=5, service="hjemmesykepleie"):
    """One decided application from an 85-year-old in the east district."""
    received = received or DECIDED_MONTH.replace(day=2)
    person = w.person(w.east, given="Søker", family=f"Nr{w._seed}", birth=birth(w))
    case = Case.objects.create(
        allocation_office=w.east_office, person=person, kind=Case.Kind.APPLICATION,
        subject="Hjemmesykepleie", assigned_to=caseworker, status=Case.Status.DECIDED,
        received_at=timezone.make_aware(dt.datetime.combine(received, dt.time(10))),
        decided_on=received + dt.timedelta(days=8))
    case.requested_services.add(Service.objects.get(code=service))
    Decision.objects.create(
        person=person, allocation_office=w.east_office, case=case,
        status=Decision.Status.DECIDED, decided_on=received + dt.timedelta(days=8),
        decided_by=caseworker,
        outcome=Decision.Outcome.GRANT if granted else Decision.Outcome.REFUSAL)
    assessment = Assessment.objects.create(case=case, held_on=received + dt.timedelta(days=3))
    for variable in FUNCTIONAL_VARIABLES[:2]:
        FunctionalScore.objects.create(assessment=assessment, variable=variable.code,
                                       score=needs_score)
    for role, wanted in (("next_of_kin", kin),
                         ("lawyer", lawyer)):
        if wanted:
            Enquiry.objects.create(case=case, channel="phone", sender_name="Noen",
                                   sender_role=role, text="Ringte om saken")
    return case


def caseworker(w, username: str, name: str):
    user = w.user(Role.CASEWORKER, office=w.east_office, username=username)
    user.first_name, user.last_name = name.split()
    user.save()
    return user


@pytest.fixture
def equal_world(world):
    """Five caseworkers with 15 comparable applications each: four grant 12, the outlier
    grants 1. Next of kin on all of one caseworker's grants, a lawyer on five others."""
    w = build(world, east=0, east_pathways=0, west=0, west_pathways=0)
    w.outlier = caseworker(w, "avviker", "Ola Avviker")
    w.colleagues = [caseworker(w, f"kollega{i}", f"Kollega Nr{i}") for i in range(4)]
    w.cases = {}
    for i in range(15):
        w.cases.setdefault(w.outlier.pk, []).append(application(w, w.outlier, granted=i == 0))
    for n, colleague in enumerate(w.colleagues):
        for i in range(15):
            granted = i < 12
            w.cases.setdefault(colleague.pk, []).append(application(
                w, colleague, granted=granted, kin=granted and n == 0,
                lawyer=granted and n == 1 and i < 5))
    return w
