from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language: the readers' language switcher posts here (a cookie; works without JS).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("articles.urls")),
]
