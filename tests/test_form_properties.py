"""Property tests of every form (issue "Trust", item 4, hostile input): generated POST data
never makes ``is_valid()`` raise, every error is on a field or the form and in Norwegian,
and a valid form's cleaned_data holds every field. A meta-test finds the forms in the
source, so a new form without an entry here fails with its name."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import itertools
import pkgutil
import re
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import fields as model_fields
from django.forms import formsets
from django.forms import models as form_models
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tildel
from tests.casework.conftest import open_case
from tests.conftest import make_number
from tests.form_strategies import form_submission, formset_submission
from tildel.accounts.access import persons_visible_to
from tildel.accounts.forms import LoginForm
from tildel.accounts.models import Role, User
from tildel.casework import forms as casework
from tildel.casework.admin import LetterTemplateForm
from tildel.casework.models import Assessment, ServiceLine, WorkQueue
from tildel.catalogue.admin import NewVersionFormSet, ServiceVersionInline
from tildel.catalogue.models import Service, ServiceVersion
from tildel.delivery import forms as delivery
from tildel.financing import forms as financing
from tildel.hospital import forms as hospital
from tildel.housing import forms as housing
from tildel.insight import forms as insight
from tildel.organisation.models import District, ProviderKind, ProviderUnit
from tildel.pathways import forms as pathways
from tildel.pathways.models import TeamMember
from tildel.people import forms as people
from tildel.places import forms as places
from tildel.provision import forms as provision
from tildel.web import forms as web

#: Generated submissions per form; the test ids carry the number.
EXAMPLES = 30
FORM_SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None,
                         deadline=None, suppress_health_check=list(HealthCheck))
PASSWORD = "rett-passord-123"  # tests.conftest.World.user


class Ctx:
    """The small database world the forms are given, made as the forms ask for it."""

    def __init__(self, world):
        self.w = world
        self.today = timezone.localdate()

    @cached_property
    def caseworker(self) -> User:
        user = self.w.user(Role.CASEWORKER, office=self.w.east_office, username="sara")
        self.w.caseworker = user  # tests.casework.conftest.open_case acts as this user
        return user

    @cached_property
    def leader(self) -> User:
        return self.w.user(Role.OFFICE_LEADER, office=self.w.east_office, username="live")

    @cached_property
    def analyst(self) -> User:
        return self.w.user(Role.ANALYST, username="anna")

    @cached_property
    def staff(self) -> User:
        return self.w.user(Role.PROVIDER_STAFF, unit=self.w.east_unit, username="hege")

    @cached_property
    def person(self):
        return self.w.person()

    @cached_property
    def line(self) -> ServiceLine:
        """A current service line of ``person`` at the east unit (so the unit serves them)."""
        return self.w.grant(self.person, self.w.east_unit)

    @cached_property
    def case(self):
        self.caseworker  # noqa: B018 - open_case needs it
        return open_case(self.w)

    @cached_property
    def queue(self) -> WorkQueue:
        return WorkQueue.objects.create(allocation_office=self.w.east_office,
                                        name="Inntaksteam", kind=WorkQueue.Kind.INTAKE)

    @cached_property
    def mastery_unit(self) -> ProviderUnit:
        return ProviderUnit.objects.create(municipality=self.w.municipality,
                                           name="Hverdagsmestring",
                                           kind=ProviderKind.EVERYDAY_MASTERY)

    def municipality_ids(self) -> list[int]:
        self.mastery_unit  # noqa: B018 - DeclineReferralForm's units
        return [self.w.municipality.pk]

    def units(self):
        return ProviderUnit.objects.filter(municipality=self.w.municipality)

    def lines(self):
        return ServiceLine.objects.filter(pk=self.line.pk).select_related("service_version")

    def office_users(self):
        self.caseworker, self.leader  # noqa: B018
        return User.objects.filter(allocation_office=self.w.east_office,
                                   role__in=[Role.CASEWORKER, Role.OFFICE_LEADER],
                                   is_active=True)

    def queues(self):
        self.queue  # noqa: B018
        return WorkQueue.objects.filter(allocation_office=self.w.east_office)

    def goals(self) -> list:
        """Stand-ins for a course's goals: score_fields reads pk, goal and the score."""
        return [SimpleNamespace(pk=pk, goal=goal, score_start=None, score_midway=4,
                                score_end=None)
                for pk, goal in ((11, "Gå til butikken"), (12, "Dusje selv"))]


_addresses = itertools.count(1)


def login_request():
    """A fresh address per sign-in, as axes locks a username at one address after five
    failures (its middleware answers that with the lockout page, not the form)."""
    number = next(_addresses)
    return RequestFactory().post("/logg-inn/",
                                 REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}"
                                             f".{number % 256}")


