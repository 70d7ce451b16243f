"""The API's endpoints: thin views over ``articles.api.records`` (what is public and what
is loaded), ``filters``, ``serializers`` and ``http`` (validators, caching, errors).

Each endpoint costs a constant number of queries, whatever the number of records it shows
(asserted in articles/tests/test_api.py); source chains add one query per step of the
deepest chain shown.
"""

import functools
from pathlib import Path

import yaml
from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api import filters, records
from articles.api import serializers as shapes
from articles.api.http import ConditionalMixin, latest
from articles.api.pagination import Pagination
from articles.models import Article

#: How many of a person's quotes and stories, or an organisation's stories, a record
#: lists (newest first); the filtered list endpoints page through all of them.
NESTED_LIMIT = 100

SCHEMA_FILE = Path(__file__).with_name("openapi.yaml")


def _slug(description, example, summary):
    return OpenApiParameter(
        "slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=description,
        examples=[OpenApiExample(summary, value=example)],
    )


def _pk(description):
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


# Examples from the seed story (fixtures/seed.json), so the documentation shows real ones.
SEED_PERSON = "मृणांक-शर्मा"
SEED_ORGANISATION = "anthropic"
SEED_SOURCE = "आकाश-गुप्ता-की-सोशल-मीडिया-पोस्ट"
SEED_STORY = (
    "मूल्य-हार-रहे-प्रेशर-जीत-रहा-दुनियाभर-में-खलबली-मचाने-वाली-ai-कंपनी-anthropic-के-"
    "सेफगार्ड-हेड-का-इस्तीफा-चर्चा-में-क्यों-पूरी-कहानी"
)


class RecordList(ConditionalMixin, generics.ListAPIView):
    """A paginated list of public records, filtered by ``filterset`` (400 on bad values)."""

    pagination_class = Pagination
    filterset = None

    def records(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.records()
        if self.filterset is not None:
            queryset = self.filterset.apply(self.request, queryset)
        return queryset

    def prepare(self, items):
        """Complete what the serializer reads (no query per item)."""

    def modified(self, item):
        return getattr(item, "updated_at", None)

    @property
    def read_parameters(self):
        pages = {self.paginator.page_query_param, self.paginator.page_size_query_param}
        return pages | set(self.filterset.base_fields if self.filterset else ())

    def list(self, request, *args, **kwargs):
        def build():
            page = self.paginate_queryset(self.get_queryset())
            self.prepare(page)
            self.last_modified = latest(*(self.modified(item) for item in page))
            return self.get_paginated_response(self.get_serializer(page, many=True).data).data

        return self.kept(request, build)


class RecordDetail(ConditionalMixin, generics.RetrieveAPIView):
    """One public record, by slug (or id); anything not public is 404."""

    lookup_field = "slug"

    def records(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.records()

    def prepare(self, item):
        """Load what the serializer reads beyond the queryset."""

    def modified(self, item):
        return getattr(item, "updated_at", None)

    def retrieve(self, request, *args, **kwargs):
        def build():
            item = self.get_object()
            self.prepare(item)
            self.last_modified = self.modified(item)
            return self.get_serializer(item).data

        return self.kept(request, build)


# Stories ----------------------------------------------------------------------------------


def _story_modified(story):
    return latest(
        story.updated_at,
        *(person.updated_at for person in story.people.all()),
        *(author.person.updated_at for author in story.byline.all()),
        story.section.updated_at if story.section_id else None,
        story.lead_image.updated_at if story.lead_image_id else None,
    )


@extend_schema_view(
    get=extend_schema(
        summary="Stories",
        description="Published stories, newest first.",
        parameters=filters.StoryFilter.parameters(),
    )
)
class StoryList(RecordList):
    serializer_class = shapes.StorySerializer
    filterset = filters.StoryFilter

    def records(self):
        return records.stories()

    def modified(self, story):
        return _story_modified(story)


@extend_schema_view(
    get=extend_schema(
        summary="A story",
        description="A published story with its whole record: byline, people, "
        "organisations, quotes (each with the speaker's role on the day and the chain of "
        "sources behind it), sources, corrections and versions in other languages.",
        parameters=[_slug("The story's slug.", SEED_STORY, "The seed story")],
    )
)
class StoryDetail(RecordDetail):
    serializer_class = shapes.StoryDetailSerializer

    def records(self):
        return records.story_pages()

    def prepare(self, story):
        quotes = list(story.quotes.all())
        records.attach_chains([*story.sources.all(), *(quote.source for quote in quotes)])

    def modified(self, story):
        return latest(
            _story_modified(story),
            *(quote.updated_at for quote in story.quotes.all()),
            *(quote.speaker.updated_at for quote in story.quotes.all()),
            *(source.updated_at for source in story.sources.all()),
            *(organisation.updated_at for organisation in story.organisations.all()),
        )


# People and organisations -----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="People",
        description="People a reader may see (in a published story's byline, people or "
        "quotes), by name.",
        parameters=filters.PersonFilter.parameters(),
    )
)
class PersonList(RecordList):
    serializer_class = shapes.PersonSerializer
    filterset = filters.PersonFilter

    def records(self):
        return records.people()


