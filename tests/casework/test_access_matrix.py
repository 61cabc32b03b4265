"""The access matrix (issue 10, item 1; issue «Trust», item 1): every role × every screen and
API endpoint that shows or changes something about one person, case, decision, letter,
complaint, order, pathway, course, place, stay or message × the user's own office or unit
and another's. Each cell is allowed (200), refused (403), or not found (404, where existence
must not leak: the API). Pages that list only what the user's scope allows are in the
matrix too: whoever may use them gets 200, and the other side never sees the subject there.
An endpoint that only changes something (POST) is posted empty by everyone who may not use
it, and must be refused and change nothing. Every URL pattern of the project is either in
the matrix or exempt with a reason, so a new URL without a decision fails here.

Built from the same small world as the query budgets, with the records that world lacks
added on top of it (``extra``)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tildel.accounts.models import AccessLogEntry, EmergencyAccess, Role, User
from tildel.casework.models import Letter, ServicePause
from tildel.casework.services import complaints
from tildel.delivery.models import Visit, VisitImport
from tildel.exchange.models import PloMessage
from tildel.financing.models import Budget
from tildel.hospital.models import HospitalStay
from tildel.housing import services as housing
from tildel.housing.models import RespiteHome, RespitePlan, RespiteStay, RotaShift
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.pathways import services as pathways
from tildel.places.models import Institution, Place, PlaceKind, WaitingListEntry
from tildel.provision.models import ChangeRequest
from tildel.quality.alerts import alerts_for

from .test_query_budgets import city  # noqa: F401 - the fixture is used below

pytestmark = pytest.mark.django_db

CW, CW2 = "saksbehandler egen", "saksbehandler annen"
OL, OL2 = "kontorleder egen", "kontorleder annen"
PL, PL2 = "tjenesteleder egen", "tjenesteleder annen"
PS, PS2 = "tjenesteyter egen", "tjenesteyter annen"
MGMT, ANALYST, ADMIN = "ledelse", "analytiker", "systemadministrator"

OFFICE = frozenset({CW, OL})  # the subject's office: sees the person's records
OFFICE_ALL = OFFICE | {CW2, OL2}
LEADERS = frozenset({OL, OL2})
PROVIDER = frozenset({PL, PS})  # the unit that delivers to the subject
PROVIDER_ALL = PROVIDER | {PL2, PS2}
PERSON_ROLES = OFFICE_ALL | PROVIDER_ALL
FIGURES = frozenset({MGMT, ANALYST})
NOBODY = frozenset()
EVERYONE = PERSON_ROLES | FIGURES | {ADMIN}


class R(NamedTuple):
    """One resource. ``sees``: the users who get it (200) with the record in it; ``page``:
    users who may use the page but get only their own scope (200, the subject not in it);
    ``status``: a cell that is neither (e.g. a redirect). Everyone else is refused (403 or
    404). ``change``: an endpoint that changes something; only the refused are posted to."""

    url: object
    sees: frozenset = NOBODY
    page: frozenset = NOBODY
    method: str = "GET"
    data: object = None  # a dict, or a function of the world that makes one
    status: dict | None = None
    change: bool = False


def post(url, allowed, **kw) -> R:
    return R(url, sees=frozenset(allowed), method="POST", change=True, **kw)


#: Keyed by URL name. The subject lives in the east district, the east office decided, the
#: east unit delivers; «egen» users work in the east, «annen» in the west.
RESOURCES: dict[str, R] = {
    # Person
    "person-overview": R(lambda w: f"/personer/{w.subject.pk}/", OFFICE | PROVIDER),
    "person-search": R(lambda w: "/personer/sok/", method="POST",
                       data={"q": "Hansen"}, sees=OFFICE, page=PERSON_ROLES - OFFICE),
    "person-create": R(lambda w: "/personer/ny/", page=OFFICE_ALL),
    # Nødrett: one who may open the person goes straight there; another person role gets
    # the form asking for the reason (the break-glass), which does not show the person.
    "person-emergency": R(lambda w: f"/personer/{w.subject.pk}/nodrett/",
                          page=PERSON_ROLES - OFFICE - PROVIDER,
                          status=dict.fromkeys(OFFICE | PROVIDER, 302)),
    "emergency-review": R(lambda w: "/nodrett/", page=LEADERS | {PL, PL2}),
    "emergency-review-done": post(lambda w: f"/nodrett/{w.emergency.pk}/gjennomgatt/", {OL}),
    "access-log": R(lambda w: "/tilgangslogg/", page={ADMIN}),
    # The administrator answers a person's request for the access log (pasientjournalloven
    # § 18): the only person data that role handles; an empty request is 400.
    "access-log-report": R(lambda w: "/tilgangslogg/innsyn/", method="POST", data={},
                           status={ADMIN: 400}),
    "housing:individual-plan": R(lambda w: f"/personer/{w.subject.pk}/individuell-plan/",
                                 OFFICE),
    # Case
    "my-queue": R(lambda w: "/saker/", sees=OFFICE, page={CW2, OL2}),
    "office-queues": R(lambda w: "/saker/oversikt/", sees={OL}, page={OL2}),
    "case-new": R(lambda w: "/saker/ny/", page=OFFICE_ALL),
    "case-detail": R(lambda w: f"/saker/{w.case.pk}/", OFFICE),
    "case-triage": post(lambda w: f"/saker/{w.case.pk}/hastevurdering/", OFFICE),
    "case-measure": post(lambda w: f"/saker/{w.case.pk}/strakstiltak/", OFFICE),
    "case-suspend": post(lambda w: f"/saker/{w.case.pk}/stans/", OFFICE),
    "case-resume": post(lambda w: f"/saker/{w.case.pk}/gjenoppta/", OFFICE),
    "case-extend": post(lambda w: f"/saker/{w.case.pk}/forleng/", OFFICE),
    "case-conflict": post(lambda w: f"/saker/{w.case.pk}/inhabil/", OFFICE),
    "case-reassign": post(lambda w: f"/saker/{w.case.pk}/flytt/", OFFICE),
    "case-identity": post(lambda w: f"/saker/{w.case.pk}/identitet/", OFFICE),
    "case-letter": post(lambda w: f"/saker/{w.case.pk}/brev/", OFFICE),
    "case-forum": post(lambda w: f"/saker/{w.case.pk}/forum/", OFFICE),
    "assessment-edit": R(lambda w: f"/saker/{w.second.pk}/kartlegging/", OFFICE),
    "enquiry-scan": R(lambda w: f"/henvendelser/{w.enquiry.pk}/skann/", OFFICE),
    "letter-pdf": R(lambda w: f"/brev/{w.letter.pk}.pdf", OFFICE),
    # Decision
    "decision-new": post(lambda w: f"/saker/{w.case.pk}/vedtak/nytt/", OFFICE),
    "decision-detail": R(lambda w: f"/vedtak/{w.decision.pk}/", OFFICE),
    "decision-edit": R(lambda w: f"/vedtak/{w.draft.pk}/utkast/", OFFICE),
    "decision-sign": post(lambda w: f"/vedtak/{w.draft.pk}/signer/", OFFICE),
    "decision-second-sign": post(lambda w: f"/vedtak/{w.draft.pk}/andre-signatur/", {OL}),
    "decision-send": post(lambda w: f"/vedtak/{w.decision.pk}/send/", OFFICE),
    "decision-annul": post(lambda w: f"/vedtak/{w.decision.pk}/annuller/", {OL}),
    "revision-new": post(lambda w: f"/vedtak/{w.decision.pk}/revurdering/", OFFICE),
    "line-close": post(lambda w: f"/tjenester/{w.line.pk}/avslutt/", OFFICE),
    "revisions-due": R(lambda w: "/revurderinger/", sees=OFFICE, page={CW2, OL2}),
    # Complaint
    "complaint-new": R(lambda w: f"/vedtak/{w.decision.pk}/klage/", OFFICE),
    "complaint-detail": R(lambda w: f"/klager/{w.complaint.pk}/", OFFICE),
    "complaint-documents": R(lambda w: f"/klager/{w.complaint.pk}/dokumenter.pdf", OFFICE),
    "complaint-action": post(lambda w: f"/klager/{w.complaint.pk}/outcome/", OFFICE),
    # Order
    "orders-inbox": R(lambda w: "/bestillinger/", sees=PROVIDER, page={PL2, PS2}),
    "order-detail": R(lambda w: f"/bestillinger/{w.order.pk}/", PROVIDER),
    "order-acknowledge": post(lambda w: f"/bestillinger/{w.order.pk}/kvitter/", PROVIDER),
    "order-adjust": post(lambda w: f"/bestillinger/{w.order.pk}/juster/", PROVIDER),
    "order-change-request": post(lambda w: f"/bestillinger/{w.order.pk}/endringsmelding/",
                                 PROVIDER),
    "order-pause": post(lambda w: f"/bestillinger/{w.order.pk}/stans/", PROVIDER),
    "order-pause-end": post(lambda w: f"/bestillinger/{w.order.pk}/stans/{w.pause.pk}/slutt/",
                            PROVIDER),
    "decline-referral": post(lambda w: f"/bestillinger/{w.order.pk}/funksjonsfall/", PROVIDER),
    "change-requests": R(lambda w: "/endringsmeldinger/", sees=OFFICE, page={CW2, OL2}),
    "change-request-answer": post(lambda w: f"/endringsmeldinger/{w.change.pk}/avslå/",
                                  OFFICE),
    # Delivered time
    # The provider's start page goes to their unit; the office chooses a unit.
    "delivery-home": R(lambda w: "/levert-tid/", page=OFFICE_ALL,
                       status=dict.fromkeys(PROVIDER_ALL, 302)),
    "delivery-unit": R(lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/",
                       sees=PROVIDER),
    "delivery-unit-excel": R(lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/uker.xlsx",
                             sees=PROVIDER),
    "delivery-person": R(lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/personer/"
                                   f"{w.subject.pk}/", PROVIDER),
    "delivery-visit-new": R(lambda w: f"/levert-tid/besok/ny/?person={w.subject.pk}",
                            sees=PROVIDER),
    "delivery-import": R(lambda w: "/levert-tid/import/", page=OFFICE_ALL | {PL, PL2}),
    "delivery-import-detail": R(lambda w: f"/levert-tid/import/{w.visit_import.pk}/",
                                page=OFFICE_ALL | {PL}),
    # Pathways and rehabilitation courses
    "pathway-list": R(lambda w: "/forlop/", sees=OFFICE | PROVIDER, page={CW2, OL2, PL2, PS2}),
    "pathway-detail": R(lambda w: f"/forlop/{w.pathway.pk}/", OFFICE | PROVIDER),
    "pathway-close": post(lambda w: f"/forlop/{w.pathway.pk}/avslutt/", OFFICE),
    "pathway-add-service": post(lambda w: f"/forlop/{w.pathway.pk}/tiltak/", OFFICE),
    "pathway-new": post(lambda w: f"/saker/{w.case.pk}/forlop/", OFFICE),
    "course-new": post(lambda w: f"/saker/{w.case.pk}/rehabilitering/", OFFICE),
    "course-list": R(lambda w: "/rehabilitering/", sees=OFFICE | PROVIDER,
                     page={CW2, OL2, PL2, PS2}),
    "course-detail": R(lambda w: f"/rehabilitering/{w.course.pk}/", OFFICE | PROVIDER),
    "course-action": post(lambda w: f"/rehabilitering/{w.course.pk}/avslutt/",
                          OFFICE | PROVIDER),
    # Quality alerts: counts only; the list of one alert is the user's own scope.
    "quality-alerts": R(lambda w: "/varsler/", page=OFFICE_ALL | {PL, PL2}),
    "quality-alert-list": R(lambda w: f"/varsler/{w.alert_key}/", page=OFFICE_ALL | {PL, PL2}),
    # Hospital stays and PLO messages
    "hospital:board": R(lambda w: "/sykehus/", sees=OFFICE | {PL}, page={CW2, OL2, PL2}),
    "hospital:stay": R(lambda w: f"/sykehus/{w.stay.pk}/", OFFICE | {PL}),
    "hospital:change": post(lambda w: f"/sykehus/{w.stay.pk}/plan/", OFFICE | {PL}),
    "exchange:plo": R(lambda w: "/sykehusmeldinger/", page=OFFICE_ALL),
    "exchange:plo-action": post(lambda w: f"/sykehusmeldinger/{w.plo.pk}/avvis/", OFFICE),
    # Places and waiting lists
    "places:waiting-lists": R(lambda w: "/ventelister/?liste=long_term", sees=OFFICE,
                              page={CW2, OL2}),
    "places:withdraw": post(lambda w: f"/ventelister/{w.entry.pk}/ta-av/", OFFICE),
    # Housing, BPA and respite
    "housing:bpa": R(lambda w: "/bpa/", sees=OFFICE, page={CW2, OL2}),
    "housing:bpa-edit": R(lambda w: f"/bpa/{w.bpa.pk}/", OFFICE),
    "housing:respite": R(lambda w: "/avlastning/", sees=OFFICE, page={CW2, OL2, PL, PL2}),
    "housing:respite-plan": R(lambda w: f"/avlastning/plan/{w.respite.pk}/", OFFICE),
    "housing:respite-remove": post(
        lambda w: f"/avlastning/plan/{w.respite.pk}/opphold/{w.respite_stay.pk}/fjern/",
        OFFICE),
    "housing:respite-copy": post(lambda w: f"/avlastning/plan/{w.respite.pk}/kopier/", OFFICE),
    "places:overview": R(lambda w: "/plasser/", page=OFFICE_ALL | {PL, PL2, MGMT}),
    # The waiting list is the municipality's: any office leader gives the next free place
    # (the person is named only to one who may open them).
    "places:give-next": post(lambda w: f"/plasser/{w.place.pk}/neste/", LEADERS),
    "places:deviations": R(lambda w: "/avvik/", page=OFFICE_ALL | {PL, PL2, MGMT}),
    # Houses and respite homes: hours and beds, no person; the provider leader of the
    # house (not in this world's users) or any office leader of the municipality.
    "housing:overview": R(lambda w: "/bo-og-habilitering/", page=LEADERS | {PL, PL2} | FIGURES),
    "housing:rota": R(lambda w: f"/bo-og-habilitering/{w.house.pk}/turnus/", page=LEADERS),
    "housing:delete-shift": post(
        lambda w: f"/bo-og-habilitering/{w.house.pk}/turnus/{w.shift.pk}/slett/", LEADERS),
    "housing:respite-home": R(lambda w: f"/avlastning/bolig/{w.respite_home.pk}/",
                              page=LEADERS),
    # Figures: aggregates only, never the subject.
    "financing-simulator": R(lambda w: "/finansiering/", page=FIGURES),
    "financing-excel": R(lambda w: "/finansiering/simulering.xlsx", page=FIGURES),
    "financing-budgets": R(lambda w: "/finansiering/budsjetter/", page=FIGURES | {PL, PL2}),
    "financing-budget": R(lambda w: f"/finansiering/budsjetter/{w.budget.pk}/",
                          page=FIGURES | {PL, PL2}),
    "financing-budget-excel": R(lambda w: f"/finansiering/budsjetter/{w.budget.pk}/"
                                          "budsjett.xlsx", page=FIGURES | {PL, PL2}),
    "financing-accounts": R(lambda w: "/finansiering/regnskap/", page=FIGURES | {PL, PL2}),
    "financing-accounts-excel": R(lambda w: "/finansiering/regnskap.xlsx",
                                  page=FIGURES | {PL, PL2}),
    "insight:dashboard": R(lambda w: "/nokkeltall/", page=FIGURES | OFFICE_ALL | {PL, PL2}),
    "insight:export": R(lambda w: "/nokkeltall/nokkeltall.csv",
                        page=FIGURES | OFFICE_ALL | {PL, PL2}),
    "insight:monthly-report": R(lambda w: "/nokkeltall/rapport.pdf",
                                page=FIGURES | OFFICE_ALL),
    "insight:equal-treatment": R(lambda w: "/nokkeltall/likebehandling/",
                                 page=FIGURES | LEADERS),
    "insight:equal-treatment-cases": R(lambda w: "/nokkeltall/likebehandling/saker/?by=district"
                                                 f"&group={w.east.pk}&min_cases=1",
                                       page=LEADERS),
    "insight:drilldown": R(lambda w: f"/nokkeltall/forlop-andel/saker/?window="
                                     f"{timezone.localdate():%Y-%m}&period=month&by=district"
                                     f"&group={w.east.pk}&category=",
                           sees=OFFICE, page={CW2, OL2}),
    # The indicators' definitions, no figures: for every signed-in user.
    "api-indicators": R(lambda w: "/api/v1/indicators/", page=EVERYONE),
    "api-figures": R(lambda w: f"/api/v1/figures/?from={timezone.localdate():%Y-%m}"
                               f"&to={timezone.localdate():%Y-%m}",
                     page=FIGURES | OFFICE_ALL),
    # KPR reporting: the municipality's, by the office leaders.
    "exchange:kpr": R(lambda w: "/kpr/", page=LEADERS),
    "exchange:kpr-send": post(lambda w: "/kpr/send/", LEADERS),
    "exchange:kpr-resend": post(lambda w: "/kpr/send-pa-nytt/", LEADERS),
    # API: 404 for a record of another side, 403 for a role that may never use it.
    "api-person-detail": R(lambda w: f"/api/v1/persons/{w.subject.pk}/", OFFICE | PROVIDER),
    # The lists give a role without persons an empty list (200), not 403.
    "api-person-list": R(lambda w: "/api/v1/persons/", sees=OFFICE | PROVIDER,
                         page=EVERYONE - OFFICE - PROVIDER),
    "api-case-list": R(lambda w: "/api/v1/cases/", sees=OFFICE, page={CW2, OL2}),
    "api-case-detail": R(lambda w: f"/api/v1/cases/{w.case.pk}/", OFFICE),
    # Registering an enquiry about, or a complaint on, another side's person or decision:
    # refused as for one that does not exist (400, the same message), and nothing saved.
    "api-case-list|POST": post(lambda w: "/api/v1/cases/", OFFICE_ALL - {CW2, OL2},
                               status={CW2: 400, OL2: 400}, data=lambda w: {
                                   "person": w.subject.pk, "channel": "phone",
                                   "sender_name": "Ingrid", "sender_role": "next_of_kin",
                                   "subject": "Hjelp", "services": ["hjemmesykepleie"]}),
    "api-case-decisions": post(lambda w: f"/api/v1/cases/{w.case.pk}/decisions/", OFFICE),
    "api-decision-detail": R(lambda w: f"/api/v1/decisions/{w.decision.pk}/", OFFICE),
    "api-decision-sign": post(lambda w: f"/api/v1/decisions/{w.draft.pk}/sign/", OFFICE),
    # The office's caseworker may see the draft; the counter-signature is refused by the
    # rule «only the office leader», with its message (400), and nothing changes.
    "api-decision-second-signature": post(
        lambda w: f"/api/v1/decisions/{w.draft.pk}/second-signature/", {OL}, status={CW: 400}),
    "api-decision-send": post(lambda w: f"/api/v1/decisions/{w.decision.pk}/send/", OFFICE),
    "api-complaint-list": post(lambda w: "/api/v1/complaints/", OFFICE,
                               status={CW2: 400, OL2: 400}, data=lambda w: {
                                   "decision": w.decision.pk, "complainant": "Ingrid",
                                   "received_on": f"{timezone.localdate():%Y-%m-%d}",
                                   "text": "Uenig"}),
    "api-complaint-detail": R(lambda w: f"/api/v1/complaints/{w.complaint.pk}/", OFFICE),
    "api-complaint-forward": post(lambda w: f"/api/v1/complaints/{w.complaint.pk}/forward/",
                                  OFFICE),
    "api-complaint-outcome": post(lambda w: f"/api/v1/complaints/{w.complaint.pk}/outcome/",
                                  OFFICE),
    "api-complaint-reassess": post(
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/reassess/", OFFICE),
    "api-order-list": R(lambda w: "/api/v1/orders/", sees=PROVIDER, page={PL2, PS2}),
    "api-order-detail": R(lambda w: f"/api/v1/orders/{w.order.pk}/", PROVIDER),
    "api-order-acknowledge": post(lambda w: f"/api/v1/orders/{w.order.pk}/acknowledge/",
                                  PROVIDER),
    "api-pathway-list": R(lambda w: "/api/v1/pathways/", sees=OFFICE | PROVIDER,
                          page=EVERYONE - OFFICE - PROVIDER),
    "api-pathway-detail": R(lambda w: f"/api/v1/pathways/{w.pathway.pk}/", OFFICE | PROVIDER),
    "api-visit-list": R(lambda w: "/api/v1/visits/", sees=OFFICE | PROVIDER,
                        page=EVERYONE - OFFICE - PROVIDER),
    "api-fhir-episodes": R(lambda w: f"/api/v1/fhir/EpisodeOfCare?patient={w.subject.pk}",
                           OFFICE | PROVIDER),
    "api-plo": post(lambda w: "/api/v1/plo/", OFFICE_ALL),
}

#: Patterns that are not in the matrix, each with the reason.
EXEMPT: dict[str, str] = {
    "home": "every signed-in user sees their own start page",
    "login": "public: the sign-in page",
    "logout": "signs the user out; shows nothing",
    "oidc_authentication_init": "public: starts the municipality's sign-in",
    "oidc_authentication_callback": "public: the sign-in's return (tests/accounts/test_oidc)",
    "health": "health check, public, no data",
    "citizen-apply": "citizen application: public form",
    "citizen-apply-office": "citizen application: public form for one office",
    "citizen-apply-done": "citizen application: public receipt, no data",
    "api-root": "the API's list of endpoints, no data",
}


def url_names() -> dict[str, set[str]]:
    """Every named URL pattern (its routes), but the admin, static files and the API's
    schema and documentation."""
    found: dict[str, set[str]] = {}

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                if p.namespace != "admin":
                    walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}{p.name}" if p.name else f"<unnamed {route}>"
                found.setdefault(name, set()).add(route)

    walk(get_resolver().url_patterns)
    return {name: routes for name, routes in found.items()
            if not any(r.startswith(("admin/", "static/", "media/")) for r in routes)
            and name not in ("api-schema", "api-openapi-json")}


def test_every_url_is_in_the_matrix_or_exempt_with_a_reason():
    names = url_names()
    matrix_names = {key.split("|")[0] for key in RESOURCES}
    undecided = {name: sorted(routes) for name, routes in names.items()
                 if name not in matrix_names and name not in EXEMPT}
    assert not undecided, f"URL patterns neither in the access matrix nor exempt: {undecided}"
    both = matrix_names & set(EXEMPT)
    assert not both, f"both in the matrix and exempt: {both}"
    gone = (matrix_names | set(EXEMPT)) - set(names)
    assert not gone, f"in the matrix or exempt, but no such URL pattern: {gone}"
    assert all(reason.strip() for reason in EXEMPT.values())


def users(w) -> dict[str, object]:
    """One user per role and side: «egen» works in the east (the subject's side), «annen»
    in the west. Made once per world."""
    if hasattr(w, "matrix_users"):
        return w.matrix_users
    w.matrix_users = {
        CW: w.caseworker,
        CW2: w.other_caseworker,
        OL: w.leader,
        OL2: w.user(Role.OFFICE_LEADER, office=w.west_office, username="vestleder"),
        PL: w.provider,
        PL2: w.user(Role.PROVIDER_LEADER, unit=w.west_unit, username="vestenhet"),
        PS: w.user(Role.PROVIDER_STAFF, unit=w.east_unit, username="pleier"),
        PS2: w.user(Role.PROVIDER_STAFF, unit=w.west_unit, username="vestpleier"),
        MGMT: w.user(Role.MANAGEMENT, username="ledelse"),
        ANALYST: w.analyst,
        ADMIN: w.user(Role.ADMINISTRATOR, username="admin"),
    }
    return w.matrix_users


@pytest.fixture
def extra(city):  # noqa: F811
    """The records the query budgets' world lacks, all about the same subject (east): a
    letter, a scanned enquiry, a complaint sent on with its documents, a stop, a change
    request, a pathway, a course, a waiting-list entry, a hospital stay, a PLO message in
    quarantine, a visit import, BPA and respite lines with a plan, and a nødrett opening by
    the east caseworker to review."""
    w = city
    today = timezone.localdate()
    users(w)
    w.second = w.draft.case
    w.letter = Letter.objects.filter(case=w.case).first()
    w.enquiry = w.case.enquiries.first()
    w.enquiry.scan.save("skann.pdf", ContentFile(b"%PDF-1.4 skann"))
    w.line = w.decision.lines.first()
    w.complaint = complaints.register(w.decision, received_on=today, complainant="Ingrid",
                                      text="Uenig i vedtaket.", actor=w.caseworker)
    complaints.reassess(w.complaint, outcome="upheld", note="Opprettholdt", actor=w.caseworker)
    complaints.forward(w.complaint, w.caseworker)
    w.pause = ServicePause.objects.create(line=w.line, reason=ServicePause.Reason.PAUSED,
                                          start=today)
    w.change = ChangeRequest.objects.create(order=w.order, kind="more", observation="Mer",
                                            since=today, need="Mer hjelp",
                                            requested_by=w.provider)
    w.pathway = pathways.open_pathway(w.case, code=2, start=today, provider_unit=w.east_unit,
                                      actor=w.caseworker)
    w.course = pathways.start_course(person=w.subject, kind="everyday_rehabilitation",
                                     provider_unit=w.east_unit, start=today,
                                     actor=w.caseworker, case=w.case, goals=["Gå selv"])
    w.entry = WaitingListEntry.objects.create(person=w.subject, list="long_term",
                                              qualified_on=today)
    w.stay = HospitalStay.objects.create(person=w.subject, hospital="Sykehuset Testby",
                                         admitted_at=timezone.now() - dt.timedelta(days=2))
    w.plo = PloMessage.objects.create(status=PloMessage.Status.QUARANTINED,
                                      content="<MsgHead/>", person=w.subject)
    w.visit_import = VisitImport.objects.create(file_name="besok.csv", sha256="0" * 64,
                                                started_by=w.provider,
                                                provider_unit=w.east_unit)
    w.bpa = w.grant(w.subject, w.east_unit, code="bpa", start=today - dt.timedelta(days=10))
    home = ProviderUnit.objects.create(municipality=w.municipality, name="Avlastning Øst",
                                       kind=ProviderKind.RESPITE)
    housing.add_shift(home, position="Dag", weekday=4, start=dt.time(8), end=dt.time(22))
    w.house, w.shift = home, RotaShift.objects.get(unit=home)
    w.respite_home = respite_home = RespiteHome.objects.create(unit=home, beds=2, cycle_weeks=12,
                                              cycle_start=today - dt.timedelta(days=14))
    w.respite = w.grant(w.subject, home, code="avlastning-institusjon", hours=4)
    plan = RespitePlan.objects.create(line=w.respite, home=respite_home, changed_by=w.caseworker)
    w.respite_stay = RespiteStay.objects.create(plan=plan, week=1, weekday=4,
                                                arrive=dt.time(15), nights=1,
                                                leave=dt.time(18))
    west_person = w.person(w.west, given="Vera", family="Vest")
    w.emergency = EmergencyAccess.objects.create(
        user=w.caseworker, person=west_person, role=Role.CASEWORKER, reason="Akutt",
        opened_at=timezone.now() - dt.timedelta(days=2),
        expires_at=timezone.now() - dt.timedelta(days=1))
    institution = Institution.objects.create(municipality=w.municipality, name="Solheim",
                                             district=w.east)
    w.place = Place.objects.create(institution=institution, label="Rom 1",
                                   kind=PlaceKind.LONG_TERM, opened_on=dt.date(2020, 1, 1))
    w.budget = Budget.objects.create(municipality=w.municipality, model="levels",
                                     year=today.year, version=1, total=0,
                                     created_by=users(w)[MGMT])
    Visit.objects.create(provider_unit=w.east_unit, person=w.subject, staff_role="SPL",
                         start=timezone.now() - dt.timedelta(hours=3),
                         end=timezone.now() - dt.timedelta(hours=2))
    w.alert_key = alerts_for(w.caseworker)[0].key
    return w


def expected(resource: R, who: str) -> set[int]:
    if resource.status and who in resource.status:
        return {resource.status[who]}
    if who in resource.sees or who in resource.page:
        return {200}
    return {403, 404}


def fingerprint() -> dict:
    """Every row of the project's tables but the access log and the users and their
    history (signing in changes ``last_login``): what a refused request must leave as it
    was."""
    skip = {AccessLogEntry, User, User.history.model}
    return {model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_models()
            if model.__module__.startswith("tildel.") and model not in skip
            and not model._meta.proxy}


def request(client, resource: R, w):
    url = resource.url(w)
    if resource.method == "POST":
        data = resource.data(w) if callable(resource.data) else resource.data or {}
        if url.startswith("/api/"):
            return client.post(url, data, content_type="application/json")
        return client.post(url, data)
    return client.get(url)


def shows_subject(response, w) -> bool:
    content = b"".join(response) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    return w.subject.full_name in text or w.subject.id_number in text


class PdfAsHtml:
    """WeasyPrint in the monthly report, replaced: the matrix is about who gets the report,
    not how it is drawn (2 s a PDF); the «PDF» is the report's HTML, so the check that the
    subject is not in it can read it."""

    def __init__(self, string, **kw):
        self.string = string

    def write_pdf(self, **kw) -> bytes:
        return self.string.encode()


def matrix(client, w, which) -> tuple[dict, dict]:
    """The status of each cell, and the cells that got a page with the subject in it though
    the user may not see the subject."""
    found, leaks = {}, {}
    shown = set()
    for who, user in users(w).items():
        client.force_login(user)
        for what in which:
            resource = RESOURCES[what]
            response = request(client, resource, w)
            found[(who, what)] = response.status_code
            if response.status_code == 200 and shows_subject(response, w):
                shown.add((who, what))
                if who not in resource.sees:
                    leaks[(who, what)] = "shows the subject"
    # The leak check finds the subject where the subject is shown.
    assert not {(CW, "person-overview"), (PS, "api-person-detail")} - shown or \
        not {"person-overview", "api-person-detail"} <= set(which)
    return found, leaks


READS = [what for what, r in RESOURCES.items() if not r.change]
CHANGES = [what for what, r in RESOURCES.items() if r.change]


def test_every_role_sees_its_own_side_and_nothing_else(extra, client, monkeypatch):
    monkeypatch.setattr("tildel.insight.report.HTML", PdfAsHtml)
    found, leaks = matrix(client, extra, READS)
    wrong = {cell: status for cell, status in found.items()
             if status not in expected(RESOURCES[cell[1]], cell[0])}
    assert not wrong, f"cells that differ from the matrix: {wrong}"
    assert not leaks, f"pages that show the subject to one who may not see them: {leaks}"
    assert len(found) == len(users(extra)) * len(READS)
    # The API never tells another side that a record exists: where a role may use an
    # endpoint, the other side gets 404, as for a record that does not exist; 403 is only
    # for a role that may never use it (then it says nothing of the record).
    for role in ("saksbehandler", "kontorleder", "tjenesteleder", "tjenesteyter"):
        for what in READS:
            if what.startswith("api-") and f"{role} egen" in RESOURCES[what].sees \
                    and not RESOURCES[what].page:
                own, other = found[(f"{role} egen", what)], found[(f"{role} annen", what)]
                assert (own, other) == (200, 404), (role, what, own, other)


def test_a_change_by_one_who_may_not_make_it_is_refused_and_changes_nothing(extra, client):
    """Posted empty by every user outside the endpoint's scope: 403 or 404, and not one
    row of the project's tables (but the access log) differs afterwards."""
    w = extra
    wrong, changed, posted = {}, [], 0
    before = fingerprint()
    for what in CHANGES:
        resource = RESOURCES[what]
        for who, user in users(w).items():
            if who in resource.sees:
                continue
            client.force_login(user)
            status = request(client, resource, w).status_code
            posted += 1
            if status not in expected(resource, who):
                wrong[(who, what)] = status
        after = fingerprint()
        if after != before:
            changed.append((what, [table for table in after if after[table] != before[table]]))
        before = after
    assert not wrong, f"changes not refused: {wrong}"
    assert not changed, f"refused changes that changed something: {changed}"
    assert posted > 300
