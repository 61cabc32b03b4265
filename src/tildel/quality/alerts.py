"""Data-quality alerts (datakvalitetsvarsler) for the office and the provider leader.

Each alert is a list with a count and a link to every case behind it. The failures come
from the reports: pathways not closed in time and closures forgotten or backdated (report
000 L3288-3393), services given for months without a decision (000 L2958-2962), decisions
past their revision date (004), IPLOS not updated within 14 days of a change (001
l.3365-3368). Each alert is one or two querysets, so the summary page costs one COUNT per
source whatever the municipality's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from tildel.casework.access import cases_visible_to
from tildel.casework.models import Assessment, ImmediateMeasure, Order, Revision, ServiceLine
from tildel.pathways.access import courses_visible_to, unit_pathways
from tildel.pathways.models import Course, Pathway, PathwayService, PathwaySettings
from tildel.provision.models import ChangeRequest


@dataclass(frozen=True)
class Row:
    person: object
    href: str
    what: str
    date: dt.date | None
    age: int | None = None


@dataclass
class Source:
    queryset: QuerySet
    row: Callable[[object], Row]


class Rows:
    """The sources one after the other, for a Paginator: counts and slices are done in the
    database, so a page costs the same at city scale."""

    def __init__(self, sources: list[Source]):
        self.sources = sources
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [source.queryset.count() for source in self.sources]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Row]:
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        found, offset = [], 0
        for source, size in zip(self.sources, self.counts(), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                found += [source.row(item) for item in source.queryset[low:high]]
            offset += size
        return found


@dataclass
class Alert:
    key: str
    title: str
    why: str
    sources: list[Source] = field(default_factory=list)

    def count(self) -> int:
        return Rows(self.sources).count()

    def rows(self) -> Rows:
        return Rows(self.sources)


class Scope:
    """What one user's alerts cover: the office's districts, or the provider leader's unit."""

    def __init__(self, user, today: dt.date):
        self.user, self.today = user, today
        self.office = user.is_office_role
        self.unit_id = user.provider_unit_id
        self.settings = PathwaySettings.for_office(
            user.allocation_office_id if self.office else self._unit_office(user))
        self.district_ids = user.district_ids() if self.office else set()

    @staticmethod
    def _unit_office(user) -> int | None:
        """The settings of the office that covers the unit's districts (the first one)."""
        from tildel.organisation.models import AllocationOffice

        return AllocationOffice.objects.filter(
            districts__provider_units__id=user.provider_unit_id).order_by("pk").values_list(
            "pk", flat=True).first()

    def office_decisions(self, items: QuerySet, prefix: str) -> QuerySet:
        """Decisions of the user's office for persons in its districts (``prefix`` is the
        path to the decision). Decisions without a case count too (migrated ones)."""
        return items.filter(**{f"{prefix}allocation_office_id": self.user.allocation_office_id,
                               f"{prefix}person__district_id__in": self.district_ids}).exclude(
            **{f"{prefix}case__conflicts__user": self.user})

    def case_link(self, case_id: int | None, fallback: str, person=None) -> str:
        """The case for the office; else ``fallback``; else the person's overview."""
        if self.office and case_id:
            return reverse("case-detail", args=[case_id])
        if fallback:
            return fallback
        return reverse("person-overview", args=[person.pk]) if person is not None else ""


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def pathways_overdue(scope: Scope) -> Alert:
    items = Pathway.objects.filter(status=Pathway.Status.OPEN, deadline__lt=scope.today)
    items = (items.filter(case__in=cases_visible_to(scope.user)) if scope.office
             else items.filter(provider_unit_id=scope.unit_id))

    def row(p: Pathway) -> Row:
        return Row(p.person, scope.case_link(p.case_id, reverse("pathway-detail", args=[p.pk])),
                   f"Forløp {p.code} fra {p.start:%d.%m.%Y}, frist {p.deadline:%d.%m.%Y}",
                   p.deadline, p.days_over(scope.today))

    return Alert("forlop-over-frist", "Pasientforløp over fristen",
                 "Forløp 1 skal avsluttes innen 2 uker, forløp 2 innen 2 måneder (rapport 000: "
                 "64 % og 51 % var ikke avsluttet i tide).",
                 [Source(items.select_related("person").order_by("deadline"), row)])


