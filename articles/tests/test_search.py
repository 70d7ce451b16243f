import json
from datetime import timedelta
from pathlib import Path

import pytest
import regex
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import generate, search
from articles.markup import strip_markdown
from articles.tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


def find(text):
    return search.run(search.parse(text))


@pytest.fixture
def newsroom():
    mrinank = PersonFactory(
        name="मृणांक शर्मा", name_latin="Mrinank Sharma", description="सेफ्टी रिसर्चर"
    )
    resignation = ArticleFactory(
        headline="सेफगार्ड हेड का इस्तीफ़ा",
        summary="Anthropic में हलचल",
        body="मृणांक शर्मा ने अपने इस्तीफे की जानकारी दी।\n\nबाकी ख़बरें बाद में।",
        people=[mrinank],
    )
    other = ArticleFactory(headline="मौसम का हाल", body="आज बारिश होगी।")
    QuoteFactory(article=resignation, speaker=mrinank, text="दुनिया ख़तरे में है")
    draft = ArticleFactory(
        draft=True, headline="गुप्त इस्तीफा", body="मृणांक का गुप्त मसौदा", people=[mrinank]
    )
    QuoteFactory(article=draft, speaker=mrinank, text="गुप्त इस्तीफा बयान")
    return {"mrinank": mrinank, "resignation": resignation, "other": other, "draft": draft}


@pytest.mark.parametrize("q", ["इस्तीफा", "इस्तीफ़ा", "इस्तीफे", "इस्तीफों", "मृणांक", "ANTHROPIC"])
def test_hindi_queries_find_hindi_text_with_nukta_and_inflection(newsroom, q):
    results = find(q)
    assert results.articles == [newsroom["resignation"]]


def test_people_and_quotes_are_found_in_either_script(newsroom):
    assert find("Mrinank").people == [newsroom["mrinank"]]
    assert find("मृणांक").people == [newsroom["mrinank"]]
    # ख़तरे (nukta, inflected) finds the quote typed as खतरा.
    assert [q.text for q in find("खतरा").quotes] == ["दुनिया ख़तरे में है"]


def test_every_word_must_match(newsroom):
    assert find("मृणांक इस्तीफा").articles == [newsroom["resignation"]]
    assert find("मृणांक बारिश").articles == []
    assert find("बारिश").articles == [newsroom["other"]]


def test_drafts_never_leak(newsroom):
    results = find("गुप्त")
    assert results.count == 0


def test_headline_match_ranks_above_body_match():
    body_only = ArticleFactory(headline="कुछ और", body="चुनाव की बात")
    headline = ArticleFactory(headline="चुनाव आयोग", body="कुछ नहीं")
    assert find("चुनाव").articles == [headline, body_only]


@pytest.mark.parametrize("q", ["", "   ", "!!! ??? ।।", "<script>", "'\"&;--", "\x00"])
def test_queries_without_words_get_an_answer_not_an_error(client, newsroom, q):
    response = client.get(reverse("articles:search"), {"q": q})
    assert response.status_code == 200
    assert response.context["results"].count == 0
    if q.strip() and q != "<script>":
        assert response.context["query"].message == "no_words"


def test_a_10000_character_query_is_cut_and_answered(client, newsroom):
    response = client.get(reverse("articles:search"), {"q": "इस्तीफा " * 1250})
    assert response.status_code == 200
    query = response.context["query"]
    assert len(query.text) <= search.MAX_QUERY_LENGTH
    assert query.message == "shortened"
    assert response.context["results"].articles == [newsroom["resignation"]]
    assert len(response.content) < 60_000


def test_matches_are_highlighted_and_everything_else_escaped():
    query = search.parse("इस्तीफा")
    html = str(search.highlight("<b>उनका</b> इस्तीफ़ा & इस्तीफे", query))
    assert html == "&lt;b&gt;उनका&lt;/b&gt; <mark>इस्तीफ़ा</mark> &amp; <mark>इस्तीफे</mark>"


def test_highlight_is_whole_word_and_case_insensitive():
    query = search.parse("sharma")
    assert str(search.highlight("Sharma, sharmas and Asharma", query)) == (
        "<mark>Sharma</mark>, <mark>sharmas</mark> and Asharma"
    )


def test_search_page_shows_highlighted_escaped_results(client):
    person = PersonFactory(name="<i>चुनाव</i> अधिकारी", name_latin="")
    ArticleFactory(headline="चुनाव <b>आज</b>", body="चुनाव में **भीड़**", people=[person])
    html = client.get(reverse("articles:search"), {"q": "चुनाव"}).content.decode()
    assert "<mark>चुनाव</mark> &lt;b&gt;आज&lt;/b&gt;" in html
    assert "&lt;i&gt;<mark>चुनाव</mark>&lt;/i&gt;" in html
    assert "<b>आज" not in html and "<i>चुनाव" not in html


