import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a database file, never Django's shared in-memory database.

    For an in-memory database the live server's request threads and the test share one
    sqlite3 connection, and a query calling our Python function newsroom_fold() can then
    deadlock the process: one thread holds the connection's mutex and waits for the GIL
    in the callback while another holds the GIL and waits for the mutex. No timeout can
    fire, since no thread runs Python again. With a file each thread has its connection.
    """
    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.sqlite3" and not database["TEST"].get("NAME"):
            database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile the translation catalogues (.mo files are git-ignored build products)."""
    call_command("compilecatalogues")
    # Changing LOCALE_PATHS makes Django drop any catalogue it loaded before the .mo existed.
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Collect static files once, so pages render with the real hashed, compressed names."""
    root = tmp_path_factory.mktemp("staticfiles")
    # override_settings (not assignment) so that Django drops its cached storages.
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Uploaded files and their renditions go to a temporary directory, never the repo."""
    root = tmp_path_factory.mktemp("media")
    # override_settings so that the default storage drops its cached location.
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(scope="session", autouse=True)
def page_cache_off(tmp_path_factory):
    """The page cache (articles/caching.py) is off except in test_caching.py, which turns it
    on: the other tests measure what rendering a page costs and shows, request by request.
    Its generation file is a temporary one, never the checkout's."""
    generation = tmp_path_factory.mktemp("page-cache") / "generation"
    with override_settings(PAGE_CACHE=False, PAGE_CACHE_GENERATION_FILE=generation):
        yield


@pytest.fixture
def page_cache_on(settings, tmp_path):
    """The page cache on for one test (``page_cache_off`` turns it off for the others),
    empty before and after, its generation in a file of this test's own."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and live server speak plain HTTP: no redirect to HTTPS, which DEBUG
    off turns on (newsroom/settings.py, "Security"; test_security.py tests it on)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language: URLs carry the language (/en/…), so one
    left active by an earlier test would change every reverse() of the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Real browser --------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def require_or_skip(reason):
    """Skip, or fail where the run demands the real thing (CI sets REQUIRE_BROWSER=1)."""
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        require_or_skip(
            f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` "
            "(or set CHROMIUM=/path/to/chromium) to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served by whitenoise as in production.

    pytest-django wraps the server in staticfiles' finder-based handler, which knows
    nothing of the hashed names that ManifestStaticFilesStorage puts in the pages.
    """
    from django.contrib.staticfiles import handlers
    from pytest_django.live_server_helper import LiveServer

    finder_handler = handlers.StaticFilesHandler
    handlers.StaticFilesHandler = lambda application: application
    try:
        server = LiveServer(request.config.getvalue("liveserver") or "localhost")
    finally:
        handlers.StaticFilesHandler = finder_handler
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under artifacts/screenshots/ (ignored by git)."""

    def save(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
