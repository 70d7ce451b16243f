"""The page cache (articles/caching.py) and HTTP caching of public pages, page by page.

For each public page type: the first anonymous request renders and stores the page, the
second is served from the cache with no query at all, and a change to a record the page
shows (through the admin as an editor, or through the models, tag merges and bulk actions)
shows on the very next anonymous request. Signed-in editors never get a stored page and
never leave one behind; drafts, previews and share links never enter the cache.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import caching, tags
from articles.models import Article, Person, ShareLink, Tag
from articles.tests import adminform
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(page_cache_on):
    translation.activate("hi")  # a request to /en/ leaves English active in this thread


@pytest.fixture
def newsroom():
    section = SectionFactory(name="देश", name_en="India")
    organisation = OrganisationFactory(name="सेफ़्टी संस्था", name_latin="Safety Institute")
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma")
    article = ArticleFactory(
        headline="पुरानी सुर्ख़ी",
        body="मृणांक शर्मा ने कहा: पहला अनुच्छेद।",
        section=section,
        people=[person],
        organisations=[organisation],
        tags=["सेफ्टी"],
    )
    quote = QuoteFactory(article=article, speaker=person, text="पहला अनुच्छेद।")
    tag = Tag.objects.get(name="सेफ्टी")
    return {
        "article": article,
        "person": person,
        "organisation": organisation,
        "section": section,
        "quote": quote,
        "tag": tag,
    }


def english(url):
    return "/en" + url


# Every public page that shows the story's headline, in both interface languages.
HEADLINE_PAGES = {
    "home": lambda n: reverse("articles:article-list"),
    "story": lambda n: n["article"].get_absolute_url(),
    "profile": lambda n: n["person"].get_absolute_url(),
    "organisation": lambda n: n["organisation"].get_absolute_url(),
    "tag": lambda n: n["tag"].get_absolute_url(),
    "section": lambda n: n["section"].get_absolute_url(),
    "quote": lambda n: n["quote"].get_absolute_url(),
    "search": lambda n: reverse("articles:search") + "?q=मृणांक",
    "rss": lambda n: reverse("articles:feed-rss"),
    "atom": lambda n: reverse("articles:feed-atom"),
    "person feed": lambda n: reverse("articles:person-feed", args=[n["person"].slug]),
    "organisation feed": lambda n: reverse(
        "articles:organisation-feed", args=[n["organisation"].slug]
    ),
    "tag feed": lambda n: reverse("articles:tag-feed", args=[n["tag"].slug]),
    "section feed": lambda n: reverse("articles:section-feed", args=[n["section"].slug]),
    "news sitemap": lambda n: reverse("articles:news-sitemap"),
}


def cached(client, url, django_assert_num_queries):
    """Request ``url`` twice: rendered, then from the cache with no query; the body."""
    first = client.get(url)
    assert first.status_code == 200, url
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content, url
    return second.content.decode()


def test_every_page_is_stored_and_an_admin_save_shows_on_the_next_request(
    client, admin_user, newsroom, django_assert_num_queries
):
    urls = {}
    for name, url_of in HEADLINE_PAGES.items():
        urls[name] = url_of(newsroom)
        with translation.override("en"):
            urls[f"{name} (en)"] = url_of(newsroom)
    for name, url in urls.items():
        assert "पुरानी सुर्ख़ी" in cached(client, url, django_assert_num_queries), name
    editor = Client()
    editor.force_login(admin_user)
    article = newsroom["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = adminform.admin_form(editor, url, "article_form")
    data.update(headline="नई सुर्ख़ी", minor_edit="on")
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    for name, url in urls.items():
        html = cached(client, url, django_assert_num_queries)
        assert "नई सुर्ख़ी" in html and "पुरानी सुर्ख़ी" not in html, name


def test_sitemap_shows_a_new_story_and_a_profile_a_new_name(
    client, newsroom, django_assert_num_queries
):
    sitemap = reverse("articles:sitemap")
    people = reverse("articles:person-list")
    profile = newsroom["person"].get_absolute_url()
    story = newsroom["article"].get_absolute_url()
    cached(client, sitemap, django_assert_num_queries)
    assert "मृणांक शर्मा" in cached(client, people, django_assert_num_queries)
    assert "मृणांक शर्मा" in cached(client, story, django_assert_num_queries)
    cached(client, newsroom["quote"].get_absolute_url(), django_assert_num_queries)
    new = ArticleFactory(headline="दूसरी ख़बर")
    assert new.get_absolute_url() in client.get(sitemap).content.decode()
    person = newsroom["person"]
    person.name = "मृणांक कुमार शर्मा"
    person.save()
    for url in (people, profile, story, newsroom["quote"].get_absolute_url()):
        assert "मृणांक कुमार शर्मा" in client.get(url).content.decode(), url


def test_organisation_rename_shows_on_its_page_the_index_and_the_story(
    client, newsroom, django_assert_num_queries
):
    organisation = newsroom["organisation"]
    urls = [
        organisation.get_absolute_url(),
        reverse("articles:organisation-list"),
        newsroom["article"].get_absolute_url(),
    ]
    for url in urls:
        assert "सेफ़्टी संस्था" in cached(client, url, django_assert_num_queries), url
    organisation.name = "एआई सेफ़्टी संस्था"
    organisation.save()
    for url in urls:
        assert "एआई सेफ़्टी संस्था" in client.get(url).content.decode(), url


def test_corrections_and_quotes_show_at_once(client, newsroom, django_assert_num_queries):
    corrections = reverse("articles:correction-list")
    story = newsroom["article"].get_absolute_url()
    cached(client, corrections, django_assert_num_queries)
    cached(client, story, django_assert_num_queries)
    CorrectionFactory(article=newsroom["article"], text="वर्तनी सुधारी गई।")
    assert "वर्तनी सुधारी गई।" in client.get(corrections).content.decode()
    assert "वर्तनी सुधारी गई।" in client.get(story).content.decode()


def test_m2m_changes_tag_bulk_actions_and_merges_show_at_once(
    client, newsroom, django_assert_num_queries
):
    person = newsroom["person"]
    other = PersonFactory(name="आकाश गुप्ता")
    story = newsroom["article"].get_absolute_url()
    assert "आकाश गुप्ता" not in cached(client, story, django_assert_num_queries)
    newsroom["article"].people.add(other)  # m2m_changed
    assert "आकाश गुप्ता" in client.get(story).content.decode()
    # The admin's bulk tagging (bulk_create) and a tag merge (update()).
    new_tag = Tag.objects.create(name="इस्तीफ़ा")
    tag_page = new_tag.get_absolute_url()
    assert client.get(tag_page).status_code == 404
    cached(client, person.get_absolute_url(), django_assert_num_queries)
    tags.add_tag(Person.objects.filter(pk=person.pk), new_tag)
    assert "इस्तीफ़ा" in client.get(person.get_absolute_url()).content.decode()
    old = newsroom["tag"]
    old_page = old.get_absolute_url()
    assert "पुरानी सुर्ख़ी" not in cached(client, tag_page, django_assert_num_queries)
    tags.merge_tags([old], new_tag)
    assert "पुरानी सुर्ख़ी" in client.get(tag_page).content.decode()
    response = client.get(old_page)
    assert response.status_code == 301 and response["Location"] == tag_page


def test_unpublishing_and_deleting_take_a_story_off_every_page(
    client, newsroom, django_assert_num_queries
):
    article = newsroom["article"]
    home = reverse("articles:article-list")
    assert "पुरानी सुर्ख़ी" in cached(client, home, django_assert_num_queries)
    cached(client, article.get_absolute_url(), django_assert_num_queries)
    Article.objects.filter(pk=article.pk).first().delete()
    assert "पुरानी सुर्ख़ी" not in client.get(home).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_loaddata_refreshes_the_pages(client, django_assert_num_queries):
    home = reverse("articles:article-list")
    assert "मृणांक" not in cached(client, home, django_assert_num_queries)
    call_command("loaddata", "seed", verbosity=0)
    assert "मृणांक" in client.get(home).content.decode()


def test_loaddata_replaces_the_generation_once_not_per_row(django_capture_on_commit_callbacks):
    # (H7) A row's save during the load sees the generation of before the load; the load
    # replaces it at its end and once more when it commits.
    before = caching.generation()
    seen = []

    def during_load(sender, **kwargs):
        seen.append(caching.generation())

    from django.db.models.signals import post_save

    post_save.connect(during_load, dispatch_uid="test.during_load")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            call_command("loaddata", "seed", verbosity=0)
            at_end = caching.generation()
    finally:
        post_save.disconnect(dispatch_uid="test.during_load")
    assert len(seen) > 10 and set(seen) == {before}
    assert at_end != before
    assert callbacks.count(caching._new_generation) == 1
    assert caching.generation() not in (before, at_end)


def test_a_scheduled_story_is_on_the_home_page_at_its_time(
    client, newsroom, django_assert_num_queries
):
    home = reverse("articles:article-list")
    soon = timezone.now() + datetime.timedelta(seconds=30)
    ArticleFactory(headline="तय समय की ख़बर", published_at=soon)
    html = cached(client, home, django_assert_num_queries)
    assert "तय समय की ख़बर" not in html
    response = client.get(home)
    # Neither this cache nor a CDN holds the page past the story's time.
    assert "max-age=0" not in response["Cache-Control"]
    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < max_age <= 30
    # At 10:00 the 10:00 story is there, with no write in between.
    later = soon + datetime.timedelta(seconds=1)
    original_now = timezone.now
    try:
        timezone.now = lambda: later
        assert "तय समय की ख़बर" in client.get(home).content.decode()
    finally:
        timezone.now = original_now


def test_drafts_previews_and_share_links_never_enter_the_cache(
    client, admin_user, django_assert_num_queries
):
    draft = ArticleFactory(draft=True, headline="मसौदा")
    link = ShareLink.objects.create(article=draft, note="वकील के लिए")
    share = link.get_absolute_url()
    preview = reverse("articles:article-preview", args=[draft.pk])
    first = client.get(share)
    assert first.status_code == 200
    assert "private" in first["Cache-Control"] and "no-store" in first["Cache-Control"]
    assert first["X-Robots-Tag"].startswith("noindex")
    assert "ETag" not in first
    # Not stored: the second request renders again (queries), and revoking is at once.
    second = client.get(share)
    assert second.status_code == 200
    link.revoke()
    assert client.get(share).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    editor = Client()
    editor.force_login(admin_user)
    response = editor.get(preview)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert client.get(preview).status_code == 302  # to the login page, not a stored preview


def test_a_signed_in_editor_is_never_served_nor_leaves_a_stored_page(
    client, admin_user, newsroom, django_assert_num_queries
):
    story = newsroom["article"].get_absolute_url()
    editor = Client()
    editor.force_login(admin_user)
    response = editor.get(story)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # The editor's render was not stored (its public parts may be kept: they are the same
    # for everyone), so nothing answers an anonymous reader from the store yet.
    assert caching._Moment(RequestFactory().get(story)).stored() is None
    # A page stored for readers is not what the editor gets: the editor's request renders.
    cached(client, story, django_assert_num_queries)
    with CaptureQueriesContext(connection) as queries:
        response = editor.get(story)
    assert len(queries) > 0
    assert "no-store" in response["Cache-Control"]


def test_a_reader_without_a_session_cookie_gets_no_session(client, newsroom):
    response = client.get(newsroom["article"].get_absolute_url())
    assert not response.cookies
    assert "Vary" not in response


def test_public_pages_are_publicly_cacheable_with_an_etag_and_304(client, newsroom):
    story = newsroom["article"].get_absolute_url()
    for response in (client.get(story), client.get(story)):
        assert response["Cache-Control"] == (
            "public, max-age=60, s-maxage=300, stale-while-revalidate=60"
        )
        etag = response["ETag"]
    assert client.get(story, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(story, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # After a change the validator changes with the page.
    article = newsroom["article"]
    article.headline = "नई सुर्ख़ी"
    article.save()
    response = client.get(story, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    # HEAD is answered from the stored page too.
    assert client.head(story)["ETag"] == response["ETag"]


def test_cache_control_numbers_come_from_settings(client, settings, newsroom):
    settings.PAGE_MAX_AGE, settings.PAGE_S_MAXAGE, settings.PAGE_STALE_WHILE_REVALIDATE = 5, 50, 7
    response = client.get(newsroom["article"].get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=5, s-maxage=50, stale-while-revalidate=7"


def test_the_admin_is_private_and_no_store(client, admin_user):
    client.force_login(admin_user)
    for url in (reverse("admin:index"), reverse("admin:articles_article_changelist")):
        response = client.get(url)
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    anonymous = Client().get(reverse("admin:login"))
    assert "no-store" in anonymous["Cache-Control"]


def test_the_api_keeps_its_own_conditional_get_and_is_current_after_a_save(client, newsroom):
    url = reverse("api:story-detail", args=[newsroom["article"].slug])
    response = client.get(url)
    assert response.status_code == 200
    assert "s-maxage=300" in response["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    article = newsroom["article"]
    article.headline = "नई सुर्ख़ी"
    article.save()
    assert "नई सुर्ख़ी" in client.get(url).content.decode()


# API addresses, and what an editor changes that each shows: (record, field, old, new).
HEADLINE = ("article", "headline", "पुरानी सुर्ख़ी", "नई सुर्ख़ी")
NAME = ("person", "name_latin", "Mrinank Sharma", "Mrinank S. Sharma")
API_ADDRESSES = {
    "story": (lambda n: reverse("api:story-detail", args=[n["article"].slug]), HEADLINE),
    "stories": (lambda n: reverse("api:story-list"), HEADLINE),
    "stories by person": (
        lambda n: reverse("api:story-list") + f"?person={n['person'].slug}",
        HEADLINE,
    ),
    "person": (lambda n: reverse("api:person-detail", args=[n["person"].slug]), HEADLINE),
    "people, page 1": (lambda n: reverse("api:person-list") + "?page=1&page_size=5", NAME),
    "organisation": (
        lambda n: reverse("api:organisation-detail", args=[n["organisation"].slug]),
        HEADLINE,
    ),
    "quotes": (lambda n: reverse("api:quote-list"), NAME),
    "tag": (
        lambda n: reverse("api:tag-detail", args=[n["tag"].slug]),
        ("tag", "name", "सेफ्टी", "सुरक्षा"),
    ),
    "section": (
        lambda n: reverse("api:section-detail", args=[n["section"].slug]),
        ("section", "name_en", "India", "The country"),
    ),
}


@pytest.mark.parametrize("address", API_ADDRESSES)
def test_an_api_answer_is_kept_until_the_next_write(client, newsroom, address):
    """Kept with no query; the next request after an editor's save shows the change."""
    path, (record, field, old, new) = API_ADDRESSES[address]
    url = path(newsroom)
    first = client.get(url)
    assert first.status_code == 200 and old in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert len(queries) == 0 and again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again.get("Last-Modified") == first.get("Last-Modified")
    setattr(newsroom[record], field, new)
    newsroom[record].save()
    assert new in client.get(url).content.decode()


