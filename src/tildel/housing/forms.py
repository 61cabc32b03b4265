from __future__ import annotations

from django import forms

from tildel.web.accessible_forms import AccessibleErrorsMixin
from tildel.web.widgets import DATE, TIME

from .models import BpaArrangement, RotaShift


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
    established_on = forms.DateField(label="Opprettet", widget=DATE)

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
    contract_from = forms.DateField(label="Avtale fra", widget=DATE)
    contract_to = forms.DateField(label="Avtale til", required=False, widget=DATE)
    last_inspection = forms.DateField(label="Siste tilsyn", required=False, widget=DATE)

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


class RespiteStayForm(AccessibleErrorsMixin, forms.Form):
    """One stay of an oppholdsplan (avlastning)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    week = forms.IntegerField(label="Uke i syklusen", min_value=1, max_value=52,
                              error_messages={"min_value": "Uken må være 1 eller mer.",
                                              "max_value": "Uken kan ikke være over 52."})
    weekday = forms.TypedChoiceField(label="Ankomstdag", coerce=int, choices=RotaShift.WEEKDAYS)
    arrive = forms.TimeField(label="Ankomst", widget=TIME)
    nights = forms.IntegerField(label="Døgn", min_value=1, max_value=14,
                                error_messages={"min_value": "Et opphold må vare minst ett døgn.",
                                                "max_value": "Et opphold kan vare høyst 14 "
                                                             "døgn."})
    leave = forms.TimeField(label="Hjem", widget=TIME,
                            help_text="Klokkeslett hjem, det siste døgnet.")

    def __init__(self, *args, cycle_weeks: int = 12, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].max_value = cycle_weeks
        self.fields["week"].widget.attrs["max"] = cycle_weeks
        self.fields["week"].help_text = f"1–{cycle_weeks}; planen gjentas hver {cycle_weeks}. uke."
        self.cycle_weeks = cycle_weeks

    def clean_week(self):
        week = self.cleaned_data["week"]
        if week > self.cycle_weeks:
            raise forms.ValidationError(f"Uken må være fra 1 til {self.cycle_weeks}.")
        return week


class RespiteHomeForm(AccessibleErrorsMixin, forms.Form):
    """Senger og syklus for an avlastningsbolig."""

    beds = forms.IntegerField(label="Senger", min_value=1, max_value=100,
                              error_messages={"min_value": "Boligen må ha minst én seng."})
    cycle_weeks = forms.IntegerField(label="Uker i syklusen", min_value=1, max_value=52,
                                     error_messages={
                                         "min_value": "Syklusen må være minst én uke.",
                                         "max_value": "Syklusen kan være høyst 52 uker."})
    cycle_start = forms.DateField(
        label="Syklusens første mandag", widget=DATE,
        help_text="Flytter du denne, flyttes datoene for alle gjestenes opphold.")

    def clean_cycle_start(self):
        day = self.cleaned_data["cycle_start"]
        if day.weekday() != 0:
            raise forms.ValidationError("Syklusen må starte på en mandag.")
        return day
