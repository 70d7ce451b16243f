"""The readers' site. Views stay thin: what is public comes from the QuerySets' published(),
what a page loads from their for_*() methods, linking from articles.linking, search from
articles.search and the people index order from articles.collation."""

import functools
import hashlib

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, ListView, TemplateView

from articles import caching, collation, publishing, search
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


def paginated(objects, per_page, number):
    """The page ``number`` (a query parameter's value; the last page past the end, the first
    for junk) of ``objects``, as a template's _pagination.html reads it."""
    page = Paginator(objects, per_page).get_page(number)
    return {"page_obj": page, "is_paginated": page.has_other_pages()}


class KeptPartsMixin:
    """A page rendered in parts kept per content generation (``{% per_generation %}``,
    articles/templatetags/fragments.py): for a request the page cache cannot answer, the
    view reads only the page's own row, if it has one, and that too is kept.

    What the parts show is read only when a part renders: ``parts()`` returns the rest of
    the context (a dict of the names in ``part_names``), called at most once; a detail
    page's object is handed to the template lazily, with ``load(obj)`` (``page_lookups``
    prefetched onto it) run at its first use. ``object_pk`` is the parts' key, read
    without loading anything.
    """

    page_lookups = ()
    part_names = ()
    keep_row = True

    def get_object(self, queryset=None):
        # The row itself is kept for the generation too (only a row found: a junk address
        # keeps nothing). Its key is the view and the address's arguments.
        if queryset is not None or not self.keep_row:
            return super().get_object(queryset)
        address = "\x1f".join(f"{name}={value}" for name, value in sorted(self.kwargs.items()))
        digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
        return caching.per_generation(
            f"row:{type(self).__name__}:{digest}", super().get_object, request=self.request
        )

    def load(self, obj):
        prefetch_related_objects([obj], *self.get_page_lookups())
        return obj

    def get_page_lookups(self):
        return self.page_lookups

    def get_part_names(self):
        return self.part_names

    def parts(self, obj):
        return {}

    def get_context_data(self, **kwargs):
        obj = getattr(self, "object", None)
        if obj is not None:
            obj = SimpleLazyObject(functools.partial(self.load, obj))
            kwargs["object"] = kwargs[self.get_context_object_name(self.object)] = obj
            kwargs["object_pk"] = self.object.pk
        parts = functools.cache(functools.partial(self.parts, obj))
        for name in self.get_part_names():
            kwargs[name] = SimpleLazyObject(functools.partial(lambda name: parts()[name], name))
        return super().get_context_data(**kwargs)


class ArticleListView(KeptPartsMixin, TemplateView):
    template_name = "articles/article_list.html"
    part_names = ("articles", "page_obj", "is_paginated")
    per_page = 20

    def parts(self, obj):
        shown = paginated(
            Article.objects.published().for_listing(), self.per_page, self.request.GET.get("page")
        )
        return {"articles": shown["page_obj"], **shown}


