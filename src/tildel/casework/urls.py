"""Casework URLs. Only internal ids travel in URLs, never names or fødselsnummer."""

from django.urls import path

from . import views

urlpatterns = [
    path("saker/", views.my_queue, name="my-queue"),
    path("saker/oversikt/", views.office_queues, name="office-queues"),
    path("saker/ny/", views.case_new, name="case-new"),
    path("saker/<int:pk>/", views.case_detail, name="case-detail"),
    path("saker/<int:pk>/hastevurdering/", views.case_triage, name="case-triage"),
    path("saker/<int:pk>/strakstiltak/", views.case_measure, name="case-measure"),
    path("saker/<int:pk>/stans/", views.case_suspend, name="case-suspend"),
    path("saker/<int:pk>/gjenoppta/", views.case_resume, name="case-resume"),
    path("saker/<int:pk>/forleng/", views.case_extend, name="case-extend"),
    path("saker/<int:pk>/inhabil/", views.case_conflict, name="case-conflict"),
    path("saker/<int:pk>/flytt/", views.case_reassign, name="case-reassign"),
    path("saker/<int:pk>/identitet/", views.case_confirm_identity, name="case-identity"),
    path("saker/<int:pk>/brev/", views.case_letter, name="case-letter"),
    path("saker/<int:pk>/forum/", views.case_forum, name="case-forum"),
    path("saker/<int:pk>/kartlegging/", views.assessment_edit, name="assessment-edit"),
    path("saker/<int:pk>/vedtak/nytt/", views.decision_new, name="decision-new"),
    path("vedtak/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("vedtak/<int:pk>/utkast/", views.decision_edit, name="decision-edit"),
    path("vedtak/<int:pk>/signer/", views.decision_sign, name="decision-sign"),
    path("vedtak/<int:pk>/andre-signatur/", views.decision_second_sign,
         name="decision-second-sign"),
    path("vedtak/<int:pk>/send/", views.decision_send, name="decision-send"),
    path("vedtak/<int:pk>/klage/", views.complaint_new, name="complaint-new"),
    path("vedtak/<int:pk>/revurdering/", views.revision_new, name="revision-new"),
    path("tjenester/<int:pk>/avslutt/", views.line_close, name="line-close"),
    path("revurderinger/", views.revisions_due, name="revisions-due"),
    path("klager/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("klager/<int:pk>/<str:action>/", views.complaint_action, name="complaint-action"),
    path("brev/<int:pk>.pdf", views.letter_pdf, name="letter-pdf"),
    path("henvendelser/<int:pk>/skann/", views.enquiry_scan, name="enquiry-scan"),
    path("bestillinger/", views.orders_inbox, name="orders-inbox"),
    path("bestillinger/<int:pk>/", views.order_detail, name="order-detail"),
    path("bestillinger/<int:pk>/kvitter/", views.order_acknowledge, name="order-acknowledge"),
    path("soknad/", views.citizen_apply, name="citizen-apply"),
    path("soknad/kontor/<int:office_pk>/", views.citizen_apply, name="citizen-apply-office"),
    path("soknad/sendt/", views.citizen_apply_done, name="citizen-apply-done"),
]
