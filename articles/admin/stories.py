"""Stories in the desk: articles with their quotes, corrections and share links, quotes on
their own, and the corrections list.

The story's change page is compact (issue 10): fieldsets in the order an editor works,
text areas that start small, each quote one line (a ``<details>`` row, opened to edit,
open by itself when it has an error or unsaved changes), and the quotes' integrity problems
listed at the top, each a link to its row. The page costs the same number of queries
whatever the number of quotes: the rows' speakers, sources and tags are read with the
quotes (articles.admin.autocompletes, ``prefetch_related("tags")``).
"""

from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import to_historic

from articles import integrity
from articles.admin.autocompletes import (
    AutocompleteWidgetsMixin,
    ItemsAutocompleteSelectMultiple,
    PreloadedAutocompleteMixin,
    autocomplete_select,
)
from articles.admin.common import URLIFY_JS, KnownParentInlineFormSet, SlugOptionalMixin
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
from articles.models import Article, ArticleAuthor, Correction, Quote, SlugRedirect
from articles.redirects import record_slug_change

#: What a correction may name as the record it fixes, one at most, of its own story.
CORRECTION_RECORDS = list(Correction.RECORD_FIELDS)
CORRECTION_FIELDS = ["kind", "text", "published_at", *CORRECTION_RECORDS]

#: The story's page, in the order an editor works: the story, who and what it is about,
#: publishing, and the note a change to a published story needs.
STORY_FIELDSET = (
    _("The story"),
    {
        "fields": [
            "headline",
            "slug",
            ("section", "language"),
            "summary",
            "body",
            "lead_image",
            "translation_of",
        ]
    },
)
LINKS_FIELDSET = (
    _("People, organisations, sources and tags"),
    {"fields": ["people", "organisations", "sources", "tags"]},
)
PUBLISHING_FIELDSET = (_("Publishing"), {"fields": [("status", "published_at")]})
CORRECTION_FIELDSET_NAME = _("Correction")
CORRECTION_FIELDSET = (
    CORRECTION_FIELDSET_NAME,
    {"fields": ["correction_kind", "correction_text", "minor_edit"]},
)

#: Text areas start at three lines; story.css lets them grow with their text, up to a cap.
COMPACT_TEXT = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}

#: Short names of the integrity problems, for a quote row's badges.
PROBLEM_BADGES = {
    integrity.NOT_IN_BODY: _("not verbatim"),
    integrity.NO_SOURCE: _("no source"),
}


@dataclass
class QuoteRow:
    """What a quote's one-line row on the story page shows, and whether it starts open."""

    anchor: str  # the id of the row's fields, for links to it
    position: object = None
    speaker: str = ""
    words: str = ""
    direct: bool = True
    source: str = ""
    badges: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # full sentences, for the list at the top
    open: bool = True


def quote_row(form, body):
    """The QuoteRow of an inline quote ``form``, checked against the article ``body``.

    The line shows the quote as the form holds it (after a refused save, what the editor
    submitted). Its problems are those of the submitted values when the form was posted
    (none when it has errors or is marked for deletion), else of the stored quote. It
    starts open when it has an error, holds unsaved changes or is a new quote.
    """
    quote = form.instance
    row = QuoteRow(anchor=f"{form.prefix}-quote")
    row.open = bool(form.errors) or quote.pk is None or (form.is_bound and form.has_changed())
    if quote.pk is not None:
        row.position = quote.position
        row.speaker = quote.speaker.name
        row.words = quote.text
        row.direct = quote.kind == quote.Kind.DIRECT
        row.source = str(quote.source) if quote.source is not None else ""
    if form.is_bound:
        if not form.is_valid() or form.cleaned_data.get("DELETE"):
            return row
        data = form.cleaned_data
        text, kind, has_source = data.get("text"), data.get("kind"), data.get("source") is not None
    elif quote.pk is not None:
        text, kind, has_source = quote.text, quote.kind, quote.source_id is not None
    else:
        return row
    codes = integrity.quote_problem_codes(
        text=text or "", kind=kind, has_source=has_source, body=body
    )
    row.badges = [PROBLEM_BADGES[code] for code in codes]
    row.problems = [integrity.describe(code) for code in codes]
    return row


class BylineInline(PreloadedAutocompleteMixin, BylineInlineDeskMixin, admin.TabularInline):
    """Who wrote the story, in byline order: the first of the article's inlines, right
    under the story's own fields."""

    model = ArticleAuthor
    extra = 0
    autocomplete_fields = ["person"]
    # Each row's heading and its autocomplete show the person: read with the rows.
    row_select_related = ["person"]
    fields = ["person", "position"]
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order: smallest position first)")


