"""Sign-in through the municipality's OpenID Connect provider (kommunens pålogging:
ID-porten, Entra ID or another), alongside the password login.

Tildel never creates users from a sign-in: the administrator creates each user with role
and scope first, and the provider only proves who is signing in. The configured claim
(``TILDEL_OIDC_USERNAME_CLAIM``) is matched case-insensitively against the username of an
active user. Claim values, tokens and codes are never logged: a claim may be a
fødselsnummer (ID-porten's ``pid``). See ADR 0016.

Off unless ``settings.TILDEL_OIDC_ENABLED`` (set from the environment in settings.py). The
views here are always routed and answer 404 while it is off, so tests can switch it on
with ``override_settings``.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

BACKEND = "tildel.accounts.oidc.OIDCBackend"

#: Shown on the login page when the provider signed someone in whom Tildel does not know.
UNKNOWN_USER_MESSAGE = ("Brukeren finnes ikke i Tildel, eller er deaktivert. "
                        "Kontakt systemansvarlig.")
#: Shown when the sign-in failed for any other reason (provider down, token refused).
FAILED_MESSAGE = ("Innloggingen med kommunens pålogging mislyktes. Prøv igjen, eller "
                  "kontakt systemansvarlig hvis det gjentar seg.")

# Why a sign-in was refused, kept on the request for the callback view's message.
_REFUSAL = "_tildel_oidc_refusal"
_UNKNOWN_USER = "unknown_user"
_FAILED = "failed"

#: What can go wrong talking to the provider or checking its answer. Caught and turned
#: into a refusal: a sign-in that fails is a message on the login page, never a 500.
_PROVIDER_ERRORS = (requests.RequestException, SuspiciousOperation, jwt.PyJWTError,
                    ValueError, KeyError, TypeError)

#: Allowed clock difference to the provider when checking exp and iat (seconds).
CLOCK_LEEWAY = 60


def oidc_enabled() -> bool:
    return bool(getattr(settings, "TILDEL_OIDC_ENABLED", False))


def _refuse(request, reason: str) -> None:
    if request is not None and not hasattr(request, _REFUSAL):
        setattr(request, _REFUSAL, reason)


def _reason(error: Exception) -> str:
    """A log-safe description of an error: the library's fixed text or the HTTP status,
    never a response body (it may quote claims)."""
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"{type(error).__name__} (status {error.response.status_code})"
    if isinstance(error, SuspiciousOperation | jwt.PyJWTError):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active user whom the provider has identified."""

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login never reaches the provider.
        if request is None or "nonce" not in kwargs or not oidc_enabled():
            return None
        try:
            user = super().authenticate(request, **kwargs)
        except _PROVIDER_ERRORS as error:
            logger.warning("OIDC sign-in refused: %s", _reason(error))
            user = None
        else:
            if user is None and not hasattr(request, _REFUSAL):
                logger.warning("OIDC sign-in refused: the claims did not name exactly one user")
        if user is None:
            _refuse(request, _FAILED)
        return user

    # The token: signature by the provider's key, audience this client, not expired, from
    # the configured issuer. The library checks only signature and nonce.
    def _verify_jws(self, payload, key):
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The token's algorithm is not the configured one.")
        return jwt.decode(
            payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=getattr(settings, "TILDEL_OIDC_ISSUER", "") or None,
            leeway=CLOCK_LEEWAY, options={"require": ["exp", "iat", "aud", "sub"]})

    def get_userinfo(self, access_token, id_token, payload):
        """The verified id_token's claims, with the userinfo endpoint's added when one is
        configured (Entra ID's userinfo lacks ``preferred_username``; ID-porten's has
        ``pid``). Both must be about the same subject."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if extra.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("Userinfo is about another subject than the token.")
            claims = {**extra, **claims}
        return claims

    @staticmethod
    def _username_claim() -> str:
        return getattr(settings, "TILDEL_OIDC_USERNAME_CLAIM", "preferred_username")

    def verify_claims(self, claims) -> bool:
        value = claims.get(self._username_claim())
        return isinstance(value, str) and 0 < len(value.strip()) <= 150

    def filter_users_by_claims(self, claims):
        """Active users whose username is the claim's value, ignoring case."""
        value = claims.get(self._username_claim(), "").strip()
        return self.UserModel.objects.filter(username__iexact=value, is_active=True)

    def describe_user_by_claims(self, claims) -> str:
        return "the configured username claim"  # the library logs this; no value

    def create_user(self, claims):
        """Never: users, their role and districts come from the administrator."""
        raise SuspiciousOperation("Tildel does not create users from a sign-in.")

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            logger.info("OIDC sign-in refused: no active user in Tildel has that username")
            _refuse(self.request, _UNKNOWN_USER)
        return user

    def get_user(self, user_id):
        """A deactivated user's session ends, as with the password login."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticateView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: sends the browser to the provider with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the settings are read per request, in dispatch

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/ (the redirect URI registered at the provider): signs the user in,
    or back to the login page with a message saying why not."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # a state this session did not send
            logger.warning("OIDC callback refused: %s", _reason(error))
            return self.login_failure()

    def login_failure(self):
        if getattr(self.request, _REFUSAL, None) == _UNKNOWN_USER:
            messages.error(self.request, UNKNOWN_USER_MESSAGE)
        else:
            messages.error(self.request, FAILED_MESSAGE)
        return redirect("login")


def axes_exempt(request, credentials) -> bool:
    """django-axes's whitelist (AXES_WHITELIST_CALLABLE): the OIDC callback is not a
    password guess and carries no username, so its refusals would otherwise count
    against everyone signing in from the same address."""
    return (not (credentials or {}).get("username")
            and request.path == reverse("oidc_authentication_callback"))


class LoginView(auth_views.LoginView):
    """Logg inn: the password form, and the provider's button when it is configured."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc_enabled()}


def provider_logout_url(request) -> str | None:
    """Where to end the provider's session (TILDEL_OIDC_LOGOUT_URL) after Tildel's own
    logout, for a user who signed in through the provider; None otherwise."""
    url = getattr(settings, "TILDEL_OIDC_LOGOUT_URL", "")
    if not (oidc_enabled() and url and request.user.is_authenticated
            and request.session.get(auth.BACKEND_SESSION_KEY) == BACKEND):
        return None
    parts = urlsplit(url)
    query = parse_qsl(parts.query) + [
        ("client_id", settings.OIDC_RP_CLIENT_ID),
        ("post_logout_redirect_uri", request.build_absolute_uri(resolve_url("login"))),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


class LogoutView(auth_views.LogoutView):
    """Logg ut: ends Tildel's session, and the provider's when signed in through it."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_logout_url(request)  # before the session is flushed
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response
