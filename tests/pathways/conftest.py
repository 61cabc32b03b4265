"""Pathway fixtures: the casework office plus an everyday-mastery unit."""

import pytest

from tests.casework.conftest import easter, office  # noqa: F401
from tildel.accounts.models import Role
from tildel.organisation.models import ProviderKind, ProviderUnit


@pytest.fixture
def units(request):
    w = request.getfixturevalue("office")
    w.mastery_unit = ProviderUnit.objects.create(
        municipality=w.municipality, name="Enhet for hverdagsmestring",
        kind=ProviderKind.EVERYDAY_MASTERY)
    w.mastery_staff = w.user(Role.PROVIDER_STAFF, unit=w.mastery_unit, username="mona")
    w.west_provider = w.user(Role.PROVIDER_LEADER, unit=w.west_unit, username="vestleder")
    return w
