"""Redirects, CSRF, safe GETs and bad requests (issue 13; README, "Security").

* Redirects after the admin's login and logout, the language switch and a preview's login
  never leave the site, whatever ``next`` holds (OPEN_REDIRECTS: protocol-relative,
  backslashes, schemes without slashes, tabs, NUL, full-width solidi, percent-encoding,
  ``javascript:``), and the language links of a page never point off the site.
* Every URL pattern of newsroom.urls (the admin included) is walked: a POST without a CSRF
  token by a signed-in superuser is refused with 403 (the API, exempt since it accepts no
  cookie, refuses every write with 405), and a GET changes no row of any model.
* Oversized bodies, too many fields or files and a Host not in ALLOWED_HOSTS get 400 on
  public pages, the admin and the API, through the real WSGI stack.
"""

import re
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import (
    Article,
    Correction,
    Image,
    Organisation,
    Person,
    Quote,
    Section,
    ShareLink,
    Source,
    Tag,
)
from articles.tests.factories import ArticleFactory, CorrectionFactory, ImageFactory

pytestmark = pytest.mark.django_db

OPEN_REDIRECTS = [
    "//evil.test",
    "//evil.test/path",
    "/\\evil.test",
    "\\\\evil.test",
    "https:evil.test",
    "http://evil.test",
    "https://evil.test/",
    "/%09/evil.test",
    "/\t/evil.test",
    "\t//evil.test",
    "/\n/evil.test",
    "//evil.test\x00",
    "\x00//evil.test",
    "／／evil.test",  # full-width solidi
    "/／evil.test",
    "%2F%2Fevil.test",
    "/%2F/evil.test",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.test/",
    "///evil.test",
]


def assert_stays_on_site(location, payload):
    """``location`` (a Location header) resolves, as a browser would read it, to this site.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash.
    """
    read = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    assert "\x00" not in read, (payload, location)
    resolved = urlsplit(urljoin("http://testserver/", read))
    assert resolved.scheme in {"http", "https"}, (payload, location)
    assert resolved.netloc == "testserver", (payload, location)


@pytest.fixture
def superuser(admin_user):
    return admin_user


# Open redirects -------------------------------------------------------------------------


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_admin_login_never_redirects_off_the_site(client, superuser, payload):
    url = reverse("admin:login")
    response = client.post(
        url, {"username": superuser.username, "password": "password", "next": payload}
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert_stays_on_site(response["Location"], payload)


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_admin_logout_never_redirects_off_the_site(client, superuser, payload):
    client.force_login(superuser)
    response = client.post(reverse("admin:logout"), {"next": payload})
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert_stays_on_site(response["Location"], payload)


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_the_language_switch_never_redirects_off_the_site(client, payload):
    url = reverse("set_language")
    for response in (
        client.post(url, {"language": "en", "next": payload}),
        client.post(url, {"language": "hi", "next": payload}),
        client.get(url, {"next": payload}),
        client.post(f"{url}?{urlencode({'next': payload})}", {"language": "en"}),
    ):
        assert response.status_code == 302
        assert_stays_on_site(response["Location"], payload)


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_a_previews_login_never_redirects_off_the_site(client, superuser, payload):
    call_command("loaddata", "seed", verbosity=0)
    preview = reverse("articles:article-preview", kwargs={"pk": Article.objects.get().pk})
    # An anonymous preview asks for a login, then comes back to the preview itself.
    asked = client.get(preview)
    assert asked.status_code == 302
    assert_stays_on_site(asked["Location"], preview)
    response = client.post(
        reverse("admin:login"),
        {"username": superuser.username, "password": "password", "next": payload},
    )
    assert_stays_on_site(response["Location"], payload)


LINK = re.compile(
    r'<a [^>]*href="([^"]*)"[^>]*hreflang=|<link [^>]*hreflang="[^"]*" href="([^"]*)"'
)


@pytest.mark.parametrize("path", ["//evil.test/", "/\\evil.test/", "//evil.test/%2e%2e/"])
def test_language_links_of_any_page_stay_on_the_site(client, path):
    # The raw path (the test client would read //evil.test/ as a host).
    response = client.get("/", PATH_INFO=path)
    assert response.status_code in {301, 302, 404}
    if response.status_code != 404:
        assert_stays_on_site(response["Location"], path)
        return
    links = [a or b for a, b in LINK.findall(response.content.decode())]
    assert links, "the 404 page names its language versions"
    for link in links:
        assert_stays_on_site(link.replace("&amp;", "&"), path)


# The URL walk ----------------------------------------------------------------------------

# Patterns whose URL cannot be given real arguments: catch-alls answering every other path.
CATCH_ALL = {"admin:None-admin/(?P<url>.*)$", "api:not-found"}


def walk(patterns, prefix="", namespace=None):
    """(route, full name, callback) of every pattern under ``patterns``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


@pytest.fixture
def newsroom(superuser):
    """The seed story, an image, a share link and a group: an object of every kind."""
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    ImageFactory()
    CorrectionFactory(article=article)
    ArticleFactory(authors=[Person.objects.first()], headline="लेखक की ख़बर")
    Group.objects.get_or_create(name="Reporters")
    ShareLink.objects.create(article=article)
    return article


def _model_of(name, callback):
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    match = re.fullmatch(r"admin:(\w+?)_(\w+)_simple_history", name or "")
    if match:
        return apps.get_model(match[1], match[2])
    return None


SLUGGED = {
    "article": Article,
    "story": Article,
    "person": Person,
    "author": Person,
    "organisation": Organisation,
    "tag": Tag,
    "section": Section,
    "source": Source,
}
NUMBERED = {"quote": Quote, "correction": Correction, "article-preview": Article}


def url_of(route, name, callback):
    """A concrete URL for one pattern, with real objects' keys as its arguments."""
    model = _model_of(name, callback)
    if name == "admin:articles_article_import":
        return reverse(name)
    if name and name.endswith("_simple_history"):
        if not model.history.exists():
            model.objects.first().save()  # loaddata's raw saves record no history
        record = model.history.first()
        return reverse(name, args=[record.id, record.history_id])
    if name == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        article = Article.objects.first()
        return reverse(name, args=[ContentType.objects.get_for_model(Article).pk, article.pk])
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "articles"})
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[_superuser().pk])
    if name == "media":
        image = Image.objects.first()
        return image.file.url
    if name == "articles:share":
        return ShareLink.objects.first().get_absolute_url()
    if name == "articles:author-feed":
        return reverse(name, kwargs={"slug": Person.objects.first().slug})
    if "<path:object_id>" in route:
        assert model.objects.exists(), f"the newsroom fixture needs a {model.__name__}"
        object_id = str(model.objects.first().pk)
        return "/" + route.replace("<path:object_id>", object_id)
    if "<hslug:slug>" in route:
        key = name.split(":")[-1].split("-")[0]
        return reverse(name, kwargs={"slug": SLUGGED[key].objects.first().slug})
    if "<int:pk>" in route:
        short = name.split(":")[-1]
        key = short if short in NUMBERED else short.split("-")[0]
        return reverse(name, kwargs={"pk": NUMBERED[key].objects.first().pk})
    assert "<" not in route and "(" not in route, f"teach url_of the arguments of {route}"
    return reverse(name) if name else "/" + route


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(is_superuser=True)


