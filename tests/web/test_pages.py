"""The UI shell as a user meets it: login, work area, search, overview, error pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.assets import external_references
from tildel.accounts.models import Role

TODAY = dt.date.today()


@pytest.fixture
def caseworker(world):
    return world.user(Role.CASEWORKER, office=world.east_office, username="sara")


def test_login_page_is_norwegian_and_accessible(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="nb">' in page
    assert "Logg inn" in page and "Brukernavn" in page and "Passord" in page
    assert 'href="#main"' in page and '<main id="main"' in page
    assert "htmx-2.0.11.min.js" in page
    assert external_references(page) == []


def test_login_leads_to_the_work_area(client, caseworker, world):
    world.grant(world.person(), world.east_unit)
    response = client.post(reverse("login"), {"username": "sara",
                                              "password": "rett-passord-123"}, follow=True)
    page = response.content.decode()
    assert "Arbeidsområde" in page and "Øst HVK" in page
    assert "Personsøk" in page and "Tilgangslogg" not in page
    assert re.search(r"Aktive tjenester i dag: <strong>1</strong>", page)


def test_wrong_password_gives_a_norwegian_message(client, caseworker):
    page = client.post(reverse("login"), {"username": "sara", "password": "feil"}).content
    assert "Oppgi korrekt" in page.decode()


def test_five_failures_lock_the_account(client, caseworker):
    for _ in range(5):
        client.post(reverse("login"), {"username": "sara", "password": "feil"})
    response = client.post(reverse("login"), {"username": "sara",
                                              "password": "rett-passord-123"})
    assert "midlertidig låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client, db):
    response = client.get(reverse("person-search"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_search_by_name_number_and_birth_date(client, caseworker, world):
    person = world.person(given="Ingrid", family="Solberg", birth=dt.date(1933, 7, 2))
    world.person(given="Ola", family="Olsen")
    client.force_login(caseworker)
    for query in ["solb", "ingrid sol", "SOLBERG", person.id_number, "020733"]:
        page = client.post(reverse("person-search"), {"q": query}).content.decode()
        assert "Solberg, Ingrid" in page, query
        assert "Olsen" not in page, query
    page = client.post(reverse("person-search"), {"q": "x"}).content.decode()
    assert "Skriv minst to tegn" in page


def test_birth_date_search_takes_both_centuries_and_skips_impossible_dates(world):
    from tildel.people.models import Person
    from tildel.people.search import search

    leap = world.person(given="Skudd", family="Dag", birth=dt.date(2000, 2, 29))
    old = world.person(given="Gammel", family="Dag", birth=dt.date(1912, 3, 1))
    young = world.person(given="Ung", family="Dag", birth=dt.date(2012, 3, 1))
    assert search(Person.objects.all(), "290200") == [leap]  # 1900 was no leap year
    assert {p.pk for p in search(Person.objects.all(), "010312")} == {old.pk, young.pk}
    assert search(Person.objects.all(), "310299") == []
    assert search(Person.objects.all(), "991399") == []
    # Names are ordered without regard to case.
    world.person(given="Eva", family="dahl", birth=dt.date(1950, 1, 1))
    world.person(given="Eva", family="Dbx", birth=dt.date(1950, 1, 2))
    assert [p.family_name for p in search(Person.objects.all(), "d")] == [
        "Dag", "Dag", "Dag", "dahl", "Dbx"]


def test_one_word_lists_family_names_first_then_given_names_in_norwegian_order(world):
    """«Ha» mostly means Hansen or Haugen: family-name matches come first, each group in
    alphabetical order with Æ, Ø and Å after Z, whatever the case of the letters."""
    from tildel.people.models import Person
    from tildel.people.search import search

    for given, family in [("Hanne", "Aas"), ("Per", "Haugen"), ("Kari", "hansen"),
                          ("Ola", "Hæhre"), ("Liv", "Håland"), ("Harald", "Berg"),
                          ("Siri", "Høiby"), ("Eva", "Hagen"), ("Tor", "Ulstein")]:
        world.person(given=given, family=family)
    names = [f"{p.family_name}, {p.given_name}" for p in search(Person.objects.all(), "ha")]
    assert names == ["Hagen, Eva", "hansen, Kari", "Haugen, Per",  # family names
                     "Aas, Hanne", "Berg, Harald"]  # then given names
    names = [p.family_name for p in search(Person.objects.all(), "h")]
    assert names[:6] == ["Hagen", "hansen", "Haugen", "Hæhre", "Høiby", "Håland"]
    assert search(Person.objects.all(), "ha", limit=2) == list(
        Person.objects.filter(family_name__in=["Hagen", "hansen"]).order_by("family_name"))
    assert search(Person.objects.all(), "h%") == [] and search(Person.objects.all(), "h_") == []
    assert search(Person.objects.all(), "[") == [] and search(Person.objects.all(), "ø!") == []
    assert [p.family_name for p in search(Person.objects.all(), "HØ")] == ["Høiby"]


def test_a_common_family_name_leaves_room_for_the_given_name_and_says_there_is_more(
        world, client, caseworker):
    """«Hans» finds 30 named Hansen and one Hans: a third of the 25 places are kept for
    given names, and the page says there are more hits than shown."""
    from tildel.people.models import Person
    from tildel.people.search import search

    for n in range(30):
        world.person(given=f"Kari{n:02d}", family="Hansen", birth=dt.date(1940, 1, 1)
                     + dt.timedelta(days=n))
    world.person(given="Hans", family="Berg")
    found = search(Person.objects.all(), "hans")
    assert len(found) == 25 and found.more
    assert [p.family_name for p in found] == ["Hansen"] * 24 + ["Berg"]
    client.force_login(caseworker)
    page = client.post(reverse("person-search"), {"q": "hans"}).content.decode()
    assert "Berg, Hans" in page and "Det finnes flere treff" in page
    page = client.post(reverse("person-search"), {"q": "berg"}).content.decode()
    assert "Berg, Hans" in page and "Det finnes flere treff" not in page


def test_search_results_link_by_internal_id_never_by_number(client, caseworker, world):
    person = world.person(given="Ingrid", family="Solberg")
    client.force_login(caseworker)
    page = client.post(reverse("person-search"), {"q": "solberg"}).content.decode()
    links = re.findall(r'href="([^"]+)"', page)
    assert reverse("person-overview", args=[person.pk]) in links
    assert not any(person.id_number in link or "Solberg" in link for link in links)


def test_search_answers_htmx_with_the_result_fragment_only(client, caseworker, world):
    world.person(given="Ingrid", family="Solberg")
    client.force_login(caseworker)
    page = client.post(reverse("person-search"), {"q": "solberg"},
                       headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "Solberg, Ingrid" in page


def test_overview_shows_services_units_and_next_of_kin(client, caseworker, world):
    person = world.person(given="Ingrid", family="Solberg")
    world.grant(person, world.east_unit)
    world.grant(person, world.east_unit, code="trygghetsalarm", hours=None)
    world.grant(person, world.east_unit, code="praktisk-bistand",
                start=TODAY - dt.timedelta(days=400), end=TODAY - dt.timedelta(days=100))
    person.next_of_kin.create(name="Per Solberg", relation="Sønn", is_primary=True)
    client.force_login(caseworker)
    page = client.get(reverse("person-overview", args=[person.pk])).content.decode()
    assert "Helsetjenester i hjemmet (hjemmesykepleie)" in page
    assert "10 t/mnd" in page
    assert "utgått kode" in page  # safety alarm, code 6, moved to 9346
    assert "Avsluttede tjenester (1)" in page
    assert "Hjemmetjenesten Øst" in page
    assert "Per Solberg – Sønn (nærmeste pårørende)" in page


def test_overview_of_a_person_with_a_line_without_a_unit(client, caseworker, world):
    """Found by the load test on the city demo: a line with no provider unit gave a 500."""
    person = world.person(given="Uten", family="Enhet")
    world.grant(person, None, code="trygghetsalarm", hours=None)
    world.grant(person, world.east_unit)
    client.force_login(caseworker)
    response = client.get(reverse("person-overview", args=[person.pk]))
    assert response.status_code == 200
    assert "Hjemmetjenesten Øst" in response.content.decode()


def _overview_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("person-overview", args=[person.pk])).status_code == 200
    return len(queries)


def test_overview_query_count_does_not_grow_with_the_history(client, caseworker, world):
    small = world.person(given="Liten")
    big = world.person(given="Stor")
    for person, count in ((small, 3), (big, 30)):
        for i in range(count):
            world.grant(person, world.east_unit, start=TODAY - dt.timedelta(days=10 * i + 5),
                        end=TODAY - dt.timedelta(days=10 * i) if i else None)
            person.next_of_kin.create(name=f"Pårørende {i}", relation="Barn")
    client.force_login(caseworker)
    _overview_queries(client, small)  # warm the session
    assert _overview_queries(client, small) == _overview_queries(client, big)


def test_404_is_norwegian_and_plain(client, caseworker):
    client.force_login(caseworker)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()
    assert "urlpatterns" not in response.content.decode()


def test_signed_in_pages_are_not_cached(client, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"


def test_aggregate_roles_get_a_work_area_without_person_search(client, world):
    client.force_login(world.user(Role.ANALYST))
    page = client.get(reverse("home")).content.decode()
    assert "aggregert nivå" in page and "Personsøk" not in page
    assert client.get(reverse("person-search")).status_code == 403


def test_health_answers_without_login_and_reads_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/helse/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_work_area_counts_todays_lines_and_the_persons_they_serve(client, world):
    """Arbeidsområde: a person with two active lines counts once among the recipients;
    an ended line and a person in another district do not count."""
    kari, ola, vest = world.person(), world.person(given="Ola"), world.person(world.west)
    world.grant(kari, world.east_unit)
    world.grant(kari, world.east_unit, code="praktisk-bistand")
    world.grant(ola, world.east_unit)
    world.grant(ola, world.east_unit, start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    world.grant(vest, world.west_unit)
    caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    provider = world.user(Role.PROVIDER_LEADER, unit=world.east_unit)
    for user in (caseworker, provider):
        client.force_login(user)
        page = re.sub(r"\s+", " ", client.get(reverse("home")).content.decode())
        assert ("Aktive tjenester i dag: <strong>3</strong> hos <strong>2</strong> "
                "tjenestemottakere.") in page
