"""The editors' desk rules in the admin: search, history, corrections, quote integrity,
publishing, roles.

Mixins that the other modules of articles/admin/ put on their ModelAdmins, plus the
share-link admin. The rules themselves live in articles/forms.py, articles/integrity.py and
articles/publishing.py.

History: SimpleHistoryAdmin adds a "History" page per object listing every version (who,
when, and a field-by-field "Changes" column, old → new) and lets an editor revert to an
earlier version through the same form and rules as an ordinary edit.
"""

import itertools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history import utils
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import (
    DeletedObject,
    HistoricalRecords,
    ModelChange,
    ModelDelta,
    to_historic,
)
from simple_history.template_utils import HistoricalRecordContextHelper

from articles import integrity, publishing, tags
from articles.admin.autocompletes import AutocompleteWidgetsMixin
from articles.admin.common import KnownParentInlineFormSet
from articles.fields import TaggableManager
from articles.forms import (
    ArticleAdminForm,
    BylineInlineFormSet,
    QuoteAdminForm,
    QuoteInlineFormSet,
    RestoredBylineField,
)
from articles.history.versions import ensure_baseline, ensure_baselines, record_versions
from articles.lookups import FoldContains
from articles.models import Article, ShareLink, Tag

CHANGE_REASON_MAX = 100  # simple-history's history_change_reason column


def _change_reason(form):
    """What the history's "change reason" column says about a story edit."""
    text = form.cleaned_data.get("correction_text")
    if text:
        kind = form.cleaned_data.get("correction_kind")
        reason = f"{kind}: {text}"
        return reason if len(reason) <= CHANGE_REASON_MAX else reason[: CHANGE_REASON_MAX - 1] + "…"
    if form.cleaned_data.get("minor_edit"):
        return str(_("minor edit: no change in meaning"))
    return None


def _record_note(obj, form, article):
    text = form.cleaned_data.get("correction_text")
    if text:
        publishing.record_correction(article, kind=form.cleaned_data["correction_kind"], text=text)


def _is_reporter_locked(request, article):
    """Reporters may not touch a published (or scheduled) article, nor its quotes or byline."""
    return (
        article is not None
        and article.status == Article.Status.PUBLISHED
        and not publishing.can_publish(request.user)
    )


class FoldedSearchMixin:
    """Admin search, and the autocompletes that use it, compare folded text
    (articles.lookups): इस्तीफा finds इस्तीफ़ा, "ai" finds "AI", NBSP and quote-mark
    variants match. A search field with Django's own prefix (^, =, @) keeps its meaning."""

    def get_search_fields(self, request):
        return [
            name if name[:1] in "^=@" else f"{name}__{FoldContains.lookup_name}"
            for name in super().get_search_fields(request)
        ]


def _is_ordered(field):
    """A link field whose links have an order of their own (the byline's ``position``)."""
    through = field.remote_field.through
    return any(f.name == "position" for f in through._meta.fields)