def version_formset():
    """The formset the catalogue admin builds for a service's versions."""
    fields = [f for f in ServiceVersionInline.fields
              if f not in ServiceVersionInline.readonly_fields]
    return form_models.inlineformset_factory(Service, ServiceVersion, formset=NewVersionFormSet,
                                             fields=fields, extra=0, can_delete=False)


def _none(c: Ctx) -> dict:
    return {}


#: What the view (or admin) passes each form besides the data, from the world.
FORM_KWARGS = {
    LoginForm: lambda c: {"request": login_request()},
    LetterTemplateForm: _none,
    NewVersionFormSet: lambda c: {"instance": Service.objects.get(code="hjemmesykepleie")},
    casework.EnquiryForm: _none,
    casework.CitizenApplicationForm: _none,
    casework.TriageForm: _none,
    casework.ImmediateMeasureForm: lambda c: {"units": c.units()},
    casework.SuspensionForm: _none,
    casework.ExtensionForm: _none,
    casework.AssessmentForm: lambda c: {"instance": Assessment(case=c.case), "scores": {}},
    casework.InformationRequestForm: lambda c: {"prefix": "req"},
    casework.DecisionForm: _none,
    casework.LineForm: lambda c: {"versions": ServiceVersion.objects.in_force(c.today),
                                  "units": c.units()},
    casework.LineFormSet: lambda c: {"prefix": "lines", "form_kwargs": {
        "versions": ServiceVersion.objects.in_force(c.today), "units": c.units()}},
    casework.ComplaintForm: _none,
    casework.ReassessmentForm: _none,
    casework.AuthorityOutcomeForm: _none,
    casework.RevisionForm: _none,
    casework.AnnulForm: _none,
    casework.CloseLineForm: _none,
    casework.ConflictForm: _none,
    casework.ReassignForm: lambda c: {"users": c.office_users(), "queues": c.queues()},
    casework.ForumMeetingForm: lambda c: {"queues": c.queues()},
    delivery.VisitForm: lambda c: {"persons": persons_visible_to(c.staff, c.today),
                                   "person": None},
    delivery.ImportForm: _none,
    financing.SimulatorForm: _none,
    financing.AccountsUploadForm: _none,
    hospital._Versioned: _none,
    hospital.ReadyForm: _none,
    hospital.PlanForm: lambda c: {"municipality": c.w.municipality},
    hospital.AcceptForm: _none,
    hospital.DischargeForm: _none,
    housing.ShiftForm: _none,
    housing.MonthForm: _none,
    housing.IndividualPlanForm: lambda c: {"coordinators": c.office_users()},
    housing.BpaForm: _none,
    housing.RespiteStayForm: lambda c: {"cycle_weeks": 12},
    housing.RespiteHomeForm: _none,
    insight.DashboardForm: lambda c: {"user": c.analyst, "today": c.today},
    insight.EqualTreatmentForm: lambda c: {"user": c.leader, "today": c.today},
    pathways.PathwayForm: lambda c: {"municipality_ids": c.municipality_ids()},
    pathways.PathwayServiceForm: _none,
    pathways.CloseForm: _none,
    pathways.CourseForm: lambda c: {"municipality_ids": c.municipality_ids()},
    pathways.ScoreForm: lambda c: {"goals": c.goals(), "stage_field": "score_start"},
    pathways.EvaluationForm: lambda c: {"goals": c.goals()},
    pathways.EndCourseForm: lambda c: {"goals": c.goals()},
    pathways.HandoverForm: lambda c: {"goals": c.goals(),
                                      "municipality_ids": c.municipality_ids()},
    pathways.DeclineReferralForm: lambda c: {"municipality_ids": c.municipality_ids()},
    people.PersonForm: lambda c: {"districts": District.objects.filter(
        id__in=c.caseworker.district_ids())},
    people.PersonSearchForm: _none,
    places._PersonByNumber: lambda c: {"user": c.caseworker},
    places.WaitingListForm: lambda c: {"user": c.caseworker},
    places.DeviationForm: lambda c: {"user": c.caseworker, "municipality": c.w.municipality},
    provision.AdjustmentForm: lambda c: {"lines": c.lines()},
    provision.ChangeRequestForm: lambda c: {"lines": c.lines()},
    provision.AnswerForm: _none,
    provision.PauseForm: lambda c: {"lines": c.lines()},
    provision.PauseEndForm: _none,
    web.AccessLogFilterForm: _none,
    web.EmergencyAccessForm: _none,
    web.EmergencyReviewForm: _none,
}

