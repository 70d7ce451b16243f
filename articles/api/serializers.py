"""The JSON shapes of the API's records.

Every record carries ``url``, its public page on the site (absolute; null for a source,
which has no page of its own), and ``api_url``, its record in this API. A link to another
record appears only when that record is public: a role at an organisation with no public
page names the organisation without linking it, and so does a source's author.

Serializers read only what ``articles.api.records`` loaded: they never query.
"""

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import converters, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import affiliations, images, markup
from articles.models import (
    Article,
    Correction,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
    Tag,
)
from articles.text import SlugConverter

# Addresses ------------------------------------------------------------------------------


class Links:
    """Absolute addresses for one request's answer, without a ``reverse()`` per address.

    ``reverse()`` walks the URLconf and re-checks its result on every call, and an answer
    holds hundreds of addresses. Here each route is reversed once (per request and
    language) with a stand-in for its one argument; a record's address is that template
    with the argument percent-encoded as ``reverse()`` encodes it (``quote`` with the same
    safe characters), so the result is the same string. An argument the route's converter
    would refuse goes through ``reverse()`` itself, which raises NoReverseMatch as before.

    Per request, because an address depends on the script prefix, the host and (for the
    site's pages, under i18n_patterns) the active language.
    """

    #: The routes' one argument: the converter it is written with (articles/urls.py and
    #: articles/api/urls.py: ``<hslug:slug>`` and ``<int:pk>``) and a stand-in value
    #: that converter accepts and that appears nowhere else in an address. Its text is
    #: the converter's ``to_url``, as in reverse().
    ARGUMENTS = {
        "slug": (SlugConverter(), "zqxjstandinzqxj"),
        "pk": (converters.IntConverter(), 918273645),
    }
    _SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted

    def __init__(self, request):
        self.request = request
        # build_absolute_uri("/") is the scheme and host, IRI-encoded, and a slash.
        self.origin = request.build_absolute_uri("/")[:-1]
        self._templates = {}
        self._checks = {
            name: re.compile(converter.regex).fullmatch
            for name, (converter, _) in self.ARGUMENTS.items()
        }

    def absolute(self, location):
        """``request.build_absolute_uri(location)``, and the same string: an absolute path
        (a file's address in storage) is joined to the origin without re-parsing."""
        if (
            location.startswith("/")
            and not location.startswith("//")
            and "/./" not in location
            and "/../" not in location
        ):
            return self.origin + iri_to_uri(location)
        return self.request.build_absolute_uri(location)

    def reverse(self, view_name, lookup, value, language=None):
        """``build_absolute_uri(reverse(view_name, kwargs={lookup: value}))``, reversed in
        ``language`` (default: the active one)."""
        language = language or translation.get_language()
        key = (view_name, lookup, language)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(view_name, lookup, language)
        try:
            text = str(self.ARGUMENTS[lookup][0].to_url(value))
        except ValueError:  # reverse() skips the route, and raises NoReverseMatch
            text = None
        if template is False or text is None or not self._checks[lookup](text):
            with translation.override(language):
                return self.request.build_absolute_uri(reverse(view_name, kwargs={lookup: value}))
        before, after = template
        return before + _quote(text) + after

    def _template(self, view_name, lookup, language):
        stand_in = self.ARGUMENTS[lookup][1]
        with translation.override(language):
            path = reverse(view_name, kwargs={lookup: stand_in})
        before, found, after = path.partition(str(stand_in))
        if not found or str(stand_in) in after:
            return False  # not a template this class understands: reverse() every time
        # A reversed path is already URI-encoded: build_absolute_uri leaves it as it is.
        return self.request.build_absolute_uri(before), after

    #: The site's page of each kind of record: the route and argument its model's
    #: ``get_absolute_url`` reverses (articles/tests/test_api.py checks they agree).
    PAGES = {
        Article: ("articles:article-detail", "slug"),
        Organisation: ("articles:organisation-detail", "slug"),
        Person: ("articles:person-detail", "slug"),
        Quote: ("articles:quote-detail", "pk"),
        Section: ("articles:section-detail", "slug"),
        Tag: ("articles:tag-detail", "slug"),
    }

    def page(self, record, language=settings.LANGUAGE_CODE):
        """``build_absolute_uri(record.get_absolute_url())`` in ``language`` (see
        PageURLField). A kind of record not in PAGES uses its model's method."""
        if type(record) is Correction:  # Correction.get_absolute_url: its story's page
            return f"{self.page(record.article, language)}#correction-{record.pk}"
        route = self.PAGES.get(type(record))
        if route is None:
            with translation.override(language):
                return self.absolute(record.get_absolute_url())
        view_name, lookup = route
        return self.reverse(view_name, lookup, getattr(record, lookup), language)


