"""Filters for the key-figure screens (GET forms, Norwegian messages)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.rules import indicators as ind
from tildel.rules.indicators import needs
from tildel.rules.indicators.catalogue import AGE_BANDS
from tildel.rules.indicators.periods import add_months

from . import services

DEFAULT_INDICATOR = "forlop-andel"
MONTH = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"})


def last_whole_months(count: int, today: dt.date | None = None) -> tuple[str, str]:
    """("YYYY-MM", "YYYY-MM") for the ``count`` whole months before this one."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return (f"{add_months(this_month, -count):%Y-%m}", f"{add_months(this_month, -1):%Y-%m}")


def indicator_choices() -> list:
    """The catalogue grouped by topic, in catalogue order."""
    topics: dict[str, list] = {}
    for indicator in ind.INDICATORS:
        topics.setdefault(indicator.topic or "Andre", []).append(
            (indicator.code, indicator.name))
    return list(topics.items())


def _with_defaults(data, defaults: dict):
    """GET data with the defaults filled in for keys that are missing (not for empty)."""
    merged = data.copy()
    for key, value in defaults.items():
        if key not in merged:
            if isinstance(value, list):
                merged.setlist(key, value)
            else:
                merged[key] = value
    return merged


def _month_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, widget=MONTH, help_text="ÅÅÅÅ-MM",
                           error_messages={"required": "Oppgi en måned (ÅÅÅÅ-MM)."})


LAST_YEAR = 2200  # no figures are asked for beyond this


def _check_month(value: str) -> str:
    try:
        month = ind.parse_month(value)
    except ind.PeriodError as error:
        raise forms.ValidationError(str(error)) from None
    if month.year > LAST_YEAR:
        raise forms.ValidationError(f"Velg et år til og med {LAST_YEAR}.")
    return value.strip()


class GroupingMixin:
    """A «by» choice limited to the groupings the reader may use. A grouping that exists
    but is not allowed is remembered so the view can answer 403."""

    forbidden = False

    def clean_by(self):
        by = self.cleaned_data["by"]
        if by not in ind.GROUPINGS:
            raise forms.ValidationError(f"Ukjent gruppering «{by}».")
        if by not in self.allowed:
            self.forbidden = True
            raise forms.ValidationError(
                f"Du har ikke tilgang til grupperingen «{ind.GROUPINGS[by]}».")
        return by


class MonthRangeMixin:
    """The "from" and "to" month fields, each checked on its own."""

    def clean_from(self):
        return _check_month(self.cleaned_data["from"])

    def clean_to(self):
        return _check_month(self.cleaned_data["to"])


class DashboardForm(MonthRangeMixin, GroupingMixin, forms.Form):
    indicators = forms.MultipleChoiceField(
        label="Indikatorer", choices=indicator_choices,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"required": "Velg minst én indikator.",
                        "invalid_choice": "Ukjent indikator «%(value)s»."})
    period = forms.ChoiceField(
        label="Periode", choices=list(ind.PERIOD_KINDS.items()),
        error_messages={"invalid_choice": "Ukjent periodetype «%(value)s».",
                        "required": "Velg periodetype."})
    by = forms.CharField(label="Gruppering",
                         error_messages={"required": "Velg en gruppering."})

    def __init__(self, data, user, today: dt.date | None = None):
        first, last = last_whole_months(12, today)
        defaults = {"indicators": [DEFAULT_INDICATOR], "from": first, "to": last,
                    "period": "month", "by": "district"}
        self.allowed = services.groupings_for(user)
        if defaults["by"] not in self.allowed and self.allowed:
            defaults["by"] = self.allowed[-1]
        super().__init__(_with_defaults(data, defaults))
        self.fields["from"] = _month_field("Fra måned")
        self.fields["to"] = _month_field("Til måned")
        self.order_fields(["indicators", "from", "to", "period", "by"])
        self.fields["by"].widget = forms.Select(
            choices=[(g, ind.GROUPINGS[g]) for g in self.allowed])
        self.request = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.request = services.parse_request(data["indicators"], data["from"], data["to"],
                                                  data["period"], data["by"])
        except services.InsightError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


