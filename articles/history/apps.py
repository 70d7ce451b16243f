from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

APP_LABEL = "articles_history"


class HistoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles.history"
    label = APP_LABEL
    verbose_name = _("History")