class ArticleDetailView(KeptPartsMixin, DetailView):
    """A story: its people, quotes, roles and sources are read (``Article.load_page()``),
    its body linked and its related stories found, only when a part renders."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    part_names = ("linked_body", "marked_quotes", "related")

    def get_queryset(self):
        return Article.objects.published().for_article_page_row()

    def load(self, article):
        return article.load_page()

    def parts(self, article):
        body = body_for_page(article)
        return {
            "linked_body": body.html,
            "marked_quotes": body.marked_quotes,
            # Only what _related.html shows: small to keep, whatever the bodies.
            "related": list(
                Article.objects.published()
                .related_to(article)
                .only("slug", "headline", "language", "published_at")
            ),
        }


class PersonDetailView(KeptPartsMixin, DetailView):
    """A profile: the person, the stories they wrote (their byline), then one entry per
    article they appear in (featured or quoted), each with the person's quotes from it.
    Both lists are newest first and paginated apart (``written`` and ``page``)."""

    template_name = "articles/person_detail.html"
    context_object_name = "person"
    articles_per_page = 20
    part_names = ("written", "entries", "page_obj", "is_paginated", "quote_count")

    def get_queryset(self):
        return Person.objects.published().select_related("photo")

    def get_page_lookups(self):
        return ("tags", record_corrections("corrections"), careers("affiliations"))

    def parts(self, person):
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
        shown = paginated(articles, self.articles_per_page, self.request.GET.get("page"))
        page = shown["page_obj"]
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
        return {
            "written": written,
            "entries": [(article, by_article.get(article.pk, [])) for article in page],
            "quote_count": sum(len(quotes) for quotes in by_article.values()),
            **shown,
        }


class IndexView(KeptPartsMixin, TemplateView):
    """A kind's public records A to Z: by the Devanagari name, then by the Latin name, in
    dictionary order (articles.collation), and how many there are (``count_name``)."""

    model = None
    count_name = ""

    def get_part_names(self):
        return ("devanagari_groups", "latin_groups", self.count_name)

    def parts(self, obj):
        records = list(self.model.objects.published().order_by())
        return {
            "devanagari_groups": collation.group_by_initial(records, script="deva"),
            "latin_groups": collation.group_by_initial(records, script="latn"),
            self.count_name: len(records),
        }


class PersonListView(IndexView):
    template_name = "articles/person_list.html"
    model = Person
    count_name = "person_count"


class OrganisationDetailView(KeptPartsMixin, DetailView):
    """An organisation's page: the people affiliated with it now, then before (only people
    a reader may see), the public stories about it (newest first, paginated) and the public
    corrections that name it."""

    template_name = "articles/organisation_detail.html"
    context_object_name = "organisation"
    articles_per_page = 20
    part_names = ("current_affiliations", "former_affiliations", "articles", "page_obj")
    part_names += ("is_paginated",)

    def get_queryset(self):
        return Organisation.objects.published()

    def get_page_lookups(self):
        affiliations = (
            Affiliation.objects.of_public_people()
            .select_related("person")
            .order_by("person__name", "position", "pk")
        )
        return (Prefetch("affiliations", queryset=affiliations), record_corrections("corrections"))

    def parts(self, organisation):
        affiliations = list(organisation.affiliations.all())
        articles = (
            Article.objects.published()
            .filter(organisations=organisation)
            .for_listing()
            .order_by("-published_at", "-pk")
        )
        shown = paginated(articles, self.articles_per_page, self.request.GET.get("page"))
        return {
            "current_affiliations": [a for a in affiliations if not a.ended],
            "former_affiliations": [a for a in affiliations if a.ended],
            "articles": shown["page_obj"],
            **shown,
        }


class OrganisationListView(IndexView):
    """Organisations A to Z, beside the people's index."""

    template_name = "articles/organisation_list.html"
    model = Organisation
    count_name = "organisation_count"


class TagDetailView(KeptPartsMixin, DetailView):
    """Everything public that carries a tag: articles (paginated), people and quotes."""

    template_name = "articles/tag_detail.html"
    context_object_name = "tag"
    articles_per_page = 20
    related_limit = 50
    part_names = ("articles", "page_obj", "is_paginated", "people", "quotes")

    def get_queryset(self):
        return Tag.objects.published()

    def parts(self, tag):
        articles = Article.objects.published().filter(tag_links__tag=tag).for_listing()
        shown = paginated(articles, self.articles_per_page, self.request.GET.get("page"))
        people = Person.objects.published().filter(tag_links__tag=tag).order_by("name")
        quotes = (
            Quote.objects.published()
            .filter(tag_links__tag=tag)
            .select_related("article", "speaker", "source")
            .prefetch_related(careers("speaker__affiliations"))
            .order_by("-article__published_at", "position")
        )
        return {
            "articles": shown["page_obj"],
            "people": list(people[: self.related_limit]),
            "quotes": list(quotes[: self.related_limit]),
            **shown,
        }


class SectionDetailView(KeptPartsMixin, DetailView):
    """A section's public stories, newest first, paginated; an empty section is a page too."""

    template_name = "articles/section_detail.html"
    context_object_name = "section"
    articles_per_page = 20
    part_names = ("articles", "page_obj", "is_paginated")

    def get_queryset(self):
        return Section.objects.all()

    def get_context_data(self, **kwargs):
        # The navigation (outside the parts) marks the section: its row, already read.
        return super().get_context_data(current_section=self.object, **kwargs)

    def parts(self, section):
        articles = (
            Article.objects.published()
            .filter(section=section)
            .for_listing()
            .order_by("-published_at", "-pk")
        )
        shown = paginated(articles, self.articles_per_page, self.request.GET.get("page"))
        return {"articles": shown["page_obj"], **shown}


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


class SearchView(KeptPartsMixin, TemplateView):
    template_name = "articles/search.html"
    part_names = ("results",)

    def get_context_data(self, **kwargs):
        self.query = search.parse(self.request.GET.get("q", ""))
        return super().get_context_data(query=self.query, **kwargs)

    def parts(self, obj):
        return {"results": search.run(self.query)}


# Drafts for the desk: staff preview and secret share links (articles/publishing.py) -----


class UnpublishedArticleMixin:
    """The article page for a reader who is not the public: a banner, and never indexed.

    noindex goes both into the page (``<meta name="robots">``, via the ``noindex`` context
    flag read by base.html) and into an ``X-Robots-Tag`` header. ``no-referrer`` keeps a
    share link's secret token out of the Referer header of links clicked in the draft.
    """

    template_name = "articles/article_preview.html"
    # Found afresh for each request: get_queryset() checks the reader's permission.
    keep_row = False

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
