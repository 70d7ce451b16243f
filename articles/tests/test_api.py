"""The content API (articles/api/): the seed's record, drafts, filters, pagination, HTTP
and query budgets. The schema guard and schemathesis are in test_api_schema.py."""

import datetime
import gc
import json
import weakref
from urllib.parse import quote as urlquote

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from articles import affiliations
from articles.api import records
from articles.models import Article, Correction, Organisation, Person, Quote, Section, Source, Tag
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    CorrectionFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
)
from articles.tests.stress import build_stress_newsroom

pytestmark = pytest.mark.django_db

LISTS = [
    "api:story-list",
    "api:person-list",
    "api:organisation-list",
    "api:quote-list",
    "api:source-list",
    "api:tag-list",
    "api:section-list",
    "api:correction-list",
]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Each test starts with an empty rate-limit count (it lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def results(client, name, **params):
    """Every record of a list endpoint, walking its pages."""
    out, url = [], reverse(name)
    response = client.get(url, params | {"page_size": 100})
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        out += data["results"]
        if not data["next"]:
            return out
        response = client.get(data["next"])


def abs_url(path):
    return f"http://testserver{path}"


# The seed's record -------------------------------------------------------------------------


def test_root_links_every_endpoint(client):
    data = get(client, reverse("api:root")).json()
    for name in LISTS:
        assert abs_url(reverse(name)) in data.values()
    assert data["schema"] == abs_url(reverse("api:schema"))
    assert data["docs"] == abs_url(reverse("api:docs"))


def test_story_endpoint_returns_the_seed_record(client, seed):
    response = get(client, reverse("api:story-detail", kwargs={"slug": seed.slug}))
    assert response.status_code == 200
    story = response.json()
    assert story["headline"] == seed.headline
    assert story["url"] == abs_url(seed.get_absolute_url())
    assert story["api_url"] == abs_url(reverse("api:story-detail", kwargs={"slug": seed.slug}))

    direct = [quote for quote in story["quotes"] if quote["kind"] == "direct"]
    assert len(direct) == 4
    assert {quote["speaker"]["name"] for quote in direct} == {"मृणांक शर्मा", "आकाश गुप्ता"}
    assert len(story["quotes"]) == seed.quotes.count()
    for data in story["quotes"]:
        quote = Quote.objects.select_related("article", "speaker", "source").get(pk=data["id"])
        assert data["text"] == quote.text
        assert data["speaker"]["slug"] == quote.speaker.slug
        assert data["speaker"]["api_url"] == abs_url(
            reverse("api:person-detail", kwargs={"slug": quote.speaker.slug})
        )
        on = affiliations.quote_date(quote)
        assert data["date"] == on.isoformat()
        role = affiliations.role_on(quote.speaker.affiliations.all(), on)
        if role is None:
            assert data["speaker_role"] is None
        else:
            assert data["speaker_role"]["title"] == role.title
            assert data["speaker_role"]["ended"] == role.ended
            assert data["speaker_role"]["body"] == role.body
        # The chain: the source, then each source it is based on, from the model.
        chain, source = [], quote.source.based_on
        while source is not None:
            chain.append(source.slug)
            source = source.based_on
        assert data["source"]["slug"] == quote.source.slug
        assert [link["slug"] for link in data["source"]["chain"]] == chain
    # The seed's roles and chains are not all empty: the test compares something real.
    assert any(quote["speaker_role"] for quote in direct)
    assert any(quote["source"]["chain"] for quote in direct)
    assert {person["slug"] for person in story["people"]} == set(
        seed.people.values_list("slug", flat=True)
    )
    assert {source["slug"] for source in story["sources"]} == set(
        seed.sources.values_list("slug", flat=True)
    )
    assert [tag["name"] for tag in story["tags"]] == sorted(seed.tags.names())
    assert story["section"]["slug"] == seed.section.slug


def test_every_list_shows_the_seed(client, seed):
    assert [story["slug"] for story in results(client, "api:story-list")] == [seed.slug]
    assert {p["slug"] for p in results(client, "api:person-list")} == set(
        Person.objects.published().values_list("slug", flat=True)
    )
    assert {o["slug"] for o in results(client, "api:organisation-list")} == set(
        Organisation.objects.published().values_list("slug", flat=True)
    )
    quotes = results(client, "api:quote-list")
    assert [q["position"] for q in quotes] == sorted(seed.quotes.values_list("position", flat=True))
    # Every source the story or its quotes cite, and those they are based on.
    assert {s["slug"] for s in results(client, "api:source-list")} == set(
        Source.objects.values_list("slug", flat=True)
    )
    assert {t["name"] for t in results(client, "api:tag-list")} == set(
        Tag.objects.published().values_list("name", flat=True)
    )
    assert [s["slug"] for s in results(client, "api:section-list")] == list(
        Section.objects.values_list("slug", flat=True)
    )


def test_person_record_has_roles_quotes_and_stories(client, seed):
    person = Person.objects.get(slug="मृणांक-शर्मा")
    response = get(client, f"/api/v1/people/{urlquote(person.slug)}/")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "मृणांक शर्मा"
    assert [role["title"] for role in data["affiliations"]] == list(
        person.affiliations.order_by("position", "pk").values_list("title", flat=True)
    )
    assert {quote["id"] for quote in data["quotes"]} == set(
        person.quotes.values_list("pk", flat=True)
    )
    assert [story["slug"] for story in data["stories_featured"]] == [seed.slug]
    assert data["stories_written"] == []


def test_organisation_source_tag_section_records(client, seed):
    organisation = Organisation.objects.get(slug="anthropic")
    data = get(client, reverse("api:organisation-detail", kwargs={"slug": "anthropic"})).json()
    assert data["name"] == organisation.name
    assert [story["slug"] for story in data["stories"]] == [seed.slug]
    assert {member["person"]["slug"] for member in data["people"]} <= set(
        Person.objects.published().values_list("slug", flat=True)
    )
    post = Source.objects.get(slug="आकाश-गुप्ता-की-सोशल-मीडिया-पोस्ट")
    data = get(client, reverse("api:source-detail", kwargs={"slug": post.slug})).json()
    assert data["url"] is None
    assert [link["slug"] for link in data["chain"]] == [post.based_on.slug]
    assert data["author"]["slug"] == post.author.slug
    tag = Tag.objects.published().first()
    data = get(client, reverse("api:tag-detail", kwargs={"slug": tag.slug})).json()
    assert data["url"] == abs_url(tag.get_absolute_url())
    section = seed.section
    data = get(client, reverse("api:section-detail", kwargs={"slug": section.slug})).json()
    assert data["name"] == section.name


def test_devanagari_slugs_work_in_paths_and_filters(client, seed):
    slug = "मृणांक-शर्मा"
    # Percent-encoded, as a client sends it, and in another normal form (NFD).
    import unicodedata

    for form in (slug, unicodedata.normalize("NFD", slug)):
        response = client.get(f"/api/v1/people/{urlquote(form)}/")
        assert response.status_code == 200
        assert response.json()["slug"] == slug
    stories = results(client, "api:story-list", person=slug)
    assert [story["slug"] for story in stories] == [seed.slug]
    quotes = results(client, "api:quote-list", speaker=slug)
    assert quotes and {q["speaker"]["slug"] for q in quotes} == {slug}
    assert results(client, "api:story-list", section=seed.section.slug)


def test_json_is_utf8_with_devanagari_unescaped(client, seed):
    response = client.get(reverse("api:story-detail", kwargs={"slug": seed.slug}))
    assert response["Content-Type"] == "application/json"
    assert "मृणांक शर्मा".encode() in response.content
    assert b"\\u09" not in response.content


# Drafts -----------------------------------------------------------------------------------


@pytest.fixture
def public_and_hidden(seed):
    """The seed, plus a draft and a scheduled story, each with a person, organisation,
    quote, source, tag and correction of its own, and a quote by a public person."""
    public_person = Person.objects.get(slug="मृणांक-शर्मा")
    hidden = []
    for n, kwargs in enumerate(
        [
            {"draft": True},
            {"published_at": timezone.now() + datetime.timedelta(days=1)},
        ]
    ):
        person = PersonFactory(name=f"छिपा व्यक्ति {n}", slug=f"छिपा-व्यक्ति-{n}")
        organisation = OrganisationFactory(slug=f"hidden-org-{n}")
        AffiliationFactory(person=public_person, organisation=organisation, position=90 + n)
        story = ArticleFactory(
            headline=f"छिपी ख़बर {n}",
            slug=f"छिपी-ख़बर-{n}",
            people=[person],
            organisations=[organisation],
            tags=[f"छिपा-टैग-{n}"],
            authors=[public_person],
            **kwargs,
        )
        root = SourceFactory(slug=f"hidden-root-{n}")
        source = SourceFactory(slug=f"hidden-source-{n}", based_on=root)
        story.sources.add(source)
        own = QuoteFactory(article=story, speaker=person, source=source)
        theirs = QuoteFactory(article=story, speaker=public_person, source=source)
        correction = CorrectionFactory(article=story, quote=own)
        hidden.append((story, person, organisation, own, theirs, source, root, correction))
    return hidden


def test_drafts_and_scheduled_stories_are_404_by_slug_and_id(client, public_and_hidden):
    for story, person, organisation, own, theirs, source, root, correction in public_and_hidden:
        for name, kwargs in [
            ("api:story-detail", {"slug": story.slug}),
            ("api:person-detail", {"slug": person.slug}),
            ("api:organisation-detail", {"slug": organisation.slug}),
            ("api:quote-detail", {"pk": own.pk}),
            ("api:quote-detail", {"pk": theirs.pk}),
            ("api:source-detail", {"slug": source.slug}),
            ("api:source-detail", {"slug": root.slug}),
            ("api:tag-detail", {"slug": story.tags.get().slug}),
            ("api:correction-detail", {"pk": correction.pk}),
        ]:
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 404, (name, kwargs)
            assert response.json()["detail"]


def test_drafts_never_appear_in_any_list_count_nested_list_or_link(client, public_and_hidden):
    story_list = client.get(reverse("api:story-list")).json()
    assert story_list["count"] == 1
    assert client.get(reverse("api:quote-list")).json()["count"] == 9
    pages = [client.get(reverse(name), {"page_size": 100}).content for name in [*LISTS, "api:root"]]
    seed = Article.objects.published().get()
    public_person = Person.objects.get(slug="मृणांक-शर्मा")
    pages += [
        client.get(reverse("api:story-detail", kwargs={"slug": seed.slug})).content,
        client.get(reverse("api:person-detail", kwargs={"slug": public_person.slug})).content,
        client.get(reverse("api:organisation-detail", kwargs={"slug": "anthropic"})).content,
        client.get(reverse("api:story-list"), {"person": public_person.slug}).content,
        client.get(reverse("api:story-list"), {"author": public_person.slug}).content,
        client.get(reverse("api:quote-list"), {"speaker": public_person.slug}).content,
    ]
    for story, person, organisation, own, theirs, source, root, _ in public_and_hidden:
        for secret in [story.slug, story.headline, person.slug, person.name, organisation.slug]:
            for page in pages:
                assert secret.encode() not in page
                assert urlquote(secret).encode() not in page
        for page in pages:
            for slug in [source.slug, root.slug, story.tags.get().slug]:
                assert slug.encode() not in page
            assert f"/quotes/{own.pk}/".encode() not in page
            assert f"/quotes/{theirs.pk}/".encode() not in page
    # Filters by a hidden record's slug give nothing, not an error telling it exists.
    for story, person, organisation, *_ in public_and_hidden:
        for params in [
            {"person": person.slug},
            {"organisation": organisation.slug},
            {"tag": story.tags.get().slug},
        ]:
            data = client.get(reverse("api:story-list"), params).json()
            assert data["count"] == 0 and data["results"] == []


def test_a_story_once_published_appears(client, public_and_hidden):
    story = public_and_hidden[0][0]
    story.status = Article.Status.PUBLISHED
    story.published_at = timezone.now() - datetime.timedelta(minutes=1)
    story.save()
    assert client.get(reverse("api:story-detail", kwargs={"slug": story.slug})).status_code == 200
    assert client.get(reverse("api:story-list")).json()["count"] == 2


# Filters ----------------------------------------------------------------------------------


def test_story_filters(client):
    person, other = PersonFactory(), PersonFactory()
    organisation = OrganisationFactory()
    section = SectionFactory(slug="खेल")
    now = timezone.now()
    old = ArticleFactory(
        people=[person], published_at=now - datetime.timedelta(days=10), language="en-IN"
    )
    quoted = ArticleFactory(published_at=now - datetime.timedelta(days=5), section=section)
    QuoteFactory(article=quoted, speaker=person)
    written = ArticleFactory(
        authors=[person], organisations=[organisation], tags=["चुनाव"], language="hi"
    )
    ArticleFactory(people=[other])

    def slugs(**params):
        return [story["slug"] for story in results(client, "api:story-list", **params)]

    assert slugs(person=person.slug) == [written.slug, quoted.slug, old.slug]
    assert slugs(author=person.slug) == [written.slug]
    assert slugs(organisation=organisation.slug) == [written.slug]
    assert slugs(tag=Tag.objects.get(name="चुनाव").slug) == [written.slug]
    assert slugs(section="खेल") == [quoted.slug]
    assert slugs(language="en") == [old.slug]
    assert slugs(language="en-in") == [old.slug]
    since = (now - datetime.timedelta(days=7)).isoformat()
    assert old.slug not in slugs(published_since=since)
    assert quoted.slug in slugs(published_since=since)
    assert slugs(published_before=since) == [old.slug]
    assert slugs(published_before=(now - datetime.timedelta(days=7)).date().isoformat()) == [
        old.slug
    ]
    assert slugs(person=person.slug, published_since=since) == [written.slug, quoted.slug]


def test_quote_filters(client):
    organisation = OrganisationFactory()
    speaker = PersonFactory()
    AffiliationFactory(person=speaker, organisation=organisation)
    source = SourceFactory()
    mine = QuoteFactory(speaker=speaker, source=source, kind=Quote.Kind.PARAPHRASE)
    other = QuoteFactory()

    def ids(**params):
        return [quote["id"] for quote in results(client, "api:quote-list", **params)]

    assert ids(speaker=speaker.slug) == [mine.pk]
    assert ids(organisation=organisation.slug) == [mine.pk]
    assert ids(source=source.slug) == [mine.pk]
    assert ids(story=other.article.slug) == [other.pk]
    assert ids(kind="paraphrase") == [mine.pk]
    assert ids(kind="direct") == [other.pk]
    # Its place in the story: the story's own address (Hindi, unprefixed), like every url.
    (found,) = results(client, "api:quote-list", speaker=speaker.slug)
    assert (
        found["story_url"]
        == f"http://testserver{mine.article.get_absolute_url()}#quote-{mine.position}"
    )


def test_name_filters_fold_as_the_site_search_does(client):
    zoya = PersonFactory(name="ज़ोया अख़्तर", name_latin="Zoya Akhtar", aliases="Zoya A.")
    ArticleFactory(people=[zoya, PersonFactory(name="कोई और", name_latin="Someone Else")])
    company = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic", aliases="एंथ्रॉपिक")
    ArticleFactory(organisations=[company, OrganisationFactory()])

    def people(q):
        return [person["slug"] for person in results(client, "api:person-list", q=q)]

    def organisations(q):
        return [o["slug"] for o in results(client, "api:organisation-list", q=q)]

    # Without the nukta, in Latin script, any case, one word of several: all find her.
    for q in ["ज़ोया", "जोया", "zoya", "ZOYA akhtar", "अख्तर", "zoya\u00a0akhtar"]:
        assert people(q) == [zoya.slug], q
    assert people("zoya someone") == []
    for q in ["एंथ्रोपिक", "anthropic", "एंथ्रॉपिक"]:
        assert organisations(q) == [company.slug], q
    assert results(client, "api:organisation-list", kind="company")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("api:story-list", {"published_since": "yesterday"}),
        ("api:story-list", {"published_before": "2026-13-45"}),
        ("api:story-list", {"person": "not a slug"}),
        ("api:story-list", {"tag": "UPPER"}),
        ("api:story-list", {"language": "Hindi!"}),
        ("api:story-list", {"page": "0"}),
        ("api:story-list", {"page": "two"}),
        ("api:story-list", {"page_size": "101"}),
        ("api:story-list", {"page_size": "-1"}),
        ("api:quote-list", {"kind": "rumour"}),
        ("api:quote-list", {"speaker": "\x00"}),
        ("api:person-list", {"q": "!!!"}),
        ("api:person-list", {"q": "क" * 201}),
        ("api:organisation-list", {"kind": "club"}),
    ],
)
def test_bad_parameter_values_are_400_with_a_clear_json_error(client, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "Invalid query parameters."
    (parameter,) = params
    assert data["errors"][parameter] and all(isinstance(m, str) for m in data["errors"][parameter])


def test_unknown_paths_and_impossible_slugs_are_json_404(client):
    for path in ["/api/v1/nothing/", "/api/v1/stories/NOT-A-SLUG/", "/api/v1/quotes/abc/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


# Pagination -------------------------------------------------------------------------------


def test_pages_are_bounded_stable_and_cover_every_story_once(client):
    same_time = timezone.now() - datetime.timedelta(hours=2)
    stories = ArticleFactory.create_batch(7, published_at=same_time)
    ArticleFactory.create_batch(3)
    first = client.get(reverse("api:story-list"), {"page_size": 4}).json()
    assert first["count"] == 10 and len(first["results"]) == 4
    seen = [story["id"] for story in results(client, "api:story-list")]
    walked, url = [], reverse("api:story-list") + "?page_size=3"
    while url:
        data = client.get(url).json()
        walked += [story["id"] for story in data["results"]]
        url = data["next"]
    assert walked == seen and len(set(walked)) == 10
    # Same publication time: newest id first.
    tied = [pk for pk in walked if pk in {story.pk for story in stories}]
    assert tied == sorted(tied, reverse=True)
    assert client.get(reverse("api:story-list"), {"page_size": 100}).status_code == 200
    response = client.get(reverse("api:story-list"), {"page": 99})
    assert response.status_code == 404 and response.json()["detail"]
    assert client.get(reverse("api:story-list")).json()["results"].__len__() == 10


def test_an_empty_list_is_an_empty_first_page(client):
    data = client.get(reverse("api:correction-list")).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


# HTTP -------------------------------------------------------------------------------------


def test_etag_last_modified_and_304(client, seed):
    url = reverse("api:story-detail", kwargs={"slug": seed.slug})
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and modified
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert "s-maxage=300" in response["Cache-Control"]
    assert "stale-while-revalidate=600" in response["Cache-Control"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304
    older = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    # A change to what the answer shows changes the validators.
    quote = seed.quotes.first()
    quote.text += " (संशोधित)"
    quote.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    # A list's validators follow the records it shows.
    listing = client.get(reverse("api:story-list"))
    assert (
        client.get(
            reverse("api:story-list"), headers={"If-None-Match": listing["ETag"]}
        ).status_code
        == 304
    )
    ArticleFactory()
    assert (
        client.get(
            reverse("api:story-list"), headers={"If-None-Match": listing["ETag"]}
        ).status_code
        == 200
    )


def test_head_and_validators_on_every_list(client, seed):
    for name in LISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200 and response["ETag"], name
        head = client.head(reverse(name))
        assert head.status_code == 200 and head["ETag"] == response["ETag"], name
        # Tags have no times; the seed has no corrections: the ETag alone validates them.
        if name not in {"api:tag-list", "api:correction-list"}:
            modified = response["Last-Modified"]
            again = client.get(reverse(name), headers={"If-Modified-Since": modified})
            assert again.status_code == 304, name


def test_cors_is_open_for_reading_only(client, seed):
    url = reverse("api:story-list")
    response = client.get(url, headers={"Origin": "https://partner.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        url,
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status_code == 200
    allowed = {method.strip() for method in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    # Nothing can be written, with or without CORS; the site's pages send no CORS headers.
    assert client.post(url, {}, headers={"Origin": "https://partner.example"}).status_code == 405
    assert client.delete(url).status_code == 405
    page = client.get(seed.get_absolute_url(), headers={"Origin": "https://partner.example"})
    assert "Access-Control-Allow-Origin" not in page


def test_anonymous_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/min"
    url = reverse("api:section-list")
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()
    # Counted per client address: another one is not limited.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_default_rate_is_generous(settings):
    from articles.api.throttling import AnonRateThrottle

    assert settings.API_ANON_RATE == "120/min"
    assert AnonRateThrottle().num_requests == 120


def test_the_api_does_not_touch_the_session(client, seed):
    response = client.get(reverse("api:story-list"))
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


# Query budgets ------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def small_newsroom():
    return build_stress_newsroom(
        people=1,
        quotes=2,
        tags=1,
        corrections=1,
        sources=2,
        authors=1,
        portraits=1,
        organisations=1,
    )


def urls_for(article):
    """One URL per endpoint, for the records of ``article``'s newsroom."""
    person = article.people.order_by("pk").first()
    quote = article.quotes.filter(source__based_on__isnull=False).first()
    source = quote.source
    return {
        **{name: reverse(name) for name in LISTS},
        "api:root": reverse("api:root"),
        "api:story-detail": reverse("api:story-detail", kwargs={"slug": article.slug}),
        "api:person-detail": reverse("api:person-detail", kwargs={"slug": person.slug}),
        "api:organisation-detail": reverse(
            "api:organisation-detail", kwargs={"slug": article.organisations.first().slug}
        ),
        "api:quote-detail": reverse("api:quote-detail", kwargs={"pk": quote.pk}),
        "api:source-detail": reverse("api:source-detail", kwargs={"slug": source.slug}),
        "api:tag-detail": reverse("api:tag-detail", kwargs={"slug": article.tags.first().slug}),
        "api:section-detail": reverse("api:section-detail", kwargs={"slug": article.section.slug}),
        "api:correction-detail": reverse(
            "api:correction-detail", kwargs={"pk": article.corrections.first().pk}
        ),
    }


# The budget of each endpoint: the same for one record as for many.
BUDGETS = {
    # count, page; section, lead image joined; byline, people, tags.
    "api:story-list": 5,
    "api:person-list": 2,
    "api:organisation-list": 2,
    # count, page; roles, sources, tags; one step of source chains.
    "api:quote-list": 6,
    "api:source-list": 3,
    "api:tag-list": 2,
    "api:section-list": 2,
    "api:correction-list": 2,
    "api:root": 0,
    # story (section, lead image, original joined); byline, people, tags, organisations,
    # quotes, quote tags, speakers' roles, quote sources, sources, corrections,
    # translations (a translation also its original's); one step of source chains.
    "api:story-detail": 13,
    # person; tags, roles, corrections; quotes, their sources; stories written, featured.
    "api:person-detail": 8,
    "api:organisation-detail": 4,
    "api:quote-detail": 5,
    "api:source-detail": 2,
    "api:tag-detail": 1,
    "api:section-detail": 1,
    "api:correction-detail": 1,
}


def test_every_endpoint_has_a_flat_query_budget(client, django_assert_num_queries):
    small = small_newsroom()
    small_urls = urls_for(small)
    measured = {name: count_queries(client, url) for name, url in small_urls.items()}
    assert measured == BUDGETS
    assert set(BUDGETS) == {*LISTS, *(n.replace("-list", "-detail") for n in LISTS), "api:root"}

    big = build_stress_newsroom(sources=2, quotes=16, people=12, corrections=6, portraits=2)
    ArticleFactory.create_batch(5, people=PersonFactory.create_batch(3), tags=["क", "ख"])
    big_urls = urls_for(big)
    for name, url in big_urls.items():
        cache.clear()  # the rate limit, not the budget, is not under test here
        with django_assert_num_queries(BUDGETS[name]):
            response = client.get(url, {"page_size": 100} if name in LISTS else {})
        assert response.status_code == 200
    # The big newsroom is big where it counts.
    assert Quote.objects.published().count() >= 18 and Correction.objects.count() >= 7
    story = client.get(big_urls["api:story-detail"]).json()
    assert len(story["quotes"]) == 16 and len(story["people"]) == 12


# The two endpoints outside BUDGETS, made from the code (the docs page in the site's frame):
# the same on an empty or a full database.
SCHEMA_BUDGETS = {"api:schema": 0, "api:docs": 1}  # docs: the site's section menu


def test_schema_and_docs_keep_their_budget_whatever_the_data(client):
    for data in (lambda: None, lambda: build_stress_newsroom(quotes=4, people=4)):
        data()
        measured = {}
        for name in SCHEMA_BUDGETS:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            measured[name] = [query["sql"] for query in queries.captured_queries]
        assert {name: len(sql) for name, sql in measured.items()} == SCHEMA_BUDGETS, measured


def test_public_sources_follow_the_chain(seed):
    """Every source in the chain behind a public one is public, however it is reached."""
    public = set(records.public_sources().values_list("slug", flat=True))
    for source in Source.objects.filter(slug__in=public):
        while source.based_on_id:
            source = source.based_on
            assert source.slug in public


def test_stress_newsroom_record_is_complete(client):
    article = build_stress_newsroom(sources=4)
    data = client.get(reverse("api:story-detail", kwargs={"slug": article.slug})).json()
    # Four sources, each based on the one before: chains of 0 to 3 steps.
    assert sorted(len(source["chain"]) for source in data["sources"]) == [0, 1, 2, 3]
    assert data["lead_image"]["renditions"]["crops"][0]["width"] == 1200
    assert data["lead_image"]["alt_text"] == article.lead_image.alt_text
    rendition = data["lead_image"]["renditions"]["jpeg"][0]
    assert rendition["url"].startswith("http://testserver/media/renditions/")
    assert {"width", "height", "mime_type"} <= set(rendition)
    assert [v["language"] for v in data["translations"]] == ["en"]
    json.dumps(data)


# Pointers to the documentation --------------------------------------------------------------


def test_the_footer_and_robots_txt_point_to_the_docs(client, seed):
    docs = reverse("api:docs")
    assert docs == "/api/v1/docs/"
    html = client.get(seed.get_absolute_url()).content.decode()
    assert f'<a href="{docs}">' in html
    robots = client.get("/robots.txt").content.decode()
    assert f"http://testserver{docs}" in robots
    assert client.get(docs).status_code == 200


# Addresses (articles.api.serializers.Links) ------------------------------------------------


def test_links_are_the_addresses_reverse_and_the_models_give(rf, seed, settings):
    """Links builds addresses from one reverse() per route; each must be the string the
    model's get_absolute_url (default language) or reverse() (the API) would give."""
    from django.utils import translation

    from articles.api.serializers import Links

    settings.ALLOWED_HOSTS = ["*"]
    request = rf.get("/api/v1/", HTTP_HOST="example.org")
    links = Links(request)
    CorrectionFactory(article=seed)
    records_ = [
        seed,
        *Person.objects.all(),
        *Organisation.objects.all(),
        *Quote.objects.all(),
        *Section.objects.all(),
        *Tag.objects.all(),
        *Correction.objects.all(),
    ]
    assert {type(record) for record in records_} >= {*Links.PAGES, Correction}
    assert any(not record.slug.isascii() for record in records_ if hasattr(record, "slug"))
    with translation.override("en"):  # the API's language; pages are in the default one
        for record in records_:
            with translation.override(settings.LANGUAGE_CODE):
                expected = request.build_absolute_uri(record.get_absolute_url())
            assert links.page(record) == expected
        story = request.build_absolute_uri(seed.get_absolute_url())
        assert links.page(seed, "en") == story
        assert "/en/" in story
        for name, lookup, value in [
            ("api:story-detail", "slug", seed.slug),
            ("api:quote-detail", "pk", Quote.objects.first().pk),
            ("api:person-detail", "slug", Person.objects.first().slug),
        ]:
            expected = request.build_absolute_uri(reverse(name, kwargs={lookup: value}))
            assert links.reverse(name, lookup, value) == expected
        path = "/media/images/फ़ोटो one.jpg"
        assert links.absolute(path) == request.build_absolute_uri(path)


def test_links_refuse_what_reverse_refuses(rf, settings):
    """A value the route's converter refuses goes through reverse(), which raises."""
    from django.urls import NoReverseMatch

    from articles.api.serializers import Links

    links = Links(rf.get("/api/v1/"))
    for value in ["a/b", "", "has space"]:
        with pytest.raises(NoReverseMatch):
            links.reverse("api:person-detail", "slug", value)
    with pytest.raises(NoReverseMatch):
        links.reverse("api:quote-detail", "pk", -1)


@pytest.mark.parametrize(
    "address",
    [
        lambda seed: reverse("api:story-list"),
        lambda seed: reverse("api:story-detail", args=[seed.slug]),
        lambda seed: reverse("api:person-detail", args=["कोई-नहीं"]),  # a 404
        lambda seed: reverse("api:story-list") + "?page=x",  # a 400
    ],
)
def test_an_answer_is_freed_with_its_response_not_left_to_the_garbage_collector(rf, seed, address):
    """DRF's view, request and response refer to one another; an answer left in such a
    cycle waits for the collector's next full pass, and a worker under load grew by tens of
    megabytes of answers waiting for it. Freed by reference counting, it goes at once."""
    request = rf.get(address(seed))
    match = resolve(request.path_info)
    gc.collect()
    gc.disable()
    try:
        response = match.func(request, *match.args, **match.kwargs)
        response.render()
        assert response.status_code in (200, 400, 404) and response.content
        answer = weakref.ref(response)
        del response
        assert answer() is None
    finally:
        gc.enable()
