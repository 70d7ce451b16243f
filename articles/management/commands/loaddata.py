"""Django's loaddata, with errors that say what is wrong in a hand-written fixture.

Loading stays all-or-nothing (Django wraps it in one transaction); only the messages
change. Django defers a natural-key reference it cannot resolve, in case the target comes
later in the file, so a quote whose speaker does not exist reaches the database as a bare
NOT NULL failure; and a file that is not valid JSON is reported with an empty reason.

It also keeps loading out of the change history (see save_obj), fills in the created
and updated times a hand-written fixture leaves out (see fill_timestamps), and retires the
cached pages once, when the load commits, rather than once per row (see loaddata).

New rows are written in batches (see save_obj and flush): a row the deserializer knows is
new (articles.serialization.NaturalKeys.absent) is held back and inserted with the next
ones of its model, one INSERT for up to ``BATCH`` rows, and its many-to-many links with one
INSERT per link table. Nothing can tell the difference: each held row gets the raw save's
pre_save and post_save and each link set its m2m_changed, in fixture order, and every
query made during the load (the deserializer's lookups, Django's, a receiver's) is preceded
by writing the held rows, so that nothing reads the database without them.

On PostgreSQL a load that wrote many rows into a table has that table analysed as soon as
it commits (see refresh_statistics), so that the next reader's query is planned from its
new size and not from before it.
"""

import collections

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connections, models, router, transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils import timezone

from articles import serialization
from articles.caching import changes_on_commit


