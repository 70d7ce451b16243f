"""Django's loaddata, with errors that say what is wrong in a hand-written fixture.

Loading stays all-or-nothing (Django wraps it in one transaction); only the messages
change. Django defers a natural-key reference it cannot resolve, in case the target comes
later in the file, so a quote whose speaker does not exist reaches the database as a bare
NOT NULL failure; and a file that is not valid JSON is reported with an empty reason.

It also keeps loading out of the change history (see save_obj), fills in the created
and updated times a hand-written fixture leaves out (see fill_timestamps), and retires the
cached pages once, when the load commits, rather than once per row (see loaddata).
"""

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import models
from django.utils import timezone

from articles.caching import changes_on_commit


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        # Django runs this inside the load's one transaction.
        with changes_on_commit(self.using):
            super().loaddata(fixture_labels)

    def load_label(self, fixture_label):
        try:
            super().load_label(fixture_label)
        except DeserializationError as error:
            cause = error.__cause__
            if cause is not None and str(cause) not in str(error):
                error.args = (f"{error.args[0]}{cause}",)
            raise

    def save_obj(self, obj):
        # A raw save records no version, but Django then sets the object's many-to-many
        # links (an article's people and sources) through their managers, and
        # simple-history would version each step: partial versions of a half-loaded row.
        # Loaded rows get one whole baseline version before their first edit instead
        # (articles.history.versions.ensure_baselines).
        obj.object.skip_history_when_saving = True
        self.fill_timestamps(obj.object)
        for field, key in obj.deferred_fields.items():
            required = field.many_to_one and not field.null
            # A target saved earlier in this load would have been found already, so an
            # unresolved required reference can only be a missing row.
            if required and not self._exists(field.related_model, key):
                raise DeserializationError(
                    f"{obj.object._meta.label} refers to {field.name} {key!r}, but no "
                    f"{field.related_model._meta.label} has that natural key."
                )
        if not getattr(obj, "new", False):
            return super().save_obj(obj)
        # A row the deserializer knows is new has no links yet: Django's set() would read
        # them first, one query per field, empty ones included; add() only what there is.
        links, obj.m2m_data = obj.m2m_data, None
        saved = super().save_obj(obj)
        if saved:
            for accessor, values in (links or {}).items():
                if values:
                    getattr(obj.object, accessor).add(*values)
        return saved

    def fill_timestamps(self, instance):
        """Give ``instance`` the ``auto_now``/``auto_now_add`` times its fixture left out.

        loaddata saves raw, so Django fills in neither, and the row would fail NOT NULL.
        A new row gets the time of loading. A row already in the database keeps its created
        time, and its updated time too unless the fixture changes one of its fields: loading
        the same fixture again changes nothing, and a changed row is seen as changed (the
        linked-body cache is keyed on ``updated_at``). Times the fixture gives are kept.
        """
        missing = [
            field
            for field in instance._meta.concrete_fields
            if isinstance(field, models.DateField)
            and (field.auto_now or field.auto_now_add)
            and getattr(instance, field.attname) is None
        ]
        if not missing:
            return
        model = type(instance)
        stored = None
        if instance.pk is not None:
            stored = model._base_manager.db_manager(self.using).filter(pk=instance.pk).first()
        unchanged = stored is not None and all(
            getattr(instance, field.attname) == getattr(stored, field.attname)
            for field in model._meta.concrete_fields
            if field not in missing
            and not field.primary_key
            and not (isinstance(field, models.DateField) and field.auto_now)
        )
        now = timezone.now()
        for field in missing:
            if stored is not None and (field.auto_now_add or unchanged):
                value = getattr(stored, field.attname)
            else:
                value = now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
            setattr(instance, field.attname, value)

    def _exists(self, model, key):
        manager = model._default_manager.db_manager(self.using)
        try:
            manager.get_by_natural_key(*key)
        except model.DoesNotExist:
            return False
        return True
