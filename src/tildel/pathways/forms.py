"""Forms for pathways (pasientforløp) and courses (hverdagsrehabilitering, innsats etter
sykehus). Errors are field-level and in Norwegian."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from tildel.casework.forms import DATE, REQUIRED, ChoicesByKeyField
from tildel.catalogue.models import Service
from tildel.organisation.models import ProviderUnit
from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import Course, Pathway, TeamMember

CHOICE = {**REQUIRED, "invalid_choice": "Velg et av alternativene."}
SCORE_FIELD = {"invalid": "Skriv et helt tall fra 0 til 10.",
               "min_value": "Skåren må være fra 0 til 10.",
               "max_value": "Skåren må være fra 0 til 10."}


class LinesField(forms.CharField):
    """One entry per line (goals); blank lines are dropped. Required means one line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        return [line.strip() for line in super().clean(value).splitlines() if line.strip()]


def _units(municipality_ids):
    return ProviderUnit.objects.filter(municipality_id__in=municipality_ids).order_by("name")


class PathwayForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "pathway"
    code = forms.TypedChoiceField(label="Forløp", coerce=int, choices=Pathway.Code.choices,
                                  error_messages=CHOICE)
    start = forms.DateField(label="Start", widget=DATE, error_messages=REQUIRED)
    provider_unit = forms.ModelChoiceField(label="Tjenesteenhet", queryset=None,
                                           error_messages=CHOICE)
    services = ChoicesByKeyField(
        label="Tiltak i forløpet", queryset=Service.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, error_messages=CHOICE)
    goal = forms.CharField(label="Mål for forløpet", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_unit"].queryset = _units(municipality_ids)
        self.fields["services"].queryset = Service.objects.named().filter(
            versions__care_level__lte=3).distinct().order_by("code")
        self.initial.setdefault("start", timezone.localdate())


class PathwayServiceForm(AccessibleErrorsMixin, forms.Form):
    service = forms.ModelChoiceField(label="Tiltak", queryset=Service.objects.named(),
                                     error_messages=CHOICE)
    start = forms.DateField(label="Fra", widget=DATE, error_messages=REQUIRED)


class CloseForm(AccessibleErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label="Utfall", choices=Pathway.Outcome.choices,
                                widget=forms.RadioSelect, error_messages=CHOICE)
    real_end = forms.DateField(label="Reell sluttdato", widget=DATE, error_messages=REQUIRED,
                               help_text="Datoen forløpet faktisk sluttet, ikke dagens dato "
                                         "hvis det sluttet tidligere.")
    note = forms.CharField(label="Merknad", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CourseForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "course"
    kind = forms.ChoiceField(label="Type", choices=Course.Kind.choices, error_messages=CHOICE)
    origin = forms.ChoiceField(label="Henvist fra", choices=Course.Origin.choices,
                               error_messages=CHOICE)
    provider_unit = forms.ModelChoiceField(label="Enhet som gjennomfører", queryset=None,
                                           error_messages=CHOICE)
    start = forms.DateField(label="Start", widget=DATE, error_messages=REQUIRED)
    what_matters = forms.CharField(label="Hva er viktig for deg?", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    goals = LinesField(label="Mål (ett per linje)", error_messages=REQUIRED)
    team = forms.CharField(
        label="Tverrfaglig team (én per linje: rolle: navn)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For eksempel «Fysioterapeut: Kari Nordmann». Roller: "
                  + ", ".join(label for _, label in TeamMember.Role.choices) + ".")

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_unit"].queryset = _units(municipality_ids)
        self.initial.setdefault("start", timezone.localdate())

    def clean_team(self):
        roles = {label.lower(): value for value, label in TeamMember.Role.choices}
        members = []
        for number, line in enumerate(self.cleaned_data["team"].splitlines(), start=1):
            if not line.strip():
                continue
            role, _, name = line.partition(":")
            if role.strip().lower() not in roles or not name.strip():
                raise forms.ValidationError(
                    f"Linje {number}: skriv «rolle: navn» med en av rollene i listen.")
            members.append((roles[role.strip().lower()], name.strip()))
        return members


def score_fields(form: forms.Form, goals, stage_field: str) -> None:
    """One 0-10 field per goal, named ``goal_<id>``."""
    for goal in goals:
        form.fields[f"goal_{goal.pk}"] = forms.IntegerField(
            label=goal.goal, required=False, min_value=0, max_value=10,
            initial=getattr(goal, stage_field), error_messages=SCORE_FIELD,
            widget=forms.NumberInput(attrs={"min": 0, "max": 10}))


def scores_of(cleaned: dict) -> dict[int, int | None]:
    return {int(k.removeprefix("goal_")): v for k, v in cleaned.items()
            if k.startswith("goal_")}


class ScoreForm(AccessibleErrorsMixin, forms.Form):
    stage = forms.ChoiceField(choices=[("start", "Ved start"), ("midway", "Ved evaluering"),
                                       ("end", "Ved slutt")], widget=forms.HiddenInput,
                              error_messages=CHOICE)

    def __init__(self, *args, goals=(), stage_field="score_start", **kwargs):
        super().__init__(*args, **kwargs)
        score_fields(self, goals, stage_field)


class EvaluationForm(AccessibleErrorsMixin, forms.Form):
    note = forms.CharField(label="Teamets vurdering etter to uker", error_messages=REQUIRED,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        score_fields(self, goals, "score_midway")


class EndCourseForm(AccessibleErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label="Resultat", choices=Course.Outcome.choices,
                                error_messages=CHOICE)
    ended_on = forms.DateField(label="Sluttdato", widget=DATE, error_messages=REQUIRED)
    note = forms.CharField(label="Oppsummering", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ended_on", timezone.localdate())
        score_fields(self, goals, "score_end")


class HandoverForm(AccessibleErrorsMixin, forms.Form):
    handover_to = forms.ModelChoiceField(label="Overføres til", queryset=None,
                                         error_messages=CHOICE)
    ended_on = forms.DateField(label="Overført dato", widget=DATE, error_messages=REQUIRED)
    outcome = forms.ChoiceField(label="Resultat", choices=Course.Outcome.choices,
                                error_messages=CHOICE)
    function = forms.CharField(label="Funksjonsnivå nå", error_messages=REQUIRED,
                               widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(label="Videre mål", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    practical = forms.CharField(label="Medisiner, hjelpemidler og risiko", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    contact = forms.CharField(label="Kontaktperson", required=False, max_length=200)

    def __init__(self, *args, municipality_ids=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handover_to"].queryset = _units(municipality_ids).filter(
            kind="home_nursing")
        self.initial.setdefault("ended_on", timezone.localdate())
        score_fields(self, goals, "score_end")


class DeclineReferralForm(AccessibleErrorsMixin, forms.Form):
    """Home nursing refers a user whose function has declined to the reablement unit
    (report 002 l.573-574)."""
    id_prefix = "decline"

    provider_unit = forms.ModelChoiceField(label="Enhet for hverdagsmestring", queryset=None,
                                           error_messages=CHOICE)
    what_matters = forms.CharField(label="Hva er viktig for brukeren?", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    goals = LinesField(label="Mål (ett per linje)", error_messages=REQUIRED)

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_unit"].queryset = _units(municipality_ids).filter(
            kind="everyday_mastery")