def every_url():
    """{full name or route: URL} for every pattern of the project but the catch-alls."""
    return {key: url for key, (url, _exempt) in walk_urls().items()}


def walk_urls():
    """{full name or route: (URL, whether its view is CSRF-exempt)}."""
    urls = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        key = name if name and not name.endswith(":None") else f"{name}-{route}"
        if key in CATCH_ALL:
            continue
        urls[key] = (url_of(route, name, callback), getattr(callback, "csrf_exempt", False))
    return urls


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_the_walk_covers_the_whole_project(newsroom):
    urls = every_url()
    # Readers' pages, feeds, sitemaps, the API, media, health, and the admin of every model.
    assert len(urls) > 100
    for name in ("articles:article-detail", "api:story-detail", "set_language", "media"):
        assert name in urls
    for model in (Article, Person, Organisation, Quote, Tag, Image, ShareLink, Group):
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert f"admin:{label}_change" in urls and f"admin:{label}_delete" in urls


def test_a_post_without_a_csrf_token_is_refused_everywhere(newsroom, superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    urls = walk_urls()
    before = row_counts()
    wrong = {}
    for name, (url, exempt) in urls.items():
        response = client.post(url, {"name": "x", "headline": "x", "post": "yes"})
        # Exempt views (the API, /healthz: no cookie counts there) accept no POST at all.
        if response.status_code != (405 if exempt else 403):
            wrong[name] = (url, exempt, response.status_code)
    assert wrong == {}
    assert sum(exempt for _url, exempt in urls.values()) > 10  # the API's views
    assert row_counts() == before


def test_no_get_changes_anything(newsroom, superuser):
    client = Client()
    client.force_login(superuser)
    urls = every_url()
    before = row_counts()
    failures = {}
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code >= 500:
            failures[name] = (url, response.status_code)
        after = row_counts()
        changed = sorted(label for label in after if after[label] != before[label])
        if changed:
            failures[name] = (url, changed)
        before = row_counts()
    assert failures == {}


# Bad requests ----------------------------------------------------------------------------


def bad_request_targets():
    return {
        "public page": lambda: reverse("articles:search"),
        "admin login": lambda: reverse("admin:login"),
        "admin form": lambda: reverse("admin:articles_person_add"),
        "language switch": lambda: reverse("set_language"),
        "API": lambda: reverse("api:story-list"),
    }


@pytest.mark.parametrize("target", bad_request_targets())
def test_oversized_bodies_and_too_many_fields_or_files_get_400(superuser, target, settings):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("admin:login"))  # a CSRF cookie, so only the body is wrong
    client.force_login(superuser)
    token = client.cookies["csrftoken"].value
    url = bad_request_targets()[target]()
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    too_many = "&".join(f"f{i}=1" for i in range(10_000))
    files = {
        f"file{i}": SimpleUploadedFile(f"{i}.txt", b"x")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    answers = [
        client.post(
            url,
            f"csrfmiddlewaretoken={token}&body={too_big}",
            content_type="application/x-www-form-urlencoded",
        ),
        client.post(
            url,
            f"csrfmiddlewaretoken={token}&{too_many}",
            content_type="application/x-www-form-urlencoded",
        ),
        client.post(url, {"csrfmiddlewaretoken": token, **files}),
    ]
    expected = {405} if target == "API" else {400}  # the API reads no body: nothing to write
    assert [answer.status_code for answer in answers] == [min(expected)] * 3


@pytest.mark.parametrize("target", bad_request_targets())
@pytest.mark.parametrize("host", ["evil.test", "testserver:bad", "a..b", "evil.test@testserver"])
def test_a_host_not_allowed_gets_400(client, target, host):
    response = client.get(bad_request_targets()[target](), headers={"host": host})
    assert response.status_code == 400