@functools.lru_cache(maxsize=4096)
def _quote(text):
    """A route argument percent-encoded as reverse() encodes it (the same slug recurs on
    every page of a list: the people, the tags, the sections)."""
    return quote(text, safe=Links._SAFE)


def links(context):
    """The request's Links, made on first use and kept in the serializer context (one
    dict, which a serializer shares with the serializers nested in it)."""
    found = context.get("links")
    if found is None:
        found = context["links"] = Links(context["request"])
    return found


def absolute(context, path):
    return links(context).absolute(path)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The record's public page on the site, absolute (``get_absolute_url``), in the site's
    default interface language (the unprefixed address: the API's messages are English,
    its links are not /en/ ones)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return links(self.context).page(value)


@extend_schema_field(OpenApiTypes.URI)
class APIURLField(serializers.Field):
    """The record in this API: ``view_name`` reversed with its ``lookup`` attribute."""

    def __init__(self, view_name, lookup="slug", **kwargs):
        self.view_name, self.lookup = view_name, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return links(self.context).reverse(self.view_name, self.lookup, getattr(value, self.lookup))


# Nested records ---------------------------------------------------------------------------


def reused(owner, serializer_class, many=False):
    """A ``serializer_class`` for ``owner`` (a serializer or field) to call
    ``to_representation`` on, made once per owner rather than once per record: DRF builds
    (and deep-copies) a serializer's fields each time one is made, which costs more than
    the record's output. ``owner`` is itself made once per answer (a list's child, a
    nested field), and a serializer keeps no state between records."""
    cache = owner.__dict__.setdefault("_reused", {})
    serializer = cache.get((serializer_class, many))
    if serializer is None:
        serializer = cache[serializer_class, many] = serializer_class(
            many=many, context=owner.context
        )
    return serializer


class _SafeURLMixin:
    """An address field's value only if it may be linked (markup.safe_url), else "": loaddata
    skips the model's validators, and API clients turn these into links."""

    def to_representation(self, value):
        return markup.safe_url(super().to_representation(value))


class SafeURLField(_SafeURLMixin, serializers.URLField):
    """A model URLField (official page, Wikipedia page), checked on the way out."""


class SafeLinkField(_SafeURLMixin, serializers.CharField):
    """A URL field shown under another name (a source's link), checked on the way out."""


class SlugField(serializers.CharField):
    """A slug as a plain string in the schema (see ModelSerializer)."""

    def __init__(self, allow_unicode=True, **kwargs):
        super().__init__(**kwargs)


# DRF's ModelSerializer, with slugs as plain strings (DRF's SlugField would document the
# ASCII pattern ^[-\w]+$, which a Devanagari slug such as मृणांक-शर्मा does not match) and
# the same schema on every database. (A comment, not a docstring: drf-spectacular would
# describe every serializer with it.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.SlugField: SlugField,
        models.URLField: SafeURLField,
    }

    def build_standard_field(self, field_name, model_field):
        # An integer's upper bound comes from the database backend (2³¹-1 on PostgreSQL,
        # 2⁶³-1 on SQLite): left out, so the schema is the same on both. Output only.
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("max_value", None)
        return field_class, kwargs


# Images -----------------------------------------------------------------------------------


class RenditionSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    mime_type = serializers.CharField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, rendition):
        return absolute(self.context, rendition.url)

    def to_representation(self, rendition):
        # The fields above, written out: a photograph has a dozen renditions and a story
        # list twenty photographs, and DRF's field-by-field walk cost more than the rest of
        # the photograph. The same dict as the fields make (IntegerField: int, CharField:
        # str); the fields stay, for the schema.
        return {
            "url": self.get_url(rendition),
            "width": int(rendition.width),
            "height": int(rendition.height),
            "mime_type": str(rendition.mime_type),
        }


class RenditionsSerializer(serializers.Serializer):
    """A photograph's renditions (articles.images): computed names, no storage access."""

    jpeg = RenditionSerializer(many=True, help_text="Width-resized JPEGs, narrowest first.")
    webp = RenditionSerializer(many=True, help_text="Width-resized WebPs, narrowest first.")
    crops = RenditionSerializer(
        many=True, help_text="16:9, 4:3 and 1:1 JPEG crops centred on the focal point."
    )


class ImageSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The original file.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt_text = serializers.CharField()
    language = serializers.CharField(help_text="Language of the alt text and caption.")
    caption = serializers.CharField()
    credit = serializers.CharField()
    copyright = serializers.CharField()
    licence_url = SafeLinkField()
    renditions = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image):
        return absolute(self.context, image.file.url)

    @extend_schema_field(RenditionsSerializer)
    def get_renditions(self, image):
        data = {
            "jpeg": images.srcset(image, "JPEG"),
            "webp": images.srcset(image, "WEBP"),
            "crops": images.search_crops(image),
        }
        return reused(self, RenditionsSerializer).to_representation(data)


# References: what a record shows of the records it links to --------------------------------


class SectionSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:section-detail")

    class Meta:
        model = Section
        fields = ["slug", "name", "name_en", "description", "position", "url", "api_url"]


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = PageURLField()
    api_url = APIURLField("api:tag-detail")


@extend_schema_field(TagSerializer(many=True))
class TagsField(serializers.Field):
    """A record's tags (prefetched), by name in code-point order, the same on every
    database."""

    def __init__(self, **kwargs):
        super().__init__(source="tags.all", read_only=True, **kwargs)

    def to_representation(self, tags):
        tags = sorted(tags, key=lambda tag: (tag.name, tag.pk))
        return reused(self, TagSerializer, many=True).to_representation(tags)


class PersonRefSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:person-detail")

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "name_latin", "description", "url", "api_url"]


class OrganisationRefSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "name_latin", "kind", "url", "api_url"]


class StoryRefSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:story-detail")

    class Meta:
        model = Article
        fields = ["id", "slug", "headline", "language", "published_at", "url", "api_url"]


# Sources ----------------------------------------------------------------------------------


class SourceRefSerializer(ModelSerializer):
    """A source without its chain. ``url`` is null: sources have no page on the site;
    ``link`` is where the source itself is (the post, the report), ``archive_link`` a copy.
    """

    url = serializers.SerializerMethodField()
    api_url = APIURLField("api:source-detail")
    link = SafeLinkField(source="url")
    archive_link = SafeLinkField(source="archive_url")
    attribution = serializers.CharField(help_text="Who issued it, as a reader sees it.")
    author = serializers.SerializerMethodField(help_text="The author, when a public person.")
    author_organisation = serializers.SerializerMethodField(
        help_text="The issuing organisation, when it has a public page."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "attribution",
            "author",
            "author_organisation",
            "published_on",
            "link",
            "archive_link",
            "url",
            "api_url",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, source):
        return None

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_author(self, source):
        if source.author_id and getattr(source, "author_public", False):
            return reused(self, PersonRefSerializer).to_representation(source.author)
        return None

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_author_organisation(self, source):
        if source.author_organisation_id and getattr(source, "author_organisation_public", False):
            return reused(self, OrganisationRefSerializer).to_representation(
                source.author_organisation
            )
        return None


class SourceSerializer(SourceRefSerializer):
    """A source with ``chain``: the sources it is based on, nearest first (a press report,
    the post it quotes, the letter the post shares)."""

    chain = SourceRefSerializer(many=True, read_only=True)

    class Meta(SourceRefSerializer.Meta):
        fields = [*SourceRefSerializer.Meta.fields, "chain"]


