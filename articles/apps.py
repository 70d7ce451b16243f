from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from articles.lookups import install_sqlite_fold

        connection_created.connect(install_sqlite_fold, dispatch_uid="articles.sqlite_fold")
