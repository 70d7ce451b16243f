"""Settings for the newsroom project.

One module, configured by environment variables (each is documented in README.md):
DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, DB_POOL, STATIC_ROOT.

Security (the "Security" block below; README, "Security"): SECURE_COOKIES (secure session
and CSRF cookies, and with them the redirect to HTTPS), SECURE_SSL_REDIRECT,
SECURE_PROXY_SSL_HEADER, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS,
SECURE_HSTS_PRELOAD, CSRF_TRUSTED_ORIGINS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


DEBUG = env_bool("DEBUG")

# Left empty when unset and DEBUG is off: Django then refuses, with its own clear error,
# anything that signs (sessions, CSRF), while key-free commands (migrate, check,
# makemigrations) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # The admin with the desk's site class (logins, two-step verification: articles/adminsite.py).
    "articles.adminsite.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "imagekit",
    # The public content API under /api/v1/ (articles/api/): read-only, OpenAPI-described.
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    # Logins (issue 13): failed-login throttling, and TOTP second factors (articles/logins.py).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The Content-Security-Policy's system checks (the middleware is in MIDDLEWARE).
    "csp",
    "articles",
    "articles.history",
]

MIDDLEWARE = [
    # Security headers on every answer, static files and cached pages included (they sit
    # outside WhiteNoise and the page cache): nosniff, HSTS, Referrer-Policy, COOP, the
    # HTTPS redirect (SecurityMiddleware); the Content-Security-Policy (django-csp); the
    # Permissions-Policy (django-permissions-policy). See "Security" below.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers for /api/ only (CORS_URLS_REGEX), before anything that may answer.
    "corsheaders.middleware.CorsMiddleware",
    # 304 for a matching If-None-Match / If-Modified-Since (ETags: articles/caching.py).
    "django.middleware.http.ConditionalGetMiddleware",
    # Stored public pages for readers with no session or language cookie, answered before
    # the session, locale, CSRF and auth middleware they do not need; inside the header-adding
    # middleware above, so a stored page carries the same headers (articles/caching.py).
    "articles.caching.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Admin language from the language cookie or Accept-Language; the readers' site from
    # the cookie only (Hindi until the reader chooses English): see articles/i18n.py.
    "articles.i18n.ReaderLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Whole public pages for anonymous readers, invalidated on every write (articles/caching.py).
    "articles.caching.PageCacheMiddleware",
    # Records who made each change in the admin's history (after authentication).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the final 404: old article/person/tag slugs redirect to the new ones.
    "articles.middleware.SlugRedirectFallbackMiddleware",
    # Turns a login refused by django-axes into the lockout page (articles/logins.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Unset DATABASE_URL means the embedded SQLite file: zero set-up for a desk of one machine.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several editors saving at once: WAL lets readers and one writer work together,
    # IMMEDIATE takes the write lock at BEGIN (no deadlocking lock upgrade) and the
    # timeout makes writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
# Database outage (issue 13, h5): a PostgreSQL that is down or unreachable must fail a
# request within seconds (a 503 page, articles/health.py), long before gunicorn's 30 s
# timeout kills the worker. Connection refused is immediate; this bounds an unreachable host.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# DB_POOL=N: psycopg's connection pool (Django's "pool" option), up to N connections per
# process, for threaded workers; off by default (a sync worker keeps its one connection for
# CONN_MAX_AGE). Pooling across app servers is PgBouncer's job: README, "Running at scale".
if os.environ.get("DB_POOL"):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DB_POOL needs PostgreSQL (DATABASE_URL=postgres://…).")
    # Django refuses persistent connections with a pool: the pool keeps them instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ["DB_POOL"]),
        # Below gunicorn's 30 s timeout: with the database down a request waits this long
        # for a connection, then answers 503 (articles/health.py).
        "timeout": 10,
        # Each connection is checked as it leaves the pool (psycopg's check_connection, which
        # Django sets because CONN_HEALTH_CHECKS is on): after a PostgreSQL restart the idle
        # ones are dead, and are replaced instead of failing a request.
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (issue 13; README, "Security"). django-axes refuses a login before any password
# is hashed once an account, or an address, has AXES_FAILURE_LIMIT failures within the
# cool-off: each counts on its own, so guessing many passwords for one account from many
# addresses, or one password for many accounts from one address, is stopped alike.
AUTHENTICATION_BACKENDS = [
    "articles.logins.ThrottlingBackend",  # axes' AxesStandaloneBackend
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# A refused attempt does not extend the lock, so the time the lockout page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "articles.logins.lockout_response"
# Lockouts are listed and lifted with `manage.py axes_reset`, not in the desk's admin.
AXES_ENABLE_ADMIN = False
# Behind NUM_PROXIES proxies (nginx alone: 1) the client is read from X-Forwarded-For as
# the API's rate limit reads it (articles.logins.client_address); unset, the connection's
# own address. One setting for both: they must agree on who the client is.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES") or 0)
AXES_CLIENT_IP_CALLABLE = "articles.logins.client_address"
# Desk accounts may add a TOTP second factor; OTP_REQUIRED_FOR_EDITORS makes Editors and
# superusers set one up before anything else in the admin.
OTP_REQUIRED_FOR_EDITORS = env_bool("OTP_REQUIRED_FOR_EDITORS")
# The issuer an authenticator app shows beside the code: the newsroom (read when shown).
OTP_TOTP_ISSUER = lambda device: NEWSROOM_NAME  # noqa: E731
# The admin's address (e.g. "desk-7f3a/"): a relative path ending in a slash.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must not be empty: the admin needs a path of its own.")

LANGUAGE_CODE = "hi"
LANGUAGES = [("hi", "हिन्दी"), ("en", "English")]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True
# Highest precedence first, and above every app's catalogue: the articles catalogue is
# listed so its Hindi for the admin (Django's own Hindi is incomplete) wins over Django's.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "articles" / "locale"]
# Day-first Hindi date-times (Django's hi locale leaves them to its American defaults).
FORMAT_MODULE_PATH = ["newsroom.formats"]

# The cache holds rendered article bodies with their people linked (articles/linking.py).
# Per-process memory by default; with REDIS_URL (redis://host:6379/0) every worker shares one.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Redis down or unreachable is a cache miss within seconds, never a hung worker
            # (h5; articles/cache_errors.py serves the page uncached). Not shorter: a write
            # that times out on a busy machine is dropped, and a content generation with it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The page cache (articles/caching.py): whole public pages for anonymous readers, in the
# cache above, for at most PAGE_CACHE_SECONDS and never past the next scheduled story. With
# per-process memory the content generation is a file every worker of this machine reads.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_GENERATION_FILE = Path(
    os.environ.get("PAGE_CACHE_GENERATION_FILE") or BASE_DIR / ".page-cache-generation"
)
# Cache-Control of public pages: browsers keep them PAGE_MAX_AGE seconds, shared caches (a
# CDN) PAGE_S_MAXAGE, and may serve them PAGE_STALE_WHILE_REVALIDATE more while refreshing.
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))
PAGE_S_MAXAGE = int(os.environ.get("PAGE_S_MAXAGE", "300"))
PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_STALE_WHILE_REVALIDATE", "60"))

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded photographs and their renditions (articles/images.py) live in the default
# storage. A real prefix keeps the test server's media handler off article URLs.
MEDIA_URL = os.environ.get("MEDIA_URL") or "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# The site serves MEDIA_ROOT itself (articles/media.py: JPEG, PNG and WebP only, nosniff)
# whenever the files are on this machine; a deployment on object storage serves them there.
SERVE_MEDIA = env_bool(
    "SERVE_MEDIA",
    STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage",
)
# Renditions are made when an image is saved (articles.images.make_renditions), never
# while a page is rendered: the Optimistic strategy lets a page ask for a URL with no
# existence check, no cache lookup and no generation.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
# ImageKit's own backend, with its rendition states kept in a cache whose errors are misses:
# a photograph can be saved with Redis down (h5, articles/cache_errors.py).
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "articles.cache_errors.ImageKitCacheFileBackend"
IMAGEKIT_CACHEFILE_DIR = "renditions"
# Upload limits (articles/images.py): larger files are refused with a message.
IMAGE_MAX_BYTES = 40 * 1024 * 1024

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# JSON fixtures read as Django reads them, with clearer errors (articles/serialization.py).
SERIALIZATION_MODULES = {"json": "articles.serialization"}

TAGGIT_CASE_INSENSITIVE = True

# The publisher named in JSON-LD, feeds and the Google News sitemap.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Newsroom")
NEWSROOM_URL = os.environ.get("NEWSROOM_URL", "")

# Security (issue 13; README, "Security") ------------------------------------------------
# `manage.py check --deploy --fail-level WARNING` passes with DEBUG off and the defaults
# below (articles/tests/test_security.py runs it). The one switch for a production-mode
# trial over plain HTTP on this machine (`make serve` on loopback, the two-server test,
# `make bench`) is SECURE_COOKIES=0: cookies without `Secure`, and no redirect to HTTPS.
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain HTTP is answered with a redirect to HTTPS. Behind nginx the app sees HTTPS through
# X-Forwarded-Proto: gunicorn believes it from FORWARDED_ALLOW_IPS; any other server needs
# SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", not DEBUG and env_bool("SECURE_COOKIES", True)
)
# A load balancer's health check may come over plain HTTP straight to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# SECURE_PROXY_SSL_HEADER=1 trusts X-Forwarded-Proto: https; a META name
# (HTTP_X_FORWARDED_SSL) trusts that header instead. Only behind a proxy that replaces the
# header: otherwise any client could claim HTTPS.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header and _proxy_ssl_header.lower() not in {"0", "false", "no", "off"}:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_X_FORWARDED_PROTO"
        if _proxy_ssl_header.lower() in {"1", "true", "yes", "on"}
        else _proxy_ssl_header.upper(),
        "https",
    )
# HSTS (sent on HTTPS answers only): a year when DEBUG is off. Start a new deployment with
# SECURE_HSTS_SECONDS=300 until HTTPS is known to work; browsers remember the header.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# No page script reads a cookie (the admin takes the CSRF token from its forms).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Origins (scheme and host) allowed to POST besides the site's own Host, comma-separated:
# https://desk.example.in when a proxy rewrites the Host.
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Only the site's origin leaves with a link to another site, never a path or a search.
# Previews and share links send no Referer at all (articles/views.py).
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Pages have no inline script or style (articles/tests/test_quality.py checks every page
# type), so the policy needs neither 'unsafe-inline' nor nonces, and whole cached pages stay
# valid. Photographs come from MEDIA_URL's origin when it is another one (a CDN).
_media_origin = (
    "/".join(MEDIA_URL.split("/")[:3]) if MEDIA_URL.startswith(("https://", "http://")) else None
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *([_media_origin] if _media_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page of the site uses, switched off for it and for anything
# it could ever embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
# Request limits, deliberate: a form body (an article with all its inlines is well under
# 1 MB) of at most 5 MB and 4,000 fields; beyond either Django answers 400 before any view
# runs. Photographs are files, not in that count: each is refused above IMAGE_MAX_BYTES by
# its form, and nginx refuses a bigger request with 413 (client_max_body_size,
# newsroom/nginx.conf.example). Uploads above 2.5 MB go to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The content API (articles/api/): public, read-only, anonymous. No authentication, so a
# request never touches the session (no Vary: Cookie, and CDNs may cache the answers).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["articles.api.throttling.AnonRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "articles.api.http.exception_handler",
    # Devanagari as UTF-8 in the JSON, never \u escapes (DRF's default, stated).
    "UNICODE_JSON": True,
    # Behind a proxy, NUM_PROXIES (above) so the rate limit sees the client's address.
    "NUM_PROXIES": NUM_PROXIES or None,
}
# Requests per client address for anonymous use of the API ("120/min", "5000/hour", …),
# counted in the default cache (Redis shares the count between workers).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom content API",
    "DESCRIPTION": (
        "The newsroom's public record as data: stories, people, organisations, quotes "
        "(with the speaker's role on the day and the chain of sources behind each), "
        "sources, tags, sections and corrections. Read-only and anonymous; only what the "
        "site itself publishes."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "QuoteKindEnum": "articles.models.Quote.Kind",
        "SourceKindEnum": "articles.models.Source.Kind",
        "OrganisationKindEnum": "articles.models.Organisation.Kind",
        "CorrectionKindEnum": "articles.models.Correction.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.add_common_responses",
    ],
}
# CORS: anyone may read the API from a browser; it has nothing to write and no cookies.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
