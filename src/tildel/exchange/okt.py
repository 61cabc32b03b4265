"""OKT (oversikt over kommunale tjenester): a person's services as FHIR EpisodeOfCare.

Mapping (standards.md § OKT; HL7 Norway's OKT IG draft 0.2.0, FHIR 4.0.1): one
EpisodeOfCare per service line that has not ended; ``type`` carries the IPLOS service code
(Volven 9151), ``period`` the start and end, the WeeklyExtentQuantity extension the hours
a week, ``status`` is ``on-hold`` during a temporary stop (temporaryCessation),
``planned`` before the start and ``active`` otherwise; ``managingOrganization`` is the
unit with its organisation number. The bundle is checked by parsing it with
``fhir.resources`` (R4B, whose EpisodeOfCare and Bundle are those of R4) before it is
returned.

The IG draft names the IPLOS code system ``urn:oid:2.16.578.1.12.4.1.4.1``, which is the
OID of fødselsnummer; Tildel uses Volven 9151's own OID (standards.md).
"""

from __future__ import annotations

import datetime as dt

from fhir.resources.R4B.bundle import Bundle

from tildel.casework.models import Decision, ServiceLine, ServicePause
from tildel.people.models import Person
from tildel.rules.hours import weekly_hours

IPLOS_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.9151"
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"
HNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.3"
ID_SYSTEMS = {Person.IdType.FODSELSNUMMER: FNR_SYSTEM, Person.IdType.D_NUMMER: DNR_SYSTEM,
              Person.IdType.H_NUMMER: HNR_SYSTEM}
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"
PROFILE = "http://hl7.no/fhir/ig/okt/StructureDefinition/OktEpisodeOfCare"
WEEKLY_EXTENT = "http://hl7.no/fhir/ig/okt/StructureDefinition/WeeklyExtentQuantity"
DESCRIPTION = "http://hl7.no/fhir/ig/okt/StructureDefinition/ServiceDescriptionMarkdown"


def _weekly(line: ServiceLine) -> float | None:
    hours = weekly_hours(line.extent, line.extent_unit)
    return round(hours, 2) if hours is not None else None


def _status(line: ServiceLine, stops: list[ServicePause], today: dt.date) -> str:
    if line.start > today:
        return "planned"
    if any(p.start <= today and (p.end is None or p.end >= today) for p in stops):
        return "on-hold"
    return "active"


def episode(line: ServiceLine, person: Person, today: dt.date) -> dict:
    """One service line as an OKT EpisodeOfCare (plain JSON)."""
    version = line.service_version
    code = version.service.national_type_id
    resource: dict = {
        "resourceType": "EpisodeOfCare", "id": f"tjeneste-{line.pk}",
        "meta": {"profile": [PROFILE]},
        "status": _status(line, list(line.pauses.all()), today),
        "type": [{"coding": [{"system": IPLOS_SYSTEM, "code": code,
                              "display": version.service.national_type.name}]}]
        if code else [],
        "patient": {"reference": f"Patient/{person.pk}", "identifier": {
            "system": ID_SYSTEMS.get(person.id_type, FNR_SYSTEM),
            "value": person.id_number}},
        "period": {"start": line.start.isoformat()},
        "extension": [{"url": DESCRIPTION, "valueMarkdown": version.name}],
    }
    if line.end:
        resource["period"]["end"] = line.end.isoformat()
    hours = _weekly(line)
    if hours is not None:
        resource["extension"].insert(0, {"url": WEEKLY_EXTENT, "valueQuantity": {
            "value": hours, "unit": "h", "system": "http://unitsofmeasure.org", "code": "h"}})
    unit = line.provider_unit
    if unit is not None:
        organisation: dict = {"display": unit.name}
        if unit.organisation_number:
            organisation["identifier"] = {"system": ORGNR_SYSTEM,
                                          "value": unit.organisation_number}
        resource["managingOrganization"] = organisation
    if not resource["type"]:
        del resource["type"]
    return resource


def lines_for(person: Person, today: dt.date):
    """The person's granted services in decided decisions that have not ended."""
    return (ServiceLine.objects.current_or_future(today)
            .filter(decision__person=person, decision__status=Decision.Status.DECIDED,
                    start__isnull=False)
            .select_related("service_version__service__national_type", "provider_unit")
            .prefetch_related("pauses").order_by("start", "id"))


def bundle(person: Person, today: dt.date, base_url: str) -> dict:
    """A searchset Bundle of the person's services, checked by fhir.resources."""
    entries = [{"fullUrl": f"{base_url}EpisodeOfCare/tjeneste-{line.pk}",
                "resource": episode(line, person, today), "search": {"mode": "match"}}
               for line in lines_for(person, today)]
    data = {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
            "entry": entries}
    Bundle.model_validate(data)  # raises if the resources are not valid FHIR
    return data
