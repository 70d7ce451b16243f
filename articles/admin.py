from django.contrib import admin

from articles.models import Article, Correction, Person, Quote, Source, Tag


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["speaker", "source"]
    fields = [
        "position",
        "speaker",
        "kind",
        "text",
        "source",
        "said_on",
        "original_text",
        "original_language",
    ]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "language", "updated_at"]
    list_filter = ["status", "language", "published_at"]
    search_fields = ["headline", "summary", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["people", "sources"]
    inlines = [QuoteInline, CorrectionInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "name_latin", "description", "updated_at"]
    search_fields = ["name", "name_latin", "aliases", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "attribution", "published_on"]
    list_filter = ["kind"]
    search_fields = ["title", "author_name", "author__name", "notes"]
    autocomplete_fields = ["author", "based_on"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "article", "kind", "source"]
    list_filter = ["kind"]
    list_select_related = ["speaker", "article", "source"]
    search_fields = ["text", "speaker__name", "speaker__name_latin"]
    autocomplete_fields = ["speaker", "article", "source"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
