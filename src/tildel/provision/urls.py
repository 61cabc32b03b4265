from django.urls import path

from . import views

urlpatterns = [
    path("bestillinger/<int:pk>/juster/", views.order_adjust, name="order-adjust"),
    path("bestillinger/<int:pk>/endringsmelding/", views.order_change_request,
         name="order-change-request"),
    path("bestillinger/<int:pk>/stans/", views.order_pause, name="order-pause"),
    path("bestillinger/<int:pk>/stans/<int:pause>/slutt/", views.order_pause_end,
         name="order-pause-end"),
    path("endringsmeldinger/", views.change_requests, name="change-requests"),
    path("endringsmeldinger/<int:pk>/<str:action>/", views.change_request_answer,
         name="change-request-answer"),
]
