"""API representations. Input serializers validate shape; the services validate rules."""

from __future__ import annotations

from rest_framework import serializers

from tildel.casework.models import (
    Case,
    Channel,
    Complaint,
    Decision,
    OfficeSettings,
    Order,
    SenderRole,
    ServiceLine,
)
from tildel.catalogue.models import ExtentUnit


class DeadlinesSerializer(serializers.Serializer):
    acknowledgement_due = serializers.DateField()
    preliminary_reply_due = serializers.DateField()
    decision_due = serializers.DateField()
    suspended_days = serializers.IntegerField()


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    assigned_to = serializers.CharField(source="assigned_to.username", default=None,
                                        read_only=True)
    queue = serializers.CharField(source="queue.name", default=None, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "kind", "status", "person", "received_at", "subject",
                  "urgency", "assigned_to", "queue", "acknowledgement_sent_on",
                  "preliminary_reply_sent_on", "decided_on", "deadlines"]

    def get_deadlines(self, case) -> dict:
        # The office's settings once per office, not once per case (a list of 50 cases
        # would cost 50 queries; tests/casework/test_query_budgets.py).
        root = self.parent or self
        cache = root.__dict__.setdefault("_office_settings", {})
        if case.allocation_office_id not in cache:
            cache[case.allocation_office_id] = OfficeSettings.for_office(
                case.allocation_office_id)
        d = case.deadlines(office_settings=cache[case.allocation_office_id])
        return DeadlinesSerializer({"acknowledgement_due": d.acknowledgement_due,
                                    "preliminary_reply_due": d.preliminary_reply_due,
                                    "decision_due": d.decision_due,
                                    "suspended_days": d.suspended_days}).data


class EnquiryInSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    sender_name = serializers.CharField(max_length=200)
    sender_role = serializers.ChoiceField(choices=SenderRole.choices)
    sender_phone = serializers.CharField(max_length=20, required=False, default="")
    received_at = serializers.DateTimeField(required=False)
    subject = serializers.CharField()
    text = serializers.CharField(required=False, default="")
    services = serializers.ListField(child=serializers.SlugField(), required=False, default=list)


class LineSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service_version.service.code", read_only=True)
    service_name = serializers.CharField(source="service_version.name", read_only=True)

    class Meta:
        model = ServiceLine
        fields = ["id", "service", "service_name", "granted", "provider_unit", "extent",
                  "extent_unit", "start", "end", "revision_due", "goal", "frame",
                  "alternative_offered", "end_reason"]


class DecisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "reference", "case", "person", "status", "outcome", "legal_basis",
                  "facts", "reasons", "alternative_offered", "valid_from", "decided_on",
                  "replaces", "reached_party_on", "version", "lines"]


class LineInSerializer(serializers.Serializer):
    service = serializers.SlugField()
    granted = serializers.BooleanField(default=True)
    provider_unit = serializers.IntegerField(required=False, allow_null=True)
    extent = serializers.DecimalField(max_digits=7, decimal_places=2, required=False,
                                      allow_null=True)
    extent_unit = serializers.ChoiceField(choices=ExtentUnit.choices, required=False)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    goal = serializers.CharField(required=False, default="", allow_blank=True)
    frame = serializers.CharField(required=False, default="", allow_blank=True)
    alternative_offered = serializers.CharField(required=False, default="", allow_blank=True)


class DecisionInSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=300)
    facts = serializers.CharField(required=False, allow_blank=True)
    reasons = serializers.CharField(required=False, allow_blank=True)
    alternative_offered = serializers.CharField(required=False, allow_blank=True)
    lines = LineInSerializer(many=True)


class ComplaintSerializer(serializers.ModelSerializer):
    deadline = serializers.DateField(read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    stage = serializers.CharField(read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "decision", "received_on", "complainant", "decision_reached_party_on",
                  "deadline", "is_late", "reassessment", "reassessment_note", "reassessed_on",
                  "new_decision", "forwarded_on", "authority_outcome", "authority_outcome_on",
                  "authority_note", "stage"]


class ComplaintInSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    received_on = serializers.DateField()
    complainant = serializers.CharField(max_length=200)
    text = serializers.CharField()


class ReassessInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in Complaint.Reassessment.values if c])
    note = serializers.CharField()


class AuthorityOutcomeInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[c for c in Complaint.AuthorityOutcome.values if c])
    decided_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True)


class OrderSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    person_name = serializers.CharField(source="decision.person.full_name", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "decision", "provider_unit", "person_name", "created_at", "goals",
                  "practical_information", "contact_persons", "acknowledged_at", "lines"]
