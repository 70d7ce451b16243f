"""What the API may show and what each endpoint loads.

Public is what the site shows, through the QuerySets' ``published()``: stories, people,
organisations, quotes, tags and corrections come from them, and every nested list is
filtered by them too (a person's quotes only from published stories, an organisation's
people only public people). Sources have no page on the site, so their ``published()`` is
here: a source is public when a published story cites it, a published quote comes from it,
or a public person's role rests on it, and so is every source in the chain behind one of
those (``based_on``, up to ``CHAIN_DEPTH`` steps).

Every loader costs a constant number of queries whatever the number of items; source
chains cost one query per step of the deepest chain shown (``attach_chains``).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q

from articles.models import (
    Affiliation,
    Article,
    ArticleAuthor,
    Correction,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
    Tag,
)

#: How far a source's ``based_on`` chain is followed, for what is public and what is shown.
CHAIN_DEPTH = 5


def public_sources():
    """Sources a reader may see (see the module docstring)."""
    live = Article.objects.published()
    direct = Source.objects.filter(
        # The sources of all live stories, once: an EXISTS per source here has SQLite probe
        # every live story for each source (1.4 million index lookups for 1,000 stories).
        Q(pk__in=live.filter(sources__isnull=False).values("sources"))
        | Exists(Quote.objects.published().filter(source=OuterRef("pk")))
        | Exists(Affiliation.objects.of_public_people().filter(source=OuterRef("pk")))
    )
    behind = Q(pk__in=direct.values("pk"))
    step = "based_on"
    for _ in range(CHAIN_DEPTH):
        behind |= Q(pk__in=direct.filter(**{f"{step}__isnull": False}).values(step))
        step += "__based_on"
    return Source.objects.filter(behind)


def sources_with_authors():
    """Sources with their author (person or organisation) joined, each flagged
    ``author_public`` / ``author_organisation_public`` (their page exists): no query more."""
    return Source.objects.with_authors().annotate(
        author_public=Exists(Person.objects.published().filter(pk=OuterRef("author_id")))
    )


def attach_chains(sources):
    """Give each of ``sources`` a ``chain``: the sources it is based on, nearest first, at
    most ``CHAIN_DEPTH``, loaded with their authors. One query per step of the deepest
    chain, whatever the number of sources; a cycle (which Source.clean refuses) stops."""
    sources = [source for source in sources if source is not None]
    loaded = {source.pk: source for source in sources}
    frontier = {source.based_on_id for source in sources if source.based_on_id}
    with_authors = sources_with_authors()  # built once: building it costs more than a step
    for _ in range(CHAIN_DEPTH):
        if not frontier:
            break
        fetched = list(with_authors.filter(pk__in=frontier))
        loaded.update((source.pk, source) for source in fetched)
        frontier = {source.based_on_id for source in fetched if source.based_on_id}
    for source in sources:
        chain, seen, current = [], {source.pk}, source
        while (
            current.based_on_id in loaded
            and current.based_on_id not in seen
            and len(chain) < CHAIN_DEPTH
        ):
            current = loaded[current.based_on_id]
            seen.add(current.pk)
            chain.append(current)
        source.chain = chain
    return sources


def careers(lookup):
    """A person's roles in career order, with organisations (flagged public) and sources."""
    return Prefetch(
        lookup,
        queryset=Affiliation.objects.for_career().select_related(
            "source__author", "source__author_organisation"
        ),
    )


def byline(lookup="byline"):
    return Prefetch(
        lookup, queryset=ArticleAuthor.objects.select_related("person").order_by("position", "pk")
    )


def public_corrections(lookup):
    """The public corrections naming a record, newest first, into ``public_corrections``."""
    return Prefetch(
        lookup,
        queryset=Correction.objects.published()
        .select_related("article")
        .order_by("-published_at", "-pk"),
        to_attr="public_corrections",
    )


# Stories ----------------------------------------------------------------------------------

STORY_ORDER = ("-published_at", "-pk")


def stories():
    """Published stories, newest first, with what a list item shows."""
    return (
        Article.objects.published()
        .select_related("section", "lead_image")
        .prefetch_related(
            byline(),
            Prefetch("people", queryset=Person.objects.order_by("name", "pk")),
            "tags",
        )
        .order_by(*STORY_ORDER)
    )


def story_pages():
    """Published stories with everything the story endpoint shows."""
    public = Article.objects.published().order_by("language", "pk")
    return (
        stories()
        .select_related("translation_of")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name", "pk")),
            Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("speaker")
                .prefetch_related("tags")
                .order_by("position", "pk"),
            ),
            careers("quotes__speaker__affiliations"),
            Prefetch("quotes__source", queryset=sources_with_authors()),
            Prefetch("sources", queryset=sources_with_authors().order_by("title", "pk")),
            Prefetch(
                "corrections",
                queryset=Correction.objects.select_related(
                    "quote", "person", "organisation", "source"
                ).order_by("-published_at", "-pk"),
            ),
            # Language versions, as the site's page has them (Article.language_versions).
            Prefetch("translations", queryset=public),
            Prefetch("translation_of__translations", queryset=public),
        )
    )


# People and organisations -----------------------------------------------------------------


def people():
    return Person.objects.published().select_related("photo").order_by("name", "pk")


def person_pages():
    return people().prefetch_related(
        "tags",
        careers("affiliations"),
        public_corrections("corrections"),
    )


def organisations():
    return Organisation.objects.published().order_by("name", "pk")


def organisation_pages():
    members = (
        Affiliation.objects.of_public_people()
        .select_related("person", "source")
        .order_by("person__name", "position", "pk")
    )
    return organisations().prefetch_related(
        Prefetch("affiliations", queryset=members, to_attr="public_affiliations"),
        public_corrections("corrections"),
    )


# Quotes, sources, tags, sections, corrections ---------------------------------------------

QUOTE_ORDER = ("-article__published_at", "article_id", "position", "pk")


def quotes():
    """Published quotes, newest story first, in story order, with speaker roles and
    sources; chains need ``attach_chains`` over the sources."""
    return (
        Quote.objects.published()
        .select_related("article", "speaker")
        .prefetch_related(
            careers("speaker__affiliations"),
            Prefetch("source", queryset=sources_with_authors()),
            "tags",
        )
        .order_by(*QUOTE_ORDER)
    )


def sources():
    return (
        sources_with_authors().filter(pk__in=public_sources().values("pk")).order_by("title", "pk")
    )


def tags():
    return Tag.objects.published().order_by("name", "pk")


def sections():
    return Section.objects.order_by("position", "name", "pk")


def corrections():
    return (
        Correction.objects.published()
        .select_related("article", "quote", "person", "organisation", "source")
        .order_by("-published_at", "-pk")
    )
