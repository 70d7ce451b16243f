"""Devanagari-aware text handling: normalisation, comparison folding, slugs and word matching.

Everything here is a plain function over ``str``; nothing touches models or the database.

Hindi text needs its own helpers because the usual tools assume that every part of a word is
a "word character" (``\\w``). In Devanagari, vowel signs (matras), the virama, the nukta, the
anusvara and the chandrabindu are *combining marks* (Unicode categories Mn/Mc), which ``\\w``
excludes. Django's ``slugify(allow_unicode=True)`` therefore deletes them (मृणांक शर्मा becomes
मणक-शरम), ``validate_unicode_slug`` rejects correct Hindi slugs, and ``\\b`` finds word
boundaries inside words.
"""

import functools
import re
import unicodedata

import regex
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SLUG_PATTERN",
    "SLUG_RE",
    "SlugConverter",
    "find_word",
    "fold",
    "fold_table",
    "normalize",
    "slugify",
    "validate_slug",
    "word_pattern",
]

NUKTA = "\u093c"
VIRAMA = "\u094d"


def normalize(value: str) -> str:
    """Return ``value`` in Unicode NFC, and nothing else.

    Used on every stored text field so that equal-looking text is equal code point for code
    point (e.g. a nukta letter typed precomposed or as letter + U+093C). Whitespace is left
    alone on purpose: article bodies need theirs.

    Note: NFC *decomposes* U+0958–U+095F (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) into consonant + nukta, because
    Unicode lists them as composition exclusions. Both spellings therefore normalise to the
    same, decomposed, form.
    """
    if value.isascii():  # ASCII is NFC
        return value
    # The same text is normalised several times on its way in (a field's to_python, then
    # get_prep_value, then fold() for the search index), and Devanagari with a nukta
    # always takes NFC's slow path: about 40 ns a character, 0.2 ms for a story's body.
    # So results are remembered, and a result is its own NFC. loaddata writes rows in
    # batches (a hundred stories, about a million characters), so what is remembered is
    # the text last normalised up to a budget of characters, not a count of values.
    done = _NORMALIZED.get(value)
    if done is None:
        done = _NORMALIZED_BEFORE.get(value)
        if done is None:
            done = _nfc(value)
        _remember(value, done)
    return done


def _nfc(value: str) -> str:
    """``unicodedata.normalize("NFC", value)``, three times faster for text with a nukta.

    NFC's quick check answers "maybe" for the nukta (it composes with न, र and ळ), and
    CPython then normalises the whole text. Normalisation never reaches across a space or
    a line feed (class 0, part of no canonical composition), so only the words holding a
    nukta take the slow path; the text between them passes the quick check as it is.
    """
    at = value.find(NUKTA)
    if at < 0:
        return unicodedata.normalize("NFC", value)
    parts, done = [], 0
    while at >= 0:
        start = max(done, value.rfind(" ", done, at) + 1, value.rfind("\n", done, at) + 1)
        ends = [e for e in (value.find(" ", at), value.find("\n", at)) if e >= 0]
        end = min(ends) if ends else len(value)
        parts.append(unicodedata.normalize("NFC", value[done:start]))
        parts.append(unicodedata.normalize("NFC", value[start:end]))
        done = end
        at = value.find(NUKTA, end)
    parts.append(unicodedata.normalize("NFC", value[done:]))
    return "".join(parts)


_NORMALIZED = {}  # text: its NFC (see normalize)
_NORMALIZED_BEFORE = {}  # the previous generation of _NORMALIZED, still asked
_NORMALIZED_BUDGET = 1 << 21  # characters (values and results) in one generation
_normalized_chars = 0


def _remember(value, done):
    global _NORMALIZED, _NORMALIZED_BEFORE, _normalized_chars
    size = len(value) + (0 if value is done else len(done))
    if _normalized_chars + size > _NORMALIZED_BUDGET:
        _NORMALIZED_BEFORE, _NORMALIZED = _NORMALIZED, {}
        _normalized_chars = 0
    _NORMALIZED[value] = _NORMALIZED[done] = done
    _normalized_chars += size


# --- fold -------------------------------------------------------------------------------------

# Every kind of space (NBSP, narrow NBSP, figure space, em space, ...) and line/paragraph
# separators. \s also covers tab/newline so the collapse step below sees one kind of space.
_FOLD_SPACES = regex.compile(r"[\p{Zs}\p{Zl}\p{Zp}\s]+")

