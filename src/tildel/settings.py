"""Django settings for Tildel.

Configuration comes from the environment (12-factor):

- ``DATABASE_URL``: database; default is a SQLite file under ``var/``.
- ``SECRET_KEY``: required in production; for local use one is generated once into
  ``var/secret_key``.
- ``TILDEL_DEBUG``: ``1`` turns on Django's debug mode (never in production).
- ``TILDEL_ALLOWED_HOSTS``: comma-separated host names; default loopback only.
- ``TILDEL_HTTPS``: ``1`` when served over HTTPS: secure cookies, HSTS, redirect;
  ``TILDEL_HSTS_PRELOAD``: ``1`` also asks browsers to preload HSTS for the whole domain.
- ``TILDEL_SYNTHETIC_IDS``: ``1`` (default) accepts synthetic test fødselsnummer
  (Skatteetaten's Tenor series, month + 80), which the demo uses; set ``0`` in production.
- ``TILDEL_VAR_DIR``: where local state lives (default ``./var``).
- ``TILDEL_DELIVERY_THRESHOLD_MINUTES``: deviation from the planned time per week that
  is flagged (default 60).
- ``TILDEL_KPR_OUTBOX``: where KPR messages are kept (default ``var/kpr``);
  ``TILDEL_KPR_SENDER``: dotted path of the sender class (default the file sender).
- ``TILDEL_DISPATCH_CHANNEL``: ``outbox`` (default: PDFs in ``var/outbox``) or ``svarut``
  with ``TILDEL_SVARUT_URL``, ``TILDEL_SVARUT_ACCOUNT`` and ``TILDEL_SVARUT_TOKEN``.
- ``TILDEL_OIDC_CLIENT_ID`` and the other ``TILDEL_OIDC_*``: sign-in through the
  municipality's OpenID Connect provider (see the OIDC block below; off when unset).
- ``TILDEL_LOG_LEVEL`` (default ``INFO``) and ``TILDEL_LOG_FORMAT``: ``plain`` (default)
  or ``json``, one JSON object per line for a log collector.
- ``TILDEL_REPORTS_DATABASE_URL``: a read replica for the stored key figures (optional).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TILDEL_VAR_DIR", Path.cwd() / "var")).resolve()


def _local_secret_key() -> str:
    """Generate a secret key once into var/ so local sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_flag("TILDEL_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TILDEL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
SYNTHETIC_IDS_ALLOWED = env_flag("TILDEL_SYNTHETIC_IDS", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "tildel.accounts",
    "tildel.organisation",
    "tildel.catalogue",
    "tildel.people",
    "tildel.casework",
    "tildel.provision",
    "tildel.delivery",
    "tildel.financing",
    "tildel.pathways",
    "tildel.quality",
    "tildel.insight",
    "tildel.exchange",
    "tildel.hospital",
    "tildel.places",
    "tildel.housing",
    "tildel.demo",
    "tildel.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tildel.web.middleware.NoStoreForPersonalDataMiddleware",
    # Axes must be last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tildel.urls"
WSGI_APPLICATION = "tildel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tildel.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tildel.sqlite3'}",
        conn_max_age=int(os.environ.get("TILDEL_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes
    # 100,000. The screens' heavier queries cost a little more than that: the provider's
    # person check on the delivered-time page spent 30 ms compiling for 30 ms of work.
    # From 1,000,000 only the batch figures' queries are compiled; the nightly key figures
    # took as long either way (81.6 s / 84.0 s, docs/performance.md). Options given in
    # DATABASE_URL (``?options=...``) come after, so an operator's value wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c jit_above_cost=1000000 {options.get('options', '')}".strip()
# A read replica (PostgreSQL streaming replication) for the stored key figures that
# management's and analysts' dashboards read (tildel.db_routers, docs/operations.md).
if os.environ.get("TILDEL_REPORTS_DATABASE_URL", "").strip():
    DATABASES["reports"] = dj_database_url.parse(
        os.environ["TILDEL_REPORTS_DATABASE_URL"].strip(),
        conn_max_age=int(os.environ.get("TILDEL_DB_CONN_MAX_AGE", "60")),
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}  # tests: the same database
    DATABASE_ROUTERS = ["tildel.db_routers.ReportsReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): five failures lock the username from that address for
# 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
MEDIA_ROOT = VAR_DIR / "media"

# KPR continuous reporting (tildel.exchange): where messages are kept and how they are sent.
KPR_OUTBOX = Path(os.environ.get("TILDEL_KPR_OUTBOX", VAR_DIR / "kpr"))
KPR_SENDER = os.environ.get("TILDEL_KPR_SENDER", "tildel.exchange.senders.FileSender")

# Sessions: health data on screen, so idle sessions end (30 minutes, renewed per request).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles and everything else only from this
# server, no inline code or style attributes (charts read their data from json_script
# elements), no frames, no plugins. A page that needs an exception is a bug.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if env_flag("TILDEL_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The browsers' HSTS preload list binds the whole domain (the municipality's, not only
    # Tildel's host), so asking for it is the municipality's decision: TILDEL_HSTS_PRELOAD=1.
    SECURE_HSTS_PRELOAD = env_flag("TILDEL_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

# Logs never carry personal data: request paths hold only internal ids, and the
# access log (tilgangslogg) lives in the database, not in the log stream.
# TILDEL_LOG_FORMAT=json writes one JSON object per line (time, level, logger, message,
# exception) for a log collector; plain (default) is for people (tildel.logformat).
TILDEL_LOG_FORMAT = os.environ.get("TILDEL_LOG_FORMAT", "plain").strip().lower() or "plain"
if TILDEL_LOG_FORMAT not in {"plain", "json"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("TILDEL_LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "tildel.logformat.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": TILDEL_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("TILDEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Letters and dispatch (utsending).
TILDEL_DISPATCH_CHANNEL = os.environ.get("TILDEL_DISPATCH_CHANNEL", "outbox")
TILDEL_OUTBOX_DIR = Path(os.environ.get("TILDEL_OUTBOX_DIR", VAR_DIR / "outbox"))
TILDEL_SVARUT_URL = os.environ.get("TILDEL_SVARUT_URL", "")
TILDEL_SVARUT_ACCOUNT = os.environ.get("TILDEL_SVARUT_ACCOUNT", "")
TILDEL_SVARUT_TOKEN = os.environ.get("TILDEL_SVARUT_TOKEN", "")

# Delivered time (levert tid): a deviation from the planned/decided time above this many
# minutes per week is flagged (report 004 L4089–4090: "en halvtime til en time").
TILDEL_DELIVERY_THRESHOLD_MINUTES = int(os.environ.get("TILDEL_DELIVERY_THRESHOLD_MINUTES",
                                                       "60"))

# Sign-in through OpenID Connect (kommunens pålogging: ID-porten, Entra ID), beside the
# password login (docs/operations.md, ADR 0016). Off unless TILDEL_OIDC_CLIENT_ID is set;
# then the secret and the provider's endpoints are required. Users are matched, never
# created: the claim TILDEL_OIDC_USERNAME_CLAIM must be an active user's username.
TILDEL_OIDC_ENABLED = bool(os.environ.get("TILDEL_OIDC_CLIENT_ID", "").strip())
if TILDEL_OIDC_ENABLED:
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    _oidc_missing = [name for name in (
        "TILDEL_OIDC_CLIENT_SECRET", "TILDEL_OIDC_AUTHORIZATION_ENDPOINT",
        "TILDEL_OIDC_TOKEN_ENDPOINT", "TILDEL_OIDC_JWKS_ENDPOINT",
    ) if not os.environ.get(name, "").strip()]
    if _oidc_missing:
        raise ImproperlyConfigured("TILDEL_OIDC_CLIENT_ID is set, but not "
                                   + ", ".join(_oidc_missing))
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "tildel.accounts.oidc.OIDCBackend")  # after axes
    OIDC_RP_CLIENT_ID = os.environ["TILDEL_OIDC_CLIENT_ID"].strip()
    OIDC_RP_CLIENT_SECRET = os.environ["TILDEL_OIDC_CLIENT_SECRET"].strip()
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["TILDEL_OIDC_AUTHORIZATION_ENDPOINT"].strip()
    OIDC_OP_TOKEN_ENDPOINT = os.environ["TILDEL_OIDC_TOKEN_ENDPOINT"].strip()
    OIDC_OP_JWKS_ENDPOINT = os.environ["TILDEL_OIDC_JWKS_ENDPOINT"].strip()
    # Optional: the id_token's claims are used alone when there is no userinfo endpoint.
    OIDC_OP_USER_ENDPOINT = os.environ.get("TILDEL_OIDC_USER_ENDPOINT", "").strip()
    OIDC_RP_SIGN_ALGO = os.environ.get("TILDEL_OIDC_SIGN_ALGO", "").strip() or "RS256"
    OIDC_RP_SCOPES = os.environ.get("TILDEL_OIDC_SCOPES", "").strip() or "openid profile"
    OIDC_USE_PKCE = env_flag("TILDEL_OIDC_USE_PKCE", default=True)  # ID-porten requires it
    OIDC_CREATE_USER = False
    OIDC_TIMEOUT = 10
    TILDEL_OIDC_USERNAME_CLAIM = (os.environ.get("TILDEL_OIDC_USERNAME_CLAIM", "").strip()
                                  or "preferred_username")
    # The token's iss must be this when set (the provider's issuer, as in its discovery).
    TILDEL_OIDC_ISSUER = os.environ.get("TILDEL_OIDC_ISSUER", "").strip()
    # The provider's end-session endpoint: where a user signed in through it goes after
    # Tildel's logout. The logout form posts there, so the CSP's form-action allows it.
    TILDEL_OIDC_LOGOUT_URL = os.environ.get("TILDEL_OIDC_LOGOUT_URL", "").strip()
    if TILDEL_OIDC_LOGOUT_URL:
        _logout = urlsplit(TILDEL_OIDC_LOGOUT_URL)
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
            f"{_logout.scheme}://{_logout.netloc}")
    # Refusals at the callback are not password guesses; they must not lock out everyone
    # behind the same address (tildel.accounts.oidc.axes_exempt).
    AXES_WHITELIST_CALLABLE = "tildel.accounts.oidc.axes_exempt"

# REST API (/api/v1/): session auth for the screens' users, same permissions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Machine clients (an integration, the message service's adapter): a token per
        # user, made with ``tildel api_token``; the user's role decides as on the screens.
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's pages need inline scripts the CSP refuses, and
    # machine clients read the OpenAPI document instead.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tildel.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tildel API",
    "DESCRIPTION": "Saker, vedtak, bestillinger og klager. Samme regler og tilganger som "
                   "skjermbildene.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
