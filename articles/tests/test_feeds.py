"""RSS and Atom feeds (articles/feeds.py): well-formed, complete, public only, constant queries."""

import datetime
import html
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Person
from articles.tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
)
from articles.tests.stress import build_stress_newsroom

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def get_xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


def rss(client, url):
    root = get_xml(client, url, "application/rss+xml")
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    assert channel.findtext("language") == "hi"
    for item in channel.findall("item"):
        for required in ("title", "link", "guid", "pubDate", "description"):
            assert item.findtext(required), required
    return channel


def atom(client, url):
    root = get_xml(client, url, "application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}"), required
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    return root


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def test_rss_feed_carries_the_seed_article(client, seed):
    channel = rss(client, reverse("articles:feed-rss"))
    assert channel.findtext("link") == "http://testserver/"
    (item,) = channel.findall("item")
    assert item.findtext("link") == f"http://testserver{seed.get_absolute_url()}"
    assert item.findtext("guid") == item.findtext("link")
    # Plain text, escaped once (by the XML): the headline's apostrophes come back as typed.
    assert item.findtext("title") == seed.headline
    assert item.findtext("description") == seed.summary
    assert item.findtext("pubDate") == "Mon, 09 Feb 2026 18:30:00 +0000"
    assert item.findtext(f"{DC}creator") == "Newsroom"
    assert {c.text for c in item.findall("category")} == {t.name for t in seed.tags.all()}


def test_atom_feed_carries_the_seed_article(client, seed):
    root = atom(client, reverse("articles:feed-atom"))
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == seed.headline
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{seed.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}summary") == seed.summary
    assert entry.findtext(f"{ATOM}published").startswith("2026-02-09T18:30:00")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Newsroom"
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {
        t.name for t in seed.tags.all()
    }


def test_feeds_show_only_published_articles_newest_first(client):
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    new = ArticleFactory()
    draft = ArticleFactory(draft=True)
    future = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    channel = rss(client, reverse("articles:feed-rss"))
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [f"http://testserver{a.get_absolute_url()}" for a in (new, old)]
    body = client.get(reverse("articles:feed-atom")).content.decode()
    assert draft.headline not in body
    assert future.headline not in body


