"""Casework screens: queues, cases, assessment, decisions, letters, complaints, orders.

Views stay thin: they check access, log reads of a person's data, call
``tildel.casework.services`` and turn a ``CaseworkError`` into field-level messages.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tildel.accounts import access_log
from tildel.accounts.models import Role, User
from tildel.catalogue.models import ServiceVersion
from tildel.housing import services as housing
from tildel.organisation.models import AllocationOffice, ProviderUnit
from tildel.people.models import Person
from tildel.places import services as places
from tildel.rules import iplos, trust_model
from tildel.web.views import role_required

from . import forms
from .access import cases_visible_to, orders_visible_to
from .models import (
    Absence,
    Assessment,
    Case,
    Complaint,
    Decision,
    FunctionalScore,
    Letter,
    LetterKind,
    OfficeSettings,
    Order,
    ServiceLine,
    ServicePause,
    Task,
    WorkQueue,
)
from .services import CaseworkError, StaleEdit, intake, routing
from .services import complaints as complaint_service
from .services import decisions as decision_service
from .services import letters as letter_service
from .services import revisions as revision_service

OFFICE = (Role.CASEWORKER, Role.OFFICE_LEADER)
PROVIDER = (Role.PROVIDER_LEADER, Role.PROVIDER_STAFF)

def close_line_auto_id(line_pk: int) -> str:
    """The decision page repeats the close form for each line; each gets its own ids
    (the page's other forms set ``id_prefix``, tildel.web.accessible_forms)."""
    return f"close_{line_pk}_%s"


def apply_error(form, error: CaseworkError) -> None:
    """Put a service's Norwegian messages on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if form is not None and field in form.fields else None
            for message in errors:
                form.add_error(target, message) if form is not None else None
    elif form is not None:
        for message in error.messages:
            form.add_error(None, message)


def cleaned(form) -> dict:
    """The form's data, or its field messages as a ``CaseworkError``."""
    if not form.is_valid():
        raise CaseworkError({k: list(v) for k, v in form.errors.items()})
    return form.cleaned_data


def flash_error(request, error: CaseworkError) -> None:
    for message in (sum(error.message_dict.values(), []) if hasattr(error, "error_dict")
                    else error.messages):
        messages.error(request, message)


def log_listed(user, cases, what: str) -> None:
    """Every person whose name a list shows is in the access log (as search hits are)."""
    access_log.record_many(user, {c.person for c in cases if c.person_id}, what)


def case_queryset():
    return Case.objects.select_related(
        "person", "assigned_to", "queue", "allocation_office").prefetch_related(
        "suspensions", "extensions",
        Prefetch("tasks", queryset=Task.objects.filter(done_at__isnull=True)))


def get_case(request, pk: int, what: str) -> Case:
    case = get_object_or_404(case_queryset(), pk=pk)
    if not cases_visible_to(request.user).filter(pk=case.pk).exists():
        if case.person_id:
            access_log.record(request.user, case.person, what, outcome="denied")
        raise PermissionDenied
    if case.person_id:
        access_log.record(request.user, case.person, what)
    return case


def with_deadlines(cases, today: dt.date):
    """Each case with its outstanding deadlines; overdue first, then by next deadline."""
    conf_cache: dict[int, OfficeSettings] = {}
    rows = []
    for case in cases:
        conf = conf_cache.get(case.allocation_office_id)
        if conf is None:
            conf = conf_cache[case.allocation_office_id] = OfficeSettings.for_office(
                case.allocation_office_id)
        due = case.outstanding_deadlines(today, conf)
        next_label, next_due = due[0] if due else ("", None)
        rows.append({"case": case, "next_label": next_label, "next_due": next_due,
                     "overdue": bool(next_due and next_due < today),
                     "due_today": next_due == today})
    far = dt.date.max
    rows.sort(key=lambda r: (not r["overdue"], r["next_due"] or far, r["case"].received_at))
    return rows


@role_required(*OFFICE)
def my_queue(request):
    """Min arbeidskø: every open case assigned to me or my queues, overdue first."""
    user = request.user
    today = timezone.localdate()
    # Absence cover: the open cases of colleagues I stand in for today are mine too.
    covering = Absence.objects.filter(cover=user, start__lte=today, end__gte=today) \
        .values("user_id")
    # The few candidates first, then who may see them: asked as one query, the check ran
    # over every case of the office (10,000 in the city; 37 of 45 ms).
    mine = list(Case.objects.filter(status=Case.Status.OPEN).filter(
        Q(assigned_to=user) | Q(queue__members=user) | Q(assigned_to__in=covering))
        .values_list("pk", flat=True).distinct())
    cases = case_queryset().filter(pk__in=cases_visible_to(user).filter(pk__in=mine)
                                   .values("pk"))
    rows = with_deadlines(cases, today)
    log_listed(user, [r["case"] for r in rows], "Arbeidskø: navn, sak og frister")
    tasks = Task.objects.filter(assigned_to=user, done_at__isnull=True,
                                case__status=Case.Status.DECIDED).select_related("case__person")
    return render(request, "casework/queue.html", {
        "rows": rows, "today": today, "title": "Min arbeidskø", "other_tasks": tasks,
        "overdue": sum(1 for r in rows if r["overdue"])})


@role_required(Role.OFFICE_LEADER)
def office_queues(request):
    """Køoversikt for leder: every caseworker's and queue's load, and unassigned cases."""
    user = request.user
    today = timezone.localdate()
    cases = case_queryset().filter(status=Case.Status.OPEN,
                                   pk__in=cases_visible_to(user).values("pk"))
    rows = with_deadlines(cases, today)
    log_listed(user, [r["case"] for r in rows], "Køoversikt: navn, sak og frister")
    load: dict[str, dict] = {}
    for row in rows:
        case = row["case"]
        key = case.assigned_to.get_full_name() if case.assigned_to_id else (
            case.queue.name if case.queue_id else "Ufordelt")
        entry = load.setdefault(key, {"name": key, "open": 0, "overdue": 0, "urgent": 0})
        entry["open"] += 1
        entry["overdue"] += int(row["overdue"])
        entry["urgent"] += int(case.urgency == Case.Urgency.URGENT)
    return render(request, "casework/office_queues.html", {
        "rows": rows, "load": sorted(load.values(), key=lambda e: (-e["overdue"], e["name"])),
        "today": today})


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def case_new(request):
    """Registrer henvendelse: phone, paper (with the scan), e-message or in person."""
    person = None
    person_id = request.POST.get("person") or request.GET.get("person")
    if person_id and str(person_id).isdigit():
        person = get_object_or_404(Person, pk=person_id)
        if person.district_id not in request.user.district_ids():
            raise PermissionDenied
    form = forms.EnquiryForm(request.POST or None, request.FILES or None,
                             initial={"person": person.pk if person else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = intake.register_enquiry(
                office=request.user.allocation_office, person=person,
                channel=data["channel"], sender_name=data["sender_name"],
                sender_role=data["sender_role"], sender_phone=data["sender_phone"],
                text=data["text"] or data["subject"], subject=data["subject"],
                services=data["services"], received_at=data["received_at"],
                scan=data.get("scan"), actor=request.user)
        except CaseworkError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"Saken er registrert med saksnummer {case.reference}.")
            return redirect("case-detail", pk=case.pk)
    return render(request, "casework/case_new.html", {"form": form, "person": person})


@role_required(*OFFICE)
def case_detail(request, pk: int):
    """Saksoversikt: deadlines, enquiries, assessment, decisions, letters, timeline."""
    from tildel.pathways import views as pathway_views  # the pathways app builds on casework

    case = get_case(request, pk, "Sak: henvendelser, kartlegging, vedtak, brev")
    today = timezone.localdate()
    deadlines = case.deadlines(today)
    decisions = list(case.decisions.select_related("decided_by", "second_signed_by")
                     .prefetch_related("lines__service_version", "lines__provider_unit",
                                       "complaints").order_by("-id"))
    letters = list(Letter.objects.filter(case=case).defer("pdf")
                   .prefetch_related("dispatches"))
    units = ProviderUnit.objects.filter(municipality__in=request.user.municipalities.all())
    office_users = User.objects.filter(allocation_office_id=case.allocation_office_id,
                                       role__in=OFFICE, is_active=True)
    return render(request, "casework/case_detail.html", {
        "case": case, "today": today, "deadlines": deadlines,
        "outstanding": case.outstanding_deadlines(today),
        "enquiries": case.enquiries.all(), "decisions": decisions, "letters": letters,
        "events": case.events.select_related("actor")[:50],
        "assessment": getattr(case, "assessment", None),
        "measures": case.immediate_measures.select_related("service", "provider_unit",
                                                           "task", "regularised_by"),
        "triage_form": forms.TriageForm(initial={"urgency": case.urgency}),
        "measure_form": forms.ImmediateMeasureForm(units=units),
        "suspension_form": forms.SuspensionForm(initial={"start": today}),
        "extension_form": forms.ExtensionForm(),
        "conflict_form": forms.ConflictForm(),
        "reassign_form": forms.ReassignForm(
            users=office_users, queues=WorkQueue.objects.filter(
                allocation_office_id=case.allocation_office_id)),
        "candidates": _identity_candidates(request, case),
        "forum_form": forms.ForumMeetingForm(queues=_forums(case), initial={"held_on": today}),
        "meetings": case.forum_meetings.select_related("queue"),
        **pathway_views.case_context(request, case),
    })


def _forums(case: Case):
    return WorkQueue.objects.filter(allocation_office_id=case.allocation_office_id,
                                    kind__in=[WorkQueue.Kind.INTAKE, WorkQueue.Kind.BOARD,
                                              WorkQueue.Kind.LEADERS])


@require_POST
@role_required(*OFFICE)
def case_forum(request, pk: int):
    case = get_case(request, pk, "Sak: behandling i forum")
    form = forms.ForumMeetingForm(request.POST, queues=_forums(case))
    try:
        cleaned(form)
        routing.record_forum_meeting(case, actor=request.user, **form.cleaned_data)
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Forumets behandling er registrert på saken.")
    return redirect("case-detail", pk=case.pk)


def _identity_candidates(request, case: Case):
    if case.person_id or not case.applicant_id_number:
        return []
    found = list(Person.objects.filter(id_number=case.applicant_id_number,
                                       district_id__in=request.user.district_ids()))
    access_log.record_many(request.user, found, "Bekrefte identitet: navn, fødselsdato, adresse")
    return found


def attempt(request, action, success: str = ""):
    """Run ``action()``. A ``CaseworkError`` becomes its Norwegian messages on screen and
    ``(False, None)`` is returned; otherwise ``success`` (or the text the action returns,
    when ``success`` is empty) is shown and ``(True, result)`` returned."""
    try:
        result = action()
    except CaseworkError as error:
        flash_error(request, error)
        return False, None
    message = success or (result if isinstance(result, str) else "")
    if message:
        messages.success(request, message)
    return True, result


def _case_action(request, pk: int, what: str, action):
    case = get_case(request, pk, what)
    attempt(request, lambda: action(case))
    return redirect("case-detail", pk=case.pk)


@require_POST
@role_required(*OFFICE)
def case_triage(request, pk: int):
    form = forms.TriageForm(request.POST)

    def act(case):
        if not form.is_valid():
            raise CaseworkError({"urgency": ["Velg hvor mye saken haster."]})
        intake.triage(case, form.cleaned_data["urgency"], form.cleaned_data["note"],
                      request.user)
        return "Hastevurderingen er lagret."
    return _case_action(request, pk, "Sak: hastevurdering", act)


@require_POST
@role_required(*OFFICE)
def case_measure(request, pk: int):
    units = ProviderUnit.objects.filter(municipality__in=request.user.municipalities.all())
    form = forms.ImmediateMeasureForm(request.POST, units=units)

    def act(case):
        cleaned(form)
        intake.start_immediate_measure(case, actor=request.user, **form.cleaned_data)
        return "Strakstiltaket er registrert, med en oppgave om å regularisere det."
    return _case_action(request, pk, "Sak: strakstiltak", act)


@require_POST
@role_required(*OFFICE)
def case_suspend(request, pk: int):
    form = forms.SuspensionForm(request.POST)

    def act(case):
        cleaned(form)
        intake.suspend(case, form.cleaned_data["start"], form.cleaned_data["reason"],
                       request.user)
        return "Saken er stanset. Fristene flyttes så lenge stansen varer."
    return _case_action(request, pk, "Sak: stans", act)


@require_POST
@role_required(*OFFICE)
def case_resume(request, pk: int):
    return _case_action(request, pk, "Sak: gjenoppta", lambda case: (
        intake.resume(case, timezone.localdate(), request.user) and
        "Saken er gjenopptatt. Fristene er flyttet med dagene saken sto stille."))


@require_POST
@role_required(*OFFICE)
def case_extend(request, pk: int):
    form = forms.ExtensionForm(request.POST)

    def act(case):
        cleaned(form)
        intake.extend(case, form.cleaned_data["days"], form.cleaned_data["reason"],
                      request.user)
        return "Saksbehandlingstiden er forlenget."
    return _case_action(request, pk, "Sak: forlengelse", act)


@require_POST
@role_required(*OFFICE)
def case_conflict(request, pk: int):
    form = forms.ConflictForm(request.POST)

    def act(case):
        if not form.is_valid():
            raise CaseworkError({"reason": ["Oppgi grunnen til inhabiliteten."]})
        routing.declare_conflict(case, request.user, form.cleaned_data["reason"])
        return "Inhabiliteten er registrert, og saken er fordelt på nytt."
    case = get_case(request, pk, "Sak: inhabilitet")
    try:
        message = act(case)
    except CaseworkError as error:
        flash_error(request, error)
        return redirect("case-detail", pk=pk)
    messages.success(request, message)
    return redirect("my-queue")


@require_POST
@role_required(*OFFICE)
def case_reassign(request, pk: int):
    case = get_case(request, pk, "Sak: omfordeling")
    form = forms.ReassignForm(
        request.POST, users=User.objects.filter(allocation_office_id=case.allocation_office_id,
                                                role__in=OFFICE, is_active=True),
        queues=WorkQueue.objects.filter(allocation_office_id=case.allocation_office_id))
    try:
        if not form.is_valid():
            raise CaseworkError(form.non_field_errors() or ["Ugyldig valg."])
        routing.reassign(case, user=form.cleaned_data["assigned_to"],
                         queue=form.cleaned_data["queue"], actor=request.user)
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Saken er flyttet.")
    return redirect("case-detail", pk=pk)


@require_POST
@role_required(*OFFICE)
def case_confirm_identity(request, pk: int):
    def act(case):
        raw = request.POST.get("person", "")
        person = Person.objects.filter(pk=int(raw), district_id__in=request.user.district_ids()
                                       ).first() if raw.isdigit() else None
        if person is None:
            raise CaseworkError("Velg personen søknaden gjelder. Registrer personen først "
                                "hvis hen ikke finnes.")
        intake.confirm_identity(case, person, request.user)
        return "Identiteten er bekreftet, og saken er knyttet til personen."
    return _case_action(request, pk, "Sak: bekreft identitet", act)


@require_POST
@role_required(*OFFICE)
def case_letter(request, pk: int):
    """Send forvaltningsmelding or foreløpig svar."""
    kind = request.POST.get("kind")

    def act(case):
        if kind not in (LetterKind.ACKNOWLEDGEMENT, LetterKind.PRELIMINARY_REPLY):
            raise CaseworkError("Ukjent brevtype.")
        letter = letter_service.create_and_send(case, kind, request.user)
        if letter.status == Letter.Status.FAILED:
            raise CaseworkError(f"Brevet ble ikke sendt: {letter.error}")
        return f"«{letter.title}» er laget og sendt."
    return _case_action(request, pk, "Sak: brev", act)


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def assessment_edit(request, pk: int):
    """Kartlegging: visit, IPLOS scores, what matters, goals, consent, staircase."""
    case = get_case(request, pk, "Kartlegging: funksjonsvurdering, mål, samtykke")
    assessment = getattr(case, "assessment", None) or Assessment(case=case)
    scores = {s.variable: s.score for s in assessment.scores.all()} if assessment.pk else {}
    form = forms.AssessmentForm(request.POST or None, instance=assessment, scores=scores)
    wants_request = bool(request.POST.get("req-recipient_kind"))
    request_form = forms.InformationRequestForm(request.POST if wants_request else None,
                                                prefix="req")
    valid = request.method == "POST" and form.is_valid()
    if valid and wants_request and not form.cleaned_data.get("consent_to_collect"):
        form.add_error("consent_to_collect", "Opplysninger kan bare hentes inn med samtykke.")
        valid = False
    if valid and (not wants_request or request_form.is_valid()):
        with transaction.atomic():
            _save_assessment(form, request_form if wants_request else None, case, request.user)
        messages.success(request, "Kartleggingen er lagret.")
        return redirect("case-detail", pk=case.pk)
    return render(request, "casework/assessment.html", {
        "case": case, "form": form, "request_form": request_form,
        "requests": assessment.information_requests.all() if assessment.pk else [],
        "scale": iplos.SCALE}, status=400 if request.method == "POST" else 200)


def _save_assessment(form, request_form, case, user) -> None:
    saved = form.save(commit=False)
    if saved.sufficiently_informed and not saved.informed_confirmed_at:
        saved.informed_confirmed_at = timezone.now()
        saved.informed_confirmed_by = user
    if not saved.sufficiently_informed:
        saved.informed_confirmed_at = saved.informed_confirmed_by = None
    saved.save()
    FunctionalScore.objects.filter(assessment=saved).delete()
    FunctionalScore.objects.bulk_create(
        FunctionalScore(assessment=saved, variable=code, score=score)
        for code, score in form.scores().items())
    if request_form is not None:
        info = request_form.save(commit=False)
        info.assessment = saved
        info.save()
    from .services.journal import log
    log(case, "Kartleggingen er oppdatert.", user)


@require_POST
@role_required(*OFFICE)
def decision_new(request, pk: int):
    case = get_case(request, pk, "Sak: nytt vedtak")
    try:
        decision = decision_service.create_draft(case, request.user)
    except CaseworkError as error:
        flash_error(request, error)
        return redirect("case-detail", pk=case.pk)
    return redirect("decision-edit", pk=decision.pk)


def _may_open_decision(user, decision: Decision) -> bool:
    """Through its case; a decision without one (migrated from the old system) by its office
    and the person's district."""
    if decision.case_id is not None:
        return cases_visible_to(user).filter(pk=decision.case_id).exists()
    return (user.is_office_role and decision.allocation_office_id == user.allocation_office_id
            and decision.person.district_id in user.district_ids())


def get_decision(request, pk: int, what: str) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related(
        "case", "person", "decided_by", "second_signed_by", "updated_by", "annulled_by"),
        pk=pk)
    if not _may_open_decision(request.user, decision):
        access_log.record(request.user, decision.person, what, outcome="denied")
        raise PermissionDenied
    access_log.record(request.user, decision.person, what)
    return decision


def _line_initial(line: ServiceLine) -> dict:
    return {"id": line.pk, "service_version": line.service_version_id,
            "granted": "1" if line.granted else "0", "provider_unit": line.provider_unit_id,
            "extent": line.extent, "extent_unit": line.extent_unit, "start": line.start,
            "end": line.end, "goal": line.goal, "frame": line.frame,
            "alternative_offered": line.alternative_offered}


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def decision_edit(request, pk: int):
    """Vedtaksutkast. A save based on an older version is refused, nothing overwritten."""
    decision = get_decision(request, pk, "Vedtak: utkast")
    if not decision.is_editable:
        return redirect("decision-detail", pk=decision.pk)
    versions = ServiceVersion.objects.in_force(timezone.localdate())
    units = ProviderUnit.objects.filter(municipality_id=decision.person.municipality_id)
    lines = list(decision.lines.all())
    initial_lines = [_line_initial(line) for line in lines]
    if not initial_lines:
        today = timezone.localdate()
        initial_lines = [{"service_version": v.pk, "extent_unit": v.extent_unit, "start": today,
                          "granted": "1"} for v in versions.filter(
            service__in=decision.case.requested_services.all())]
    form = forms.DecisionForm(request.POST or None, initial={
        "version": decision.version, "legal_basis": decision.legal_basis,
        "facts": decision.facts, "reasons": decision.reasons,
        "alternative_offered": decision.alternative_offered})
    formset = forms.LineFormSet(request.POST or None, initial=initial_lines, prefix="lines",
                                form_kwargs={"versions": versions, "units": units})
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            line_data = [f.cleaned_data for f in formset.forms
                         if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                decision_service.save_draft(
                    decision, expected_version=data["version"], actor=request.user,
                    fields={k: data[k] for k in ("legal_basis", "facts", "reasons",
                                                 "alternative_offered")},
                    lines=line_data)
            except StaleEdit as error:
                form.add_error(None, error.messages[0])
                status = 409
            except CaseworkError as error:
                apply_error(form, error)
                status = 400
            else:
                messages.success(request, "Utkastet er lagret.")
                if "sign" in request.POST:
                    return decision_sign(request, decision.pk)
                return redirect("decision-edit", pk=decision.pk)
        else:
            status = 400
    codes = {line.service_version.service.code for line in decision.lines.select_related(
        "service_version__service")} | set(decision.case.requested_services.values_list(
        "code", flat=True))
    return render(request, "casework/decision_edit.html", {
        "decision": decision, "case": decision.case, "form": form, "formset": formset,
        "assessment": getattr(decision.case, "assessment", None),
        "free_places": places.free_for_services(decision.person.municipality_id, codes,
                                                timezone.localdate()),
        "capacity": housing.capacity_checks(decision)}, status=status)


@role_required(*OFFICE)
def decision_detail(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: innhold og beslutningsgrunnlag")
    lines = list(decision.lines.select_related("service_version", "provider_unit"))
    today = timezone.localdate()
    for line in lines:
        line.close_form = forms.CloseLineForm(initial={"end": today},
                                              auto_id=close_line_auto_id(line.pk))
    return render(request, "casework/decision_detail.html", {
        "decision": decision, "case": decision.case, "lines": lines,
        "orders": decision.orders.select_related("provider_unit").prefetch_related(
            "adjustments__service_line__service_version", "change_requests"),
        "complaints": decision.complaints.all(),
        "letters": decision.letters.defer("pdf").prefetch_related("dispatches"),
        "replaced_by": getattr(decision, "replaced_by", None),
        "revision_form": forms.RevisionForm(),
        "annul_form": forms.AnnulForm(initial={"version": decision.version}),
        "is_leader": request.user.role == Role.OFFICE_LEADER})


@require_POST
@role_required(Role.OFFICE_LEADER)
def decision_annul(request, pk: int):
    """Annullering by the office leader, with a reason; a stale page is refused."""
    decision = get_decision(request, pk, "Vedtak: annullering")
    form = forms.AnnulForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("decision-detail", pk=decision.pk)
    try:
        decision_service.annul(decision, request.user, reason=form.cleaned_data["reason"],
                               expected_version=form.cleaned_data["version"])
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Vedtaket er annullert. Tjenestene i det telles ikke lenger, "
                                  "og annulleringen meldes til KPR ved neste innsending.")
    return redirect("decision-detail", pk=decision.pk)


@require_POST
@role_required(*OFFICE)
def decision_sign(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: signering")
    try:
        decision = decision_service.sign(decision, request.user)
    except CaseworkError as error:
        flash_error(request, error)
        return redirect("decision-edit", pk=decision.pk)
    if decision.status == Decision.Status.AWAITING_SECOND:
        messages.success(request, "Vedtaket er signert og venter på andre signatur fra leder.")
    else:
        messages.success(request, "Vedtaket er fattet. Bestilling er sendt til enheten.")
    return redirect("decision-detail", pk=decision.pk)


@require_POST
@role_required(Role.OFFICE_LEADER)
def decision_second_sign(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: andre signatur")
    try:
        decision_service.second_sign(decision, request.user)
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Vedtaket er fattet med to signaturer. Bestilling er sendt.")
    return redirect("decision-detail", pk=decision.pk)


@require_POST
@role_required(*OFFICE)
def decision_send(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: utsending")
    try:
        letter = letter_service.send_decision(decision, request.user)
    except CaseworkError as error:
        flash_error(request, error)
    else:
        if letter.status == Letter.Status.FAILED:
            messages.error(request, f"Vedtaksbrevet ble ikke sendt: {letter.error}")
        else:
            messages.success(request, "Vedtaksbrevet er laget og sendt.")
    return redirect("decision-detail", pk=decision.pk)


@role_required(*OFFICE)
def enquiry_scan(request, pk: int):
    """The scanned paper enquiry, for those who may open the case; the read is logged."""
    from django.http import FileResponse

    from .models import Enquiry

    enquiry = get_object_or_404(Enquiry.objects.select_related("case__person"), pk=pk)
    if not enquiry.scan or not cases_visible_to(request.user).filter(
            pk=enquiry.case_id).exists():
        if enquiry.case.person_id:
            access_log.record(request.user, enquiry.case.person,
                              "Henvendelse: skannet dokument", outcome="denied")
        raise PermissionDenied
    if enquiry.case.person_id:
        access_log.record(request.user, enquiry.case.person, "Henvendelse: skannet dokument")
    suffix = enquiry.scan.name.rsplit(".", 1)[-1].lower()
    return FileResponse(enquiry.scan.open("rb"), filename=f"henvendelse-{enquiry.pk}.{suffix}")


@role_required(*OFFICE)
def letter_pdf(request, pk: int):
    letter = get_object_or_404(Letter.objects.select_related("case__person"), pk=pk)
    if not cases_visible_to(request.user).filter(pk=letter.case_id).exists():
        if letter.case.person_id:
            access_log.record(request.user, letter.case.person, f"Brev: {letter.title}",
                              outcome="denied")
        raise PermissionDenied
    if letter.pdf is None:
        return render(request, "404.html", status=404)
    access_log.record(request.user, letter.case.person, f"Brev: {letter.title}")
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE)
def complaint_new(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: registrere klage")
    form = forms.ComplaintForm(request.POST or None, initial={
        "received_on": timezone.localdate(), "complainant": decision.person.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_service.register(decision, actor=request.user,
                                                   **form.cleaned_data)
        except CaseworkError as error:
            apply_error(form, error)
        else:
            if complaint.is_late:
                messages.warning(request, f"Klagen kom etter fristen "
                                          f"({complaint.deadline:%d.%m.%Y}). Kontoret kan "
                                          "likevel behandle den (fvl. § 31).")
            messages.success(request, "Klagen er registrert.")
            return redirect("complaint-detail", pk=complaint.pk)
    return render(request, "casework/complaint_new.html", {"decision": decision, "form": form})


def get_complaint(request, pk: int, what: str) -> Complaint:
    complaint = get_object_or_404(Complaint.objects.select_related(
        "decision__case", "decision__person", "new_decision").defer("bundle_pdf"), pk=pk)
    get_decision(request, complaint.decision_id, what)
    return complaint


@role_required(*OFFICE)
def complaint_detail(request, pk: int):
    complaint = get_complaint(request, pk, "Klage: innhold og behandling")
    return render(request, "casework/complaint_detail.html", {
        "complaint": complaint, "decision": complaint.decision,
        "reassess_form": forms.ReassessmentForm(),
        "outcome_form": forms.AuthorityOutcomeForm(initial={"decided_on": timezone.localdate()})})


@role_required(*OFFICE)
def complaint_documents(request, pk: int):
    """The case documents sent to Statsforvalteren, as one PDF."""
    complaint = get_complaint(request, pk, "Klage: sakens dokumenter til Statsforvalteren")
    complaint.refresh_from_db(fields=["bundle_pdf"])
    if not complaint.bundle_pdf:
        raise Http404
    response = HttpResponse(bytes(complaint.bundle_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="klagesak-{complaint.pk}.pdf"'
    return response


@require_POST
@role_required(*OFFICE)
def complaint_action(request, pk: int, action: str):
    complaint = get_complaint(request, pk, "Klage: behandling")
    try:
        if action == "reassess":
            form = forms.ReassessmentForm(request.POST)
            cleaned(form)
            complaint_service.reassess(complaint, outcome=form.cleaned_data["outcome"],
                                       note=form.cleaned_data["note"], actor=request.user)
        elif action == "forward":
            complaint_service.forward(complaint, request.user)
        elif action == "outcome":
            form = forms.AuthorityOutcomeForm(request.POST)
            cleaned(form)
            complaint_service.record_authority_outcome(
                complaint, outcome=form.cleaned_data["outcome"],
                decided_on=form.cleaned_data["decided_on"], note=form.cleaned_data["note"],
                actor=request.user)
        else:
            raise CaseworkError("Ukjent handling.")
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Klagen er oppdatert.")
    return redirect("complaint-detail", pk=complaint.pk)


@require_POST
@role_required(*OFFICE)
def revision_new(request, pk: int):
    decision = get_decision(request, pk, "Vedtak: revurdering")
    form = forms.RevisionForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseworkError({"trigger": ["Velg årsak til revurderingen."]})
        revision = revision_service.request_revision(decision, actor=request.user,
                                                     **form.cleaned_data)
    except CaseworkError as error:
        flash_error(request, error)
        return redirect("decision-detail", pk=decision.pk)
    messages.success(request, "Revurderingssak er opprettet.")
    return redirect("case-detail", pk=revision.case_id)


@require_POST
@role_required(*OFFICE)
def line_close(request, pk: int):
    line = get_object_or_404(ServiceLine.objects.select_related("decision", "service_version"),
                             pk=pk)
    decision = get_decision(request, line.decision_id, "Vedtak: avslutte tjeneste")
    form = forms.CloseLineForm(request.POST, auto_id=close_line_auto_id(line.pk))
    try:
        cleaned(form)
        revision_service.close_line(line, end=form.cleaned_data["end"],
                                    reason=form.cleaned_data["reason"], actor=request.user)
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Tjenesten er avsluttet.")
    return redirect("decision-detail", pk=decision.pk)


@role_required(*OFFICE)
def revisions_due(request):
    """Revurderinger: lines due for revision within 30 days, and renewals within 2 months."""
    today = timezone.localdate()
    lines = revision_service.lines_needing_attention(
        ServiceLine.objects.filter(decision__person__district_id__in=request.user.district_ids(),
                                   decision__allocation_office_id=request.user
                                   .allocation_office_id),
        today).select_related("decision__person", "service_version", "provider_unit") \
        .order_by("revision_due")[:300]
    rows = [{"line": line, "reason": revision_service.attention_reason(line, today)}
            for line in lines]
    access_log.record_many(request.user, {r["line"].decision.person for r in rows},
                           "Revurderinger: navn og tjeneste")
    return render(request, "casework/revisions_due.html", {"rows": rows, "today": today})


@role_required(*PROVIDER)
def orders_inbox(request):
    """Bestillinger til enheten: new ones first, until acknowledged."""
    # Only what the table shows: a unit has thousands of orders, the page the latest 200.
    orders = orders_visible_to(request.user).select_related("decision__person").only(
        "created_at", "acknowledged_at", "decision__person__given_name",
        "decision__person__family_name").prefetch_related(Prefetch(
            "lines", ServiceLine.objects.select_related("service_version").only(
                "extent", "extent_unit", "service_version__name"))).order_by(
        "acknowledged_at", "-created_at")[:200]
    access_log.record_many(request.user, {o.decision.person for o in orders},
                           "Bestillinger: navn og tjenester")
    return render(request, "casework/orders_inbox.html", {
        "orders": orders, "new": orders_visible_to(request.user).filter(
            acknowledged_at__isnull=True).count()})


@role_required(*PROVIDER)
def order_detail(request, pk: int):
    order = get_object_or_404(orders_visible_to(request.user).select_related(
        "decision__person", "provider_unit"), pk=pk)
    access_log.record(request.user, order.decision.person, "Bestilling: tjenester og mål")
    from tildel.catalogue.models import TimeNorm
    from tildel.pathways.forms import DeclineReferralForm
    from tildel.provision.forms import AdjustmentForm, ChangeRequestForm, PauseForm
    from tildel.provision.services import provision_model

    lines = list(order.lines.select_related("service_version"))
    detailed = provision_model(order) == trust_model.PURCHASER_PROVIDER
    norms = (TimeNorm.objects.in_force(timezone.localdate()).filter(
        measure__service__in=[line.service_version.service_id for line in lines])
        .select_related("measure").order_by("measure__name") if detailed else [])
    return render(request, "casework/order_detail.html", {
        "order": order, "lines": lines, "detailed": detailed, "norms": norms,
        "decline_form": DeclineReferralForm(municipality_ids=list(
            request.user.municipalities.values_list("pk", flat=True))),
        "adjustments": order.adjustments.select_related("service_line__service_version",
                                                        "made_by"),
        "change_requests": order.change_requests.select_related("requested_by"),
        "adjust_form": AdjustmentForm(lines=lines),
        "pause_form": PauseForm(lines=lines),
        "pauses": ServicePause.objects.filter(line__in=lines).select_related(
            "line__service_version"),
        "change_form": ChangeRequestForm(lines=lines,
                                         initial={"since": timezone.localdate()})})


@require_POST
@role_required(*PROVIDER)
def order_acknowledge(request, pk: int):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    if order.acknowledged_at is None:
        Order.objects.filter(pk=order.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=request.user)
        if order.decision.case_id:
            from .services.journal import log
            log(order.decision.case, f"Bestillingen er kvittert av {order.provider_unit}.",
                request.user)
        messages.success(request, "Bestillingen er kvittert.")
    return redirect("order-detail", pk=order.pk)


@require_http_methods(["GET", "POST"])
def citizen_apply(request, office_pk: int | None = None):
    """Søknad for innbyggere: no login; the office confirms the identity afterwards."""
    offices = AllocationOffice.objects.order_by("name")
    office = get_object_or_404(offices, pk=office_pk) if office_pk else offices.first()
    form = forms.CitizenApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if office_pk is None:
            office = intake.office_for_applicant(data["id_number"]) or office
        case = intake.submit_citizen_application(
            office=office, applicant_name=data["applicant_name"], id_number=data["id_number"],
            phone=data["phone"], subject=data["subject"], services=data["services"],
            sender_name=data["sender_name"] if data["on_behalf"] else "",
            sender_role=data["sender_role"] if data["on_behalf"] else "applicant")
        request.session["applied_reference"] = case.reference
        return redirect("citizen-apply-done")
    return render(request, "casework/citizen_apply.html", {"form": form, "office": office})


def citizen_apply_done(request):
    reference = request.session.pop("applied_reference", None)
    if reference is None:
        return redirect("citizen-apply")
    return render(request, "casework/citizen_apply_done.html", {"reference": reference})

