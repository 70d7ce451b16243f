"""Stories in the desk: articles with their quotes, corrections and share links, quotes on
their own, and the corrections list."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.admin.common import URLIFY_JS, SlugOptionalMixin
from articles.admin.conflicts import QuoteConflictGuardMixin, StoryConflictGuardMixin
from articles.admin.desk import (
    ArticleDeskMixin,
    BylineInlineDeskMixin,
    FoldedSearchMixin,
    NeedsAttentionFilter,
    QuoteDeskMixin,
    QuoteInlineDeskMixin,
    ShareLinkInline,
)
from articles.admin.imports import import_urls
from articles.admin.tags import TaggedAdminMixin, TagListFilter
from articles.forms import QUOTE_FIELDS
from articles.models import Article, ArticleAuthor, Correction, Quote, SlugRedirect
from articles.redirects import record_slug_change

#: What a correction may name as the record it fixes, one at most, of its own story.
CORRECTION_RECORDS = list(Correction.RECORD_FIELDS)
CORRECTION_FIELDS = ["kind", "text", "published_at", *CORRECTION_RECORDS]


class BylineInline(BylineInlineDeskMixin, admin.TabularInline):
    """Who wrote the story, in byline order: the first of the article's inlines, right
    under the story's own fields."""

    model = ArticleAuthor
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "position"]
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order: smallest position first)")


class QuoteInline(QuoteInlineDeskMixin, admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["speaker", "source"]
    formfield_overrides = TaggedAdminMixin.formfield_overrides
    fields = QUOTE_FIELDS


class CorrectionInline(admin.StackedInline):
    """The story's public notes; each may name the one record of the story it corrects
    (Correction.clean refuses a record from another story)."""

    model = Correction
    extra = 0
    fields = CORRECTION_FIELDS
    autocomplete_fields = CORRECTION_RECORDS


@admin.register(Article)
class ArticleAdmin(
    StoryConflictGuardMixin,
    SlugOptionalMixin,
    FoldedSearchMixin,
    TaggedAdminMixin,
    ArticleDeskMixin,
):
    list_display = [
        "headline",
        "section",
        "publication_state",
        "published_at",
        "language",
        "tag_list",
        "updated_at",
    ]
    list_filter = [
        "status",
        "section",
        "language",
        "published_at",
        TagListFilter,
        ("people", admin.RelatedOnlyFieldListFilter),
        ("organisations", admin.RelatedOnlyFieldListFilter),
        ("authors", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "summary", "body", "slug", "people__name", "people__name_latin"]
    date_hierarchy = "published_at"
    autocomplete_fields = [
        "section",
        "lead_image",
        "translation_of",
        "people",
        "organisations",
        "sources",
    ]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, QuoteInline, CorrectionInline, ShareLinkInline]

    class Media:
        js = URLIFY_JS

    def get_urls(self):
        # "Import a story from text" (articles/admin/imports.py), before "<id>/" catches it.
        return import_urls(self) + super().get_urls()

    def save_model(self, request, obj, form, change):
        old = Article.objects.filter(pk=obj.pk).values("slug", "status").first() if change else None
        super().save_model(request, obj, form, change)
        # A published article's old URL may be in readers' hands: keep it working.
        if old and old["status"] == Article.Status.PUBLISHED:
            record_slug_change(SlugRedirect.Kind.ARTICLE, old["slug"], obj.slug)


@admin.register(Quote)
class QuoteAdmin(QuoteConflictGuardMixin, FoldedSearchMixin, TaggedAdminMixin, QuoteDeskMixin):
    list_display = [
        "__str__",
        "speaker",
        "article",
        "kind",
        "source",
        "integrity_status",
        "tag_list",
    ]
    list_filter = [
        NeedsAttentionFilter,
        "kind",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
        ("source", admin.RelatedOnlyFieldListFilter),
        TagListFilter,
    ]
    list_select_related = ["speaker", "article", "source"]
    search_fields = [
        "text",
        "original_text",
        "speaker__name",
        "speaker__name_latin",
        "speaker__aliases",
        "article__headline",
    ]
    autocomplete_fields = ["speaker", "article", "source"]


@admin.register(Correction)
class CorrectionAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["article", "kind", "corrected_record", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["article", "quote__speaker", "person", "organisation", "source"]
    search_fields = ["text", "article__headline"]
    fields = ["article", *CORRECTION_FIELDS]
    autocomplete_fields = ["article", *CORRECTION_RECORDS]

    @admin.display(description=_("corrects"))
    def corrected_record(self, obj):
        return obj.record or "—"
