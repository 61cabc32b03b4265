from __future__ import annotations

from django import forms

from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import BpaArrangement, RotaShift

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShiftForm(AccessibleErrorsMixin, forms.Form):
    position = forms.CharField(label="Stilling", max_length=60,
                               help_text="F.eks. «Miljøarbeider 1» eller «Nattvakt».")
    weekday = forms.TypedChoiceField(label="Ukedag", coerce=int, choices=RotaShift.WEEKDAYS)
    start = forms.TimeField(label="Fra", widget=TIME)
    end = forms.TimeField(label="Til", widget=TIME,
                          help_text="Før «fra»: vakten går over midnatt.")


class MonthForm(forms.Form):
    maned = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": "Oppgi måned som ÅÅÅÅ-MM."})

    def clean_maned(self):
        value = self.cleaned_data["maned"]
        if value and not 2000 <= int(value[:4]) <= 2100:
            raise forms.ValidationError("Velg en måned mellom år 2000 og 2100.")
        return value


class IndividualPlanForm(AccessibleErrorsMixin, forms.Form):
    coordinator = forms.ModelChoiceField(label="Koordinator", queryset=None)
    established_on = forms.DateField(label="Opprettet",
                                     widget=forms.DateInput(attrs={"type": "date"},
                                                            format="%Y-%m-%d"))

    def __init__(self, *args, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators

    def clean_established_on(self):
        from django.utils import timezone

        day = self.cleaned_data["established_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Datoen kan ikke være frem i tid.")
        return day


class BpaForm(AccessibleErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    provider = forms.ChoiceField(label="Tjenesteyter", choices=BpaArrangement.Provider.choices)
    provider_name = forms.CharField(label="Privat leverandør", required=False, max_length=120)
    work_supervisor = forms.CharField(label="Arbeidsleder", max_length=120)
    contract_from = forms.DateField(label="Avtale fra", widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    contract_to = forms.DateField(label="Avtale til", required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    last_inspection = forms.DateField(label="Siste tilsyn", required=False,
                                      widget=forms.DateInput(attrs={"type": "date"},
                                                             format="%Y-%m-%d"))

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        start, end = data.get("contract_from"), data.get("contract_to")
        if start and end and end < start:
            self.add_error("contract_to", "Avtalen kan ikke slutte før den starter.")
        if data.get("provider") == "private" and not data.get("provider_name"):
            self.add_error("provider_name", "Oppgi den private leverandøren.")
        inspected = data.get("last_inspection")
        if inspected and inspected > timezone.localdate():
            self.add_error("last_inspection", "Datoen kan ikke være frem i tid.")
        return data
