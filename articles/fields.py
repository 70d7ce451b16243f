"""Model fields that keep Devanagari text and slugs correct in the database.

Normalisation lives in the field rather than in Model.save() or a signal because
``loaddata`` saves raw: it skips save() and pre_save(), but never get_prep_value().
"""

import taggit.managers
from django import forms
from django.db import models

from articles.text import normalize, validate_slug


class NFCMixin:
    """Store text NFC-normalised, and normalise lookup values the same way."""

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = normalize(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize(value) if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if isinstance(value, str) else value


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    pass


class SlugField(NFCMixin, models.SlugField):
    """A slug that may hold whole Devanagari words (vowel signs, virama and nukta included).

    Django's own unicode slug validator uses ``\\w``, which excludes combining marks,
    so it rejects मृणांक-शर्मा and accepts the mangled मणक-शरम; ours is the opposite.
    """

    default_validators = [validate_slug]

    def __init__(self, *args, **kwargs):
        # With allow_unicode=True, SlugField.__init__ would install validate_unicode_slug.
        kwargs.pop("allow_unicode", None)
        super().__init__(*args, **kwargs)
        self.allow_unicode = True

    def formfield(self, **kwargs):
        # forms.SlugField would add Django's \w-based validator back.
        return models.CharField.formfield(self, **{"form_class": forms.CharField, **kwargs})


class TaggableManager(taggit.managers.TaggableManager):
    """taggit's tag field, plus the one ManyToManyField method simple-history needs to
    version tag links like any other many-to-many (see articles.history.records).

    Every link table here (ArticleTag, PersonTag, QuoteTag) points at its tagged object
    through ``content_object``.
    """

    def m2m_field_name(self):
        return self.through._meta.get_field("content_object").name

    def value_from_object(self, obj):
        # A form's initial tags: those of prefetch_related("tags") when there are, so that
        # an inline of many tagged rows reads them in one query rather than one per row.
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        if self.name in prefetched:
            return list(prefetched[self.name])
        return super().value_from_object(obj)
