"""Versions the desk records itself, where simple-history's own would be wrong or missing.

simple-history records a version on every ``save()`` and on every change to a versioned
link (people, sources, tags) made through its manager. Three things need more:

* An admin save writes the object, then its links, then its inlines; left alone,
  simple-history would record one version per step, and only the first would carry the
  correction note. The desk admin records one version once everything is saved
  (articles.admin.desk.DeskHistoryAdmin).
* Bulk tagging and tag merges write link rows in bulk, which sends no signal: every item
  they change gets a version here (articles.tags).
* Rows that arrived without a save (``loaddata``, which the seed uses, saves raw and skips
  history) have no version; before their first edit their stored state is recorded as a
  baseline, so that the edit shows its diff.

Every function here costs a constant number of queries, whatever the number of rows: one
insert for the versions and, per versioned link field, one read and one insert.
"""

from django.utils.translation import gettext
from simple_history import utils
from simple_history.models import HistoricalRecords


def record_versions(objs, *, reason="", user=None, created=False):
    """Record the stored state of ``objs`` (saved instances of one model, with history) as
    a new version each, links included. Returns the new historical records.

    ``reason`` is the change reason unless an object carries its own ``_change_reason``;
    ``user`` is who made the change (None: nobody, e.g. a command). ``created`` marks the
    versions as creations ("+") rather than changes ("~").
    """
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    for obj in objs:
        # bulk_history_create would otherwise ask the request (the middleware) for a user.
        if not hasattr(obj, "_history_user"):
            obj._history_user = user
    records = model.history.bulk_history_create(
        objs, default_user=user, default_change_reason=reason, update=not created
    )
    _record_links(model, records)
    return records


def _record_links(model, records):
    """Copy the current link rows of each versioned many-to-many field into ``records``,
    as simple-history itself does on save."""
    pk_name = model._meta.pk.attname
    by_object = {getattr(record, pk_name): record for record in records}
    for field in model.history.model._history_m2m_fields:
        m2m_history_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        owner = through._meta.get_field(utils.get_m2m_field_name(field)).attname
        columns = [f.attname for f in through._meta.fields]
        links = through._default_manager.filter(**{f"{owner}__in": list(by_object)})
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(
                    history=by_object[getattr(link, owner)],
                    **{column: getattr(link, column) for column in columns},
                )
                for link in links.order_by("pk")
            ]
        )


def ensure_baselines(model, pks):
    """Record the stored state of each ``model`` row in ``pks`` that has no version yet as
    its first version, dated when the row was last updated (or now, for a model without
    ``updated_at``) and attributed to nobody.
    Returns the new historical records (none if every row has a version already)."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return []
    pk_name = model._meta.pk.attname
    versioned = set(model.history.filter(**{f"{pk_name}__in": pks}).values_list(pk_name, flat=True))
    stored = list(model._default_manager.filter(pk__in=[pk for pk in pks if pk not in versioned]))
    for obj in stored:
        # A model that keeps no update time (Affiliation) has its baseline dated now.
        if hasattr(obj, "updated_at"):
            obj._history_date = obj.updated_at
    return record_versions(
        stored, reason=gettext("as stored before the first edit"), user=None, created=True
    )


def ensure_baseline(model, pk):
    """:func:`ensure_baselines` for one row: its new first version, or None."""
    records = ensure_baselines(model, [pk])
    return records[0] if records else None
