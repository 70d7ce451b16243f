"""A story from plain text: a reporter's copy or a wire story turned into a draft to check.

``parse_story(text)`` reads the text and asks the database only what it already knows (the
people, organisations and sources; a constant four queries, whatever the text's length); it
saves nothing. ``save_draft(draft, …)`` saves what the editor kept, as a draft. The admin's
"Import a story from text" page (articles/admin/imports.py) and ``manage.py import_story``
are the two ways in.

The rules, in the order they apply:

* **Page furniture is left out** and listed in ``Draft.left_out``: a leading dateline of a
  scraped page (``date 2026-02-10 …``) and advertisement markers (a line "विज्ञापन" or
  "Advertisement").
* **Blocks** are runs of non-blank lines. The first line is the headline, the next block the
  summary. A heading-like block straight after the summary is the web page's strapline: it
  is left out of the body too (listed, so nothing is lost silently).
* **Bullet lists**: lines starting with •, ◦, ▪, -, * or – (or ``1.`` / ``1)``), blank lines
  between items allowed, become one Markdown list.
* **Headings**: a one-line block of at most ``HEADING_MAX_WORDS`` words, with no sentence
  inside it, that does not end in ``. , ; : - ।`` (a question or an exclamation is fine),
  does not open with a quotation mark and does not lead into a list (unless it ends in
  ``?`` or ``!``), becomes ``## …``.
* **Block quotes**: a paragraph that is one quoted passage from end to end becomes ``> …``.
* **Quotes**: every passage in quotation marks (``' '``, ``" "``, ``‘ ’``, ``“ ”``; an
  opening mark follows a space or the start, a closing mark precedes a space, punctuation
  or the end, so the apostrophe of "don't" is neither) is offered as a direct quote, except
  *scare quotes*, see ``is_scare_quote``. Quotes in the headline are not offered (the
  headline repeats the body's words).
* **Speaker**: the nearest mention, before the quote, of a person in the database (any name
  or alias, whole words, ``articles.text.word_pattern``); mentions inside quoted passages do
  not count. **Source**: that person's own source (``Source.author``), the latest first.
* **People and organisations** are those in the database mentioned anywhere in the
  headline, summary or body.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from articles.models import SLUG_MAX_LENGTH, Article, Organisation, Person, Quote, Source
from articles.text import normalize, slugify, word_pattern

__all__ = [
    "AlreadyImported",
    "Draft",
    "NotAStory",
    "QuoteOffer",
    "decode_text",
    "is_scare_quote",
    "parse_story",
    "save_draft",
]

#: A heading has at most this many words.
HEADING_MAX_WORDS = 12
#: A quoted passage of fewer words than this, with no sentence inside it, is a scare quote
#: unless its sentence attributes speech (see ``is_scare_quote``).
SCARE_QUOTE_WORDS = 8

# Verbs (and phrases) of saying, as whole words: "मृणांक लिखते हैं", "आकाश का तर्क है",
# "रिपोर्ट्स के मुताबिक". A short quoted phrase in a sentence with none of them is someone's
# label or slogan ('जिम्मेदार AI लैब', 'शिप करो, जल्दी करो'), not their words.
SPEECH_WORDS = frozenset(
    {
        *("लिखा", "लिखी", "लिखे", "लिखते", "लिखती", "लिखता", "लिखें"),
        *("कहा", "कही", "कहे", "कहते", "कहती", "कहता", "कहना"),
        *("बोला", "बोली", "बोले", "बोलते", "बोलती", "बताया", "बताती", "बताते", "बताता"),
        *("तर्क", "बयान", "मुताबिक", "अनुसार"),
        *("said", "says", "say", "wrote", "writes", "write", "told", "tells"),
        *("argued", "argues", "according"),
    }
)

FURNITURE = {"विज्ञापन", "advertisement"}
_DATELINE = re.compile(r"\Adate\s+\d{4}-\d{2}-\d{2}\b", re.IGNORECASE)
_BULLET = re.compile(r"\A(?:[•◦▪\-*–]|\d{1,3}[.)])\s+")
_NUMBERED = re.compile(r"\A\d{1,3}[.)]\s+")
_SENTENCE_END = re.compile(r"[.?!।](?=\s|\Z)")
_SENTENCE_INSIDE = re.compile(r"[.?!।]\s")
_NO_HEADING_END = tuple(".,;:-–—।")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN = re.compile(r"[A-Za-z]")

# Opening mark → closing mark. A straight mark closes itself.
QUOTE_PAIRS = {"'": "'", '"': '"', "‘": "’", "“": "”"}
_OPENS_AFTER = " \t\n([{—–-:"
_CLOSES_BEFORE = " \t\n)]}.,;:!?।-—–"


class NotAStory(ValueError):
    """The text cannot become a story (empty, no headline)."""


class AlreadyImported(ValueError):
    """A story with the headline's slug is already in the desk; nothing was saved."""

    def __init__(self, article):
        self.article = article
        super().__init__(
            _("“%(headline)s” is already in the desk (%(status)s): nothing was saved.")
            % {"headline": article.headline, "status": article.get_status_display()}
        )


