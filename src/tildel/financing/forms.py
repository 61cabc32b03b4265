"""The simulator's parameters (GET form): every number of the models can be changed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from tildel import uploads
from tildel.financing.models import FinancingModel
from tildel.rules.financing.budget import ParameterError
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, LevelParameters
from tildel.rules.financing.levels import LevelBands

D = DEFAULT_PARAMETERS


def _number(label, initial, *, min_value=0, max_value=744, decimals=2, help_text=""):
    """Hours default to at most a month's 744; amounts and shares set their own bound."""
    return forms.DecimalField(label=label, initial=initial, min_value=min_value,
                              max_value=max_value, decimal_places=decimals, required=False,
                              localize=True, help_text=help_text)


class SimulatorForm(forms.Form):
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100, required=False)
    model = forms.ChoiceField(label="Modell", choices=FinancingModel.choices, required=False,
                              initial=FinancingModel.LEVELS)
    compare = forms.ChoiceField(label="Sammenlign med modell",
                                choices=[("", "Ingen")] + FinancingModel.choices,
                                required=False)
    rate = _number("Sats (kr per time)", D.rate, min_value=Decimal("0.01"), max_value=100_000)
    base_hours = _number("Grunnfinansiering (timer per måned)", D.base_hours)
    hours_1 = _number("Nivå 1 finansierte timer", D.financed_hours[0])
    hours_2 = _number("Nivå 2 finansierte timer", D.financed_hours[1])
    hours_3 = _number("Nivå 3 finansierte timer", D.financed_hours[2])
    hours_4 = _number("Nivå 4 finansierte timer", D.financed_hours[3])
    edge_1 = _number("Nivå 1 fra (timer per måned)", D.bands.edges[0])
    edge_2 = _number("Nivå 2 fra", D.bands.edges[1])
    edge_3 = _number("Nivå 3 fra", D.bands.edges[2])
    edge_4 = _number("Nivå 4 fra", D.bands.edges[3])
    edge_5 = _number("Fokus over", D.bands.edges[4])
    general_share = _number("Generell del (%)", D.general_share * 100, max_value=99)
    buffer_share = _number("Buffer (% av rammen)", D.buffer_share * 100, max_value=99,
                           decimals=3)
    frame = _number("Samlet ramme (kr, valgfri)", None, min_value=Decimal(1),
                    max_value=Decimal("1e12"),
                    help_text="Med en ramme senkes grunnfinansieringen når budsjettene "
                              "overstiger rammen minus buffer.")
    frame_key = forms.ChoiceField(label="Rammemodell: fordel etter",
                                  choices=[("users", "Brukere"), ("hours", "Vedtakstimer")],
                                  required=False)
    price = _number("ABI og pris per tjeneste: kr per time", D.rate, min_value=Decimal("0.01"),
                    max_value=100_000)

    @classmethod
    def with_defaults(cls, data) -> dict:
        """The submitted values, and the defaults (Norwegian decimals) for the rest, so
        every number the result used is on screen."""
        values = {name: str(field.initial).replace(".", ",")
                  for name, field in cls.base_fields.items() if field.initial is not None}
        values.update({key: data[key] for key in data if data[key] != ""})
        return values

    def value(self, name):
        value = self.cleaned_data.get(name)
        return self.fields[name].initial if value in (None, "") else value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        edges = [self.value(f"edge_{i}") for i in range(1, 6)]
        for index in range(1, 5):
            if edges[index] <= edges[index - 1]:
                self.add_error(f"edge_{index + 1}",
                               f"Må være høyere enn grensen over ({edges[index - 1]}): "
                               f"båndene kan ikke overlappe.")
        if self.errors:
            return cleaned
        try:
            cleaned["parameters"] = LevelParameters(
                rate=self.value("rate"), base_hours=self.value("base_hours"),
                financed_hours=tuple(self.value(f"hours_{i}") for i in range(1, 5)),
                bands=LevelBands(edges=tuple(edges)),
                general_share=self.value("general_share") / 100,
                buffer_share=self.value("buffer_share") / 100,
                frame=cleaned.get("frame") or None)
        except ParameterError as error:
            raise forms.ValidationError(error.message) from error
        cleaned["year"] = cleaned.get("year") or timezone.localdate().year
        cleaned["model"] = cleaned.get("model") or FinancingModel.LEVELS
        cleaned["frame_key"] = cleaned.get("frame_key") or "users"
        return cleaned

    def changed_parameters(self) -> list[str]:
        """The parameters that differ from the defaults, for the heading and the export."""
        return [f"{self.fields[name].label}: {self.cleaned_data[name]}"
                for name in self.fields
                if name not in ("year", "model", "compare", "frame_key")
                and self.cleaned_data.get(name) not in (None, "")
                and self.cleaned_data[name] != self.fields[name].initial]


class AccountsUploadForm(forms.Form):
    file = forms.FileField(label="Regnskapsfil (CSV)",
                           help_text="Kolonner: unit, month (ÅÅÅÅ-MM), amount, function "
                                     "(KOSTRA 234, 253, 254 eller 261).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("Filen er større enn 20 MB.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Filen må være en CSV-fil (.csv).")
        problem = uploads.text_problem(uploads.read_head(upload),
                                       complete=upload.size <= uploads.HEAD_BYTES)
        if problem:
            raise forms.ValidationError(problem)
        return upload
