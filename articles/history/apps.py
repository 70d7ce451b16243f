from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

APP_LABEL = "articles_history"


class HistoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles.history"
    label = APP_LABEL
    verbose_name = _("History")

    def ready(self):
        from articles.roles import sync_groups_after_migrate

        # Sent for this app after the articles app (INSTALLED_APPS order), once the
        # permissions of both exist: the desk's groups get every permission they should.
        post_migrate.connect(sync_groups_after_migrate, sender=self)
