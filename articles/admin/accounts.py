"""Users and groups in the desk's language: their permission lists and the password page.

Django stores a permission's name in English when it creates it ("Can add historical
article", or the name a model's Meta gives) and shows it as stored, so the permission
lists on a user's and a group's page would be English in the Hindi admin. Here each
permission is labelled when the page is drawn: app, model and action in the interface
language, the four default actions by their own words and any other permission by its
name through gettext (the models' Meta names are in the catalogue). Django's own password
page adds one English warning to a translated help text; its form here translates both.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, User
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import logins

DEFAULT_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def model_label(model):
    """``model``'s name in the interface language, also for the models made for it:
    simple-history's versions ("historical …" in English) and many-to-many link tables."""
    original = getattr(model, "instance_type", None)
    if original is not None:
        return gettext("%(name)s (versions)") % {"name": model_label(original)}
    if model._meta.auto_created:
        owner = model._meta.auto_created
        for field in owner._meta.many_to_many:
            if field.remote_field.through is model:
                return f"{owner._meta.verbose_name}: {field.verbose_name}"
    return str(model._meta.verbose_name)


def permission_label(permission):
    """``app | model | what it allows``, read from the permission's content type (which
    the field's query selects with it: no query per permission)."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model since removed: its stored name is all there is
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_ACTIONS and model_name == model._meta.model_name:
        name = DEFAULT_ACTIONS[action] % {"name": model_label(model)}
    else:
        name = gettext(permission.name)
    return f"{model._meta.app_config.verbose_name} | {model_label(model)} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionLabelsMixin:
    """The permission fields of a user's or group's page labelled by permission_label."""

    permission_fields = ()

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in self.permission_fields:
            kwargs["form_class"] = PermissionsField
            kwargs.setdefault(
                "queryset", db_field.remote_field.model.objects.select_related("content_type")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DeskAdminPasswordChangeForm(AdminPasswordChangeForm):
    # Django joins its translated help text to an English warning when it is imported.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class DeskUserAdmin(PermissionLabelsMixin, UserAdmin):
    permission_fields = ("user_permissions",)
    change_password_form = DeskAdminPasswordChangeForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An inactive user's sessions no longer let them in, but would again if the account
        # were reactivated: a deactivation ends them (articles/logins.py).
        if change and "is_active" in form.changed_data and not obj.is_active:
            logins.end_sessions(obj)


@admin.register(Group)
class DeskGroupAdmin(PermissionLabelsMixin, GroupAdmin):
    permission_fields = ("permissions",)
