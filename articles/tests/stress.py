"""A generated "stress newsroom": the worst case a public page must still render well.

``build_stress_newsroom()`` makes one published article with many people (names in
Devanagari and in Latin script), quotes, tags, sources and corrections, where every text
field holds the longest value its model allows (``max_length`` read from the model field,
so the helper follows the models when they change). The quality gates (valid HTML,
accessibility) and the query-count tests render pages from it.
"""

import datetime
import itertools

from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import (
    Affiliation,
    Article,
    ArticleAuthor,
    Correction,
    Image,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
    Tag,
)
from articles.tests.factories import jpeg_bytes
from articles.text import slugify

DEVANAGARI_WORDS = [
    "मृणांक",
    "शर्मा",
    "इस्तीफ़ा",
    "क्षत्रिय",
    "श्रीनिवास",
    "ज़िम्मेदारी",
    "प्रौद्योगिकी",
    "अंतर्राष्ट्रीय",
    "पत्रकारिता",
    "सुरक्षा",
]
LATIN_WORDS = ["Mrinank", "Sharma", "Scandinaro", "Neyshabur", "Anthropic", "safety"]


def max_length(model, field):
    return model._meta.get_field(field).max_length


def fill(words, length, *, start=0):
    """Words from ``words`` (rotated by ``start``), joined by spaces, exactly ``length`` long.

    The last word may be cut; a cut never leaves a dangling vowel sign at the start of a
    word, because words are cut only at their end.
    """
    out = ""
    for word in itertools.islice(itertools.cycle(words), start, None):
        candidate = f"{out} {word}" if out else word
        if len(candidate) >= length:
            out = candidate[:length]
            break
        out = candidate
    # A value must not end in a space (fields are stripped by forms) or a combining mark.
    return out.rstrip() + "क" * (length - len(out.rstrip()))


def long_url(model, field, host="https://example.com/"):
    """An ASCII URL exactly as long as the field allows (URLs are percent-encoded anyway)."""
    length = max_length(model, field)
    return host + "a" * (length - len(host))


def long_slug(suffix):
    """A Devanagari slug of the longest allowed length, unique through ``suffix``."""
    limit = max_length(Article, "slug") - len(suffix)
    base = slugify(fill(DEVANAGARI_WORDS, limit * 2), max_length=limit)
    return base + suffix


_batches = itertools.count(1)


def stress_image(batch, n):
    """A library image whose every text field is at its longest (a small real JPEG)."""
    return Image.objects.create(
        key=long_slug(f"-चित्र-{batch}-{n}"),
        # Wider than 1,200 px, so every search-engine crop exists, yet cheap to resize.
        file=ContentFile(jpeg_bytes(1400, 900), name=f"stress-{batch}-{n}.jpg"),
        alt_text=fill(DEVANAGARI_WORDS, max_length(Image, "alt_text"), start=n),
        caption=fill(DEVANAGARI_WORDS + LATIN_WORDS, 1000, start=n),
        credit=fill(LATIN_WORDS, max_length(Image, "credit"), start=n),
        copyright=fill(LATIN_WORDS, max_length(Image, "copyright"), start=n),
        licence_url=long_url(Image, "licence_url"),
        taken_on=datetime.date(2026, 2, 1 + n % 28),
        focal_x=0.25,
        focal_y=0.75,
    )


def set_byline(article, people):
    """Give ``article`` the byline ``people``, in that order."""
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, person=person, position=n) for n, person in enumerate(people)
    )


def stress_organisations(batch, count):
    """Organisations whose every text field is at its longest, with aliases in both
    scripts, all three identifying links and a rotating kind."""
    return [
        Organisation.objects.create(
            name=fill(DEVANAGARI_WORDS, max_length(Organisation, "name"), start=n + 3),
            name_latin=fill(LATIN_WORDS, max_length(Organisation, "name_latin"), start=n + 3),
            slug=long_slug(f"-संस्था-{batch}-{n}"),
            aliases=f"संस्था{n} {DEVANAGARI_WORDS[n % 10]}\nOrg{n} {LATIN_WORDS[n % 6]}",
            kind=Organisation.Kind.values[n % len(Organisation.Kind.values)],
            description=fill(DEVANAGARI_WORDS + LATIN_WORDS, 3000, start=n),
            website=long_url(Organisation, "website"),
            wikipedia_url=long_url(Organisation, "wikipedia_url", "https://hi.wikipedia.org/wiki/"),
            wikidata_id="Q" + "8" * (max_length(Organisation, "wikidata_id") - 1),
        )
        for n in range(count)
    ]