def test_an_api_parameter_no_endpoint_reads_shares_the_kept_answer(client, newsroom):
    """Junk (tracking parameters) is ignored, so it cannot fill the cache with copies."""
    ArticleFactory.create_batch(2, people=[newsroom["person"]])
    url = reverse("api:story-list")
    plain = client.get(url, {"page_size": 1, "page": 2})
    with CaptureQueriesContext(connection) as queries:
        junk = client.get(url, {"utm_source": "x", "page": 2, "page_size": 1, "fbclid": "y"})
    assert len(queries) == 0 and junk.content == plain.content
    data = junk.json()
    assert data["next"] == "http://testserver/api/v1/stories/?page=3&page_size=1"
    assert data["previous"] == "http://testserver/api/v1/stories/?page_size=1"


def test_api_errors_are_never_kept_and_the_rate_limit_counts_kept_answers(
    client, newsroom, settings
):
    person = PersonFactory(name="अभी अनदेखा")  # in no published story: not public
    url = reverse("api:person-detail", args=[person.slug])
    assert client.get(url).status_code == 404
    ArticleFactory(people=[person])
    assert client.get(url).status_code == 200
    assert client.get(reverse("api:story-list") + "?page=9").status_code == 404

    cache.clear()  # the rate limit's count so far
    settings.API_ANON_RATE = "3/min"
    url = reverse("api:story-list")
    statuses, queries = [], []
    for _ in range(4):
        with CaptureQueriesContext(connection) as captured:
            statuses.append(client.get(url).status_code)
        queries.append(len(captured))
    assert statuses == [200, 200, 200, 429]
    assert queries[0] > 0 and queries[1:] == [0, 0, 0]  # kept answers count as requests


