"""Tests for ``fixtures/seed.json``, the hand-written seed built from one story.

The story is ``fixtures/source/000_d51a89218e2a40ff.txt``, a byte-for-byte copy of the
scraped Hindi story of 2026-02-10 about the resignation of मृणांक शर्मा, Anthropic's
safeguards research lead. Nothing here reads anything outside the repository.

Choices made in the fixture, and checked below:

* Natural keys only, no ``pk`` anywhere, so the fixture never depends on database ids and
  loading it again updates the same rows instead of adding new ones.
* Every ``created_at``/``updated_at`` (loaddata saves raw, so ``auto_now`` does not fill
  them) and the article's ``published_at`` is the same instant, 2026-02-10T00:00:00+05:30:
  the story gives a date and no time, so midnight IST on that date stands for it.
* The body is the story's text character for character (U+2011 in बार‑बार, AI‑असिस्टेड,
  अलग‑अलग kept; the one ASCII अलग-अलग kept too; the stray quote mark after 'खुद को अदृश्य'
  kept), with subheads as ``## `` headings, the four bullets as a Markdown list and the two
  long quotes as ``> `` blockquotes. Trailing spaces/NBSPs are dropped.
* Left out: the scraped "date 2026-02-10 विज्ञापन" line (date and advertisement marker), the
  headline (``headline``) and the standfirst (``summary``), and the line
  "Anthropic Safeguards Lead Resigns: एंथ्रॉपिक के सेफ्टी हेड का इस्तीफा". That line is the
  lead image's caption/kicker on the scraped page, not body prose: the article has no image,
  and as the body's first line it would open the article with an English label repeating the
  headline.
* Quotes: the four passages in quote marks are ``direct`` (text without the marks). Reported
  speech is ``paraphrase``, stored as the story's whole sentence(s) including the attribution,
  so every quote's text is a verbatim substring of the body. "आकाश गुप्ता लिखते हैं, आज हर
  बड़ी AI कंपनी…" is a paraphrase: it is introduced as what he writes but carries no quote
  marks, so the words are the desk's rendering, not his. Of "आकाश का तर्क है- …" only the
  first sentence is attributed; the "सीधी भाषा में, …" gloss after it reads as the reporter's.
  The paragraph "जब 'स्केल करो, आगे निकलो' …" is not attributed by the story and is not a quote.
  The headline's 'मूल्य हार रहे, प्रेशर जीत रहा' is an editorial summary, not a quote.
* People: ``name`` as the story writes it (Dylan Scandinaro and Behnam Neyshabur appear only in
  Latin script, and neither has a settled Devanagari spelling, so name == name_latin and no
  Devanagari form is invented); aliases hold the Latin form (when it differs from ``name``) and
  the first-name-only mentions मृणांक and आकाश.
* No URL, publication date or date said appears in the story, so none is stored.
* Section: the story is about an AI company, so an editor files it under टेक (Tech). The
  fixture also carries the sections a small Hindi desk starts with, in navigation order
  (positions 10, 20, …, leaving room to put one between): देश (India), दुनिया (World),
  बिज़नेस (Business), टेक (Tech), खेल (Sports), मनोरंजन (Entertainment); no description is
  invented for them. Every seed row, the sections too, carries the timestamps above (the
  loader would fill in missing ones, but a seed that says when it is from stays the same
  from one load to the next).
* No byline (the story names no author) and no image (it gives none): nothing invented.
"""

import datetime
import io
import json
import re
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import models, transaction
from django.utils import translation
from django.utils.dateparse import parse_datetime

from articles import affiliations
from articles.models import (
    Affiliation,
    Article,
    ArticleAuthor,
    ArticleTag,
    Correction,
    Image,
    Organisation,
    Person,
    PersonTag,
    Quote,
    QuoteTag,
    Section,
    Source,
    Tag,
)
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)
from articles.text import fold, slugify, validate_slug

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED = FIXTURES / "seed.json"
STORY = FIXTURES / "source" / "000_d51a89218e2a40ff.txt"

NBH = "\u2011"  # NON-BREAKING HYPHEN, as the story writes बार‑बार

ARTICLE = (
    "मूल्य-हार-रहे-प्रेशर-जीत-रहा-दुनियाभर-में-खलबली-मचाने-वाली-ai-कंपनी-anthropic-के-सेफगार्ड"
    "-हेड-का-इस्तीफा-चर्चा-में-क्यों-पूरी-कहानी"
)
HEADLINE = (
    "'मूल्य हार रहे, प्रेशर जीत रहा', दुनियाभर में खलबली मचाने वाली AI कंपनी Anthropic के"
    " सेफगार्ड हेड का इस्तीफा चर्चा में क्यों? पूरी कहानी"
)
CAPTION = "Anthropic Safeguards Lead Resigns: एंथ्रॉपिक के सेफ्टी हेड का इस्तीफा"
STAMP = datetime.datetime(2026, 2, 10, tzinfo=ZoneInfo("Asia/Kolkata"))

MRINANK, AKASH, DYLAN, HARSH, BEHNAM = (
    "मृणांक-शर्मा",
    "आकाश-गुप्ता",
    "dylan-scandinaro",
    "हर्ष-मेहता",
    "behnam-neyshabur",
)
LETTER = "मृणांक-शर्मा-का-इस्तीफा-लेटर"
POST = "आकाश-गुप्ता-की-सोशल-मीडिया-पोस्ट"
REPORTS = "anthropic-की-वैल्यूएशन-और-फंडिंग-बातचीत-पर-रिपोर्ट्स"
OPUS = "anthropic-का-opus-4-6-मॉडल-लॉन्च"

# slug: (name, name_latin, description, aliases)
PEOPLE = {
    MRINANK: (
        "मृणांक शर्मा",
        "Mrinank Sharma",
        "Anthropic की सेफगार्ड रिसर्च टीम के पूर्व हेड",
        ["Mrinank Sharma", "मृणांक"],
    ),
    AKASH: ("आकाश गुप्ता", "Akash Gupta", "AI कमेंटेटर", ["Akash Gupta", "आकाश"]),
    DYLAN: ("Dylan Scandinaro", "Dylan Scandinaro", "OpenAI में Head of Preparedness", []),
    HARSH: ("हर्ष मेहता", "Harsh Mehta", "Anthropic के पूर्व सीनियर टेक्निकल स्टाफ", ["Harsh Mehta"]),
    BEHNAM: ("Behnam Neyshabur", "Behnam Neyshabur", "Anthropic के पूर्व सीनियर टेक्निकल स्टाफ", []),
}