# All dash punctuation (U+2010 hyphen, U+2011 non-breaking hyphen, figure/en/em dashes, ...)
# plus U+2212 MINUS SIGN, which is a math symbol (Sm), not dash punctuation, yet is what
# some keyboards and CMSes produce for a hyphen.
_FOLD_DASHES = regex.compile(r"[\p{Pd}\u2212]")

# Quote marks, straight and typographic, single and double, plus primes and backticks that
# stand in for them. They are *removed*: a quote check must not fail because the body uses
# ‘…’ where the editor typed '…', or because one side has quotes around a phrase and the
# other does not.
QUOTE_MARKS = (
    "'\"`\u00b4"  # ' " ` ´
    "\u2018\u2019\u201a\u201b"  # ‘ ’ ‚ ‛
    "\u201c\u201d\u201e\u201f"  # “ ” „ ‟
    "\u2032\u2033\u2034\u2035\u2036\u2037"  # ′ ″ ‴ ‵ ‶ ‷
    "\u00ab\u00bb\u2039\u203a"  # « » ‹ ›
    "\u02bc"  # ʼ modifier letter apostrophe
    "\u275b\u275c\u275d\u275e"  # ornamental quotes
    "\u2e42"  # ⹂ double low-reversed-9
    "\u301d\u301e\u301f"  # 〝 〞 〟
    "\uff02\uff07"  # fullwidth " '
)
_FOLD_QUOTES = re.compile("[" + re.escape(QUOTE_MARKS) + "]")

# Invisible characters that only affect shaping or line breaking: ZWSP, ZWNJ, ZWJ, BOM /
# zero-width no-break space, word joiner, soft hyphen. ZWJ/ZWNJ select half forms and
# ligatures in Devanagari (क्‍ष vs क्ष) without changing the word.
_INVISIBLES = "\u200b\u200c\u200d\ufeff\u2060\u00ad"
_FOLD_INVISIBLES = re.compile("[" + _INVISIBLES + "]")


def fold(value: str) -> str:
    """Return the comparison form of ``value``, for matching quotes against bodies and search.

    Two strings that a reader would call "the same words" fold equal. Steps, in order:

    * NFC;
    * every Unicode space (NBSP U+00A0, U+202F, U+2007, ...) and line break becomes a space;
    * every dash (U+2010 hyphen, U+2011 non-breaking hyphen as in बार‑बार, U+2012 figure dash,
      U+2013 en dash, U+2014 em dash, ...) and U+2212 minus become ``-``;
    * quote marks (``' " ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ « » ‹ ›`` and similar) are **removed**, so
      ``'foo'``, ``‘foo’`` and ``foo`` fold equal (and so does ``don't`` with ``dont``);
    * ZWSP, ZWNJ, ZWJ, BOM, word joiner and soft hyphen are removed;
    * the Devanagari nukta U+093C is removed, including from the precomposed letters
      U+0958–U+095F and ऩ ऱ ऴ, so इस्तीफ़ा and इस्तीफा fold equal. This also merges ड़/ड and
      ढ़/ढ, which are distinct letters in Hindi; for matching and search that is acceptable
      (spellings with and without nukta are used interchangeably in the press);
    * ``str.casefold()`` (Latin and other cased scripts; Devanagari has no case);
    * runs of whitespace collapse to one space, and the ends are stripped.

    The result is for comparison only: never store or display it, and do not use indices
    into it on the original string.
    """
    value = normalize(value)
    value = _FOLD_INVISIBLES.sub("", value)
    value = _FOLD_QUOTES.sub("", value)
    value = _fold_dashes().sub("-", value)
    # Spaces: every character _FOLD_SPACES matches is str.isspace(), so the split() at
    # the end makes it one space (the regex's \p classes took a third of fold's time).
    value = value.casefold()
    # The nukta goes, alone and from the letters holding one (ऩ ऱ ऴ; क़…य़ are decomposed by
    # NFC already): what removing it from the NFD does, but then NFC meets no nukta, the one
    # Devanagari mark that alone sends NFC down its slow path (0.2 ms for a story's body).
    value = _NUKTA_LETTERS.sub(_without_nukta, value.replace(NUKTA, ""))
    value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


