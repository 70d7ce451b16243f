"""Deployment settings and the security headers (issue 13; newsroom/settings.py, "Security").

* ``manage.py check --deploy --fail-level WARNING`` passes in a production-like
  environment (DEBUG off, a real key, a host name), run as a subprocess like a deploy.
* Every HTML page type (the readers' pages of test_quality.PAGE_TYPES, the admin, the API's
  documentation) carries the Content-Security-Policy, X-Frame-Options, nosniff,
  Referrer-Policy, Cross-Origin-Opener-Policy and Permissions-Policy, whether rendered or
  served whole from the page cache; static files and photographs carry nosniff.
* Plain HTTP is redirected to HTTPS, HTTPS answers carry HSTS, and a proxy's
  X-Forwarded-Proto counts only when SECURE_PROXY_SSL_HEADER says so.

That a planted .svg or HTML file in MEDIA_ROOT is never served is in test_images.py
(test_media_view_serves_only_the_three_image_types); that pages have no inline script or
style, which lets the policy go without 'unsafe-inline', is in test_quality.py.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.urls import reverse

from articles.tests.factories import jpeg_bytes
from articles.tests.test_quality import page_urls, seed_newsroom

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": "",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "news.example.in",
}


def run_in_production(*args, **env):
    """``args`` run by a fresh Python with the production-like environment (and ``env``)."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "CSRF_", "DJANGO_")) and name not in PRODUCTION
    }
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **PRODUCTION, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def directives(policy):
    """A Content-Security-Policy header as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_html_headers(response, where):
    policy = directives(response["Content-Security-Policy"])
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], (where, directive, policy)
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    # Previews and share links are stricter still (no-referrer, articles/views.py).
    assert response["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert features["camera"] == features["geolocation"] == features["microphone"] == "()"


# Settings ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_production_settings_pass_check_deploy_with_no_warning():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


PROBE = (
    "import django; django.setup()\n"
    "from django.conf import settings as s\n"
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
    " s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
    " s.CSRF_TRUSTED_ORIGINS)\n"
)


def probe(**env):
    result = run_in_production("-c", PROBE, DJANGO_SETTINGS_MODULE="newsroom.settings", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_settings_from_the_environment():
    # Production: HTTPS only, secure cookies, a year of HSTS, no proxy header believed.
    assert probe() == "True True True 31536000 None []"
    # The plain-HTTP trial of make serve, the two-server test and make bench.
    assert probe(SECURE_COOKIES="0") == "False False False 31536000 None []"
    assert probe(
        SECURE_PROXY_SSL_HEADER="1",
        SECURE_HSTS_SECONDS="300",
        CSRF_TRUSTED_ORIGINS="https://desk.example.in, https://news.example.in",
    ) == (
        "True True True 300 ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://desk.example.in', 'https://news.example.in']"
    )
    assert "('HTTP_X_FORWARDED_SSL', 'https')" in probe(
        SECURE_PROXY_SSL_HEADER="http_x_forwarded_ssl"
    )
    assert probe(DEBUG="1").startswith("False False False 0 None")


# HTTPS --------------------------------------------------------------------------------------


def test_plain_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/people/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/people/?page=2"
    secure = client.get("/people/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/people/", secure=False)
    # A load balancer's plain-HTTP health check is answered, not redirected.
    assert client.get(reverse("healthz")).status_code in {200, 503}


def test_a_forwarded_proto_counts_only_behind_a_configured_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    # Without SECURE_PROXY_SSL_HEADER a client cannot claim HTTPS with a header.
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_session_and_csrf_cookies_are_secure_and_http_only(client, admin_user):
    client.get(reverse("admin:login"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("admin:login"), {"username": admin_user.username, "password": "password"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"]


# Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "from the page cache"])
def test_every_page_type_carries_the_security_headers(
    client, settings, tmp_path, page_cache, django_assert_num_queries
):
    settings.PAGE_CACHE = page_cache
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    for page, (url, status) in page_urls(seed_newsroom()).items():
        response = client.get(url)
        assert response.status_code == status, page
        if page_cache and page.endswith(("article-detail", "person-list", "tag-detail")):
            with django_assert_num_queries(0):  # served whole from the cache
                response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), page
        assert_html_headers(response, page)
    cache.clear()


def test_the_admin_and_the_api_carry_the_security_headers(client, admin_user):
    assert_html_headers(client.get(reverse("admin:login")), "admin login")
    assert_html_headers(client.get(reverse("api:docs")), "API docs")
    client.force_login(admin_user)
    for name in ("admin:index", "admin:articles_article_changelist", "admin:articles_article_add"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_html_headers(response, name)
    api = client.get(reverse("api:story-list"))
    assert api["X-Content-Type-Options"] == "nosniff"
    assert directives(api["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_static_files_and_photographs_are_nosniff(client):
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    name = default_storage.save("security/photo.jpg", ContentFile(jpeg_bytes(20, 20)))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Its own policy, stricter than the pages' one: nothing runs even if opened directly.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