# slug: (kind, author slug, author_name, based_on slug)
SOURCES = {
    LETTER: (Source.Kind.LETTER, MRINANK, "", None),
    POST: (Source.Kind.SOCIAL_POST, AKASH, "", LETTER),
    REPORTS: (Source.Kind.PRESS_REPORT, None, "", None),
    # The story only says Anthropic launched the model last week: an event, not a document,
    # and Anthropic's own (its author is the organisation, SOURCE_ORGANISATIONS).
    OPUS: (Source.Kind.OTHER, None, "", None),
}
SOURCE_ORGANISATIONS = {OPUS: "anthropic"}

# slug: (name, name_latin, aliases, kind). The story writes एंथ्रोपिक (first, with the Latin
# in brackets), एंथ्रॉपिक (in the caption line) and Anthropic for one company; OpenAI only in
# Latin script. It names no other organisation: UK/ब्रिटेन is a country, Claude Cowork and
# Opus 4.6 are products, the "reports" have no named publisher.
ORGANISATIONS = {
    "anthropic": ("एंथ्रोपिक", "Anthropic", ["एंथ्रॉपिक"], Organisation.Kind.COMPANY),
    "openai": ("OpenAI", "OpenAI", [], Organisation.Kind.COMPANY),
}

D, P = Quote.Kind.DIRECT, Quote.Kind.PARAPHRASE
# (position, speaker, source, kind, text), in story order.
QUOTES = [
    (
        1,
        MRINANK,
        LETTER,
        P,
        "मृणांक लिखते हैं कि उन्होंने नौकरी छोड़ दी है, यूके (ब्रिटेन) लौट रहे हैं और कुछ समय के"
        " लिए 'खुद को अदृश्य' रहने देंगे.",
    ),
    (2, MRINANK, LETTER, D, "खुद को अदृश्य"),
    (3, MRINANK, LETTER, D, "हमारे मूल्यों से काम चलाना बहुत मुश्किल है"),
    (
        4,
        AKASH,
        POST,
        P,
        "AI कमेंटेटर आकाश गुप्ता ने इस लेटर को शेयर करते हुए लिखा कि इसे लोग फिलॉसॉफिकल गुडबाय"
        " के तौर पर पढ़ रहे हैं, लेकिन सबसे अहम लाइन तीसरे पैराग्राफ में छिपी है.",
    ),
    (
        5,
        MRINANK,
        LETTER,
        D,
        f"मैंने बार{NBH}बार देखा है कि हमारे असली मूल्यों से अपनी कार्रवाइयों को सचमुच गवर्न कर"
        " पाना कितना मुश्किल है. मैंने ये अपने भीतर भी देखा है, और संगठन के भीतर भी, जहां हम"
        " पर लगातार दबाव रहता है कि जो सबसे ज्यादा मायने रखता है, उसे साइड में रख दें.",
    ),
    (
        6,
        AKASH,
        POST,
        P,
        "आकाश का तर्क है- यह बात कोई सामान्य कर्मचारी नहीं, बल्कि वही व्यक्ति कह रहा है जिसकी"
        " जिम्मेदारी थी Claude जैसे मॉडल को 'सेफ' रखना.",
    ),
    (
        7,
        AKASH,
        POST,
        P,
        "आकाश गुप्ता लिखते हैं, आज हर बड़ी AI कंपनी की कोर टेंशन यही है. दो तरह के लोग हैं. एक,"
        " जो गार्डरेल, पॉलिसी और सेफ्टी बनाते हैं और दूसरे, जो लोग रेवेन्यू, प्रोडक्ट और मार्केट"
        " शेयर की दौड़ में हैं. दोनों एक ही ऑर्ग चार्ट में हैं, पर दोनों"
        f" अलग{NBH}अलग चीज को ऑप्टिमाइज कर रहे हैं.",
    ),
    (8, MRINANK, LETTER, P, "उन्होंने लिखा कि अब वे कविताएं लिखने के लिए पोएट्री की डिग्री करेंगे."),
    (
        9,
        AKASH,
        POST,
        D,
        "जब आपका हेड ऑफ सेफगार्ड्स रिसर्च ये तय करे कि उसके समय का सबसे सच्चा उपयोग अब सेफ्टी"
        " केस लिखना नहीं, बल्कि कविता लिखना है, तो ये इस बात का संकेत है कि उसे लगता है, उन"
        " सेफ्टी केसों से असल में क्या हासिल हो रहा था.",
    ),
]

TAGS = ["AI सेफ्टी", "Anthropic", "Claude", "OpenAI", "आर्टिफिशियल इंटेलिजेंस", "इस्तीफा", "कविता"]
ARTICLE_TAGS = {"Anthropic", "AI सेफ्टी", "इस्तीफा", "आर्टिफिशियल इंटेलिजेंस", "Claude", "OpenAI"}
PERSON_TAGS = {
    MRINANK: {"AI सेफ्टी", "Anthropic"},
    AKASH: {"आर्टिफिशियल इंटेलिजेंस"},
    DYLAN: {"AI सेफ्टी", "OpenAI"},
    HARSH: {"Anthropic"},
    BEHNAM: {"Anthropic"},
}
QUOTE_TAGS = {
    1: {"इस्तीफा"},
    2: {"इस्तीफा"},
    3: {"AI सेफ्टी"},
    4: set(),
    5: {"AI सेफ्टी"},
    6: {"AI सेफ्टी", "Claude"},
    7: {"आर्टिफिशियल इंटेलिजेंस", "AI सेफ्टी"},
    8: {"कविता"},
    9: {"कविता", "AI सेफ्टी"},
}