def test_search_query_count_is_constant(client, django_assert_num_queries, newsroom):
    url = reverse("articles:search")
    # One query per kind (articles, people, organisations, quotes), plus the articles'
    # people and bylines and the speakers' roles (prefetched), plus the navigation's
    # sections (on every page); on SQLite each kind's ranked ids come first, from its FTS5
    # table. Every kind finds something from the start, so that no prefetch is skipped for
    # want of rows on one database and not the other.
    budget = 8 + (4 if connection.vendor == "sqlite" else 0)
    QuoteFactory(article=newsroom["resignation"], speaker=newsroom["mrinank"], text="मृणांक बोले")
    newsroom["resignation"].organisations.add(OrganisationFactory(name="मृणांक ट्रस्ट"))
    with django_assert_num_queries(budget):
        client.get(url, {"q": "मृणांक"})
    for _ in range(5):
        person = PersonFactory(name="मृणांक वर्मा")
        article = ArticleFactory(body="मृणांक आए", people=[person, newsroom["mrinank"]])
        QuoteFactory(article=article, speaker=person, text="मृणांक ने कहा")
        article.byline.create(person=person)
        article.organisations.add(OrganisationFactory(name="मृणांक फ़ाउंडेशन"))
    with django_assert_num_queries(budget):
        client.get(url, {"q": "मृणांक"})
    with django_assert_num_queries(1):  # the navigation only: no search is run
        client.get(url, {"q": "!!!"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_uses_the_gin_indexes_and_named_configurations(newsroom):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname = 'hindi'")
        assert cursor.fetchone() == ("hindi",)
    query = search.parse("इस्तीफे")
    for kind in (search._ARTICLES, search._PEOPLE, search._ORGANISATIONS, search._QUOTES):
        # The filter alone: an ORDER BY lets the planner walk another index in order and
        # filter each row, which says nothing of whether the match can use its own.
        queryset = (
            kind.queryset()
            .model.objects.filter(search._Match(kind, query.terms, rank=False))
            .order_by()
        )
        sql, params = queryset.query.sql_with_params()
        assert "'simple'::regconfig" in sql and "'hindi'::regconfig" in sql
        # The stored document (0011_search_stored): nothing is recomputed per row.
        assert "search_document" in sql and "to_tsvector" not in sql
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # GIN is read through bitmap scans only: no plain index scan stands in for it.
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        index = {
            "article": "article_search_idx",
            "person": "person_search_idx",
            "organisation": "organisation_search_idx",
        }.get(kind.queryset().model._meta.model_name, "quote_search_idx")
        assert index in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_query_still_finds_inflections_without_a_hindi_stemmer():
    """On a server whose "hindi" is 0004_search's plain copy of "simple", the query's own
    stem (as on SQLite) still lets इस्तीफे find इस्तीफा."""
    tsquery, params = search._tsquery(search.parse("इस्तीफे").terms)
    plain = tsquery.replace("'hindi'::regconfig", "'simple'::regconfig")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_tsvector('simple', 'उनका इस्तीफा') @@ ({plain})", params)
        assert cursor.fetchone() == (True,)
        cursor.execute(f"SELECT to_tsvector('simple', 'बारिश') @@ ({plain})", params)
        assert cursor.fetchone() == (False,)


# Organisations (issue 9) --------------------------------------------------------------


@pytest.fixture
def anthropic():
    org = OrganisationFactory(
        name="एंथ्रोपिक", name_latin="Anthropic", aliases="एंथ्रॉपिक\nAnthropic PBC"
    )
    ArticleFactory(organisations=[org])
    hidden = OrganisationFactory(name="एंथ्रोपिक लैब्स", name_latin="Anthropic Labs")
    ArticleFactory(organisations=[hidden], draft=True)
    return org


@pytest.mark.parametrize("q", ["एंथ्रोपिक", "एंथ्रॉपिक", "anthropic", "ANTHROPIC pbc", "एंथ्रो"])
def test_organisations_are_found_by_any_name_in_either_script(anthropic, q):
    assert find(q).organisations == [anthropic]


def test_organisation_names_fold_like_everything_else():
    org = OrganisationFactory(name="फ़ाउंडेशन ज़िंदगी", name_latin="")
    ArticleFactory(organisations=[org])
    assert find("फाउंडेशन जिंदगी").organisations == [org]  # without the nukta


def test_search_page_shows_organisations_as_a_group(client, anthropic):
    html = client.get(reverse("articles:search"), {"q": "Anthropic"}).content.decode()
    assert '<h2 id="results-organisations">' in html
    assert f'href="{anthropic.get_absolute_url()}"' in html
    assert "<mark>Anthropic</mark>" in html
    assert "Anthropic Labs" not in html  # only in a draft


# The stored index (0011_search_stored) --------------------------------------------------


def test_the_index_is_exact_through_bulk_updates_deletes_and_loaddata():
    """Whatever writes the rows (here no save(): QuerySet.update, delete, loaddata), search
    sees exactly what is stored, for every kind."""
    from django.core.management import call_command

    from articles.models import Article, Organisation, Person, Quote

    person = PersonFactory(name="पुराना zircon")
    article = ArticleFactory(headline="पुरानी सुर्ख़ी zircon", people=[person])
    QuoteFactory(article=article, speaker=person, text="पुराने शब्द zircon")
    article.organisations.add(OrganisationFactory(name="पुरानी संस्था zircon"))
    assert find("zircon").count == 4
    Article.objects.update(headline="नई सुर्ख़ी quasar")
    Person.objects.update(name="नया quasar")
    Quote.objects.update(text="नए शब्द quasar")
    Organisation.objects.update(name="नई संस्था quasar")
    assert find("zircon").count == 0
    assert find("quasar").count == 4
    assert find("सुर्खी").articles == [article]
    Quote.objects.all().delete()
    Article.objects.all().delete()
    assert find("quasar").articles == find("quasar").quotes == []
    call_command("loaddata", "seed", verbosity=0)
    assert [a.headline for a in find("मृणांक").articles] == [Article.objects.get().headline]


def test_a_letter_inside_a_word_does_not_match_as_a_word():
    """Vowel signs are part of a word (FTS5's default would split किताब at ि and ा)."""
    book = ArticleFactory(headline="किताब मेला")
    assert find("त").articles == []
    assert find("किता").articles == [book]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_searches_through_the_fts5_index(newsroom):
    query = search.parse("इस्तीफे")
    for kind in (search._ARTICLES, search._PEOPLE, search._ORGANISATIONS, search._QUOTES):
        with connection.cursor() as cursor, CaptureQueriesContext(connection) as captured:
            search._sqlite(query, kind)
            cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[0]["sql"])
            plan = "\n".join(str(row) for row in cursor.fetchall())
        assert "VIRTUAL TABLE INDEX" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bounded ranking")
def test_postgres_ranks_only_the_newest_matches_of_a_common_word(monkeypatch):
    """A word found in most of the archive is ranked over its newest CANDIDATES matches
    only (stories and quotes); drafts are never among them."""
    now = timezone.now()
    person = PersonFactory()
    best = ArticleFactory(body="चुनाव चुनाव चुनाव चुनाव", published_at=now - timedelta(days=3))
    newer = [ArticleFactory(body="चुनाव", published_at=now - timedelta(days=d)) for d in (2, 1)]
    ArticleFactory(draft=True, body="चुनाव")
    oldest_quote = QuoteFactory(article=best, speaker=person, text="चुनाव चुनाव चुनाव")
    newer_quotes = [QuoteFactory(article=a, speaker=person, text="चुनाव होगा") for a in newer]

    monkeypatch.setattr(search, "CANDIDATES", 2)
    found = find("चुनाव")
    # Equal ranks: the newer first, as without the bound.
    assert found.articles == newer[::-1]
    assert found.quotes == newer_quotes[::-1]

    monkeypatch.setattr(search, "CANDIDATES", 3)
    found = find("चुनाव")
    assert found.articles == [best, *newer[::-1]]
    assert found.quotes == [oldest_quote, *newer_quotes[::-1]]


def _bodies():
    """The seed story's body and a generated newsroom's (headings, lists, links, figures)."""
    seed = json.loads(Path(settings.BASE_DIR, "fixtures", "seed.json").read_text("utf-8"))
    sizes = generate.Sizes(stories=30, people=15, organisations=5, quotes=60, tags=10, images=3)
    objects = [*seed, *generate.build_fixture(sizes, seed=5, now=generate.default_now())]
    return [o["fields"]["body"] for o in objects if o["model"] == "articles.article"]


@pytest.mark.django_db(False)
def test_a_snippet_from_the_blocks_around_the_match_is_the_whole_bodys_snippet():
    """``snippet`` renders only the blocks around the first match; what it cuts is what
    rendering the whole body would give, for words at the start, middle and end, words in
    no body, and text typed as Markdown around them."""
    bodies = _bodies()
    bodies += [
        "[सरकार](https://example.com/सरकार) का पता।\n\n" + bodies[0],
        bodies[0] + "\n\n## सरकार की बात\n\n- सरकार **ने** कहा\n- और `सरकार`",
        "\n\n".join(["छोटा।"] * 3 + ["सरकार ने कहा।"] + ["छोटा।"] * 3),
    ]
    compared = 0
    for body in bodies:
        words = regex.findall(r"[\p{L}\p{M}]{3,}", strip_markdown(body))
        picks = {words[0], words[len(words) // 2], words[-1], "सरकार", "अनदेखाशब्द"}
        for word in picks:
            query = search.parse(word)
            whole = search._cut(search._plain([body]), query, search._highlighter(query), 240)
            assert search.snippet(body, query) == whole, (word, body[:80])
            compared += 1
    assert compared > 150
