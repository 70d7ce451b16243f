"""Reader search over published articles, people, organisations and quotes.

``parse`` turns what the reader typed into at most ``MAX_TERMS`` folded words (never an
error: an over-long query is cut, one of only punctuation asks for a word); ``run`` returns
ranked results per kind, ``highlight`` marks the matched words in escaped text.

Matching is the same on both databases in what it promises: every word of the query must
appear (as a word or the start of one) in the item; nukta, case and NBSP do not matter
(text and query are compared in their ``articles.text.fold`` form); Hindi inflections
(इस्तीफा, इस्तीफे, इस्तीफों) find each other.

* PostgreSQL: full-text search. Each searched table has a stored generated column
  ``search_document`` (migration ``0011_search_stored``), a weighted tsvector under a GIN
  index: names and headlines through the ``simple`` configuration (names are not to be
  stemmed), summaries and bodies through ``hindi`` (Snowball's Hindi stemmer). The
  configuration is always named explicitly, because a database's default depends on how
  it was created. Nukta folding happens inside the stored expression (``translate``), so
  the text stays exactly as the editor wrote it. Neither the filter nor ``ts_rank``
  recomputes a document, and ``ts_rank`` reads at most the newest ``CANDIDATES`` matching
  stories and quotes, so a word found everywhere costs what a rarer one does.
* SQLite (the zero-set-up desk): an FTS5 table per searched table holds the ``fold`` of
  the same fields, kept by triggers (``0011_search_stored``); each query word is a prefix
  match of its ``stem``, ranked by bm25 with the fields' weights.

PostgreSQL costs one query per kind, SQLite two.
"""

from dataclasses import dataclass, field

import regex
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.markup import strip_markdown
from articles.models import Affiliation, Article, Organisation, Person, Quote
from articles.text import fold

__all__ = ["MAX_QUERY_LENGTH", "MAX_TERMS", "highlight", "parse", "run", "snippet"]

# A search box is for words, not documents: anything longer is cut (and the reader told).
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
RESULTS_PER_KIND = 20
# Stories and quotes (kinds whose order is newest first) rank at most their newest
# CANDIDATES matches: ranking reads each match's whole document (a story's is about 5 KB),
# and a common word matches most of an archive (8,500 of 10,000 stories for सरकार, 100 ms
# to rank them all). A word rarer than this is ranked over every match, as before.
CANDIDATES = 200

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_WORD_CHAR = r"[\p{L}\p{M}\p{N}\u200c\u200d\u00ad\u2060]"
NUKTA = "\u093c"

# Common Hindi inflectional endings (plural, oblique, feminine, verb), longest first. Used on
# SQLite and for highlighting; PostgreSQL's hindi configuration has Snowball's full stemmer.
_HINDI_SUFFIXES = sorted(
    [
        "ियों",
        "ियाँ",
        "ियां",
        "ाओं",
        "ाएँ",
        "ाएं",
        "ुओं",
        "ुएँ",
        "ुएं",
        "ों",
        "ें",
        "ीं",
        "ाँ",
        "ां",
        "ा",
        "े",
        "ी",
        "ो",
        "ि",
        "ु",
        "ू",
    ],
    key=len,
    reverse=True,
)


def stem(word: str) -> str:
    """Strip one Hindi ending from folded ``word`` (इस्तीफे → इस्तीफ), keeping at least two
    letters; Latin words are returned unchanged."""
    for suffix in _HINDI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


@dataclass
class Query:
    """What the reader asked for: ``text`` as typed (cut to ``MAX_QUERY_LENGTH``), ``terms``
    (folded words, at most ``MAX_TERMS``, no repeats) and ``message``: "" or a code,
    "no_words" (nothing searchable was typed) or "shortened" (the query was cut)."""

    text: str = ""
    terms: list[str] = field(default_factory=list)
    shortened: bool = False
    message: str = ""

    def __bool__(self):
        return bool(self.terms)

    @property
    def stems(self):
        return [stem(term) for term in self.terms]


def parse(raw) -> Query:
    """Parse the ``q`` parameter. Never raises: any string (empty, punctuation only, 10,000
    characters, control characters) gives a Query, with a message when there is nothing to
    search for or the query was shortened."""
    raw = str(raw or "")
    shortened = len(raw) > MAX_QUERY_LENGTH
    text = raw[:MAX_QUERY_LENGTH].strip()
    terms = list(dict.fromkeys(_WORD.findall(fold(text))))
    shortened = shortened or len(terms) > MAX_TERMS
    query = Query(text=text, terms=terms[:MAX_TERMS], shortened=shortened)
    # Codes, not sentences: the template words them in the reader's language.
    if raw.strip() and not query.terms:
        query.message = "no_words"
    elif shortened:
        query.message = "shortened"
    return query


@dataclass
class Results:
    articles: list = field(default_factory=list)
    people: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    quotes: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.articles) + len(self.people) + len(self.organisations) + len(self.quotes)