def services_without_decision(scope: Scope) -> Alert:
    limit = scope.today - _days(scope.settings.decision_after_days)
    in_pathways = PathwayService.objects.filter(
        service_line__isnull=True, start__lt=limit, pathway__status=Pathway.Status.OPEN).filter(
        Q(end__isnull=True) | Q(end__gte=scope.today))
    measures = ImmediateMeasure.objects.filter(regularised_by__isnull=True, started_on__lt=limit)
    if scope.office:
        in_pathways = in_pathways.filter(pathway__case__in=cases_visible_to(scope.user))
        measures = measures.filter(case__in=cases_visible_to(scope.user))
    else:
        in_pathways = in_pathways.filter(provider_unit_id=scope.unit_id)
        measures = measures.filter(provider_unit_id=scope.unit_id)

    def pathway_row(s: PathwayService) -> Row:
        return Row(s.pathway.person,
                   scope.case_link(s.pathway.case_id,
                                   reverse("pathway-detail", args=[s.pathway_id])),
                   f"{s.label} i forløp {s.pathway.code} fra {s.start:%d.%m.%Y}", s.start,
                   (scope.today - s.start).days)

    def measure_row(m: ImmediateMeasure) -> Row:
        return Row(m.case.person, scope.case_link(m.case_id, "", m.case.person),
                   f"Strakstiltak fra {m.started_on:%d.%m.%Y}", m.started_on,
                   (scope.today - m.started_on).days)

    return Alert("tiltak-uten-vedtak", "Tjenester over 14 dager uten vedtak",
                 "Tiltak som varer mer enn 14 dager krever vedtak (rapport 000 L2958-2962).",
                 [Source(in_pathways.named().select_related("pathway__person")
                         .order_by("start"), pathway_row),
                  Source(measures.select_related("case__person")
                         .order_by("started_on"), measure_row)])


def late_closures(scope: Scope) -> Alert:
    tolerance = scope.settings.late_closure_days
    items = Pathway.objects.filter(
        status=Pathway.Status.CLOSED,
        closed_registered_at__gte=timezone.now() - _days(365)).annotate(
        registered_on=TruncDate("closed_registered_at"),
        latest_fine=ExpressionWrapper(F("real_end") + _days(tolerance),
                                      output_field=DateField())).filter(
        registered_on__gt=F("latest_fine"))
    items = (items.filter(case__in=cases_visible_to(scope.user)) if scope.office
             else items.filter(pk__in=unit_pathways(scope.unit_id, scope.today).values("pk")))

    def row(p: Pathway) -> Row:
        return Row(p.person, scope.case_link(p.case_id, reverse("pathway-detail", args=[p.pk])),
                   f"Forløp {p.code}: sluttet {p.real_end:%d.%m.%Y}, registrert "
                   f"{timezone.localtime(p.closed_registered_at):%d.%m.%Y}",
                   p.real_end, p.registration_delay)

    return Alert("sen-avslutning", "Avslutninger registrert lenge etter reell slutt",
                 f"Registrert mer enn {tolerance} dager etter reell sluttdato, siste 12 måneder "
                 "(rapport 000 L3381-3387: avslutning tilbakedatert fire måneder).",
                 [Source(items.select_related("person").order_by("real_end"), row)])


def revisions_overdue(scope: Scope) -> Alert:
    lines = ServiceLine.objects.active_on(scope.today).filter(
        revision_due__lt=scope.today, decision__replaced_by__isnull=True)
    lines = (scope.office_decisions(lines, "decision__") if scope.office
             else lines.filter(provider_unit_id=scope.unit_id))

    def row(line: ServiceLine) -> Row:
        decision = line.decision
        href = scope.case_link(decision.case_id, reverse("decision-detail", args=[decision.pk])
                               if scope.office else "", decision.person)
        return Row(decision.person, href,
                   f"{line.service_version.name}: revurderes innen "
                   f"{line.revision_due:%d.%m.%Y}", line.revision_due,
                   (scope.today - line.revision_due).days)

    return Alert("revurdering-forfalt", "Vedtak forbi revurderingsdato",
                 "Vedtak skal revurderes når behovet endres og senest på revurderingsdatoen.",
                 [Source(lines.select_related("decision__person", "service_version")
                         .order_by("revision_due"), row)])


def orders_unacknowledged(scope: Scope) -> Alert:
    days = scope.settings.order_acknowledge_days
    orders = Order.objects.filter(acknowledged_at__isnull=True,
                                  created_at__lt=timezone.now() - _days(days))
    orders = (scope.office_decisions(orders, "decision__") if scope.office
              else orders.filter(provider_unit_id=scope.unit_id))

    def row(o: Order) -> Row:
        href = (scope.case_link(o.decision.case_id,
                                reverse("decision-detail", args=[o.decision_id]))
                if scope.office else reverse("order-detail", args=[o.pk]))
        made = timezone.localtime(o.created_at).date()
        return Row(o.decision.person, href, f"Bestilling til {o.provider_unit} "
                                            f"{made:%d.%m.%Y}", made, (scope.today - made).days)

    return Alert("bestilling-ikke-kvittert", "Bestillinger som ikke er kvittert",
                 f"Bestillinger eldre enn {days} dager uten kvittering fra tjenesteenheten.",
                 [Source(orders.select_related("decision__person", "provider_unit")
                         .order_by("created_at"), row)])


