"""URL configuration. URLs carry internal ids only, never fødselsnummer or names."""

from django.contrib import admin
from django.urls import include, path

from tildel.accounts import oidc
from tildel.accounts.forms import LoginForm
from tildel.web import emergency, views

urlpatterns = [
    path("", views.home, name="home"),
    path("logg-inn/", oidc.LoginView.as_view(redirect_authenticated_user=True,
                                              authentication_form=LoginForm),
         name="login"),
    path("logg-ut/", oidc.LogoutView.as_view(), name="logout"),
    # Sign-in through OpenID Connect (ADR 0016). Always routed, so that switching it on is
    # a setting only; the views answer 404 while TILDEL_OIDC_ENABLED is off.
    path("oidc/authenticate/", oidc.AuthenticateView.as_view(),
         name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("helse/", views.health, name="health"),
    path("personer/sok/", views.person_search, name="person-search"),
    path("personer/ny/", views.person_create, name="person-create"),
    path("personer/<int:pk>/", views.person_overview, name="person-overview"),
    path("personer/<int:pk>/nodrett/", emergency.open_access, name="person-emergency"),
    path("nodrett/", emergency.review_list, name="emergency-review"),
    path("nodrett/<int:entry_id>/gjennomgatt/", emergency.review,
         name="emergency-review-done"),
    path("tilgangslogg/", views.access_log_search, name="access-log"),
    path("tilgangslogg/innsyn/", views.access_log_report, name="access-log-report"),
    path("", include("tildel.casework.urls")),
    path("", include("tildel.provision.urls")),
    path("", include("tildel.delivery.urls")),
    path("", include("tildel.pathways.urls")),
    path("", include("tildel.quality.urls")),
    path("", include("tildel.financing.urls")),
    path("", include("tildel.insight.urls")),
    path("", include("tildel.exchange.urls")),
    path("", include("tildel.hospital.urls")),
    path("", include("tildel.places.urls")),
    path("", include("tildel.housing.urls")),
    path("api/v1/", include("tildel.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "tildel.web.views.handler403"
handler404 = "tildel.web.views.handler404"
handler500 = "tildel.web.views.handler500"

admin.site.site_header = "Tildel – administrasjon"
admin.site.site_title = "Tildel"