# Every character whose decomposition holds the nukta (checked over all of Unicode).
_NUKTA_LETTERS = re.compile("[\u0929\u0931\u0934\u0958-\u095f]")


def _without_nukta(match):
    return unicodedata.normalize("NFD", match.group()).replace(NUKTA, "")


@functools.cache
def _fold_dashes():
    """_FOLD_DASHES as a plain ``re`` character class (fold_table's dashes: no dash lies
    beyond plane 1), five times faster over a story's body than ``regex``'s Pd class."""
    return re.compile(
        "[" + re.escape("".join(c for c, to in fold_table().items() if to == "-")) + "]"
    )


@functools.cache
def fold_table() -> dict[str, str]:
    """:func:`fold`'s character replacements as a table, for code that cannot call ``fold``
    (SQL's ``translate()``): each key becomes its value, ``""`` meaning removed.

    Not in the table: NFC (stored text is NFC already), case folding, and collapsing runs
    of spaces; the caller does those. Built once per process from the same patterns as
    ``fold`` (one scan of planes 0 and 1, a few hundredths of a second).
    """
    # Planes 0 and 1 (bar surrogates), one pass per pattern: the other planes hold only
    # ideographs, tags and private use, none of them a space or a dash.
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x20000)))
    table = {}
    for char in "".join(_FOLD_SPACES.findall(every)).replace(" ", ""):
        table[char] = " "
    for char in "".join(_FOLD_DASHES.findall(every)).replace("-", ""):
        table[char] = "-"
    for char in QUOTE_MARKS + _INVISIBLES + NUKTA:
        table[char] = ""
    # The nukta letters NFC keeps precomposed (U+0929, U+0931, U+0934).
    for char in "\u0929\u0931\u0934":
        table[char] = unicodedata.normalize("NFD", char).replace(NUKTA, "")
    return table


# --- slugs ------------------------------------------------------------------------------------

# Characters a slug may contain, as explicit ranges so that the pattern works with Python's
# ``re`` (Django URL converters) as well as ``regex``. Split into "base" characters, which may
# start a word, and combining marks, which may only follow one: a slug segment never starts
# with a dangling vowel sign or virama.
#
# Devanagari (U+0900–U+097F) minus punctuation: danda । U+0964, double danda ॥ U+0965 and the
# abbreviation sign ॰ U+0970 act as separators. Devanagari Extended (U+A8E0–U+A8FF) minus its
# punctuation (U+A8F8–U+A8FA, U+A8FC). Latin is ASCII only: slugify() folds é to e.
# Other scripts are not kept (they act as separators); to support one, add its letters to
# _SLUG_BASE and its marks to _SLUG_MARKS, and a test.
_SLUG_BASE = (
    r"a-z0-9"
    r"\u0904-\u0939"  # independent vowels and consonants
    r"\u093d"  # avagraha ऽ
    r"\u0950"  # om ॐ
    r"\u0958-\u0961"  # nukta consonants (precomposed), vocalic RR, LL
    r"\u0966-\u096f"  # Devanagari digits ०-९
    r"\u0971-\u097f"  # high spacing dot, further letters
    r"\ua8f2-\ua8f7\ua8fb\ua8fd\ua8fe"  # Devanagari Extended letters
)
_SLUG_MARKS = (
    r"\u0900-\u0903"  # inverted candrabindu, candrabindu ँ, anusvara ं, visarga ः
    r"\u093a-\u093c"  # vowel signs oe/ooe, nukta ़
    r"\u093e-\u094f"  # vowel signs (matras), virama ्
    r"\u0951-\u0957"  # stress/accent marks, vowel signs
    r"\u0962\u0963"  # vocalic L/LL vowel signs
    r"\ua8e0-\ua8f1\ua8ff"  # Devanagari Extended combining marks
)
_SLUG_SEGMENT = rf"[{_SLUG_BASE}][{_SLUG_BASE}{_SLUG_MARKS}]*"

#: Regex source for a slug: hyphen-separated non-empty segments of lowercase ASCII letters,
#: ASCII digits and Devanagari (letters, digits, combining marks). Plain ``re`` syntax with no
#: anchors or capturing groups, so it can be a Django path converter's ``regex``.
SLUG_PATTERN = rf"{_SLUG_SEGMENT}(?:-{_SLUG_SEGMENT})*"
SLUG_RE = re.compile(rf"\A{SLUG_PATTERN}\Z")

