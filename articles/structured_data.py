"""schema.org JSON-LD for the public pages, built as plain dicts.

Builders take the object and the request (for absolute URLs) and return a dict ready for
``json.dumps``; the ``jsonld`` template tag (articles/templatetags/seo.py) serialises it
with ``to_script_json`` so that editor text can never end the ``<script>`` block.

They read only what the page's view already loaded (people, quotes, corrections are
prefetched by ``for_article_page()``), so structured data costs no extra query per
person, quote or correction.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from articles import images

__all__ = [
    "article_data",
    "breadcrumb_data",
    "image_data",
    "organization_data",
    "person_data",
    "profile_page_data",
    "quotation_data",
    "to_script_json",
]

CONTEXT = "https://schema.org"

# The characters that could end or confuse a <script> element, as JSON escapes: the same
# set Django's json_script escapes. "</script>" becomes "\u003C/script\u003E", which a JSON
# parser reads back as the original text.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_script_json(data) -> str:
    """Serialise ``data`` as JSON that is safe inside ``<script type="application/ld+json">``.

    Contract: ``json.loads(to_script_json(x)) == x`` for JSON-able ``x`` (dates become ISO
    strings through DjangoJSONEncoder), and the result contains no ``<``, ``>`` or ``&``.
    Non-ASCII text (Devanagari) stays readable rather than being \\u-escaped.
    """
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def _moment(value):
    """ISO 8601 in the site's time zone (+05:30), as the page's <time> elements show it."""
    return timezone.localtime(value).isoformat()


def _absolute(request, path):
    return request.build_absolute_uri(path)


def organization_data(request) -> dict:
    """The newsroom as publisher: settings.NEWSROOM_NAME, and NEWSROOM_URL or this site."""
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_NAME,
        "url": settings.NEWSROOM_URL or _absolute(request, "/"),
    }


def image_data(image, request) -> list[dict]:
    """ImageObjects of ``image``'s 16:9, 4:3 and 1:1 crops (Google's article-image rule),
    each with its size, and caption, credit, copyright holder and licence where set."""
    common = {}
    if image.caption:
        common["caption"] = image.caption
    if image.credit:
        common["creditText"] = image.credit
    if image.copyright:
        common["copyrightHolder"] = {"@type": "Organization", "name": image.copyright}
    if image.licence_url:
        common["license"] = image.licence_url
    return [
        {
            "@type": "ImageObject",
            "url": _absolute(request, crop.url),
            "contentUrl": _absolute(request, crop.url),
            "width": crop.width,
            "height": crop.height,
            "encodingFormat": crop.mime_type,
            **common,
        }
        for crop in images.search_crops(image)
    ]


def person_data(person, request, *, with_image=False) -> dict:
    """A Person node: names in both scripts, role, profile URL and identifying links, and
    with ``with_image`` the portrait (``person.photo``: load it with the person)."""
    data = {
        "@type": "Person",
        "name": person.name,
        "url": _absolute(request, person.get_absolute_url()),
    }
    alternates = [name for name in person.names if name != person.name]
    if alternates:
        data["alternateName"] = alternates
    if person.description:
        data["description"] = person.description
    if person.sameas_urls:
        data["sameAs"] = person.sameas_urls
    if with_image and person.photo_id:
        data["image"] = image_data(person.photo, request)
    return data


def article_data(article, request) -> dict:
    """NewsArticle for the article page.

    ``author`` is one Person per name in the byline, in byline order (never "A and B" in
    one name), or the newsroom for a story with no byline; the newsroom is the publisher.
    ``about`` is the people featured, ``mentions`` the speakers of its quotes who are not
    featured; corrections (newest first, as the page lists them) are CorrectionComments.
    ``articleSection`` names the section in the story's language; the original and the
    public translations are ``translationOfWork`` and ``workTranslation``.
    """
    url = _absolute(request, article.get_absolute_url())
    featured = list(article.people.all())
    featured_ids = {person.pk for person in featured}
    mentioned = {}
    for quote in article.quotes.all():
        if quote.speaker_id not in featured_ids:
            mentioned.setdefault(quote.speaker_id, quote.speaker)
    organization = organization_data(request)
    authors = [person_data(author.person, request) for author in article.byline.all()]
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline,
        "inLanguage": article.language,
        "dateModified": _moment(
            max(article.updated_at, article.published_at or article.updated_at)
        ),
        "author": authors or organization,
        "publisher": organization,
    }
    if article.lead_image_id:
        data["image"] = image_data(article.lead_image, request)
    if article.section_id:
        data["articleSection"] = article.section.name_for(article.language)
    original = next((v for v in article.other_versions if v.pk == article.translation_of_id), None)
    if original is not None:
        data["translationOfWork"] = _version_data(original, request)
    translations = [v for v in article.other_versions if v.translation_of_id == article.pk]
    if translations:
        data["workTranslation"] = [_version_data(v, request) for v in translations]
    if article.published_at:  # a draft (preview, share link) has no publication time yet
        data["datePublished"] = _moment(article.published_at)
    if article.summary:
        data["description"] = article.summary
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if featured:
        data["about"] = [person_data(person, request) for person in featured]
    if mentioned:
        data["mentions"] = [person_data(person, request) for person in mentioned.values()]
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": _moment(correction.published_at),
            "url": _absolute(request, correction.get_absolute_url()),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data


def _version_data(article, request) -> dict:
    """The short NewsArticle node of another language version of a story."""
    url = _absolute(request, article.get_absolute_url())
    return {
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": article.headline,
        "inLanguage": article.language,
    }


def breadcrumb_data(article, request) -> dict:
    """BreadcrumbList of the article page: home › section (when it has one) › story.

    Names are in the interface language, as the visible breadcrumb shows them.
    """
    crumbs = [(gettext("Home"), reverse("articles:article-list"))]
    if article.section_id:
        crumbs.append(
            (article.section.name_for(get_language()), article.section.get_absolute_url())
        )
    crumbs.append((article.headline, article.get_absolute_url()))
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": _absolute(request, path),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def profile_page_data(person, request) -> dict:
    """ProfilePage whose mainEntity is the person."""
    url = _absolute(request, person.get_absolute_url())
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "@id": url,
        "url": url,
        "dateModified": _moment(person.updated_at),
        "mainEntity": person_data(person, request, with_image=True),
    }


def _source_data(source, request) -> dict:
    data = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        data["url"] = source.url
    if source.archive_url:
        data["archivedAt"] = source.archive_url
    if source.published_on:
        data["datePublished"] = source.published_on
    if source.author_id:
        data["author"] = person_data(source.author, request)
    elif source.author_name:
        data["author"] = {"@type": "Organization", "name": source.author_name}
    return data


def quotation_data(quote, request) -> dict:
    """Quotation for the quote page: creator (the speaker), text, language, source.

    Needs ``quote.article``, ``quote.speaker`` and ``quote.source`` (with its author)
    loaded with the quote; ``isBasedOn`` is the source, else the article.
    """
    url = _absolute(request, quote.get_absolute_url())
    article_url = _absolute(request, quote.article.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "Quotation",
        "@id": url,
        "url": url,
        "text": quote.text,
        "inLanguage": quote.article.language,
        "creator": person_data(quote.speaker, request),
        "isPartOf": {
            "@type": "NewsArticle",
            "headline": quote.article.headline,
            "url": article_url,
        },
    }
    if quote.said_on:
        data["dateCreated"] = quote.said_on
    if quote.original_text:
        data["translationOfWork"] = {
            "@type": "Quotation",
            "text": quote.original_text,
            "inLanguage": quote.original_language,
        }
    if quote.source_id:
        data["isBasedOn"] = _source_data(quote.source, request)
    else:
        data["isBasedOn"] = article_url
    return data
