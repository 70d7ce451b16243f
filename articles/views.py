"""The readers' site. Views stay thin: what is public comes from the QuerySets' published(),
what a page loads from their for_*() methods, linking from articles.linking, search from
articles.search and the people index order from articles.collation."""

import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, ListView, TemplateView

from articles import collation, publishing, search
from articles.linking import body_for_page
from articles.models import (
    Affiliation,
    Article,
    Correction,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
    Tag,
)


def record_corrections(lookup):
    """Prefetch of the public corrections that name a record (``lookup``: its
    ``corrections``), into ``public_corrections``: what _record_corrections.html shows."""
    return Prefetch(
        lookup, queryset=Correction.objects.for_record_page(), to_attr="public_corrections"
    )


def careers(lookup):
    """Prefetch of the roles under ``lookup`` (a person's ``affiliations``) in career order,
    with organisations and sources: what articles.affiliations reads to describe a person
    as of a date, at one query whatever the number of people."""
    return Prefetch(lookup, queryset=Affiliation.objects.for_career())


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(DetailView):
    """A story. Its page is rendered in parts kept per content generation (``{% per_generation
    %}``), so the view reads only the story's row; its people, quotes, roles and sources are
    read (``Article.load_page()``), and its body linked, only when a part is rendered."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_article_page_row()

    def get_context_data(self, **kwargs):
        article = SimpleLazyObject(self.object.load_page)
        body = functools.cache(lambda: body_for_page(article))
        kwargs["object"] = article
        return super().get_context_data(
            article=article,
            article_pk=self.object.pk,  # the parts' key, read without loading the page
            linked_body=lambda: body().html,
            marked_quotes=lambda: body().marked_quotes,
            # Only what _related.html shows. A template calls a callable each time it reads it.
            related=functools.cache(
                lambda: list(
                    Article.objects.published()
                    .related_to(article)
                    .only("slug", "headline", "language", "published_at")
                )
            ),
            **kwargs,
        )


class PersonDetailView(DetailView):
    """A profile: the person, the stories they wrote (their byline), then one entry per
    article they appear in (featured or quoted), each with the person's quotes from it.
    Both lists are newest first and paginated apart (``written`` and ``page``)."""

    template_name = "articles/person_detail.html"
    context_object_name = "person"
    articles_per_page = 20

    def get_queryset(self):
        return (
            Person.objects.published()
            .select_related("photo")
            .prefetch_related("tags", record_corrections("corrections"), careers("affiliations"))
        )

    def get_context_data(self, **kwargs):
        person = self.object
        written = Paginator(
            Article.objects.published()
            .filter(byline__person=person)
            .for_listing()
            .order_by("-published_at", "-pk"),
            self.articles_per_page,
        ).get_page(self.request.GET.get("written"))
        articles = (
            Article.objects.published()
            .featuring(person)
            .with_byline()
            .order_by("-published_at", "-pk")
        )
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        quotes = (
            Quote.objects.published()
            .filter(speaker=person, article__in=[article.pk for article in page])
            .select_related("article", "source")
            .order_by("position")
        )
        by_article = {}
        for quote in quotes:
            # The profile's own person, roles loaded: each quote names the role of its date.
            quote.speaker = person
            by_article.setdefault(quote.article_id, []).append(quote)
        entries = [(article, by_article.get(article.pk, [])) for article in page]
        return super().get_context_data(
            written=written,
            entries=entries,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            quote_count=sum(len(quotes) for quotes in by_article.values()),
            **kwargs,
        )


class PersonListView(TemplateView):
    """People A to Z: by the Devanagari name, then by the Latin name, in dictionary order."""

    template_name = "articles/person_list.html"

    def get_context_data(self, **kwargs):
        people = list(Person.objects.published().order_by())
        return super().get_context_data(
            devanagari_groups=collation.group_by_initial(people, script="deva"),
            latin_groups=collation.group_by_initial(people, script="latn"),
            person_count=len(people),
            **kwargs,
        )


class OrganisationDetailView(DetailView):
    """An organisation's page: the people affiliated with it now, then before (only people
    a reader may see), the public stories about it (newest first, paginated) and the public
    corrections that name it."""

    template_name = "articles/organisation_detail.html"
    context_object_name = "organisation"
    articles_per_page = 20

    def get_queryset(self):
        affiliations = (
            Affiliation.objects.of_public_people()
            .select_related("person")
            .order_by("person__name", "position", "pk")
        )
        return Organisation.objects.published().prefetch_related(
            Prefetch("affiliations", queryset=affiliations),
            record_corrections("corrections"),
        )

    def get_context_data(self, **kwargs):
        affiliations = list(self.object.affiliations.all())
        articles = (
            Article.objects.published()
            .filter(organisations=self.object)
            .for_listing()
            .order_by("-published_at", "-pk")
        )
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            current_affiliations=[a for a in affiliations if not a.ended],
            former_affiliations=[a for a in affiliations if a.ended],
            articles=page,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            **kwargs,
        )


class OrganisationListView(TemplateView):
    """Organisations A to Z, beside the people's index: by the Devanagari name, then by the
    Latin name, in dictionary order."""

    template_name = "articles/organisation_list.html"

    def get_context_data(self, **kwargs):
        organisations = list(Organisation.objects.published().order_by())
        return super().get_context_data(
            devanagari_groups=collation.group_by_initial(organisations, script="deva"),
            latin_groups=collation.group_by_initial(organisations, script="latn"),
            organisation_count=len(organisations),
            **kwargs,
        )


class TagDetailView(DetailView):
    """Everything public that carries a tag: articles (paginated), people and quotes."""

    template_name = "articles/tag_detail.html"
    context_object_name = "tag"
    articles_per_page = 20
    related_limit = 50

    def get_queryset(self):
        return Tag.objects.published()

    def get_context_data(self, **kwargs):
        tag = self.object
        articles = Article.objects.published().filter(tag_links__tag=tag).for_listing()
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        people = Person.objects.published().filter(tag_links__tag=tag).order_by("name")
        quotes = (
            Quote.objects.published()
            .filter(tag_links__tag=tag)
            .select_related("article", "speaker", "source")
            .prefetch_related(careers("speaker__affiliations"))
            .order_by("-article__published_at", "position")
        )
        return super().get_context_data(
            articles=page,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            people=people[: self.related_limit],
            quotes=quotes[: self.related_limit],
            **kwargs,
        )


class SectionDetailView(DetailView):
    """A section's public stories, newest first, paginated; an empty section is a page too."""

    template_name = "articles/section_detail.html"
    context_object_name = "section"
    articles_per_page = 20

    def get_queryset(self):
        return Section.objects.all()

    def get_context_data(self, **kwargs):
        articles = (
            Article.objects.published()
            .filter(section=self.object)
            .for_listing()
            .order_by("-published_at", "-pk")
        )
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            articles=page,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            current_section=self.object,
            **kwargs,
        )


