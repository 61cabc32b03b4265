from django.urls import path

from . import views

urlpatterns = [
    path("forlop/", views.pathway_list, name="pathway-list"),
    path("forlop/<int:pk>/", views.pathway_detail, name="pathway-detail"),
    path("forlop/<int:pk>/avslutt/", views.pathway_close, name="pathway-close"),
    path("forlop/<int:pk>/tiltak/", views.pathway_add_service, name="pathway-add-service"),
    path("saker/<int:pk>/forlop/", views.pathway_new, name="pathway-new"),
    path("saker/<int:pk>/rehabilitering/", views.course_new, name="course-new"),
    path("bestillinger/<int:pk>/funksjonsfall/", views.decline_referral,
         name="decline-referral"),
    path("rehabilitering/", views.course_list, name="course-list"),
    path("rehabilitering/<int:pk>/", views.course_detail, name="course-detail"),
    path("rehabilitering/<int:pk>/<str:action>/", views.course_action, name="course-action"),
]
