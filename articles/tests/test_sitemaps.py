"""sitemap.xml, the Google News sitemap and robots.txt (articles/sitemaps.py)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Person, Tag
from articles.sitemaps import NEWS_SITEMAP_LIMIT
from articles.tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
)
from articles.tests.stress import build_stress_newsroom

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def sitemap_entries(client):
    response = client.get(reverse("articles:sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}urlset"
    entries = {}
    for url in root.findall(f"{SM}url"):
        loc, lastmod = url.findtext(f"{SM}loc"), url.findtext(f"{SM}lastmod")
        assert loc.startswith("http://testserver/"), loc
        assert lastmod, loc
        datetime.date.fromisoformat(lastmod)
        entries[loc] = lastmod
    return entries


def absolute(path):
    return f"http://testserver{path}"


def news_entries(client):
    response = client.get(reverse("articles:news-sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}urlset"
    entries = []
    for url in root.findall(f"{SM}url"):
        news = url.find(f"{NEWS}news")
        publication = news.find(f"{NEWS}publication")
        entries.append(
            {
                "loc": url.findtext(f"{SM}loc"),
                "name": publication.findtext(f"{NEWS}name"),
                "language": publication.findtext(f"{NEWS}language"),
                "date": datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")),
                "title": news.findtext(f"{NEWS}title"),
            }
        )
    return entries


def test_sitemap_lists_the_seeds_article_people_organisations_tags_and_section(client):
    call_command("loaddata", "seed", verbosity=0)
    entries = sitemap_entries(client)
    article = Article.objects.get()
    expected = {absolute(article.get_absolute_url())}
    expected |= {absolute(p.get_absolute_url()) for p in Person.objects.all()}
    expected |= {absolute(o.get_absolute_url()) for o in Organisation.objects.all()}
    expected |= {
        absolute(reverse("articles:tag-detail", kwargs={"slug": t.slug})) for t in Tag.objects.all()
    }
    # The story's section only: the seed's other sections have no public story yet.
    expected.add(absolute(article.section.get_absolute_url()))
    assert set(entries) == expected
    assert entries[absolute(article.get_absolute_url())] == "2026-02-10"


def test_sitemap_leaves_out_drafts_and_what_only_drafts_use(client):
    public = ArticleFactory(people=[PersonFactory()], tags=["खुला"])
    hidden_person = PersonFactory()
    draft = ArticleFactory(draft=True, people=[hidden_person], tags=["गुप्त"])
    future = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    entries = sitemap_entries(client)
    text = "\n".join(entries)
    assert absolute(public.get_absolute_url()) in entries
    assert draft.slug not in text
    assert future.slug not in text
    assert hidden_person.slug not in text
    assert Tag.objects.get(name="गुप्त").slug not in text
    assert absolute(reverse("articles:tag-detail", kwargs={"slug": "खुला"})) in entries


def test_lastmod_follows_the_newest_change(client):
    person = PersonFactory()
    Person.objects.filter(pk=person.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 1, 1))
    )
    article = ArticleFactory(people=[person], tags=["समय"])
    later = timezone.make_aware(datetime.datetime(2026, 3, 5, 12))
    Article.objects.filter(pk=article.pk).update(
        published_at=later - datetime.timedelta(days=1), updated_at=later
    )
    entries = sitemap_entries(client)
    assert entries[absolute(article.get_absolute_url())] == "2026-03-05"
    # The profile lists the article, so it changed when the article did.
    assert entries[absolute(person.get_absolute_url())] == "2026-03-05"
    tag_url = absolute(reverse("articles:tag-detail", kwargs={"slug": "समय"}))
    assert entries[tag_url] == "2026-03-05"


def test_person_quoted_in_a_public_article_is_listed(client):
    quote = QuoteFactory()
    assert absolute(quote.speaker.get_absolute_url()) in sitemap_entries(client)


def test_sitemap_query_count_does_not_grow(client, django_assert_num_queries):
    build_stress_newsroom(people=2, quotes=2, tags=2, corrections=1, organisations=1)
    # Per section (articles, people, organisations, tags, sections): a count for
    # pagination, then the items; and the articles' language versions.
    with django_assert_num_queries(11):
        first = sitemap_entries(client)
    build_stress_newsroom(people=8, quotes=10, tags=6, corrections=4, organisations=6)
    section = SectionFactory()
    for article in ArticleFactory.create_batch(
        5, people=PersonFactory.create_batch(3), tags=["एक", "दो"], section=section
    ):
        ArticleFactory(language="en", translation_of=article, section=SectionFactory())
    with django_assert_num_queries(11):
        second = sitemap_entries(client)
    assert len(second) > len(first)


def test_news_sitemap_has_the_last_two_days_with_publication_and_language(client):
    now = timezone.now()
    recent = ArticleFactory(headline="ताज़ा ख़बर & <विश्लेषण>", published_at=now)
    english = ArticleFactory(language="en-IN", published_at=now - datetime.timedelta(hours=5))
    ArticleFactory(published_at=now - datetime.timedelta(days=2, minutes=1))  # too old
    ArticleFactory(draft=True)
    ArticleFactory(published_at=now + datetime.timedelta(hours=1))  # scheduled
    entries = news_entries(client)
    assert [e["loc"] for e in entries] == [
        absolute(recent.get_absolute_url()),
        absolute(english.get_absolute_url()),
    ]
    first = entries[0]
    assert first["name"] == "Newsroom"
    assert first["language"] == "hi"
    assert first["title"] == "ताज़ा ख़बर & <विश्लेषण>"
    assert first["date"] == recent.published_at.replace(microsecond=0)
    assert first["date"].utcoffset() == datetime.timedelta(hours=5, minutes=30)
    assert entries[1]["language"] == "en"


def test_news_sitemap_keeps_at_most_the_limit(client, settings, django_assert_num_queries):
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"ख़बर {n}",
            slug=f"ख़बर-{n}",
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(seconds=n),
        )
        for n in range(NEWS_SITEMAP_LIMIT + 5)
    )
    with django_assert_num_queries(1):
        entries = news_entries(client)
    assert len(entries) == NEWS_SITEMAP_LIMIT
    assert entries[0]["title"] == "ख़बर 0"


def test_news_sitemap_publication_name_comes_from_settings(client, settings):
    settings.NEWSROOM_NAME = "दैनिक समाचार"
    ArticleFactory()
    assert news_entries(client)[0]["name"] == "दैनिक समाचार"


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    # The English interface's pages, under /en/, have their own.
    assert "Sitemap: http://testserver/en/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_robots_txt_uses_the_requests_host_and_scheme(client):
    response = client.get("/robots.txt", secure=True, headers={"host": "localhost"})
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()


# Sections and translations (issue 8) -----------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_alternates(client):
    """{loc: [(hreflang, href), …]} for every URL of sitemap.xml (parsed as namespaced XML)."""
    root = ET.fromstring(client.get(reverse("articles:sitemap")).content)
    return {
        url.findtext(f"{SM}loc"): [
            (link.get("hreflang"), link.get("href"))
            for link in url.findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        ]
        for url in root.findall(f"{SM}url")
    }


def test_sections_with_public_stories_are_listed(client):
    listed = SectionFactory()
    story = ArticleFactory(section=listed)
    drafts_only, empty = SectionFactory(), SectionFactory()
    ArticleFactory(section=drafts_only, draft=True)
    entries = sitemap_entries(client)
    assert entries[absolute(listed.get_absolute_url())] == str(
        timezone.localtime(max(story.updated_at, listed.updated_at)).date()
    )
    assert absolute(drafts_only.get_absolute_url()) not in entries
    assert absolute(empty.get_absolute_url()) not in entries


def test_translations_carry_xhtml_alternates_both_ways(client):
    original = ArticleFactory(language="hi")
    english = ArticleFactory(language="en", translation_of=original)
    ArticleFactory(language="ur", translation_of=original, draft=True)
    alone = ArticleFactory()
    alternates = sitemap_alternates(client)
    expected = [
        ("en", absolute(english.get_absolute_url())),
        ("hi", absolute(original.get_absolute_url())),
        ("x-default", absolute(original.get_absolute_url())),
    ]
    assert alternates[absolute(original.get_absolute_url())] == expected
    assert alternates[absolute(english.get_absolute_url())] == expected
    assert alternates[absolute(alone.get_absolute_url())] == []


def test_a_draft_original_is_no_alternate_of_its_translation(client):
    hidden = ArticleFactory(language="hi", draft=True)
    public = ArticleFactory(language="en", translation_of=hidden)
    alternates = sitemap_alternates(client)
    assert alternates[absolute(public.get_absolute_url())] == []
    assert absolute(hidden.get_absolute_url()) not in alternates


def test_news_sitemap_is_unchanged_by_sections_and_translations(client):
    original = ArticleFactory(section=SectionFactory())
    ArticleFactory(language="en", translation_of=original)
    entries = news_entries(client)
    assert sorted(entry["language"] for entry in entries) == ["en", "hi"]
    body = client.get(reverse("articles:news-sitemap")).content
    assert b"xhtml" not in body


# Organisations (issue 9) --------------------------------------------------------------


def test_public_organisations_are_listed_dated_by_their_newest_story(client):
    about = OrganisationFactory()
    Organisation.objects.filter(pk=about.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 1, 1))
    )
    article = ArticleFactory(organisations=[about])
    later = timezone.make_aware(datetime.datetime(2026, 3, 5, 12))
    Article.objects.filter(pk=article.pk).update(
        published_at=later - datetime.timedelta(days=1), updated_at=later
    )
    issuer = OrganisationFactory()  # public as the author of a cited source
    ArticleFactory().sources.add(SourceFactory(author_organisation=issuer))
    hidden = OrganisationFactory()
    ArticleFactory(organisations=[hidden], draft=True)
    entries = sitemap_entries(client)
    assert entries[absolute(about.get_absolute_url())] == "2026-03-05"
    assert absolute(issuer.get_absolute_url()) in entries
    assert hidden.slug not in "\n".join(entries)
