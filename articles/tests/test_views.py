import datetime
from urllib.parse import quote as urlquote
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article, Person
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    PersonFactory,
    QuoteFactory,
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
    with django_assert_num_queries(4):
        client.get(person.get_absolute_url())
    for _ in range(4):
        QuoteFactory(speaker=person, article=ArticleFactory(people=[person]))
    person.tags.add("क", "ख")
    with django_assert_num_queries(4):
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
