"""The image library in the desk: thumbnails in the list, checked uploads, and on each
image's page every story and person that uses it."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles import images, publishing
from articles.admin.common import SlugOptionalMixin
from articles.admin.conflicts import ConflictGuardMixin
from articles.admin.desk import DeskHistoryAdmin, FoldedSearchMixin
from articles.markup import candidate_figure_keys
from articles.models import Article, Image


def _img(rendition, alt=""):
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        rendition.url,
        rendition.width,
        rendition.height,
        alt,
    )


@admin.register(Image)
class ImageAdmin(ConflictGuardMixin, SlugOptionalMixin, FoldedSearchMixin, DeskHistoryAdmin):
    list_display = ["thumbnail", "key", "alt_text", "credit", "dimensions", "updated_at"]
    list_display_links = ["thumbnail", "key"]
    list_filter = ["language"]
    search_fields = ["key", "alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "used_by"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "dimensions", "alt_text", "language", "key"]}),
        (_("Caption and rights"), {"fields": ["caption", "credit", "copyright", "licence_url"]}),
        (_("Details"), {"fields": ["taken_on", "focal_x", "focal_y"]}),
        (_("Used by"), {"fields": ["used_by"]}),
    ]
    # check_upload's own messages (bomb, 100 Mpx, truncated, not an image) on the field.
    formfield_overrides = {models.ImageField: {"form_class": images.PhotoFormField}}

    def has_change_permission(self, request, obj=None):
        # A published story's photograph is part of that story: its caption, credit or
        # crop changes what readers see, so, like the story, only editors change it.
        if (
            obj is not None
            and not publishing.can_publish(request.user)
            and obj.in_published_story()
        ):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "key" and field is not None:
            field.required = False  # Image.save makes one from the alt text
        return field

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        # A 320-pixel rendition, never the full file: a list of 100 originals would be
        # hundreds of megabytes.
        return _img(images.thumbnail(obj)) if obj.width else "–"

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.pk is None or not obj.width:
            return "–"
        return _img(images.srcset(obj, "JPEG")[1 if obj.width > 320 else 0], obj.alt_text)

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "–"

    @admin.display(description=_("used by"))
    def used_by(self, obj):
        """Stories with it as lead image or as a body figure, people with it as portrait:
        three queries, whatever the number."""
        if obj.pk is None:
            return "–"
        leads = list(obj.lead_of.order_by("-pk"))
        # Bodies that mention the key, narrowed to those that place it on a line of its own.
        figures = [
            article
            for article in Article.objects.filter(body__contains=obj.key).order_by("-pk")
            if obj.key in candidate_figure_keys(article.body)
        ]
        portraits = list(obj.portrait_of.order_by("name"))
        rows = [
            (reverse("admin:articles_article_change", args=[a.pk]), a.headline, _("lead image"))
            for a in leads
        ]
        rows += [
            (reverse("admin:articles_article_change", args=[a.pk]), a.headline, _("figure"))
            for a in figures
        ]
        rows += [
            (reverse("admin:articles_person_change", args=[p.pk]), p.name, _("portrait"))
            for p in portraits
        ]
        if not rows:
            return _("Not used yet.")
        items = format_html_join("", '<li><a href="{}">{}</a> ({})</li>', rows)
        return format_html('<ul class="image-usage">{}</ul>', items)