@extend_schema_view(
    get=extend_schema(
        summary="A person",
        description="A person with their roles over time, their quotes from published "
        f"stories and the stories they wrote and appear in (newest {NESTED_LIMIT} of each; "
        "the quote and story lists, filtered by this person, have them all) and the "
        "corrections that name them.",
        parameters=[_slug("The person's slug.", SEED_PERSON, "A person in the seed story")],
    )
)
class PersonDetail(RecordDetail):
    serializer_class = shapes.PersonDetailSerializer

    def records(self):
        return records.person_pages()

    def prepare(self, person):
        person.public_quotes = list(
            records.quotes()
            .filter(speaker=person)
            .prefetch_related(None)
            .prefetch_related(Prefetch("source", queryset=records.sources_with_authors()))[
                :NESTED_LIMIT
            ]
        )
        live = Article.objects.published().order_by(*records.STORY_ORDER)
        person.stories_written = list(live.filter(byline__person=person)[:NESTED_LIMIT])
        person.stories_featured = list(live.featuring(person)[:NESTED_LIMIT])

    def modified(self, person):
        return latest(
            person.updated_at,
            *(quote.updated_at for quote in person.public_quotes),
            *(story.updated_at for story in person.stories_written),
            *(story.updated_at for story in person.stories_featured),
        )


@extend_schema_view(
    get=extend_schema(
        summary="Organisations",
        description="Organisations a reader may see (a published story is about them or "
        "cites a source they issued), by name.",
        parameters=filters.OrganisationFilter.parameters(),
    )
)
class OrganisationList(RecordList):
    serializer_class = shapes.OrganisationSerializer
    filterset = filters.OrganisationFilter

    def records(self):
        return records.organisations()


@extend_schema_view(
    get=extend_schema(
        summary="An organisation",
        description="An organisation with the public people who hold or held roles there, "
        f"the newest {NESTED_LIMIT} published stories about it and the corrections naming it.",
        parameters=[_slug("The organisation's slug.", SEED_ORGANISATION, "The seed's company")],
    )
)
class OrganisationDetail(RecordDetail):
    serializer_class = shapes.OrganisationDetailSerializer

    def records(self):
        return records.organisation_pages()

    def prepare(self, organisation):
        organisation.public_stories = list(
            Article.objects.published()
            .filter(organisations=organisation)
            .order_by(*records.STORY_ORDER)[:NESTED_LIMIT]
        )

    def modified(self, organisation):
        return latest(
            organisation.updated_at,
            *(story.updated_at for story in organisation.public_stories),
            *(role.person.updated_at for role in organisation.public_affiliations),
        )


# Quotes -----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Quotes",
        description="Quotes in published stories, newest story first and in story order, "
        "each with its speaker, the speaker's role on the day, its source and the chain "
        "of sources behind it.",
        parameters=filters.QuoteFilter.parameters(),
    )
)
class QuoteList(RecordList):
    serializer_class = shapes.QuoteSerializer
    filterset = filters.QuoteFilter

    def records(self):
        return records.quotes()

    def prepare(self, quotes):
        records.attach_chains([quote.source for quote in quotes])

    def modified(self, quote):
        return latest(quote.updated_at, quote.speaker.updated_at, quote.article.updated_at)


@extend_schema_view(
    get=extend_schema(
        summary="A quote",
        description="A quote in a published story, with its speaker, the speaker's role "
        "on the day, its source and the chain of sources behind it.",
        parameters=[_pk("The quote's id.")],
    )
)
class QuoteDetail(RecordDetail):
    serializer_class = shapes.QuoteSerializer
    lookup_field = "pk"

    def records(self):
        return records.quotes()

    def prepare(self, quote):
        records.attach_chains([quote.source])

    def modified(self, quote):
        return latest(quote.updated_at, quote.speaker.updated_at, quote.article.updated_at)


