"""Entities linked and quotes marked where they stand in an article body.

One pass over the body does both:

* the first mention of each of the story's people (``article.people``) and organisations
  (``article.organisations``) becomes a link to its page, under any of its ``names``
  (the newsroom's spelling, the Latin name, aliases), longest name first across both kinds;
* each *direct* quote of the story whose words the body contains is marked where it stands:
  ``<q class="quote-mark" id="quote-N-in-body">…</q>`` followed by a small link to the
  quote's page that names the speaker for screen readers.

The body is already sanitised HTML (``articles.markup.render_markdown``). The pass works on
that HTML token by token, so it can only ever touch *text*: tags, attributes, entities and
comments pass through byte for byte, and text inside an existing link, a heading, code or a
figure is left alone. Names are matched as whole words with ``articles.text.word_pattern``,
which knows that Devanagari vowel signs, virama and nukta belong to the word ("मृणांक" is
found in "मृणांक ने" but never in "मृणांकों"). Quotes are found with ``articles.text.fold``,
the folding the quote-integrity check uses (articles/integrity.py), mapped back to the
body's own characters; a quote is marked only when it lies inside one run of text (it never
straddles a tag), so the marks can never break the markup. A quote the body no longer
contains is simply not marked.

Rendering is cached (Django's cache, see ``CACHES`` in settings) under a key made of the
``updated_at`` of the article, its people, its organisations, its quotes and their speakers,
all of which the article page has already loaded, of the interface language (the speaker
label is in it), and of the ``updated_at`` of the library images the body places as figures
(one query, whatever their number, and none for a body without figures): any edit that can
change the output changes the key, so a stale body is never served.
"""

import hashlib
import html
from dataclasses import dataclass
from html.parser import HTMLParser

import regex
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from articles.cache_errors import cache
from articles.markup import candidate_figure_keys, render_markdown
from articles.models import Image, Quote
from articles.templatetags.images import figure_context
from articles.templatetags.reader import script_lang
from articles.text import fold, normalize, word_pattern

__all__ = ["LinkedBody", "body_for_page", "cache_key", "link_entities", "linked_body"]

# Text inside these elements is never linked or marked: a link inside a link is invalid
# HTML, a link in a heading breaks the outline, code must stay exactly as written, and a
# figure's caption and credit are the photographer's words, not the story's.
_SKIP_INSIDE = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figure"})
# Void elements have no end tag, so they must not be pushed on the open-element stack.
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col", "source"})
# Bump when the output changes, so cached bodies of old code are not reused.
_CACHE_VERSION = 4
CACHE_TIMEOUT = 60 * 60 * 24 * 7

_CLUSTER = regex.compile(r"\X")


def _candidates(entities):
    """(name, entity) pairs, longest name first, so "मृणांक शर्मा" wins over "मृणांक" and an
    organisation's long name over a person's short one."""
    pairs = [(normalize(name).strip(), entity) for entity in entities for name in entity.names]
    pairs = [(name, entity) for name, entity in pairs if name]
    # Stable sort: for equal lengths the entities' order and the newsroom's spelling win.
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _identity(entity):
    return (entity._meta.label, entity.pk)


def folded_with_positions(text: str):
    """``fold(text)`` and, for each of its characters, the span ``(start, end)`` in ``text``
    of the grapheme cluster it came from.

    Built cluster by cluster with ``fold`` itself (a cluster that folds to nothing but is
    white space becomes one space; runs of spaces collapse, the ends are stripped), so a
    match in the folded text maps back to whole clusters of the original.
    """
    chars, spans = [], []
    for cluster in _CLUSTER.finditer(text):
        value = cluster.group()
        # A cluster may start with white space that a mark or joiner extends (" \u200d").
        rest = value.lstrip()
        if rest != value and chars and chars[-1] != " ":
            chars.append(" ")
            spans.append(cluster.span())
        for char in fold(rest) if rest else "":
            chars.append(char)
            spans.append(cluster.span())
    if chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    return "".join(chars), spans


def _find_quote(needle, folded, spans):
    """The span in the original text of the first occurrence of ``needle`` in ``folded``
    that starts and ends on cluster boundaries, or None."""
    at = folded.find(needle)
    while at != -1:
        end = at + len(needle)
        starts_clean = at == 0 or spans[at - 1] != spans[at]
        ends_clean = end == len(folded) or spans[end] != spans[end - 1]
        if starts_clean and ends_clean:
            return spans[at][0], spans[end - 1][1]
        at = folded.find(needle, at + 1)
    return None