EXPECTED_COUNTS = {
    Tag: 7,
    Person: 5,
    Source: 4,
    Article: 1,
    Quote: 9,
    Correction: 0,
    Section: 6,
    ArticleAuthor: 0,
    Image: 0,
    ArticleTag: 6,
    PersonTag: 7,
    QuoteTag: 11,
    Article.people.through: 5,
    Article.sources.through: 4,
    Organisation: 2,
    Article.organisations.through: 2,
    Affiliation: 5,
}


# Helpers ------------------------------------------------------------------------------


def load_seed():
    call_command("loaddata", "seed", verbosity=0)


def app_models():
    """Every articles-app model, the auto-created M2M tables included."""
    return list(apps.get_app_config("articles").get_models(include_auto_created=True))


def snapshot():
    """Every row of every articles-app table, ids included."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in app_models()
    }


def natural_dump():
    out = io.StringIO()
    call_command(
        "dumpdata", "articles", natural_foreign=True, natural_primary=True, indent=2, stdout=out
    )
    # Django writes a time with under a millisecond of microseconds as "…53.000Z" and the
    # same time reloaded (milliseconds kept, the rest dropped) as "…53Z": compare instants.
    return json.loads(out.getvalue(), object_hook=_parse_timestamps)


def _parse_timestamps(obj):
    return {
        key: parse_datetime(value) if key.endswith("_at") and isinstance(value, str) else value
        for key, value in obj.items()
    }


def tag_links():
    """Every (object natural key, tag name) link per tagged model, sorted, repeats kept."""
    return {
        "article": sorted(
            (link.content_object.slug, link.tag.name)
            for link in ArticleTag.objects.select_related("content_object", "tag")
        ),
        "person": sorted(
            (link.content_object.slug, link.tag.name)
            for link in PersonTag.objects.select_related("content_object", "tag")
        ),
        "quote": sorted(
            ((link.content_object.article.slug, link.content_object.position), link.tag.name)
            for link in QuoteTag.objects.select_related("content_object__article", "tag")
        ),
    }


SECTIONS = [
    ("देश", "India"),
    ("दुनिया", "World"),
    ("बिज़नेस", "Business"),
    ("टेक", "Tech"),
    ("खेल", "Sports"),
    ("मनोरंजन", "Entertainment"),
]


def wipe_articles_app():
    Article.objects.update(translation_of=None)
    for model in (QuoteTag, PersonTag, ArticleTag, Correction, Quote, ArticleAuthor, Article):
        model.objects.all().delete()
    Affiliation.objects.all().delete()
    Source.objects.update(based_on=None)
    for model in (Source, Person, Organisation, Tag, Section, Image):
        model.objects.all().delete()
    assert not any(snapshot().values())


def story_lines():
    """The story's non-empty lines, stripped, bullets without "•", minus the date/ad line."""
    lines = []
    for line in STORY.read_text(encoding="utf-8").splitlines():
        line = line.strip()  # str.strip() also strips NBSP
        if not line or (line.startswith("date ") and line.endswith("विज्ञापन")):
            continue
        lines.append(line.removeprefix("• "))
    return lines


def body_lines(body):
    """The body's non-empty lines without their Markdown block markers."""
    return [re.sub(r"\A(#{1,6} |> |- )", "", line) for line in body.splitlines() if line.strip()]


def marks(text):
    return [c for c in text if unicodedata.category(c).startswith("M")]


@pytest.fixture
def article():
    load_seed()
    return Article.objects.get(slug=ARTICLE)


# Loading ------------------------------------------------------------------------------


def test_source_copy_is_the_story():
    raw = STORY.read_bytes()
    assert raw.startswith(" date 2026-02-10 विज्ञापन\n".encode())
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert text.count(NBH) == 5


def test_seed_file_uses_natural_keys_and_real_devanagari():
    raw = SEED.read_text(encoding="utf-8")
    assert "\\u0" not in raw  # Devanagari written out, not escaped
    assert "मृणांक-शर्मा" in raw
    objects = json.loads(raw)
    assert all("pk" not in obj for obj in objects)
    assert raw == json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


def test_seed_loads_into_an_empty_database_with_exact_counts():
    assert not any(snapshot().values())
    load_seed()
    assert {model: model._base_manager.count() for model in EXPECTED_COUNTS} == EXPECTED_COUNTS


def test_every_object_passes_model_validation(article):
    for model in app_models():
        if model._meta.auto_created:
            continue
        for obj in model.objects.all():
            obj.full_clean()


# Content ------------------------------------------------------------------------------


def test_article_fields(article):
    assert article.headline == HEADLINE
    assert article.language == "hi"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == STAMP
    assert article.published_at.astimezone(ZoneInfo("Asia/Kolkata")).date() == datetime.date(
        2026, 2, 10
    )
    assert article.is_public
    assert article.summary.startswith("Anthropic के Safeguards रिसर्च हेड मृणांक शर्मा ने")
    assert {p.slug for p in article.people.all()} == set(PEOPLE)
    assert {s.slug for s in article.sources.all()} == set(SOURCES)
    assert (article.section.name, article.section.name_en) == ("टेक", "Tech")
    # The story names no author and gives no image: none is invented.
    assert not article.authors.exists()
    assert article.lead_image is None and article.translation_of is None
    assert not Person.objects.exclude(newsroom_role="").exists()
    assert not Person.objects.exclude(photo=None).exists()


def test_the_desks_sections_in_navigation_order(article):
    sections = list(Section.objects.all())  # the model's order: the navigation's
    assert [(s.name, s.name_en) for s in sections] == SECTIONS
    assert [s.position for s in sections] == [10, 20, 30, 40, 50, 60]
    assert all(s.slug == slugify(s.name) == s.name and not s.description for s in sections)


def test_every_row_carries_the_story_date_as_timestamps(article):
    for model in (Person, Organisation, Source, Article, Quote, Section):
        for obj in model.objects.all():
            assert obj.created_at == obj.updated_at == STAMP, obj


def test_story_text_is_all_in_headline_summary_and_body(article):
    lines = story_lines()
    headline, summary, caption, *body = lines
    assert (headline, summary, caption) == (article.headline, article.summary, CAPTION)
    # Same paragraphs, headings and bullets, in the same order, nothing added, nothing left out.
    assert body_lines(article.body) == body
    assert [fold(line) for line in body_lines(article.body)] == [fold(line) for line in body]
    assert CAPTION not in article.body
    assert "विज्ञापन" not in article.body
    assert "2026" not in article.body


