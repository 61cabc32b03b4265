"""/api/v1/fhir/EpisodeOfCare?patient=ID: a person's services for OKT, as FHIR.

``patient`` is Tildel's person id (``123`` or ``Patient/123``), never a fødselsnummer:
no personal data in URLs. Access follows the person's record (role and district, or the
serving unit); every answer is written to the access log. Errors are FHIR
OperationOutcome resources with a Norwegian message.
"""

from __future__ import annotations

import re

from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from tildel.accounts import access_log
from tildel.accounts.access import can_view_person
from tildel.exchange import okt
from tildel.people.models import Person

FHIR_JSON = "application/fhir+json"


def outcome(status: int, code: str, message: str, expression: str = "") -> JsonResponse:
    issue = {"severity": "error", "code": code, "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    return JsonResponse({"resourceType": "OperationOutcome", "issue": [issue]},
                        status=status, content_type=FHIR_JSON)


class EpisodeOfCareSearch(APIView):
    """Search EpisodeOfCare by patient: the person's current and planned services."""

    permission_classes: list = []  # checked below, so refusals are OperationOutcomes too

    @extend_schema(operation_id="fhir_episodeofcare_search", responses={200: dict},
                   parameters=[OpenApiParameter("patient", str, required=True,
                                                description="Personens id i Tildel, f.eks. "
                                                            "123 eller Patient/123")])
    def get(self, request):
        if not request.user or not request.user.is_authenticated:
            return outcome(401, "login", "Logg inn, eller send en API-nøkkel.")
        wanted = request.query_params.get("patient", "")
        match = re.fullmatch(r"(?:Patient/)?(\d{1,12})", wanted.strip())
        if not match:
            return outcome(400, "invalid", "Oppgi patient som personens id i Tildel, f.eks. "
                                           "patient=123.", "patient")
        person = Person.objects.filter(pk=int(match.group(1))).first()
        if person is None or not can_view_person(request.user, person):
            if person is not None:
                access_log.record(request.user, person, "FHIR: tjenesteoversikt (OKT)",
                                  outcome="denied")
            # The same answer whether the person exists or not: existence must not leak.
            return outcome(404, "not-found", "Fant ingen person med denne id-en som du har "
                                             "tilgang til.", "patient")
        access_log.record(request.user, person, "FHIR: tjenesteoversikt (OKT)")
        base = request.build_absolute_uri("/api/v1/fhir/")
        return JsonResponse(okt.bundle(person, timezone.localdate(), base),
                            content_type=FHIR_JSON)