#: The class to instantiate where the listed one is a base the admin builds on.
CONCRETE = {NewVersionFormSet: version_formset}

#: What the view does to the data before the form sees it.
PREPARE = {financing.SimulatorForm: financing.SimulatorForm.with_defaults}


def _months(c: Ctx):
    first = c.today.replace(day=1)
    return st.integers(1, 36).map(lambda back: f"{insight.add_months(first, -back):%Y-%m}")


def _numbers(seed_from: int):
    return st.builds(lambda birth, seed: make_number(birth, seed=seed),
                     st.dates(dt.date(1920, 1, 1), dt.date(2020, 12, 31)),
                     st.integers(seed_from, seed_from + 10**6))


def _team():
    labels = [label for _, label in TeamMember.Role.choices]
    return st.lists(st.sampled_from(labels), max_size=3).map(
        lambda roles: "\n".join(f"{role}: Kari Nordmann" for role in roles))


#: Well-formed values for fields whose rules a field type does not tell (an existing
#: person's number, a month, a Monday), so the generator also reaches the valid forms.
GOOD_VALUES = {
    LoginForm: lambda c: {"username": st.just(c.caseworker.username),
                          "password": st.just(PASSWORD)},
    NewVersionFormSet: lambda c: {"valid_from": st.dates(
        c.today + dt.timedelta(days=1), c.today + dt.timedelta(days=400)).map(str)},
    casework.CitizenApplicationForm: lambda c: {"id_number": _numbers(0)},
    people.PersonForm: lambda c: {"id_number": _numbers(10**7),
                                  "postal_code": st.from_regex(r"[0-9]{4}", fullmatch=True)},
    web.AccessLogFilterForm: lambda c: {"person_number": st.sampled_from(["",
                                                                          c.person.id_number]),
                                        "username": st.sampled_from(["",
                                                                     c.caseworker.username])},
    delivery.VisitForm: lambda c: {"person_number": st.just(c.line.decision.person.id_number)},
    places._PersonByNumber: lambda c: {"id_number": st.just(c.person.id_number)},
    places.WaitingListForm: lambda c: {"id_number": st.just(c.person.id_number)},
    places.DeviationForm: lambda c: {"id_number": st.sampled_from(["", c.person.id_number])},
    housing.MonthForm: lambda c: {"maned": _months(c)},
    housing.RespiteHomeForm: lambda c: {"cycle_start": st.dates(
        dt.date(2020, 1, 6), dt.date(2030, 12, 30)).map(
            lambda d: f"{d - dt.timedelta(days=d.weekday()):%Y-%m-%d}")},
    insight.DashboardForm: lambda c: {"from": _months(c), "to": st.just(f"{c.today:%Y-%m}")},
    insight.EqualTreatmentForm: lambda c: {"from": _months(c),
                                           "to": st.just(f"{c.today:%Y-%m}")},
    pathways.CourseForm: lambda c: {"team": _team()},
    financing.SimulatorForm: lambda c: {f"edge_{i}": st.just("") for i in range(1, 6)},
}

#: Forms none of whose generated submissions were valid in the run this list was taken
#: from; every other form must get at least one valid submission.
NEVER_VALID: set[str] = set()


# -- finding the forms ---------------------------------------------------------------------

SRC = Path(tildel.__file__).parent


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def scanned_forms() -> set[str]:
    """Every form, model form and formset the source defines, found by reading it: classes
    whose bases end in Form/ModelForm/FormSet or are such classes, and formset_factory
    results."""
    classes, found = [], set()
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                classes.append((module, node.name,
                                {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}))
            elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                  and ast.unparse(node.value.func).endswith("formset_factory")):
                found |= {f"{module}.{t.id}" for t in node.targets if isinstance(t, ast.Name)}
    names: set[str] = set()
    while True:
        more = {(module, name) for module, name, bases in classes
                if any(b.endswith(("Form", "FormSet")) or b in names for b in bases)}
        if {name for _, name in more} <= names:
            return found | {f"{module}.{name}" for module, name in more}
        names |= {name for _, name in more}


def discovered_forms() -> dict[str, type]:
    """{"app.module.Name": class} for the forms and formsets in every app's forms and admin
    module, by importing them."""
    found = {}
    for app in pkgutil.iter_modules(tildel.__path__):
        for part in ("forms", "admin"):
            if not (SRC / app.name / f"{part}.py").exists():
                continue
            module = importlib.import_module(f"tildel.{app.name}.{part}")
            for attr, value in vars(module).items():
                if not isinstance(value, type):
                    continue
                own = value.__module__ == module.__name__ and value.__name__ == attr
                made_here = (issubclass(value, formsets.BaseFormSet)
                             and getattr(value, "form", None) is not None
                             and value.form.__module__ == module.__name__)
                if (own or made_here) and issubclass(value, (forms.BaseForm,
                                                             formsets.BaseFormSet)):
                    found[f"{app.name}.{part}.{attr}"] = value
    return found