class Command(loaddata.Command):
    #: Rows held back before they are written: one INSERT each (fewer where the database
    #: takes fewer parameters a statement), and few enough that the NFC of their text is
    #: still remembered when they are written (articles.text.normalize).
    BATCH = 100

    #: PostgreSQL's own defaults for when autovacuum analyses a table (the
    #: autovacuum_analyze_threshold and _scale_factor settings): rows changed beyond both.
    ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR = 50, 0.1

    def handle(self, *fixture_labels, **options):
        self.written = collections.Counter()  # model: rows saved by this load
        super().handle(*fixture_labels, **options)
        self.refresh_statistics()

    def refresh_statistics(self):
        """ANALYZE, on PostgreSQL, each table this load wrote enough rows into, with its
        many-to-many link tables; the rule is autovacuum's own, applied at once.

        Autovacuum would analyse such a table too, but up to its naptime (a minute) later,
        and a table whose statistics still say it is empty is planned as if it were: the
        API's story list, 0.2 ms with statistics, scanned and sorted every published story
        without them (34 ms at 10,000 stories). Run after the load's transaction commits,
        when it does; inside an outer transaction (a test's) it sees that transaction's rows.
        """
        connection = connections[self.using]
        if connection.vendor != "postgresql" or not self.written:
            return
        tables = {model._meta.db_table: (model, rows) for model, rows in self.written.items()}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, GREATEST(reltuples, 0) FROM pg_class "
                "WHERE oid = ANY(%s::regclass[])",
                [list(tables)],
            )
            # What the last ANALYZE (or VACUUM, CREATE INDEX) counted: inserts do not move it.
            counted = dict(cursor.fetchall())
            stale = {}  # table names, in order, each once
            for table, (model, rows) in tables.items():
                if rows > self.ANALYZE_THRESHOLD + self.ANALYZE_SCALE_FACTOR * counted.get(
                    table, 0.0
                ):
                    stale[table] = None
                    for field in model._meta.local_many_to_many:
                        stale[field.remote_field.through._meta.db_table] = None
            for table in stale:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    def loaddata(self, fixture_labels):
        self.held = []  # DeserializedObjects of one model, not written yet
        self.writing = False
        connection = connections[self.using]
        # Django runs this inside the load's one transaction.
        token = serialization.write_held.set(self.flush)
        try:
            with changes_on_commit(self.using), connection.execute_wrapper(self._flush_first):
                super().loaddata(fixture_labels)
        finally:
            serialization.write_held.reset(token)

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
        self.written[type(obj.object)] += 1
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
        if self._may_hold(obj):
            if self.held and type(self.held[0].object) is not type(obj.object):
                self.flush()
            self.models.add(type(obj.object))
            self.held.append(obj)
            if len(self.held) >= self.BATCH:
                self.flush()
            return True
        self.flush()
        if not getattr(obj, "new", False):
            return super().save_obj(obj)
        return self._save_new(obj)

    def _save_new(self, obj):
        # A row the deserializer knows is new has no links yet: Django's set() would read
        # them first, one query per field, empty ones included; add() only what there is.
        links, obj.m2m_data = obj.m2m_data, None
        saved = super().save_obj(obj)
        if saved:
            for accessor, values in (links or {}).items():
                if values:
                    getattr(obj.object, accessor).add(*values)
        return saved

    def _may_hold(self, obj):
        """Whether ``obj`` can wait to be written with others (see flush)."""
        model = type(obj.object)
        meta = model._meta
        if not (
            getattr(obj, "new", False)
            and not obj.deferred_fields
            and connections[self.using].features.can_return_rows_from_bulk_insert
            and meta.auto_field is not None
            and meta.pk is meta.auto_field
            and not (meta.parents or meta.proxy or meta.order_with_respect_to)
            and meta.app_config not in self.excluded_apps
            and model not in self.excluded_models
            and router.allow_migrate_model(self.using, model)
        ):
            return False
        # Links through a model of its own (not auto-created) are left to its manager.
        return all(
            meta.get_field(name).remote_field.through._meta.auto_created
            for name in obj.m2m_data or ()
        )

    def _flush_first(self, execute, sql, params, many, context):
        if self.held and not self.writing:
            self.flush()
        return execute(sql, params, many, context)

    def flush(self):
        """Write the rows held back, as their raw saves would have, in order.

        A failure is reported the usual way: the rows are then saved one by one, so that
        Django's message names the row at fault.
        """
        if not self.held or self.writing:
            return
        held, self.held = self.held, []
        self.writing = True
        try:
            try:
                with transaction.atomic(using=self.using):
                    self._insert(held)
            except (DatabaseError, IntegrityError, ValueError):
                for obj in held:
                    obj.object.pk = None
                    obj.object._state.adding = True
                    self._save_new(obj)
        finally:
            self.writing = False

    def _insert(self, held):
        model = type(held[0].object)
        meta = model._meta
        connection = connections[self.using]
        objects = [obj.object for obj in held]
        fields = [f for f in meta.local_concrete_fields if not f.generated and not f.primary_key]
        returning = meta.db_returning_fields
        for instance in objects:
            pre_save.send(
                sender=model, instance=instance, raw=True, using=self.using, update_fields=None
            )
        size = max(connection.ops.bulk_batch_size(fields, objects), 1)
        manager = model._base_manager
        for start in range(0, len(objects), size):
            part = objects[start : start + size]
            rows = manager._insert(
                part, fields=fields, returning_fields=returning, raw=True, using=self.using
            )
            for instance, values in zip(part, rows, strict=True):
                for field, value in zip(returning, values, strict=True):
                    setattr(instance, field.attname, value)
        for instance in objects:
            instance._state.adding = False
            instance._state.db = self.using
            post_save.send(
                sender=model,
                instance=instance,
                created=True,
                update_fields=None,
                raw=True,
                using=self.using,
            )
        self._insert_links(held)

    def _insert_links(self, held):
        """Add the held rows' many-to-many links, one INSERT per link table (the rows are
        new: there is nothing to read first), with ``add()``'s m2m_changed signals."""
        meta = held[0].object._meta
        for name in {name: None for obj in held for name in obj.m2m_data or ()}:
            field = meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name())
            target_field = target.target_field
            added = []
            for obj in held:
                ids = {target_field.get_prep_value(v): None for v in obj.m2m_data.get(name) or ()}
                if ids:
                    added.append((obj.object, ids))
            signal = {
                "sender": through,
                "reverse": False,
                "model": field.related_model,
                "using": self.using,
            }
            for instance, ids in added:
                m2m_changed.send(action="pre_add", instance=instance, pk_set=set(ids), **signal)
            through._base_manager.using(self.using).bulk_create(
                [
                    through(**{source: instance.pk, target.attname: pk})
                    for instance, ids in added
                    for pk in ids
                ]
            )
            for instance, ids in added:
                m2m_changed.send(action="post_add", instance=instance, pk_set=set(ids), **signal)

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
