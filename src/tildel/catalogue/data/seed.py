"""Seed data for the service catalogue.

- ``NATIONAL_TYPES``: code list 9151 as in ``XPR(ipl)_CodingSchemes.xsd`` v56.0.0
  (reference/standards.md). Retired codes are kept and marked.
- ``SERVICES``: the municipality's services, each mapped to a national code, with the
  terms a decision needs. Legal basis: helse- og omsorgstjenesteloven (hol) § 3-2 første
  ledd nr. 6 a–d, § 3-6, § 3-8; pasient- og brukerrettighetsloven (pbrl) § 2-1 a.
- ``TIME_NORMS``: report 000 table 1 (L1773-1811), Stavanger's ABI norms of 10.06.2009.
"""

from __future__ import annotations

import datetime as dt

SEED_VALID_FROM = dt.date(2009, 6, 10)  # the date of the ABI guideline (report 000 L1811)

NATIONAL_TYPES: list[tuple[str, str, bool, str]] = [
    ("1", "Praktisk bistand – daglige gjøremål", False, ""),
    ("2", "Praktisk bistand – opplæring – daglige gjøremål", False, ""),
    ("3", "Praktisk bistand – brukerstyrt – personlig assistanse", False, ""),
    ("4", "Dagaktivitetstilbud", False, ""),
    ("5", "Matombringing", False, ""),
    ("7", "Avlastning utenfor institusjon", False, ""),
    ("8", "Avlastning i institusjon", False, ""),
    ("9", "Støttekontakt", False, ""),
    ("11", "Omsorgsstønad", False, ""),
    ("15", "Helsetjenester i hjemmet", False, ""),
    ("17", "Dagopphold i institusjon", False, ""),
    ("18", "Tidsbegrenset opphold – utredning/behandling", False, ""),
    ("19", "Tidsbegrenset opphold – habilitering/rehabilitering", False, ""),
    ("20", "Tidsbegrenset opphold – annet", False, ""),
    ("21", "Langtidsopphold i institusjon", False, ""),
    ("22", "Nattopphold i institusjon", False, ""),
    ("25", "Kommunal øyeblikkelig hjelp – døgnopphold", False, ""),
    ("29", "Bolig som kommunen disponerer for helse- og omsorgsformål", False, ""),
    ("6", "Trygghetsalarm", True, "Flyttet til kodeverk 9346 (velferdsteknologi)"),
    ("26", "Lokaliseringsteknologi (GPS)", True, "Flyttet til kodeverk 9346"),
    ("27", "Elektronisk medisineringsstøtte", True, "Flyttet til kodeverk 9346"),
    ("28", "Digitalt tilsyn", True, "Flyttet til kodeverk 9346"),
    ("14", "Planlagte tiltak (hol kap. 9 § 9-5 b/c)", True, "Utgått i XSD 56.0.0"),
    ("23", "Skadeavvergende tiltak i nødssituasjoner (§ 9-5 a)", True, "Utgått i XSD 56.0.0"),
    ("24", "Helsehjelp med tvang (pbrl kap. 4A)", True, "Utgått i XSD 56.0.0"),
]

HOL_6A = "hol § 3-2 første ledd nr. 6 a, jf. pbrl § 2-1 a"
HOL_6B = "hol § 3-2 første ledd nr. 6 b, jf. pbrl § 2-1 a"
HOL_6C = "hol § 3-2 første ledd nr. 6 c, jf. pbrl § 2-1 a"
HOL_6D = "hol § 3-2 første ledd nr. 6 d"
HOL_36 = "hol § 3-6"
HOL_38 = "hol § 3-8, jf. pbrl § 2-1 a"
HOL_35 = "hol § 3-5 tredje ledd"
HOL_31 = "hol § 3-1"

