from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("nokkeltall/", views.dashboard, name="dashboard"),
    path("nokkeltall/nokkeltall.<str:fmt>", views.dashboard_export, name="export"),
    path("nokkeltall/rapport.pdf", views.monthly_report, name="monthly-report"),
    path("nokkeltall/likebehandling/", views.equal_treatment_page, name="equal-treatment"),
    path("nokkeltall/likebehandling/saker/", views.equal_treatment_cases,
         name="equal-treatment-cases"),
    path("nokkeltall/<slug:code>/saker/", views.drilldown, name="drilldown"),
]