class QuoteInline(QuoteInlineDeskMixin, PreloadedAutocompleteMixin, admin.StackedInline):
    """The story's quotes, one line each until opened
    (templates/admin/articles/article/edit_inline/quotes.html; rows from quote_row)."""

    model = Quote
    extra = 0
    autocomplete_fields = ["speaker", "source"]
    row_select_related = ["speaker", "source"]
    formfield_overrides = {**TaggedAdminMixin.formfield_overrides, **COMPACT_TEXT}
    template = "admin/articles/article/edit_inline/quotes.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("position", "kind", "said_on"),
                    "speaker",
                    "source",
                    "text",
                    "original_text",
                    "original_language",
                    "tags",
                ]
            },
        )
    ]

    def get_queryset(self, request):
        # The rows' tags in one query (articles.fields.TaggableManager reads the prefetch).
        return super().get_queryset(request).prefetch_related("tags")


class CorrectionInline(PreloadedAutocompleteMixin, admin.StackedInline):
    """The story's public notes; each may name the one record of the story it corrects
    (Correction.clean refuses a record from another story)."""

    model = Correction
    extra = 0
    fields = CORRECTION_FIELDS
    autocomplete_fields = CORRECTION_RECORDS
    row_select_related = ["quote__speaker", "person", "organisation", "source"]
    # Each row's heading ("Correction: <story>") names the page's own article.
    formset = KnownParentInlineFormSet
    formfield_overrides = COMPACT_TEXT


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
    fieldsets = [STORY_FIELDSET, LINKS_FIELDSET, PUBLISHING_FIELDSET, CORRECTION_FIELDSET]
    formfield_overrides = {**TaggedAdminMixin.formfield_overrides, **COMPACT_TEXT}

    class Media:
        # story.js names select2's boxes after their labels (it runs once they are made).
        js = [*URLIFY_JS, "articles/admin/story.js"]
        css = {"all": ["articles/admin/story.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = autocomplete_select(self, request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ItemsAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and formfield is not None:
            # Django's split date and time inputs have a "Date:"/"Time:" text but no label.
            date, time = formfield.widget.widgets
            name = db_field.verbose_name
            date.attrs["aria-label"] = gettext("%(field)s: date") % {"field": name}
            time.attrs["aria-label"] = gettext("%(field)s: time") % {"field": name}
        return formfield

    def get_fieldsets(self, request, obj=None):
        """The fieldsets; the correction note only where it can be written (a story that
        exists, for someone who may change it), folded away while the story is not public
        (it is needed only once readers have seen the story; an error opens it)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return [fs for fs in fieldsets if fs[0] is not CORRECTION_FIELDSET_NAME]
        if to_historic(obj) is not None:
            # simple-history's restore form carries the version's byline (ArticleDeskMixin).
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], "byline"]}), *rest]
        if not obj.is_public:
            fieldsets = [
                (name, {**options, "classes": ["collapse"]})
                if name is CORRECTION_FIELDSET_NAME
                else (name, options)
                for name, options in fieldsets
            ]
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Each quote row's one-line summary, and the list of quote problems at the top."""
        article = context["adminform"].form.instance
        problems = []
        for inline_admin_formset in context.get("inline_admin_formsets", []):
            if not isinstance(inline_admin_formset.opts, QuoteInline):
                continue
            for form in inline_admin_formset.formset.forms:
                form.quote_row = quote_row(form, article.body)
                problems.extend((form.quote_row, problem) for problem in form.quote_row.problems)
        context["quote_problems"] = problems
        context["story_language"] = article.language or ""
        return super().render_change_form(request, context, add, change, form_url, obj)

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
class QuoteAdmin(
    AutocompleteWidgetsMixin,
    QuoteConflictGuardMixin,
    FoldedSearchMixin,
    TaggedAdminMixin,
    QuoteDeskMixin,
):
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
class CorrectionAdmin(AutocompleteWidgetsMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["article", "kind", "corrected_record", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["article", "quote__speaker", "person", "organisation", "source"]
    search_fields = ["text", "article__headline"]
    fields = ["article", *CORRECTION_FIELDS]
    autocomplete_fields = ["article", *CORRECTION_RECORDS]

    @admin.display(description=_("corrects"))
    def corrected_record(self, obj):
        return obj.record or "—"
