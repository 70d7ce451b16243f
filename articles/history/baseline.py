"""A first version for rows that have none, so that the first edit shows its diff.

simple-history records a version on every save, but rows that arrive without a save
(``loaddata``, which the seed uses, saves "raw" and skips history) have no version yet;
their first edit would then be listed with nothing to compare against. Before such an
edit, the desk records the stored state as the baseline version.
"""

from django.utils.translation import gettext
from simple_history import utils
from simple_history.models import HistoricalRecords


def ensure_baseline(model, pk):
    """Record the stored state of ``model`` row ``pk`` as its first version, unless it has
    versions already. Returns the new historical record, or None."""
    history = model.history
    if pk is None or history.filter(**{model._meta.pk.attname: pk}).exists():
        return None
    stored = model._default_manager.filter(pk=pk).first()
    if stored is None:
        return None
    [record] = history.bulk_history_create(
        [stored],
        default_change_reason=gettext("as stored before the first edit"),
        default_date=getattr(stored, "updated_at", None),
    )
    # The versioned many-to-many links (an article's people and sources), as simple-history
    # itself records them on save.
    for field in record._history_m2m_fields:
        m2m_history_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        names = [f.name for f in through._meta.fields]
        links = through.objects.filter(**{utils.get_m2m_field_name(field): stored})
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(history=record, **{name: getattr(link, name) for name in names})
                for link in links
            ]
        )
    return record
