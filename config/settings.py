"""One settings file, driven by the environment.

With no variables set the service runs embedded: SQLite, Celery tasks run eagerly in the
web process, email is printed to the console and uploads go to ./var. DATABASE_URL and
REDIS_URL switch to PostgreSQL and a real Celery broker. DEBUG=false is production mode:
SECRET_KEY and ALLOWED_HOSTS must then be given.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_list
from core.orgids import org_id_problem, publisher_prefix_problem

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-development-only-key-not-for-production-use-0123456789"  # noqa: S105  # nosec B105  # DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Safer Communities Grants")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "West Yorkshire Mayor: Policing and Crime")
# The letterhead on award and decline letters: address lines separated by "|".
LETTER_ADDRESS = (
    os.environ.get("LETTER_ADDRESS") or "Wellington House|40-50 Wellington Street|Leeds|LS1 2DE"
).split("|")
LETTER_CONTACT = (
    os.environ.get("LETTER_CONTACT") or "grants@westyorks-ca.gov.uk|0113 251 7272"
).split("|")
LETTER_SIGNATORY = os.environ.get("LETTER_SIGNATORY") or "Alison Lowe OBE"
LETTER_SIGNATORY_ROLE = (
    os.environ.get("LETTER_SIGNATORY_ROLE") or "Deputy Mayor for Policing and Crime"
)
PHASE = os.environ.get("PHASE", "Beta")
# Where people reach the grants team (footer, privacy notice, emails) and send feedback on
# the service (the phase banner).
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL") or LETTER_CONTACT[0]
CONTACT_PHONE = os.environ.get("CONTACT_PHONE") or (
    LETTER_CONTACT[1] if len(LETTER_CONTACT) > 1 else ""
)
FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL") or CONTACT_EMAIL

# Open data: the 360Giving file of the grants awarded. The prefix comes from 360Giving
# (grant ids are <prefix>-<reference>); the funder is named by an org-id. A funder on no
# register reuses the publisher prefix, as 360Giving's guidance says.
OPEN_DATA_PREFIX = os.environ.get("OPEN_DATA_PREFIX") or "360G-wypcc"
OPEN_DATA_FUNDER_ID = os.environ.get("OPEN_DATA_FUNDER_ID") or OPEN_DATA_PREFIX
OPEN_DATA_FUNDER_NAME = (
    os.environ.get("OPEN_DATA_FUNDER_NAME") or "West Yorkshire Combined Authority"
)
OPEN_GOVERNMENT_LICENCE = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL") or OPEN_GOVERNMENT_LICENCE
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME") or (
    "Open Government Licence v3.0"
    if OPEN_DATA_LICENCE_URL == OPEN_GOVERNMENT_LICENCE
    else OPEN_DATA_LICENCE_URL
)
# "Across West Yorkshire" is published as the whole area: the combined authority's ONS code.
OPEN_DATA_AREA_CODE = os.environ.get("OPEN_DATA_AREA_CODE") or "E47000003"
OPEN_DATA_AREA_NAME = os.environ.get("OPEN_DATA_AREA_NAME") or "West Yorkshire"
_open_data_problems = [
    f"{name}: {problem}"
    for name, problem in (
        ("OPEN_DATA_PREFIX", publisher_prefix_problem(OPEN_DATA_PREFIX)),
        ("OPEN_DATA_FUNDER_ID", org_id_problem(OPEN_DATA_FUNDER_ID)),
        (
            "OPEN_DATA_LICENCE_URL",
            None
            if OPEN_DATA_LICENCE_URL.startswith(("https://", "http://"))
            and " " not in OPEN_DATA_LICENCE_URL
            else "give the licence's web address, starting https://",
        ),
        (
            "OPEN_DATA_AREA_CODE",
            None
            if re.fullmatch(r"[EWSNK]\d{8}", OPEN_DATA_AREA_CODE)
            else "give a 9-character ONS code, like E47000003",
        ),
    )
    if problem
]
if _open_data_problems:
    raise ImproperlyConfigured("; ".join(_open_data_problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "core",
    "accounts",
    "outcomes",
    "grants",
    "commissioning",
    "delivery",
    "opendata",
    "documents",
    "config",  # management commands that span apps (seed_demo)
]

MIDDLEWARE = [
    # First: refuse an oversized body before anything reads it (core.uploadlimits).
    "core.uploadlimits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Sign-in security (issue 17): idle sessions end; staff finish two-step sign-in first.
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

FORM_RENDERER = "core.govuk.GovukFormRenderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.service",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: SQLite embedded, PostgreSQL when DATABASE_URL is given.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # No JIT compilation: the staff pages' aggregates over 20,000-60,000 rows cross its cost
    # threshold and spent 35-50 ms compiling to save less (issue 18's load benchmark).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache. Without it Celery runs tasks eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_SOCKET_TIMEOUT = 2.0
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, sharing one client per connection pool (core.cache).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 24 * 3600
# Every countdown and retry delay stays well below this, or Redis would redeliver a task
# that is merely waiting.
CELERY_VISIBILITY_TIMEOUT = 2 * 3600
CELERY_MAX_RETRY_DELAY = 15 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": True,
    "max_retries": 3,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker or beat rides out a Redis restart, however long, instead of exiting; web
# requests never wait on the broker (they publish with retry=False, see core.outbox).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = "Europe/London"
# An outbox message handed to a worker but still unsent this long after (the worker died,
# the broker lost the task) is handed out again by the relay.
OUTBOX_REDISPATCH_AFTER = int(os.environ.get("OUTBOX_REDISPATCH_AFTER", 600))

# Quarterly monitoring returns are due this many days after their quarter ends (or after
# they are opened, for a return opened late).
RETURN_DUE_DAYS = int(os.environ.get("RETURN_DUE_DAYS", 20))

# How long personal data is kept (core.retention). Once `years` have passed since `after`,
# the daily task (and `manage.py retention`) does what `purge` says and records it. The
# privacy notice prints this schedule, so it cannot say anything else.
RETENTION = {
    "unsuccessful_applications": {
        "years": 2,
        "what": "Applications that were not funded (found ineligible, not recommended, "
        "declined or withdrawn) and offers that were turned down",
        "after": "the decision",
        "purge": "we delete their documents and remove names, contact details and what the "
        "application said; we keep the amount asked for, the district and the priority for "
        "our statistics",
    },
    "completed_awards": {
        "years": 7,
        "what": "Grants we awarded, with their applications, letters and monitoring reports",
        "after": "the grant is completed",
        "purge": "we delete their documents, letters and evidence and remove names, contact "
        "details and free text; we keep what we published as open data and the amounts paid",
    },
    "bank_evidence": {
        "years": 2,
        "what": "Bank details and the bank evidence a group sent",
        "after": "the final payment of the grant",
        "purge": "we delete the evidence and remove the account name, sort code and account number",
    },
    "return_narratives": {
        "years": 6,
        "what": "What commissioned services wrote in their quarterly returns, and our "
        "comments on them",
        "after": "the end of the quarter",
        "purge": "we remove the written answers and comments; we keep the counts and "
        "amounts, which hold no one's identity",
    },
}

# Email: console by default; EMAIL_URL (smtp+tls://user:pass@host:587) for real mail.
if os.environ.get("EMAIL_URL"):
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST", ""),
                "port": _email.get("EMAIL_PORT") or 25,
                "username": _email.get("EMAIL_HOST_USER", ""),
                "password": _email.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(_email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
                "timeout": 10,
            },
        }
    }
elif os.environ.get("EMAIL_FILE_PATH"):
    # Each message written to a file in this folder (staging, and the reliability tests).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ["EMAIL_FILE_PATH"]},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "grants@safer-communities.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Files: uploads are private; they live outside any served URL and are only handed out
# through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Uploaded files over 2 MB are spooled to a temporary file, never held in memory; form
# fields are capped at 5 MB. Each file is limited to 10 MB (grants.uploads). A request body
# over MAX_REQUEST_BODY_BYTES (the largest file plus room for the form's other fields) is
# refused with 413 before any of it is read: by the proxy (deploy/Caddyfile, the same
# variable), then by the first middleware (Content-Length), then by the first upload
# handler (bodies that grow past it while being read). core.uploadlimits has the details.
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", 12 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploadlimits.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Virus scanning (core.scanning): clamd over a Unix socket (CLAMD_SOCKET) or TCP
# (CLAMD_TCP=host:port). With neither, uploads are not scanned and staff are told so.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_TCP = os.environ.get("CLAMD_TCP", "")
if CLAMD_TCP and not re.fullmatch(r"[\w.\-\[\]:]+:\d{1,5}", CLAMD_TCP):
    raise ImproperlyConfigured(f"CLAMD_TCP={CLAMD_TCP!r}: give host:port, like clamav:3310.")
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", 30))

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Accounts: email is the login, allauth does sign-up, verification and password reset.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:after-login"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",  # nosec B105  # form paths
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",  # nosec B105
    "change_password": "accounts.forms.ChangePasswordForm",  # nosec B105
    "set_password": "accounts.forms.SetPasswordForm",  # nosec B105
    "add_email": "accounts.forms.AddEmailForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SERVICE_NAME}: "
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# No "remember me" box: every session ends when the browser closes or after 8 hours.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff cannot turn their second factor off (accounts.adapter.MfaAdapter).
MFA_ADAPTER = "accounts.adapter.MfaAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = SERVICE_NAME
# A code typed as the app moves on to the next one still signs in (one 30-second step either
# side, as RFC 6238 advises for clock drift and typing time); each code still works once.
MFA_TOTP_TOLERANCE = 1
SESSION_COOKIE_AGE = 8 * 3600
# Sessions read from the cache (Redis with REDIS_URL), written through to the database so a
# cache restart signs nobody out: no session query on most staff pages (issue 18); with
# the cache down, sessions come from the database (core.sessions).
SESSION_ENGINE = "core.sessions"

# Sign-in security (issue 17; accounts.security, accounts.middleware, accounts.signin_throttle).
# Staff (any staff role, Django staff, superuser) must use a second factor (TOTP, with
# recovery codes) before any page but setting it up opens. Creating an API token, exporting
# victim-service data and changing bank details ask who it is again unless the person signed
# in or confirmed within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Idle timeout: signed out after this many seconds without a request (GOV.UK warning 2
# minutes before). Last activity is written to the session at most once a minute.
IDLE_TIMEOUT_STAFF = int(os.environ.get("IDLE_TIMEOUT_STAFF", 30 * 60))
IDLE_TIMEOUT_OTHERS = int(os.environ.get("IDLE_TIMEOUT_OTHERS", 2 * 3600))
IDLE_WARNING_BEFORE = 120
IDLE_ACTIVITY_RESOLUTION = 60
# Failed password sign-ins, counted in the cache (fails open, logged, with the cache down):
# an address with `ip_failures` failures in `window` seconds is refused; after
# `free_failures` failures for one account from one address each retry waits a doubling
# delay up to `max_delay` seconds; the owner is emailed once a window after `notice_after`
# failures from anywhere. The right password from any other address always signs in.
# (ACCOUNT_RATE_LIMITS["login_failed"] above now limits only second-factor codes.)
SIGNIN_THROTTLE = {
    "window": 15 * 60,
    "ip_failures": 20,
    "free_failures": 3,
    "max_delay": 5 * 60,
    "notice_after": 5,
}

# The REST API (/api/v1/, docs/api.md): people use their browser session (with CSRF),
# systems an API token (accounts.api_tokens). One error format (core.api.problems).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api_auth.HasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.TokenRateThrottle",
        "core.api.throttling.UserRateThrottle",
        "core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "EXCEPTION_HANDLER": "core.api.problems.problem_exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per minute. Counted in the cache (Redis with REDIS_URL); with the cache down the
# API serves without counting and logs a warning (core.api.throttling: fails open).
API_THROTTLE_RATES = {
    "token": int(os.environ.get("API_RATE_PER_TOKEN", 600)),
    "user": int(os.environ.get("API_RATE_PER_USER", 600)),
    "anon": int(os.environ.get("API_RATE_ANONYMOUS", 120)),
}
# A token's last-used time is written at most this often (seconds), not on every request.
API_TOKEN_LAST_USED_EVERY = 300
API_TOKEN_DEFAULT_DAYS = 90
# How long a stored Idempotency-Key answer is replayed (seconds).
API_IDEMPOTENCY_KEEP = 24 * 3600
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": (
        "Grants and commissioning over HTTP: the same rules as the web pages. Errors are "
        "RFC 9457 problem details (application/problem+json). See docs/api.md."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "grants.models.Application.Status",
        "RoundStatusEnum": "grants.models.Round.Status",
        "ReportKindEnum": "grants.models.MonitoringReport.Kind",
        "DocumentKindEnum": "grants.models.ApplicationDocument.Kind",
        "MonitoringStatusEnum": "commissioning.models.MonitoringReturn.Status",
        "ContractStatusEnum": "commissioning.models.Contract.Status",
        "MeasureKindEnum": "commissioning.models.Measure.Kind",
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Behind the proxy (docker-compose.yml, deploy/Caddyfile) gunicorn sees the proxy's address;
# the proxy sets X-Forwarded-For and X-Forwarded-Proto itself, replacing whatever a client
# sent. TRUSTED_PROXY_COUNT=1 (set by docker-compose.yml) makes the sign-in rate limits count
# each client rather than the proxy. Leave it 0 without a proxy, or clients could pick
# their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Content Security Policy, in every environment so a violation shows in development too:
# scripts and styles only from this site or carrying the request's nonce (`{{ csp_nonce }}`
# in templates), never inline otherwise, never framed. data: images are GOV.UK Frontend's
# (and Swagger UI's) inline SVG icons.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page of this service uses, refused for every page and anything it
# could embed (core.security.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Production hardening (what `manage.py check --deploy` asks for).
if not DEBUG:
    # HTTPS is decided by the proxy's X-Forwarded-Proto (gunicorn listens only to the proxy).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not env_bool("SECURE_HSTS_PRELOAD", False) else []


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message, plain `extra` values and any
    traceback), so a log collector needs no parsing rules. Also used by gunicorn's logs
    (deploy/gunicorn.conf.py)."""

    _RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in self._RECORD_FIELDS or key.startswith("_") or key in entry:
                continue
            if value is None or isinstance(value, str | int | float | bool):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Production logs are JSON lines on stdout (docker collects them); development keeps plain
# lines on stderr. LOG_FORMAT=plain or json overrides either.
LOG_FORMAT = (os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")).strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not a log format: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": JsonLinesFormatter},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Run in-process (no Redis), every task's success line and kombu's missing-broker
        # notice would bury `make run`'s own output; a real worker still logs them.
        **(
            {"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}}
            if CELERY_TASK_ALWAYS_EAGER
            else {}
        ),
    },
}
# Celery's worker and beat log through the handler above instead of replacing it with their
# own plain-text one.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
