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

from articles import affiliations, images
from articles.markup import safe_url

__all__ = [
    "article_data",
    "breadcrumb_data",
    "career_data",
    "correction_data",
    "image_data",
    "organisation_data",
    "organisation_page_data",
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
    if licence := safe_url(image.licence_url):
        common["license"] = licence
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


def _entity_data(schema_type, entity, request) -> dict:
    """The node a person or an organisation (models.NamedEntity) shares: names in both
    scripts, page URL, description and identifying links."""
    data = {
        "@type": schema_type,
        "name": entity.name,
        "url": _absolute(request, entity.get_absolute_url()),
    }
    alternates = [name for name in entity.names if name != entity.name]
    if alternates:
        data["alternateName"] = alternates
    if entity.description:
        data["description"] = entity.description
    if entity.sameas_urls:
        data["sameAs"] = entity.sameas_urls
    return data


def person_data(person, request, *, with_image=False) -> dict:
    """A Person node: names in both scripts, role, profile URL and identifying links, and
    with ``with_image`` the portrait (``person.photo``: load it with the person)."""
    data = _entity_data("Person", person, request)
    if with_image and person.photo_id:
        data["image"] = image_data(person.photo, request)
    return data


def organisation_data(organisation, request) -> dict:
    """An Organization node: names in both scripts, page URL, description and identifying
    links (official page, Wikipedia, Wikidata)."""
    return _entity_data("Organization", organisation, request)


def organisation_page_data(organisation, request) -> dict:
    """The Organization of an organisation's page, identified by the page's URL."""
    data = organisation_data(organisation, request)
    return {"@context": CONTEXT, "@id": data["url"], **data}


def article_data(article, request) -> dict:
    """NewsArticle for the article page.

    ``author`` is one Person per name in the byline, in byline order (never "A and B" in
    one name), or the newsroom for a story with no byline; the newsroom is the publisher.
    ``about`` is the people featured and the organisations the story is about,
    ``mentions`` the speakers of its quotes who are not featured and the organisations that
    issued its sources; corrections (newest first, as the page lists them) are CorrectionComments.
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
    organisations = list(article.organisations.all())
    # Organisations that issued a cited source (a press release), when they have a public
    # page (``Source.objects.with_authors()`` says so) and the story is not about them.
    about_ids = {organisation.pk for organisation in organisations}
    authoring = {}
    for source in article.sources.all():
        public = getattr(source, "author_organisation_public", False)
        if public and source.author_organisation_id not in about_ids:
            authoring.setdefault(source.author_organisation_id, source.author_organisation)
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
    about = [person_data(person, request) for person in featured] + [
        organisation_data(organisation, request) for organisation in organisations
    ]
    if about:
        data["about"] = about
    mentions = [person_data(person, request) for person in mentioned.values()] + [
        organisation_data(organisation, request) for organisation in authoring.values()
    ]
    if mentions:
        data["mentions"] = mentions
    corrections = [correction_data(correction, request) for correction in article.corrections.all()]
    if corrections:
        data["correction"] = corrections
    return data


def correction_data(correction, request) -> dict:
    """A CorrectionComment: the note, its date and its place on the story's page (needs
    ``correction.article``). Stories carry their own; a quote, profile or organisation
    carries those that name it (``Correction.objects.for_record_page()``)."""
    return {
        "@type": "CorrectionComment",
        "text": correction.text,
        "datePublished": _moment(correction.published_at),
        "url": _absolute(request, correction.get_absolute_url()),
    }


def record_corrections_data(record, request) -> list[dict]:
    """CorrectionComments of the public corrections naming ``record`` (a quote, person or
    organisation): its prefetched ``public_corrections`` (articles.views.record_corrections),
    else one query."""
    corrections = getattr(record, "public_corrections", None)
    if corrections is None:
        corrections = record.corrections.for_record_page()
    return [correction_data(correction, request) for correction in corrections]


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
        "mainEntity": {
            **person_data(person, request, with_image=True),
            **career_data(person, get_language(), request),
        },
        **_with_corrections(person, request),
    }


def _source_data(source, request) -> dict:
    data = {"@type": "CreativeWork", "name": source.title}
    if url := safe_url(source.url):
        data["url"] = url
    if archive := safe_url(source.archive_url):
        data["archivedAt"] = archive
    if source.published_on:
        data["datePublished"] = source.published_on
    if source.author_id:
        data["author"] = person_data(source.author, request)
    elif source.author_organisation_id:
        # Linked (url, sameAs) only when the organisation has a public page.
        if getattr(source, "author_organisation_public", False):
            data["author"] = organisation_data(source.author_organisation, request)
        else:
            data["author"] = {"@type": "Organization", "name": source.author_organisation.name}
    elif source.author_name:
        data["author"] = {"@type": "Organization", "name": source.author_name}
    return data


def quotation_data(quote, request) -> dict:
    """Quotation for the quote page: creator (the speaker, with the role held on the
    quote's date: :func:`career_data`'s nodes), text, language, source.

    Needs ``quote.article``, ``quote.speaker`` (with its ``affiliations`` prefetched by
    ``Affiliation.objects.for_career()``) and ``quote.source`` (with its author) loaded
    with the quote; ``isBasedOn`` is the source, else the article.
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
        "creator": {
            **person_data(quote.speaker, request),
            **_role_on_data(quote, request),
        },
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
    data.update(_with_corrections(quote, request))
    return data