def stress_affiliations(persons, organisations):
    """A couple of roles per organisation: a current one and one that has ended, with the
    longest titles."""
    for n, organisation in enumerate(organisations):
        for k, ended in enumerate([False, True]):
            if not persons:
                return
            Affiliation.objects.create(
                person=persons[(n + k) % len(persons)],
                organisation=organisation,
                title=fill(DEVANAGARI_WORDS, max_length(Affiliation, "title"), start=n + k),
                title_en=fill(LATIN_WORDS, max_length(Affiliation, "title_en"), start=n + k),
                started_on=datetime.date(2024, 1 + n % 12, 1),
                ended_on=datetime.date(2026, 1, 1 + n % 28) if ended else None,
                ended=ended,
                position=100 + 2 * n + k,
            )


def build_stress_newsroom(
    *,
    people=12,
    quotes=16,
    tags=10,
    corrections=6,
    sources=4,
    authors=5,
    portraits=3,
    organisations=3,
):
    """Create and return one published article carrying the given numbers of related rows.

    It has a byline of ``authors`` staff writers (who are also featured), a lead image and
    a section whose names are at their longest; ``portraits`` of the people have a photo.
    A second, English, article is its translation: it features the same people and three
    of the tags, in the same section, with the same byline.

    Every person has a Devanagari name, a Latin name, aliases in both scripts, a role, a
    bio and all three identifying links, each at its longest; so has each of the
    ``organisations`` the story is about (named in the body, each with a current and a
    former affiliation, a correction naming the first); every quote is in the body
    verbatim (the quote-integrity rule) and has a source; half the quotes are paraphrases,
    and direct quotes carry an English original.
    """
    now = timezone.now()
    # Slugs and tag names are unique: each call marks its rows with its own number.
    batch = next(_batches)
    persons = []
    for n in range(people):
        person = Person.objects.create(
            name=fill(DEVANAGARI_WORDS, max_length(Person, "name"), start=n),
            name_latin=fill(LATIN_WORDS, max_length(Person, "name_latin"), start=n),
            slug=long_slug(f"-व्यक्ति-{batch}-{n}"),
            aliases=f"{DEVANAGARI_WORDS[n % 10]}{n}\nAlias{n} {LATIN_WORDS[n % 6]}",
            description=fill(DEVANAGARI_WORDS, max_length(Person, "description"), start=n),
            bio=fill(DEVANAGARI_WORDS + LATIN_WORDS, 3000, start=n),
            website=long_url(Person, "website"),
            wikipedia_url=long_url(Person, "wikipedia_url", "https://hi.wikipedia.org/wiki/"),
            wikidata_id="Q" + "9" * (max_length(Person, "wikidata_id") - 1),
        )
        persons.append(person)
    for n, person in enumerate(persons[:portraits]):
        person.photo = stress_image(batch, 100 + n)
        person.save(update_fields=["photo"])
    writers = persons[:authors]
    Person.objects.filter(pk__in=[p.pk for p in writers]).update(
        newsroom_role=Person.NewsroomRole.STAFF
    )
    section = Section.objects.create(
        name=fill(DEVANAGARI_WORDS, max_length(Section, "name") - 4) + f" {batch:03d}",
        name_en=fill(LATIN_WORDS, max_length(Section, "name_en") - 4) + f" {batch:03d}",
        slug=long_slug(f"-सेक्शन-{batch}"),
        description=fill(DEVANAGARI_WORDS, 1000),
        position=batch,
    )
    source_rows = []
    for n in range(sources):
        source_rows.append(
            Source.objects.create(
                title=fill(DEVANAGARI_WORDS, max_length(Source, "title"), start=n),
                slug=long_slug(f"-स्रोत-{batch}-{n}"),
                kind=Source.Kind.values[n % len(Source.Kind.values)],
                author=persons[n % len(persons)] if n % 2 == 0 and persons else None,
                author_name=""
                if n % 2 == 0
                else fill(LATIN_WORDS, max_length(Source, "author_name"), start=n),
                url=long_url(Source, "url"),
                archive_url=long_url(Source, "archive_url", "https://web.archive.org/web/"),
                published_on=datetime.date(2026, 2, 1 + n % 28),
                based_on=source_rows[-1] if source_rows else None,
                notes=fill(DEVANAGARI_WORDS, 1000, start=n),
            )
        )
    organisation_rows = stress_organisations(batch, organisations)
    quote_texts = [fill(DEVANAGARI_WORDS, 400, start=n) + f" उद्धरण {n}।" for n in range(quotes)]
    body = "\n\n".join(
        [
            "## " + fill(DEVANAGARI_WORDS, 120),
            " ".join(f"{p.name} ने कहा, और {p.name_latin} की बात सुनी गई।" for p in persons),
            " ".join(f"{o.name} और {o.alias_list[-1]} ने बयान दिया।" for o in organisation_rows),
            *(f"> {text}" for text in quote_texts),
            "- " + "\n- ".join(p.alias_list[0] for p in persons),
        ]
    )
    article = Article.objects.create(
        headline=fill(DEVANAGARI_WORDS, max_length(Article, "headline")),
        slug=long_slug(f"-ख़बर-{batch}"),
        summary=fill(DEVANAGARI_WORDS + LATIN_WORDS, 1500),
        body=body,
        language="hi",
        status=Article.Status.PUBLISHED,
        published_at=now - datetime.timedelta(hours=3),
        section=section,
        lead_image=stress_image(batch, 0),
    )
    set_byline(article, writers)
    article.people.set(persons)
    article.organisations.set(organisation_rows)
    stress_affiliations(persons, organisation_rows)
    article.sources.set(source_rows)
    tag_names = [
        fill(DEVANAGARI_WORDS if n % 2 else LATIN_WORDS, max_length(Tag, "name") - 8, start=n)
        + f" {batch:03d}-{n:03d}"
        for n in range(tags)
    ]
    article.tags.set(tag_names)
    for n, text in enumerate(quote_texts):
        quote = Quote.objects.create(
            article=article,
            position=n + 1,
            speaker=persons[n % len(persons)],
            text=text,
            kind=Quote.Kind.DIRECT if n % 2 == 0 else Quote.Kind.PARAPHRASE,
            original_text=fill(LATIN_WORDS, 400, start=n) if n % 2 == 0 else "",
            original_language="en" if n % 2 == 0 else "",
            source=source_rows[n % len(source_rows)] if source_rows else None,
            said_on=datetime.date(2026, 2, 1 + n % 28),
        )
        quote.tags.set(tag_names[: n % 3 + 1])
    for person in persons:
        person.tags.set(tag_names[:2])
    # An English story about the same people: Hindi pages that list it must mark it lang="en".
    english = Article.objects.create(
        headline=fill(LATIN_WORDS, max_length(Article, "headline")),
        slug=f"english-story-{batch}",
        summary=fill(LATIN_WORDS, 1500),
        body=" ".join(f"{p.name_latin} spoke." for p in persons),
        language="en",
        status=Article.Status.PUBLISHED,
        published_at=now - datetime.timedelta(hours=4),
        section=section,
        translation_of=article,
    )
    set_byline(english, writers)
    english.people.set(persons)
    english.organisations.set(organisation_rows)
    english.tags.set(tag_names[:3])
    for n in range(corrections):
        Correction.objects.create(
            article=article,
            kind=Correction.Kind.values[n % len(Correction.Kind.values)],
            text=fill(DEVANAGARI_WORDS + LATIN_WORDS, 1000, start=n),
            published_at=now - datetime.timedelta(hours=2, minutes=n),
            organisation=organisation_rows[0] if n == 0 and organisation_rows else None,
        )
    return article
