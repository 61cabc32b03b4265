"""Forms for registering and finding persons. Messages are Norwegian, per field."""

from __future__ import annotations

from django import forms

from tildel.organisation.models import District
from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import Person


class PersonForm(AccessibleErrorsMixin, forms.ModelForm):
    """Registers a person; birth date and sex are derived from the number."""

    class Meta:
        model = Person
        fields = ["id_number", "given_name", "family_name", "district", "address",
                  "postal_code", "postal_place", "phone", "date_of_death"]
        error_messages = {
            "id_number": {"unique": "En person med dette nummeret er allerede registrert."},
            "district": {"invalid_choice": "Velg et distrikt du har tilgang til."},
        }
        widgets = {"date_of_death": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else \
            District.objects.none()
        self.fields["id_number"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": "11"})
        self.fields["postal_code"].widget.attrs.update({"inputmode": "numeric"})

    def clean_id_number(self):
        return "".join(ch for ch in self.cleaned_data["id_number"] if not ch.isspace())

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and (len(code) != 4 or not code.isdigit()):
            raise forms.ValidationError("Postnummer har fire sifre.")
        return code

    def _post_clean(self):
        district = self.cleaned_data.get("district")
        if district is not None:
            self.instance.municipality_id = district.municipality_id
        super()._post_clean()


class PersonSearchForm(AccessibleErrorsMixin, forms.Form):
    q = forms.CharField(
        label="Navn eller fødselsnummer", max_length=100,
        error_messages={"required": "Skriv minst to bokstaver av navnet, eller et nummer."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        if len(q.replace(" ", "")) < 2:
            raise forms.ValidationError("Skriv minst to tegn.")
        return q
