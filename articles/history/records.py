"""simple-history's HistoricalRecords, able to version taggit tags as well.

Tags are links like an article's people and sources, and "every change is kept" covers them:
each version of an article, person or quote holds its tags, diffs show them, and restoring a
version brings them back. simple-history versions a ManyToManyField named in ``m2m_fields``
(it listens to ``m2m_changed``, which taggit's manager sends too, and snapshots the link
rows); it finds such a field through the model's class attribute (``Article.people.field``),
which taggit's field, its own descriptor, does not have. Looking fields up in ``_meta``
instead finds both kinds. The other method it needs is on articles.fields.TaggableManager.
"""

from simple_history.models import HistoricalRecords as SimpleHistoricalRecords


class HistoricalRecords(SimpleHistoricalRecords):
    def get_m2m_fields_from_model(self, model):
        names = [field if isinstance(field, str) else field.name for field in self.m2m_fields]
        return [model._meta.get_field(name) for name in names]
