"""RSS 2.0 and Atom feeds of the latest articles, and an RSS feed per person (stories they
appear in), per organisation (stories about it), per author (stories they wrote), per tag
and per section.

Only ``Article.objects.published()`` reaches a feed. Every feed costs a constant number of
queries: the items come with their byline, people and tags prefetched (``for_listing()``).

Titles go into the feed as plain text, escaped once for XML by the feed generator:
escaping them as HTML first made feed readers show "&#x27;" for an apostrophe.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext

from articles import images
from articles.models import Article, Organisation, Person, Section, Tag

FEED_LENGTH = 30
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
MEDIA_NAMESPACE = "http://search.yahoo.com/mrss/"


class LeadImageFeedMixin:
    """Each item's lead image: an enclosure (RSS ``<enclosure>``, Atom ``link
    rel="enclosure"``) with its length and type, and ``item["lead_image"]`` for
    MediaRssMixin. The JPEG rendition is used (``images.feed_image``); its length is read
    from storage, and an image whose renditions are not made yet is left out."""

    def _lead_image(self, item):
        if not item.lead_image_id or not item.lead_image.width:
            return None
        rendition = images.feed_image(item.lead_image)
        try:
            rendition.size  # noqa: B018 - read now: a missing file leaves the image out.
        except OSError:
            return None
        return rendition

    def item_enclosures(self, item):
        # Relative: the generator (AbsoluteEnclosureMixin) resolves it against the feed's
        # link, which Django has made absolute; a shared Feed instance has no request.
        rendition = self._lead_image(item)
        if rendition is None:
            return []
        return [Enclosure(rendition.url, str(rendition.size), rendition.mime_type)]

    def item_extra_kwargs(self, item):
        rendition = self._lead_image(item)
        lead = None
        if rendition is not None:
            lead = {
                "rendition": rendition,
                "alt": item.lead_image.alt_text,
                "credit": item.lead_image.credit,
            }
        return {**super().item_extra_kwargs(item), "lead_image": lead}


class AbsoluteEnclosureMixin:
    """Generator part: enclosure URLs made absolute against the feed's own link."""

    def add_item_elements(self, handler, item):
        item["enclosures"] = [
            Enclosure(urljoin(self.feed["link"], e.url), e.length, e.mime_type)
            for e in item["enclosures"]
        ]
        super().add_item_elements(handler, item)


class MediaRssMixin(AbsoluteEnclosureMixin):
    """RSS generator part: ``media:content`` (with the alt text as ``media:description``
    and the credit as ``media:credit``) for ``item["lead_image"]``."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        lead = item.get("lead_image")
        if not lead:
            return
        rendition = lead["rendition"]
        handler.startElement(
            "media:content",
            {
                "url": urljoin(self.feed["link"], rendition.url),
                "type": rendition.mime_type,
                "medium": "image",
                "width": str(rendition.width),
                "height": str(rendition.height),
                "fileSize": str(rendition.size),
            },
        )
        handler.addQuickElement("media:description", lead["alt"], {"type": "plain"})
        if lead["credit"]:
            handler.addQuickElement("media:credit", lead["credit"])
        handler.endElement("media:content")


class BylineRssFeed(MediaRssMixin, Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author (``item["authors"]``: name, profile path).

    RSS's own ``<author>`` must be an e-mail address, which the desk does not publish.
    """

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)


class BylineAtomFeed(AbsoluteEnclosureMixin, Atom1Feed):
    """Atom 1.0 with one ``<author>`` (name and profile URI) per author."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, path in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if path:
                # The feed's own link is absolute (Django adds the domain): resolve against it.
                handler.addQuickElement("uri", urljoin(self.feed["link"], path))
            handler.endElement("author")


class LatestArticlesFeed(LeadImageFeedMixin, Feed):
    """The latest published articles, newest first, as RSS 2.0."""

    feed_type = BylineRssFeed
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
        return item.headline

    def item_description(self, item):
        # Descriptions are HTML (RSS by convention, Atom's summary says type="html"): the
        # plain-text summary is escaped as HTML, so a reader shows "<b>" as typed.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_extra_kwargs(self, item):
        """``authors``: (name, profile path) in byline order; the newsroom (no path) when
        the story has no byline. Read by BylineRssFeed and BylineAtomFeed."""
        authors = [
            (author.person.name, author.person.get_absolute_url()) for author in item.byline.all()
        ] or [(settings.NEWSROOM_NAME, "")]
        return {**super().item_extra_kwargs(item), "authors": authors}

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same articles as Atom 1.0."""

    feed_type = BylineAtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


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


class OrganisationFeed(LatestArticlesFeed):
    """RSS of the published articles about an organisation; 404 for one not yet public."""

    def get_object(self, request, slug):
        return get_object_or_404(Organisation.objects.published(), slug=slug)

    def title(self, obj):
        return gettext("%(name)s in the news: %(site)s") % {
            "name": obj.name,
            "site": settings.NEWSROOM_NAME,
        }

    def description(self, obj):
        return gettext("Articles about %(name)s.") % {"name": obj.name}

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


class SectionFeed(LatestArticlesFeed):
    """RSS of a section's published articles; 404 only for an unknown section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return gettext("%(section)s: %(site)s") % {
            "section": obj.name_for(self.language),
            "site": settings.NEWSROOM_NAME,
        }

    def description(self, obj):
        return gettext("The latest articles in the section “%(section)s”.") % {
            "section": obj.name_for(self.language)
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Article.objects.published().filter(section=obj).for_listing()[:FEED_LENGTH]


class AuthorFeed(LatestArticlesFeed):
    """RSS of the published articles a person wrote; 404 for someone with none."""

    def get_object(self, request, slug):
        writers = Person.objects.filter(bylines__article__in=Article.objects.published())
        return get_object_or_404(writers.distinct(), slug=slug)

    def title(self, obj):
        return gettext("Stories by %(name)s: %(site)s") % {
            "name": obj.name,
            "site": settings.NEWSROOM_NAME,
        }

    def description(self, obj):
        return gettext("Articles written by %(name)s.") % {"name": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Article.objects.published().filter(byline__person=obj).for_listing()[:FEED_LENGTH]
