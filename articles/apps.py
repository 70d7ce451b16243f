from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from articles.caching import content_changed
        from articles.lookups import install_sqlite_fold

        connection_created.connect(install_sqlite_fold, dispatch_uid="articles.sqlite_fold")
        # Every write to content retires every cached page (articles/caching.py): each model
        # of this app, the tag links and m2m tables included, loaddata's raw saves too.
        for model in self.get_models(include_auto_created=True):
            uid = f"articles.caching.{model._meta.label_lower}"
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}.delete")
            m2m_changed.connect(content_changed, sender=model, dispatch_uid=f"{uid}.m2m")
        # A deploy (migrate) may change what pages show with no row written.
        post_migrate.connect(content_changed, sender=self, dispatch_uid="articles.caching.migrate")
