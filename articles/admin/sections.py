"""Sections in the desk: the site's navigation, in the order editors set in the list."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.admin.common import URLIFY_JS, SlugOptionalMixin
from articles.admin.desk import DeskHistoryAdmin, FoldedSearchMixin
from articles.models import Section


@admin.register(Section)
class SectionAdmin(SlugOptionalMixin, FoldedSearchMixin, DeskHistoryAdmin):
    list_display = ["name", "name_en", "slug", "position", "story_count"]
    list_display_links = ["name"]
    # The navigation order is set here, all sections at once.
    list_editable = ["position"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "name_en", "slug", "position", "description"]

    class Media:
        js = URLIFY_JS

    def get_queryset(self, request):
        # Every story counts, drafts included: the desk's own view of its sections.
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count