EQUAL_TREATMENT_ROLES = (Role.OFFICE_LEADER, Role.MANAGEMENT, Role.ANALYST)
CASEWORKER_GROUPING_ROLES = frozenset(EQUAL_TREATMENT_ROLES)


def service_choices() -> list[tuple[str, str]]:
    names = services.service_names()
    return sorted(names.items(), key=lambda item: item[1].lower())


class EqualTreatmentForm(MonthRangeMixin, GroupingMixin, forms.Form):
    service = forms.ChoiceField(label="Tjeneste", error_messages={
        "invalid_choice": "Ukjent tjeneste «%(value)s».", "required": "Velg en tjeneste."})
    needs_group = forms.ChoiceField(
        label="Behovsgruppe", choices=list(needs.GROUP_LABELS.items()),
        error_messages={"invalid_choice": "Ukjent behovsgruppe «%(value)s».",
                        "required": "Velg en behovsgruppe."})
    band = forms.ChoiceField(
        label="Aldersgruppe", required=False, choices=[("", "Alle aldre"), *AGE_BANDS],
        error_messages={"invalid_choice": "Ukjent aldersgruppe «%(value)s»."})
    by = forms.CharField(label="Sammenlign", error_messages={"required": "Velg hva som "
                                                                         "sammenlignes."})
    min_cases = forms.IntegerField(
        label="Minste antall saker", min_value=1, max_value=1000,
        error_messages={"invalid": "Oppgi et helt tall.",
                        "min_value": "Oppgi minst %(limit_value)s.",
                        "max_value": "Oppgi høyst %(limit_value)s.",
                        "required": "Oppgi minste antall saker."})

    def __init__(self, data, user, today: dt.date | None = None):
        first, last = last_whole_months(24, today)
        defaults = {"service": "hjemmesykepleie", "needs_group": needs.EXTENSIVE, "band": "",
                    "by": "caseworker", "from": first, "to": last, "min_cases": "10"}
        self.allowed = tuple(g for g in ("caseworker", "district")
                             if g != "caseworker" or user.role in CASEWORKER_GROUPING_ROLES)
        if defaults["by"] not in self.allowed:
            defaults["by"] = "district"
        super().__init__(_with_defaults(data, defaults))
        self.fields["service"].choices = service_choices()
        self.fields["from"] = _month_field("Fra måned")
        self.fields["to"] = _month_field("Til måned")
        self.order_fields(["service", "needs_group", "band", "by", "from", "to",
                           "min_cases"])
        self.fields["by"].widget = forms.Select(choices=[
            (g, {"caseworker": "Saksbehandler", "district": "Distrikt"}[g])
            for g in self.allowed])

    def clean_by(self):
        by = self.cleaned_data["by"]
        if by not in ("caseworker", "district"):
            raise forms.ValidationError(f"Kan ikke sammenligne etter «{by}». Velg "
                                        "saksbehandler eller distrikt.")
        return super().clean_by()

    def clean(self):
        data = super().clean()
        if "from" in data and "to" in data and not self.has_error("to"):
            first, last = ind.parse_month(data["from"]), ind.parse_month(data["to"])
            if last < first:
                self.add_error("to", "Til-måneden er før fra-måneden. Snu rekkefølgen.")
                return data
            try:
                ind.windows(first, last, "range")  # at most 20 years
            except ind.PeriodError as error:
                self.add_error("to", str(error))
            else:
                data["first"], data["last"] = first, ind.periods.month_end(last)
        return data

    def compare_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"service": data["service"], "needs_group": data["needs_group"],
                "band": data["band"] or None, "min_cases": data["min_cases"]}