class _Linker(HTMLParser):
    """Copies sanitised HTML, linking first mentions and marking quotes in its text.

    A run of text between two tags arrives in pieces (data, ``&nbsp;``, ``&amp;``, ``&#39;``),
    so pieces are collected and the whole run is matched as plain text when the next tag
    (or the end) comes: a name written with a non-breaking space still matches.
    """

    def __init__(self, entities, quotes):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.open = []
        self.run = []
        self.candidates = _candidates(entities)
        self.linked = set()
        self.quotes = [
            (fold(quote.text), quote) for quote in quotes if quote.kind == Quote.Kind.DIRECT
        ]
        self.quotes = [(needle, quote) for needle, quote in self.quotes if needle]
        self.marked = []

    # Markup passes through unchanged, exactly as the sanitiser wrote it.
    def handle_starttag(self, tag, attrs):
        self.flush()
        self.out.append(self.get_starttag_text())
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.flush()
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.flush()
        self.out.append(f"</{tag}>")
        if tag in self.open:
            # Close the innermost element of that name (and anything left open inside it).
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_comment(self, data):
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_entityref(self, name):
        self.run.append(f"&{name};")

    def handle_charref(self, name):
        self.run.append(f"&#{name};")

    def handle_data(self, data):
        self.run.append(data)

    def close(self):
        super().close()
        self.flush()

    def flush(self):
        raw, self.run = "".join(self.run), []
        if not raw:
            return
        if _SKIP_INSIDE.intersection(self.open):
            self.out.append(raw)
            return
        text = html.unescape(raw)
        pieces, start = [], 0
        spans = self._quote_spans(text)
        for begin, end, quote in spans:
            pieces += self._link(text[start:begin])
            pieces.append(self._open_mark(quote))
            pieces += self._link(text[begin:end])
            pieces.append(self._close_mark(quote))
            start = end
        pieces += self._link(text[start:])
        # _link gives one piece per stretch of text without a link.
        changed = len(pieces) > 1
        # A run without a mention or a quote is kept byte for byte; one with is re-escaped.
        self.out.append("".join(map(str, pieces)) if changed else raw)

    def _quote_spans(self, text):
        """Non-overlapping (start, end, quote) spans of the not yet marked direct quotes in
        plain ``text``, in reading order (at one place, the longer quote wins)."""
        done = {quote.pk for quote in self.marked}
        pending = [(needle, quote) for needle, quote in self.quotes if quote.pk not in done]
        if not pending:
            return []
        # Cheap test first: the position map is built only for a run holding a quote.
        whole = fold(text)
        pending = [(needle, quote) for needle, quote in pending if needle in whole]
        if not pending:
            return []
        folded, positions = folded_with_positions(text)
        found = []
        for needle, quote in pending:
            span = _find_quote(needle, folded, positions)
            if span:
                found.append((*span, quote))
        found.sort(key=lambda item: (item[0], item[0] - item[1]))
        spans, reached = [], 0
        for begin, end, quote in found:
            if begin >= reached:
                spans.append((begin, end, quote))
                self.marked.append(quote)
                reached = end
        return spans

    def _open_mark(self, quote):
        return format_html(
            '<q class="quote-mark" id="quote-{}-in-body" cite="{}">',
            quote.position,
            quote.get_absolute_url(),
        )

    def _close_mark(self, quote):
        # The speaker is named for screen readers (in the interface language); sighted
        # readers see the marked words and a small link to the quote's page.
        speaker = quote.speaker.name
        return format_html(
            '</q><a class="quote-ref" href="{}"><span class="visually-hidden" lang="{}">{}'
            ' <span lang="{}">{}</span></span><span aria-hidden="true">↗</span></a>',
            quote.get_absolute_url(),
            get_language(),
            gettext("Quote:"),
            script_lang(speaker) or get_language(),
            speaker,
        )

    def _link(self, text):
        """Split plain ``text`` into escaped pieces, with first mentions as links."""
        pieces, start = [], 0
        while True:
            best = None
            for name, entity in self.candidates:
                if _identity(entity) in self.linked:
                    continue
                match = word_pattern(name).search(text, start)
                # Earliest mention wins; at the same position the longer name (sorted first).
                if match and (best is None or match.start() < best[0].start()):
                    best = (match, entity)
            if best is None:
                break
            match, entity = best
            self.linked.add(_identity(entity))
            pieces.append(escape(text[start : match.start()]))
            pieces.append(
                format_html(
                    '<a class="{}-link" href="{}">{}</a>',
                    entity._meta.model_name,
                    entity.get_absolute_url(),
                    match.group(),
                )
            )
            start = match.end()
        pieces.append(escape(text[start:]))
        return pieces


