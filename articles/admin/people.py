"""People and sources in the desk: a person's page holds their roles over time (an inline,
versioned with the person) and lists the stories they wrote, their quotes and the articles
they appear in."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.admin.autocompletes import AutocompleteWidgetsMixin, PreloadedAutocompleteMixin
from articles.admin.common import URLIFY_JS, KnownParentFormSetMixin, SlugOptionalMixin
from articles.admin.conflicts import ConflictGuardMixin
from articles.admin.desk import DeskHistoryAdmin, FoldedSearchMixin
from articles.admin.tags import TaggedAdminMixin, TagListFilter
from articles.models import Affiliation, Person, SlugRedirect, Source


class AffiliationInlineFormSet(KnownParentFormSetMixin, forms.BaseInlineFormSet):
    """A person's roles. A row left without a position goes after the others, in the order
    the rows are shown, so adding a role needs no numbering; the checks of each row are the
    model's (Affiliation.clean)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["position"].required = False

    def clean(self):
        # Rows kept and valid so far (an untouched extra row has no cleaned data).
        rows = [
            form
            for form in self.forms
            if form.cleaned_data and not form.errors and not self._should_delete_form(form)
        ]
        taken = [form.cleaned_data.get("position") for form in rows]
        following = max((p for p in taken if p is not None), default=0) + 1
        for form in rows:
            if form.cleaned_data.get("position") is None:
                form.cleaned_data["position"] = form.instance.position = following
                following += 1
        super().clean()


class AffiliationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    """Roles over time, in career order (earliest first): each with its organisation (or a
    body with no record), titles, dates where known, "ended" and its source."""

    model = Affiliation
    formset = AffiliationInlineFormSet
    extra = 0
    autocomplete_fields = ["organisation", "source"]
    # Each row's heading ("<person>: <title>, <organisation>") and its autocompletes: no
    # query per row (the person is the page's, KnownParentFormSetMixin).
    row_select_related = ["organisation", "source"]
    fields = [
        "organisation",
        "body_name",
        "title",
        "title_en",
        "started_on",
        "ended_on",
        "ended",
        "source",
        "position",
    ]
    ordering = ["position", "pk"]
    verbose_name_plural = _("roles over time (earliest first; tick “ended” when one is over)")


@admin.register(Person)
class PersonAdmin(
    AutocompleteWidgetsMixin,
    ConflictGuardMixin,
    SlugOptionalMixin,
    FoldedSearchMixin,
    TaggedAdminMixin,
    DeskHistoryAdmin,
):
    list_display = [
        "name",
        "name_latin",
        "description",
        "newsroom_role",
        "tag_list",
        "updated_at",
    ]
    list_filter = ["newsroom_role", TagListFilter]
    search_fields = ["name", "name_latin", "aliases", "slug"]
    slug_redirect_kind = SlugRedirect.Kind.PERSON
    autocomplete_fields = ["photo"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["byline_links", "quote_links", "article_links"]
    inlines = [AffiliationInline]
    object_history_template = "admin/articles/person/object_history.html"

    class Media:
        js = URLIFY_JS

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in self.readonly_fields]
        # The record of someone's stories, quotes and articles exists only once they do.
        return [*fields, *self.readonly_fields] if obj else fields

    @admin.display(description=_("stories written"))
    def byline_links(self, obj):
        # Drafts (no publication time) first: the stories still being worked on.
        articles = obj.authored_articles.order_by(F("published_at").desc(nulls_first=True), "-pk")
        if not articles:
            return _("No stories written yet.")
        return _article_list(articles)

    @admin.display(description=_("quotes"))
    def quote_links(self, obj):
        quotes = obj.quotes.select_related("article").order_by("article__headline", "position")
        if not quotes:
            return _("No quotes yet.")
        return format_html(
            "<ul class='person-record'>{}</ul>",
            format_html_join(
                "",
                "<li><a href='{}' lang='{}'>{}</a> ({}: <a href='{}' lang='{}'>{}</a>)</li>",
                (
                    (
                        reverse("admin:articles_quote_change", args=[quote.pk]),
                        quote.article.language,
                        quote.text if len(quote.text) <= 120 else quote.text[:119] + "…",
                        quote.get_kind_display(),
                        reverse("admin:articles_article_change", args=[quote.article_id]),
                        quote.article.language,
                        quote.article.headline,
                    )
                    for quote in quotes
                ),
            ),
        )

    @admin.display(description=_("articles"))
    def article_links(self, obj):
        articles = obj.articles.order_by("-published_at", "-pk")
        if not articles:
            return _("In no article yet.")
        return _article_list(articles)

    def history_view(self, request, object_id, extra_context=None):
        # The roles' own versions, listed under the person's: one query for them all.
        versions = (
            Affiliation.history.filter(person_id=unquote(object_id))
            .select_related("organisation", "history_user")
            .order_by("-history_date", "-history_id")
        )
        extra_context = {"role_versions": versions, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)


def _article_list(articles):
    """Articles as a list of links to their admin pages, each with its status."""
    return format_html(
        "<ul class='person-record'>{}</ul>",
        format_html_join(
            "",
            "<li><a href='{}' lang='{}'>{}</a> ({})</li>",
            (
                (
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.language,
                    article.headline,
                    article.get_status_display(),
                )
                for article in articles
            ),
        ),
    )


@admin.register(Source)
class SourceAdmin(
    AutocompleteWidgetsMixin,
    ConflictGuardMixin,
    SlugOptionalMixin,
    FoldedSearchMixin,
    DeskHistoryAdmin,
):
    list_display = ["title", "kind", "attribution", "published_on"]
    list_filter = ["kind"]
    list_select_related = ["author", "author_organisation"]
    search_fields = [
        "title",
        "author_name",
        "author__name",
        "author__name_latin",
        "author_organisation__name",
        "author_organisation__name_latin",
        "author_organisation__aliases",
        "notes",
    ]
    # One author: a person, an organisation (a press release) or a name (Source.clean).
    autocomplete_fields = ["author", "author_organisation", "based_on"]
    prepopulated_fields = {"slug": ["title"]}

    class Media:
        js = URLIFY_JS

    # Source.attribution is a property: without a description its column would be headed
    # by the English attribute name.
    @admin.display(description=_("author"))
    def attribution(self, obj):
        return obj.attribution