def test_hostile_text_is_escaped_and_round_trips(client):
    hostile = "<script>alert(1)</script> & ]]>"
    ArticleFactory(headline=hostile, summary=hostile, tags=[hostile[:20]])
    item = rss(client, reverse("articles:feed-rss")).find("item")
    # The title is plain text; the description is HTML, so the summary is escaped as HTML.
    assert item.findtext("title") == hostile
    assert item.findtext("description") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;"
    entry = atom(client, reverse("articles:feed-atom")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == hostile  # Atom titles are plain text


def test_person_feed_lists_their_public_articles(client):
    person = PersonFactory(name="मृणांक शर्मा")
    theirs = ArticleFactory(people=[person])
    ArticleFactory(people=[person], draft=True)
    ArticleFactory()  # someone else's
    url = reverse("articles:person-feed", kwargs={"slug": person.slug})
    channel = rss(client, url)
    assert "मृणांक शर्मा" in channel.findtext("title")
    assert channel.findtext("link") == f"http://testserver{person.get_absolute_url()}"
    assert [i.findtext("link") for i in channel.findall("item")] == [
        f"http://testserver{theirs.get_absolute_url()}"
    ]


def test_person_feed_of_someone_only_in_drafts_is_404(client):
    hidden = PersonFactory()
    ArticleFactory(people=[hidden], draft=True)
    response = client.get(reverse("articles:person-feed", kwargs={"slug": hidden.slug}))
    assert response.status_code == 404
    assert hidden.name not in response.content.decode()


def test_tag_feed_lists_public_articles_with_the_tag(client):
    tagged = ArticleFactory(tags=["इस्तीफ़ा"])
    ArticleFactory(tags=["इस्तीफ़ा"], draft=True)
    ArticleFactory(tags=["दूसरा"])
    tag = tagged.tags.get()
    channel = rss(client, reverse("articles:tag-feed", kwargs={"slug": tag.slug}))
    assert "इस्तीफ़ा" in channel.findtext("title")
    assert channel.findtext("link") == "http://testserver" + reverse(
        "articles:tag-detail", kwargs={"slug": tag.slug}
    )
    assert [i.findtext("link") for i in channel.findall("item")] == [
        f"http://testserver{tagged.get_absolute_url()}"
    ]


def test_tag_feed_of_a_tag_used_only_on_drafts_is_404(client):
    draft = ArticleFactory(tags=["गुप्त योजना"], draft=True)
    slug = draft.tags.get().slug
    response = client.get(reverse("articles:tag-feed", kwargs={"slug": slug}))
    assert response.status_code == 404
    assert "गुप्त योजना" not in response.content.decode()


def test_tag_feed_of_a_tag_used_on_a_public_quote_exists(client):
    quote = QuoteFactory()
    quote.tags.set(["उद्धरण"])
    slug = quote.tags.get().slug
    channel = rss(client, reverse("articles:tag-feed", kwargs={"slug": slug}))
    assert channel.findall("item") == []  # no article carries it, yet the tag is public


@pytest.mark.parametrize(
    "url_name", ["articles:feed-rss", "articles:feed-atom", "articles:person-feed"]
)
def test_feed_query_count_does_not_grow(client, django_assert_num_queries, url_name):
    def url():
        if url_name == "articles:person-feed":
            person = Person.objects.order_by("pk").first()
            return reverse(url_name, kwargs={"slug": person.slug})
        return reverse(url_name)

    article = build_stress_newsroom(people=2, quotes=2, tags=2, corrections=1)
    # (person) + items, bylines, people, tags
    queries = 5 if url_name == "articles:person-feed" else 4
    feed_url = url()
    with django_assert_num_queries(queries):
        client.get(feed_url)
    person = Person.objects.order_by("pk").first()
    for _ in range(3):
        ArticleFactory(
            people=[person, *PersonFactory.create_batch(4)],
            tags=["क", "ख", "ग"],
            authors=PersonFactory.create_batch(3),
        )
    assert article.people.count() == 2
    with django_assert_num_queries(queries):
        response = client.get(feed_url)
    # The stress newsroom's two articles, and the three added.
    assert response.content.count(b"<item>") + response.content.count(b"<entry>") == 5


def test_tag_feed_query_count_does_not_grow(client, django_assert_num_queries):
    first = ArticleFactory(people=PersonFactory.create_batch(2), tags=["स्थिर"])
    url = reverse("articles:tag-feed", kwargs={"slug": first.tags.get().slug})
    with django_assert_num_queries(5):  # tag, items, bylines, people, tags
        client.get(url)
    for _ in range(4):
        ArticleFactory(
            people=PersonFactory.create_batch(5),
            tags=["स्थिर", "अन्य", "तीसरा"],
            authors=PersonFactory.create_batch(2),
        )
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(ET.fromstring(response.content).findall("channel/item")) == 5


# Read by a real feed client (feedparser), bylines, section and author feeds (issue 8) ----

TRICKY = """It's "सही" & a < b, <b>not bold</b> 'मूल्य हार रहे'"""


def read(client, url):
    """The feed as feedparser (a real feed client) reads it; it must be well-formed."""
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def every_feed_url(article):
    person, author = article.people.get(), article.byline.get().person
    return [
        reverse("articles:feed-rss"),
        reverse("articles:feed-atom"),
        reverse("articles:person-feed", kwargs={"slug": person.slug}),
        reverse("articles:tag-feed", kwargs={"slug": article.tags.get().slug}),
        reverse("articles:section-feed", kwargs={"slug": article.section.slug}),
        reverse("articles:author-feed", kwargs={"slug": author.slug}),
    ]


def test_every_feed_reads_back_headline_and_summary_exactly(client):
    article = ArticleFactory(
        headline=TRICKY,
        summary=TRICKY + " <script>alert(1)</script>",
        people=[PersonFactory()],
        authors=[PersonFactory(name='O\'Brien & "सह"')],
        tags=["फ़ीड"],
        section=SectionFactory(),
    )
    for url in every_feed_url(article):
        (entry,) = read(client, url).entries
        assert entry.title == TRICKY, url
        # The summary is plain text sent as HTML: a reader renders it to the text typed,
        # never to markup (no bold, no script).
        assert entry.summary_detail.type == "text/html", url
        assert html.unescape(entry.summary) == article.summary, url
        assert "<b>" not in entry.summary and "<script" not in entry.summary, url
        assert [author["name"] for author in entry.authors] == ['O\'Brien & "सह"'], url


def test_the_seed_story_reads_right_in_a_feed_client(client, seed):
    for url in (reverse("articles:feed-rss"), reverse("articles:feed-atom")):
        (entry,) = read(client, url).entries
        assert entry.title == seed.headline and "&#x27;" not in entry.title
        assert html.unescape(entry.summary) == seed.summary
        assert [author["name"] for author in entry.authors] == ["Newsroom"]


def test_an_author_per_item_in_byline_order(client):
    names = ["रीना दास", "Amit Roy", "सीमा"]
    authors = [PersonFactory(name=name) for name in names]
    article = ArticleFactory(authors=authors)
    rss_feed = read(client, reverse("articles:feed-rss"))
    assert [author["name"] for author in rss_feed.entries[0].authors] == names
    item = rss(client, reverse("articles:feed-rss")).find("item")
    assert [creator.text for creator in item.findall(f"{DC}creator")] == names
    atom_feed = read(client, reverse("articles:feed-atom"))
    assert [(a["name"], a["href"]) for a in atom_feed.entries[0].authors] == [
        (person.name, f"http://testserver{person.get_absolute_url()}") for person in authors
    ]
    assert article.byline.count() == 3


def test_section_feed_lists_its_public_stories(client):
    section = SectionFactory(name="टेक", name_en="Tech")
    old = ArticleFactory(section=section, published_at=timezone.now() - datetime.timedelta(1))
    new = ArticleFactory(section=section)
    ArticleFactory(section=section, draft=True)
    ArticleFactory(section=section, published_at=timezone.now() + datetime.timedelta(1))
    ArticleFactory(section=SectionFactory())
    url = reverse("articles:section-feed", kwargs={"slug": section.slug})
    channel = rss(client, url)
    assert channel.findtext("title") == "टेक: Newsroom"
    assert channel.findtext("link") == f"http://testserver{section.get_absolute_url()}"
    assert [item.findtext("link") for item in channel.findall("item")] == [
        f"http://testserver{article.get_absolute_url()}" for article in (new, old)
    ]


def test_section_feed_of_an_empty_section_is_empty_and_unknown_is_404(client):
    empty = SectionFactory()
    ArticleFactory(section=empty, draft=True)
    channel = rss(client, reverse("articles:section-feed", kwargs={"slug": empty.slug}))
    assert channel.findall("item") == []
    missing = reverse("articles:section-feed", kwargs={"slug": "कहीं-नहीं"})
    assert client.get(missing).status_code == 404


def test_author_feed_lists_what_they_wrote_not_where_they_appear(client):
    writer = PersonFactory(name="रीना दास")
    wrote = ArticleFactory(authors=[writer, PersonFactory()])
    ArticleFactory(authors=[writer], draft=True)
    ArticleFactory(people=[writer])  # appears in, did not write
    url = reverse("articles:author-feed", kwargs={"slug": writer.slug})
    channel = rss(client, url)
    assert "रीना दास" in channel.findtext("title")
    assert channel.findtext("link") == f"http://testserver{writer.get_absolute_url()}"
    assert [item.findtext("link") for item in channel.findall("item")] == [
        f"http://testserver{wrote.get_absolute_url()}"
    ]


def test_author_feed_of_someone_who_wrote_only_drafts_or_nothing_is_404(client):
    drafter = PersonFactory()
    ArticleFactory(authors=[drafter], draft=True)
    featured = PersonFactory()
    ArticleFactory(people=[featured])
    for person in (drafter, featured):
        response = client.get(reverse("articles:author-feed", kwargs={"slug": person.slug}))
        assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["articles:section-feed", "articles:author-feed"])