@dataclass
class QuoteOffer:
    """A direct quote found in the text: its words, the guessed speaker and source (None
    when there is no guess), and where its words start in ``Draft.body``."""

    text: str
    speaker: Person | None
    source: Source | None
    position: int


@dataclass
class Draft:
    """What ``parse_story`` found. Nothing of it is saved until ``save_draft``."""

    headline: str
    summary: str
    body: str
    slug: str
    language: str
    people: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    #: Lines of the text left out of the story (page furniture, the strapline).
    left_out: list = field(default_factory=list)
    #: Every source the people found authored, the latest first (the speakers' choices).
    sources: list = field(default_factory=list)
    #: The story already in the desk under ``slug``, if any (``save_draft`` refuses it).
    existing: Article | None = None


def decode_text(data: bytes, name: str) -> str:
    """``data`` (a file's bytes) as text: UTF-8, a byte-order mark dropped. Raises
    ``NotAStory`` naming ``name`` and the first bad byte when it is not UTF-8 text."""
    message = _("“%(name)s” is not UTF-8 text (byte %(offset)d): save it as UTF-8 and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotAStory(message % {"name": name, "offset": error.start}) from error
    # NUL is valid UTF-8 but no text file holds one (a UTF-16 file is full of them), and
    # PostgreSQL refuses it in text: the pasted text's form field refuses it too.
    if "\x00" in text:
        raise NotAStory(message % {"name": name, "offset": data.index(b"\x00")})
    return text


# Quotation marks --------------------------------------------------------------------------


def quoted_passages(text):
    """``(start, end)`` of the words inside each quoted passage of ``text``, in order
    (marks excluded, passages never nested or overlapping)."""
    found, at = [], 0
    while at < len(text):
        mark = text[at]
        closing = QUOTE_PAIRS.get(mark)
        opens = closing and (at == 0 or text[at - 1] in _OPENS_AFTER)
        if opens and at + 1 < len(text) and not text[at + 1].isspace():
            end = at + 1
            while True:
                end = text.find(closing, end + 1)
                if end == -1:
                    break
                if not text[end - 1].isspace() and (
                    end + 1 == len(text) or text[end + 1] in _CLOSES_BEFORE
                ):
                    break
            if end != -1:
                found.append((at + 1, end))
                at = end + 1
                continue
        at += 1
    return found


def _words(text):
    return text.split()


def _sentence_around(text, start, end):
    """The sentence of ``text`` holding ``text[start:end]``, without those characters."""
    before = text[:start]
    cuts = list(_SENTENCE_END.finditer(before))
    head = before[cuts[-1].end() :] if cuts else before
    after = text[end:]
    stop = _SENTENCE_END.search(after)
    return head, after[: stop.end() if stop else len(after)]


def attributes_speech(context):
    """True when ``context`` holds a verb of saying (``SPEECH_WORDS``) as a whole word."""
    return any(word_pattern(word).search(context) for word in SPEECH_WORDS)


def is_scare_quote(words, context):
    """True when a quoted passage is a scare quote (or a label, a slogan), not someone's
    words: a single word ('सेफ'); or fewer than ``SCARE_QUOTE_WORDS`` words with no
    sentence inside (no ``. ? ! ।``) in a ``context`` (the rest of its sentence) that has no
    verb of saying ('क्लाउड कोवर्क', 'जिम्मेदार AI लैब'). 'खुद को अदृश्य' in "मृणांक लिखते
    हैं कि … 'खुद को अदृश्य' रहने देंगे." is a quote."""
    count = len(_words(words))
    if count <= 1:
        return True
    if count >= SCARE_QUOTE_WORDS or _SENTENCE_INSIDE.search(words + " "):
        return False
    return not attributes_speech(context)


# Blocks -----------------------------------------------------------------------------------


def _blocks(lines):
    """Runs of non-blank lines; a run of bullet lines continues across blank lines."""
    blocks, current = [], []
    for line in lines:
        if not line:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    merged = []
    for block in blocks:
        is_list = all(_BULLET.match(line) for line in block)
        if is_list and merged and merged[-1][0] == "list":
            merged[-1][1].extend(block)
        else:
            merged.append(("list" if is_list else "text", block))
    return merged


def _is_heading(line, next_kind):
    words = _words(line)
    # A line before a list is its lead-in ("मृणांक ने Anthropic में रहते हुए"), unless it
    # asks or exclaims, as a heading does.
    return (
        (next_kind != "list" or line.endswith(("?", "!")))
        and len(words) <= HEADING_MAX_WORDS
        and not _SENTENCE_INSIDE.search(line)
        and not line.endswith(_NO_HEADING_END)
        and line[0] not in QUOTE_PAIRS
    )


def _is_block_quote(text):
    passages = quoted_passages(text)
    return len(passages) == 1 and passages[0] == (1, len(text) - 1)


def _escape_paragraph(text):
    # A paragraph that starts like Markdown block syntax would become it.
    return "\\" + text if text[0] in "#>" or _BULLET.match(text) else text


def _markdown(kinds):
    """The body as Markdown and, for each piece of text in it, ``(offset, text)``."""
    parts, texts, offset = [], [], 0

    def add(prefix, text, sep):
        nonlocal offset
        texts.append((offset + len(prefix), text))
        parts.append(prefix + text + sep)
        offset += len(prefix) + len(text) + len(sep)

    for index, (kind, block) in enumerate(kinds):
        if index:
            parts.append("\n\n")
            offset += 2
        if kind == "list":
            for number, line in enumerate(block):
                prefix = "1. " if _NUMBERED.match(line) else "- "
                add(prefix, _BULLET.sub("", line, count=1), "\n" if number < len(block) - 1 else "")
        elif kind == "heading":
            parts.append("## " + block)
            offset += 3 + len(block)
        elif kind == "quote":
            add("> ", block, "")
        else:
            add("", _escape_paragraph(block), "")
    return "".join(parts), texts


def _structure(text):
    """(headline, summary, [(kind, text or lines)], left_out)."""
    lines, left_out = [], []
    for raw in normalize(text).splitlines():
        line = " ".join(raw.split())
        if (not lines and _DATELINE.match(line)) or line.casefold() in FURNITURE:
            left_out.append(line)
            continue
        lines.append(line)
    blocks = _blocks(lines)
    if not blocks:
        raise NotAStory(_("The text is empty: there is no headline."))
    first = blocks.pop(0)[1]
    headline, rest = first[0], first[1:]
    if rest:
        blocks.insert(0, ("text", rest))
    summary = ""
    if blocks and blocks[0][0] == "text":
        summary = " ".join(blocks.pop(0)[1])
    kinds = []
    for index, (kind, block) in enumerate(blocks):
        if kind == "list":
            kinds.append(("list", block))
            continue
        paragraph = " ".join(block)
        next_kind = blocks[index + 1][0] if index + 1 < len(blocks) else None
        heading = len(block) == 1 and _is_heading(paragraph, next_kind)
        if heading and index == 0 and summary:
            left_out.append(paragraph)  # the strapline
        elif heading:
            kinds.append(("heading", paragraph))
        elif _is_block_quote(paragraph):
            kinds.append(("quote", paragraph))
        else:
            kinds.append(("text", paragraph))
    return headline, summary, kinds, left_out


# Entities ---------------------------------------------------------------------------------


def _mentions(entities, text, skip=()):
    """``[(start, entity)]`` of whole-word mentions of ``entities`` in ``text``, longest
    name first at a place, outside the ``skip`` spans."""
    pairs = sorted(
        ((normalize(name).strip(), e) for e in entities for name in e.names if name.strip()),
        key=lambda pair: -len(pair[0]),
    )
    taken, found = list(skip), []
    for name, entity in pairs:
        for match in word_pattern(name).finditer(text):
            span = match.span()
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
                found.append((span[0], entity))
    return sorted(found, key=lambda item: item[0])


def _in_order(mentions):
    return list(dict.fromkeys(entity for _, entity in mentions))


def _language(text):
    return "hi" if len(_DEVANAGARI.findall(text)) >= len(_LATIN.findall(text)) else "en"


# Parsing ----------------------------------------------------------------------------------


def parse_story(text: str) -> Draft:
    """Read ``text`` (a story as plain text) into a ``Draft``; saves nothing.

    Raises ``NotAStory`` for a text with no headline. Four queries: people, organisations,
    the people's sources, and the story already under the headline's slug.
    """
    headline, summary, kinds, left_out = _structure(text)
    body, texts = _markdown(kinds)

    # Quoted passages of the body, with the rest of their sentence as context.
    passages, previous = [], ""
    for offset, piece in texts:
        for start, end in quoted_passages(piece):
            head, tail = _sentence_around(piece, start - 1, end + 1)
            context = head + " " + tail
            if not head.strip():  # the quote opens its paragraph: its lead-in counts
                context = previous + " " + context
            passages.append((offset + start, offset + end, context))
        last = list(_SENTENCE_END.finditer(piece))
        previous = piece[last[-2].end() :] if len(last) > 1 else piece
    inside_quotes = [(start, end) for start, end, _ in passages]

    people = list(Person.objects.all())
    person_mentions = _mentions(people, body, skip=inside_quotes)
    found_people = _in_order(
        _mentions(people, headline + "\n" + summary) + [(0, p) for _, p in person_mentions]
    )
    everything = "\n".join([headline, summary, body])
    organisations = _in_order(_mentions(list(Organisation.objects.all()), everything))
    sources = list(
        Source.objects.filter(author__in=found_people)
        .select_related("author")
        .order_by(F("published_on").desc(nulls_last=True), "-pk")
    )

    quotes = []
    for start, end, context in passages:
        words = body[start:end].strip()
        if is_scare_quote(words, context):
            continue
        before = [person for at, person in person_mentions if at < start]
        speaker = before[-1] if before else None
        source = next((s for s in sources if speaker and s.author_id == speaker.pk), None)
        quotes.append(QuoteOffer(words, speaker, source, start))

    slug = slugify(headline, max_length=SLUG_MAX_LENGTH)
    return Draft(
        headline=headline,
        summary=summary,
        body=body,
        slug=slug,
        language=_language(body or headline),
        people=found_people,
        organisations=organisations,
        quotes=quotes,
        left_out=left_out,
        sources=sources,
        existing=Article.objects.filter(slug=slug).first() if slug else None,
    )


# Saving -----------------------------------------------------------------------------------


def save_draft(draft: Draft, quotes=None) -> Article:
    """Save ``draft`` as a new draft story with its people, organisations, the ``quotes``
    (``QuoteOffer``s, default: every one offered) that have a speaker, and their sources.

    Importing twice never duplicates: a story already under the headline's slug is refused
    with ``AlreadyImported`` (it may have been edited since; updating it would lose that
    work). A story the model refuses (a headline over 300 characters…) raises
    ``ValidationError``. All or nothing.
    """
    quotes = [q for q in (draft.quotes if quotes is None else quotes) if q.speaker is not None]
    with transaction.atomic():
        existing = Article.objects.filter(slug=draft.slug).first()
        if existing is not None:
            raise AlreadyImported(existing)
        article = Article(
            headline=draft.headline,
            slug=draft.slug,
            summary=draft.summary,
            body=draft.body,
            language=draft.language,
            status=Article.Status.DRAFT,
        )
        if not draft.slug:
            raise ValidationError({"headline": _("The headline has no letters to make a slug.")})
        article.full_clean()
        article.save()
        speakers = [q.speaker for q in quotes]
        article.people.set(list(dict.fromkeys([*draft.people, *speakers])))
        article.organisations.set(draft.organisations)
        article.sources.set(list(dict.fromkeys(q.source for q in quotes if q.source)))
        # One by one, not bulk_create: each quote gets its history record.
        for number, offer in enumerate(sorted(quotes, key=lambda q: q.position), start=1):
            Quote.objects.create(
                article=article,
                position=number,
                speaker=offer.speaker,
                source=offer.source,
                text=offer.text,
                kind=Quote.Kind.DIRECT,
            )
    return article