_SLUG_CLUSTER_RE = re.compile(rf"\A{_SLUG_SEGMENT}\Z")
_SLUG_CHAR_RE = re.compile(rf"[{_SLUG_BASE}{_SLUG_MARKS}]")

# Latin letters that NFKD does not decompose to ASCII.
_LATIN_FALLBACK = {
    "æ": "ae",
    "ð": "d",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ł": "l",
    "ŋ": "n",
    "ø": "o",
    "œ": "oe",
    "ß": "ss",
    "þ": "th",
}

# An apostrophe inside a word ("women's", "O'Brien") is dropped rather than turned into a
# hyphen, which would split the word ("women-s").
_SLUG_APOSTROPHE = regex.compile(r"(?<=[\p{L}\p{M}])['\u2019\u02bc](?=\p{L})")
_SLUG_SEPARATORS = re.compile(r"-{2,}")
_SLUG_JOINERS = re.compile("[\u200c\u200d\u00ad\u2060\ufeff]")


def _fallback_cluster(cluster: str) -> str | None:
    """Represent a grapheme cluster that is not slug-safe with slug characters, or None.

    Compatibility forms and accented Latin reduce to ASCII via NFKD (ｆ → f, ﬁ → fi, é → e,
    ² → 2), non-ASCII decimal digits become ASCII digits, and a few Latin letters use
    _LATIN_FALLBACK. Anything else (punctuation, symbols, other scripts) gives None.
    """
    out = []
    for char in unicodedata.normalize("NFKD", cluster):
        if _SLUG_CHAR_RE.match(char):
            out.append(char)
        elif char in _LATIN_FALLBACK:
            out.append(_LATIN_FALLBACK[char])
        elif unicodedata.category(char) == "Nd":
            out.append(str(unicodedata.decimal(char)))
        elif unicodedata.category(char).startswith("M"):
            # A diacritic on a kept letter (é, ğ); dropping it keeps the letter readable.
            continue
        else:
            return None
    result = unicodedata.normalize("NFC", "".join(out).casefold())
    return result if _SLUG_CLUSTER_RE.match(result) else None


def _truncate_slug(slug: str, max_length: int) -> str:
    """Cut ``slug`` to at most ``max_length`` code points, at a word boundary if possible.

    Cuts only between grapheme clusters (``\\X``; the ``regex`` module keeps a conjunct such
    as स्त together, so a cut never separates a virama from the consonant after it, or a vowel
    sign from its consonant). If the cut falls inside a word and an earlier hyphen exists,
    the partial word is dropped.
    """
    if len(slug) <= max_length:
        return slug
    kept = 0
    for cluster in regex.finditer(r"\X", slug):
        if cluster.end() > max_length:
            break
        kept = cluster.end()
    # Belt and braces for a Unicode version without conjunct-aware clusters: never end on a
    # virama that a consonant followed.
    while kept and slug[kept - 1] == VIRAMA and slug[kept] != "-":
        kept = regex.search(r"\X\Z", slug[:kept]).start()
    cut = slug[:kept]
    if slug[kept] != "-" and "-" in cut:
        cut = cut[: cut.rindex("-")]
    return cut.strip("-")


