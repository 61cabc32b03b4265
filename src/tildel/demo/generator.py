"""The synthetic demo municipality (demokommune), one generator for every size.

Deterministic: the same ``seed`` and ``as_of`` date give the same data. Fødselsnummer are
synthetic (month + 80, Skatteetaten's test series) and validate, but name no one. Phone
numbers start with 0, which no Norwegian number does. Medium is shaped like the Stavanger
report (000): four districts with their HVK and home-based services, about 3,000
recipients over three years, home-nursing hours calibrated so the share of users per
financing level matches report 000 table 2.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from faker import Faker
from stdnum.no import orgnr

from tildel.accounts.models import AccessLogEntry, Role, User
from tildel.bulkwrite import bulk_write
from tildel.casework.models import Decision, ServiceLine
from tildel.catalogue.models import ServiceVersion
from tildel.demo.casework import build_casework
from tildel.demo.financing import build_financing
from tildel.demo.history import build_history
from tildel.demo.provision import build_provision, reablement_examples
from tildel.organisation.models import (
    AllocationOffice,
    District,
    Municipality,
    ProviderKind,
    ProviderUnit,
)
from tildel.people.models import Guardian, NextOfKin, Person
from tildel.rules import identity
from tildel.rules.financing.levels import DEFAULT_BANDS, LEVELS_IN_ORDER, Level

from .calibration import AGE_GROUP_SHARES, LEVEL_SHARES_2021, STAVANGER_DISTRICTS
from .hospital import build_hospital
from .housing import build_bpa, build_house_accounts, build_housing
from .places import build_places
from .respite import build_respite
from .sizes import SIZES, DemoSize

DEMO_PASSWORD = "tildel-demo"  # noqa: S105 - printed by `make run`; demo data only

OSLO_DISTRICTS = ["Gamle Oslo", "Grünerløkka", "Sagene", "St. Hanshaugen", "Frogner",
                  "Ullern", "Vestre Aker", "Nordre Aker", "Bjerke", "Grorud", "Stovner",
                  "Alna", "Østensjø", "Nordstrand", "Søndre Nordstrand"]

BATCH = 1000


class DatabaseNotEmpty(RuntimeError):
    """The database already holds a municipality; ``--reset`` is needed."""


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


@dataclass
class DemoResult:
    municipality: Municipality
    persons: int = 0
    decisions: int = 0
    service_lines: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def database_has_data() -> bool:
    return Municipality.objects.exists() or Person.objects.exists()


def reset_database() -> None:
    """Remove everything the demo creates; the seeded service catalogue stays.

    The access log is append-only for the application; a reset of a demo database is
    the one place it is emptied, with plain SQL, inside the same transaction.
    """
    from tildel.exchange import models as exchange
    from tildel.hospital.models import DischargeRate, HospitalStay
    from tildel.housing.models import (
        BpaArrangement,
        IndividualPlan,
        RespiteHome,
        RespitePlan,
        RotaShift,
    )
    from tildel.insight import models as insight
    from tildel.places import models as places

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AccessLogEntry._meta.db_table}")  # noqa: S608
        for model in (exchange.KprNotification, exchange.KprEvent, exchange.KprBatch,
                      exchange.KprExpected, exchange.KprExpectedProblem,
                      exchange.KprDerivation, exchange.RegisterContact, exchange.PloMessage,
                      exchange.ExternalId,
                      HospitalStay, DischargeRate, places.WaitingListEntry, places.Deviation,
                      places.Occupancy, places.Place, places.Institution, RotaShift,
                      RespitePlan, RespiteHome, BpaArrangement, IndividualPlan):
            model.objects.all().delete()
        delete_casework()
        for model in (insight.CoercionDecision, insight.UnitStaffing, insight.Population):
            model.objects.all().delete()
        ServiceLine.objects.all().delete()
        Decision.objects.all().delete()
        for model in (NextOfKin, Guardian):
            model.objects.all().delete()
        Person.objects.all().delete()
        for history_model in (Person.history.model, NextOfKin.history.model,
                              Guardian.history.model, Decision.history.model,
                              ServiceLine.history.model, User.history.model):
            history_model.objects.all().delete()
        User.objects.all().delete()
        AllocationOffice.objects.all().delete()
        ProviderUnit.objects.all().delete()
        District.objects.all().delete()
        Municipality.objects.all().delete()
        exchange.KprChange.objects.all().delete()  # written by the triggers as rows went


def refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL's planner has no statistics and picks nested loops over
    thousands of rows (seen: minutes for one calibration query); ANALYZE fixes that."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def delete_casework() -> None:
    """Everything casework creates, children before parents."""
    from tildel.casework import models as cw
    from tildel.delivery import models as dl
    from tildel.financing import models as fn
    from tildel.pathways import models as pw
    from tildel.provision import models as pv

    for model in (fn.BudgetUnit, fn.Budget, fn.AccountEntry, cw.ServicePause,
                  cw.ServicePause.history.model):
        model.objects.all().delete()
    for model in (dl.Visit, dl.VisitImportError, dl.VisitImport):
        model.objects.all().delete()
    for model in (pw.TeamMember, pw.CourseGoal, pw.Course, pw.PathwayService, pw.Pathway,
                  pw.PathwaySettings):
        model.objects.all().delete()
    for model in (pw.Course, pw.Pathway):
        model.history.model.objects.all().delete()
    pv.Adjustment.objects.all().delete()
    pv.ChangeRequest.objects.all().delete()
    pv.ChangeRequest.history.model.objects.all().delete()
    cw.Decision.objects.update(replaces=None, forum_meeting=None)
    for model in (cw.Dispatch, cw.Letter, cw.Revision, cw.Order, cw.ImmediateMeasure):
        model.objects.all().delete()
    cw.Complaint.objects.update(new_decision=None)
    for model in (cw.Complaint, cw.Task, cw.CaseEvent, cw.FunctionalScore,
                  cw.InformationRequest, cw.Assessment, cw.ServiceLine, cw.Decision,
                  cw.Enquiry, cw.CaseSuspension, cw.CaseExtension, cw.ConflictOfInterest,
                  cw.Case, cw.ForumMeeting, cw.RoutingRule, cw.Absence, cw.WorkQueue,
                  cw.OfficeSettings):
        model.objects.all().delete()
    for model in (cw.Case, cw.Assessment, cw.Complaint, cw.WorkQueue, cw.RoutingRule):
        model.history.model.objects.all().delete()


class Generator:
    """Builds the municipality; ``progress(step, advance, total)`` reports as it goes."""

    def __init__(self, size: DemoSize, seed: int, as_of: dt.date,
                 progress: Callable[[str, int, int | None], None] | None = None):
        self.size = size
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.fake = Faker("no_NO")  # Faker names the Norwegian (bokmål) locale no_NO
        self.fake.seed_instance(seed)
        self.progress = progress or (lambda step, advance, total: None)
        self.visits = True  # the key-figure benchmark builds a city without visit logs
        self.versions = self._service_versions()

    # -- organisation -----------------------------------------------------------------

    def _org_number(self) -> str:
        while True:
            base = f"9{self.rng.randrange(10_000_000):07d}"
            valid = [base + str(d) for d in range(10) if orgnr.is_valid(base + str(d))]
            if valid:
                return valid[0]

    def build_organisation(self) -> tuple[Municipality, list[District]]:
        if self.size.districts == 4:
            municipality = Municipality.objects.create(number="1103",
                                                       name="Stavanger (demo)")
            names = [(n, name, office) for n, name, office in STAVANGER_DISTRICTS]
        else:
            municipality = Municipality.objects.create(number="0301", name="Oslo (demo)")
            names = [(i + 1, name, f"Tildelingskontoret {name}")
                     for i, name in enumerate(OSLO_DISTRICTS[: self.size.districts])]
        districts = []
        for number, name, office_name in names:
            district = District.objects.create(municipality=municipality, number=number,
                                               name=name)
            office = AllocationOffice.objects.create(name=office_name)
            office.districts.add(district)
            home = ProviderUnit.objects.create(
                municipality=municipality, name=f"Hjemmebaserte tjenester {name}",
                kind=ProviderKind.HOME_NURSING, organisation_number=self._org_number())
            home.districts.add(district)
            env = ProviderUnit.objects.create(
                municipality=municipality, name=f"Miljøtjenesten {name}",
                kind=ProviderKind.ENVIRONMENTAL, organisation_number=self._org_number())
            env.districts.add(district)
            districts.append(district)
        citywide = [
            ("Praktisk bistand", ProviderKind.PRACTICAL_HELP),
            ("Hverdagsrehabilitering (HRH)", ProviderKind.EVERYDAY_MASTERY),
            ("Bo og habilitering", ProviderKind.HOUSING_HABILITATION),
            ("Avlastning", ProviderKind.RESPITE),
            ("Sykehjemmene", ProviderKind.INSTITUTION),
            ("Trygghetsalarm og velferdsteknologi", ProviderKind.OTHER),
        ]
        for name, kind in citywide:
            unit = ProviderUnit.objects.create(municipality=municipality, name=name, kind=kind,
                                               organisation_number=self._org_number())
            unit.districts.set(districts)
        # The register's feedback goes to these (synthetic) people; .invalid never delivers.
        from tildel.exchange.models import RegisterContact

        RegisterContact.objects.bulk_create([
            RegisterContact(municipality=municipality, kind=RegisterContact.Kind.IPLOS_CONTACT,
                            name="Ingrid IPLOS (demo)", email="iplos@kommune.invalid",
                            phone="00000000"),
            RegisterContact(municipality=municipality,
                            kind=RegisterContact.Kind.IPLOS_SUBMITTER,
                            name="Ivar Innsender (demo)", email="kpr@kommune.invalid")])
        return municipality, districts

    def build_users(self, municipality: Municipality, districts: list[District]
                    ) -> list[DemoLogin]:
        first, second = districts[-1], districts[0]
        office = first.allocation_offices.get()
        other_office = second.allocation_offices.get()
        home_unit = ProviderUnit.objects.get(name=f"Hjemmebaserte tjenester {first.name}")
        mastery_unit = ProviderUnit.objects.get(name="Hverdagsrehabilitering (HRH)")
        specs = [
            ("saksbehandler", "Sara", "Saksbehandler", Role.CASEWORKER, office, None),
            ("saksbehandler2", "Sindre", "Saksbehandler", Role.CASEWORKER, other_office, None),
            ("leder.tildeling", "Live", "Leder", Role.OFFICE_LEADER, office, None),
            ("leder.hjemmetjeneste", "Hege", "Leder", Role.PROVIDER_LEADER, None, home_unit),
            ("tjenesteyter", "Tone", "Tjenesteyter", Role.PROVIDER_STAFF, None, home_unit),
            ("hverdagsmestring", "Mona", "Ergoterapeut", Role.PROVIDER_STAFF, None,
             mastery_unit),
            ("ledelse", "Kari", "Kommunalsjef", Role.MANAGEMENT, None, None),
            ("analytiker", "Anders", "Analytiker", Role.ANALYST, None, None),
            ("admin", "Ada", "Administrator", Role.ADMINISTRATOR, None, None),
        ]
        logins = []
        for username, first_name, last_name, role, alloc, unit in specs:
            user = User(username=username, first_name=first_name, last_name=last_name,
                        role=role, allocation_office=alloc, provider_unit=unit,
                        is_staff=role == Role.ADMINISTRATOR,
                        is_superuser=role == Role.ADMINISTRATOR)
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.municipalities.add(municipality)
            where = str(alloc or unit or municipality.name)
            logins.append(DemoLogin(username, Role(role).label, where))
        return logins

    # -- services ---------------------------------------------------------------------

    @staticmethod
    def _service_versions() -> dict[str, list[ServiceVersion]]:
        versions: dict[str, list[ServiceVersion]] = {}
        for version in ServiceVersion.objects.select_related("service").order_by("valid_from"):
            versions.setdefault(version.service.code, []).append(version)
        return versions

    def _version(self, code: str, day: dt.date) -> ServiceVersion:
        candidates = [v for v in self.versions[code] if v.valid_from <= day]
        return candidates[-1] if candidates else self.versions[code][0]

    def _level_for(self, district: District) -> Level:
        shares = LEVEL_SHARES_2021.get(district.name)
        if shares is None:
            columns = list(LEVEL_SHARES_2021.values())
            shares = columns[(district.number - 1) % len(columns)]
        return self.rng.choices(LEVELS_IN_ORDER, weights=[shares[lv] for lv in LEVELS_IN_ORDER])[0]

    def _hours_for_level(self, level: Level) -> Decimal:
        """Decided hours per month inside the level's band (default 20-hour bands)."""
        edges = [float(e) for e in DEFAULT_BANDS.edges]
        if level is Level.BASE:
            hours = min(19.5, max(0.5, self.rng.lognormvariate(1.6, 0.7)))
        elif level is Level.FOCUS:
            hours = edges[-1] + 0.5 + self.rng.expovariate(1 / 60)
        else:
            index = LEVELS_IN_ORDER.index(level)
            hours = self.rng.uniform(edges[index - 1], edges[index] - 0.5)
        return Decimal(str(round(hours * 2) / 2))

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        days = max(0, (end - start).days)
        return start + dt.timedelta(days=self.rng.randint(0, days))

    # -- persons ----------------------------------------------------------------------

    def _birth_date(self) -> dt.date:
        low, high, _ = self.rng.choices(AGE_GROUP_SHARES,
                                        weights=[s for _, _, s in AGE_GROUP_SHARES])[0]
        age = self.rng.randint(low, high)
        year = self.as_of.year - age
        return self._date_between(dt.date(year, 1, 1), dt.date(year, 12, 28))

    def _phone(self) -> str:
        digits = f"0{self.rng.randrange(10_000_000):07d}"
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"

    def _person(self, municipality: Municipality, district: District, used: set[str]
                ) -> Person:
        sex = self.rng.choice([identity.LegalSex.FEMALE, identity.LegalSex.MALE])
        birth = self._birth_date()
        while True:
            number = identity.synthetic_number(birth, sex, self.rng,
                                               d_number=self.rng.random() < 0.02)
            if number not in used:
                used.add(number)
                break
        parsed = identity.parse(number)
        given = (self.fake.first_name_female() if sex is identity.LegalSex.FEMALE
                 else self.fake.first_name_male())
        return Person(
            id_number=number, id_type=parsed.id_type.value, birth_date=parsed.birth_date,
            legal_sex=parsed.legal_sex.value, synthetic_id=True, given_name=given,
            family_name=self.fake.last_name(), municipality=municipality, district=district,
            address=self.fake.street_address(), postal_code=self.fake.postcode(),
            postal_place=self.fake.city(), phone=self._phone())

    def _plan_services(self, person: Person, home_unit: ProviderUnit, env_unit: ProviderUnit,
                       citywide: dict[str, ProviderUnit]) -> Iterator[dict]:
        """The person's service history as plain dicts (one decision per line)."""
        history_start = self.as_of - dt.timedelta(days=365 * self.size.years)
        death = person.date_of_death
        horizon = death or self.as_of

        def line(code, unit, extent, start, end=None, reason=""):
            if death and (end is None or end > death):
                end, reason = death, "Dødsfall"
            if end is not None and end < start:
                end = start
            return {"code": code, "unit": unit, "extent": extent, "start": start, "end": end,
                    "reason": reason}

        first_start = self._date_between(history_start, horizon)
        roll = self.rng.random
        planned = []
        if roll() < 0.85:
            level = self._level_for(person.district)
            ended = roll() < 0.2
            end = self._date_between(first_start, horizon) if ended else None
            planned.append(line("hjemmesykepleie", home_unit, self._hours_for_level(level),
                                first_start, end, "Behov opphørt" if ended else ""))
            if roll() < 0.12:
                # Everyday rehabilitation first: about four weeks (report 000 §2.5).
                rehab_start = max(history_start, first_start - dt.timedelta(days=28))
                planned.append(line("hverdagsrehabilitering", citywide["hrh"],
                                    Decimal(self.rng.choice([3, 4, 5])), rehab_start,
                                    rehab_start + dt.timedelta(days=27), "Tidsbegrenset"))
        if roll() < 0.3:
            planned.append(line("praktisk-bistand", citywide["practical"],
                                Decimal(self.rng.choice([0.5, 1, 1.5, 2, 3, 4])),
                                self._date_between(history_start, horizon)))
        if roll() < 0.35:
            planned.append(line("trygghetsalarm", citywide["alarm"], None,
                                self._date_between(history_start, horizon)))
        if roll() < 0.08:
            planned.append(line("miljotjeneste", env_unit,
                                Decimal(self.rng.randint(4, 40)),
                                self._date_between(history_start, horizon)))
        if roll() < 0.04:
            planned.append(line("langtidsopphold", citywide["institution"], None,
                                self._date_between(history_start, horizon)))
        if roll() < 0.02:
            start = self._date_between(history_start, horizon)
            planned.append(line("avlastning-institusjon", citywide["respite"],
                                Decimal(self.rng.randint(4, 14)), start,
                                start + dt.timedelta(days=self.rng.randint(30, 365))))
        if roll() < 0.01:
            planned.append(line("bpa", citywide["housing"], Decimal(self.rng.randint(10, 60)),
                                self._date_between(history_start, horizon)))
        if not planned:
            planned.append(line("trygghetsalarm", citywide["alarm"], None, first_start))
        yield from planned

    def _relatives(self, person: Person) -> list[NextOfKin]:
        relatives = []
        for index in range(self.rng.choices([0, 1, 2], weights=[2, 5, 3])[0]):
            relation = self.rng.choice(["Datter", "Sønn", "Ektefelle", "Samboer", "Søster",
                                        "Bror", "Nabo"])
            relatives.append(NextOfKin(person=person, name=self.fake.name(),
                                       relation=relation, phone=self._phone(),
                                       is_primary=index == 0))
        return relatives

    def build_people(self, municipality: Municipality, districts: list[District]
                     ) -> tuple[int, int, int]:
        units = {u.name: u for u in ProviderUnit.objects.filter(municipality=municipality)}
        citywide = {"hrh": units["Hverdagsrehabilitering (HRH)"],
                    "practical": units["Praktisk bistand"],
                    "housing": units["Bo og habilitering"], "respite": units["Avlastning"],
                    "institution": units["Sykehjemmene"],
                    "alarm": units["Trygghetsalarm og velferdsteknologi"]}
        offices = {d.pk: d.allocation_offices.get() for d in districts}
        total = self.size.recipients
        used: set[str] = set()
        created = decisions_made = lines_made = 0
        while created < total:
            count = min(BATCH, total - created)
            with transaction.atomic():
                persons = []
                for _ in range(count):
                    district = self.rng.choice(districts)
                    person = self._person(municipality, district, used)
                    if self.rng.random() < 0.03:
                        person.date_of_death = self._date_between(
                            self.as_of - dt.timedelta(days=365 * self.size.years), self.as_of)
                    persons.append(person)
                Person.objects.bulk_create(persons)
                relatives, guardians, decisions, plans = [], [], [], []
                for person in persons:
                    relatives.extend(self._relatives(person))
                    if self.rng.random() < 0.05:
                        guardians.append(Guardian(
                            person=person, name=self.fake.name(), phone=self._phone(),
                            scope=self.rng.choice(["Økonomiske forhold",
                                                   "Økonomiske og personlige forhold"]),
                            valid_from=self._date_between(person.birth_date, self.as_of)))
                    home = units[f"Hjemmebaserte tjenester {person.district.name}"]
                    env = units[f"Miljøtjenesten {person.district.name}"]
                    for plan in self._plan_services(person, home, env, citywide):
                        decided_on = plan["start"] - dt.timedelta(days=self.rng.randint(0, 21))
                        decisions.append(Decision(
                            person=person, allocation_office=offices[person.district_id],
                            status=Decision.Status.DECIDED, decided_on=decided_on,
                            reasons="Syntetisk demovedtak."))
                        plans.append(plan)
                NextOfKin.objects.bulk_create(relatives)
                Guardian.objects.bulk_create(guardians)
                Decision.objects.bulk_create(decisions)
                lines = []
                for decision, plan in zip(decisions, plans, strict=True):
                    version = self._version(plan["code"], plan["start"])
                    lines.append(ServiceLine(
                        decision=decision, service_version=version, provider_unit=plan["unit"],
                        extent=plan["extent"], extent_unit=version.extent_unit,
                        start=plan["start"], end=plan["end"], end_reason=plan["reason"]))
                ServiceLine.objects.bulk_create(lines)
            created += count
            decisions_made += len(decisions)
            lines_made += len(lines)
            self.progress("Tjenestemottakere", count, total)
        return created, decisions_made, lines_made

    def run(self) -> DemoResult:
        if database_has_data():
            raise DatabaseNotEmpty(
                "Databasen inneholder allerede data. Bruk --reset for å slette og lage "
                "demokommunen på nytt.")
        with transaction.atomic():
            municipality, districts = self.build_organisation()
            logins = self.build_users(municipality, districts)
        self.progress("Organisasjon og brukere", 1, 1)
        persons, decisions, lines = self.build_people(municipality, districts)
        refresh_planner_statistics()
        with transaction.atomic():
            build_casework(list(AllocationOffice.objects.filter(
                districts__municipality=municipality).distinct().values_list("id", flat=True)),
                self.as_of, self.seed)
        self.progress("Saker i arbeid", 1, 1)
        with transaction.atomic():
            build_provision(municipality, self.as_of, self.seed, self.progress)
            reablement_examples(municipality, self.as_of)
        with transaction.atomic():
            build_housing(municipality, self.as_of, self.seed, self.size.recipients)
            build_history(municipality, self.as_of, self.seed, self.progress)
        from tildel.delivery.demo import generate_visits

        if self.visits:
            generate_visits(self.as_of, self.seed, progress=self.progress)
        with transaction.atomic():
            build_financing(municipality, self.as_of, self.seed, self.progress)
        with transaction.atomic():
            build_hospital(municipality, self.as_of, self.seed, self.size.recipients,
                           self.progress)
        with transaction.atomic():
            build_places(municipality, districts, self.as_of, self.seed, self.size.recipients,
                         self.progress)
            build_house_accounts(municipality, self.as_of, self.seed)
            build_respite(municipality, self.as_of, self.size.recipients)
            build_bpa(municipality, self.as_of, self.seed)
        return DemoResult(municipality, persons, decisions, lines, logins)


def generate(size: str = "medium", seed: int = 2022, as_of: dt.date | None = None,
             reset: bool = False, progress=None, visits: bool = True) -> DemoResult:
    """Create the demo municipality; refuses a non-empty database unless ``reset``."""
    if reset:
        reset_database()
    generator = Generator(SIZES[size], seed, as_of or dt.date.today(), progress)
    generator.visits = visits
    with bulk_write():  # the next KPR refresh and overview views work it all out once
        return generator.run()