def test_body_keeps_typography_and_markdown_structure(article):
    body = article.body
    assert body.count(NBH) == 5
    for word in (f"बार{NBH}बार", f"AI{NBH}असिस्टेड", f"अलग{NBH}अलग", "अलग-अलग"):
        assert word in body
    assert "'खुद को अदृश्य' रहने देंगे.'" in body  # the story's stray quote mark, kept
    assert "\u00a0" not in body
    assert all(line == line.rstrip() for line in body.splitlines())
    assert len(re.findall(r"^## ", body, re.M)) == 6
    assert len(re.findall(r"^- ", body, re.M)) == 4
    assert len(re.findall(r"^> '", body, re.M)) == 2
    html = article.body_html
    assert (html.count("<h2"), html.count("<li"), html.count("<blockquote")) == (6, 4, 2)


def test_people(article):
    body = article.body
    for slug, (name, name_latin, description, aliases) in PEOPLE.items():
        person = Person.objects.get(slug=slug)
        assert (person.name, person.name_latin, person.description) == (
            name,
            name_latin,
            description,
        )
        assert person.alias_list == aliases
        assert person.bio
        assert name in body  # named as the story names them
        for alias in aliases:
            # The Latin form, or a name the story itself uses (मृणांक, आकाश).
            assert alias == name_latin or alias in body, alias
    assert "(Harsh Mehta)" in body


def test_sources_and_the_letter_to_post_chain(article):
    for slug, (kind, author, author_name, based_on) in SOURCES.items():
        source = Source.objects.get(slug=slug)
        assert source.kind == kind
        assert (source.author.slug if source.author else None) == author
        assert source.author_name == author_name
        assert (
            source.author_organisation.slug if source.author_organisation else None
        ) == SOURCE_ORGANISATIONS.get(slug)
        assert (source.based_on.slug if source.based_on else None) == based_on
        assert source.published_on is None
        assert source.notes
        source.clean()
    post = Source.objects.get(slug=POST)
    assert post.based_on.based_on is None
    assert post.based_on.author == Person.objects.get(slug=MRINANK)
    assert list(post.based_on.derived_sources.all()) == [post]


def test_organisations_as_the_story_spells_them(article):
    story = STORY.read_text(encoding="utf-8")
    assert {o.slug for o in article.organisations.all()} == set(ORGANISATIONS)
    assert Organisation.objects.count() == len(ORGANISATIONS)
    for slug, (name, name_latin, aliases, kind) in ORGANISATIONS.items():
        organisation = Organisation.objects.get(slug=slug)
        assert (organisation.name, organisation.name_latin, organisation.kind) == (
            name,
            name_latin,
            kind,
        )
        assert organisation.alias_list == aliases
        for spelling in organisation.names:
            assert spelling in story, spelling  # every spelling is the story's own
        assert not organisation.sameas_urls  # the story gives no address or Wikidata id
    # Every spelling the story uses for the company is one of Anthropic's names.
    anthropic = Organisation.objects.get(slug="anthropic")
    assert {"एंथ्रोपिक", "एंथ्रॉपिक", "Anthropic"} <= set(anthropic.names)
    assert "स्टार्टअप" in anthropic.description and "स्टार्टअप एंथ्रोपिक" in story
    assert Organisation.objects.published().count() == 2
    opus = Source.objects.get(slug=OPUS)
    assert opus.attribution == str(anthropic) == "एंथ्रोपिक (Anthropic)"


def test_quotes_are_attributed_and_verbatim(article):
    story = STORY.read_text(encoding="utf-8")
    quotes = list(article.quotes.select_related("speaker", "source").order_by("position"))
    assert [q.position for q in quotes] == list(range(1, len(QUOTES) + 1))
    for quote, (position, speaker, source, kind, text) in zip(quotes, QUOTES, strict=True):
        assert (quote.position, quote.speaker.slug, quote.source.slug) == (
            position,
            speaker,
            source,
        )
        assert (quote.kind, quote.text) == (kind, text)
        assert (quote.original_text, quote.original_language, quote.said_on) == ("", "", None)
        assert text in article.body  # raw
        assert fold(text) in fold(article.body)  # and normalised
        assert text in story
        if kind == Quote.Kind.DIRECT:
            assert f"'{text}'" in article.body  # the story's quote marks are around it
    # Story order: each quote starts no earlier than the one before.
    starts = [article.body.index(text) for *_, text in QUOTES]
    assert starts == sorted(starts)


def test_tags(article):
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(TAGS)
    for tag in Tag.objects.all():
        assert tag.slug == slugify(tag.name)
    assert set(article.tags.names()) == ARTICLE_TAGS
    for slug, names in PERSON_TAGS.items():
        assert set(Person.objects.get(slug=slug).tags.names()) == names
    for quote in article.quotes.all():
        assert set(quote.tags.names()) == QUOTE_TAGS[quote.position]


def test_roles_are_the_ones_the_story_states_with_no_dates(article):
    """मृणांक शर्मा headed Safeguards Research and has resigned (his letter says so); Dylan
    Scandinaro worked on AI safety at Anthropic and is now OpenAI's Head of Preparedness;
    हर्ष मेहता and Behnam Neyshabur were senior technical staff and have left. The story
    gives no date for any of it, and no source beyond itself for all but the letter. आकाश
    गुप्ता is an AI commentator at no body the story names: his short description says so,
    and no role is invented for him."""
    roles = {
        (role.person.slug, role.position): (
            role.organisation.slug,
            role.title,
            role.title_en,
            role.ended,
            role.source.slug if role.source else None,
        )
        for role in Affiliation.objects.select_related("person", "organisation", "source")
    }
    assert roles == {
        (MRINANK, 1): (
            "anthropic",
            "सेफगार्ड रिसर्च टीम के हेड",
            "Head of Safeguards Research",
            True,
            LETTER,
        ),
        (DYLAN, 1): (
            "anthropic",
            "AI सेफ्टी टीम के सदस्य",
            "Member of the AI safety team",
            True,
            None,
        ),
        (DYLAN, 2): ("openai", "Head of Preparedness", "Head of Preparedness", False, None),
        (HARSH, 1): ("anthropic", "सीनियर टेक्निकल स्टाफ", "Senior technical staff", True, None),
        (BEHNAM, 1): ("anthropic", "सीनियर टेक्निकल स्टाफ", "Senior technical staff", True, None),
    }
    assert not Affiliation.objects.filter(started_on__isnull=False).exists()
    assert not Affiliation.objects.filter(ended_on__isnull=False).exists()
    assert not Affiliation.objects.filter(person__slug=AKASH).exists()
    assert Person.objects.get(slug=AKASH).description == "AI कमेंटेटर"
    for role in Affiliation.objects.all():
        role.full_clean()