def test_a_write_in_a_transaction_changes_the_generation_again_on_commit(
    django_capture_on_commit_callbacks,
):
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        PersonFactory()
        PersonFactory()
    assert caching.generation() != before
    # One callback for the transaction, however many rows it wrote.
    assert callbacks.count(caching._new_generation) == 1
    during = caching.generation()
    callbacks[0]()
    assert caching.generation() != during


def test_the_generation_is_shared_by_the_processes_of_one_machine(settings, tmp_path):
    """With per-process memory the generation is a file, so a save through one gunicorn
    worker retires the pages of every other worker; with Redis it is in Redis."""
    before = caching.generation()
    caching.content_changed()
    after = caching.generation()
    assert after != before and len(after) == 16
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        assert (tmp_path / "generation").read_text() == after
    else:
        assert cache.get(caching.GENERATION_KEY) == after


# Served before the session: the same answer, headers and all -----------------------------


def test_a_stored_page_carries_every_header_the_rendered_one_does(client, newsroom):
    for url in (newsroom["article"].get_absolute_url(), reverse("articles:article-list")):
        rendered = client.get(url)
        stored = client.get(url)
        assert stored.content == rendered.content
        assert dict(stored.headers) == dict(rendered.headers), url
        for header in ("ETag", "Content-Language", "Cache-Control", "X-Frame-Options"):
            assert header in stored.headers, header
        # ConditionalGetMiddleware still answers a stored page's validator.
        again = client.get(url, headers={"if-none-match": stored["ETag"]})
        assert again.status_code == 304 and again["ETag"] == stored["ETag"]