# Roles ------------------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    """One role in a career (articles.models.Affiliation)."""

    title = serializers.CharField(help_text="As the newsroom writes it.")
    title_en = serializers.CharField()
    body = serializers.CharField(help_text="The organisation's name, or the body's.")
    organisation = serializers.SerializerMethodField(
        help_text="The organisation, when it has a public page."
    )
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    ended = serializers.BooleanField(help_text="Over, even when the end date is unknown.")
    source = serializers.SerializerMethodField(help_text="The source that states the role.")

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_organisation(self, role):
        if role.organisation_id and getattr(role, "organisation_is_public", True):
            return reused(self, OrganisationRefSerializer).to_representation(role.organisation)
        return None

    @extend_schema_field(SourceRefSerializer(allow_null=True))
    def get_source(self, role):
        if role.source_id is None:
            return None
        # A public person's roles make their sources public (records.public_sources). Not
        # annotated here, the author is named (attribution), linked in the source's record.
        return reused(self, SourceRefSerializer).to_representation(role.source)


# Quotes -----------------------------------------------------------------------------------


class QuoteSerializer(ModelSerializer):
    """A quote as a record: the words, the speaker and the speaker's role on the day the
    words were said (``said_on``, else the story's date: articles.affiliations), the source
    and the chain of sources behind it."""

    date = serializers.SerializerMethodField(help_text="said_on, else the story's date.")
    speaker = PersonRefSerializer()
    speaker_role = serializers.SerializerMethodField(
        help_text="The speaker's role on the quote's date; null when none is known."
    )
    source = SourceSerializer(allow_null=True)
    story = StoryRefSerializer(source="article")
    tags = TagsField()
    url = PageURLField(help_text="The quote's own page.")
    story_url = serializers.SerializerMethodField(help_text="Its place in the story.")
    api_url = APIURLField("api:quote-detail", lookup="pk")

    class Meta:
        model = Quote
        fields = [
            "id",
            "position",
            "kind",
            "text",
            "original_text",
            "original_language",
            "said_on",
            "date",
            "speaker",
            "speaker_role",
            "source",
            "story",
            "tags",
            "url",
            "story_url",
            "api_url",
        ]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date(self, quote):
        return affiliations.quote_date(quote).isoformat()

    @extend_schema_field(RoleSerializer(allow_null=True))
    def get_speaker_role(self, quote):
        role = affiliations.role_on(
            quote.speaker.affiliations.all(), affiliations.quote_date(quote)
        )
        return reused(self, RoleSerializer).to_representation(role) if role else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_story_url(self, quote):
        # Quote.get_article_url, in the site's language like every record's ``url`` (the
        # API answers in English, which made this an /en/ address before).
        story = links(self.context).page(quote.article)
        return f"{story}#quote-{quote.position}"


class QuoteRefSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:quote-detail", lookup="pk")

    class Meta:
        model = Quote
        fields = ["id", "kind", "text", "url", "api_url"]


# Corrections ------------------------------------------------------------------------------


class CorrectionSerializer(ModelSerializer):
    """A public correction, clarification or update, with the record it fixes, if any."""

    story = StoryRefSerializer(source="article")
    quote = QuoteRefSerializer(allow_null=True)
    person = PersonRefSerializer(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)
    source = SourceRefSerializer(allow_null=True)
    url = PageURLField(help_text="The correction on its story's page.")
    api_url = APIURLField("api:correction-detail", lookup="pk")

    class Meta:
        model = Correction
        fields = [
            "id",
            "kind",
            "text",
            "published_at",
            "story",
            "quote",
            "person",
            "organisation",
            "source",
            "url",
            "api_url",
        ]


# Stories ----------------------------------------------------------------------------------