def _with_corrections(record, request) -> dict:
    """``{"correction": [...]}`` for a record that public corrections name, else ``{}``."""
    corrections = record_corrections_data(record, request)
    return {"correction": corrections} if corrections else {}


# Roles (articles.affiliations) ---------------------------------------------------------


def _role_body_data(role, request) -> dict:
    """Where a role is held: the organisation's full node when it has a public page
    (``organisation_is_public`` from ``Affiliation.objects.for_career()``), else its name."""
    if role.organisation_id and getattr(role, "organisation_is_public", False):
        return organisation_data(role.organisation, request)
    return {"@type": "Organization", "name": role.body}


def _role_data(role, language, request, prop) -> dict:
    """schema.org's Role pattern: an OrganizationRole standing in for the organisation
    under ``prop`` (worksFor, alumniOf), carrying the title and the dates known."""
    data = {
        "@type": "OrganizationRole",
        "roleName": affiliations.title_in(role, language),
        prop: _role_body_data(role, request),
    }
    if role.started_on:
        data["startDate"] = role.started_on
    if role.ended_on:
        data["endDate"] = role.ended_on
    return data


def _roles_data(current, past, language, request) -> dict:
    """Roles held now as ``jobTitle`` and ``worksFor``; roles that have ended as
    ``alumniOf`` only, never as a current title (schema.org has no past-tense jobTitle)."""
    data = {}
    if current:
        titles = [affiliations.title_in(role, language) for role in current]
        data["jobTitle"] = titles[0] if len(titles) == 1 else titles
        data["worksFor"] = [_role_data(role, language, request, "worksFor") for role in current]
    if past:
        data["alumniOf"] = [_role_data(role, language, request, "alumniOf") for role in past]
    return data


def career_data(person, language, request) -> dict:
    """A profile's Person properties for the whole career (``person.affiliations``
    prefetched, in career order): current roles as ``jobTitle``/``worksFor``, past ones as
    ``alumniOf``, each an OrganizationRole with its title in ``language`` and known dates."""
    roles = list(person.affiliations.all())
    current = [role for role in roles if not role.ended]
    past = [role for role in roles if role.ended]
    return _roles_data(current, past, language, request)


def _role_on_data(quote, request) -> dict:
    """The speaker's role on the quote's date (articles.affiliations.role_on), in the
    story's language: ``jobTitle``/``worksFor`` while still held, ``alumniOf`` once ended;
    nothing when no role applies (the Person's ``description`` then stands)."""
    role = affiliations.role_on(quote.speaker.affiliations.all(), affiliations.quote_date(quote))
    if role is None:
        return {}
    language = quote.article.language
    if role.ended:
        return _roles_data([], [role], language, request)
    return _roles_data([role], [], language, request)
