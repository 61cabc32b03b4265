"""Forms for the administrator's access-log screen."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from tildel.accounts.models import User
from tildel.people.models import Person

from .accessible_forms import AccessibleErrorsMixin


class AccessLogFilterForm(AccessibleErrorsMixin, forms.Form):
    person_number = forms.CharField(label="Fødselsnummer / D-nummer", required=False,
                                    max_length=11,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                  "autocomplete": "off"}))
    username = forms.CharField(label="Brukernavn", required=False, max_length=150)
    date_from = forms.DateField(label="Fra dato", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Til dato", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    person: Person | None = None
    user: User | None = None

    def clean_person_number(self):
        number = self.cleaned_data["person_number"].replace(" ", "")
        if number:
            self.person = Person.objects.filter(id_number=number).first()
            if self.person is None:
                raise forms.ValidationError("Fant ingen person med dette nummeret.")
        return number

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if name:
            self.user = User.objects.filter(username=name).first()
            if self.user is None:
                raise forms.ValidationError("Fant ingen bruker med dette brukernavnet.")
        return name

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Til-dato kan ikke være før fra-dato.")
        if not any(data.get(k) for k in ("person_number", "username", "date_from",
                                          "date_to")) and not self.errors:
            raise forms.ValidationError("Oppgi minst ett søkekriterium.")
        return data

    def filtered(self, queryset):
        data = self.cleaned_data
        if self.person is not None:
            queryset = queryset.filter(person=self.person)
        if self.user is not None:
            queryset = queryset.filter(user=self.user)
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            queryset = queryset.filter(
                at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data.get("date_to"):
            queryset = queryset.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min,
                                           tzinfo=tz))
        return queryset.order_by("-at", "-id")


class EmergencyAccessForm(AccessibleErrorsMixin, forms.Form):
    """Nødrett: why the record must be opened now."""

    reason = forms.CharField(
        label="Begrunnelse", min_length=15, max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hvorfor du må se opplysningene nå, og hvorfor det ikke kan vente på den "
                  "som har ansvaret. Begrunnelsen lagres i tilgangsloggen og leses av "
                  "lederen din.",
        error_messages={"required": "Skriv en begrunnelse.",
                        "min_length": "Begrunnelsen må være minst 15 tegn.",
                        "max_length": "Begrunnelsen kan være høyst 500 tegn."})
    confirm = forms.BooleanField(
        label="Jeg forstår at tilgangen logges og blir gjennomgått av lederen min.",
        error_messages={"required": "Bekreft at du forstår at tilgangen logges og "
                                    "gjennomgås."})


class EmergencyReviewForm(AccessibleErrorsMixin, forms.Form):
    note = forms.CharField(label="Merknad", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
