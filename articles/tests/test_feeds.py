"""RSS and Atom feeds (articles/feeds.py): well-formed, complete, public only, constant queries."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Person
from articles.tests.factories import ArticleFactory, PersonFactory, QuoteFactory
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
    # RSS titles are HTML-escaped by convention; the headline's apostrophes come back.
    assert item.findtext("title") == seed.headline.replace("'", "&#x27;")
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
    # RSS: the title and description are HTML, escaped, so a reader shows the text.
    assert item.findtext("title") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;"
    assert item.findtext("description") == item.findtext("title")
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
    queries = 4 if url_name == "articles:person-feed" else 3  # (person) + items, people, tags
    feed_url = url()
    with django_assert_num_queries(queries):
        client.get(feed_url)
    person = Person.objects.order_by("pk").first()
    for _ in range(3):
        ArticleFactory(people=[person, *PersonFactory.create_batch(4)], tags=["क", "ख", "ग"])
    assert article.people.count() == 2
    with django_assert_num_queries(queries):
        response = client.get(feed_url)
    # The stress newsroom's two articles, and the three added.
    assert response.content.count(b"<item>") + response.content.count(b"<entry>") == 5


def test_tag_feed_query_count_does_not_grow(client, django_assert_num_queries):
    first = ArticleFactory(people=PersonFactory.create_batch(2), tags=["स्थिर"])
    url = reverse("articles:tag-feed", kwargs={"slug": first.tags.get().slug})
    with django_assert_num_queries(4):  # tag, items, people, tags
        client.get(url)
    for _ in range(4):
        ArticleFactory(people=PersonFactory.create_batch(5), tags=["स्थिर", "अन्य", "तीसरा"])
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(ET.fromstring(response.content).findall("channel/item")) == 5
