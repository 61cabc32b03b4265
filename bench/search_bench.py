"""Person search benchmark (issue 9, item 5): name prefixes, whole numbers and birth dates
over the city-size demo (about 60,000 persons, a caseworker's districts and the whole
municipality), then over 500,000 persons (the national view), topped up with synthetic
persons. Budget: p95 under 50 ms for each. Prints a table; exits non-zero if missed.

Run with ``make bench-search`` (PostgreSQL); TILDEL_BENCH_REUSE=1 keeps an existing city.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time

P95_MS = 50.0
NATIONAL = 500_000
ROUNDS = 3  # every query of the mix is timed this many times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def query_mix(rng: random.Random, count: int = 60) -> list[str]:
    """What caseworkers type: two to four letters of a family name (the form asks for at
    least two), a given name and the start of a family name, a whole fødselsnummer, or a
    birth date (ddmmyy)."""
    from tildel.people.models import Person

    sample = list(Person.objects.order_by("?").values_list(
        "given_name", "family_name", "id_number", "birth_date")[:count])
    mix = []
    for given, family, number, birth in sample:
        kind = rng.randrange(4)
        if kind == 0:
            mix.append(family[:rng.randint(2, 4)])
        elif kind == 1:
            mix.append(f"{given.split()[0]} {family[:3]}")
        elif kind == 2:
            mix.append(number)
        else:
            mix.append(f"{birth:%d%m%y}")
    return mix


def time_searches(persons, queries: list[str]) -> tuple[float, float]:
    """p50 and p95 in ms of ``search`` over ``persons`` for every query, ROUNDS times."""
    from tildel.people.search import search

    timings = []
    for _ in range(ROUNDS):
        for query in queries:
            start = time.perf_counter()
            search(persons, query)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), _p95(timings)


def top_up(target: int) -> int:
    """Add synthetic persons (valid numbers that name no one) until there are ``target``;
    written by COPY, in a second municipality so the demo's own figures are untouched."""
    from django.db import connection
    from faker import Faker

    from tildel.organisation.models import District, Municipality
    from tildel.people.models import Person
    from tildel.rules import identity

    have = Person.objects.count()
    if have >= target:
        return have
    municipality, _ = Municipality.objects.get_or_create(
        number="9999", defaults={"name": "Nasjonal søkeprøve (benchmark)"})
    district, _ = District.objects.get_or_create(
        municipality=municipality, number=1, defaults={"name": "Hele landet"})
    rng = random.Random(500)
    used = set(Person.objects.values_list("id_number", flat=True))
    fake = Faker("no_NO")  # Norwegian names in their real proportions, as the demo's
    fake.seed_instance(500)
    rows = []
    while have + len(rows) < target:
        birth = dt.date(1920, 1, 1) + dt.timedelta(days=rng.randrange(365 * 100))
        sex = identity.LegalSex.FEMALE if rng.random() < 0.5 else identity.LegalSex.MALE
        number = identity.synthetic_number(birth, sex, rng)
        if number in used:
            continue
        used.add(number)
        female = sex == identity.LegalSex.FEMALE
        rows.append((number, "1", birth.isoformat(), sex.value, "t",
                     fake.first_name_female() if female else fake.first_name_male(),
                     fake.last_name(),
                     str(municipality.pk), str(district.pk), "f"))
    fields = ("id_number", "id_type", "birth_date", "legal_sex", "synthetic_id", "given_name",
              "family_name", "municipality_id", "district_id", "intellectual_disability")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY people_person ({', '.join(fields)}, address, postal_code, "
                         "postal_place, phone, created_at) FROM STDIN") as copy:
            now = dt.datetime.now(dt.UTC)
            for row in rows:
                copy.write_row((*row, "", "", "", "", now))
        cursor.execute("ANALYZE people_person")
    return Person.objects.count()


def search_benchmarks() -> list[tuple[str, str, float, str, float]]:
    """Rows of (name, what, value, unit, budget)."""
    from tildel.accounts import access
    from tildel.accounts.models import Role, User
    from tildel.people.models import Person

    rng = random.Random(9)
    queries = query_mix(rng)
    caseworker = User.objects.filter(role=Role.CASEWORKER).order_by("pk").first()
    rows = []
    p50, p95 = time_searches(access.persons_visible_to(caseworker), queries)
    from insight_bench import city as city_municipality

    city = Person.objects.filter(municipality=city_municipality()).count()
    rows += [("search_caseworker_p95", f"{city} persons, own districts", p95, "ms", P95_MS),
             ("search_caseworker_p50", f"{len(queries)} queries × {ROUNDS}", p50, "ms", 0)]
    p50, p95 = time_searches(Person.objects.filter(municipality=city_municipality()),
                             queries)
    rows += [("search_municipality_p95", f"{city} persons, the whole city", p95, "ms",
              P95_MS)]
    national = top_up(NATIONAL)
    p50, p95 = time_searches(Person.objects.all(), queries + query_mix(rng, 20))
    rows += [("search_national_p95", f"{national} persons, all", p95, "ms", P95_MS),
             ("search_national_p50", "", p50, "ms", 0)]
    return rows


def main() -> int:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from run import prepare_django

    with tempfile.TemporaryDirectory() as tmp:
        prepare_django(tmp)
        from django.db import connection

        if connection.vendor != "postgresql":
            print("The search benchmark runs on PostgreSQL (make bench-search).")
            return 1
        from insight_bench import build_city

        build_city()
        rows = search_benchmarks()
    missed = 0
    print(f"{'benchmark':<28}{'measured':<36}{'value':>10}  budget")
    for name, what, value, unit, budget in rows:
        ok = not budget or value <= budget
        missed += not ok
        mark = f"< {budget:.0f} {unit} {'ok' if ok else 'MISSED'}" if budget else ""
        print(f"{name:<28}{what:<36}{value:>8.1f} {unit}  {mark}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
