"""Demo application history (søknadshistorikk): what the key figures (nøkkeltall) count.

The generator bulk-creates decisions without the cases behind them. This module adds, for
the demo's whole history:

- three more caseworkers per allocation office (``sb.<office id>.<n>``, no password);
- an application case, an enquiry and an assessment with IPLOS scores behind every
  generated decision, with processing times that differ by office (the second office in
  that order is the slow one, so the share decided within three weeks differs);
- refusals (about 12 % of the applications) and partial grants (about 8 %);
- complaints on about 2 % of the decisions, with the office's and Statsforvalteren's
  outcomes, some still pending (report 004);
- revisions of about 30 % of the active decisions, most in time, some late, some open;
- inhabitants per district, year and age band (SSB 07459 style, report 003 coverage);
- monthly staffing of the housing-and-habilitation and environmental units, intellectual
  disability (PU) on users of housing and habilitation or BPA, and kap. 9 coercion
  decisions for some of them (report 001 K3, K7, K8, K14).

IPLOS scores follow the decided hours: the mean of the relevant scores (1–5, 9 left out)
rises with weekly hours (about 3.8 at 20 hours a week of home nursing); refused applicants
score lower on average.

Deliberate outlier for the equal-treatment monitor (likebehandling): the caseworker
``sb.<id>.1`` in the office of the demo's office leader (``leder.tildeling``; Byfjord HVK
in the medium demo; offices are otherwise taken by id) refuses
home-nursing applications from applicants with a mean score of 3.5 or more about 35 % of
the time, against about 8 % for everyone else; in the medium demo at least 30 such
applications are hers. Every other caseworker refuses at the common rate.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from faker import Faker

from tildel.accounts.models import Role, User
from tildel.casework.models import (
    Assessment,
    Case,
    Channel,
    Complaint,
    Decision,
    Enquiry,
    FunctionalScore,
    Revision,
    SenderRole,
    ServiceLine,
)
from tildel.catalogue.models import Service, ServiceVersion
from tildel.insight.models import AgeBand, CoercionDecision, Population, UnitStaffing
from tildel.organisation.models import AllocationOffice, District, ProviderKind, ProviderUnit
from tildel.people.models import Person
from tildel.rules.iplos import FUNCTIONAL_VARIABLES, NOT_RELEVANT
from tildel.rules.trust_model import decided_weekly_hours

NEW_CASEWORKERS = 3
REFUSAL_SHARE = 0.12
PARTIAL_SHARE = 0.08
HIGH_NEED = 3.5  # mean IPLOS score from which a need counts as extensive (omfattende)
OUTLIER_REFUSAL_RATE = 0.35
COMMON_HIGH_NEED_REFUSAL_RATE = 0.08
OUTLIER_MINIMUM_CASES = 30
# Mean processing days (received to decided) per office, by the office's order by id.
PROCESSING_DAYS = [9, 17, 8, 11]
HOURS_PER_FTE_MONTH = Decimal("162.5")
WEEKS_PER_MONTH = Decimal("4.33")
BATCH = 500

NAMES = {"hjemmesykepleie": "hjemmesykepleie", "praktisk-bistand": "praktisk bistand",
         "trygghetsalarm": "trygghetsalarm", "miljotjeneste": "miljøtjeneste",
         "langtidsopphold": "langtidsopphold i sykehjem",
         "avlastning-institusjon": "avlastning i institusjon",
         "bpa": "brukerstyrt personlig assistanse",
         "hverdagsrehabilitering": "hverdagsrehabilitering", "matombringing": "matombringing"}
# Refused services: mostly home nursing, practical help and long-term stays.
REFUSED_SERVICES = [("hjemmesykepleie", 0.40), ("praktisk-bistand", 0.25),
                    ("langtidsopphold", 0.20), ("trygghetsalarm", 0.05),
                    ("avlastning-institusjon", 0.05), ("matombringing", 0.05)]
ALTERNATIVES = {"hjemmesykepleie": "Medisindispenser og oppfølging fra fastlegen.",
                "praktisk-bistand": "Privat rengjøringshjelp og matombringing.",
                "langtidsopphold": "Økt hjemmesykepleie og korttidsopphold ved behov.",
                "trygghetsalarm": "Mobil trygghetsalarm på egen bekostning.",
                "avlastning-institusjon": "Avlastning i hjemmet.",
                "matombringing": "Hjelp til handling gjennom frivilligsentralen."}
SENDER_ROLES = [(SenderRole.APPLICANT, 0.50), (SenderRole.NEXT_OF_KIN, 0.30),
                (SenderRole.HOSPITAL, 0.15), (SenderRole.GUARDIAN, 0.03),
                (SenderRole.LAWYER, 0.02)]
CHANNELS = {SenderRole.APPLICANT: [Channel.E_FORM, Channel.E_FORM, Channel.PHONE,
                                   Channel.PAPER, Channel.IN_PERSON],
            SenderRole.NEXT_OF_KIN: [Channel.PHONE, Channel.PHONE, Channel.E_FORM,
                                     Channel.PAPER],
            SenderRole.HOSPITAL: [Channel.E_MESSAGE],
            SenderRole.GUARDIAN: [Channel.PAPER, Channel.E_FORM],
            SenderRole.LAWYER: [Channel.PAPER, Channel.E_FORM]}
KIN_NAMES = ["Anne", "Per", "Lise", "Ola", "Kari", "Jon", "Ingrid", "Bjørn", "Marit", "Knut"]
# Offsets per IPLOS group so household tasks score above the mean and senses below.
GROUP_OFFSET = {"Husholdningsaktiviteter": 0.4, "Egenomsorg": 0.1, "Mobilitet": 0.1,
                "Sosial fungering": -0.2, "Kognitiv svikt": 0.0, "Sansesvikt": -0.9}


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """A plain batched INSERT for rows whose ids nobody needs back.

    The ORM's bulk_create spends most of its time building expressions (seen: 8 of the
    14 seconds this module took on the medium demo), which plain ``executemany`` skips.
    Values are prepared by each field, so dates and aware datetimes are stored as the ORM
    would store them.
    """
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - names from the model
           f"({', '.join(quote(c.column) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    prepare = [_memo(c) if c.get_internal_type() in (
        "DateField", "DateTimeField", "DecimalField", "JSONField", "FileField") else None
        for c in columns]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            chunk = rows[start:start + 5000]
            if any(prepare):
                chunk = [tuple(p(v) if p else v for p, v in zip(prepare, row, strict=True))
                         for row in chunk]
            cursor.executemany(sql, chunk)


def _memo(field):
    """The field's preparation, remembered per value: dates repeat thousands of times."""
    seen: dict = {}

    def prepare(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = field.get_db_prep_save(value, connection)
            return seen[value]
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, connection)
    return prepare


