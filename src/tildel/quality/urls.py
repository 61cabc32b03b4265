from django.urls import path

from . import views

urlpatterns = [
    path("varsler/", views.alerts, name="quality-alerts"),
    path("varsler/<slug:key>/", views.alert_list, name="quality-alert-list"),
]
