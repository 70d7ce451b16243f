"""Faults the site must survive (issue 13): the database unreachable, PostgreSQL restarted
under load, Redis down, and several editors saving at once on SQLite.

The outage test runs a private PostgreSQL 15 cluster (never the shared one) and a private
Redis, started and stopped here; gunicorn is run as `make serve` runs it (helpers from
test_serving). What each test breaks is broken for real: a database file that cannot be
opened or a port nothing listens on, a Redis process stopped.
"""

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory, ImageFactory
from articles.tests.test_serving import (
    BASE_DIR,
    GUNICORN_CONFIG,
    AppServer,
    answers,
    fetch,
    free_port,
    tool,
    wait_for,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DESIGN_MARKER = 'class="site-header"'


def reader():
    return Client(raise_request_exception=False)


# /healthz ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_cache():
    response = reader().get(reverse("healthz"))
    assert response.status_code == 200
    per_process = settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert response.json() == {"database": "ok", "cache": "off" if per_process else "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert reverse("healthz") == "/healthz"  # outside the language prefixes


# The database unreachable, in this process ---------------------------------------------


@contextlib.contextmanager
def database_unreachable():
    """Point the connection at a database that cannot be opened: a file in a directory that
    does not exist (SQLite), a port nothing listens on (PostgreSQL)."""
    connection.close()
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(Path(tempfile.gettempdir()) / "no-dir" / "db")
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_readers_get_the_503_page_not_a_traceback():
    article = ArticleFactory()
    client = reader()
    editor = reader()
    editor.force_login(get_user_model().objects.create_superuser("editor", "e@example.org"))
    with database_unreachable():
        # A signed-in editor's session is in the database too.
        response = editor.get(reverse("admin:index"))
        assert response.status_code == 503 and DESIGN_MARKER in response.content.decode()
        for path, lang in [
            ("/", "hi"),
            ("/en/", "en"),
            (article.get_absolute_url(), "hi"),
        ]:
            response = client.get(path)
            html = response.content.decode()
            assert response.status_code == 503, path
            assert response["Retry-After"] == "30"
            assert f'<html lang="{lang}">' in html, path
            assert DESIGN_MARKER in html and "/static/css/site." in html
            assert "Traceback" not in html and "OperationalError" not in html
        api = client.get("/api/v1/stories/")
        assert api.status_code == 503 and "detail" in api.json()
        health = client.get(reverse("healthz"))
        assert health.status_code == 503
        assert health.json()["database"] == "error"
    # And back: the very next request is served.
    assert client.get("/").status_code == 200
    assert client.get(reverse("healthz")).json()["database"] == "ok"


# Redis down ----------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a Unix socket that a test may stop and start again."""

    def __init__(self, directory):
        self.binary = tool("redis-server")
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}"

    def start(self):
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", "0", "--unixsocket", str(self.socket)),
                *("--save", "", "--appendonly", "no"),
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.socket.exists, self.process, "redis-server")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.socket.unlink(missing_ok=True)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": settings.CACHES["default"].get("OPTIONS", {})
            or {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_are_served_uncached_and_nothing_fails(redis_server, caplog):
    article = ArticleFactory(headline="रेडिस के बिना")
    paths = ["/", article.get_absolute_url(), "/api/v1/stories/", reverse("healthz")]
    client = reader()
    with override_settings(CACHES=redis_cache(redis_server.url), PAGE_CACHE=True):
        for path in paths:
            assert client.get(path).status_code == 200, path
        assert client.get(reverse("healthz")).json() == {"database": "ok", "cache": "ok"}

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="articles.cache_errors"):
            for path in paths * 2:
                response = client.get(path)
                assert response.status_code == 200, path
            assert "रेडिस के बिना" in client.get(article.get_absolute_url()).content.decode()
            # An edit with the cache down is saved, and shows (nothing is served from it).
            Article.objects.filter(pk=article.pk).update(headline="बदला शीर्षक")
            assert "बदला शीर्षक" in client.get(article.get_absolute_url()).content.decode()
            article.refresh_from_db()
            article.summary = "सारांश"
            article.save()
            # A photograph saved with the cache down gets its renditions (ImageKit keeps
            # their states in the cache).
            photo = ImageFactory()
            assert photo.file and Path(photo.file.path).exists()
        health = client.get(reverse("healthz"))
        assert health.status_code == 200
        assert health.json() == {"database": "ok", "cache": "error"}
        # Logged once when it went away, not on every call.
        downs = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
        assert len(downs) == 1, [r.getMessage() for r in caplog.records]

        redis_server.start()
        assert client.get(reverse("healthz")).json() == {"database": "ok", "cache": "ok"}
        assert client.get("/").status_code == 200


# SQLite: several editors saving at once -------------------------------------------------

