"""Shared fixtures: a small hand-made municipality with one user per role."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import shutil
from decimal import Decimal

import pytest

from tests import logscan
from tildel.accounts.models import Role, User
from tildel.casework.models import Decision, ServiceLine
from tildel.catalogue.models import Service
from tildel.organisation.models import (
    AllocationOffice,
    District,
    Municipality,
    ProviderKind,
    ProviderUnit,
)
from tildel.people.models import Person
from tildel.rules import identity

TODAY = dt.date.today()


def pytest_configure(config):
    logscan.directory()  # made here, before the test workers start, so they inherit it


def pytest_sessionstart(session):
    # Each process says it is there, so the scan knows it read every process's log.
    logscan.keep_logs(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    logging.getLogger("tildel.tests").warning(logscan.STARTED)


@pytest.fixture(autouse=True)
def _keep_logs():
    # Before every test: Django's logging set-up, and any test that repeats it, replaces
    # the root logger's handlers.
    logscan.keep_logs(os.environ.get("PYTEST_XDIST_WORKER", "main"))


def pytest_sessionfinish(session, exitstatus):
    """The log scan, once all test processes are done: no fødselsnummer in any log."""
    if hasattr(session.config, "workerinput"):  # a test worker; the controller scans
        return
    folder = logscan.directory()
    lines, found = logscan.scan(folder)
    started = logscan.started(folder)
    shutil.rmtree(folder, ignore_errors=True)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not started or started < len(list(folder.glob("*.log"))) or lines == 0:
        found.append("ikke alle testprosessers logg ble lest")
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if reporter is not None:
        reporter.write_line(f"Log scan: {lines} log lines read, {len(found)} with a "
                            f"fødselsnummer or D-nummer" + "".join(f"\n  {f}" for f in found))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Letters and scans go to the test's own folder, never the checkout's var/.
    settings.TILDEL_OUTBOX_DIR = tmp_path / "outbox"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KPR_OUTBOX = tmp_path / "kpr"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without a collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test's database is rolled back, so the next one meets the same revisions.
    from tildel.delivery import month_cache

    month_cache.forget()


def make_number(birth: dt.date, sex=identity.LegalSex.FEMALE, seed: int = 0,
                d_number: bool = False) -> str:
    return identity.synthetic_number(birth, sex, random.Random(seed), d_number=d_number)


class World:
    """Two districts, one office each, a home-nursing unit per district."""

    def __init__(self):
        self.municipality = Municipality.objects.create(number="1103", name="Testkommune")
        self.east = District.objects.create(municipality=self.municipality, number=1,
                                            name="Øst")
        self.west = District.objects.create(municipality=self.municipality, number=2,
                                            name="Vest")
        self.east_office = AllocationOffice.objects.create(name="Øst HVK")
        self.east_office.districts.add(self.east)
        self.west_office = AllocationOffice.objects.create(name="Vest HVK")
        self.west_office.districts.add(self.west)
        self.east_unit = ProviderUnit.objects.create(
            municipality=self.municipality, name="Hjemmetjenesten Øst",
            kind=ProviderKind.HOME_NURSING)
        self.west_unit = ProviderUnit.objects.create(
            municipality=self.municipality, name="Hjemmetjenesten Vest",
            kind=ProviderKind.HOME_NURSING)
        self._seed = 0
        self.users = {}

    def user(self, role: Role, *, office=None, unit=None, username=None) -> User:
        username = username or f"{role}-{len(self.users)}"
        user = User.objects.create_user(username=username, password="rett-passord-123",
                                        role=role, allocation_office=office,
                                        provider_unit=unit, first_name="Test",
                                        last_name=role.label)
        user.municipalities.add(self.municipality)
        self.users[username] = user
        return user

    def person(self, district=None, *, given="Kari", family="Nordmann",
               birth=dt.date(1940, 5, 17)) -> Person:
        self._seed += 1
        district = district or self.east
        return Person.objects.create(
            id_number=make_number(birth, seed=self._seed), given_name=given,
            family_name=family, municipality=self.municipality, district=district,
            address="Testveien 1", postal_code="4001", postal_place="Stavanger")

    def grant(self, person, unit, *, code="hjemmesykepleie", hours=Decimal(10),
              start=None, end=None) -> ServiceLine:
        office = person.district.allocation_offices.first()
        decision = Decision.objects.create(person=person, allocation_office=office,
                                           status=Decision.Status.DECIDED,
                                           decided_on=start or TODAY)
        version = Service.objects.get(code=code).version_on(start or TODAY)
        return ServiceLine.objects.create(
            decision=decision, service_version=version, provider_unit=unit, extent=hours,
            extent_unit=version.extent_unit, start=start or TODAY - dt.timedelta(days=30),
            end=end)


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture(scope="module")
def migration_data_put_back(django_db_blocker):
    """For modules of ``transaction=True, serialized_rollback=True`` tests: each such test
    flushes every table when it ends, so the migrations' data (the catalogue) is put back
    after the module, for the tests that run after it in the same process."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