def slugify(value: str, max_length: int = 200) -> str:
    """Return a URL slug for ``value`` that keeps Devanagari words whole.

    ``slugify("मृणांक शर्मा") == "मृणांक-शर्मा"``; ``slugify("Mrinank Sharma") ==
    "mrinank-sharma"``. Contract:

    * the result always matches ``SLUG_RE``, or is ``""`` when ``value`` has no letters or
      digits we can keep (callers must supply a fallback, e.g. the model name);
    * the result has at most ``max_length`` code points (``max_length >= 1``), never ends in
      a hyphen and never splits a grapheme cluster; it is cut at a hyphen when one is
      available, and may be ``""`` only if the first cluster is longer than ``max_length``;
    * slugify is idempotent: ``slugify(slugify(x)) == slugify(x)`` (for the same max_length).

    Rules: NFC, then casefold. Kept: ASCII letters/digits and Devanagari letters, digits and
    combining marks (matras, virama, nukta, anusvara, chandrabindu, visarga) as written.
    The nukta is kept, so इस्तीफ़ा and इस्तीफा give different slugs: they are different
    spellings, and a slug must not silently change one into the other. Accented Latin and
    compatibility forms fold to ASCII (José → jose, ｆｕｌｌ → full). ZWJ/ZWNJ, soft hyphen and
    apostrophes inside words are dropped. Every other run of characters (spaces, NBSP,
    U+2011, punctuation, danda । ॥, quote marks, symbols, other scripts) becomes one hyphen.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    value = normalize(value).casefold()
    value = _SLUG_JOINERS.sub("", value)
    value = _SLUG_APOSTROPHE.sub("", value)
    parts = []
    # Work per grapheme cluster so that a vowel sign or virama whose base consonant is
    # dropped (or which follows a space) is dropped too instead of starting a segment.
    for cluster in regex.findall(r"\X", value):
        if _SLUG_CLUSTER_RE.match(cluster):
            parts.append(cluster)
        else:
            parts.append(_fallback_cluster(cluster) or "-")
    slug = _SLUG_SEPARATORS.sub("-", "".join(parts)).strip("-")
    return _truncate_slug(slug, max_length)


def validate_slug(value) -> None:
    """Django validator: accept exactly the slugs ``SLUG_RE`` accepts.

    Django's ``validate_unicode_slug`` uses ``\\w``, which rejects Devanagari vowel signs,
    virama and nukta, i.e. almost every Hindi word. Raises ``ValidationError`` with code
    ``"invalid_slug"`` otherwise.
    """
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise ValidationError(
            _(
                "Enter a valid slug: lowercase Latin letters, digits and Hindi (Devanagari) "
                "words, separated by single hyphens."
            ),
            code="invalid_slug",
            params={"value": value},
        )


class SlugConverter:
    """Path converter for our slugs: ``register_converter(SlugConverter, "hslug")``.

    Browsers send Devanagari in paths percent-encoded as UTF-8; Django decodes the path
    before matching, so ``regex`` sees real Devanagari. ``to_python`` NFC-normalises so that a
    URL typed in another normal form still finds the stored (NFC) slug.
    """

    regex = SLUG_PATTERN

    def to_python(self, value: str) -> str:
        return normalize(value)

    def to_url(self, value) -> str:
        return str(value)


# --- whole-word matching ----------------------------------------------------------------------

# Python's \b is wrong for Devanagari: it is defined by \w, and \w excludes combining marks.
# So re finds a "boundary" between मृणांक and the vowel sign ो of मृणांकों (a false match
# inside an inflected word), and finds none after शर्मा in "शर्मा की", because the final ा is
# not \w either (a missed match). We instead say: a match must not touch a letter,
# combining mark, digit, or an in-word joiner (ZWJ, ZWNJ, soft hyphen, word joiner).
_WORD_CHAR = r"[\p{L}\p{M}\p{N}\u200c\u200d\u00ad\u2060]"


@functools.lru_cache(maxsize=1024)
def word_pattern(needle: str) -> regex.Pattern:
    """Return the compiled ``regex`` pattern matching ``needle`` as a whole word.

    The needle is NFC-normalised and stripped; each run of whitespace in it matches any run
    of Unicode whitespace (so a space matches an NBSP). Matching is case-insensitive with
    full case folding (Latin); Devanagari is matched exactly, nukta included. The pattern
    expects NFC text. Raises ``ValueError`` for an empty or blank needle.
    """
    words = normalize(needle).split()
    if not words:
        raise ValueError("needle must contain a non-space character")
    body = r"\s+".join(regex.escape(word) for word in words)
    return regex.compile(
        rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})",
        regex.IGNORECASE | regex.FULLCASE,
    )


def find_word(haystack: str, needle: str) -> int:
    """Return the index of the first whole-word occurrence of ``needle``, or -1.

    "Whole word" means the characters just before and after the match are not letters,
    combining marks (vowel signs, virama, nukta, anusvara), digits or ZWJ/ZWNJ: मृणांक is found
    in "मृणांक ने", "मृणांक,", "(मृणांक)" but not in "मृणांकों" or "अमृणांक". The index is into
    ``normalize(haystack)``, which is the haystack itself for stored (NFC) text.
    """
    match = word_pattern(needle).search(normalize(haystack))
    return match.start() if match else -1