def change_requests_open(scope: Scope) -> Alert:
    items = ChangeRequest.objects.filter(status=ChangeRequest.Status.OPEN)
    items = (scope.office_decisions(items, "order__decision__") if scope.office
             else items.filter(order__provider_unit_id=scope.unit_id))

    def row(r: ChangeRequest) -> Row:
        sent = timezone.localtime(r.created_at).date()
        href = (scope.case_link(r.order.decision.case_id, reverse("change-requests"))
                if scope.office else reverse("order-detail", args=[r.order_id]))
        return Row(r.order.decision.person, href,
                   f"{r.get_kind_display()} fra {r.order.provider_unit}", sent,
                   (scope.today - sent).days)

    return Alert("endringsmelding-ubesvart", "Ubesvarte endringsmeldinger",
                 "Endringsmeldinger fra tjenesteenhetene som tildelingskontoret ikke har besvart.",
                 [Source(items.select_related("order__decision__person", "order__provider_unit")
                         .order_by("created_at"), row)])


def iplos_outdated(scope: Scope) -> Alert:
    days = scope.settings.iplos_update_days
    before = timezone.now() - _days(days)
    since = timezone.now() - _days(365)

    def newer_assessment(person_path: str):
        return Exists(Assessment.objects.filter(
            case__person_id=OuterRef(person_path), held_on__gte=OuterRef("changed_on"),
            scores__isnull=False))

    requests = ChangeRequest.objects.filter(created_at__lt=before, created_at__gte=since)
    revisions = Revision.objects.filter(requested_at__lt=before, requested_at__gte=since)
    if scope.office:
        requests = scope.office_decisions(requests, "order__decision__")
        revisions = scope.office_decisions(revisions, "decision__")
    else:
        requests = requests.filter(order__provider_unit_id=scope.unit_id)
        revisions = revisions.filter(decision__lines__provider_unit_id=scope.unit_id).distinct()
    requests = requests.annotate(changed_on=TruncDate("created_at")).filter(
        ~newer_assessment("order__decision__person_id"))
    revisions = revisions.annotate(changed_on=TruncDate("requested_at")).filter(
        ~newer_assessment("decision__person_id"))

    def request_row(r: ChangeRequest) -> Row:
        return Row(r.order.decision.person,
                   scope.case_link(r.order.decision.case_id,
                                   reverse("decision-detail", args=[r.order.decision_id])
                                   if scope.office else
                                   reverse("order-detail", args=[r.order_id])),
                   f"Endringsmelding {r.changed_on:%d.%m.%Y}, ingen ny kartlegging etter",
                   r.changed_on, (scope.today - r.changed_on).days)

    def revision_row(v: Revision) -> Row:
        return Row(v.decision.person, scope.case_link(v.case_id or v.decision.case_id, "",
                                                      v.decision.person),
                   f"{v.get_trigger_display()} {v.changed_on:%d.%m.%Y}, ingen ny kartlegging "
                   "etter", v.changed_on, (scope.today - v.changed_on).days)

    return Alert("iplos-utdatert", f"IPLOS ikke oppdatert innen {days} dager etter endring",
                 "Ved endret behov skal IPLOS/ADL oppdateres innen 14 dager (rapport 001 "
                 "l.3365-3368). Endringer siste 12 måneder.",
                 [Source(requests.select_related("order__decision__person")
                         .order_by("created_at"), request_row),
                  Source(revisions.select_related("decision__person")
                         .order_by("requested_at"), revision_row)])


