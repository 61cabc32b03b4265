from django.urls import path

from . import views

app_name = "housing"

urlpatterns = [
    path("bo-og-habilitering/", views.overview, name="overview"),
    path("bo-og-habilitering/<int:pk>/turnus/", views.rota, name="rota"),
    path("bo-og-habilitering/<int:pk>/turnus/<int:shift>/slett/", views.delete_shift,
         name="delete-shift"),
    path("personer/<int:pk>/individuell-plan/", views.individual_plan,
         name="individual-plan"),
    path("bpa/", views.bpa, name="bpa"),
    path("bpa/<int:pk>/", views.bpa_edit, name="bpa-edit"),
]
