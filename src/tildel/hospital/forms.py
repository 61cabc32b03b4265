"""Forms of the hospital board; each carries the stay's version, so a stale edit is
refused instead of overwriting someone else's."""

from __future__ import annotations

from django import forms

from tildel.organisation.models import ProviderUnit
from tildel.web.accessible_forms import AccessibleErrorsMixin
from tildel.web.widgets import DATE

from .models import HospitalStay


class _Versioned(AccessibleErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReadyForm(_Versioned):
    day = forms.DateField(label="Utskrivningsklar fra", widget=DATE)


class PlanForm(_Versioned):
    plan_home_adaptation = forms.BooleanField(label="Tilrettelegging av bolig", required=False)
    plan_assistive_devices = forms.BooleanField(label="Hjelpemidler", required=False)
    plan_welfare_technology = forms.BooleanField(label="Velferdsteknologi", required=False)
    plan_housing_application = forms.BooleanField(label="Søknad om bolig", required=False)
    plan_place_application = forms.BooleanField(label="Søknad om plass (korttid/langtid)",
                                                required=False)
    unit = forms.ModelChoiceField(label="Ansvarlig enhet", required=False,
                                  queryset=ProviderUnit.objects.none(),
                                  empty_label="Tildelingskontoret")
    note = forms.CharField(label="Plan for utskrivning", required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = ProviderUnit.objects.filter(
            municipality=municipality).order_by("name")


class AcceptForm(_Versioned):
    day = forms.DateField(label="Kommunen tar imot fra", widget=DATE)


class DischargeForm(_Versioned):
    day = forms.DateField(label="Utskrevet dato", widget=DATE)
    destination = forms.ChoiceField(label="Utskrevet til",
                                    choices=HospitalStay.Destination.choices)
