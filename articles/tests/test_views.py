import datetime
from urllib.parse import quote as urlquote
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article, Person
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def test_home_lists_published_articles_newest_first(client):
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    new = ArticleFactory()
    draft = ArticleFactory(draft=True, headline="गुप्त मसौदा")
    future = ArticleFactory(headline="भविष्य", published_at=timezone.now() + datetime.timedelta(1))
    response = client.get(reverse("articles:article-list"))
    assert response.status_code == 200
    assert list(response.context["articles"]) == [new, old]
    html = response.content.decode()
    assert draft.headline not in html
    assert future.headline not in html


def test_home_query_count_does_not_grow_with_articles(client, django_assert_num_queries):
    people = PersonFactory.create_batch(3)
    ArticleFactory.create_batch(2, people=people, tags=["एक", "दो"])
    with django_assert_num_queries(4):
        client.get(reverse("articles:article-list"))
    ArticleFactory.create_batch(5, people=people, tags=["तीन"])
    with django_assert_num_queries(4):
        client.get(reverse("articles:article-list"))


def test_article_page_shows_everything_and_links_every_person(client, seed):
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{seed.language}"' in html
    assert seed.headline.replace("'", "&#x27;") in html
    for person in seed.people.all():
        assert f'href="{person.get_absolute_url()}"' in html
    for quote in seed.quotes.all():
        assert f'id="quote-{quote.position}"' in html
    for tag in seed.tags.all():
        assert tag.name in html
    assert "<ul>" in html and "<h2>" in html  # the Markdown body was rendered


def test_article_url_with_devanagari_slug_resolves_both_raw_and_percent_encoded(client):
    article = ArticleFactory(headline="सेफगार्ड हेड का इस्तीफ़ा")
    url = reverse("articles:article-detail", kwargs={"slug": article.slug})
    assert url == f"/articles/{urlquote(article.slug)}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/articles/{article.slug}/").status_code == 200
    assert resolve(unquote(url)).kwargs == {"slug": article.slug}


def test_every_person_link_on_the_seed_article_works(client, seed):
    for person in seed.people.all():
        response = client.get(person.get_absolute_url())
        assert response.status_code == 200, person.slug
        assert person.name in response.content.decode()


def test_article_page_query_count_is_constant(client, django_assert_num_queries):
    article = ArticleFactory(people=PersonFactory.create_batch(2), tags=["क"])
    QuoteFactory(article=article)
    CorrectionFactory(article=article)
    with django_assert_num_queries(6):
        client.get(article.get_absolute_url())
    article.people.add(*PersonFactory.create_batch(5))
    article.tags.add("ख", "ग", "घ")
    for _ in range(4):
        QuoteFactory(article=article)
        CorrectionFactory(article=article, published_at=timezone.now() - datetime.timedelta(_))
    with django_assert_num_queries(6):
        client.get(article.get_absolute_url())


@pytest.mark.parametrize(
    "traits", [{"draft": True}, {"published_at": timezone.now() + datetime.timedelta(days=3)}]
)
def test_drafts_and_scheduled_articles_answer_404(client, admin_client, traits):
    article = ArticleFactory(**traits)
    assert client.get(article.get_absolute_url()).status_code == 404
    # Even staff see drafts only through the admin's preview, never the public URL.
    assert admin_client.get(article.get_absolute_url()).status_code == 404


