from __future__ import annotations

from django import forms

from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import RotaShift

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
