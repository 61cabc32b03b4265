from django.urls import path

from . import views

urlpatterns = [
    path("bestillinger/<int:pk>/juster/", views.order_adjust, name="order-adjust"),
    path("bestillinger/<int:pk>/endringsmelding/", views.order_change_request,
         name="order-change-request"),
    path("endringsmeldinger/", views.change_requests, name="change-requests"),
    path("endringsmeldinger/<int:pk>/<str:action>/", views.change_request_answer,
         name="change-request-answer"),
]