def test_person_page_shows_both_scripts_quotes_and_articles(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", bio="कवि।")
    article = ArticleFactory(people=[person])
    quote = QuoteFactory(article=article, speaker=person, text="बहुत मुश्किल है")
    draft = ArticleFactory(draft=True, headline="छिपा मसौदा", people=[person])
    QuoteFactory(article=draft, speaker=person, text="गुप्त बयान")
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "मृणांक शर्मा" in html and '<p class="name-latin" lang="en">Mrinank Sharma</p>' in html
    assert quote.text in html and f'href="{quote.get_absolute_url()}"' in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "छिपा मसौदा" not in html and "गुप्त बयान" not in html


def test_person_known_only_from_drafts_answers_404(client):
    person = PersonFactory()
    ArticleFactory(draft=True, people=[person])
    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_page_query_count_is_constant(client, django_assert_num_queries):
    person = PersonFactory()
    QuoteFactory(speaker=person, article=ArticleFactory(people=[person]))
    # Person, their tags, the article count, a page of articles, those articles' quotes.
    with django_assert_num_queries(5):
        client.get(person.get_absolute_url())
    for _ in range(4):
        QuoteFactory(speaker=person, article=ArticleFactory(people=[person]))
    person.tags.add("क", "ख")
    with django_assert_num_queries(5):
        client.get(person.get_absolute_url())


def test_editor_text_is_escaped(client):
    person = PersonFactory(name="<script>alert(1)</script>", description='"><img onerror=x>')
    article = ArticleFactory(
        headline="<b>शीर्षक</b>",
        summary="<i>x</i>",
        body="<script>alert(2)</script>",
        people=[person],
    )
    QuoteFactory(article=article, speaker=person, text="<em>उद्धरण</em>")
    for url in [article.get_absolute_url(), person.get_absolute_url(), "/"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<b>शीर्षक" not in html and "<em>उद्धरण" not in html
        assert "<img onerror" not in html


def test_unknown_slug_answers_404(client):
    assert client.get("/articles/कोई-नहीं/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert Person.objects.count() == 0


# Readers' site pages ------------------------------------------------------------------


def test_article_body_links_featured_people_at_first_mention(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृणांक")
    article = ArticleFactory(body="## मृणांक\n\nकल मृणांक ने लिखा। मृणांक शर्मा फिर बोले।", people=[person])
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[
        html.index('<div class="body"') : html.index("</div>", html.index('<div class="body"'))
    ]
    assert body.count(f'href="{person.get_absolute_url()}"') == 1
    assert "<h2>मृणांक</h2>" in body
    assert f'कल <a class="person-link" href="{person.get_absolute_url()}">मृणांक</a> ने' in body


def test_article_page_shows_sources_corrections_newest_first_and_roles(client):
    author = PersonFactory(name="लेखक", name_latin="Writer")
    person = PersonFactory(description="सेफ्टी रिसर्चर")
    article = ArticleFactory(people=[person])
    letter = SourceFactory(
        title="इस्तीफे का पत्र",
        kind="letter",
        author=author,
        url="https://example.com/letter",
        archive_url="https://archive.example.org/letter",
    )
    report = SourceFactory(title="अख़बार की रिपोर्ट", author_name="दैनिक समाचार")
    article.sources.set([letter, report])
    old = CorrectionFactory(
        article=article, text="पुराना सुधार", published_at=timezone.now() - datetime.timedelta(days=2)
    )
    new = CorrectionFactory(article=article, text="नया सुधार")
    html = client.get(article.get_absolute_url()).content.decode()
    sources = html[html.index('id="sources-heading"') :]
    assert 'href="https://example.com/letter"' in sources
    assert 'href="https://archive.example.org/letter"' in sources
    assert "दैनिक समाचार" in sources and "लेखक" in sources
    assert html.index(new.text) < html.index(old.text)
    assert "सेफ्टी रिसर्चर" in html


def test_person_profile_groups_quotes_by_article_and_paginates(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", wikidata_id="Q42")
    person.tags.add("एआई")
    articles = [
        ArticleFactory(people=[person], published_at=timezone.now() - datetime.timedelta(days=n))
        for n in range(1, 24)
    ]
    QuoteFactory(article=articles[0], speaker=person, text="पहला बयान")
    QuoteFactory(article=articles[0], speaker=person, text="दूसरा बयान")
    quoted_only = ArticleFactory(published_at=timezone.now())  # quoted, not featured
    QuoteFactory(article=quoted_only, speaker=person, text="तीसरा बयान")
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    entries = response.context["entries"]
    assert [article for article, _ in entries][:2] == [quoted_only, articles[0]]
    assert [q.text for q in entries[1][1]] == ["पहला बयान", "दूसरा बयान"]
    assert len(entries) == 20 and response.context["is_paginated"]
    assert "https://www.wikidata.org/wiki/Q42" in html
    assert f'href="{reverse("articles:tag-detail", kwargs={"slug": "एआई"})}"' in html
    page2 = client.get(person.get_absolute_url(), {"page": 2}).context["entries"]
    assert [article for article, _ in page2] == articles[19:]


def test_people_index_in_devanagari_and_latin_dictionary_order(client):
    for name, latin in [("क़ासिम", "qasim"), ("काजल", "Kajal"), ("अमित", "amit"), ("आनंद", "")]:
        ArticleFactory(people=[PersonFactory(name=name, name_latin=latin)])
    PersonFactory(name="छिपा", name_latin="Hidden")  # in no published article
    response = client.get(reverse("articles:person-list"))
    html = response.content.decode()
    order = [html.index(name) for name in ["अमित", "आनंद", "काजल", "क़ासिम"]]
    assert order == sorted(order)
    assert html.index(">amit<") < html.index(">Kajal<") < html.index(">qasim<")
    assert "छिपा" not in html and "Hidden" not in html


def test_tag_page_lists_public_articles_people_and_quotes(client):
    person = PersonFactory(name="टैग वाला")
    person.tags.add("चुनाव")
    article = ArticleFactory(headline="चुनाव की ख़बर", tags=["चुनाव"], people=[person])
    quote = QuoteFactory(article=article, speaker=person, text="वोट दीजिए")
    quote.tags.add("चुनाव")
    draft = ArticleFactory(draft=True, headline="मसौदा चुनाव", tags=["चुनाव"])
    response = client.get(reverse("articles:tag-detail", kwargs={"slug": "चुनाव"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert article.headline in html and person.name in html and quote.text in html
    assert draft.headline not in html
    ArticleFactory(draft=True, tags=["गुप्त"])
    assert client.get(reverse("articles:tag-detail", kwargs={"slug": "गुप्त"})).status_code == 404


def test_quote_page_shows_quote_speaker_source_article_and_date(client):
    quote = QuoteFactory(text="सच बोलो", said_on=datetime.date(2026, 2, 9))
    assert quote.get_absolute_url() == f"/quotes/{quote.pk}/"
    html = client.get(quote.get_absolute_url()).content.decode()
    assert quote.text in html and quote.speaker.name in html
    assert quote.source.title in html and quote.article.headline in html
    assert 'datetime="2026-02-09"' in html
    assert f'href="{quote.get_article_url()}"' in html
    draft_quote = QuoteFactory(article=ArticleFactory(draft=True))
    assert client.get(draft_quote.get_absolute_url()).status_code == 404


def test_corrections_log_newest_first_and_only_public(client):
    older = CorrectionFactory(
        text="पहला सुधार", published_at=timezone.now() - datetime.timedelta(days=3)
    )
    newer = CorrectionFactory(text="दूसरा सुधार")
    hidden = CorrectionFactory(text="मसौदे का सुधार", article=ArticleFactory(draft=True))
    html = client.get(reverse("articles:correction-list")).content.decode()
    assert html.index(newer.text) < html.index(older.text)
    assert f'href="{newer.get_absolute_url()}"' in html
    assert hidden.text not in html


def test_404_page_is_in_the_sites_design(client):
    response = client.get("/कहीं-नहीं/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and 'name="robots" content="noindex"' in html


def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'class="site-header"' in html
    assert "language-switcher" not in html


@pytest.mark.parametrize("page", ["tag", "quote", "people", "corrections", "home"])
def test_every_page_query_count_is_constant(client, django_assert_num_queries, page):
    def grow(n):
        people = PersonFactory.create_batch(n)
        for person in people:
            person.tags.add("बढ़त")
        article = ArticleFactory(people=people, tags=["बढ़त", *[f"टैग{i}" for i in range(n)]])
        for person in people:
            quote = QuoteFactory(article=article, speaker=person)
            quote.tags.add("बढ़त", "और")
            CorrectionFactory(
                article=article, published_at=timezone.now() - datetime.timedelta(hours=n)
            )
        return article

    first = grow(1)
    quote = first.quotes.get()
    url = {
        "tag": reverse("articles:tag-detail", kwargs={"slug": "बढ़त"}),
        "quote": quote.get_absolute_url(),
        "people": reverse("articles:person-list"),
        "corrections": reverse("articles:correction-list"),
        "home": reverse("articles:article-list"),
    }[page]
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    grow(6)
    quote.tags.add(*[f"टैग{i}" for i in range(6)])
    with django_assert_num_queries(len(before)):
        assert client.get(url).status_code == 200