EDITOR = """
import sys

import django

django.setup()
from django.db import transaction

from articles.models import Article

slug, saves = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # every editor starts together
for n in range(saves):
    # The admin's save path: one transaction, the row and its history version together.
    with transaction.atomic():
        article = Article.objects.get(slug=slug)
        article.headline = f"{article.headline.split(' #')[0]} #{n}"
        article.save()
print("saved", saves)
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_eight_editors_saving_at_once_on_sqlite_never_see_database_is_locked():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's writer lock is what this measures.")
    editors, saves = 8, 25
    articles = ArticleFactory.create_batch(editors)
    versions_before = sum(a.history.count() for a in articles)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "SECRET_KEY": "t",
        "DEBUG": "",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, article.slug, str(saves)],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for article in articles
    ]
    # Wait until each has imported Django (it then blocks on stdin), then release them all.
    for process in processes:
        assert process.stdout.readline() == "ready\n"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = []
    for process in processes:
        process.stdin.close()
        outputs.append(process.stdout.read())
        process.wait(timeout=240)
    log = "\n".join(outputs)
    assert "database is locked" not in log
    assert [p.returncode for p in processes] == [0] * editors, log
    assert log.count(f"saved {saves}") == editors
    for article in articles:
        article.refresh_from_db()
        assert article.headline.endswith(f" #{saves - 1}")
    assert sum(a.history.count() for a in articles) == versions_before + editors * saves


# PostgreSQL restarted under load ---------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL 15 cluster of this test's own, run as the postgres user (initdb refuses
    root) in a directory that user owns."""

    def __init__(self, port):
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="h5-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        shutil.chown(self.directory, "postgres", "postgres")
        self.loaded = False

    def run(self, *args):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, args)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options,
                 action, *extra)  # fmt: skip

    def init(self):
        self.run(PG_BIN / "initdb", "-D", self.data, "--auth=trust", "-U", "postgres")
        self.ctl("start")
        self.run(PG_BIN / "createdb", "-h", self.directory, "-p", self.port, "-U", "postgres",
                 "newsroom")  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/newsroom"

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def private_postgres():
    if connection.vendor != "postgresql":
        # The private cluster is the same whatever the suite's database: once is enough.
        pytest.skip("PostgreSQL's outage is tested in the PostgreSQL run of the suite.")
    if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        pytest.skip(f"PostgreSQL 15 not found in {PG_BIN}.")
    server = PrivatePostgres(free_port())
    try:
        server.init()
        yield server
    finally:
        server.destroy()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def health(url):
    try:
        status, _, text = fetch(f"{url}/healthz")
    except OSError:
        return None
    return status, json.loads(text)


class Load(threading.Thread):
    """Searches never asked before, one after another, until stopped; every answer kept.

    Each needs the database: a new query is in no kept part and no cached page.
    """

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.answers, self.halt = url, [], threading.Event()

    def run(self):
        n = 0
        while not self.halt.is_set():
            n += 1
            try:
                status, _, html = fetch(f"{self.url}/search/?q=load{n}")
            except OSError as error:
                self.answers.append((None, repr(error)))
                continue
            self.answers.append((status, html))


@pytest.mark.slow
@pytest.mark.parametrize(
    "pool",
    # Sync workers with persistent connections (CONN_MAX_AGE and health checks), and
    # psycopg's pool (DB_POOL), whose requests wait its 10 s timeout during the outage.
    [pytest.param({}, id="persistent"), pytest.param({"DB_POOL": "2"}, id="pool")],
)
def test_postgresql_restarted_under_load_the_site_recovers_on_its_own(
    pool, private_postgres, redis_server, collected_static, media_root, tmp_path
):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    env = {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "t",
        "DEBUG": "",
        "SECURE_COOKIES": "0",  # plain HTTP between the test and the server, no redirect
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": redis_server.url,
        "STATIC_ROOT": str(collected_static),
        "MEDIA_ROOT": str(media_root),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "CRITICAL",  # the 503s' tracebacks belong in logs, not in this one
        **pool,
    }
    if not private_postgres.loaded:  # migrated and loaded once for the module
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "loaddata", "seed", "-v", "0")
        private_postgres.loaded = True
    gunicorn = Path(sys.executable).with_name("gunicorn")
    assert gunicorn.exists() and GUNICORN_CONFIG.exists()
    app = AppServer(str(gunicorn), "app", tmp_path, env)
    app.port = free_port()
    load = Load(app.url)
    try:
        app.launch()
        # Generous: on a loaded CI box booting two workers can take minutes.
        wait_for(lambda: answers(f"{app.url}/robots.txt"), app.process, "app", app.log, 300)
        # A cached page (home, warmed) and the database's state before anything breaks.
        assert fetch(f"{app.url}/")[0] == 200
        home = fetch(f"{app.url}/")
        assert home[0] == 200
        assert health(app.url) == (200, {"database": "ok", "cache": "ok"})
        load.start()
        wait_for(lambda: load.answers, app.process, "app", app.log, timeout=60)

        private_postgres.ctl("stop", "-m", "fast")
        wait_for(lambda: health(app.url)[0] == 503, app.process, "app", app.log, timeout=30)
        # With the pool each of these waits its timeout: fewer of them.
        during = [fetch(f"{app.url}/search/?q=outage{n}") for n in range(3 if pool else 20)]
        cached = fetch(f"{app.url}/")
        # Not the cached page (an unread parameter is never stored) but built from the
        # parts kept for this generation: no query, so the outage does not reach it.
        kept = [fetch(f"{app.url}/?utm_source=outage{n}") for n in range(5)]

        private_postgres.ctl("start")
        wait_for(lambda: health(app.url)[0] == 200, app.process, "app", app.log, timeout=60)
        back = len(load.answers)  # the load goes on until it too is served again
        wait_for(
            lambda: any(status == 200 for status, _ in load.answers[back:]),
            app.process,
            "app",
            app.log,
            timeout=60,
        )
        load.halt.set()
        load.join(timeout=60)
        after = [fetch(f"{app.url}/?after={n}")[0] for n in range(200)]
    finally:
        load.halt.set()
        app.stop()

    for status, headers, html in during:
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert DESIGN_MARKER in html and "Traceback" not in html
    assert cached[0] == 200, "the cached home page was not served during the outage"
    assert [(status, html) for status, _, html in kept] == [(200, home[2])] * 5
    assert after == [200] * 200
    # Under load, through the stop and the start: only pages or the 503 page, never a 500,
    # a traceback or a dropped connection.
    statuses = {status for status, _ in load.answers}
    assert statuses <= {200, 503}, statuses
    assert not [html for _, html in load.answers if "Traceback" in html]
    assert 503 in statuses and 200 in statuses
    log = app.log.read_text()
    assert "WORKER TIMEOUT" not in log, log
