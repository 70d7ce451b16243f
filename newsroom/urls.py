from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.media import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language: the readers' language switcher posts here (a cookie; works without JS).
    path("i18n/", include("django.conf.urls.i18n")),
    # The public, read-only content API (articles/api/), namespace "api".
    path("api/v1/", include("articles.api.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Photographs from MEDIA_ROOT, with DEBUG on or off (see articles/media.py).
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media")
    )
