from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("plasser/", views.overview, name="overview"),
    path("plasser/<int:pk>/neste/", views.give_next, name="give-next"),
    path("ventelister/", views.waiting_lists, name="waiting-lists"),
    path("ventelister/<int:pk>/ta-av/", views.withdraw, name="withdraw"),
    path("avvik/", views.deviations, name="deviations"),
]
