"""The seeded service catalogue and its versioning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tildel.catalogue.models import (
    Measure,
    NationalServiceType,
    Service,
    ServiceVersion,
    TimeNorm,
)
from tildel.catalogue.versioning import add_version

pytestmark = pytest.mark.django_db

RETIRED = {"6", "14", "23", "24", "26", "27", "28"}  # reference/standards.md, XSD 56.0.0


def test_code_list_9151_is_seeded_with_retired_codes_kept_and_marked():
    codes = dict(NationalServiceType.objects.values_list("code", "retired"))
    assert len(codes) == 25
    assert {code for code, retired in codes.items() if retired} == RETIRED
    assert NationalServiceType.objects.get(code="15").name == "Helsetjenester i hjemmet"


def test_local_services_map_to_a_national_code():
    rehab = Service.objects.get(code="hverdagsrehabilitering")
    assert rehab.is_local and rehab.national_type_id == "15"
    alarm = Service.objects.get(code="trygghetsalarm")
    assert alarm.national_type.retired  # moved to 9346: visible, not silently dropped


@pytest.mark.parametrize(("measure", "minutes"), [
    ("Morgenstell", 25), ("Dusj/helvask", 30), ("Gi medisiner", 10), ("Ringetilsyn", 5),
    ("Levere multidose", 5), ("Sårstell", 20),
])
def test_abi_time_norms_from_report_000_table_1(measure, minutes):
    """Report 000 table 1 (L1773-1811): time norms per measure under ABI."""
    norm = TimeNorm.objects.in_force(dt.date(2019, 1, 1)).get(measure__name=measure)
    assert norm.minutes == minutes


def test_every_service_has_terms_in_force_today():
    today = dt.date.today()
    for service in Service.objects.all():
        version = service.version_on(today)
        assert version is not None, service.code
        assert version.legal_basis and version.extent_unit


def test_new_version_closes_the_previous_without_rewriting_it():
    service = Service.objects.get(code="praktisk-bistand")
    old = service.version_on(dt.date(2020, 1, 1))
    new = ServiceVersion(service=service, valid_from=dt.date(2025, 1, 1), name=old.name,
                         care_level=old.care_level, legal_basis=old.legal_basis,
                         decision_required=True, chargeable=True,
                         revision_interval_months=6, extent_unit=old.extent_unit)
    add_version(new, owner_field="service")
    old.refresh_from_db()
    assert old.valid_to == dt.date(2024, 12, 31)
    assert old.revision_interval_months == 12  # the old terms are untouched
    assert service.version_on(dt.date(2024, 12, 31)) == old
    assert service.version_on(dt.date(2025, 1, 1)) == new


def test_a_version_cannot_start_before_the_latest():
    service = Service.objects.get(code="praktisk-bistand")
    old = service.version_on(dt.date(2020, 1, 1))
    early = ServiceVersion(service=service, valid_from=old.valid_from, name="x",
                           care_level=2, legal_basis="x", extent_unit="none")
    with pytest.raises(ValidationError):
        add_version(early, owner_field="service")
    assert ServiceVersion.objects.filter(service=service).count() == 1


def test_time_norm_change_keeps_the_old_norm_for_old_dates():
    measure = Measure.objects.get(name="Morgenstell")
    add_version(TimeNorm(measure=measure, minutes=30, valid_from=dt.date(2026, 1, 1)),
                owner_field="measure")
    assert TimeNorm.objects.in_force(dt.date(2019, 6, 1)).get(measure=measure).minutes == 25
    assert TimeNorm.objects.in_force(dt.date(2026, 2, 1)).get(measure=measure).minutes == 30