def test_seed_speakers_are_described_as_they_were_on_the_storys_date(article):
    people = {
        person.slug: person
        for person in Person.objects.prefetch_related("affiliations__organisation")
    }
    on = affiliations.article_date(article)
    assert on == datetime.date(2026, 2, 10)
    with translation.override("hi"):
        described = {slug: str(affiliations.describe(p, on)) for slug, p in people.items()}
    assert described == {
        MRINANK: "तत्कालीन सेफगार्ड रिसर्च टीम के हेड, एंथ्रोपिक",
        DYLAN: "Head of Preparedness, OpenAI",
        HARSH: "तत्कालीन सीनियर टेक्निकल स्टाफ, एंथ्रोपिक",
        BEHNAM: "तत्कालीन सीनियर टेक्निकल स्टाफ, एंथ्रोपिक",
        AKASH: "AI कमेंटेटर",
    }
    with translation.override("en"):
        assert str(affiliations.describe(people[MRINANK], on)) == (
            "then Head of Safeguards Research, Anthropic"
        )


def test_loading_twice_keeps_the_same_roles():
    load_seed()
    before = list(Affiliation.objects.order_by("pk").values())
    load_seed()
    assert list(Affiliation.objects.order_by("pk").values()) == before


def test_no_urls_invented(article):
    for model in app_models():
        for field in model._meta.fields:
            if isinstance(field, models.URLField):
                assert not model.objects.exclude(**{field.name: ""}).exists(), field
    assert not Person.objects.exclude(wikidata_id="").exists()
    assert not Organisation.objects.exclude(wikidata_id="").exists()
    assert "http" not in SEED.read_text(encoding="utf-8")


def test_slugs_are_valid_and_keep_vowel_signs(article):
    assert Person.objects.filter(slug="मृणांक-शर्मा").exists()
    named = [
        *((t.slug, t.name) for t in Tag.objects.all()),
        *((p.slug, p.name) for p in Person.objects.all()),
        *((s.slug, s.title) for s in Source.objects.all()),
        *((s.slug, s.name) for s in Section.objects.all()),
        (article.slug, article.headline),
    ]
    assert len(named) == 23
    for slug, name in named:
        validate_slug(slug)
        assert slug == slugify(name), name
        assert marks(slug) == marks(name), name  # every matra, virama, anusvara kept
    assert article.slug == ARTICLE


# Loading again, and next to other data ------------------------------------------------


def test_loading_twice_leaves_the_same_rows():
    load_seed()
    rows, dump = snapshot(), natural_dump()
    load_seed()
    assert snapshot() == rows
    assert natural_dump() == dump
    assert {model: model._base_manager.count() for model in EXPECTED_COUNTS} == EXPECTED_COUNTS


def test_loading_next_to_other_articles_leaves_them_untouched():
    shared = ArticleFactory(tags=["Anthropic", "चुनाव"])
    other = ArticleFactory(tags=["खेल", "क्रिकेट"])
    person = PersonFactory()
    person.tags.add("Anthropic", "खेल")
    quote = QuoteFactory(article=other, speaker=person)
    quote.tags.add("क्रिकेट", "Anthropic")
    anthropic = Tag.objects.get(name="Anthropic")
    before, links_before = snapshot(), tag_links()

    load_seed()

    after = snapshot()
    for label, rows in before.items():
        assert set(rows) <= set(after[label]), label  # every earlier row, unchanged
    assert Tag.objects.get(name="Anthropic").pk == anthropic.pk  # reused, not duplicated
    assert set(shared.tags.names()) == {"Anthropic", "चुनाव"}
    assert set(other.tags.names()) == {"खेल", "क्रिकेट"}
    assert set(person.tags.names()) == {"Anthropic", "खेल"}
    assert set(quote.tags.names()) == {"क्रिकेट", "Anthropic"}
    links_after = tag_links()
    for kind, links in links_before.items():
        assert set(links) <= set(links_after[kind])
    seeded = Article.objects.get(slug=ARTICLE)
    assert seeded.tags.get(name="Anthropic").pk == anthropic.pk
    assert Article.objects.count() == 3


def test_a_tag_spelt_differently_in_the_database_is_the_seeds_tag():
    """The desk keeps one spelling per tag: "anthropic" (or with an NBSP, or a nukta
    variant) already in the database is the seed's "Anthropic", not a slug clash."""
    other = ArticleFactory(tags=["anthropic"])
    existing = Tag.objects.get(name="anthropic")
    load_seed()
    assert Tag.objects.filter(name__fold_exact="Anthropic").count() == 1
    existing.refresh_from_db()
    assert existing.name == "Anthropic"  # the fixture's spelling: it describes this tag
    seeded = Article.objects.get(slug=ARTICLE)
    assert existing in seeded.tags.all() and existing in other.tags.all()
    load_seed()  # and again: the same rows
    assert Tag.objects.filter(name__fold_exact="Anthropic").count() == 1


# All or nothing -----------------------------------------------------------------------


def seed_objects():
    return json.loads(SEED.read_text(encoding="utf-8"))


def write_fixture(path, objects):
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def bad_speaker_quote():
    quote = next(obj for obj in seed_objects() if obj["model"] == "articles.quote")
    quote["fields"].update(position=99, speaker=["कोई-नहीं"])
    return quote


