"""Tests for articles/integrity.py: direct quotes verbatim in their article, every quote sourced."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import integrity
from articles.models import Article, Quote
from articles.tests.desk import EDITORS, logged_in
from articles.tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English; the desk's default language is Hindi."""
    settings.LANGUAGE_CODE = "en"


BODY = (
    "आकाश ने लिखा: 'हमारे मूल्यों से काम चलाना बहुत मुश्किल है', और फिर\n"
    "कहा कि मैंने बार‑बार देखा है कि **सच** कहना कठिन है।\n\n"
    "He said: “values are hard”."
)


def quote(text, *, kind=Quote.Kind.DIRECT, body=BODY, **kwargs):
    return QuoteFactory(text=text, kind=kind, article=ArticleFactory(body=body), **kwargs)


@pytest.mark.parametrize(
    "text",
    [
        "हमारे मूल्यों से काम चलाना बहुत मुश्किल है",  # inside straight quote marks
        "मैंने बार-बार देखा है",  # ASCII hyphen where the body has U+2011
        "मैंने बार\u2011बार देखा है",  # the body's own U+2011
        "देखा है कि सच कहना",  # across Markdown emphasis
        "और फिर कहा कि",  # across a soft line break
        "और\u00a0फिर",  # NBSP for a space
        "“हमारे मूल्यों से काम चलाना बहुत मुश्किल है”",  # curly quotes around the quote
        "Values are hard",  # case and curly quotes
    ],
)
def test_verbatim_after_normalisation(text):
    assert integrity.quote_problems(quote(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "हमारे मूल्यों से काम चलाना मुश्किल है",  # a word dropped
        "हमारे मूल्यो से काम चलाना बहुत मुश्किल है",  # a vowel sign changed
        "values are easy",
        "   ",
    ],
)
def test_misquote_is_a_problem(text):
    assert integrity.quote_problems(quote(text)) == [
        "its words do not appear verbatim in the article's body"
    ]


def test_markup_in_the_body_is_not_text():
    # A URL or the Markdown syntax is not part of what the reader reads.
    article = ArticleFactory(body="देखें [यह लेख](https://example.com/सच) और *सच*।")
    assert integrity.words_in_body("यह लेख और सच", article.body)
    assert not integrity.words_in_body("example.com", article.body)


def test_paraphrase_need_not_be_verbatim_but_needs_a_source():
    assert integrity.quote_problems(quote("कुछ और शब्द", kind=Quote.Kind.PARAPHRASE)) == []
    unsourced = quote("कुछ और शब्द", kind=Quote.Kind.PARAPHRASE, source=None)
    assert integrity.quote_problems(unsourced) == ["it has no source"]


def test_both_problems_are_reported():
    assert integrity.quote_problems(quote("नहीं कहा", source=None)) == [
        "its words do not appear verbatim in the article's body",
        "it has no source",
    ]


def test_article_problems_name_the_quote():
    article = ArticleFactory(body=BODY)
    QuoteFactory(article=article, text="हमारे मूल्यों से काम चलाना बहुत मुश्किल है")
    QuoteFactory(article=article, text="यह कभी नहीं कहा गया", source=None)
    assert integrity.article_problems(article) == [
        "Quote 2 “यह कभी नहीं कहा गया”: its words do not appear verbatim in the article's body",
        "Quote 2 “यह कभी नहीं कहा गया”: it has no source",
    ]


def test_quotes_needing_attention_is_a_queryset_of_the_bad_ones(django_assert_num_queries):
    good = quote("हमारे मूल्यों से काम चलाना बहुत मुश्किल है")
    misquote = quote("गलत शब्द")
    unsourced = quote("Values are hard", source=None)
    with django_assert_num_queries(2):
        bad = list(integrity.quotes_needing_attention(Quote.objects.all()))
    assert set(bad) == {misquote, unsourced}
    assert good not in bad


def test_quotes_needing_attention_costs_two_queries_for_any_number(django_assert_num_queries):
    for n in range(10):
        quote(f"गलत शब्द {n}")
    with django_assert_num_queries(2):
        assert len(integrity.quotes_needing_attention(Quote.objects.all())) == 10


def test_the_seed_has_no_problems():
    call_command("loaddata", "seed", verbosity=0)
    assert integrity.database_problems() == []
    article = Article.objects.get()
    assert integrity.article_problems(article) == []


def test_database_problems_name_article_and_quote():
    q = quote("गलत शब्द")
    assert integrity.database_problems() == [
        f"{q.article.slug} · Quote 1 “गलत शब्द”: "
        "its words do not appear verbatim in the article's body"
    ]


# In the admin ---------------------------------------------------------------------------


def quote_list(client, **params):
    return client.get(reverse("admin:articles_quote_changelist"), params)


def test_the_quote_list_filters_and_marks_quotes_needing_attention(client):
    good = quote("हमारे मूल्यों से काम चलाना बहुत मुश्किल है")
    misquote = quote("गलत शब्द")
    unsourced = quote("Values are hard", source=None)
    logged_in(client, EDITORS)
    response = quote_list(client, integrity="problems")
    assert set(response.context["cl"].result_list) == {misquote, unsourced}
    page = response.content.decode()
    assert page.count('class="integrity-problem"') == 2
    assert "it has no source" in page
    response = quote_list(client, integrity="ok")
    assert list(response.context["cl"].result_list) == [good]
    assert 'class="integrity-ok"' in response.content.decode()


def test_the_quote_list_costs_the_same_for_more_quotes(client, django_assert_num_queries):
    quote("गलत शब्द")
    logged_in(client, EDITORS)
    quote_list(client, integrity="problems")  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert quote_list(client, integrity="problems").status_code == 200
    for n in range(10):
        quote(f"गलत शब्द {n}", source=None)
    with django_assert_num_queries(len(one)):
        response = quote_list(client, integrity="problems")
    assert len(response.context["cl"].result_list) == 11


def test_the_article_page_in_the_admin_lists_its_quotes_problems_at_the_top(client):
    article = ArticleFactory(body=BODY)
    QuoteFactory(article=article, text="यह कभी नहीं कहा गया")
    logged_in(client, EDITORS)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    listed = [
        (row.position, row.words, problem) for row, problem in response.context["quote_problems"]
    ]
    assert listed == [
        (1, "यह कभी नहीं कहा गया", "its words do not appear verbatim in the article's body")
    ]
    top = response.content.decode().split('class="quote-problems"')[1].split("</section>")[0]
    assert 'href="#quotes-0-quote"' in top  # a link to the quote's row
