"""Several app servers behind a load balancer, for real (README: "Running at scale").

Two gunicorns, configured by ``newsroom/gunicorn.py`` as ``make serve`` runs them, on two
free loopback ports, share the test database (PostgreSQL's test database, or on SQLite the
test database file) and a private Redis as their cache, behind Debian's nginx running
``newsroom/nginx.conf.example`` itself. The tests are transactional, so what they write is
committed and the servers' own connections see it.

Skipped when nginx, wrk, redis-server or gunicorn is missing; a failure instead where the
run demands the real thing (``REQUIRE_BROWSER=1``, as CI sets it).
"""

import http.client
import http.cookiejar
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from articles.tests import adminform
from articles.tests.conftest import require_or_skip
from articles.tests.factories import ArticleFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN_CONFIG = BASE_DIR / "newsroom" / "gunicorn.py"
NGINX_EXAMPLE = BASE_DIR / "newsroom" / "nginx.conf.example"
# Each app server's workers: two per server keeps two servers and wrk within this machine.
WORKERS = "2"
# Starting a server means importing Django and its first requests; generous on a busy CI box.
START_TIMEOUT = 90


def tool(name, candidates=()):
    found = shutil.which(name) or next((c for c in candidates if Path(c).exists()), None)
    if not found:
        require_or_skip(f"{name} not found: `apt-get install nginx wrk redis-server` to run this.")
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(ready, process, what, log=None, timeout=START_TIMEOUT):
    """Poll ``ready()`` until it is true, failing if ``process`` exits or time runs out.

    Each pause between polls is a short wait on the process itself, so a crash is reported
    at once with its log instead of after the deadline.
    """
    deadline = time.monotonic() + timeout
    while not ready():
        try:
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass
        else:
            output = log.read_text() if log else ""
            pytest.fail(f"{what} exited with {process.returncode}:\n{output}")
        if time.monotonic() > deadline:
            output = log.read_text() if log else ""
            pytest.fail(f"{what} not ready after {timeout} s:\n{output}")


def fetch(url, headers=None, opener=None, data=None):
    """(status, headers, text) of one request; redirects are answers, not followed."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        response = (opener or NO_REDIRECTS).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode()


def answers(url):
    try:
        return fetch(url)[0] == 200
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


class AppServer:
    """One gunicorn in its own process group, so that killing it kills every worker."""

    def __init__(self, gunicorn, name, directory, env):
        self.gunicorn = gunicorn
        self.name = name
        self.env = env
        self.port = free_port()
        self.log = directory / f"{name}.log"
        self.access_log = directory / f"{name}-access.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def launch(self):
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    self.gunicorn,
                    "--config",
                    str(GUNICORN_CONFIG),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "newsroom.wsgi",
                ],
                cwd=BASE_DIR,
                env={**self.env, "ACCESS_LOG": str(self.access_log)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self):
        wait_for(lambda: answers(f"{self.url}/robots.txt"), self.process, self.name, self.log)

    def start(self):
        self.launch()
        self.wait_ready()

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self, signum=signal.SIGKILL):
        os.killpg(self.process.pid, signum)
        self.process.wait(timeout=60)

    def stop(self):
        if not self.running():
            return
        try:
            self.kill(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)

    def requests_served(self):
        if not self.access_log.exists():
            return 0
        with self.access_log.open("rb") as log:
            return sum(1 for _ in log)

    def access_lines(self):
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []


def database_url():
    """The URL of the test database, as the app servers must be given it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    quote = urllib.parse.quote
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    address = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{address}/{quote(db['NAME'])}"


