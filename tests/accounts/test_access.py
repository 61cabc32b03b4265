"""Who may open whose record: role, district and unit (Normen: access by need only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tildel.accounts import access
from tildel.accounts.models import AccessLogEntry, AccessOutcome, Role

TODAY = dt.date.today()


@pytest.fixture
def people(world):
    east = world.person(world.east, given="Eva", family="Østby")
    west = world.person(world.west, given="Vera", family="Vestli")
    ended = world.person(world.east, given="Erik", family="Endt")
    planned = world.person(world.east, given="Pia", family="Plan")
    world.grant(east, world.east_unit)
    world.grant(west, world.west_unit)
    world.grant(ended, world.east_unit, start=TODAY - dt.timedelta(days=90),
                end=TODAY - dt.timedelta(days=1))
    world.grant(planned, world.east_unit, start=TODAY + dt.timedelta(days=7))
    return {"east": east, "west": west, "ended": ended, "planned": planned}


def users(world):
    return {
        Role.CASEWORKER: world.user(Role.CASEWORKER, office=world.east_office),
        Role.OFFICE_LEADER: world.user(Role.OFFICE_LEADER, office=world.east_office),
        Role.PROVIDER_LEADER: world.user(Role.PROVIDER_LEADER, unit=world.east_unit),
        Role.PROVIDER_STAFF: world.user(Role.PROVIDER_STAFF, unit=world.east_unit),
        Role.MANAGEMENT: world.user(Role.MANAGEMENT),
        Role.ANALYST: world.user(Role.ANALYST),
        Role.ADMINISTRATOR: world.user(Role.ADMINISTRATOR),
    }


# role -> the people it may open
EXPECTED = {
    Role.CASEWORKER: {"east", "ended", "planned"},     # everyone in the office's district
    Role.OFFICE_LEADER: {"east", "ended", "planned"},
    Role.PROVIDER_LEADER: {"east", "planned"},         # only whom the unit serves
    Role.PROVIDER_STAFF: {"east", "planned"},
    Role.MANAGEMENT: set(),                            # aggregates only
    Role.ANALYST: set(),
    Role.ADMINISTRATOR: set(),
}


def test_access_matrix_on_the_person_overview(client, world, people):
    for role, user in users(world).items():
        client.force_login(user)
        for key, person in people.items():
            response = client.get(reverse("person-overview", args=[person.pk]))
            allowed = key in EXPECTED[role]
            if role in (Role.MANAGEMENT, Role.ANALYST, Role.ADMINISTRATOR):
                assert response.status_code == 403, (role, key)
                continue
            assert response.status_code == (200 if allowed else 403), (role, key)
            outcome = AccessOutcome.SHOWN if allowed else AccessOutcome.DENIED
            assert AccessLogEntry.objects.filter(user=user, person=person,
                                                 outcome=outcome).count() == 1, (role, key)


def test_queryset_and_single_check_agree(world, people):
    for role, user in users(world).items():
        visible = set(access.persons_visible_to(user).values_list("pk", flat=True))
        expected = {people[k].pk for k in EXPECTED[role]}
        assert visible == expected, role
        for person in people.values():
            assert access.can_view_person(user, person) == (person.pk in expected), role


def test_superuser_flag_gives_no_access_to_health_data(world, people):
    admin = users(world)[Role.ADMINISTRATOR]
    admin.is_superuser = True
    admin.save()
    assert not access.can_view_person(admin, people["east"])


def test_user_outside_the_municipality_sees_nobody(world, people):
    from tildel.organisation.models import Municipality

    user = world.user(Role.PROVIDER_STAFF, unit=world.east_unit)
    other = Municipality.objects.create(number="1108", name="Annen kommune")
    user.municipalities.set([other])
    assert not access.can_view_person(user, people["east"])
    assert not access.persons_visible_to(user).exists()


def test_denied_attempt_shows_a_norwegian_page_that_leaks_nothing(client, world, people):
    client.force_login(world.user(Role.PROVIDER_STAFF, unit=world.east_unit))
    response = client.get(reverse("person-overview", args=[people["west"].pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Ingen tilgang" in page
    assert "Vestli" not in page and people["west"].id_number not in page


def test_inter_municipal_office_covers_districts_of_two_municipalities(world):
    """Report 004 §5: 11 % of municipalities share an inter-municipal allocation office."""
    from tildel.organisation.models import AllocationOffice, District, Municipality

    neighbour = Municipality.objects.create(number="1108", name="Nabokommune")
    north = District.objects.create(municipality=neighbour, number=1, name="Nord")
    shared = AllocationOffice.objects.create(name="Interkommunalt tildelingskontor")
    shared.districts.add(world.east, north)
    here = world.person(world.east, family="Heim")
    there = world.person(north, family="Nabo")
    both = world.user(Role.CASEWORKER, office=shared)
    both.municipalities.add(neighbour)
    assert set(access.persons_visible_to(both)) == {here, there}
    only_home = world.user(Role.CASEWORKER, office=shared)  # scoped to one municipality
    assert set(access.persons_visible_to(only_home)) == {here}
    assert not access.can_view_person(only_home, there)
