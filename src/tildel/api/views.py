"""API endpoints. Every read of a person's case data is written to the access log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tildel.accounts import access_log
from tildel.casework.access import cases_visible_to, orders_visible_to
from tildel.casework.models import Case, Complaint, Decision, Order, ServiceLine
from tildel.casework.services import CaseworkError, intake
from tildel.casework.services import complaints as complaint_service
from tildel.casework.services import decisions as decision_service
from tildel.casework.services import letters as letter_service
from tildel.catalogue.models import Service, ServiceVersion
from tildel.organisation.models import ProviderUnit
from tildel.people.models import Person

from . import serializers as s


class OfficeOnly:
    def check_office(self, request):
        if not request.user.is_office_role:
            raise PermissionDenied


class LoggedList:
    """A list names persons: each one shown goes to the access log."""

    log_what = "API: liste"

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.listed = list(page) if page is not None else list(queryset)
        return page

    def list(self, request, *args, **kwargs):
        self.listed = []
        response = super().list(request, *args, **kwargs)
        persons = {self.person_of(o) for o in self.listed}
        access_log.record_many(request.user, persons - {None}, self.log_what)
        return response


def schema_only(view) -> bool:
    """drf-spectacular builds the OpenAPI document without a user."""
    return getattr(view, "swagger_fake_view", False)


class CaseViewSet(OfficeOnly, LoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """Saker: list, read, register an enquiry, start a decision."""

    serializer_class = s.CaseSerializer
    log_what = "API: saksliste"

    @staticmethod
    def person_of(case):
        return case.person

    def get_queryset(self):
        if schema_only(self):
            return Case.objects.none()
        self.check_office(self.request)
        qs = cases_visible_to(self.request.user).select_related(
            "assigned_to", "queue", "person").prefetch_related(
            "suspensions", "extensions")
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        if case.person_id:
            access_log.record(request.user, case.person, "API: sak")
        return Response(self.get_serializer(case).data)

    @extend_schema(request=s.EnquiryInSerializer, responses=s.CaseSerializer)
    def create(self, request):
        self.check_office(request)
        data = s.EnquiryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = None
        if v.get("person"):
            person = Person.objects.filter(pk=v["person"],
                                           district_id__in=request.user.district_ids()).first()
            if person is None:
                raise CaseworkError({"person": ["Personen finnes ikke, eller du har ikke "
                                                "tilgang til hen."]})
        services = list(Service.objects.filter(code__in=v["services"]))
        unknown = set(v["services"]) - {x.code for x in services}
        if unknown:
            raise CaseworkError({"services": [f"Ukjent tjeneste: {', '.join(sorted(unknown))}."]})
        case = intake.register_enquiry(
            office=request.user.allocation_office, person=person, channel=v["channel"],
            sender_name=v["sender_name"], sender_role=v["sender_role"],
            sender_phone=v["sender_phone"], text=v["text"] or v["subject"],
            subject=v["subject"], services=services,
            received_at=v.get("received_at") or timezone.now(), actor=request.user)
        return Response(s.CaseSerializer(case).data, status=201)

    @extend_schema(request=None, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        case = self.get_object()
        decision = decision_service.create_draft(case, request.user)
        access_log.record(request.user, case.person, "API: nytt vedtaksutkast")
        return Response(s.DecisionSerializer(decision).data, status=201)


class DecisionViewSet(OfficeOnly, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Vedtak: read, save a draft (with ``version``), sign, counter-sign, send."""

    serializer_class = s.DecisionSerializer

    def get_queryset(self):
        if schema_only(self):
            return Decision.objects.none()
        self.check_office(self.request)
        return Decision.objects.filter(
            case__in=cases_visible_to(self.request.user)).prefetch_related(
            Prefetch("lines", queryset=ServiceLine.objects.select_related(
                "service_version__service")))

    def retrieve(self, request, *args, **kwargs):
        decision = self.get_object()
        access_log.record(request.user, decision.person, "API: vedtak")
        return Response(self.get_serializer(decision).data)

    @extend_schema(request=s.DecisionInSerializer, responses=s.DecisionSerializer)
    def update(self, request, pk=None):
        decision = self.get_object()
        data = s.DecisionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        today = timezone.localdate()
        lines = []
        for i, line in enumerate(v["lines"]):
            version = ServiceVersion.objects.in_force(today).filter(
                service__code=line["service"]).first()
            if version is None:
                raise CaseworkError({"lines": [f"Linje {i + 1}: ukjent tjeneste "
                                               f"«{line['service']}»."]})
            unit = None
            if line.get("provider_unit"):
                unit = ProviderUnit.objects.filter(
                    pk=line["provider_unit"],
                    municipality_id=decision.person.municipality_id).first()
                if unit is None:
                    raise CaseworkError({"lines": [f"Linje {i + 1}: ukjent tjenesteenhet."]})
            lines.append({**line, "service_version": version, "provider_unit": unit,
                          "extent_unit": line.get("extent_unit") or version.extent_unit})
        access_log.record(request.user, decision.person, "API: lagre vedtaksutkast")
        decision = decision_service.save_draft(
            decision, expected_version=v["version"], actor=request.user, lines=lines,
            fields={k: v[k] for k in ("legal_basis", "facts", "reasons", "alternative_offered")
                    if k in v})
        return Response(s.DecisionSerializer(decision).data)

    @extend_schema(request=None, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        decision = self.get_object()
        access_log.record(request.user, decision.person, "API: signere vedtak")
        decision = decision_service.sign(decision, request.user)
        return Response(s.DecisionSerializer(decision).data)

    @extend_schema(request=None, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="second-signature")
    def second_signature(self, request, pk=None):
        decision = self.get_object()
        access_log.record(request.user, decision.person, "API: andre signatur")
        decision = decision_service.second_sign(decision, request.user)
        return Response(s.DecisionSerializer(decision).data)

    @extend_schema(request=None, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        decision = self.get_object()
        access_log.record(request.user, decision.person, "API: sende vedtak")
        letter = letter_service.send_decision(decision, request.user)
        if letter.status != letter.Status.RENDERED:
            raise CaseworkError({"letter": [f"Vedtaksbrevet ble ikke laget: {letter.error}"]})
        decision.refresh_from_db()
        return Response(s.DecisionSerializer(decision).data)


class ComplaintViewSet(OfficeOnly, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Klager: register on a decision, re-assess, forward, record the outcome."""

    serializer_class = s.ComplaintSerializer

    def get_object(self):
        complaint = super().get_object()
        access_log.record(self.request.user, complaint.decision.person, "API: klage")
        return complaint

    def get_queryset(self):
        if schema_only(self):
            return Complaint.objects.none()
        self.check_office(self.request)
        return Complaint.objects.filter(
            decision__case__in=cases_visible_to(self.request.user)).select_related(
            "decision__person")

    @extend_schema(request=s.ComplaintInSerializer, responses=s.ComplaintSerializer)
    def create(self, request):
        self.check_office(request)
        data = s.ComplaintInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decision = Decision.objects.filter(
            pk=v["decision"], case__in=cases_visible_to(request.user)).first()
        if decision is None:
            raise CaseworkError({"decision": ["Vedtaket finnes ikke, eller du har ikke "
                                              "tilgang til det."]})
        access_log.record(request.user, decision.person, "API: registrere klage")
        complaint = complaint_service.register(
            decision, received_on=v["received_on"], complainant=v["complainant"],
            text=v["text"], actor=request.user)
        return Response(s.ComplaintSerializer(complaint).data, status=201)

    @extend_schema(request=s.ReassessInSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reassess(self, request, pk=None):
        complaint = self.get_object()  # the access check before the body is read
        data = s.ReassessInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_service.reassess(complaint, actor=request.user,
                                               **data.validated_data)
        return Response(s.ComplaintSerializer(complaint).data)

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        complaint = complaint_service.forward(self.get_object(), request.user)
        return Response(s.ComplaintSerializer(complaint).data)

    @extend_schema(request=s.AuthorityOutcomeInSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        complaint = self.get_object()  # the access check before the body is read
        data = s.AuthorityOutcomeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_service.record_authority_outcome(
            complaint, actor=request.user, **data.validated_data)
        return Response(s.ComplaintSerializer(complaint).data)


class OrderViewSet(LoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """Bestillinger to the signed-in user's provider unit."""

    serializer_class = s.OrderSerializer
    log_what = "API: bestillinger"

    @staticmethod
    def person_of(order):
        return order.decision.person

    def get_queryset(self):
        if schema_only(self):
            return Order.objects.none()
        if not self.request.user.is_provider_role:
            raise PermissionDenied
        qs = orders_visible_to(self.request.user).select_related("decision__person") \
            .prefetch_related(Prefetch("lines", queryset=ServiceLine.objects.select_related(
                "service_version__service")))
        if self.request.query_params.get("new") == "1":
            qs = qs.filter(acknowledged_at__isnull=True)
        return qs.order_by("-created_at")

    def retrieve(self, request, *args, **kwargs):
        order = self.get_object()
        access_log.record(request.user, order.decision.person, "API: bestilling")
        return Response(self.get_serializer(order).data)

    @extend_schema(request=None, responses=s.OrderSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        order = self.get_object()
        Order.objects.filter(pk=order.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=request.user)
        order.refresh_from_db()
        return Response(self.get_serializer(order).data)

