"""Form widgets and fields for the editors' desk."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles import tags
from articles.text import fold


class TagAutocompleteWidget(forms.TextInput):
    """A comma-separated tag input that suggests existing tags as the editor types.

    Without JavaScript it is a plain text input. With it, static/articles/admin/tags.js
    (no inline script) reads ``data-tag-autocomplete`` and offers matches from the admin's
    tag endpoint for the name being typed.
    """

    def __init__(self, attrs=None, url_name="admin:articles_tag_autocomplete"):
        self.url_name = url_name
        super().__init__({"autocomplete": "off", "class": "vTextField tag-input", **(attrs or {})})

    class Media:
        css = {"all": ["articles/admin/tags.css"]}
        js = ["articles/admin/tags.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Reversed at render time: the admin's URLs are not loaded when forms are defined.
        context["widget"]["attrs"]["data-tag-autocomplete"] = reverse(self.url_name)
        return context

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            value = tags.tag_string(value)
        return super().format_value(value)


class TagsField(forms.CharField):
    """Tags as a comma-separated list; cleans to tag names taggit can save.

    A name that folds equal to an existing tag comes back as that tag's spelling, so saving
    never creates a near-duplicate ("ai सेफ्टी" becomes the existing "AI सेफ्टी").
    """

    widget = TagAutocompleteWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", tags.TAG_STRING_HELP)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        names = tags.parse_tag_string(super().clean(value))
        too_long = [name for name in names if len(name) > tags.TAG_NAME_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("A tag may have at most %(limit)d characters: “%(name)s” is longer."),
                code="tag_too_long",
                params={"limit": tags.TAG_NAME_MAX_LENGTH, "name": too_long[0]},
            )
        return tags.canonical_names(names)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        before = {fold(tag if isinstance(tag, str) else tag.name) for tag in initial or []}
        after = {fold(name) for name in tags.parse_tag_string(data or "")}
        return before != after


class SingleTagField(forms.CharField):
    """One tag name, with the same autocomplete; cleans to the cleaned name."""

    widget = TagAutocompleteWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", tags.TAG_NAME_MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        names = tags.parse_tag_string(value)
        if len(names) != 1:
            raise ValidationError(_("Enter exactly one tag."), code="one_tag")
        return names[0]