# code, national code, local?, name, care level, legal basis, decision required,
# chargeable, revision months, extent unit
SERVICES: list[tuple[str, str, bool, str, int, str, bool, bool, int, str]] = [
    ("praktisk-bistand", "1", False, "Praktisk bistand – daglige gjøremål", 2, HOL_6B,
     True, True, 12, "hours_week"),
    ("praktisk-bistand-opplaering", "2", False, "Praktisk bistand – opplæring", 2, HOL_6B,
     True, True, 3, "hours_week"),
    ("bpa", "3", False, "Brukerstyrt personlig assistanse (BPA)", 4, HOL_38, True, False,
     12, "hours_week"),
    ("dagaktivitet", "4", False, "Dagaktivitetstilbud", 2, HOL_6B, True, True, 12, "days"),
    ("matombringing", "5", False, "Matombringing", 1, HOL_6B, True, True, 12, "none"),
    ("avlastning-hjemme", "7", False, "Avlastning utenfor institusjon", 4, HOL_36, True,
     False, 12, "hours_month"),
    ("avlastning-institusjon", "8", False, "Avlastning i institusjon", 5, HOL_36, True,
     False, 12, "days"),
    ("stottekontakt", "9", False, "Støttekontakt", 2, HOL_6B, True, False, 12, "hours_week"),
    ("omsorgsstonad", "11", False, "Omsorgsstønad", 2, HOL_36, True, False, 12, "hours_month"),
    ("hjemmesykepleie", "15", False, "Helsetjenester i hjemmet (hjemmesykepleie)", 3, HOL_6A,
     True, False, 6, "hours_month"),
    ("miljotjeneste", "15", True, "Miljøtjeneste (psykisk helse og rus)", 3, HOL_6A, True,
     False, 6, "hours_month"),
    ("hverdagsrehabilitering", "15", True, "Hverdagsrehabilitering (tidsbegrenset, ca. 4 uker)",
     3, HOL_6A, True, False, 1, "hours_week"),
    ("dagopphold", "17", False, "Dagopphold i institusjon", 5, HOL_6C, True, True, 12, "days"),
    ("korttid-utredning", "18", False, "Korttidsopphold – utredning/behandling", 5, HOL_6C,
     True, True, 1, "days"),
    ("korttid-rehabilitering", "19", False, "Korttidsopphold – rehabilitering", 5, HOL_6C,
     True, True, 1, "days"),
    ("korttid-annet", "20", False, "Korttidsopphold – annet", 5, HOL_6C, True, True, 1, "days"),
    ("langtidsopphold", "21", False, "Langtidsopphold i institusjon", 6, HOL_6C, True, True,
     12, "none"),
    ("nattopphold", "22", False, "Nattopphold i institusjon", 5, HOL_6C, True, True, 12,
     "days"),
    ("kah-dogn", "25", False, "Kommunal øyeblikkelig hjelp – døgnopphold", 5, HOL_35, False,
     False, 1, "days"),
    ("bolig", "29", False, "Bolig som kommunen disponerer (omsorgsbolig)", 4, HOL_31, True,
     False, 12, "none"),
    ("trygghetsalarm", "6", True, "Trygghetsalarm", 1, HOL_6B, True, True, 24, "none"),
    # Local services named in report 000 (L3212-3216) as ones that must sit in a pathway.
    # Reported under code 15 when given as health care in the home; a municipality that
    # reports them otherwise changes the mapping in the catalogue.
    ("sykepleieklinikk", "15", True, "Sykepleieklinikk", 3, HOL_6A, True, False, 3,
     "hours_month"),
    ("fysioterapi", "15", True, "Fysioterapi i hjemmet", 3, HOL_6A, True, False, 3,
     "hours_week"),
    ("ergoterapi", "15", True, "Ergoterapi i hjemmet", 3, HOL_6A, True, False, 3,
     "hours_week"),
    ("velferdsteknologi", "6", True, "Velferdsteknologi og e-helse (digitalt tilsyn, "
     "medisineringsstøtte)", 1, HOL_6B, True, False, 12, "none"),
]

# Services that must be registered inside a pasientforløp (report 000 L3212-3216,
# L1113-1117): HRH, e-health and welfare technology, nurse clinic, physio, ergo. The
# safety alarm is a low-threshold service of its own and is not in the list.
PATHWAY_REQUIRED = ["hverdagsrehabilitering", "velferdsteknologi", "sykepleieklinikk",
                    "fysioterapi", "ergoterapi"]

# measure name, minutes, service code (report 000 table 1, L1777-1809)
TIME_NORMS: list[tuple[str, int, str]] = [
    ("Dusj/helvask", 30, "hjemmesykepleie"),
    ("Kveldsstell", 15, "hjemmesykepleie"),
    ("Mating", 30, "hjemmesykepleie"),
    ("Middagshvil", 20, "hjemmesykepleie"),
    ("Morgenstell", 25, "hjemmesykepleie"),
    ("Tilberede måltid", 10, "praktisk-bistand"),
    ("WC-besøk/bleieskift", 10, "hjemmesykepleie"),
    ("Blodtrykksmåling", 10, "hjemmesykepleie"),
    ("Dosering", 20, "hjemmesykepleie"),
    ("Gi medisiner", 10, "hjemmesykepleie"),
    ("Injeksjoner", 15, "hjemmesykepleie"),
    ("Kateterisering", 15, "hjemmesykepleie"),
    ("Levere multidose", 5, "hjemmesykepleie"),
    ("Sårstell", 20, "hjemmesykepleie"),
    ("Øyedrypp", 10, "hjemmesykepleie"),
    ("Ringetilsyn", 5, "hjemmesykepleie"),
    ("Tilsyn", 10, "hjemmesykepleie"),
]


def load(apps) -> None:
    """Load the seed into an empty catalogue; rerunning it changes nothing."""
    national = apps.get_model("catalogue", "NationalServiceType")
    service_model = apps.get_model("catalogue", "Service")
    version_model = apps.get_model("catalogue", "ServiceVersion")
    measure_model = apps.get_model("catalogue", "Measure")
    norm_model = apps.get_model("catalogue", "TimeNorm")
    for code, name, retired, note in NATIONAL_TYPES:
        national.objects.update_or_create(
            code=code, defaults={"name": name, "retired": retired, "retired_note": note})
    for (code, national_code, is_local, name, level, basis, needs_decision, chargeable,
         revision, unit) in SERVICES:
        service, created = service_model.objects.get_or_create(
            code=code, defaults={"national_type_id": national_code, "is_local": is_local})
        if created:
            version_model.objects.create(
                service=service, valid_from=SEED_VALID_FROM, name=name, care_level=level,
                legal_basis=basis, decision_required=needs_decision, chargeable=chargeable,
                revision_interval_months=revision, extent_unit=unit)
    for name, minutes, service_code in TIME_NORMS:
        measure, created = measure_model.objects.get_or_create(
            service=service_model.objects.get(code=service_code), name=name)
        if created:
            norm_model.objects.create(measure=measure, minutes=minutes,
                                      valid_from=SEED_VALID_FROM)
