"""RSS 2.0 and Atom feeds of the latest articles, and an RSS feed per person and per tag.

Only ``Article.objects.published()`` reaches a feed. Every feed costs a constant number of
queries: the items come with their people and tags prefetched (``for_listing()``).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from articles.models import Article, Person, Tag

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    """The latest published articles, newest first, as RSS 2.0."""

    language = "hi"

    def title(self, obj=None):
        return gettext("%(site)s: latest news") % {"site": settings.NEWSROOM_NAME}

    def description(self, obj=None):
        return gettext("The latest articles from %(site)s.") % {"site": settings.NEWSROOM_NAME}

    def link(self, obj=None):
        return reverse("articles:article-list")

    def items(self, obj=None):
        return Article.objects.published().for_listing()[:FEED_LENGTH]

    def item_title(self, item):
        # RSS readers commonly treat titles as HTML; escaping (as Django does by default)
        # shows a headline such as "<b> & <i>" as typed instead of interpreting it.
        return escape(item.headline)

    def item_description(self, item):
        # RSS descriptions are HTML; the summary is plain text.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        # Articles carry no individual byline: the newsroom is the author.
        return settings.NEWSROOM_NAME

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same articles as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)

    def item_title(self, item):
        # Atom titles are declared plain text: the feed generator's XML escaping suffices.
        return item.headline


class PersonFeed(LatestArticlesFeed):
    """RSS of the published articles a person appears in; 404 for a person not yet public."""

    def get_object(self, request, slug):
        return get_object_or_404(Person.objects.published(), slug=slug)

    def title(self, obj):
        return gettext("%(name)s in the news: %(site)s") % {
            "name": obj.name,
            "site": settings.NEWSROOM_NAME,
        }

    def description(self, obj):
        return gettext("Articles featuring %(name)s.") % {"name": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return obj.articles.published().for_listing()[:FEED_LENGTH]


class TagFeed(LatestArticlesFeed):
    """RSS of the published articles carrying a tag; 404 for a tag not yet public."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.published(), slug=slug)

    def title(self, obj):
        return gettext("%(tag)s: %(site)s") % {"tag": obj.name, "site": settings.NEWSROOM_NAME}

    def description(self, obj):
        return gettext("Articles tagged “%(tag)s”.") % {"tag": obj.name}

    def link(self, obj):
        return reverse("articles:tag-detail", kwargs={"slug": obj.slug})

    def items(self, obj):
        return Article.objects.published().filter(tag_links__tag=obj).for_listing()[:FEED_LENGTH]
