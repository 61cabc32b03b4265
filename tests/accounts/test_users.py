"""Users need the scope their role implies; the administrator gets a Norwegian message."""

import pytest
from django.core.exceptions import ValidationError

from tildel.accounts.models import Role, User


@pytest.mark.parametrize(("role", "field"), [
    (Role.CASEWORKER, "allocation_office"),
    (Role.OFFICE_LEADER, "allocation_office"),
    (Role.PROVIDER_STAFF, "provider_unit"),
    (Role.PROVIDER_LEADER, "provider_unit"),
])
def test_role_without_scope_is_refused(db, role, field):
    with pytest.raises(ValidationError) as error:
        User(username="x", role=role).full_clean()
    assert field in error.value.message_dict


def test_office_role_cannot_be_tied_to_a_provider_unit(world):
    user = User(username="x", role=Role.CASEWORKER, allocation_office=world.east_office,
                provider_unit=world.east_unit, password="x")
    with pytest.raises(ValidationError, match="Bare roller i tjenesteenheter"):
        user.full_clean()
    user.provider_unit = None
    user.full_clean()
