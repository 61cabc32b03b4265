from django.urls import path

from . import respite_views, views

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
    path("avlastning/", respite_views.overview, name="respite"),
    path("avlastning/bolig/<int:pk>/", respite_views.home_settings, name="respite-home"),
    path("avlastning/plan/<int:pk>/", respite_views.plan, name="respite-plan"),
    path("avlastning/plan/<int:pk>/opphold/<int:stay>/fjern/", respite_views.remove_stay,
         name="respite-remove"),
    path("avlastning/plan/<int:pk>/kopier/", respite_views.copy_plan, name="respite-copy"),
]
