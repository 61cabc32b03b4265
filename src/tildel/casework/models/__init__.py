"""Casework models, one module per part of the process."""

from .assessment import Assessment, FunctionalScore, InformationRequest
from .cases import (
    Case,
    CaseEvent,
    CaseExtension,
    CaseSuspension,
    Channel,
    Enquiry,
    ImmediateMeasure,
    OfficeSettings,
    SenderRole,
    Task,
)
from .complaints import Complaint
from .decisions import Decision, ForumMeeting, ServiceLine, ServiceLineQuerySet, ServicePause
from .letters import Dispatch, Letter, LetterKind, LetterTemplate
from .orders import Order
from .revisions import Revision
from .routing import Absence, ConflictOfInterest, RoutingRule, UserGroup, WorkQueue

__all__ = [
    "Absence", "Assessment", "Case", "CaseEvent", "CaseExtension", "CaseSuspension", "Channel",
    "Complaint", "ConflictOfInterest", "Decision", "Dispatch", "Enquiry", "ForumMeeting",
    "FunctionalScore", "ImmediateMeasure", "InformationRequest", "Letter", "LetterKind",
    "LetterTemplate", "OfficeSettings", "Order", "Revision", "RoutingRule", "SenderRole",
    "ServiceLine", "ServiceLineQuerySet", "ServicePause", "Task", "UserGroup", "WorkQueue",
]