class _VersionDiff(HistoricalRecordContextHelper):
    """Shows a versioned link field (people, sources, tags) in a diff as the sorted names it
    holds, an ordered one (the byline) in its order; simple-history would show tags as raw
    link rows."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            target = utils.get_m2m_reverse_field_name(field)
            names = [str(row[target]) for row in value]
            return names if _is_ordered(field) else sorted(names)
        return super().prepare_delta_change_value(change, value)


def _links_by_version(field, records):
    """For each of ``records`` (by pk), the links of versioned many-to-many ``field`` it
    holds, as (target pk, {target name: target object}) pairs, in link order for an ordered
    field; one query. A target deleted since is a simple-history DeletedObject."""
    m2m_model = HistoricalRecords.m2m_models[field]
    target = utils.get_m2m_reverse_field_name(field)
    target_field = m2m_model._meta.get_field(target)
    by_version = {record.pk: [] for record in records}
    rows = m2m_model.objects.filter(history__in=list(by_version)).select_related(target)
    if _is_ordered(field):
        rows = rows.order_by("position", "id")
    for row in rows:
        pk = getattr(row, target_field.attname)
        try:
            obj = getattr(row, target)
        except target_field.related_model.DoesNotExist:
            obj = None
        if obj is None:
            obj = DeletedObject(target_field.related_model, pk)
        by_version[row.history_id].append((pk, {target: obj}))
    return by_version


def _pks(links, *, ordered=False):
    """What a version's links are, to compare: a set of targets, or a sequence when their
    order is part of the record (a byline moved is a change)."""
    pks = [pk for pk, _row in links]
    return pks if ordered else set(pks)


def _rows(links):
    return [row for _pk, row in links]


def version_links(version):
    """The links a historical record holds, as initial values of its object's admin form:
    primary keys for people and sources, the comma-separated names for tags (a tag merged
    away since is gone and left out)."""
    links = {}
    for field in version._history_m2m_fields:
        rows = getattr(version, field.name)
        target = rows.model._meta.get_field(utils.get_m2m_reverse_field_name(field)).attname
        ids = list(rows.values_list(target, flat=True))
        if isinstance(field, TaggableManager):
            links[field.name] = tags.tag_string(Tag.objects.filter(pk__in=ids))
        else:
            links[field.name] = ids
    return links


class _RestoreLinksForm:
    """Starts the restore form with the version's links rather than today's."""

    version_links = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in self.version_links.items():
            if name in self.fields:
                self.initial[name] = value


class DeskHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin for the desk: one version per save, links (people, sources, tags)
    in every version and restored with it, and restoring takes change permission.

    One version per save: save_model tells simple-history not to record its own versions
    (one per step: the object, then each link field), and the version is recorded by
    log_addition/log_change, the hook that Django's change form, the changelist's list
    editing and simple-history's restore view all call once the object, its links and its
    inlines are saved. The correction note, if any, is its change reason.

    Restoring: simple-history checks view permission before showing an old version but
    saves a POST to it without checking change permission; a reporter could otherwise
    "restore" a published article.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return _VersionDiff(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """simple-history's diffs of each version against the one before, with the link
        fields (people, sources, tags) read in one query each for the whole page; left to
        simple-history they cost four queries per field and version."""
        records = list(historical_records)
        fields = self.model.history.model._history_m2m_fields
        links = {field.name: _links_by_version(field, records) for field in fields}
        ordered = {field.name: _is_ordered(field) for field in fields}
        for new, old in itertools.pairwise(records):
            delta = new.diff_against(
                old, excluded_fields=list(links), foreign_keys_are_objs=foreign_keys_are_objs
            )
            link_changes = [
                ModelChange(name, _rows(by_version[old.pk]), _rows(by_version[new.pk]))
                for name, by_version in links.items()
                if _pks(by_version[old.pk], ordered=ordered[name])
                != _pks(by_version[new.pk], ordered=ordered[name])
            ]
            delta = ModelDelta(
                [*delta.changes, *link_changes],
                [*delta.changed_fields, *(change.field for change in link_changes)],
                delta.old_record,
                delta.new_record,
            )
            helper = self.get_historical_record_context_helper(request, new)
            new.history_delta_changes = helper.context_for_delta_changes(delta)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        version = to_historic(obj) if obj is not None else None
        if version is None:
            return form
        links = version_links(version)
        return type(form.__name__, (_RestoreLinksForm, form), {"version_links": links})

    def save_model(self, request, obj, form, change):
        if change:
            ensure_baseline(self.model, obj.pk)
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Quotes edited on their article's page get their baseline version too.
        if getattr(formset.model, "history", None) is not None:
            ensure_baselines(
                formset.model,
                [f.instance.pk for f in formset.initial_forms if f.has_changed()],
            )
        super().save_formset(request, form, formset, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record_version(request, obj, created=True)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record_version(request, obj, created=False)
        return entry

    def _record_version(self, request, obj, *, created):
        if hasattr(obj, "skip_history_when_saving"):
            del obj.skip_history_when_saving
            record_versions([obj], user=request.user, created=created)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class _StoryDeskAdmin(DeskHistoryAdmin):
    """What articles and quotes share: the form knows whether its user may publish (the
    correction and publish rules depend on it), a story's lock for reporters, and deleting
    is an editor's call, whatever else a custom group was given."""

    def story(self, obj):
        """The article whose publication state governs ``obj``."""
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = publishing.can_publish(request.user)
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and _is_reporter_locked(request, self.story(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not publishing.can_publish(request.user):
            return False
        return super().has_delete_permission(request, obj)


class ArticleDeskMixin(_StoryDeskAdmin):
    """History, the correction rule, publish checks, role limits and the preview link."""

    form = ArticleAdminForm
    object_history_template = "admin/articles/article/object_history.html"

    def story(self, obj):
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        version = to_historic(obj) if obj is not None else None
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"]:
            # The restore form's own field, added below: not one of the model's.
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "byline"]
        form = super().get_form(request, obj, change, **kwargs)
        if version is None:
            return form
        # Restoring: the byline is an inline on the change page, which simple-history's
        # restore view does not show; the restore form carries the version's instead.
        pairs = list(version.authors.order_by("position", "id").values_list("person", "position"))
        attrs = {"restored_byline": pairs, "byline": RestoredBylineField(pairs)}
        return type(form.__name__, (form,), attrs)

    def view_on_site(self, obj):
        return publishing.view_on_site_url(obj)

    @admin.display(description=_("publication"), ordering="published_at")
    def publication_state(self, obj):
        if obj.is_scheduled:
            return _("scheduled")
        return obj.get_status_display()

    def save_model(self, request, obj, form, change):
        reason = _change_reason(form)
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)
        _record_note(obj, form, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ShareLink:
            save_share_links(request, formset)
            return
        # A quote changed on its article's page is part of the same edit: its version
        # carries the article's correction note (or "minor edit") as its reason too.
        reason = _change_reason(form)
        if reason:
            for inline_form in formset.forms:
                inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        quotes = (
            article.quotes.select_related("speaker").order_by("position")
            if article is not None
            else []
        )
        extra_context = {"quote_histories": quotes, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)


class BylineInlineDeskMixin:
    """The byline inline: the correction rule (articles.forms) and the article's own rights.

    Editing the byline is editing the article, as for Django's own link tables: whoever may
    add or change the article (and, once it is published, publish) may set its byline, with
    no byline permissions of its own; Reporters so set bylines on drafts only.
    """

    formset = BylineInlineFormSet

    def _may_edit(self, request, obj):
        action = "add" if obj is None else "change"
        return request.user.has_perm(f"articles.{action}_article") and not _is_reporter_locked(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article") or self._may_edit(request, obj)


class QuoteInlineDeskMixin:
    """The quote inline: publish checks and correction rule (articles.forms), role limits."""

    formset = QuoteInlineFormSet

    def has_add_permission(self, request, obj=None):
        if _is_reporter_locked(request, obj):
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if _is_reporter_locked(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if _is_reporter_locked(request, obj):
            return False
        return super().has_delete_permission(request, obj)


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Quotes with an integrity problem (not verbatim in the body, or no source)."""

    title = _("integrity")
    parameter_name = "integrity"

    def lookups(self, request, model_admin):
        return [("problems", _("needs attention")), ("ok", _("no problems"))]

    def queryset(self, request, queryset):
        if self.value() == "problems":
            return integrity.quotes_needing_attention(queryset)
        if self.value() == "ok":
            return queryset.exclude(pk__in=integrity.quotes_needing_attention(queryset))
        return queryset


class QuoteDeskMixin(_StoryDeskAdmin):
    """History, integrity column and filter, correction rule and role limits for quotes.

    The integrity column reads the article body, so the admin's list_select_related must
    include "article" (it does: one query for the page).
    """

    form = QuoteAdminForm

    def story(self, obj):
        return obj.article

    def view_on_site(self, obj):
        # A quote of a draft has no public page yet: show it in its article's preview.
        if obj.article.is_public:
            return obj.get_absolute_url()
        return publishing.preview_url(obj.article)

    @admin.display(description=_("integrity"))
    def integrity_status(self, obj):
        problems = integrity.quote_problems(obj)
        if not problems:
            return format_html('<span class="integrity-ok">{}</span>', _("OK"))
        return format_html('<strong class="integrity-problem">{}</strong>', "; ".join(problems))

    def save_model(self, request, obj, form, change):
        reason = _change_reason(form)
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)
        _record_note(obj, form, obj.article)


class ShareLinkInlineForm(forms.ModelForm):
    """A share link on its article's page: who it is for, and a box to revoke it."""

    revoke = forms.BooleanField(label=_("revoke"), required=False)

    class Meta:
        model = ShareLink
        fields = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a saved, active link can be revoked; a revoked one stays as a record.
        if self.instance.pk is None or not self.instance.is_active:
            self.fields["revoke"].disabled = True
        if not self.instance.is_active:
            self.fields["note"].disabled = True


class ShareLinkInline(admin.TabularInline):
    """Share links made and revoked on the article's own page (they need the share-link
    permissions, which only editors have). Links are never deleted, only revoked."""

    model = ShareLink
    form = ShareLinkInlineForm
    extra = 0
    can_delete = False
    fields = ["note", "share_url", "created_by", "created_at", "revoke"]
    readonly_fields = ["share_url", "created_by", "created_at"]
    verbose_name_plural = _("share links (secret links to read this article before it is public)")
    # Each row's heading names its article and shows who made it: neither costs a query.
    formset = KnownParentInlineFormSet

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description=_("link"))
    def share_url(self, obj):
        return _share_url(obj)


def save_share_links(request, formset):
    """Save the inline's share links: new ones are the user's, ticked ones are revoked."""
    for link in formset.save(commit=False):
        if link.pk is None:
            link.created_by = request.user
        link.save()
    for form in formset.forms:
        if form.instance.pk is not None and form.cleaned_data.get("revoke"):
            form.instance.revoke()


def _share_url(link):
    if link.pk is None:
        return _("Save to make the link.")
    if not link.is_active:
        return _("revoked")
    # The address a stranger is sent: the site's own language (unprefixed), whatever the
    # editor's admin language.
    with translation.override(settings.LANGUAGE_CODE):
        url = link.get_absolute_url()
    return format_html('<a href="{0}" class="share-url">{0}</a>', url)


@admin.register(ShareLink)
class ShareLinkAdmin(AutocompleteWidgetsMixin, FoldedSearchMixin, admin.ModelAdmin):
    """Secret links to drafts: create one per person you share with, revoke when done."""

    list_display = ["article", "note", "share_url", "created_by", "created_at", "is_active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "note"]
    autocomplete_fields = ["article"]
    fields = ["article", "note", "share_url", "created_by", "created_at", "revoked_at"]
    readonly_fields = ["share_url", "created_by", "created_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("link"))
    def share_url(self, obj):
        return _share_url(obj)

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected share links"), permissions=["change"])
    def revoke(self, request, queryset):
        links = list(queryset.active())
        for link in links:
            link.revoke()
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", len(links))
            % {"count": len(links)},
            messages.SUCCESS,
        )
