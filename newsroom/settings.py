"""Settings for the newsroom project.

One module, configured by environment variables (each is documented in README.md):
DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, DB_POOL, STATIC_ROOT.
"""

import os
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
    "django.contrib.admin",
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
    "articles",
    "articles.history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers for /api/ only (CORS_URLS_REGEX), before anything that may answer.
    "corsheaders.middleware.CorsMiddleware",
    # 304 for a matching If-None-Match / If-Modified-Since (ETags: articles/caching.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Admin language from the language cookie or Accept-Language; the readers' site from
    # the cookie only (Hindi until the reader chooses English): see articles/i18n.py.
    "articles.i18n.ReaderLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whole public pages for anonymous readers, invalidated on every write (articles/caching.py).
    "articles.caching.PageCacheMiddleware",
    # Records who made each change in the admin's history (after authentication).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the final 404: old article/person/tag slugs redirect to the new ones.
    "articles.middleware.SlugRedirectFallbackMiddleware",
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
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
    # Behind a proxy, set API_NUM_PROXIES so the rate limit sees the client's address.
    "NUM_PROXIES": (
        int(os.environ["API_NUM_PROXIES"]) if os.environ.get("API_NUM_PROXIES") else None
    ),
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