DISCOVERED = discovered_forms()
NAME_OF = {cls: name for name, cls in DISCOVERED.items()}
NAMES = sorted(NAME_OF[cls] for cls in FORM_KWARGS if cls in NAME_OF)


# -- the checks ----------------------------------------------------------------------------

ENGLISH_PHRASES = (
    "This field", "Enter a", "Enter the", "Ensure this", "Ensure that", "Select a valid",
    "Please ", "is not one of the available", "No file was submitted", "The submitted file",
    "Upload a valid", "already exists", "Null characters are not allowed", "is not a valid",
    "ManagementForm data", "The three following", "Correct the duplicate",
)


def _english_patterns() -> list[re.Pattern]:
    """Django's default messages in English, as patterns with their placeholders open."""
    messages = set()
    with translation.override("en"):
        for module in (forms.fields, form_models, formsets, model_fields, validators,
                       auth_forms):
            for value in vars(module).values():
                for attr in ("default_error_messages", "error_messages"):
                    found = getattr(value, attr, None) if isinstance(value, type) else None
                    if isinstance(found, dict):
                        messages.update(str(m) for m in found.values())
                message = getattr(value, "message", None) if isinstance(value, type) else None
                if message is not None:
                    with contextlib.suppress(TypeError, KeyError):
                        messages.add(str(message))
    patterns = []
    for message in messages:
        text = re.escape(message)
        text = re.sub(r"%\\\(\w+\\\)[sdr]|%[sd]|\\\{\w*\\\}", ".*", text)
        patterns.append(re.compile(text, re.DOTALL))
    return patterns


ENGLISH = _english_patterns()


def check_message(message, where: str) -> None:
    assert isinstance(message, str) and message.strip(), f"{where}: empty message {message!r}"
    english = [p.pattern for p in ENGLISH if p.fullmatch(message)]
    english += [p for p in ENGLISH_PHRASES if p in message]
    assert not english, f"{where}: English message {message!r}"


def check_form(form, valid: bool, where: str) -> None:
    for field, messages in form.errors.items():
        assert field == NON_FIELD_ERRORS or field in form.fields, \
            f"{where}: error on unknown field {field!r}: {messages}"
        for message in messages:
            check_message(message, f"{where}.{field}")
    if valid and form.cleaned_data:
        missing = set(form.fields) - set(form.cleaned_data)
        assert not missing, f"{where}: valid, but cleaned_data lacks {sorted(missing)}"


def check(bound, valid: bool, name: str) -> None:
    if isinstance(bound, formsets.BaseFormSet):
        for message in bound.non_form_errors():
            check_message(message, f"{name} (formset)")
        for index, form in enumerate(bound.forms):
            # A form marked for deletion is not validated by the formset.
            deleted = bound.can_delete and bound._should_delete_form(form)
            check_form(form, valid and not deleted, f"{name}[{index}]")
        if valid:
            check_form(bound.management_form, True, f"{name} (management form)")
    else:
        check_form(bound, valid, name)
        if valid:
            assert bound.cleaned_data or not bound.fields, f"{name}: valid but nothing cleaned"


def build(cls, c: Ctx, data, files):
    """The bound form or formset, made as its view makes it."""
    concrete = CONCRETE.get(cls, lambda: cls)()
    kwargs = FORM_KWARGS[cls](c)
    if cls in PREPARE:
        data = PREPARE[cls](data)
    takes_files = issubclass(concrete, formsets.BaseFormSet) or any(
        isinstance(f, forms.FileField) for f in concrete.base_fields.values())
    if takes_files:
        kwargs["files"] = files
    return concrete(data=data, **kwargs)


