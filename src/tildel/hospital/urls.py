from django.urls import path

from . import views

app_name = "hospital"

urlpatterns = [
    path("sykehus/", views.board, name="board"),
    path("sykehus/<int:pk>/", views.stay, name="stay"),
    path("sykehus/<int:pk>/<str:action>/", views.change, name="change"),
]
