"""Settings for the diplomatic readouts database, read from the environment.

Variables: DATABASE_URL, DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DJANGO_CONN_MAX_AGE, DJANGO_HTTPS, DJANGO_HSTS_SECONDS, DJANGO_CSRF_TRUSTED_ORIGINS,
DJANGO_BEHIND_PROXY, DJANGO_LOG_LEVEL, DJANGO_SECRET_KEY_FILE, READOUTS_LOGIN_REQUIRED,
READOUTS_CACHE_URL.
See README.md ("Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
LOCAL_SECRET_KEY = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", BASE_DIR / ".secret-key"))
if not SECRET_KEY and LOCAL_SECRET_KEY.is_file():
    # A key of this checkout's own, made by `make run` (readable by its owner only, never
    # committed), so that the README's manage.py commands work without setting one.
    SECRET_KEY = LOCAL_SECRET_KEY.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=1 (as `make run` does)."
        )
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

# Local addresses only unless the deployment names its hosts.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "readouts",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Public pages from the cache, by the data version (readouts/caching.py).
    "readouts.caching.PublicPageCache",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "readouts.middleware.ContentSecurityPolicy",
    "readouts.middleware.BusyDatabase",
    # Last, as django-axes asks: answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diplomacy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "diplomacy.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database,
# e.g. postgres://user@127.0.0.1:5432/readouts (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A write waits at most this long for a row another transaction holds (a long load
    # changing the same record): then the page says nothing was saved and to try again,
    # well before the web server would give up on the request (30 s).
    # No JIT compilation: a page's queries run for milliseconds, and compiling one whose
    # estimated cost passes jit_above_cost took 40 to 60 ms of its own (bench/pages.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c lock_timeout=20s -c jit=off"
DATABASE_ROUTERS = ["readouts.routers.DatabaseViews"]

# Rendered public pages ("pages") and values worked out once per version, such as the
# topics' meeting counts ("default") (readouts/caching.py): this process's memory unless
# READOUTS_CACHE_URL names a cache several web processes share, e.g.
# redis://127.0.0.1:6379/1 (Django's own Redis backend).
# READOUTS_CACHE_URL=off keeps no pages (to measure the pages uncached); the values are
# still kept in this process's memory.
CACHE_URL = os.environ.get("READOUTS_CACHE_URL", "")
MEMORY = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
if CACHE_URL == "off":
    CACHES = {
        "default": MEMORY,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
elif CACHE_URL:
    SHARED = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    CACHES = {"default": SHARED, "pages": SHARED}
else:
    CACHES = {"default": MEMORY, "pages": {**MEMORY, "LOCATION": "pages"}}

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses them for a while after too many (below).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with hashed names, served by WhiteNoise (after collectstatic).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# HTTPS in production: redirects, secure cookies, HSTS. DJANGO_HTTPS=0 turns them
# off for a production-like run over plain HTTP on this machine only.
HTTPS = not DEBUG and env_bool("DJANGO_HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    # The proxy in front terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Pages and the admin load scripts, styles, images and fonts from this site only.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # One inline style attribute is allowed, by its hash: django-simple-history's
    # history list writes style="border-top: 0".
    "style-src": [
        "'self'",
        "'unsafe-hashes'",
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Sign-in attempts: after 5 failures for one account, or from one address, sign-ins are
# refused for 10 minutes (an analyst who mistypes is held up briefly, a guesser for long
# enough). A successful sign-in clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "readouts.middleware.client_address"
AXES_LOCKOUT_TEMPLATE = "readouts/locked_out.html"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where `load_readouts` reads from when given no path.
READOUTS_FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# When on, every page asks for a signed-in user (the admin's sign-in page).
READOUTS_LOGIN_REQUIRED = env_bool("READOUTS_LOGIN_REQUIRED")
if READOUTS_LOGIN_REQUIRED:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    )
LOGIN_URL = "admin:login"
# After signing in with no (or a refused) page to return to: the home page.
LOGIN_REDIRECT_URL = "readouts:home"

# The read-only JSON API under /api/ (readouts/api/). JSON only: the API's pages are
# kept by the page cache by address alone, so one address must always give the same
# format; Swagger UI (/api/docs/) is the page to browse it with.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # A signed-in reader (the admin's session) reads what READOUTS_LOGIN_REQUIRED hides.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["readouts.api.permissions.ReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["readouts.api.filtering.PageFilters"],
    "DEFAULT_PAGINATION_CLASS": "readouts.api.pagination.KeysetPagination",
    "EXCEPTION_HANDLER": "readouts.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Diplomatic readouts API",
    "DESCRIPTION": "Read-only: meetings, participants, topics, publishers, readouts and "
    "statements, with the list pages' filters and cursor pagination.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["readouts.api.permissions.ReadOnly"],
    # Swagger UI's files from the drf-spectacular-sidecar package, served as this site's
    # own static files: the Content-Security-Policy allows scripts from the site only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A meeting's kind and a record's kind are different choices: each its own name.
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "readouts.models.MeetingKind",
        "RecordKindEnum": "readouts.models.RecordKind",
        "RecordSourceEnum": "readouts.models.RecordSource",
    },
}

# Errors, with their tracebacks, go to standard error, which is the server's log
# (gunicorn's under `make serve`); Django's default would mail them to ADMINS instead.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
