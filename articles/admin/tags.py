"""Tags in the desk: the tag column, filter and bulk add/remove actions every tagged model
has, and the Tag admin itself (rename, counts, merge, the tag widget's autocomplete)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.managers import TaggableManager
from taggit.models import Tag as TaggitTag

from articles import tags
from articles.admin.common import URLIFY_JS, SlugOptionalMixin
from articles.admin.desk import FoldedSearchMixin
from articles.models import ArticleTag, PersonTag, QuoteTag, SlugRedirect, Tag, unique_slug
from articles.redirects import record_slug_change
from articles.text import fold
from articles.widgets import SingleTagField, TagsField


class TagListFilter(admin.SimpleListFilter):
    """Filter by a tag used on this model; the choices cost one query."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        links = model_admin.model._meta.get_field("tags").remote_field.through
        used = Tag.objects.filter(pk__in=links.objects.values("tag")).only("name", "slug")
        return [(tag.slug, tag.name) for tag in used]

    def queryset(self, request, queryset):
        if self.value():
            # One link per (item, tag): the join cannot duplicate rows.
            return queryset.filter(tag_links__tag__slug=self.value())
        return queryset


def action_page(model_admin, request, queryset, *, form, action, title, submit_label):
    """The intermediate page of a bulk action that needs one more answer (which tag?).

    Posts back to the changelist with the same selection (or "all"), the action and
    ``apply``, so the action runs again, this time with a bound form.
    """
    opts = model_admin.model._meta
    count = queryset.count()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "form": form,
        "media": model_admin.media + form.media,
        "queryset": queryset[:50],
        "count": count,
        "selected_text": ngettext(
            "%(count)d %(name)s selected:", "%(count)d %(name)s selected:", count
        )
        % {
            "count": count,
            "name": opts.verbose_name if count == 1 else opts.verbose_name_plural,
        },
        "action": action,
        "submit_label": submit_label,
        "select_across": request.POST.get("select_across", "0"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/articles/tag_action.html", context)


class TagActionForm(forms.Form):
    tag = SingleTagField(label=_("Tag"))

    def __init__(self, *args, must_exist=False, **kwargs):
        self.must_exist = must_exist
        super().__init__(*args, **kwargs)

    def clean_tag(self):
        name = self.cleaned_data["tag"]
        existing = tags.find_tag(name)
        if self.must_exist and existing is None:
            raise forms.ValidationError(
                _("There is no tag “%(name)s”."), code="no_such_tag", params={"name": name}
            )
        return existing or name


class TaggedAdminMixin:
    """Tag editing, the tag column and filter, and the bulk add/remove tag actions."""

    # help_text: taggit's own ("A comma-separated list of tags.") would be passed explicitly.
    formfield_overrides = {
        TaggableManager: {"form_class": TagsField, "help_text": tags.TAG_STRING_HELP}
    }
    actions = ["add_tag", "remove_tag"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.action(description=_("Add a tag to the selected items"), permissions=["change"])
    def add_tag(self, request, queryset):
        return self._tag_action(request, queryset, "add_tag")

    @admin.action(description=_("Remove a tag from the selected items"), permissions=["change"])
    def remove_tag(self, request, queryset):
        return self._tag_action(request, queryset, "remove_tag")

    def _tag_action(self, request, queryset, action):
        adding = action == "add_tag"
        # The model-wide "change" permission is not enough: a reporter may change drafts
        # but not a published article, so every selected item is checked, as its own
        # change page would be.
        related = self.list_select_related if isinstance(self.list_select_related, list) else []
        locked = [
            str(obj)
            for obj in queryset.select_related(*related)
            if not self.has_change_permission(request, obj)
        ]
        if locked:
            self.message_user(
                request,
                _("You may not change these, so nothing was tagged: %(items)s")
                % {"items": "; ".join(locked[:10]) + ("; …" if len(locked) > 10 else "")},
                messages.ERROR,
            )
            return None
        form = TagActionForm(
            request.POST if "apply" in request.POST else None, must_exist=not adding
        )
        if form.is_valid():
            with transaction.atomic():
                tag = form.cleaned_data["tag"]
                if adding:
                    tag = tag if isinstance(tag, Tag) else tags.get_or_create_tag(tag)
                    count = tags.add_tag(queryset, tag, user=request.user)
                    message = ngettext(
                        "Tag “%(tag)s” added to %(count)d item.",
                        "Tag “%(tag)s” added to %(count)d items.",
                        count,
                    )
                else:
                    count = tags.remove_tag(queryset, tag, user=request.user)
                    message = ngettext(
                        "Tag “%(tag)s” removed from %(count)d item.",
                        "Tag “%(tag)s” removed from %(count)d items.",
                        count,
                    )
            self.message_user(
                request, message % {"tag": tag.name, "count": count}, messages.SUCCESS
            )
            return None
        return action_page(
            self,
            request,
            queryset,
            form=form,
            action=action,
            title=_("Add a tag") if adding else _("Remove a tag"),
            submit_label=_("Add tag") if adding else _("Remove tag"),
        )


# The Tag admin ------------------------------------------------------------------------

# taggit's own generic Tag table is unused here (our tags are articles.Tag): its admin would
# only let editors make tags that nothing can carry.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        name = tags.clean_tag_name(self.cleaned_data["name"])
        twin = tags.tags_by_fold(Tag.objects.exclude(pk=self.instance.pk)).get(fold(name))
        if twin is not None:
            raise forms.ValidationError(
                _("The tag “%(name)s” already exists: merge the tags instead."),
                code="near_duplicate",
                params={"name": twin.name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = unique_slug(Tag, cleaned["name"], exclude_pk=self.instance.pk)
        return cleaned


class MergeTagsForm(forms.Form):
    target = SingleTagField(
        label=_("Merge into"),
        help_text=_("An existing tag; the selected tags are merged into it and deleted."),
    )

    def clean_target(self):
        name = self.cleaned_data["target"]
        tag = tags.find_tag(name)
        if tag is None:
            raise forms.ValidationError(
                _("There is no tag “%(name)s”."), code="no_such_tag", params={"name": name}
            )
        return tag


def _count(links):
    """Subquery: how many ``links`` rows point at the outer tag (no join blow-up)."""
    return Coalesce(
        Subquery(
            links.objects.filter(tag=OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@admin.register(Tag)
class TagAdmin(SlugOptionalMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug", "article_count", "person_count", "quote_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags"]

    class Media:
        js = URLIFY_JS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=_count(ArticleTag),
                person_count=_count(PersonTag),
                quote_count=_count(QuoteTag),
            )
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description=_("people"), ordering="person_count")
    def person_count(self, obj):
        return obj.person_count

    @admin.display(description=_("quotes"), ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count

    def get_urls(self):
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(self.autocomplete_view),
                name="articles_tag_autocomplete",
            ),
            *super().get_urls(),
        ]

    def can_tag(self, request):
        """Whoever may see tags or edit anything tagged may look tags up."""
        user = request.user
        return self.has_view_permission(request) or any(
            user.has_perm(f"articles.{action}_{model}")
            for action in ("add", "change")
            for model in ("article", "person", "quote")
        )

    def autocomplete_view(self, request):
        """JSON list of existing tags matching ``?term=`` (fold-aware), for the tag widget."""
        if not self.can_tag(request):
            raise PermissionDenied
        results = tags.search_tags(request.GET.get("term", "")[:200])
        return JsonResponse({"results": [{"name": tag.name, "slug": tag.slug} for tag in results]})

    def has_merge_permission(self, request):
        return request.user.has_perm("articles.merge_tags") and self.has_delete_permission(request)

    @admin.action(description=_("Merge the selected tags into another"), permissions=["merge"])
    def merge_tags(self, request, queryset):
        form = MergeTagsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = list(queryset.exclude(pk=target.pk))
            tags.merge_tags(sources, target, user=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d tag merged into “%(tag)s”.",
                    "%(count)d tags merged into “%(tag)s”.",
                    len(sources),
                )
                % {"count": len(sources), "tag": target.name},
                messages.SUCCESS,
            )
            return None
        return action_page(
            self,
            request,
            queryset,
            form=form,
            action="merge_tags",
            title=_("Merge tags"),
            submit_label=_("Merge"),
        )

    def save_model(self, request, obj, form, change):
        old_slug = Tag.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        super().save_model(request, obj, form, change)
        if change:
            record_slug_change(SlugRedirect.Kind.TAG, old_slug, obj.slug)