def nginx_conf(directory, port, upstreams):
    """newsroom/nginx.conf.example with this run's ports and paths swapped in."""
    text = NGINX_EXAMPLE.read_text()
    temp_paths = "".join(
        f"\n    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    swaps = [
        # Workers run as this user: the test's directories are private to it.
        ("user www-data;", f"user {pwd.getpwuid(os.getuid()).pw_name};"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {directory}/error.log warn;"),
        (
            "access_log /var/log/nginx/access.log;",
            f"access_log {directory}/access.log;{temp_paths}",
        ),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        *(
            (f"server 127.0.0.1:{example} ", f"server 127.0.0.1:{upstream.port} ")
            for example, upstream in zip((8001, 8002), upstreams, strict=True)
        ),
    ]
    for old, new in swaps:
        assert text.count(old) == 1, f"{NGINX_EXAMPLE.name} no longer has {old!r} once"
        text = text.replace(old, new)
    path = directory / "nginx.conf"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private Redis on a Unix socket: nothing else's data, no TCP port to collide on."""
    server = tool("redis-server")
    directory = tmp_path_factory.mktemp("redis")
    path = directory / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(path), "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
    )
    wait_for(path.exists, process, "redis-server")
    yield f"unix://{path}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def app_servers(django_db_setup, redis_url, collected_static, media_root, tmp_path_factory):
    """Two app servers sharing the test database and Redis; stopped when the module ends
    (before the test database is dropped, which PostgreSQL refuses while they are connected).
    On PostgreSQL the first one uses psycopg's pool (DB_POOL), so the pool carries load."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        require_or_skip(f"gunicorn not found at {gunicorn}: `make setup` installs it.")
    tool("nginx", ["/usr/sbin/nginx"])
    tool("wrk")
    directory = tmp_path_factory.mktemp("serving")
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    env = {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "",
        # Plain HTTP between the tests and the servers: the session cookie must travel on it.
        "SECURE_COOKIES": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(collected_static),
        "MEDIA_ROOT": str(media_root),
        "WEB_CONCURRENCY": WORKERS,
        "GUNICORN_LOG_LEVEL": "warning",
    }
    pool = {"DB_POOL": "2"} if connection.vendor == "postgresql" else {}
    servers = [
        AppServer(str(gunicorn), "app-a", directory, {**env, **pool}),
        AppServer(str(gunicorn), "app-b", directory, env),
    ]
    try:
        for server in servers:  # both boot at once
            server.launch()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


class Nginx:
    def __init__(self, directory, port, process):
        self.directory, self.port, self.process = directory, port, process

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def error_log(self):
        return (self.directory / "error.log").read_text()


@pytest.fixture(scope="module")
def nginx(app_servers, tmp_path_factory):
    binary = tool("nginx", ["/usr/sbin/nginx"])
    directory = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = nginx_conf(directory, port, app_servers)
    log = directory / "nginx.out"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                binary,
                "-p",
                f"{directory}/",
                "-c",
                str(conf),
                "-e",
                str(directory / "error.log"),
                "-g",
                f"daemon off; pid {directory / 'nginx.pid'};",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    balancer = Nginx(directory, port, process)
    wait_for(lambda: answers(f"{balancer.url}/robots.txt"), process, "nginx", log)
    yield balancer
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def stack(app_servers, nginx):
    """Both app servers up (one killed by an earlier test is started again) behind nginx."""
    for server in app_servers:
        if not server.running():
            server.start()
    return app_servers, nginx


class Browser:
    """Just enough of a browser over HTTP: a cookie jar and forms, no redirects followed."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def get(self, url):
        return fetch(url, opener=self.opener)

    def form(self, url, form_id):
        status, _, html = self.get(url)
        assert status == 200, (url, status)
        return adminform.form_data(html, form_id)

    def post(self, url, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return fetch(url, headers=headers, opener=self.opener, data=body)


def test_an_edit_saved_through_one_server_shows_through_the_other_at_once(stack):
    (a, b), balancer = stack
    article = ArticleFactory(headline="पहला शीर्षक")
    path = article.get_absolute_url()  # already percent-encoded
    password = uuid.uuid4().hex
    get_user_model().objects.create_superuser("editor", "editor@example.org", password)
    # Every cache that could hold the old page is warmed: server B's, and both behind nginx.
    for url in [f"{b.url}{path}", f"{balancer.url}{path}", f"{balancer.url}{path}"]:
        status, _, html = fetch(url)
        assert status == 200 and "पहला शीर्षक" in html, (url, status)

    editor = Browser()
    login = f"{a.url}{reverse('admin:login')}"
    data = editor.form(login, "login-form")
    data.update(username="editor", password=password)
    status, _, _ = editor.post(login, data)
    assert status == 302, "login failed"
    change = f"{a.url}{reverse('admin:articles_article_change', args=[article.pk])}"
    data = editor.form(change, "article_form")
    data["headline"] = "बदला हुआ शीर्षक"
    data["minor_edit"] = "on"  # a published story's edit: a note or "minor", as the desk asks
    status, _, html = editor.post(change, data)
    assert status == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', html, re.S)

    # The very next request, on the other server and through the balancer (both servers).
    for url in [f"{b.url}{path}", f"{balancer.url}{path}", f"{balancer.url}{path}"]:
        status, _, html = fetch(url)
        assert status == 200, (url, status)
        assert "बदला हुआ शीर्षक" in html and "पहला शीर्षक" not in html, url
    assert any(reverse("admin:login") in line for line in a.access_lines())


def test_nginx_passes_the_client_on_and_no_client_can_claim_https(stack):
    (a, b), balancer = stack
    probe = uuid.uuid4().hex
    lie = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    status, _, html = fetch(f"{balancer.url}/?probe={probe}", headers=lie)
    assert status == 200
    # Plain HTTP, as nginx was reached, with the host and port the client used.
    assert canonical(html) == f"{balancer.url}/"

    def logged():
        # Gunicorn writes the line once the answer is sent, so it may trail the answer.
        return [line for s in (a, b) for line in s.access_lines() if probe in line]

    wait_for(logged, balancer.process, "nginx", timeout=10)
    (line,) = logged()
    # The client's claim is kept, the address nginx saw appended: the last is the one to
    # trust (NUM_PROXIES=1).
    assert line.endswith('"203.0.113.9, 127.0.0.1"'), line

    # A proxy gunicorn trusts (loopback, FORWARDED_ALLOW_IPS) saying HTTPS, as nginx behind
    # TLS says it, is believed: Django sees a secure request.
    status, _, html = fetch(f"{a.url}/?probe={probe}", headers={"X-Forwarded-Proto": "https"})
    assert status == 200
    assert canonical(html) == f"https://127.0.0.1:{a.port}/"


def test_an_app_server_killed_under_load_costs_no_request(stack):
    (a, b), balancer = stack
    ArticleFactory.create_batch(3)
    wrk = tool("wrk")
    before = b.requests_served()
    # A generous per-request timeout: this is about requests lost, not a busy box's latency.
    load = subprocess.Popen(
        [wrk, "-t2", "-c16", "-d5s", "--timeout", "10s", f"{balancer.url}/"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Kill B only once it is carrying its share of the load, with requests in flight.
        wait_for(lambda: b.requests_served() >= before + 20, load, "wrk", timeout=30)
        b.kill()
        served_by_a = a.requests_served()
        output, _ = load.communicate(timeout=60)
    finally:
        if load.poll() is None:
            load.kill()
    assert load.returncode == 0, output
    total = int(re.search(r"(\d+) requests in", output).group(1))
    assert total > 40, output
    # wrk prints these lines only when there were any.
    assert "Non-2xx or 3xx responses" not in output, output
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    connect, read, write, timeout = map(int, errors.groups()) if errors else (0, 0, 0, 0)
    assert (connect, write, timeout) == (0, 0, 0), output
    log = balancer.error_log()
    # Every request B failed before its answer began was passed on to A. The one thing no
    # proxy can pass on is an answer B had begun to send (gunicorn writes the headers, then
    # the body): nginx has forwarded those headers, so it can only close that connection, and
    # says so. At most one per worker of B; most runs have none. Anything else is a failure.
    begun = [
        line
        for line in log.splitlines()
        if "prematurely closed connection while reading upstream" in line
    ]
    assert read == len(begun) <= int(WORKERS), (output, begun)
    assert a.requests_served() > served_by_a + 20, "A did not carry the load after B died"
    # nginx saw B fail and passed those requests on.
    assert any("[error]" in line and f":{b.port}/" in line for line in log.splitlines())


def test_db_pool_gives_each_process_a_psycopg_pool_on_postgresql():
    """DB_POOL is real on PostgreSQL (a psycopg pool of that size, answering queries) and
    refused, not ignored, on SQLite."""
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from articles.models import Article\n"
        "print(type(connection.pool).__name__, connection.pool.max_size, Article.objects.count())\n"
    )
    ArticleFactory()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": database_url(),
            "DB_POOL": "3",
        },
        capture_output=True,
        text=True,
    )
    if connection.vendor == "postgresql":
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["ConnectionPool", "3", "1"]
    else:
        assert result.returncode != 0
        assert "DB_POOL needs PostgreSQL" in result.stderr
