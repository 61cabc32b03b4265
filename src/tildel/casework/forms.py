"""Casework forms. Messages are Norwegian and attached to the field they concern."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from tildel import uploads
from tildel.catalogue.models import ExtentUnit, Service, ServiceVersion
from tildel.organisation.models import ProviderUnit
from tildel.people.models import validate_id_number
from tildel.rules import iplos
from tildel.web.accessible_forms import AccessibleErrorsMixin
from tildel.web.widgets import DATE

from .models import (
    Assessment,
    Case,
    Channel,
    Complaint,
    InformationRequest,
    Revision,
    SenderRole,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REQUIRED = {"required": "Feltet må fylles ut."}
MAX_SCAN_BYTES = 20 * 1024 * 1024


#: The largest key a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
LARGEST_KEY = 2**63 - 1


class ChoicesByKeyField(forms.ModelMultipleChoiceField):
    """Multiple choice of rows by key. A number too large for the database is refused as an
    unknown choice: Django's own check asks for ``pk__in`` with it, which SQLite answers
    with OverflowError (a 500 from a tampered form)."""

    def _check_values(self, value):
        for key in value:
            try:
                number = int(str(key).strip())
            except ValueError:
                continue
            if abs(number) > LARGEST_KEY:
                raise forms.ValidationError(self.error_messages["invalid_choice"],
                                            code="invalid_choice", params={"value": key})
        return super()._check_values(value)


def services_in_force():
    """Services with a version from today or earlier, named by the version in force (one
    query for the list, not one more per service)."""
    today = timezone.localdate()
    return Service.objects.filter(versions__valid_from__lte=today).distinct().named(today)


class EnquiryForm(AccessibleErrorsMixin, forms.Form):
    """Registrer henvendelse (phone, paper, e-message, in person)."""

    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(label="Kanal", choices=Channel.choices, error_messages=REQUIRED)
    sender_name = forms.CharField(label="Avsender", max_length=200, error_messages=REQUIRED)
    sender_role = forms.ChoiceField(label="Avsenders rolle", choices=SenderRole.choices,
                                    error_messages=REQUIRED)
    sender_phone = forms.CharField(label="Avsenders telefon", max_length=20, required=False)
    received_at = forms.DateTimeField(label="Mottatt", widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
                                      error_messages={**REQUIRED,
                                                      "invalid": "Ugyldig tidspunkt."})
    subject = forms.CharField(label="Hva gjelder henvendelsen?", widget=forms.Textarea(
        attrs={"rows": 3}), error_messages=REQUIRED)
    text = forms.CharField(label="Notat fra samtalen eller brevet", required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    services = ChoicesByKeyField(label="Tjenester det søkes om", required=False,
                                 queryset=Service.objects.none(),
                                 widget=forms.CheckboxSelectMultiple)
    scan = forms.FileField(label="Skannet brev (PDF)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services_in_force()
        self.fields["services"].label_from_instance = lambda s: str(s)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().strftime(
                "%Y-%m-%dT%H:%M"))

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            if scan.size > MAX_SCAN_BYTES:
                raise forms.ValidationError("Filen er for stor (høyst 20 MB).")
            problem = uploads.scan_problem(scan.name, uploads.read_head(scan))
            if problem:
                raise forms.ValidationError(problem)
        return scan

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("Mottakstidspunktet kan ikke være i framtiden.")
        return value

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.PAPER and not data.get("scan"):
            self.add_error("scan", "Last opp det skannede brevet.")
        return data


class CitizenApplicationForm(forms.Form):
    """Søknad om helse- og omsorgstjenester, for innbyggere (no login)."""

    applicant_name = forms.CharField(label="Navnet ditt (den som trenger hjelp)",
                                     max_length=200, error_messages=REQUIRED)
    id_number = forms.CharField(label="Fødselsnummer (11 siffer)", max_length=11,
                                error_messages=REQUIRED)
    phone = forms.CharField(label="Telefonnummer", max_length=20, error_messages=REQUIRED)
    subject = forms.CharField(label="Hva trenger du hjelp til?", widget=forms.Textarea(
        attrs={"rows": 5}), error_messages=REQUIRED)
    services = ChoicesByKeyField(
        label="Hvilke tjenester søker du om? (valgfritt)", required=False,
        queryset=Service.objects.none(), widget=forms.CheckboxSelectMultiple)
    on_behalf = forms.BooleanField(label="Jeg søker på vegne av en annen", required=False)
    sender_name = forms.CharField(label="Ditt navn, hvis du søker for en annen",
                                  max_length=200, required=False)
    sender_role = forms.ChoiceField(label="Hva er du for søkeren?", required=False,
                                    choices=[("", "–"), (SenderRole.NEXT_OF_KIN, "Pårørende"),
                                             (SenderRole.GUARDIAN, "Verge")])
    consent = forms.BooleanField(label="Jeg bekrefter at opplysningene er riktige",
                                 error_messages={"required": "Du må bekrefte opplysningene."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services_in_force()
        self.fields["services"].label_from_instance = lambda s: str(s)

    def clean_id_number(self):
        value = "".join(ch for ch in self.cleaned_data["id_number"] if not ch.isspace())
        validate_id_number(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("on_behalf"):
            if not data.get("sender_name"):
                self.add_error("sender_name", "Skriv navnet ditt.")
            if not data.get("sender_role"):
                self.add_error("sender_role", "Velg hva du er for søkeren.")
        return data


class TriageForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "triage"
    urgency = forms.ChoiceField(label="Hastegrad", choices=[
        c for c in Case.Urgency.choices if c[0] != Case.Urgency.UNTRIAGED],
        error_messages=REQUIRED)
    note = forms.CharField(label="Vurdering", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ImmediateMeasureForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "measure"
    service = forms.ModelChoiceField(label="Tjeneste", queryset=Service.objects.none(),
                                     error_messages=REQUIRED)
    provider_unit = forms.ModelChoiceField(label="Tjenesteenhet",
                                           queryset=ProviderUnit.objects.none(),
                                           error_messages=REQUIRED)
    started_on = forms.DateField(label="Startet", widget=DATE, error_messages=REQUIRED)
    description = forms.CharField(label="Hva gis", widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages=REQUIRED)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_in_force()
        self.fields["provider_unit"].queryset = units if units is not None else \
            ProviderUnit.objects.none()


class SuspensionForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "suspension"
    start = forms.DateField(label="Stanset fra", widget=DATE, error_messages=REQUIRED)
    reason = forms.CharField(label="Årsak", max_length=200, error_messages=REQUIRED)


class ExtensionForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "extension"
    days = forms.IntegerField(label="Forleng med (dager)", min_value=1, max_value=180,
                              error_messages={**REQUIRED, "min_value": "Minst 1 dag.",
                                              "max_value": "Høyst 180 dager."})
    reason = forms.CharField(label="Årsak", max_length=200, error_messages=REQUIRED)


class AssessmentForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["kind", "planned_at", "place", "next_of_kin_invited", "held_on",
                  "participants", "what_matters", "goals", "findings",
                  "rehabilitation_screening", "lower_levels_considered",
                  "lower_levels_why_not", "consent_to_collect", "consent_note",
                  "sufficiently_informed"]
        widgets = {"planned_at": DATETIME, "held_on": DATE,
                   **{f: forms.Textarea(attrs={"rows": 3}) for f in (
                       "participants", "what_matters", "goals", "findings",
                       "lower_levels_considered", "lower_levels_why_not")}}

    def __init__(self, *args, scores: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        scores = scores or {}
        for variable in iplos.FUNCTIONAL_VARIABLES:
            self.fields[f"iplos_{variable.code}"] = forms.TypedChoiceField(
                label=variable.label_nb, help_text=variable.help_nb, required=False,
                coerce=int, empty_value=None, initial=scores.get(variable.code),
                choices=[("", "–")] + [(k, f"{k} – {v}") for k, v in iplos.SCALE.items()])

    def clean(self):
        data = super().clean()
        if data.get("held_on") and data["held_on"] > timezone.localdate():
            self.add_error("held_on", "Kartleggingen kan ikke være gjennomført i framtiden.")
        if data.get("sufficiently_informed"):
            if not data.get("held_on"):
                self.add_error("sufficiently_informed",
                               "Kartleggingen må være gjennomført før saken er opplyst.")
            if not data.get("rehabilitation_screening"):
                self.add_error("rehabilitation_screening",
                               "Svar på om personen trenger habilitering eller "
                               "rehabilitering.")
        return data

    def scores(self) -> dict[str, int]:
        return {v.code: self.cleaned_data[f"iplos_{v.code}"]
                for v in iplos.FUNCTIONAL_VARIABLES
                if self.cleaned_data.get(f"iplos_{v.code}") is not None}

    def iplos_fields(self):
        return [self[f"iplos_{v.code}"] for v in iplos.FUNCTIONAL_VARIABLES]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]


class InformationRequestForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = InformationRequest
        fields = ["recipient_kind", "recipient_name", "sent_on"]
        widgets = {"sent_on": DATE}


class DecisionForm(AccessibleErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    legal_basis = forms.CharField(label="Hjemmel", max_length=300, required=False)
    facts = forms.CharField(label="Faktiske forhold", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(label="Begrunnelse", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    alternative_offered = forms.CharField(label="Alternativt tilbud (ved avslag)",
                                          required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))


class LineForm(forms.Form):
    """One service line in the draft."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_version = forms.ModelChoiceField(label="Tjeneste",
                                             queryset=ServiceVersion.objects.none(),
                                             error_messages=REQUIRED)
    granted = forms.TypedChoiceField(label="Utfall", coerce=lambda v: v == "1",
                                     choices=[("1", "Innvilget"), ("0", "Avslått")],
                                     initial="1")
    provider_unit = forms.ModelChoiceField(label="Tjenesteenhet", required=False,
                                           queryset=ProviderUnit.objects.none())
    extent = forms.DecimalField(label="Omfang", required=False, max_digits=7,
                                decimal_places=2, localize=True,
                                error_messages={"invalid": "Skriv et tall."})
    extent_unit = forms.ChoiceField(label="Enhet", required=False,
                                    choices=[("", "Som i tjenestekatalogen"),
                                             *ExtentUnit.choices])
    start = forms.DateField(label="Fra", widget=DATE, required=False)
    end = forms.DateField(label="Til (tidsbegrenset)", widget=DATE, required=False)
    goal = forms.CharField(label="Mål", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    frame = forms.CharField(label="Ramme (tillitsmodellen)", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    alternative_offered = forms.CharField(label="Alternativt tilbud", required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, versions=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_version"].queryset = versions if versions is not None else \
            ServiceVersion.objects.in_force(timezone.localdate())
        self.fields["service_version"].label_from_instance = lambda version: version.name
        self.fields["provider_unit"].queryset = units if units is not None else \
            ProviderUnit.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "Sluttdato kan ikke være før startdato.")
        extent, unit = data.get("extent"), data.get("extent_unit")
        if not unit and data.get("service_version"):
            unit = data["extent_unit"] = data["service_version"].extent_unit
        if extent is not None and unit == ExtentUnit.HOURS_PER_WEEK and extent > 168:
            self.add_error("extent", "Mer enn 168 timer per uke på én tjeneste er ikke mulig.")
        if extent is not None and unit == ExtentUnit.HOURS_PER_MONTH and extent > 672:
            self.add_error("extent", "Mer enn 168 timer per uke (672 per måned) på én "
                                     "tjeneste er ikke mulig.")
        if extent is not None and extent < 0:
            self.add_error("extent", "Omfanget kan ikke være negativt.")
        if data.get("granted") and not data.get("provider_unit"):
            self.add_error("provider_unit", "Velg enheten som skal yte tjenesten.")
        if data.get("granted") and not data.get("start"):
            self.add_error("start", "Innvilget tjeneste må ha startdato.")
        return data


LineFormSet = formset_factory(LineForm, extra=1, can_delete=True)


class ComplaintForm(AccessibleErrorsMixin, forms.Form):
    received_on = forms.DateField(label="Klagen mottatt", widget=DATE, error_messages=REQUIRED)
    complainant = forms.CharField(label="Klager", max_length=200, error_messages=REQUIRED)
    text = forms.CharField(label="Hva klagen gjelder", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages=REQUIRED)

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("Mottatt-datoen kan ikke være i framtiden.")
        return value


class ReassessmentForm(AccessibleErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label="Kontorets vurdering", widget=forms.RadioSelect,
                                choices=[(Complaint.Reassessment.UPHELD,
                                          "Opprettholde vedtaket (sendes Statsforvalteren)"),
                                         (Complaint.Reassessment.REVERSED,
                                          "Omgjøre vedtaket (nytt vedtak)")],
                                error_messages=REQUIRED)
    note = forms.CharField(label="Begrunnelse", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages=REQUIRED)


class AuthorityOutcomeForm(AccessibleErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label="Statsforvalterens avgjørelse", choices=[
        c for c in Complaint.AuthorityOutcome.choices if c[0]], error_messages=REQUIRED)
    decided_on = forms.DateField(label="Avgjort", widget=DATE, error_messages=REQUIRED)
    note = forms.CharField(label="Merknad", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RevisionForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "revision"
    trigger = forms.ChoiceField(label="Årsak", choices=Revision.Trigger.choices,
                                error_messages=REQUIRED)
    note = forms.CharField(label="Merknad", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnnulForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "annul"
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Hvorfor annulleres vedtaket?", min_length=10,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={**REQUIRED, "min_length": "Skriv hvorfor vedtaket "
                                             "annulleres (minst 10 tegn)."})


class CloseLineForm(AccessibleErrorsMixin, forms.Form):
    end = forms.DateField(label="Siste dag", widget=DATE, error_messages=REQUIRED)
    reason = forms.CharField(label="Årsak", max_length=200, error_messages=REQUIRED)


class ConflictForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "conflict"
    reason = forms.CharField(label="Grunn til inhabilitet", max_length=200,
                             error_messages=REQUIRED)


class ReassignForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "reassign"
    assigned_to = forms.ModelChoiceField(label="Saksbehandler", required=False,
                                         queryset=None)
    queue = forms.ModelChoiceField(label="Eller kø/forum", required=False, queryset=None)

    def __init__(self, *args, users, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = users
        self.fields["assigned_to"].label_from_instance = lambda u: u.get_full_name()
        self.fields["queue"].queryset = queues

    def clean(self):
        data = super().clean()
        if not data.get("assigned_to") and not data.get("queue"):
            raise forms.ValidationError("Velg en saksbehandler eller en kø.")
        return data


class ForumMeetingForm(AccessibleErrorsMixin, forms.Form):
    id_prefix = "forum"
    queue = forms.ModelChoiceField(label="Forum", queryset=None, error_messages=REQUIRED)
    held_on = forms.DateField(label="Møtedato", widget=DATE, error_messages=REQUIRED)
    participants = forms.CharField(label="Deltakere", widget=forms.Textarea(attrs={"rows": 2}),
                                   error_messages=REQUIRED)
    outcome = forms.CharField(label="Konklusjon", widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages=REQUIRED)

    def __init__(self, *args, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues
