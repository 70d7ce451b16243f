from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles import health, i18n
from articles.media import serve_media

urlpatterns = [
    # ADMIN_URL (default "admin/"): everything else finds the admin by reverse("admin:…").
    path(settings.ADMIN_URL, admin.site.urls),
    # The old language switcher's form: redirects to the page in the chosen language.
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    # The public, read-only content API (articles/api/), namespace "api".
    path("api/v1/", include("articles.api.urls")),
    # For load balancers: the database's and the cache's state (articles/health.py).
    path("healthz", health.healthz, name="healthz"),
]
# The database down is a 503 page in the site's design, not a 500 (articles/health.py).
handler500 = "articles.health.server_error"
# The readers' site: the URL decides the interface language (articles/i18n.py): Hindi
# unprefixed, English under /en/. Feeds and sitemaps come in both, like every page.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)

if settings.SERVE_MEDIA:
    # Photographs from MEDIA_ROOT, with DEBUG on or off (see articles/media.py).
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media")
    )