def test_a_stored_page_is_answered_before_the_session_and_auth_middleware(
    client, newsroom, monkeypatch
):
    from django.contrib.sessions.middleware import SessionMiddleware

    url = newsroom["article"].get_absolute_url()
    client.get(url)
    calls = []
    original = SessionMiddleware.process_request
    monkeypatch.setattr(
        SessionMiddleware,
        "process_request",
        lambda self, request: calls.append(request.path) or original(self, request),
    )
    assert client.get(url).status_code == 200
    assert calls == []
    # A reader with a session cookie goes the whole way, and is answered from the store.
    client.cookies["sessionid"] = "not-a-session"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(calls) == 1
    assert not [q for q in queries.captured_queries if "articles_article" in q["sql"]]


def test_an_old_readers_language_cookie_still_redirects(client, newsroom, settings):
    home = reverse("articles:article-list")
    client.get(home)
    client.get(home)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith("/en/")


# Fragments kept per generation: related stories and the section navigation --------------


def test_related_stories_follow_every_write_and_the_clock(client, newsroom):
    article, person = newsroom["article"], newsroom["person"]
    url = article.get_absolute_url()
    ArticleFactory(headline="पहली जुड़ी ख़बर", people=[person])
    assert "पहली जुड़ी ख़बर" in client.get(url + "?a").content.decode()
    # A new query string: not the stored page, but the fragment kept for the generation.
    with CaptureQueriesContext(connection) as queries:
        client.get(url + "?b")
    assert not [q for q in queries.captured_queries if "shared_people" in q["sql"]]
    ArticleFactory(headline="दूसरी जुड़ी ख़बर", people=[person])
    assert "दूसरी जुड़ी ख़बर" in client.get(url + "?c").content.decode()
    soon = timezone.now() + datetime.timedelta(seconds=30)
    ArticleFactory(headline="तय समय की जुड़ी ख़बर", people=[person], published_at=soon)
    assert "तय समय की जुड़ी ख़बर" not in client.get(url + "?d").content.decode()
    original_now = timezone.now
    try:
        timezone.now = lambda: soon + datetime.timedelta(seconds=1)
        assert "तय समय की जुड़ी ख़बर" in client.get(url + "?e").content.decode()
    finally:
        timezone.now = original_now


def test_a_renamed_or_new_section_shows_in_the_navigation_at_once(client, newsroom):
    url = newsroom["article"].get_absolute_url()
    section = newsroom["article"].section
    assert "देश" in client.get(url + "?a").content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(url + "?b")
    assert not [q for q in queries.captured_queries if 'FROM "articles_section"' in q["sql"]]
    section.name = "प्रदेश"
    section.save()
    SectionFactory(name="खेल")
    html = client.get(url + "?c").content.decode()
    assert "प्रदेश" in html and "खेल" in html


def test_a_query_string_no_page_reads_is_answered_but_never_stored(client, newsroom):
    story = newsroom["article"].get_absolute_url()
    for address in (story + "?utm_source=x", story + "?fbclid=1&page=2"):
        response = client.get(address)
        assert response.status_code == 200 and "public" in response["Cache-Control"]
        assert caching._Moment(RequestFactory().get(address)).stored() is None, address
    for address in (story + "?page=2", reverse("articles:search") + "?q=मृणांक&page=1"):
        client.get(address)
        assert caching._Moment(RequestFactory().get(address)).stored() is not None, address
