"""Quote integrity: is each direct quote in its article's words, and does each have a source?

One set of named checks, used everywhere the desk needs them: the quote list (a column and
a "needs attention" filter), a warning on the article's admin page, the refusal to publish
(articles/forms.py) and ``manage.py check_quotes``.

"Verbatim" is judged after ``articles.text.fold`` on both sides (NFC, NBSP and other
spaces, U+2011 and other dashes, straight and curly quote marks, invisible joiners,
nukta, case, runs of whitespace), against the article body's plain text
(``articles.markup.strip_markdown``), so Markdown emphasis or a link inside the quoted
words does not hide them.
"""

import functools

from django.utils.translation import gettext as _

from articles.markup import strip_markdown
from articles.models import Quote
from articles.text import fold

NOT_IN_BODY = "not_in_body"
NO_SOURCE = "no_source"


@functools.lru_cache(maxsize=256)
def folded_body(body: str) -> str:
    """The comparison form of an article body's plain text (cached: a list shows many
    quotes of the same article)."""
    # Lines become spaces: a quote may run across a soft line break in the Markdown.
    return fold(strip_markdown(body).replace("\n", " "))


def words_in_body(text: str, body: str) -> bool:
    """True when ``text`` appears verbatim in the Markdown ``body``, after folding both.

    Empty words are never "in" a body: a direct quote must say something.
    """
    needle = fold(text)
    return bool(needle) and needle in folded_body(body)


def quote_problem_codes(*, text: str, kind: str, has_source: bool, body: str) -> list[str]:
    """The problem codes (``NOT_IN_BODY``, ``NO_SOURCE``) for a quote given as plain values.

    For checking a quote before it is saved (an admin form, an inline row).
    """
    problems = []
    if kind == Quote.Kind.DIRECT and not words_in_body(text, body):
        problems.append(NOT_IN_BODY)
    if not has_source:
        problems.append(NO_SOURCE)
    return problems


def describe(code: str) -> str:
    """The editor-facing sentence for a problem code."""
    return {
        NOT_IN_BODY: _("its words do not appear verbatim in the article's body"),
        NO_SOURCE: _("it has no source"),
    }[code]


def quote_label(position, text: str) -> str:
    """How messages name a quote: its position and its first words."""
    words = text if len(text) <= 40 else text[:39] + "…"
    if position is None:
        return _("New quote “%(words)s”") % {"words": words}
    return _("Quote %(position)s “%(words)s”") % {"position": position, "words": words}


def quote_problems(quote: Quote) -> list[str]:
    """Every integrity problem of a saved ``quote``, as editor-facing sentences ([] if none).

    Reads ``quote.article.body``: select_related("article") when checking many quotes.
    """
    codes = quote_problem_codes(
        text=quote.text,
        kind=quote.kind,
        has_source=quote.source_id is not None,
        body=quote.article.body,
    )
    return [describe(code) for code in codes]


def article_problems(article, quotes=None) -> list[str]:
    """Every problem of every quote of ``article``, each message naming its quote.

    ``quotes`` defaults to the article's saved quotes (one query).
    """
    if quotes is None:
        quotes = article.quotes.order_by("position")
    messages = []
    for quote in quotes:
        codes = quote_problem_codes(
            text=quote.text,
            kind=quote.kind,
            has_source=quote.source_id is not None,
            body=article.body,
        )
        messages.extend(
            f"{quote_label(quote.position, quote.text)}: {describe(code)}" for code in codes
        )
    return messages


def quotes_needing_attention(queryset):
    """The quotes of ``queryset`` that have any problem, as a queryset (two queries in all).

    The verbatim check needs Python (folding), so the quotes are read once with only the
    columns it needs and the result is filtered by primary key.
    """
    rows = queryset.select_related("article").only(
        "pk", "text", "kind", "source_id", "article__body"
    )
    bad = [quote.pk for quote in rows if quote_problems(quote)]
    return queryset.filter(pk__in=bad)


def database_problems() -> list[str]:
    """Every quote problem in the whole database, each naming its article and quote."""
    quotes = Quote.objects.select_related("article").order_by("article__slug", "position")
    messages = []
    for quote in quotes:
        messages.extend(
            f"{quote.article.slug} · {quote_label(quote.position, quote.text)}: {problem}"
            for problem in quote_problems(quote)
        )
    return messages
