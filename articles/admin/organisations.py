"""Organisations in the desk: a company, government body, university or party that stories
are about or that issues sources; its page lists those stories and the people affiliated.
A renamed slug leaves a redirect from the old one, as for stories, people and tags.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.admin.common import URLIFY_JS, SlugOptionalMixin
from articles.admin.conflicts import ConflictGuardMixin
from articles.admin.desk import DeskHistoryAdmin, FoldedSearchMixin
from articles.admin.people import _article_list
from articles.models import Organisation, SlugRedirect


@admin.register(Organisation)
class OrganisationAdmin(ConflictGuardMixin, SlugOptionalMixin, FoldedSearchMixin, DeskHistoryAdmin):
    list_display = ["name", "name_latin", "kind", "updated_at"]
    list_filter = ["kind"]
    # The article and source autocompletes search organisations through these.
    search_fields = ["name", "name_latin", "aliases", "slug"]
    slug_redirect_kind = SlugRedirect.Kind.ORGANISATION
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["article_links", "affiliation_links"]

    class Media:
        js = URLIFY_JS

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in self.readonly_fields]
        # Stories and people are listed once the organisation exists.
        return [*fields, *self.readonly_fields] if obj else fields

    @admin.display(description=_("stories about it"))
    def article_links(self, obj):
        articles = obj.articles.order_by("-published_at", "-pk")
        if not articles:
            return _("In no story yet.")
        return _article_list(articles)

    @admin.display(description=_("people affiliated"))
    def affiliation_links(self, obj):
        affiliations = obj.affiliations.select_related("person").order_by(
            "ended", "person__name", "position"
        )
        if not affiliations:
            return _("Nobody affiliated yet.")
        return format_html(
            "<ul class='person-record'>{}</ul>",
            format_html_join(
                "",
                "<li><a href='{}'>{}</a>: {} ({})</li>",
                (
                    (
                        reverse("admin:articles_person_change", args=[affiliation.person_id]),
                        affiliation.person,
                        affiliation.title,
                        _("former role") if affiliation.ended else _("current role"),
                    )
                    for affiliation in affiliations
                ),
            ),
        )
