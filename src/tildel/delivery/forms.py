"""Forms: manual registration of a visit, and upload of a visit log."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from tildel import uploads
from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import StaffRole

REQUIRED = {"required": "Feltet må fylles ut."}
MAX_UPLOAD_MB = 50


class VisitForm(AccessibleErrorsMixin, forms.Form):
    """Besøk registrert manuelt. The person is typed as fødselsnummer (as in the journal)
    unless the form is opened from the user's page."""

    person_number = forms.CharField(
        label="Fødselsnummer", max_length=11, min_length=11, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"min_length": "Fødselsnummeret har 11 sifre.",
                        "max_length": "Fødselsnummeret har 11 sifre."})
    day = forms.DateField(label="Dato", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={**REQUIRED, "invalid": "Skriv en gyldig dato."})
    start_time = forms.TimeField(label="Fra kl.", widget=forms.TimeInput(attrs={"type": "time"}),
                                 error_messages={**REQUIRED, "invalid": "Skriv et klokkeslett."})
    end_time = forms.TimeField(label="Til kl.", widget=forms.TimeInput(attrs={"type": "time"}),
                               error_messages={**REQUIRED, "invalid": "Skriv et klokkeslett."})
    staff_role = forms.ChoiceField(label="Yrkesrolle", choices=StaffRole.choices,
                                   error_messages=REQUIRED)

    person = None

    def __init__(self, *args, persons, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.persons, self.person = persons, person
        if person is not None:
            del self.fields["person_number"]
        else:
            self.fields["person_number"].required = True
            self.fields["person_number"].error_messages["required"] = \
                "Skriv brukerens fødselsnummer."
        self.initial.setdefault("day", timezone.localdate())

    def clean_person_number(self):
        number = self.cleaned_data["person_number"].replace(" ", "")
        # Unknown and not served get the same answer: the form tells no one who exists.
        self.person = self.persons.filter(id_number=number).first()
        if self.person is None:
            raise forms.ValidationError("Personen får ikke tjenester fra enheten din.")
        return number

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["start"] = dt.datetime.combine(day, start.replace(second=0, microsecond=0),
                                                tzinfo=tz)
            data["end"] = dt.datetime.combine(day, end.replace(second=0, microsecond=0),
                                              tzinfo=tz)
            if data["end"] <= data["start"]:
                self.add_error("end_time", "Slutt må være etter start. Et besøk over "
                                           "midnatt registreres som to.")
        return data


class ImportForm(AccessibleErrorsMixin, forms.Form):
    file = forms.FileField(label="Besøkslogg (CSV)", error_messages={
        "required": "Velg en fil.", "empty": "Filen er tom."},
        help_text="Semikolon- eller kommadelt, UTF-8. Kolonner: enhet, person, start, "
                  "slutt, rolle.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"Filen er større enn {MAX_UPLOAD_MB} MB. Store filer importeres med "
                "kommandoen «tildel import_visits».")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Velg en CSV-fil (.csv).")
        problem = uploads.text_problem(uploads.read_head(upload),
                                       complete=upload.size <= uploads.HEAD_BYTES)
        if problem:
            raise forms.ValidationError(problem)
        return upload
