"""Drafts never leak: an anonymous crawl of everything public (pages, feeds, sitemaps, the
API) finds nothing of a draft, a scheduled story or a story unpublished after publication,
though each shares its people, tags and section with a published story; their direct
addresses answer 404; share links open only what they should, privately.

The photographs of unpublished stories: their files are served like any other upload (media
serving does not know about stories, and object storage would serve them directly), so
what must hold is that no public route *names* them; the crawl checks that.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, quote_plus, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from articles import images, publishing, redirects
from articles.models import Article, SlugRedirect
from articles.tests.factories import (
    ArticleFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 600
NOT_CRAWLED = ("/admin/", "/static/", "/i18n/", "/preview/", "/share/")


@pytest.fixture(params=[False, True], ids=["no-page-cache", "page-cache"])
def page_cache(request, settings, tmp_path):
    settings.PAGE_CACHE = request.param
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    translation.activate("hi")
    yield request.param
    cache.clear()


def photo(n):
    # Distinct pixels: files are named after their contents.
    return ImageFactory(file=ContentFile(jpeg_bytes(1600 + 8 * n, 1200), name=f"p{n}.jpg"))


@pytest.fixture
def newsroom():
    """A published story linked to everything, and three hidden ones sharing its links."""
    section = SectionFactory()
    person, author = PersonFactory(), PersonFactory()
    organisation = OrganisationFactory()
    published = ArticleFactory(
        headline="खुली ख़बर",
        slug="खुली-ख़बर",
        section=section,
        lead_image=photo(0),
        people=[person],
        organisations=[organisation],
        authors=[author],
        tags=["साझा"],
    )
    QuoteFactory(article=published, speaker=person, source=SourceFactory())
    ArticleFactory(section=section, people=[person], tags=["साझा"])  # a related story
    hidden = {}
    for n, label in enumerate(["draft", "scheduled", "unpublished"], 1):
        marker = f"hidden{label}"
        story = ArticleFactory(
            headline=f"गुप्त सुर्ख़ी {marker}",
            slug=f"गुप्त-{marker}",
            summary=f"सार {marker}summary",
            body=f"गुप्त अनुच्छेद {marker}body।",
            section=section,
            lead_image=photo(n),
            people=[person],
            organisations=[organisation],
            authors=[author],
            tags=["साझा"],
            **({"draft": True} if label == "draft" else {}),
        )
        QuoteFactory(article=story, speaker=person, text=f"गुप्त अनुच्छेद {marker}body।")
        hidden[label] = story
    draft = hidden["draft"]
    draft.translation_of = published
    draft.language = "en"
    draft.save()
    scheduled = hidden["scheduled"]
    scheduled.published_at = timezone.now() + datetime.timedelta(days=2)
    scheduled.save()
    # Published, renamed (so it has an old slug), then taken down.
    gone = hidden["unpublished"]
    old_slug = gone.slug
    gone.slug = f"{old_slug}-नया"
    gone.save()
    redirects.record_slug_change(SlugRedirect.Kind.ARTICLE, old_slug, gone.slug)
    gone.status = Article.Status.DRAFT
    gone.save()
    return published, hidden, old_slug


def secrets_of(story, *extra_slugs):
    image = story.lead_image
    slugs = [story.slug, *extra_slugs]
    names = [
        image.file.name.rsplit("/", 1)[-1],
        *(n.rsplit("/", 1)[-1] for n in images.rendition_names(image)),
    ]
    return {
        story.headline,
        story.body.rstrip("।").rsplit(" ", 1)[-1],
        *slugs,
        *(quote(slug) for slug in slugs),
        *(name.rsplit(".", 1)[0] for name in names),
    }


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append(candidate.split()[0])


def links_in(response, base):
    kind = response.get("Content-Type", "")
    body = response.content
    if "json" in kind:
        found = []

        def walk(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, str) and (
                        key.endswith("url") or key in {"next", "previous"}
                    ):
                        found.append(item)
                    else:
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(body))
        return found
    if "xml" in kind:
        root = ET.fromstring(body)
        found = [
            e.text
            for e in root.iter()
            if e.tag.rsplit("}", 1)[-1] in {"loc", "link", "id"} and e.text
        ]
        found += [
            e.get("href") or e.get("url") for e in root.iter() if e.get("href") or e.get("url")
        ]
        return found
    if "html" in kind:
        parser = _Links()
        parser.feed(body.decode())
        return parser.links
    if "text/plain" in kind:
        return re.findall(r"https?://\S+", body.decode())
    return []


def without_query(path, response):
    """The answer's text, less the search query it echoes back (in the box, the heading and
    its links): what the reader typed is not a leak, a result would be."""
    text = response.content.decode(errors="replace")
    query = parse_qs(urlsplit(path).query).get("q", [""])[0]
    if query:
        for form in (escape(query), query, quote(query), quote_plus(query)):
            text = text.replace(form, "")
    return text


def crawl(client, starts):
    """Every same-site answer reachable from ``starts``, anonymously: {path: response}."""
    seen, queue, answers = set(), list(starts), {}
    while queue and len(answers) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in {"", "testserver"} or parts.scheme not in {"", "http", "https"}:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or path.startswith(NOT_CRAWLED) or not path.startswith("/"):
            continue
        seen.add(path)
        accept = "application/json" if path.startswith("/api/") else "*/*"
        response = client.get(path, HTTP_ACCEPT=accept)
        answers[path] = response
        if response.status_code in {301, 302}:
            queue.append(urljoin(path, response["Location"]))
        elif response.status_code == 200 and not path.startswith("/media/"):
            queue += [urljoin(path, link) for link in links_in(response, path)]
    return answers


@pytest.mark.slow
def test_an_anonymous_crawl_finds_nothing_of_unpublished_stories(
    client, newsroom, page_cache, admin_client
):
    published, hidden, old_slug = newsroom
    # Staff look at the drafts first: with the page cache on, nothing they saw may be kept.
    for story in hidden.values():
        admin_client.get(publishing.preview_url(story))
        client.get(publishing.create_share_link(story).get_absolute_url())
    starts = [
        reverse("articles:article-list"),
        reverse("articles:sitemap"),
        reverse("articles:news-sitemap"),
        reverse("articles:robots"),
        reverse("articles:feed-rss"),
        reverse("articles:feed-atom"),
        "/en/",
        reverse("api:root"),
        *(
            reverse(f"api:{kind}-list")
            for kind in [
                "story",
                "person",
                "organisation",
                "quote",
                "source",
                "tag",
                "section",
                "correction",
            ]
        ),
    ]
    for story in hidden.values():
        for word in (story.headline, story.slug, story.body.rstrip("।").rsplit(" ", 1)[-1]):
            starts.append(f"{reverse('articles:search')}?q={quote(word)}")
    answers = crawl(client, starts)
    assert published.get_absolute_url() in answers
    assert len(answers) > 40
    assert any(path.startswith("/media/") for path in answers)
    secrets = {label: secrets_of(story) for label, story in hidden.items()}
    secrets["unpublished"] |= {old_slug, quote(old_slug)}
    leaks = [
        (path, label, secret)
        for path, response in answers.items()
        if not path.startswith("/media/")
        for label, words in secrets.items()
        for secret in words
        if secret in without_query(path, response) or secret in response.get("Location", "")
    ]
    assert leaks == []
    assert all(response.status_code < 500 for response in answers.values())


def test_direct_addresses_of_unpublished_stories_are_404(client, newsroom, page_cache):
    _, hidden, old_slug = newsroom
    urls = [f"/articles/{quote(old_slug)}/"]
    for story in hidden.values():
        urls += [
            story.get_absolute_url(),
            reverse("articles:quote-detail", args=[story.quotes.get().pk]),
            reverse("api:story-detail", args=[story.slug]),
            reverse("api:quote-detail", args=[story.quotes.get().pk]),
        ]
    for _ in range(2):  # the second time from the page cache, when it is on
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, url
            assert "गुप्त" not in response.content.decode(), url


def test_share_links_open_only_their_own_draft_privately(client, newsroom):
    _, hidden, _ = newsroom
    draft, scheduled = hidden["draft"], hidden["scheduled"]
    link = publishing.create_share_link(draft)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert draft.headline in response.content.decode()
    assert scheduled.headline not in response.content.decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "noindex" in response["X-Robots-Tag"]

    token = link.token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in [
        tampered,
        "x",
        token.upper() if token.upper() != token else token.lower(),
        token + "0",
    ]:
        assert client.get(reverse("articles:share", args=[bad])).status_code == 404, bad
    other = publishing.create_share_link(scheduled)
    other.revoke()
    assert client.get(other.get_absolute_url()).status_code == 404
    # A link to a story since deleted is 404 too, not some other story.
    doomed = publishing.create_share_link(hidden["unpublished"])
    hidden["unpublished"].delete()
    assert client.get(doomed.get_absolute_url()).status_code == 404
