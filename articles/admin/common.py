"""What every desk admin shares: slugs that fill in Devanagari-aware, are optional, and leave
the old public URL redirecting when they change."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.redirects import record_slug_change

# Django's URLify (admin/js/urlify.js) drops Devanagari vowel signs; this file, loaded after
# it on every form with prepopulated fields, replaces it with our slugify rules.
# Listing Django's file first tells Media merging the order to keep.
URLIFY_JS = ["admin/js/urlify.js", "articles/admin/urlify.js"]


class SlugOptionalMixin:
    """Slug fields may be left empty: the model's save() makes one from the name.

    With ``slug_redirect_kind`` (a SlugRedirect.Kind), a saved change of slug makes the old
    slug's public pages redirect to the new one.
    """

    slug_redirect_kind = None

    def save_model(self, request, obj, form, change):
        old_slug = ""
        if change and self.slug_redirect_kind:
            old_slug = type(obj).objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        super().save_model(request, obj, form, change)
        if old_slug:
            record_slug_change(self.slug_redirect_kind, old_slug, obj.slug)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # An address typed without a scheme is taken as https (Django 6's default).
            kwargs.setdefault("assume_scheme", "https")
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.required = False
            field.help_text = _("Filled in from the name as you type; leave empty to make one.")
        return field


class KnownParentFormSetMixin:
    """For an inline's formset: each row's object holds the page's object as its parent, so
    what reads it on every row (the row's ``__str__`` heading it, e.g. "Correction: <story>")
    costs no query per row."""

    def get_queryset(self):
        rows = super().get_queryset()
        if self.instance.pk is not None:
            for row in rows:  # evaluated once; the formset's forms are built from these
                self.fk.set_cached_value(row, self.instance)
        return rows


class KnownParentInlineFormSet(KnownParentFormSetMixin, forms.BaseInlineFormSet):
    pass
