from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("kpr/", views.overview, name="kpr"),
    path("kpr/send/", views.send, name="kpr-send"),
    path("kpr/send-pa-nytt/", views.resend, name="kpr-resend"),
    path("sykehusmeldinger/", views.plo_messages, name="plo"),
    path("sykehusmeldinger/<int:pk>/<str:action>/", views.plo_action, name="plo-action"),
]
