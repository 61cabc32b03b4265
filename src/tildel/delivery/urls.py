from django.urls import path

from . import views

urlpatterns = [
    path("levert-tid/", views.home, name="delivery-home"),
    path("levert-tid/enheter/<int:unit>/", views.unit_overview, name="delivery-unit"),
    path("levert-tid/enheter/<int:unit>/uker.xlsx", views.unit_weeks_excel,
         name="delivery-unit-excel"),
    path("levert-tid/enheter/<int:unit>/personer/<int:pk>/", views.person_detail,
         name="delivery-person"),
    path("levert-tid/besok/ny/", views.visit_new, name="delivery-visit-new"),
    path("levert-tid/import/", views.import_upload, name="delivery-import"),
    path("levert-tid/import/<int:pk>/", views.import_detail, name="delivery-import-detail"),
]