def partial_changes():
    """Valid changes to the seed that must not survive a failure later in the same file."""
    person = next(obj for obj in seed_objects() if obj["model"] == "articles.person")
    person["fields"]["description"] = "बदला हुआ विवरण"
    return [
        {"model": "articles.tag", "fields": {"name": "नया टैग", "slug": "नया-टैग"}},
        person,
        {
            "model": "articles.persontag",
            "fields": {"content_object": [MRINANK], "tag": ["नया टैग"]},
        },
    ]


def assert_rejected(path, exc_type, *fragments, names_file=True):
    before = snapshot()
    with pytest.raises(exc_type) as excinfo:
        call_command("loaddata", str(path), verbosity=0)
    message = str(excinfo.value)
    if names_file:
        assert f"Problem installing fixture '{path}'" in message
    for fragment in fragments:
        assert fragment in message
    assert snapshot() == before
    return excinfo.value


def broken_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "articles.tag", "fields": {"name": "टूटा"', encoding="utf-8")
    return path


def assert_broken_json_rejected(tmp_path):
    error = assert_rejected(broken_json(tmp_path), DeserializationError, "Expecting")
    assert isinstance(error.__cause__, json.JSONDecodeError)


def assert_missing_speaker_rejected(tmp_path, objects):
    path = write_fixture(tmp_path / "missing-speaker.json", [*objects, bad_speaker_quote()])
    assert_rejected(
        path,
        DeserializationError,
        "articles.Quote refers to speaker ['कोई-नहीं'], but no articles.Person has that",
    )


def test_broken_json_changes_nothing_on_an_empty_database(tmp_path):
    assert_broken_json_rejected(tmp_path)
    assert not any(snapshot().values())


def test_broken_json_changes_nothing_on_a_seeded_database(tmp_path):
    load_seed()
    assert_broken_json_rejected(tmp_path)


def test_missing_speaker_loads_nothing_on_an_empty_database(tmp_path):
    assert_missing_speaker_rejected(tmp_path, seed_objects())
    assert not any(snapshot().values())


def test_missing_speaker_undoes_earlier_changes_on_a_seeded_database(tmp_path):
    load_seed()
    assert_missing_speaker_rejected(tmp_path, partial_changes())
    assert Person.objects.get(slug=MRINANK).description == PEOPLE[MRINANK][2]
    assert not Tag.objects.filter(name="नया टैग").exists()


def test_missing_nullable_author_names_the_missing_key(tmp_path):
    """For a nullable foreign key Django reports the natural key that was not found.

    That error comes after the file has been read, so it does not name the file.
    """
    load_seed()
    source = next(obj for obj in seed_objects() if obj["model"] == "articles.source")
    source["fields"].update(slug="नया-स्रोत", author=["कोई-नहीं"])
    path = write_fixture(tmp_path / "missing-author.json", [*partial_changes(), source])
    assert_rejected(
        path,
        DeserializationError,
        "Person matching query does not exist",
        "articles.source",
        "कोई-नहीं",
        names_file=False,
    )


@pytest.mark.django_db(transaction=True)
def test_failures_roll_back_real_transactions_too(tmp_path):
    assert_broken_json_rejected(tmp_path)
    assert_missing_speaker_rejected(tmp_path, seed_objects())
    assert not any(snapshot().values())
    load_seed()
    assert_broken_json_rejected(tmp_path)
    assert_missing_speaker_rejected(tmp_path, partial_changes())
    assert Person.objects.get(slug=MRINANK).description == PEOPLE[MRINANK][2]


# Dump and reload ----------------------------------------------------------------------


def dump_wipe_reload(tmp_path):
    path = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "articles",
        natural_foreign=True,
        natural_primary=True,
        indent=2,
        output=str(path),
        verbosity=0,
    )
    assert '"pk"' not in path.read_text(encoding="utf-8")
    wipe_articles_app()
    call_command("loaddata", str(path), verbosity=0)


def test_dump_and_reload_keeps_every_seed_tag_link(tmp_path):
    load_seed()
    links, dump = tag_links(), natural_dump()
    assert [len(links[k]) for k in ("article", "person", "quote")] == [6, 7, 11]
    dump_wipe_reload(tmp_path)
    assert tag_links() == links
    assert natural_dump() == dump


def test_dump_and_reload_keeps_organisations_their_sources_and_correction_targets(tmp_path):
    load_seed()
    article = Article.objects.get(slug=ARTICLE)
    anthropic = Organisation.objects.get(slug="anthropic")
    quote = article.quotes.get(position=3)
    CorrectionFactory(article=article, quote=quote, published_at=STAMP)
    CorrectionFactory(
        article=article, organisation=anthropic, published_at=STAMP + datetime.timedelta(hours=1)
    )
    CorrectionFactory(
        article=article,
        source=Source.objects.get(slug=OPUS),
        published_at=STAMP + datetime.timedelta(hours=2),
    )

    def state():
        return {
            "organisations": sorted(Organisation.objects.values_list("slug", "name", "aliases")),
            "links": sorted(
                Article.objects.get(slug=ARTICLE).organisations.values_list("slug", flat=True)
            ),
            "authored": sorted(
                Source.objects.exclude(author_organisation=None).values_list(
                    "slug", "author_organisation__slug"
                )
            ),
            "targets": sorted(
                (c.published_at, c.record_kind, c.record.natural_key())
                for c in Correction.objects.all()
            ),
        }

    before, dump = state(), natural_dump()
    assert len(before["targets"]) == 3 and before["authored"] == [(OPUS, "anthropic")]
    dump_wipe_reload(tmp_path)
    assert state() == before
    assert natural_dump() == dump