# -- the tests -----------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES, ids=[f"{name}-{EXAMPLES}cases" for name in NAMES])
def test_hostile_submissions(name, world):
    """Generated submissions: no exception, Norwegian messages on known fields, and a
    valid form's cleaned_data holds every field."""
    cls, c = DISCOVERED[name], Ctx(world)
    template = build(cls, c, QueryDict(), {})
    hints = GOOD_VALUES.get(cls, _none)(c)
    if isinstance(template, formsets.BaseFormSet):
        strategy = formset_submission(template, hints)
    else:
        strategy = form_submission(template, hints)
    seen = {"cases": 0, "valid": 0}

    @FORM_SETTINGS
    @given(strategy)
    def submit(submission):
        data, files = submission
        seen["cases"] += 1
        with translation.override("nb"):
            for upload in files.values():
                upload.seek(0)
            bound = build(cls, c, data, files)
            valid = bound.is_valid()
            check(bound, valid, name)
        seen["valid"] += valid

    submit()
    assert seen["cases"] >= EXAMPLES
    if name not in NEVER_VALID:
        assert seen["valid"], f"{name}: none of {seen['cases']} submissions was valid"


def test_every_form_is_covered():
    """The forms found by reading the source are the forms this module tests."""
    scanned, discovered = scanned_forms(), set(DISCOVERED)
    assert scanned - discovered == set(), "forms outside the modules this test imports"
    assert discovered - scanned == set(), "the source scan misses forms"
    assert discovered - set(NAMES) == set(), "forms with no entry in FORM_KWARGS"
    assert len(NAMES) == len(FORM_KWARGS), "FORM_KWARGS lists a class that is not a form"
    assert len(NEVER_VALID) <= len(NAMES) // 4, "the generator reaches too few valid forms"
    assert set(NAMES) >= NEVER_VALID


def test_english_defaults_are_caught():
    """The message check knows Django's English defaults, and the nb ones pass it."""
    for message in ("This field is required.", "Enter a whole number.",
                    "Select a valid choice. 7 is not one of the available choices."):
        with pytest.raises(AssertionError):
            check_message(message, "test")
    with translation.override("nb"), pytest.raises(forms.ValidationError) as caught:
        forms.IntegerField().clean("x")
    check_message(caught.value.messages[0], "test")


def _valid(form) -> None:
    with translation.override("nb"):
        assert form.is_valid(), form.errors
        check(form, True, type(form).__name__)


@pytest.mark.django_db
def test_well_formed_submissions_are_valid(world):
    """Hand-made good data for a few forms: the property is not met by refusing all."""
    c = Ctx(world)
    today = f"{c.today:%Y-%m-%d}"
    units = str(c.w.east_unit.pk)
    service = Service.objects.get(code="hjemmesykepleie")
    version = service.version_on(c.today)
    enquiry = {"channel": "phone", "sender_name": "Ingrid Hansen", "sender_role": "next_of_kin",
               "received_at": f"{timezone.localtime() - dt.timedelta(hours=1):%d.%m.%Y %H:%M}",
               "subject": "Hjelp med medisiner", "services": [str(service.pk)]}
    person = {"id_number": make_number(dt.date(1950, 3, 4), seed=99), "given_name": "Åse",
              "family_name": "Ærlig", "district": str(c.w.east.pk), "postal_code": "4001"}
    visit = {"person_number": c.line.decision.person.id_number, "day": today,
             "start_time": "08:00", "end_time": "08:30", "staff_role": "SPL"}
    lines = {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
             "lines-0-service_version": str(version.pk), "lines-0-granted": "1",
             "lines-0-provider_unit": units, "lines-0-extent": "3,5",
             "lines-0-extent_unit": "hours_week", "lines-0-start": today}
    course = {"kind": "reablement", "origin": "decision", "provider_unit": units,
              "start": today, "goals": "Gå til butikken\nDusje selv",
              "team": "Fysioterapeut: Kari Nordmann"}
    submissions = [
        (casework.EnquiryForm, enquiry), (people.PersonForm, person),
        (delivery.VisitForm, visit), (casework.LineFormSet, lines),
        (pathways.CourseForm, course), (insight.DashboardForm, {}),
        (financing.SimulatorForm, {}),
    ]
    for cls, values in submissions:
        data = QueryDict(mutable=True)
        for key, value in values.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        _valid(build(cls, c, data, {}))


@pytest.mark.django_db
@pytest.mark.parametrize("cls", [casework.EnquiryForm, casework.CitizenApplicationForm,
                                 pathways.PathwayForm], ids=lambda cls: cls.__name__)
def test_a_key_too_large_for_the_database_is_refused(cls, world):
    """Found by the property: a service key of 20 digits in a multiple choice made
    ``is_valid()`` raise OverflowError (SQLite) from Django's ``pk__in`` check, a 500 on the
    citizen's application page. Now it is an unknown choice on the field."""
    data = QueryDict(mutable=True)
    data.setlist("services", ["9" * 20])
    with translation.override("nb"):
        form = build(cls, Ctx(world), data, {})
        assert not form.is_valid()
        check(form, False, cls.__name__)
        assert form.errors["services"]

