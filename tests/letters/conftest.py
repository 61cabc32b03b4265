"""A sample letter context following the contract in ``tildel.letters.rendering``."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def letter_context() -> dict:
    return {
        "municipality": "Testkommune",
        "office": {"name": "Tildelingskontoret Øst", "address": "Rådhusgata 1, 4001 Stavanger",
                   "phone": "51 00 00 00"},
        "today": dt.date(2027, 3, 31),
        "reference": "2027/0042",
        "recipient": {"name": "Kari Nordmann", "address": "Testveien 1", "postcode": "4001",
                      "city": "Stavanger"},
        "case": {"received_on": dt.date(2027, 3, 1),
                 "expected_decision_by": dt.date(2027, 3, 29),
                 "caseworker_name": "Ola Saksbehandler"},
        "decision": {
            "outcome": "partial", "outcome_text": "Delvis innvilget",
            "decided_on": dt.date(2027, 3, 30),
            "legal_basis": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b",
            "facts": "Du bor alene.\nDu trenger hjelp til å dusje.",
            "reasons": "Du har behov for hjelp til personlig stell.",
            "granted_lines": [
                {"service": "Hjemmesykepleie", "extent": "6 timer per uke",
                 "start": dt.date(2027, 4, 1), "end": dt.date(2027, 6, 30),
                 "revision_due": dt.date(2027, 6, 1), "goal": "Du skal klare deg hjemme.",
                 "frame": "Hjelp til dusj to ganger i uken."},
                {"service": "Trygghetsalarm", "extent": "Uten fastsatt omfang",
                 "start": dt.date(2027, 4, 1), "end": None, "revision_due": None,
                 "goal": "", "frame": ""},
            ],
            "refused_lines": [{"service": "Praktisk bistand", "alternative": "Matombringing"}],
            "complaint_deadline_text": "Fristen for å klage er fire uker fra du mottok "
                                       "dette brevet.",
            "signed_by": ["Ola Saksbehandler", "Per Leder"],
            "chargeable": True,
        },
        "complaint": {"received_on": dt.date(2027, 4, 10), "decision_reference": "2027/0042-3"},
    }