def run(query: Query) -> Results:
    """Ranked published articles, people, organisations and quotes matching every term of
    ``query``; at most ``RESULTS_PER_KIND`` of each. Four queries, or none for an empty
    query."""
    if not query:
        return Results()
    backend = _postgres if connection.vendor == "postgresql" else _sqlite
    return Results(
        articles=backend(query, _ARTICLES),
        people=backend(query, _PEOPLE),
        organisations=backend(query, _ORGANISATIONS),
        quotes=backend(query, _QUOTES),
    )


# What is searched, per kind: (field, weight, PostgreSQL configuration).
@dataclass(frozen=True)
class _Kind:
    queryset: object
    fields: tuple
    order: tuple
    newest_first: bool = False  # its order is by date: CANDIDATES bounds what is ranked


def _articles():
    return Article.objects.published().with_byline().prefetch_related("people")


def _people():
    return Person.objects.published()


def _organisations():
    return Organisation.objects.published()


def _quotes():
    # Each speaker is described by the role held on the quote's date (articles.affiliations).
    return (
        Quote.objects.published()
        .select_related("article", "speaker", "source")
        .prefetch_related(
            Prefetch("speaker__affiliations", queryset=Affiliation.objects.for_career())
        )
    )


_ARTICLES = _Kind(
    _articles,
    (("headline", "A", "simple"), ("summary", "B", "hindi"), ("body", "C", "hindi")),
    ("-published_at", "-pk"),
    newest_first=True,
)
_PEOPLE = _Kind(
    _people,
    (
        ("name", "A", "simple"),
        ("name_latin", "A", "simple"),
        ("aliases", "A", "simple"),
        ("description", "B", "simple"),
        ("bio", "C", "hindi"),
    ),
    ("name", "pk"),
)
# Found by any name in either script, as people are (GIN index: 0009_organisation_search).
_ORGANISATIONS = _Kind(
    _organisations,
    (
        ("name", "A", "simple"),
        ("name_latin", "A", "simple"),
        ("aliases", "A", "simple"),
        ("description", "C", "hindi"),
    ),
    ("name", "pk"),
)
_QUOTES = _Kind(
    _quotes,
    (("text", "A", "hindi"), ("original_text", "B", "simple")),
    ("-article__published_at", "position"),
    newest_first=True,
)


# PostgreSQL -----------------------------------------------------------------------------


class _Document(Func):
    """The stored weighted tsvector of a kind's table (0011_search_stored)."""

    output_field = FloatField()  # never selected; only used inside _Match

    def __init__(self, kind):
        self.kind = kind
        super().__init__()

    def as_sql(self, compiler, connection, **extra):
        # The query's own table, under the alias it has there (U0 inside a subquery).
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


def _tsquery(terms):
    """One prefix term per word, ANDed. Each word matches through ``simple`` (as typed, and
    its stem from ``stem``, as on SQLite) *or* ``hindi`` (Snowball's stemmer), so inflected
    forms still meet on a server whose ``hindi`` is the plain fallback of 0004_search."""
    parts, params = [], []
    for term in terms:
        alternatives = [("simple", term), ("hindi", term)]
        if stem(term) != term:
            alternatives.append(("simple", stem(term)))
        parts.append(
            "("
            + " || ".join(f"to_tsquery('{config}'::regconfig, %s)" for config, _ in alternatives)
            + ")"
        )
        params += [_quoted(word) for _, word in alternatives]
    return " && ".join(parts), params


def _quoted(term):
    # Terms are letters, marks and digits only (see parse); quoting keeps to_tsquery from
    # reading any of them as an operator, and ":*" makes each a prefix.
    return "'" + term.replace("'", "''") + "':*"


class _Match(Func):
    """``document @@ query`` (``rank=False``, a filter) or ``ts_rank(document, query)``."""

    def __init__(self, kind, terms, *, rank):
        self.kind, self.terms, self.rank = kind, terms, rank
        super().__init__(output_field=FloatField() if rank else BooleanField())

    def as_sql(self, compiler, connection, **extra):
        document, _ = _Document(self.kind).as_sql(compiler, connection)
        tsquery, params = _tsquery(self.terms)
        if self.rank:
            return f"ts_rank({document}, {tsquery})", params
        return f"({document} @@ ({tsquery}))", params


def _postgres(query, kind):
    """One query. The best rows are chosen in a subquery over the kind's own table, with
    only the joins its public check and order need, and only those rows are joined to what
    the results show: joined first, every match (8,000 for a common word in a 10,000-story
    archive) was joined to its section, image, speaker and source before 20 were kept. For
    a kind that is newest first, what is ranked is its newest CANDIDATES matches."""
    queryset = kind.queryset()
    matches = queryset.model.objects.published().filter(_Match(kind, query.terms, rank=False))
    if kind.newest_first:
        newest = matches.order_by(*kind.order).values("pk")[:CANDIDATES]
        matches = queryset.model.objects.filter(pk__in=newest)
    rank, order = _Match(kind, query.terms, rank=True), (F("rank").desc(), *kind.order)
    best = matches.annotate(rank=rank).order_by(*order).values("pk")[:RESULTS_PER_KIND]
    return list(queryset.filter(pk__in=best).annotate(rank=rank).order_by(*order))


