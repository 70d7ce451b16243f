"""Admin autocompletes that cost no query per inline row, and pass the HTML and
accessibility checks (Nu HTML Checker, axe-core).

Django's autocomplete widget reads its chosen object again on every render: in an inline
that is a query per row and field. PreloadedAutocompleteMixin, put on an inline, reads the
rows' related objects with the rows (``row_select_related``) and hands each row's widget the
object it already holds.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

#: The text of an autocomplete's "none chosen" option (seen without JavaScript).
NONE_CHOSEN = "—"


def autocomplete_select(model_admin, request, db_field, kwargs):
    """``kwargs`` for ``model_admin.formfield_for_foreignkey`` with a
    PreloadedAutocompleteSelect for ``db_field``, unless the caller chose a widget or the
    field has no autocomplete."""
    if "widget" not in kwargs and db_field.name in model_admin.get_autocomplete_fields(request):
        kwargs["widget"] = PreloadedAutocompleteSelect(
            db_field, model_admin.admin_site, using=kwargs.get("using")
        )
    return kwargs


def holdable(widget, values):
    """The submitted ``values`` a key of the widget's target model can hold.

    Django's autocomplete reads the chosen objects again to draw a refused form, with the
    values as posted: a crafted "abc" or NUL for an integer key would make that query fail
    (a 500) instead of showing the field's "Select a valid choice" (issue 13).
    """
    model = widget.choices.queryset.model
    to_field = widget.choices.field.to_field_name
    key = model._meta.get_field(to_field) if to_field else model._meta.pk
    kept = []
    for value in values:
        try:
            # The validators hold the database's integer range: SQLite cannot even
            # compare a number beyond 64 bits.
            key.run_validators(key.to_python(value))
        except (ValidationError, ValueError, TypeError):
            continue
        kept.append(value)
    return kept


class HoldableValuesMixin:
    """An autocomplete that draws a refused form whatever was posted (see holdable)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, holdable(self, value), attr)


class AutocompleteWidgetsMixin:
    """For a ModelAdmin or inline: its one-choice autocompletes are the desk's widget."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = autocomplete_select(self, request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PreloadedAutocompleteSelect(HoldableValuesMixin, AutocompleteSelect):
    """An admin autocomplete that shows its chosen object without a query when the form
    has handed it over already loaded (``preloaded``: {pk as text: object}).

    PreloadedChoicesForm fills ``preloaded`` from the instance's own select_related
    objects; any other value (a changed choice on a refused save) is read as Django does.
    """

    preloaded = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        if value == "" and label == "":
            # "None chosen" says so: HTML has no empty <option> without a label, and
            # Django's widget renders one. select2 still shows its blank placeholder for it.
            label = NONE_CHOSEN
        return super().create_option(name, value, label, selected, index, subindex, attrs)

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.preloaded or {}
        if not chosen or not chosen <= known.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for pk in sorted(chosen):
            label = self.choices.field.label_from_instance(known[pk])
            default[1].append(self.create_option(name, pk, label, True, len(default[1])))
        return [default]


class ItemsAutocompleteSelectMultiple(HoldableValuesMixin, AutocompleteSelectMultiple):
    """A many-choice autocomplete without select2's "clear all" ×: each chosen item has its
    own ×, and the clear-all one sits in select2's list of items as a non-item (axe-core:
    a list must contain only list items)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class PreloadedChoicesForm(forms.ModelForm):
    """Hands each PreloadedAutocompleteSelect the object its instance already holds
    (only one loaded by select_related: reading it here must not cost a query)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, form_field in self.fields.items():
            widget = getattr(form_field.widget, "widget", form_field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            obj = model_field.get_cached_value(self.instance, None)
            if obj is not None:
                widget.preloaded = {str(obj.pk): obj}


class PreloadedAutocompleteMixin(AutocompleteWidgetsMixin):
    """An inline whose autocompletes cost no query per row: its rows' related objects
    come with the rows, read with ``row_select_related``."""

    form = PreloadedChoicesForm
    row_select_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_select_related)
