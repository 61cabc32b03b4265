"""Forms of the places, waiting-list and deviation screens."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from tildel.accounts import access
from tildel.people.models import Person
from tildel.web.accessible_forms import AccessibleErrorsMixin
from tildel.web.widgets import DATE

from .models import Deviation, Institution, WaitingListEntry


class _PersonByNumber(AccessibleErrorsMixin, forms.Form):
    """Finds the person by fødselsnummer among those the user may see."""

    person_required = True
    id_number = forms.CharField(label="Fødselsnummer / D-nummer", max_length=11,
                                widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                              "autocomplete": "off"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person: Person | None = None
        self.fields["id_number"].required = self.person_required

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].replace(" ", "")
        if number:
            self.person = access.persons_visible_to(self.user).filter(id_number=number).first()
            if self.person is None:
                raise forms.ValidationError("Fant ingen person med dette nummeret i dine "
                                            "distrikter.")
        return number


class WaitingListForm(_PersonByNumber):
    list = forms.ChoiceField(label="Venteliste", choices=WaitingListEntry.LISTS)
    qualified_on = forms.DateField(label="Funnet kvalifisert", widget=DATE,
                                   initial=timezone.localdate)
    priority = forms.TypedChoiceField(label="Behov", coerce=int,
                                      choices=WaitingListEntry.PRIORITIES, initial=2)
    only_safe_option = forms.BooleanField(
        label="Langtidsopphold er det eneste forsvarlige tilbudet", required=False,
        help_text="Da skal plass tildeles med vedtak, ikke venteliste (hol. § 3-2 a).")
    note = forms.CharField(label="Begrunnelse", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DeviationForm(_PersonByNumber):
    person_required = False
    kind = forms.ChoiceField(label="Type avvik", choices=Deviation.Kind.choices)
    occurred_on = forms.DateField(label="Dato", widget=DATE, initial=timezone.localdate)
    institution = forms.ModelChoiceField(label="Institusjon", required=False,
                                         queryset=Institution.objects.none())
    note = forms.CharField(label="Beskrivelse", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["kind", "occurred_on", "institution", "id_number", "note"]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].label = "Fødselsnummer (valgfritt)"
        self.fields["institution"].queryset = Institution.objects.filter(
            municipality=municipality)

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Datoen kan ikke være frem i tid.")
        return day