def outside_pathway(scope: Scope) -> Alert:
    in_pathway = PathwayService.objects.filter(
        pathway__person_id=OuterRef("decision__person_id"),
        service_id=OuterRef("service_version__service_id"))
    lines = ServiceLine.objects.active_on(scope.today).filter(
        service_version__service__pathway_required=True,
        start__gte=scope.today - _days(365)).filter(~Exists(in_pathway))
    lines = (scope.office_decisions(lines, "decision__") if scope.office
             else lines.filter(provider_unit_id=scope.unit_id))

    def row(line: ServiceLine) -> Row:
        decision = line.decision
        return Row(decision.person,
                   scope.case_link(decision.case_id, reverse("decision-detail",
                                                             args=[decision.pk])
                                   if scope.office else "", decision.person),
                   f"{line.service_version.name} fra {line.start:%d.%m.%Y} uten forløp",
                   line.start)

    return Alert("mangler-forlop", "Tjenester som skal kodes i forløp, men ikke er det",
                 "Hverdagsrehabilitering, velferdsteknologi, sykepleieklinikk, fysio- og "
                 "ergoterapi skal registreres i et forløp (rapport 000 L3212-3216). Tjenester "
                 "startet siste 12 måneder.",
                 [Source(lines.select_related("decision__person", "service_version")
                         .order_by("start"), row)])


def evaluations_overdue(scope: Scope) -> Alert:
    items = Course.objects.filter(status=Course.Status.ACTIVE, evaluated_at__isnull=True,
                                  evaluation_on__lt=scope.today)
    items = (items.filter(pk__in=courses_visible_to(scope.user).values("pk")) if scope.office
             else items.filter(provider_unit_id=scope.unit_id))

    def row(c: Course) -> Row:
        return Row(c.person, reverse("course-detail", args=[c.pk]),
                   f"{c.get_kind_display()} fra {c.start:%d.%m.%Y}", c.evaluation_on,
                   (scope.today - c.evaluation_on).days)

    return Alert("evaluering-forfalt", "Hverdagsrehabilitering uten evaluering etter 2 uker",
                 "Tverrfaglig evaluering etter to uker (rapport 000 kap. 4).",
                 [Source(items.select_related("person").order_by("evaluation_on"), row)])


def individual_plan_missing(scope: Scope) -> Alert:
    """Persons with long-term, coordinated services and no individual plan (housing
    rules: two units or more, one for half a year)."""
    from django.db.models import Count, Min

    from tildel.housing.models import IndividualPlan
    from tildel.people.models import Person
    from tildel.rules import housing as housing_rules

    active = ServiceLine.objects.active_on(scope.today).filter(
        granted=True, decision__status="decided", provider_unit__isnull=False)
    running = Q(decisions__lines__in=active)
    # How long the services have run: also the lines a revision replaced (ended within
    # the period), so a revision does not start the count again.
    recent = ServiceLine.objects.filter(
        granted=True, decision__status="decided", start__lte=scope.today).filter(
        Q(end__isnull=True) | Q(end__gte=scope.today - _days(housing_rules.LONG_TERM_DAYS)))
    plans = IndividualPlan.objects.filter(person=OuterRef("pk"),
                                          established_on__lte=scope.today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=scope.today))
    persons = Person.objects.annotate(
        units=Count("decisions__lines__provider_unit", filter=running, distinct=True),
        first=Min("decisions__lines__start", filter=Q(decisions__lines__in=recent))).filter(
        units__gte=housing_rules.COORDINATED_UNITS,
        first__lte=scope.today - _days(housing_rules.LONG_TERM_DAYS)).filter(
        ~Exists(plans))
    if scope.office:
        persons = persons.filter(district_id__in=scope.district_ids)
    else:
        persons = persons.filter(Exists(active.filter(decision__person_id=OuterRef("pk"),
                                                      provider_unit_id=scope.unit_id)))

    def row(p) -> Row:
        return Row(p, reverse("housing:individual-plan", args=[p.pk]) if scope.office
                   else reverse("person-overview", args=[p.pk]),
                   f"Tjenester fra {p.units} enheter uten individuell plan og koordinator",
                   p.first, (scope.today - p.first).days)

    return Alert("mangler-individuell-plan", "Langvarige, koordinerte tjenester uten "
                 "individuell plan",
                 "Den som trenger langvarige og koordinerte tjenester, skal ha individuell "
                 "plan og koordinator (helse- og omsorgstjenesteloven §§ 7-1 og 7-2; rapport "
                 "001 l.1861-1863). Her: tjenester fra minst to enheter, den eldste i minst "
                 f"{housing_rules.LONG_TERM_DAYS} dager.",
                 [Source(persons.order_by("first", "pk"), row)])


ALERTS = [pathways_overdue, services_without_decision, late_closures, revisions_overdue,
          orders_unacknowledged, change_requests_open, iplos_outdated, outside_pathway,
          evaluations_overdue, individual_plan_missing]


def alerts_for(user, today: dt.date | None = None) -> list[Alert]:
    scope = Scope(user, today or timezone.localdate())
    return [build(scope) for build in ALERTS]