class StorySerializer(ModelSerializer):
    """A story as a list shows it."""

    section = SectionSerializer(allow_null=True)
    authors = serializers.SerializerMethodField(help_text="The byline, in order.")
    lead_image = ImageSerializer(allow_null=True)
    people = PersonRefSerializer(many=True, source="people.all")
    tags = TagsField()
    url = PageURLField()
    api_url = APIURLField("api:story-detail")

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "headline",
            "summary",
            "language",
            "published_at",
            "updated_at",
            "section",
            "authors",
            "lead_image",
            "people",
            "tags",
            "url",
            "api_url",
        ]

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_authors(self, article):
        people = [author.person for author in article.byline.all()]
        return reused(self, PersonRefSerializer, many=True).to_representation(people)


class StoryDetailSerializer(StorySerializer):
    """A story with its whole record."""

    body = serializers.CharField(help_text="Markdown, as the desk wrote it.")
    body_html = serializers.CharField(help_text="The body as sanitised HTML.")
    organisations = OrganisationRefSerializer(many=True, source="organisations.all")
    quotes = QuoteSerializer(many=True, source="quotes.all")
    sources = SourceSerializer(many=True, source="sources.all")
    corrections = CorrectionSerializer(many=True, source="corrections.all")
    translations = StoryRefSerializer(
        many=True,
        source="other_versions",
        help_text="The story's public versions in other languages.",
    )

    class Meta(StorySerializer.Meta):
        fields = [
            *StorySerializer.Meta.fields,
            "body",
            "body_html",
            "organisations",
            "quotes",
            "sources",
            "corrections",
            "translations",
        ]


# People and organisations -----------------------------------------------------------------


class PersonSerializer(ModelSerializer):
    photo = ImageSerializer(allow_null=True)
    url = PageURLField()
    api_url = APIURLField("api:person-detail")

    class Meta:
        model = Person
        fields = [
            "id",
            "slug",
            "name",
            "name_latin",
            "description",
            "newsroom_role",
            "photo",
            "url",
            "api_url",
        ]


class PersonQuoteSerializer(ModelSerializer):
    """One of a person's quotes, on their record: the story and source, no speaker."""

    date = serializers.SerializerMethodField()
    story = StoryRefSerializer(source="article")
    source = SourceRefSerializer(allow_null=True)
    url = PageURLField()
    api_url = APIURLField("api:quote-detail", lookup="pk")

    class Meta:
        model = Quote
        fields = ["id", "kind", "text", "date", "story", "source", "url", "api_url"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date(self, quote):
        return affiliations.quote_date(quote).isoformat()


class PersonDetailSerializer(PersonSerializer):
    """A person with their record: roles, quotes, stories they wrote and appear in."""

    aliases = serializers.ListField(child=serializers.CharField(), source="alias_list")
    tags = TagsField()
    affiliations = RoleSerializer(many=True, source="affiliations.all")
    quotes = PersonQuoteSerializer(many=True, source="public_quotes")
    stories_written = StoryRefSerializer(many=True)
    stories_featured = StoryRefSerializer(
        many=True, help_text="Stories they are featured or quoted in."
    )
    corrections = CorrectionSerializer(many=True, source="public_corrections")

    class Meta(PersonSerializer.Meta):
        fields = [
            *PersonSerializer.Meta.fields,
            "aliases",
            "bio",
            "website",
            "wikipedia_url",
            "wikidata_id",
            "tags",
            "affiliations",
            "quotes",
            "stories_written",
            "stories_featured",
            "corrections",
        ]


class OrganisationSerializer(ModelSerializer):
    url = PageURLField()
    api_url = APIURLField("api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "name_latin", "kind", "description", "url", "api_url"]


class MemberSerializer(serializers.Serializer):
    """A public person's role at the organisation."""

    person = PersonRefSerializer()
    title = serializers.CharField()
    title_en = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    ended = serializers.BooleanField()


class OrganisationDetailSerializer(OrganisationSerializer):
    aliases = serializers.ListField(child=serializers.CharField(), source="alias_list")
    people = MemberSerializer(many=True, source="public_affiliations")
    stories = StoryRefSerializer(many=True, source="public_stories")
    corrections = CorrectionSerializer(many=True, source="public_corrections")

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields,
            "aliases",
            "website",
            "wikipedia_url",
            "wikidata_id",
            "people",
            "stories",
            "corrections",
        ]