def test_dump_and_reload_never_collapses_many_tags_per_object(tmp_path):
    """Several objects of each model with 4+ tags each keep all of them.

    With taggit's generic TaggedItem, whose natural key is only ``object_id``, every link of
    an object (and those of other models' objects with the same id) would collapse into one.
    """
    load_seed()
    names = ["Anthropic", "AI सेफ्टी", "चुनाव", "खेल", "क्रिकेट", "अर्थव्यवस्था", "विज्ञान", "राजनीति"]
    articles = [ArticleFactory(tags=names[i : i + 4]) for i in range(3)]
    people = [PersonFactory() for _ in range(3)]
    quotes = []
    for i, person in enumerate(people):
        person.tags.add(*names[i + 1 : i + 5])
        quote = QuoteFactory(article=articles[i], speaker=person, source=SourceFactory())
        quote.tags.add(*names[i + 2 : i + 6])
        quotes.append(quote)
    CorrectionFactory(article=articles[0])
    links, dump = tag_links(), natural_dump()
    expected = {obj: set(obj.tags.names()) for obj in [*articles, *people, *quotes]}
    assert all(len(tags) == 4 for tags in expected.values())

    dump_wipe_reload(tmp_path)

    assert tag_links() == links
    assert natural_dump() == dump
    for obj, tags in expected.items():
        reloaded = type(obj).objects.get_by_natural_key(*obj.natural_key())
        assert set(reloaded.tags.names()) == tags, obj
    assert ArticleTag.objects.count() == 6 + 12
    assert PersonTag.objects.count() == 7 + 12
    assert QuoteTag.objects.count() == 11 + 12


# The whole story: sections, images, bylines, portraits, translations -------------------


def whole_story():
    """The seed plus one of everything new, linked every way: returns what to compare."""
    load_seed()
    seeded = Article.objects.get(slug=ARTICLE)
    tech = Section.objects.get(slug="टेक")
    lead, portrait = ImageFactory(key="मंच-पर-वक्ता"), ImageFactory(key="रिपोर्टर-का-चित्र")
    first = PersonFactory(newsroom_role=Person.NewsroomRole.STAFF, photo=portrait)
    second = PersonFactory(newsroom_role=Person.NewsroomRole.CONTRIBUTOR)
    # Bylines in an order that is neither creation nor name order.
    ArticleAuthor.objects.create(article=seeded, person=second, position=1)
    ArticleAuthor.objects.create(article=seeded, person=first, position=2)
    seeded.lead_image = lead
    seeded.save()
    english = ArticleFactory(
        headline="Values are losing", language="en", section=tech, translation_of=seeded
    )
    ArticleAuthor.objects.create(article=english, person=first, position=1)
    return {
        "bylines": {
            article.slug: [a.person.slug for a in article.byline.select_related("person")]
            for article in (seeded, english)
        },
        "files": {image.key: image.file.name for image in Image.objects.all()},
        "roles": dict(Person.objects.values_list("slug", "newsroom_role")),
    }


def test_natural_keys_of_the_new_models_round_trip():
    whole_story()
    for model in (Section, Image, ArticleAuthor):
        assert model.objects.exists()
        for obj in model.objects.all():
            assert model.objects.get_by_natural_key(*obj.natural_key()) == obj


def test_dump_and_reload_keeps_every_new_model_and_link(tmp_path):
    story = whole_story()
    dump = natural_dump()
    counts = {model: model._base_manager.count() for model in (Section, Image, ArticleAuthor)}

    dump_wipe_reload(tmp_path)

    assert natural_dump() == dump
    assert {model: model._base_manager.count() for model in counts} == counts
    english = Article.objects.get(language="en")
    seeded = Article.objects.get(slug=ARTICLE)
    assert english.translation_of == seeded and list(seeded.translations.all()) == [english]
    assert (seeded.section.slug, english.section.slug) == ("टेक", "टेक")
    assert seeded.lead_image.key == "मंच-पर-वक्ता"
    assert Person.objects.get(photo__key="रिपोर्टर-का-चित्र").newsroom_role == "staff"
    assert {
        article.slug: [a.person.slug for a in article.byline.select_related("person")]
        for article in (seeded, english)
    } == story["bylines"]
    assert {image.key: image.file.name for image in Image.objects.all()} == story["files"]
    assert dict(Person.objects.values_list("slug", "newsroom_role")) == story["roles"]
    # The files themselves are untouched by a reload: the rows point at them again.
    for image in Image.objects.all():
        assert image.file.storage.exists(image.file.name)
        assert (image.width, image.height) == (2400, 1600)


def test_a_translation_loaded_before_its_original(tmp_path):
    translation = {
        "model": "articles.article",
        "fields": {
            "headline": "Values are losing",
            "slug": "values-are-losing",
            "language": "en",
            "status": "draft",
            "translation_of": ["मूल-ख़बर"],
        },
    }
    original = {
        "model": "articles.article",
        "fields": {"headline": "मूल ख़बर", "slug": "मूल-ख़बर", "status": "draft"},
    }
    path = write_fixture(tmp_path / "translation-first.json", [translation, original])
    call_command("loaddata", str(path), verbosity=0)
    english = Article.objects.get(slug="values-are-losing")
    assert english.translation_of == Article.objects.get(slug="मूल-ख़बर")


def test_a_byline_naming_a_missing_person_names_the_key(tmp_path):
    byline = {
        "model": "articles.articleauthor",
        "fields": {"article": [ARTICLE], "person": ["कोई-नहीं"], "position": 1},
    }
    path = write_fixture(tmp_path / "missing-author.json", [*seed_objects(), byline])
    assert_rejected(
        path,
        DeserializationError,
        "articles.ArticleAuthor refers to person ['कोई-नहीं'], but no articles.Person has that",
    )
    assert not any(snapshot().values())


# Hand-written fixtures may leave out the created and updated times ----------------------

TIMELESS = [
    {"model": "articles.section", "fields": {"name": "खेल", "name_en": "Sports", "slug": "खेल"}},
    {"model": "articles.person", "fields": {"name": "नई लेखिका", "slug": "नई-लेखिका"}},
    {
        "model": "articles.source",
        "fields": {"title": "एक रिपोर्ट", "slug": "एक-रिपोर्ट", "kind": "press_report"},
    },
    {
        "model": "articles.article",
        "fields": {
            "headline": "बिना समय की ख़बर",
            "slug": "बिना-समय-की-ख़बर",
            "body": "उन्होंने कहा कि 'खेल जारी है'।",
            "status": "published",
            "published_at": "2026-02-11T09:00:00+05:30",
            "section": ["खेल"],
        },
    },
    {
        "model": "articles.articleauthor",
        "fields": {"article": ["बिना-समय-की-ख़बर"], "person": ["नई-लेखिका"], "position": 1},
    },
    {
        "model": "articles.quote",
        "fields": {
            "article": ["बिना-समय-की-ख़बर"],
            "position": 1,
            "speaker": ["नई-लेखिका"],
            "source": ["एक-रिपोर्ट"],
            "text": "खेल जारी है",
            "kind": "direct",
        },
    },
    {
        "model": "articles.correction",
        "fields": {
            "article": ["बिना-समय-की-ख़बर"],
            "published_at": "2026-02-12T09:00:00+05:30",
            "text": "नाम ठीक किया।",
        },
    },
]


