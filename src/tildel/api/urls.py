"""/api/v1/ routes and the OpenAPI document."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularJSONAPIView
from rest_framework.routers import DefaultRouter

from . import fhir, figures, people, plo, views

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="api-case")
router.register("decisions", views.DecisionViewSet, basename="api-decision")
router.register("complaints", views.ComplaintViewSet, basename="api-complaint")
router.register("orders", views.OrderViewSet, basename="api-order")
router.register("persons", people.PersonViewSet, basename="api-person")
router.register("pathways", people.PathwayViewSet, basename="api-pathway")
router.register("visits", people.VisitViewSet, basename="api-visit")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api-openapi-json"),
    path("indicators/", figures.IndicatorListView.as_view(), name="api-indicators"),
    path("figures/", figures.FiguresView.as_view(), name="api-figures"),
    path("plo/", plo.PloReceive.as_view(), name="api-plo"),
    path("fhir/EpisodeOfCare", fhir.EpisodeOfCareSearch.as_view(), name="api-fhir-episodes"),
    path("", include(router.urls)),
]