# SQLite -----------------------------------------------------------------------------------

_WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}


def _sqlite(query, kind):
    """Two queries: the ranked ids from the FTS5 index, then those rows. In one join
    SQLite's planner drives from the published rows and runs the full-text query once per
    row (seconds on a 5,000-story archive); alone, the index drives and the public rows
    are one materialised ``IN`` list."""
    queryset = kind.queryset()
    fts = f"{queryset.model._meta.db_table}_fts"
    weights = ", ".join(str(_WEIGHTS[weight]) for _, weight, _ in kind.fields)
    # Every word a prefix of its stem (terms are letters, marks and digits: see parse).
    match = " AND ".join(f'"{stem}"*' for stem in dict.fromkeys(query.stems))
    public, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # bm25 is lower for a better match; equal ranks put the newer row first.
        cursor.execute(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s AND +rowid IN ({public}) "
            f"ORDER BY bm25({fts}, {weights}), rowid DESC LIMIT {RESULTS_PER_KIND}",
            [match, *params],
        )
        ids = [row[0] for row in cursor.fetchall()]
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids]


# Highlighting ------------------------------------------------------------------------------


def _letter_pattern(char):
    # Match a folded letter in unfolded text: any case, an optional nukta after it, and the
    # precomposed nukta letters that NFC keeps.
    extra = {"न": "ऩ", "र": "ऱ", "ळ": "ऴ"}.get(char)
    core = regex.escape(char)
    if extra:
        core = f"(?:{core}|{extra})"
    return f"{core}{NUKTA}?" if "\u0900" <= char <= "\u097f" else core


def _highlighter(query):
    stems = sorted(set(query.stems), key=len, reverse=True)
    if not stems:
        return None
    alternatives = ["".join(_letter_pattern(c) for c in s) for s in stems]
    # A stem matches at a word start and extends to the end of the word (इस्तीफ → इस्तीफे).
    return regex.compile(
        rf"(?<!{_WORD_CHAR})(?:{'|'.join(alternatives)}){_WORD_CHAR}*",
        regex.IGNORECASE | regex.FULLCASE,
    )


def highlight(text: str, query: Query) -> SafeString:
    """``text`` escaped, with every word matching the query wrapped in ``<mark>``.

    Escaping comes first, piece by piece: only the ``<mark>`` tags we add are markup.
    """
    pattern = _highlighter(query)
    text = str(text or "")
    if pattern is None:
        return escape(text)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[start : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        start = match.end()
    pieces.append(escape(text[start:]))
    # Safe to mark: every piece of editor text above went through escape().
    return mark_safe("".join(pieces))


# Markdown's blocks: paragraphs, list items, headings... are separated by a blank line.
_BLOCKS = regex.compile(r"\n[ \t]*\n")


def _plain(blocks):
    return " ".join(strip_markdown("\n\n".join(blocks)).split())


def _plain_around_first_match(markdown_source, pattern, width):
    """The plain text ``snippet`` cuts from, as the whole body's (blocks joined by a space),
    but made from only the blocks around the first match: enough of them before it for the
    snippet's start and after it for its end. Rendering a 5 KB body whole to take 240
    characters of it was most of a search page's time (20 stories, 3 ms each)."""
    blocks = _BLOCKS.split(markdown_source)
    if pattern is None or len(blocks) < 4:
        return _plain(blocks)
    before, after = width // 3 + 40, width + 1  # the start's word boundary; the "…" test
    for index, block in enumerate(blocks):
        if not pattern.search(block):
            continue
        first, last = index, index + 1
        while True:
            text = _plain(blocks[first:last])
            match = pattern.search(text)
            if match is None:
                break  # the words were in markup (an address): look further on
            short_before = first > 0 and match.start() <= before
            short_after = last < len(blocks) and len(text) - match.start() <= after
            if not (short_before or short_after):
                return text
            first, last = first - short_before, last + short_after
    return _plain(blocks)


def snippet(markdown_source: str, query: Query, width: int = 240) -> SafeString:
    """About ``width`` characters of plain text around the first match, highlighted."""
    pattern = _highlighter(query)
    text = _plain_around_first_match(markdown_source, pattern, width)
    return _cut(text, query, pattern, width)


def _cut(text, query, pattern, width):
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - width // 3) if match else 0
    if start:
        # Start at a word boundary, never in the middle of a word.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (match.start() if match else start + 40) else start
    piece = text[start : start + width]
    if start + width < len(text):
        cut = piece.rfind(" ")
        piece = (piece[:cut] if cut > width // 2 else piece) + " …"
    return mark_safe(("… " if start else "") + highlight(piece, query))