class QuoteDetailView(DetailView):
    template_name = "articles/quote_detail.html"
    context_object_name = "quote"

    def get_queryset(self):
        return (
            Quote.objects.published()
            .select_related("article", "speaker")
            .prefetch_related(
                Prefetch("source", queryset=Source.objects.with_authors()),
                "tags",
                record_corrections("corrections"),
                careers("speaker__affiliations"),
            )
        )


class CorrectionListView(ListView):
    template_name = "articles/correction_list.html"
    context_object_name = "corrections"
    paginate_by = 50

    def get_queryset(self):
        # The record each names is linked: its quote (with the speaker), person,
        # organisation, or source (shown by name: a source has no page of its own).
        return (
            Correction.objects.published()
            .select_related("article", "quote__speaker", "person", "organisation", "source")
            .order_by("-published_at", "-pk")
        )


class SearchView(TemplateView):
    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        query = search.parse(self.request.GET.get("q", ""))
        return super().get_context_data(query=query, results=search.run(query), **kwargs)


# Drafts for the desk: staff preview and secret share links (articles/publishing.py) -----


class UnpublishedArticleMixin:
    """The article page for a reader who is not the public: a banner, and never indexed.

    noindex goes both into the page (``<meta name="robots">``, via the ``noindex`` context
    flag read by base.html) and into an ``X-Robots-Tag`` header. ``no-referrer`` keeps a
    share link's secret token out of the Referer header of links clicked in the draft.
    """

    template_name = "articles/article_preview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, noindex=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        header, value = publishing.NOINDEX_HEADER
        response[header] = value
        response["Referrer-Policy"] = "no-referrer"
        add_never_cache_headers(response)
        return response


@method_decorator(staff_member_required, name="dispatch")
class ArticlePreviewView(UnpublishedArticleMixin, ArticleDetailView):
    """Staff only: any article, draft or scheduled, in the site's own design."""

    def get_queryset(self):
        if not self.request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        return Article.objects.for_article_page()


class SharedArticleView(UnpublishedArticleMixin, ArticleDetailView):
    """Anyone holding an active share link reads that one article; revoked links are 404."""

    def get(self, request, *args, **kwargs):
        self.object = publishing.article_for_share_token(kwargs["token"])
        if self.object.is_public:
            # Published since it was shared: send the reader to the real page.
            return redirect(self.object)
        return self.render_to_response(self.get_context_data(object=self.object))
