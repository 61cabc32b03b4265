"""Provider forms: adjustment within the frame, change request, temporary stop."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from tildel.casework.forms import DATE, REQUIRED
from tildel.casework.models import ServicePause
from tildel.web.accessible_forms import AccessibleErrorsMixin

from .models import ChangeRequest

HOURS = {"invalid": "Skriv et tall.", "min_value": "Tiden kan ikke være negativ."}


class LineChoiceMixin:
    def set_lines(self, lines):
        self.fields["service_line"].choices = [(line.pk, line.service_version.name)
                                               for line in lines]


class AdjustmentForm(LineChoiceMixin, AccessibleErrorsMixin, forms.Form):
    id_prefix = "adjust"
    service_line = forms.TypedChoiceField(label="Tjeneste", coerce=int, error_messages=REQUIRED)
    effective_from = forms.DateField(label="Gjelder fra", widget=DATE, error_messages=REQUIRED)
    planned_weekly_hours = forms.DecimalField(label="Planlagt tid (timer per uke)",
                                              required=False, min_value=0, max_digits=6,
                                              decimal_places=2, localize=True,
                                              error_messages=HOURS)
    change = forms.CharField(label="Hva endres", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages=REQUIRED)
    reason = forms.CharField(label="Begrunnelse", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages=REQUIRED)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_lines(lines)
        self.initial.setdefault("effective_from", timezone.localdate())


class ChangeRequestForm(LineChoiceMixin, AccessibleErrorsMixin, forms.Form):
    id_prefix = "change"
    kind = forms.ChoiceField(label="Gjelder", choices=ChangeRequest.Kind.choices,
                             error_messages=REQUIRED)
    service_line = forms.TypedChoiceField(label="Tjeneste", coerce=int, required=False,
                                          empty_value=None)
    requested_weekly_hours = forms.DecimalField(label="Ønsket tid (timer per uke)",
                                                required=False, min_value=0, max_digits=6,
                                                decimal_places=2, localize=True,
                                                error_messages=HOURS)
    observation = forms.CharField(label="Hva er endret hos brukeren",
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages=REQUIRED)
    since = forms.DateField(label="Siden", widget=DATE, error_messages=REQUIRED)
    need = forms.CharField(label="Hva trengs", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages=REQUIRED)
    if_not = forms.CharField(label="Konsekvens hvis ikke", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_lines(lines)
        self.fields["service_line"].choices = [("", "–")] + self.fields["service_line"].choices


class AnswerForm(AccessibleErrorsMixin, forms.Form):
    answer = forms.CharField(label="Svar / begrunnelse", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PauseForm(LineChoiceMixin, AccessibleErrorsMixin, forms.Form):
    """Midlertidig stans: e.g. the user is in hospital (report 000 footnote 33)."""
    id_prefix = "pause"

    service_line = forms.TypedChoiceField(label="Tjeneste", coerce=int, error_messages=REQUIRED)
    reason = forms.ChoiceField(label="Årsak", choices=ServicePause.Reason.choices,
                               error_messages=REQUIRED)
    start = forms.DateField(label="Fra", widget=DATE, error_messages=REQUIRED)
    end = forms.DateField(label="Til (tom hvis ukjent)", widget=DATE, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_lines(lines)
        self.initial.setdefault("start", timezone.localdate())


class PauseEndForm(AccessibleErrorsMixin, forms.Form):
    end = forms.DateField(label="Tjenesten startet igjen", widget=DATE,
                          error_messages=REQUIRED)