def timestamps():
    return {
        (model._meta.label, obj.pk): (obj.created_at, obj.updated_at)
        for model in app_models()
        if any(field.name == "updated_at" for field in model._meta.fields)
        for obj in model._base_manager.all()
    }


def test_a_fixture_without_created_and_updated_times_loads(tmp_path):
    path = write_fixture(tmp_path / "timeless.json", TIMELESS)
    before = datetime.datetime.now(datetime.UTC)
    call_command("loaddata", str(path), verbosity=0)
    after = datetime.datetime.now(datetime.UTC)
    stamped = {label for label, _pk in timestamps()}
    assert {"articles.Section", "articles.Person", "articles.Source", "articles.Article"} <= stamped
    assert "articles.Quote" in stamped
    for created, updated in timestamps().values():
        assert before <= created <= after and before <= updated <= after
    article = Article.objects.get(slug="बिना-समय-की-ख़बर")
    assert article.section.slug == "खेल" and article.authors.get().slug == "नई-लेखिका"
    assert article.is_public and article.quotes.get().text == "खेल जारी है"

    # Loading it again changes nothing; a changed row is updated, and keeps its creation.
    stamps = timestamps()
    call_command("loaddata", str(path), verbosity=0)
    assert timestamps() == stamps
    changed = json.loads(json.dumps(TIMELESS))
    changed[1]["fields"]["name"] = "नई लेखिका जी"
    call_command("loaddata", str(write_fixture(tmp_path / "changed.json", changed)), verbosity=0)
    person = Person.objects.get(slug="नई-लेखिका")
    created, updated = stamps[("articles.Person", person.pk)]
    assert person.created_at == created and person.updated_at > updated
    others = {key: value for key, value in timestamps().items() if key[0] != "articles.Person"}
    assert others == {key: value for key, value in stamps.items() if key[0] != "articles.Person"}


# The seed passes the fixture lint (issue 13) --------------------------------------------


def _strings(value):
    """Every string in a fixture entry, keys included, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def lint_fixture(path):
    """The faults of fixture ``path`` loaddata would not report, as sentences (none: clean).

    * A ``pk``: the row would overwrite whatever a desk's database holds under that id.
    * Two entries with one natural key: loaddata silently keeps the last. Found exactly by
      loading: each model must gain as many rows as the file has entries for it.
    * Text that is not NFC, or holds a NUL (PostgreSQL refuses it; SQLite stores it).
    * A loaded object that fails ``full_clean()`` (loaddata saves raw, validating nothing).

    Loads inside a transaction it rolls back: the database is left as it was.
    """
    objects = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = []
    entries = {}
    for number, entry in enumerate(objects):
        where = f"entry {number} ({entry.get('model')})"
        entries.setdefault(entry["model"], 0)
        entries[entry["model"]] += 1
        if "pk" in entry:
            problems.append(f"{where} has a pk")
        for text in _strings(entry):
            if "\x00" in text:
                problems.append(f"{where} holds a NUL: {text!r}")
            elif not unicodedata.is_normalized("NFC", text):
                problems.append(f"{where} is not NFC: {text!r}")
    if problems:
        return problems  # a NUL cannot even be loaded on PostgreSQL
    fixture_models = [apps.get_model(label) for label in entries]
    with transaction.atomic():
        before = {model: model._base_manager.count() for model in fixture_models}
        call_command("loaddata", str(path), verbosity=0)
        for model in fixture_models:
            label = model._meta.label_lower
            gained = model._base_manager.count() - before[model]
            if gained != entries[label]:
                problems.append(
                    f"{label}: {entries[label]} entries loaded as {gained} rows "
                    "(entries sharing a natural key: the last one wins)"
                )
            if model._meta.auto_created:
                continue
            for obj in model._base_manager.all():
                try:
                    obj.full_clean()
                except ValidationError as error:
                    problems.append(f"{label} {obj}: {error.messages}")
        transaction.set_rollback(True)
    return problems


FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))


def test_there_are_fixtures_to_lint():
    assert SEED in FIXTURE_FILES


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_passes_the_lint(path):
    assert lint_fixture(path) == []
    assert not any(snapshot().values())  # and the lint left nothing behind


def _faulty(tmp_path, fault):
    """The seed with one fault put in."""
    objects = seed_objects()
    tag = next(obj for obj in objects if obj["model"] == "articles.tag")
    person = next(obj for obj in objects if obj["model"] == "articles.person")
    section = next(obj for obj in objects if obj["model"] == "articles.section")
    if fault == "duplicate":
        objects.append(json.loads(json.dumps(tag)))  # the same natural key (name) again
    elif fault == "pk":
        tag["pk"] = 1
    elif fault == "nfd":
        person["fields"]["description"] = unicodedata.normalize("NFD", "ऩई Café")
    elif fault == "nul":
        person["fields"]["description"] = "पत्रकार\x00"
    elif fault == "invalid":
        section["fields"]["slug"] = "no spaces allowed"
    return write_fixture(tmp_path / f"{fault}.json", objects)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("duplicate", "articles.tag: 8 entries loaded as 7 rows"),
        ("pk", "has a pk"),
        ("nfd", "is not NFC"),
        ("nul", "holds a NUL"),
        ("invalid", "articles.section"),
    ],
)
def test_the_lint_catches_each_fault(tmp_path, fault, says):
    problems = lint_fixture(_faulty(tmp_path, fault))
    assert len(problems) == 1, problems
    assert says in problems[0]
    assert not any(snapshot().values())
