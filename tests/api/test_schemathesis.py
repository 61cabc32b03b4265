"""Property-based run of the whole API against its own OpenAPI document (schemathesis):
generated requests, valid and invalid, to every operation, as a signed-in caseworker with
data in the database. No answer may be a 500. Bounded: EXAMPLES cases per operation,
derandomised so a failure reproduces."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from tildel.accounts.models import Role
from tildel.wsgi import application

EXAMPLES = 12
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Calling the WSGI application directly sends request_started/finished, whose handler
    closes the database connection, and with it the test's transaction (on PostgreSQL).
    Django's own test client disconnects it for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, keep_connection):
    person = world.person()
    world.grant(person, world.east_unit, start=dt.date.today() - dt.timedelta(days=10))
    user = world.user(Role.OFFICE_LEADER, office=world.east_office)
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} → {response.status_code}: "
        f"{response.text[:300]}")