@dataclass(frozen=True)
class LinkedBody:
    """A rendered body: its HTML and the positions of the quotes marked in it."""

    html: SafeString
    marked_quotes: frozenset


def _link(body_html, entities, quotes):
    linker = _Linker(list(entities), list(quotes))
    linker.feed(str(body_html))
    linker.close()
    # Safe to mark: the input was sanitised HTML and we only added escaped links and marks.
    return LinkedBody(mark_safe("".join(linker.out)), frozenset(q.position for q in linker.marked))


def link_entities(body_html: str, entities, quotes=()) -> SafeString:
    """Return sanitised ``body_html`` with first mentions linked and direct quotes marked.

    Contract: ``body_html`` must be the output of ``render_markdown`` (trusted, sanitised).
    Each entity in ``entities`` (people and organisations: anything with ``names`` and
    ``get_absolute_url``) gets at most one link, at the first whole-word mention of any of
    its names (either script, aliases included; Latin case-insensitive), outside links,
    headings and code. Each direct quote in ``quotes`` (speaker loaded) is marked at most
    once, where its folded words lie within one run of text outside those elements; names
    inside it are still linked. Only text nodes change; everything else is kept byte for
    byte.
    """
    return _link(body_html, entities, quotes).html


def cache_key(article, entities, images=(), quotes=()) -> str:
    """The cache key of ``article``'s linked body: changes whenever the body, a name, a
    quote, its speaker or a figure (its image's caption, credit, file, focal point…) can."""
    parts = [f"{article.pk}:{article.updated_at.isoformat()}", get_language() or ""]
    parts += sorted(f"{e._meta.label}:{e.pk}:{e.updated_at.isoformat()}" for e in entities)
    parts += sorted(
        f"quote:{q.pk}:{q.updated_at.isoformat()}:{q.speaker_id}:{q.speaker.updated_at.isoformat()}"
        for q in quotes
    )
    parts += sorted(f"image:{i.pk}:{i.updated_at.isoformat()}" for i in images)
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"linked-body:v{_CACHE_VERSION}:{digest}"


def figure_images(article) -> dict:
    """The library images ``article``'s body may place as figures, by key: one query, or
    none when the body names no image."""
    keys = candidate_figure_keys(article.body)
    return {image.key: image for image in Image.objects.filter(key__in=keys)} if keys else {}


def render_figure(image, language) -> str:
    """A body figure: ``_figure.html``, lazy (figures sit below the lead), in a story in
    ``language``."""
    return render_to_string(
        "articles/_figure.html", figure_context(image, loading="lazy", lang=language)
    )


def body_for_page(article) -> LinkedBody:
    """The article body as sanitised HTML with its figures placed, its people and
    organisations linked and its direct quotes marked, from the cache; with the positions
    of the quotes marked (the page's quote list links back to them).

    Uses ``article.people.all()``, ``article.organisations.all()`` and
    ``article.quotes.all()`` (with their speakers): prefetch them (``for_article_page``
    does). A cache hit costs one query when the body names images (their ``updated_at``
    are in the key) and none otherwise. A key that names no image renders nothing (the
    admin form flags it).
    """
    entities = [*article.people.all(), *article.organisations.all()]
    quotes = list(article.quotes.all())
    images = figure_images(article)
    key = cache_key(article, entities, images.values(), quotes)
    cached = cache.get(key)
    if cached is None:

        def figure(image_key):
            image = images.get(image_key)
            return render_figure(image, article.language) if image else ""

        body = _link(render_markdown(article.body, figures=figure), entities, quotes)
        cached = (str(body.html), sorted(body.marked_quotes))
        cache.set(key, cached, CACHE_TIMEOUT)
    html_text, marked = cached
    # Safe to mark: we put it in the cache ourselves, from the linker's output.
    return LinkedBody(mark_safe(html_text), frozenset(marked))


def linked_body(article) -> SafeString:
    """``body_for_page(article).html``: the body alone."""
    return body_for_page(article).html