# Sources, tags, sections, corrections -----------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Sources",
        description="Sources behind published stories, quotes and public people's roles, "
        "with the chain each is based on.",
    )
)
class SourceList(RecordList):
    serializer_class = shapes.SourceSerializer

    def records(self):
        return records.sources()

    def prepare(self, sources):
        records.attach_chains(sources)


@extend_schema_view(
    get=extend_schema(
        summary="A source",
        description="A public source with the chain of sources it is based on.",
        parameters=[_slug("The source's slug.", SEED_SOURCE, "A post sharing a letter")],
    )
)
class SourceDetail(RecordDetail):
    serializer_class = shapes.SourceSerializer

    def records(self):
        return records.sources()

    def prepare(self, source):
        records.attach_chains([source])


@extend_schema_view(get=extend_schema(summary="Tags", description="Tags on public records."))
class TagList(RecordList):
    serializer_class = shapes.TagSerializer

    def records(self):
        return records.tags()


@extend_schema_view(
    get=extend_schema(
        summary="A tag",
        description="A tag on public records; its stories are the story list's ?tag=.",
        parameters=[_slug("The tag's slug.", "anthropic", "A tag")],
    )
)
class TagDetail(RecordDetail):
    serializer_class = shapes.TagSerializer

    def records(self):
        return records.tags()


@extend_schema_view(
    get=extend_schema(summary="Sections", description="The desk's sections, in site order.")
)
class SectionList(RecordList):
    serializer_class = shapes.SectionSerializer

    def records(self):
        return records.sections()


@extend_schema_view(
    get=extend_schema(
        summary="A section",
        description="One of the desk's sections; its stories are the story list's ?section=.",
        parameters=[_slug("The section's slug.", "टेक", "A section")],
    )
)
class SectionDetail(RecordDetail):
    serializer_class = shapes.SectionSerializer

    def records(self):
        return records.sections()


def _correction_modified(correction):
    return latest(correction.published_at, correction.article.updated_at)


@extend_schema_view(
    get=extend_schema(
        summary="Corrections",
        description="Corrections, clarifications and updates on published stories, newest "
        "first, each with the record it fixes.",
    )
)
class CorrectionList(RecordList):
    serializer_class = shapes.CorrectionSerializer

    def records(self):
        return records.corrections()

    def modified(self, correction):
        return _correction_modified(correction)


@extend_schema_view(
    get=extend_schema(
        summary="A correction",
        description="A correction on a published story, with the record it fixes.",
        parameters=[_pk("The correction's id.")],
    )
)
class CorrectionDetail(RecordDetail):
    serializer_class = shapes.CorrectionSerializer
    lookup_field = "pk"

    def records(self):
        return records.corrections()

    def modified(self, correction):
        return _correction_modified(correction)


# The root, the schema, the documentation, and everything else -----------------------------

ENDPOINTS = [
    ("stories", "api:story-list"),
    ("people", "api:person-list"),
    ("organisations", "api:organisation-list"),
    ("quotes", "api:quote-list"),
    ("sources", "api:source-list"),
    ("tags", "api:tag-list"),
    ("sections", "api:section-list"),
    ("corrections", "api:correction-list"),
    ("schema", "api:schema"),
    ("docs", "api:docs"),
]


class Root(ConditionalMixin, APIView):
    @extend_schema(
        summary="The API's endpoints",
        description="Links to every list, the schema and the documentation page.",
        responses=inline_serializer(
            "Root", {name: serializers.URLField() for name, _ in ENDPOINTS}
        ),
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(view)) for name, view in ENDPOINTS}
        )


class Schema(ConditionalMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, generated (YAML; ``?format=json`` for JSON)."""


class NotFoundView(ConditionalMixin, APIView):
    """Any other path under /api/v1/: a JSON 404, as for a record that is not public."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise NotFound


@functools.cache
def committed_schema():
    """The committed schema (openapi.yaml), parsed once per process."""
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


class Docs(TemplateView):
    """The documentation page, rendered by the site from the committed schema: no
    JavaScript, nothing loaded from elsewhere."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = committed_schema()
        operations = []
        for path, item in schema["paths"].items():
            operation = item.get("get")
            if operation is None:
                continue
            operations.append(
                {
                    "path": path,
                    "id": operation["operationId"],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "type": parameter.get("schema", {}).get("type", "string"),
                            "enum": parameter.get("schema", {}).get("enum", []),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                }
            )
        return super().get_context_data(
            info=schema["info"],
            operations=operations,
            schema_url=self.request.build_absolute_uri(reverse("api:schema")),
            root_url=self.request.build_absolute_uri(reverse("api:root")),
            **kwargs,
        )