class _Record:
    """An unsaved row without a model instance's cost (seen: 2 s of model ``__init__``).

    Takes field names; related objects are kept by id, under the field's attname.
    """

    def __init__(self, model, **values):
        self.pk = None
        for name, value in values.items():
            field = model._meta.get_field(name)
            if field.is_relation and value is not None and hasattr(value, "pk"):
                value = value.pk
            setattr(self, field.attname, value)


def _insert_objects(model, objs: list, set_ids: bool = False) -> None:
    """``_insert_rows`` for records: every concrete field but the id, defaults filled in.

    ``set_ids`` reads the new ids back in insertion order. That is safe only because the
    demo is built by one writer inside one transaction on an otherwise idle database.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: timezone.now() if getattr(f, "auto_now", False)
                or getattr(f, "auto_now_add", False) else f.get_default() for f in fields}
    before = (model.objects.aggregate(last=Max("pk"))["last"] or 0) if set_ids else 0
    _insert_rows(model, [f.name for f in fields],
                 [tuple(getattr(obj, f.attname, defaults[f.attname]) for f in fields)
                  for obj in objs])
    if set_ids:
        ids = list(model.objects.filter(pk__gt=before).order_by("pk").values_list(
            "pk", flat=True))
        if len(ids) != len(objs):
            raise RuntimeError(f"{model.__name__}: another writer inserted rows meanwhile.")
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk


def build_history(municipality, as_of: dt.date, seed: int,
                  progress: Callable[[str, int, int | None], None] | None = None
                  ) -> dict[str, int]:
    """Add the application history to a generated demo municipality; returns counts."""
    return _History(municipality, as_of, seed, progress).run()


class _History:
    """One run: reads what the generator made in a few queries, then writes in bulk."""

    def __init__(self, municipality, as_of: dt.date, seed: int, progress):
        self.municipality = municipality
        self.as_of = as_of
        self.rng = random.Random(seed * 31 + 6)
        self.seed = seed
        self.progress = progress or (lambda step, advance, total: None)
        self.made: dict[str, int] = {}
        self.services = {s.code: s for s in Service.objects.all()}
        self.versions: dict[str, ServiceVersion] = {}
        for version in ServiceVersion.objects.select_related("service").order_by("valid_from"):
            self.versions[version.service.code] = version  # the latest one wins
        # The office with a leader login comes first: the outlier works there, so the
        # demo's office leader (leder.tildeling) finds her on the equal-treatment page.
        led = set(User.objects.filter(role=Role.OFFICE_LEADER).values_list(
            "allocation_office_id", flat=True))
        self.offices = sorted(AllocationOffice.objects.filter(
            districts__municipality=municipality).distinct(), key=lambda o: (o.id not in led,
                                                                             o.id))
        self.office_of_district = dict(AllocationOffice.districts.through.objects.filter(
            allocationoffice__in=self.offices).values_list("district_id", "allocationoffice_id"))
        self.persons = {p["id"]: p for p in Person.objects.order_by("id").filter(
            municipality=municipality).values("id", "given_name", "family_name", "district_id",
                                              "birth_date", "date_of_death")}
        self.person_effect: dict[int, float] = {}

    # -- caseworkers -----------------------------------------------------------------

    def caseworkers(self) -> dict[int, list[User]]:
        fake = Faker("no_NO")
        fake.seed_instance(self.seed + 6)
        new = []
        for office in self.offices:
            for n in range(1, NEW_CASEWORKERS + 1):
                female = self.rng.random() < 0.7
                user = User(username=f"sb.{office.id}.{n}", role=Role.CASEWORKER,
                            allocation_office=office,
                            first_name=fake.first_name_female() if female
                            else fake.first_name_male(), last_name=fake.last_name())
                user.set_unusable_password()
                new.append(user)
        User.objects.bulk_create(new)
        User.municipalities.through.objects.bulk_create(
            [User.municipalities.through(user_id=u.pk, municipality_id=self.municipality.pk)
             for u in new])
        self.made["caseworkers"] = len(new)
        workers: dict[int, list[User]] = defaultdict(list)
        for user in User.objects.filter(role=Role.CASEWORKER,
                                        allocation_office__in=self.offices).order_by("username"):
            workers[user.allocation_office_id].append(user)
        # The deliberate outlier (module docstring), as the same object the lists hold.
        self.outlier = next(u for u in workers[self.offices[0].id]
                            if u.username == f"sb.{self.offices[0].id}.1")
        return workers

    # -- needs -----------------------------------------------------------------------

    def _effect(self, person_id: int) -> float:
        if person_id not in self.person_effect:
            self.person_effect[person_id] = self.rng.gauss(0, 0.35)
        return self.person_effect[person_id]

    def target(self, code: str, weekly: float, person_id: int, refused: bool) -> float:
        """The mean IPLOS score the application's assessment aims at."""
        if refused:
            base = {"langtidsopphold": 2.5, "avlastning-institusjon": 2.4}.get(code, 1.8)
        elif code == "hjemmesykepleie":
            base = 2.0 + 0.6 * math.log1p(weekly)
        elif code in ("praktisk-bistand", "miljotjeneste"):
            base = 1.9 + 0.3 * math.log1p(weekly)
        elif code == "bpa":
            base = 3.2 + 0.25 * math.log1p(weekly)
        else:
            base = {"langtidsopphold": 3.9, "avlastning-institusjon": 3.3,
                    "hverdagsrehabilitering": 2.5}.get(code, 1.9)
        return base + self._effect(person_id) + self.rng.gauss(0, 0.15)

    def scores(self, target: float) -> tuple[list[tuple[str, int]], float]:
        """One score per IPLOS variable around ``target``; returns them and their mean."""
        scored = []
        for variable in FUNCTIONAL_VARIABLES:
            if self.rng.random() < 0.05:
                scored.append((variable.code, NOT_RELEVANT))
                continue
            value = round(self.rng.gauss(target + GROUP_OFFSET.get(variable.group, 0), 0.7))
            scored.append((variable.code, min(5, max(1, value))))
        relevant = [s for _, s in scored if s != NOT_RELEVANT]
        return scored, sum(relevant) / len(relevant)

    def scores_within(self, target: float, high: bool) -> tuple[list[tuple[str, int]], float]:
        """Scores whose mean is on the asked side of ``HIGH_NEED``."""
        for _ in range(50):
            scored, mean = self.scores(target)
            if (mean >= HIGH_NEED) == high:
                return scored, mean
            target += 0.15 if high else -0.15
        return scored, mean

    # -- applications ------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        workers = self.caseworkers()
        lines = list(ServiceLine.objects.filter(
            decision__person__municipality=self.municipality,
            decision__status=Decision.Status.DECIDED, decision__case__isnull=True,
            decision__decided_on__isnull=False, granted=True).order_by(
            "decision_id", "id").values(
            "decision_id", "decision__allocation_office_id", "decision__person_id",
            "decision__decided_on", "service_version__service__code", "extent", "extent_unit",
            "start", "end", "provider_unit_id"))
        if not lines:
            return self.made
        self.history_start = min(line["decision__decided_on"] for line in lines)
        apps = []
        seen = set()
        for line in lines:
            if line["decision_id"] in seen:
                continue
            seen.add(line["decision_id"])
            weekly = decided_weekly_hours(line["extent"], line["extent_unit"])
            code = line["service_version__service__code"]
            app = {"decision_id": line["decision_id"],
                   "office": line["decision__allocation_office_id"],
                   "person": line["decision__person_id"], "code": code,
                   "decided_on": line["decision__decided_on"], "refused": False,
                   "outcome": Decision.Outcome.GRANT, "line": line}
            app["scores"], app["mean"] = self.scores(
                self.target(code, float(weekly or 0), app["person"], False))
            apps.append(app)
        by_office: dict[int, list[dict]] = defaultdict(list)
        for app in apps:
            by_office[app["office"]].append(app)
        refusals = self.plan_refusals(by_office, workers)
        for office_apps in by_office.values():
            grants = [a for a in office_apps if a["code"] in
                      ("hjemmesykepleie", "praktisk-bistand", "miljotjeneste", "bpa")]
            for app in self.rng.sample(grants, min(len(grants),
                                                   round(PARTIAL_SHARE * len(office_apps)))):
                app["outcome"] = Decision.Outcome.PARTIAL
        self.assign(by_office, workers)
        everything = apps + refusals
        self.cases(everything)
        self.link_decisions(apps, refusals)
        self.assessments(everything)
        self.progress("Søknadshistorikk", 1, 4)
        self.complaints(everything, workers)
        self.revisions(workers)
        self.progress("Søknadshistorikk", 1, 4)
        self.population()
        self.staffing()
        self.progress("Søknadshistorikk", 1, 4)
        self.habilitation()
        self.progress("Søknadshistorikk", 1, 4)
        return self.made

    def plan_refusals(self, by_office, workers) -> list[dict]:
        """Refused applications: mostly low needs; the high-need home-nursing refusals are
        set per caseworker, so every caseworker but the outlier refuses about 8 % of them."""
        pool: dict[int, list[int]] = defaultdict(list)
        for pid, person in self.persons.items():
            office = self.office_of_district.get(person["district_id"])
            if office is not None:
                pool[office].append(pid)
        # Who handles the high-need home-nursing grants is decided first: the outlier takes
        # most of her office's, so she has enough of them to stand out.
        high_grants: dict[int, list[dict]] = defaultdict(list)
        for office, office_apps in by_office.items():
            for app in office_apps:
                if app["code"] == "hjemmesykepleie" and app["mean"] >= HIGH_NEED:
                    high_grants[office].append(app)
        first = high_grants[self.offices[0].id]
        self.rng.shuffle(first)
        wanted = math.ceil(OUTLIER_MINIMUM_CASES * (1 - OUTLIER_REFUSAL_RATE))
        for app in first[:max(wanted, len(first) // 2)]:
            app["worker"] = self.outlier
        handled: dict[User, int] = defaultdict(int)
        for office, apps in high_grants.items():
            colleagues = [w for w in workers[office] if w is not self.outlier]
            for app in apps:
                app.setdefault("worker", self.rng.choice(colleagues))
                handled[app["worker"]] += 1
        outlier_grants = handled.pop(self.outlier, 0)
        refusals = [self.refusal(self.offices[0].id, "hjemmesykepleie", pool, high=True,
                                 worker=self.outlier)
                    for _ in range(max(3, round(outlier_grants * OUTLIER_REFUSAL_RATE
                                                / (1 - OUTLIER_REFUSAL_RATE))))]
        # Largest remainder: each colleague gets the refusals nearest 8 % of her cases.
        odds = COMMON_HIGH_NEED_REFUSAL_RATE / (1 - COMMON_HIGH_NEED_REFUSAL_RATE)
        rank = {office.id: i for i, office in enumerate(self.offices)}
        ideal = {w: n * odds for w, n in sorted(
            handled.items(), key=lambda i: (rank[i[0].allocation_office_id], i[0].username))}
        count = {w: math.floor(x) for w, x in ideal.items()}
        left = round(sum(ideal.values())) - sum(count.values())
        for worker in sorted(ideal, key=lambda w: count[w] - ideal[w])[:left]:
            count[worker] += 1
        for worker, n in count.items():
            refusals += [self.refusal(worker.allocation_office_id, "hjemmesykepleie", pool,
                                      high=True, worker=worker) for _ in range(n)]
        for office, office_apps in by_office.items():
            wanted = round(REFUSAL_SHARE * len(office_apps))
            already = sum(1 for r in refusals if r["office"] == office)
            for _ in range(max(0, wanted - already)):
                refusals.append(self.refusal(office, _pick(self.rng, REFUSED_SERVICES), pool,
                                             high=False))
        return refusals

    def refusal(self, office: int, code: str, pool, high: bool, worker=None) -> dict:
        while True:
            person = self.rng.choice(pool[office])
            decided_on = self.history_start + dt.timedelta(days=self.rng.randint(
                45, max(45, (self.as_of - self.history_start).days)))
            death = self.persons[person]["date_of_death"]
            if death is None or death > decided_on:
                break
        target = 4.0 if high else self.target(code, 0, person, True)
        scores, mean = self.scores_within(target, high) if code == "hjemmesykepleie" \
            else self.scores(target)
        app = {"decision_id": None, "office": office, "person": person, "code": code,
               "decided_on": min(decided_on, self.as_of), "refused": True,
               "outcome": Decision.Outcome.REFUSAL, "scores": scores, "mean": mean}
        if worker is not None:
            app["worker"] = worker
        return app

    def assign(self, by_office, workers) -> None:
        for office, office_apps in by_office.items():
            for app in office_apps:
                if "worker" not in app:  # high-need home nursing is already placed
                    app["worker"] = self.rng.choice(workers[office])
        # Refusals planned without a caseworker get one of the office's.
        self._workers = workers

    def cases(self, apps: list[dict]) -> None:
        office_rank = {o.id: i for i, o in enumerate(self.offices)}
        cases, enquiries = [], []
        for app in apps:
            worker = app.get("worker") or self.rng.choice(self._workers[app["office"]])
            app["worker"] = worker
            mean_days = PROCESSING_DAYS[office_rank[app["office"]] % len(PROCESSING_DAYS)]
            days = min(45, max(2, 2 + round(self.rng.expovariate(1 / (mean_days - 2)))))
            received_on = app["decided_on"] - dt.timedelta(days=days)
            received = _aware(received_on)
            person = self.persons[app["person"]]
            name = NAMES.get(app["code"], app["code"])
            subject = f"Søknad om {name}."
            app["received_on"] = received_on
            cases.append(_Record(
                Case, allocation_office_id=app["office"], person_id=app["person"],
                kind=Case.Kind.APPLICATION, received_at=received, subject=subject,
                identity_confirmed_at=received, urgency=Case.Urgency.NORMAL,
                triaged_at=received, triaged_by=worker,
                acknowledgement_sent_on=min(app["decided_on"], received_on + dt.timedelta(
                    days=self.rng.randint(1, 4))),
                status=Case.Status.DECIDED, decided_on=app["decided_on"], assigned_to=worker))
            role = _pick(self.rng, SENDER_ROLES)
            full_name = f"{person['given_name']} {person['family_name']}"
            sender = {SenderRole.APPLICANT: full_name,
                      SenderRole.HOSPITAL: "Stavanger universitetssjukehus",
                      SenderRole.LAWYER: f"Advokat {self.rng.choice(KIN_NAMES)} "
                                         f"{person['family_name']}"}.get(
                role, f"{self.rng.choice(KIN_NAMES)} (for {person['given_name']})")
            enquiries.append((role, self.rng.choice(CHANNELS[role]), sender, subject, worker))
        _insert_objects(Case, cases, set_ids=True)
        for app, case in zip(apps, cases, strict=True):
            app["case"] = case
        _insert_rows(Case.requested_services.through, ["case", "service"],
                     [(case.pk, self.services[app["code"]].pk)
                      for case, app in zip(cases, apps, strict=True)])
        _insert_objects(Enquiry, [
            _Record(Enquiry, case=case, channel=channel, sender_name=sender, sender_role=role,
                    received_at=case.received_at, text=text, registered_by=worker)
            for case, (role, channel, sender, text, worker) in zip(cases, enquiries,
                                                                   strict=True)])
        self.made["application_cases"] = len(cases)

    def link_decisions(self, apps: list[dict], refusals: list[dict]) -> None:
        # One plain UPDATE per decision in a single executemany: bulk_update's CASE WHEN
        # took 6 of the 14 seconds this module first took on the medium demo.
        changed = []
        for app in apps:
            partial = app["outcome"] == Decision.Outcome.PARTIAL
            alternative = ALTERNATIVES.get(app["code"], "Trygghetsalarm ved behov.") \
                if partial else ""
            changed.append((app["case"].pk, app["worker"].pk, app["outcome"], alternative,
                            app["decision_id"]))
        meta, quote = Decision._meta, connection.ops.quote_name
        columns = [meta.get_field(name).column for name in
                   ("case", "decided_by", "outcome", "alternative_offered", "id")]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608 - names from the model
                + ", ".join(f"{quote(c)} = %s" for c in columns[:-1])
                + f" WHERE {quote(columns[-1])} = %s", changed)
        made = [Decision(
            person_id=r["person"], allocation_office_id=r["office"], case_id=r["case"].pk,
            status=Decision.Status.DECIDED, outcome=Decision.Outcome.REFUSAL,
            decided_on=r["decided_on"], decided_by=r["worker"], valid_from=r["decided_on"],
            reasons="Syntetisk demovedtak: vilkårene for tjenesten er ikke oppfylt.",
            alternative_offered=ALTERNATIVES.get(r["code"], ""),
            legal_basis="Helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6")
            for r in refusals]
        Decision.objects.bulk_create(made, batch_size=BATCH)
        ServiceLine.objects.bulk_create([ServiceLine(
            decision=decision, service_version=self.versions[r["code"]], granted=False,
            provider_unit=None, extent=None, extent_unit=self.versions[r["code"]].extent_unit,
            start=None, end=None, alternative_offered=decision.alternative_offered)
            for decision, r in zip(made, refusals, strict=True)], batch_size=BATCH)
        for decision, r in zip(made, refusals, strict=True):
            r["decision_id"] = decision.pk
        self.made["partial_grants"] = sum(1 for a in apps
                                          if a["outcome"] == Decision.Outcome.PARTIAL)
        self.made["refusals"] = len(made)

    def assessments(self, apps: list[dict]) -> None:
        made = []
        for app in apps:
            span = (app["decided_on"] - app["received_on"]).days
            held_on = app["received_on"] + dt.timedelta(days=self.rng.randint(
                min(1, span), max(1, span * 2 // 3)) if span else 0)
            roll = self.rng.random()
            kind = (Assessment.Kind.HOME_VISIT if roll < 0.78 else Assessment.Kind.MEETING
                    if roll < 0.88 else Assessment.Kind.HOSPITAL if roll < 0.96
                    else Assessment.Kind.DIGITAL)
            joint = (app["code"] == "hjemmesykepleie" and kind == Assessment.Kind.HOME_VISIT
                     and self.rng.random() < 0.06)
            made.append(_Record(
                Assessment, case=app["case"], kind=kind, held_on=min(held_on, app["decided_on"]),
                joint_home_visit=joint, sufficiently_informed=True,
                informed_confirmed_at=_aware(min(held_on, app["decided_on"]), 15),
                informed_confirmed_by=app["worker"], consent_to_collect=True,
                rehabilitation_screening=Assessment.Screening.NO))
        _insert_objects(Assessment, made)
        # Assessment is one-to-one with its case, so the case finds the new id.
        ids = dict(Assessment.objects.filter(case__kind=Case.Kind.APPLICATION,
                                             case__allocation_office__in=self.offices)
                   .values_list("case_id", "id"))
        _insert_rows(FunctionalScore, ["assessment", "variable", "score"],
                     [(ids[app["case"].pk], code, score)
                      for app in apps for code, score in app["scores"]])
        self.made["assessments"] = len(made)

    # -- complaints and revisions -------------------------------------------------------

    def complaints(self, apps: list[dict], workers) -> None:
        made = []
        for app in apps:
            share = {Decision.Outcome.REFUSAL: 0.08, Decision.Outcome.PARTIAL: 0.06}.get(
                app["outcome"], 0.012)
            received = app["decided_on"] + dt.timedelta(days=self.rng.randint(1, 25))
            if self.rng.random() >= share or received > self.as_of:
                continue
            person = self.persons[app["person"]]
            complaint = Complaint(
                decision_id=app["decision_id"], received_on=received,
                complainant=f"{person['given_name']} {person['family_name']}",
                text="Jeg er uenig i vedtaket og trenger mer hjelp enn det som er gitt.",
                registered_by=self.rng.choice(workers[app["office"]]),
                decision_reached_party_on=app["decided_on"] + dt.timedelta(days=2))
            reassessed = received + dt.timedelta(days=self.rng.randint(5, 30))
            if reassessed <= self.as_of:
                complaint.reassessed_on = reassessed
                if self.rng.random() < 0.25:
                    complaint.reassessment = Complaint.Reassessment.REVERSED
                    complaint.reassessment_note = "Nye opplysninger fra fastlegen."
                else:
                    complaint.reassessment = Complaint.Reassessment.UPHELD
                    complaint.reassessment_note = "Ingen nye opplysninger i klagen."
                    forwarded = reassessed + dt.timedelta(days=self.rng.randint(1, 7))
                    if forwarded <= self.as_of:
                        complaint.forwarded_on = forwarded
                        answered = forwarded + dt.timedelta(days=self.rng.randint(30, 150))
                        if answered <= self.as_of:
                            complaint.authority_outcome = _pick(self.rng, [
                                (Complaint.AuthorityOutcome.CONFIRMED, 0.7),
                                (Complaint.AuthorityOutcome.REVERSED, 0.2),
                                (Complaint.AuthorityOutcome.QUASHED, 0.1)])
                            complaint.authority_outcome_on = answered
            made.append(complaint)
        Complaint.objects.bulk_create(made, batch_size=BATCH)
        self.made["complaints"] = len(made)

    def revisions(self, workers) -> None:
        """About 30 % of the decisions with an active line: the latest revision."""
        lines = list(ServiceLine.objects.active_on(self.as_of).filter(
            decision__person__municipality=self.municipality,
            decision__case__kind=Case.Kind.APPLICATION,
            decision__case__assigned_to__isnull=False).order_by("decision_id", "id").values(
            "decision_id", "decision__person_id", "decision__allocation_office_id",
            "decision__decided_on", "decision__case__assigned_to_id",
            "service_version__service__code", "service_version__revision_interval_months"))
        users = {u.pk: u for ws in workers.values() for u in ws}
        seen, revisions, cases = set(), [], []
        for line in lines:
            if line["decision_id"] in seen or self.rng.random() >= 0.3:
                seen.add(line["decision_id"])
                continue
            seen.add(line["decision_id"])
            decided = line["decision__decided_on"]
            office = line["decision__allocation_office_id"]
            trigger = _pick(self.rng, [(Revision.Trigger.SCHEDULED, 0.8),
                                       (Revision.Trigger.FALL, 0.08),
                                       (Revision.Trigger.HOSPITAL_STAY, 0.07),
                                       (Revision.Trigger.PROVIDER_REQUEST, 0.05)])
            latest = self.as_of + dt.timedelta(days=60)
            if trigger == Revision.Trigger.SCHEDULED:
                months = line["service_version__revision_interval_months"] or 6
                step = dt.timedelta(days=round(30.4 * months))
                periods = (latest - decided) // step
                if periods < 1:
                    continue
                # One of the decision's scheduled revisions, not always the latest.
                due = decided + step * self.rng.randint(1, periods)
            else:
                if (latest - decided).days < 30:
                    continue
                due = decided + dt.timedelta(days=self.rng.randint(30, (latest - decided).days))
            received_on = max(decided + dt.timedelta(days=1),
                              due - dt.timedelta(days=self.rng.randint(14, 45)))
            if received_on > self.as_of:
                received_on = self.as_of - dt.timedelta(days=self.rng.randint(0, 5))
                received_on = max(received_on, decided)
            decided_on = None
            if due <= self.as_of:
                if self.rng.random() < 0.8:
                    decided_on = max(received_on, due - dt.timedelta(
                        days=self.rng.randint(0, 20)))
                else:
                    decided_on = due + dt.timedelta(days=self.rng.randint(1, 60))
                if decided_on > self.as_of:
                    decided_on = None
            worker = self.rng.choice(workers[office]) if self.rng.random() < 0.5 else \
                users.get(line["decision__case__assigned_to_id"]) or \
                self.rng.choice(workers[office])
            received = _aware(received_on, 10)
            name = NAMES.get(line["service_version__service__code"], "tjenesten")
            cases.append(_Record(
                Case, allocation_office_id=office, person_id=line["decision__person_id"],
                kind=Case.Kind.REVISION, received_at=received,
                subject=f"Revurdering av {name}.", identity_confirmed_at=received,
                urgency=Case.Urgency.NORMAL, triaged_at=received, triaged_by=worker,
                acknowledgement_sent_on=min(self.as_of, received_on + dt.timedelta(days=2)),
                preliminary_reply_sent_on=received_on + dt.timedelta(days=25)
                if (decided_on or self.as_of) - received_on > dt.timedelta(days=25) else None,
                status=Case.Status.DECIDED if decided_on else Case.Status.OPEN,
                decided_on=decided_on, assigned_to=worker))
            revisions.append(Revision(decision_id=line["decision_id"], trigger=trigger,
                                      due_on=due, requested_at=received, requested_by=worker,
                                      note="Syntetisk demorevurdering."))
        _insert_objects(Case, cases, set_ids=True)
        for revision, case in zip(revisions, cases, strict=True):
            revision.case_id = case.pk
        Revision.objects.bulk_create(revisions, batch_size=BATCH)
        self.made["revisions"] = len(revisions)

    # -- population, staffing, habilitation ---------------------------------------------

    def population(self) -> None:
        """Inhabitants on 1 January per district and age band, growing about 1 % a year.

        Medium (3,000 recipients) is shaped like Stavanger: about 120,000 aged 0–66,
        16,000 aged 67–79 and 6,000 aged 80 or more; other sizes scale with recipients.
        """
        counts = dict(Person.objects.filter(municipality=self.municipality).values(
            "district_id").annotate(n=Count("id")).values_list("district_id", "n"))
        numbers = dict(District.objects.filter(pk__in=counts).values_list("pk", "number"))
        total = sum(counts.values()) or 1
        scale = total / 3000
        bands = {AgeBand.UNDER_67: (120_000, 0.008), AgeBand.FROM_67_TO_79: (16_000, 0.012),
                 AgeBand.FROM_80: (6_000, 0.02)}
        rows = []
        for year in range(self.history_start.year, self.as_of.year + 1):
            sums = defaultdict(int)
            for district_id in sorted(counts):
                share = counts[district_id] / total
                for band, (size, growth) in bands.items():
                    noise = random.Random(f"{self.seed}-{numbers[district_id]}-{band.value}"
                                          ).uniform(0.9, 1.1)
                    value = round(size * scale * share * noise
                                  * (1 + growth) ** (year - self.as_of.year))
                    sums[band] += value
                    rows.append(Population(municipality=self.municipality,
                                           district_id=district_id, year=year, age_band=band,
                                           inhabitants=value))
            rows += [Population(municipality=self.municipality, district=None, year=year,
                                age_band=band, inhabitants=sums[band]) for band in bands]
        Population.objects.bulk_create(rows)
        self.made["population_rows"] = len(rows)

    def staffing(self) -> None:
        """Monthly rostered hours: decided weekly hours × 4.33 × a unit's own factor."""
        units = list(ProviderUnit.objects.filter(
            municipality=self.municipality,
            kind__in=[ProviderKind.HOUSING_HABILITATION, ProviderKind.ENVIRONMENTAL]
        ).order_by("id"))
        lines = defaultdict(list)
        for unit_id, start, end, extent, unit in ServiceLine.objects.filter(
                provider_unit__in=units, granted=True,
                decision__status=Decision.Status.DECIDED).values_list(
                "provider_unit_id", "start", "end", "extent", "extent_unit"):
            weekly = decided_weekly_hours(extent, unit)
            if weekly:
                lines[unit_id].append((start, end, weekly))
        months = []
        month = self.history_start.replace(day=1)
        while month <= self.as_of:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        rows = []
        for unit in units:
            factor = Decimal(str(round(self.rng.uniform(1.1, 1.4), 2)))
            one_to_one = self.rng.randint(2, 8)
            for month in months:
                mid = month.replace(day=15)
                weekly = sum((w for start, end, w in lines[unit.id]
                              if start <= mid and (end is None or end >= mid)), Decimal(0))
                noise = Decimal(str(round(self.rng.uniform(0.97, 1.03), 3)))
                hours = (weekly * WEEKS_PER_MONTH * factor * noise).quantize(Decimal("0.01"))
                one_to_one = min(8, max(2, one_to_one + self.rng.choice([-1, 0, 0, 0, 1])))
                rows.append(UnitStaffing(
                    provider_unit=unit, month=month, rostered_hours=hours,
                    fte=(hours / HOURS_PER_FTE_MONTH).quantize(Decimal("0.01")),
                    one_to_one_measures=one_to_one))
        UnitStaffing.objects.bulk_create(rows)
        self.made["staffing_rows"] = len(rows)

    def habilitation(self) -> None:
        """PU on about 60 % of the users of housing and habilitation or BPA; kap. 9
        decisions (which apply to PU only) for about 15 % of those users."""
        active = ServiceLine.objects.active_on(self.as_of).filter(
            decision__person__municipality=self.municipality)
        rows = sorted(set(active.filter(provider_unit__kind=ProviderKind.HOUSING_HABILITATION)
                          .values_list("decision__person_id", "provider_unit_id"))
                      | set(active.filter(service_version__service__code="bpa").values_list(
                          "decision__person_id", "provider_unit_id")))
        unit_of: dict[int, int] = {}
        for person_id, unit_id in rows:
            unit_of.setdefault(person_id, unit_id)
        people = sorted(unit_of)
        marked = [pid for pid in people if self.rng.random() < 0.6]
        Person.objects.filter(pk__in=marked).update(intellectual_disability=True)
        wanted = min(len(marked), max(1 if marked else 0, round(0.15 * len(people))))
        decisions = []
        for pid in self.rng.sample(marked, wanted):
            valid_from = self.history_start + dt.timedelta(days=self.rng.randint(
                0, max(0, (self.as_of - self.history_start).days - 14)))
            decided_on = valid_from - dt.timedelta(days=self.rng.randint(0, 14))
            reviewed = decided_on + dt.timedelta(days=self.rng.randint(10, 60))
            decisions.append(CoercionDecision(
                person_id=pid, provider_unit_id=unit_of[pid], decided_on=decided_on,
                valid_from=valid_from, valid_to=valid_from + dt.timedelta(days=365),
                measures=self.rng.randint(1, 3),
                reviewed_by_authority_on=reviewed if reviewed <= self.as_of else None))
        CoercionDecision.objects.bulk_create(decisions)
        self.made["intellectual_disability"] = len(marked)
        self.made["coercion_decisions"] = len(decisions)

