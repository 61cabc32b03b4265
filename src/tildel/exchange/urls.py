from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("kpr/", views.overview, name="kpr"),
    path("kpr/send/", views.send, name="kpr-send"),
]
