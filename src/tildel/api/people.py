"""/api/v1/persons/, /api/v1/pathways/ and /api/v1/visits/: persons with their rights (the
services they are granted), pathways and delivered time.

The same rule as the screens decides who sees whom (``accounts.access``: office roles the
persons of their districts, provider roles those their unit serves); every person shown is
written to the access log. Search is by name or by the person's id, never by fødselsnummer
in a URL.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from tildel.accounts import access_log
from tildel.accounts.access import persons_visible_to
from tildel.casework.models import Decision, ServiceLine
from tildel.delivery.models import Visit
from tildel.pathways.access import pathways_visible_to
from tildel.pathways.models import Pathway
from tildel.people.models import Person

from .views import LoggedList, schema_only


class RightSerializer(serializers.ModelSerializer):
    """A right (rettighet): a granted service in a decided decision that has not ended."""

    decision = serializers.IntegerField(source="decision_id")
    service = serializers.CharField(source="service_version.service.code")
    name = serializers.CharField(source="service_version.name")
    iplos_code = serializers.CharField(source="service_version.service.national_type_id",
                                       allow_null=True)
    unit = serializers.CharField(source="provider_unit.name", default=None)

    class Meta:
        model = ServiceLine
        fields = ["id", "decision", "service", "name", "iplos_code", "unit", "extent",
                  "extent_unit", "start", "end"]


class PersonSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name")
    rights = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "id_number", "id_type", "given_name", "family_name", "birth_date",
                  "district", "address", "postal_code", "postal_place", "phone",
                  "date_of_death", "rights"]

    @extend_schema_field(RightSerializer(many=True))
    def get_rights(self, person) -> list[dict]:
        lines = [line for decision in getattr(person, "decided", [])
                 for line in decision.rights]
        return RightSerializer(lines, many=True).data


class PersonViewSet(LoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """Persons the caller may see, with their current rights. ?search=name."""

    serializer_class = PersonSerializer
    log_what = "API: personliste"

    @staticmethod
    def person_of(person):
        return person

    def get_queryset(self):
        if schema_only(self):
            return Person.objects.none()
        today = timezone.localdate()
        rights = ServiceLine.objects.current_or_future(today).filter(
            start__isnull=False).select_related("service_version__service",
                                                "provider_unit").order_by("start", "id")
        qs = persons_visible_to(self.request.user).select_related("district").prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.filter(
                status=Decision.Status.DECIDED).prefetch_related(
                Prefetch("lines", queryset=rights, to_attr="rights")),
                to_attr="decided")).order_by("family_name", "given_name", "id")
        search = (self.request.query_params.get("search") or "").strip()
        if len(search) > 100:
            raise ValidationError({"search": ["Søket kan være høyst 100 tegn."]})
        for word in search.split()[:4]:
            qs = qs.filter(Q(given_name__istartswith=word) | Q(family_name__istartswith=word))
        return qs

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Navn (start)")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        person = super().get_object()
        access_log.record(self.request.user, person, "API: person med rettigheter")
        return person



class PathwaySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="provider_unit.name")

    class Meta:
        model = Pathway
        fields = ["id", "person", "code", "unit", "start", "deadline", "status", "outcome",
                  "real_end", "goal"]


class PathwayViewSet(LoggedList, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Pathways (forløp 1 and 2) of the persons the caller may see. ?person=ID."""

    serializer_class = PathwaySerializer
    log_what = "API: forløp"

    @staticmethod
    def person_of(pathway):
        return pathway.person

    def get_queryset(self):
        if schema_only(self):
            return Pathway.objects.none()
        qs = pathways_visible_to(self.request.user).select_related(
            "person", "provider_unit").order_by("-start", "id")
        return _for_person(qs, self.request)

    @extend_schema(parameters=[OpenApiParameter("person", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        pathway = super().get_object()
        access_log.record(self.request.user, pathway.person, "API: forløp")
        return pathway


def _for_person(qs, request):
    wanted = request.query_params.get("person")
    if wanted is None:
        return qs
    if not wanted.isdigit() or len(wanted) > 12:
        raise ValidationError({"person": ["Oppgi personens id som et heltall."]})
    return qs.filter(person_id=int(wanted))


class VisitSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="provider_unit.name")
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "person", "unit", "start", "end", "minutes", "staff_role", "source"]

    def get_minutes(self, visit) -> int:
        return int((visit.end - visit.start).total_seconds() // 60)


def _day(request, name: str) -> dt.date | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: ["Oppgi dato som ÅÅÅÅ-MM-DD."]}) from None


class VisitViewSet(LoggedList, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Delivered time (levert tid): visits to the persons the caller may see.
    ?person=ID&from=ÅÅÅÅ-MM-DD&to=ÅÅÅÅ-MM-DD."""

    serializer_class = VisitSerializer
    log_what = "API: levert tid"

    @staticmethod
    def person_of(visit):
        return visit.person

    def get_queryset(self):
        if schema_only(self):
            return Visit.objects.none()
        qs = Visit.objects.filter(person__in=persons_visible_to(self.request.user)
                                  ).select_related("person", "provider_unit").order_by(
            "-start", "id")
        first, last = _day(self.request, "from"), _day(self.request, "to")
        if first and last and last < first:
            raise ValidationError({"to": ["Til-datoen er før fra-datoen."]})
        if first:
            qs = qs.filter(start__date__gte=first)
        if last:
            qs = qs.filter(start__date__lte=last)
        return _for_person(qs, self.request)

    @extend_schema(parameters=[OpenApiParameter("person", int),
                               OpenApiParameter("from", str, description="ÅÅÅÅ-MM-DD"),
                               OpenApiParameter("to", str, description="ÅÅÅÅ-MM-DD")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