def test_section_and_author_feed_query_count_does_not_grow(
    client, django_assert_num_queries, url_name
):
    section, author = SectionFactory(), PersonFactory()
    ArticleFactory(section=section, authors=[author], people=[PersonFactory()], tags=["क"])
    slug = section.slug if url_name == "articles:section-feed" else author.slug
    url = reverse(url_name, kwargs={"slug": slug})
    with django_assert_num_queries(5):  # section or author, items, bylines, people, tags
        client.get(url)
    for _ in range(4):
        ArticleFactory(
            section=section,
            authors=[*PersonFactory.create_batch(4), author],
            people=PersonFactory.create_batch(3),
            tags=["क", "ख"],
        )
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(read(client, url).entries) == 5 and response.status_code == 200


# Organisation feeds (issue 9) ---------------------------------------------------------


def test_organisation_feed_lists_public_stories_about_it_newest_first(client):
    org = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic", slug="anthropic")
    older = ArticleFactory(
        organisations=[org], published_at=timezone.now() - datetime.timedelta(days=1)
    )
    newer = ArticleFactory(organisations=[org], headline=TRICKY)
    ArticleFactory(organisations=[org], draft=True)
    ArticleFactory()  # about something else
    url = reverse("articles:organisation-feed", kwargs={"slug": "anthropic"})
    channel = rss(client, url)
    assert "एंथ्रोपिक" in channel.findtext("title")
    assert channel.findtext("link") == f"http://testserver{org.get_absolute_url()}"
    assert [i.findtext("link") for i in channel.findall("item")] == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]
    feed = read(client, url)
    assert feed.entries[0].title == TRICKY


def test_organisation_feed_of_one_only_in_drafts_is_404(client):
    hidden = OrganisationFactory(name="गुप्त संस्था")
    ArticleFactory(organisations=[hidden], draft=True)
    response = client.get(reverse("articles:organisation-feed", kwargs={"slug": hidden.slug}))
    assert response.status_code == 404
    assert "गुप्त संस्था" not in response.content.decode()


def test_organisation_feed_query_count_does_not_grow(client, django_assert_num_queries):
    org = OrganisationFactory()
    ArticleFactory(organisations=[org], people=PersonFactory.create_batch(2), tags=["क"])
    url = reverse("articles:organisation-feed", kwargs={"slug": org.slug})
    with django_assert_num_queries(5):  # organisation, items, bylines, people, tags
        client.get(url)
    for _ in range(4):
        ArticleFactory(
            organisations=[org, OrganisationFactory()],
            people=PersonFactory.create_batch(3),
            tags=["क", "ख"],
            authors=PersonFactory.create_batch(2),
        )
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(ET.fromstring(response.content).findall("channel/item")) == 5
