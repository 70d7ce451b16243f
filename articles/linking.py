"""People linked where they are mentioned: the first mention of each featured person in an
article body becomes a link to their profile.

The body is already sanitised HTML (``articles.markup.render_markdown``). Linking works on
that HTML token by token, so it can only ever touch *text*: tags, attributes, entities and
comments pass through byte for byte, and text inside an existing link, a heading or code is
left alone. Names are matched as whole words with ``articles.text.word_pattern``, which
knows that Devanagari vowel signs, virama and nukta belong to the word ("मृणांक" is found in
"मृणांक ने" but never in "मृणांकों").

Rendering is cached (Django's cache, see ``CACHES`` in settings) under a key made of the
article's and its people's ``updated_at``, all of which the article page has already
loaded, and of the ``updated_at`` of the library images the body places as figures (one
query, whatever their number, and none for a body without figures): any edit to the
article, one of its people or one of its images (a new caption, say) changes the key, so a
stale body is never served.
"""

import hashlib
import html
from html.parser import HTMLParser

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.markup import candidate_figure_keys, render_markdown
from articles.models import Image
from articles.templatetags.images import figure_context
from articles.text import normalize, word_pattern

__all__ = ["cache_key", "link_people", "linked_body"]

# Text inside these elements is never linked: a link inside a link is invalid HTML, a link
# in a heading breaks the outline, code must stay exactly as written, and a figure's caption
# and credit are the photographer's words, not the story's.
_SKIP_INSIDE = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figure"})
# Void elements have no end tag, so they must not be pushed on the open-element stack.
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col", "source"})
# Bump when the output of link_people changes, so cached bodies of old code are not reused.
_CACHE_VERSION = 3
CACHE_TIMEOUT = 60 * 60 * 24 * 7


def _candidates(people):
    """(name, person) pairs, longest name first, so "मृणांक शर्मा" wins over "मृणांक"."""
    pairs = [(normalize(name).strip(), person) for person in people for name in person.names]
    pairs = [(name, person) for name, person in pairs if name]
    # Stable sort: for equal lengths the people's order and the newsroom's spelling win.
    return sorted(pairs, key=lambda pair: -len(pair[0]))


class _Linker(HTMLParser):
    """Copies sanitised HTML, linking first mentions in its text.

    A run of text between two tags arrives in pieces (data, ``&nbsp;``, ``&amp;``, ``&#39;``),
    so pieces are collected and the whole run is matched as plain text when the next tag
    (or the end) comes: a name written with a non-breaking space still matches.
    """

    def __init__(self, people):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.open = []
        self.run = []
        self.candidates = _candidates(people)
        self.linked = set()

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
        pieces = self._link(html.unescape(raw))
        # A run without a mention is kept byte for byte; one with a link is re-escaped.
        self.out.append(raw if len(pieces) == 1 else "".join(map(str, pieces)))

    def _link(self, text):
        """Split plain ``text`` into escaped pieces, with first mentions as links."""
        pieces, start = [], 0
        while True:
            best = None
            for name, person in self.candidates:
                if person.pk in self.linked:
                    continue
                match = word_pattern(name).search(text, start)
                # Earliest mention wins; at the same position the longer name (sorted first).
                if match and (best is None or match.start() < best[0].start()):
                    best = (match, person)
            if best is None:
                break
            match, person = best
            self.linked.add(person.pk)
            pieces.append(escape(text[start : match.start()]))
            pieces.append(
                format_html(
                    '<a class="person-link" href="{}">{}</a>',
                    person.get_absolute_url(),
                    match.group(),
                )
            )
            start = match.end()
        pieces.append(escape(text[start:]))
        return pieces


def link_people(body_html: str, people) -> SafeString:
    """Return sanitised ``body_html`` with the first mention of each person linked.

    Contract: ``body_html`` must be the output of ``render_markdown`` (trusted, sanitised).
    Each person in ``people`` gets at most one link, at the first whole-word mention of any
    of ``Person.names`` (either script, aliases included; Latin case-insensitive), outside
    links, headings and code. Only text nodes change; everything else is kept byte for byte.
    """
    linker = _Linker(list(people))
    linker.feed(str(body_html))
    linker.close()
    # Safe to mark: the input was sanitised HTML and we only added escaped links.
    return mark_safe("".join(linker.out))


def cache_key(article, people, images=()) -> str:
    """The cache key of ``article``'s linked body: changes whenever the body, a name or a
    figure (its image's caption, credit, file, focal point…) can."""
    parts = [f"{article.pk}:{article.updated_at.isoformat()}"]
    parts += sorted(f"{p.pk}:{p.updated_at.isoformat()}" for p in people)
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


def linked_body(article) -> SafeString:
    """The article body as sanitised HTML with its figures placed and its featured people
    linked, from the cache.

    Uses ``article.people.all()``: prefetch it (``for_article_page`` does). A cache hit
    costs one query when the body names images (their ``updated_at`` are in the key) and
    none otherwise. A key that names no image renders nothing (the admin form flags it).
    """
    people = list(article.people.all())
    images = figure_images(article)
    key = cache_key(article, people, images.values())
    html = cache.get(key)
    if html is None:

        def figure(image_key):
            image = images.get(image_key)
            return render_figure(image, article.language) if image else ""

        html = str(link_people(render_markdown(article.body, figures=figure), people))
        cache.set(key, html, CACHE_TIMEOUT)
    # Safe to mark: we put it in the cache ourselves, from link_people's output.
    return mark_safe(html)
