"""sitemap.xml (articles, people, organisations, tags, sections), the Google News sitemap
and robots.txt.

Only public things are listed: ``Article.objects.published()`` and what derives from it
(``Person.objects.published()``, ``Organisation.objects.published()``,
``Tag.objects.published()``, ``Section.objects.published()``).
Each sitemap section costs two queries (a count for pagination and the items), whatever the
number of rows; the articles' language versions (``xhtml:link`` alternates) one more.
"""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from articles.models import Article, Organisation, Person, Section, Tag

NEWS_SITEMAP_MAX_AGE = datetime.timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


def _latest_public_article_update(**filters):
    """Subquery: the newest updated_at among the published articles matching ``filters``."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


def _newest(*moments):
    return max(moment for moment in moments if moment is not None)


class ArticleSitemap(Sitemap):
    """Public articles; one with a public translation lists every public language version
    (itself included) as ``xhtml:link`` alternates, and its original as x-default.

    Django's own ``alternates`` serve language-prefixed URLs only; ours are separate
    stories, so the alternates are added here, in one query for the whole page.
    """

    def items(self):
        return Article.objects.published().only(
            "slug", "updated_at", "published_at", "translation_of"
        )

    def lastmod(self, article):
        return _newest(article.updated_at, article.published_at)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        originals = {url["item"].translation_of_id or url["item"].pk for url in urls}
        versions = {}
        for version in (
            Article.objects.published()
            .filter(Q(pk__in=originals) | Q(translation_of__in=originals))
            .only("slug", "language", "translation_of")
            .order_by("language", "pk")
        ):
            versions.setdefault(version.translation_of_id or version.pk, []).append(version)
        for url in urls:
            article = url["item"]
            group = versions.get(article.translation_of_id or article.pk, [])
            if len(group) < 2:
                continue
            url["alternates"] = [
                {"location": origin + version.get_absolute_url(), "lang_code": version.language}
                for version in group
            ] + [
                {"location": origin + version.get_absolute_url(), "lang_code": "x-default"}
                for version in group
                if version.translation_of_id is None
            ]
        return urls


class PersonSitemap(Sitemap):
    """Public profiles; a profile changes when the person or one of their articles does."""

    def items(self):
        return (
            Person.objects.published()
            .only("slug", "updated_at")
            .annotate(latest_article=_latest_public_article_update(people=OuterRef("pk")))
            .order_by("slug")
        )

    def lastmod(self, person):
        return _newest(person.updated_at, person.latest_article)


class OrganisationSitemap(Sitemap):
    """Public organisation pages; one changes when the organisation or a story about it
    does."""

    def items(self):
        return (
            Organisation.objects.published()
            .only("slug", "updated_at")
            .annotate(latest_article=_latest_public_article_update(organisations=OuterRef("pk")))
            .order_by("slug")
        )

    def lastmod(self, organisation):
        return _newest(organisation.updated_at, organisation.latest_article)


class TagSitemap(Sitemap):
    """Public tag pages, dated by the newest change to what they list."""

    def items(self):
        tagged_people = Person.objects.published().filter(tag_links__tag=OuterRef("pk"))
        return (
            Tag.objects.published()
            .annotate(
                latest_article=_latest_public_article_update(tag_links__tag=OuterRef("pk")),
                latest_quote=_latest_public_article_update(quotes__tag_links__tag=OuterRef("pk")),
                latest_person=Subquery(
                    tagged_people.order_by("-updated_at").values("updated_at")[:1]
                ),
            )
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("articles:tag-detail", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return _newest(tag.latest_article, tag.latest_quote, tag.latest_person)


class SectionSitemap(Sitemap):
    """Section pages with a public story, dated by their newest change."""

    def items(self):
        return (
            Section.objects.published()
            .annotate(latest_article=_latest_public_article_update(section=OuterRef("pk")))
            .order_by("position", "slug")
        )

    def lastmod(self, section):
        return _newest(section.updated_at, section.latest_article)


SITEMAPS = {
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "organisations": OrganisationSitemap,
    "tags": TagSitemap,
    "sections": SectionSitemap,
}


@require_safe
def news_sitemap(request):
    """Google News sitemap: articles published in the last two days, newest first.

    https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
    """
    since = timezone.now() - NEWS_SITEMAP_MAX_AGE
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "headline", "language", "published_at")
        .order_by("-published_at")[:NEWS_SITEMAP_LIMIT]
    )
    entries = [
        {
            "location": request.build_absolute_uri(article.get_absolute_url()),
            # Google News wants an ISO 639 code: "hi", not "hi-IN".
            "language": article.language.partition("-")[0],
            # W3C date-time in the site's zone, whole seconds: 2026-02-10T09:30:00+05:30.
            "published_at": timezone.localtime(article.published_at)
            .replace(microsecond=0)
            .isoformat(),
            "title": article.headline,
        }
        for article in articles
    ]
    return render(
        request,
        "sitemaps/news.xml",
        {"entries": entries, "publication_name": settings.NEWSROOM_NAME},
        content_type="application/xml; charset=utf-8",
    )


def reverse_in(language, name):
    with translation.override(language):
        return reverse(name)


@require_safe
def robots_txt(request):
    """Everything but the admin may be crawled; the sitemaps are named with absolute URLs."""
    return render(
        request,
        "robots.txt",
        {
            "admin_path": reverse("admin:index"),
            # The content API's documentation, for crawlers that look for data (issue 11).
            "api_docs": request.build_absolute_uri(reverse("api:docs")),
            "sitemaps": [
                request.build_absolute_uri(reverse("articles:sitemap")),
                # The English interface's addresses (/en/…): one sitemap per language.
                *(
                    request.build_absolute_uri(reverse_in(language, "articles:sitemap"))
                    for language, _ in settings.LANGUAGES
                    if language != settings.LANGUAGE_CODE
                ),
                request.build_absolute_uri(reverse("articles:news-sitemap")),
            ],
        },
        content_type="text/plain; charset=utf-8",
    )
