"""Quality gates: every public page type is valid HTML and meets WCAG 2.2 A and AA.

Each page type (``PAGE_TYPES``, keyed by URL name) is rendered twice: from the seed and
from a generated stress newsroom (articles/tests/stress.py: many people, quotes, tags and
corrections, names in both scripts, every field at its longest).

* Validity: the W3C Nu HTML Checker (npm ``vnu-jar``, run with the machine's Java) checks
  all rendered pages in ONE run, because the JVM starts slowly; each page is then its own
  test, failing with every error's line and message.
* No inline code: no page has an inline script, inline style, style attribute, event
  handler or javascript: URL, so the Content-Security-Policy needs no 'unsafe-inline'.
* Queries: a page type costs the same number of queries for a small story as for a big one.
* Accessibility: axe-core (npm ``axe-core``) injected into Chromium by Playwright, with the
  WCAG 2.0/2.1/2.2 A and AA rules, on the live server (so the real CSS counts for contrast).

Without Java, the npm tools or Chromium these tests skip with a message saying how to
install them; with REQUIRE_BROWSER=1 (CI) they fail instead.

To cover a new page type, add its URL name and a function giving its URL to PAGE_TYPES.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import server_error

from articles.models import Article, Organisation, Person, ShareLink, Tag
from articles.tests.conftest import require_or_skip
from articles.tests.stress import build_stress_newsroom

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
HOW_TO_INSTALL = "run `npm ci` in the project directory (make test does it when npm exists)"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Newsroom:
    """The objects one data set offers the page types."""

    name: str
    article: Article
    person: Person
    organisation: Organisation
    quote: object
    tag: Tag
    search: str
    share_url: str = ""


def _url(name, **kwargs):
    return reverse(f"articles:{name}", kwargs=kwargs or None)


# URL name -> (URL for a data set, expected status). The 404 page is the site's own.
PAGE_TYPES = {
    "article-list": (lambda n: _url("article-list"), 200),
    "article-detail": (lambda n: n.article.get_absolute_url(), 200),
    "person-list": (lambda n: _url("person-list"), 200),
    "person-detail": (lambda n: n.person.get_absolute_url(), 200),
    "organisation-list": (lambda n: _url("organisation-list"), 200),
    "organisation-detail": (lambda n: n.organisation.get_absolute_url(), 200),
    "section-detail": (lambda n: n.article.section.get_absolute_url(), 200),
    "tag-detail": (lambda n: _url("tag-detail", slug=n.tag.slug), 200),
    "quote-detail": (lambda n: _url("quote-detail", pk=n.quote.pk), 200),
    "correction-list": (lambda n: _url("correction-list"), 200),
    "search": (lambda n: f"{_url('search')}?q={n.search}", 200),
    "share": (lambda n: n.share_url, 200),  # a draft read through a secret share link
    "404": (lambda n: "/यह-पन्ना-नहीं-है/", 404),
}
DATA_SETS = ["seed", "stress"]
PAGES = [f"{data}-{page}" for data in DATA_SETS for page in PAGE_TYPES]
# The 500 page has no URL: Django renders it (without context) when a view fails.
SERVER_ERROR = "server-error"


def shared_draft_of(article):
    """A draft copy of ``article`` (same text and people) and the URL of its share link."""
    draft = Article.objects.create(
        headline=article.headline,
        slug=f"मसौदा-{article.pk}",
        summary=article.summary,
        body=article.body,
        language=article.language,
        status=Article.Status.DRAFT,
    )
    draft.people.set(article.people.all())
    return ShareLink.objects.create(article=draft).get_absolute_url()


def seed_newsroom():
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    person = Person.objects.get(slug="मृणांक-शर्मा")
    return Newsroom(
        name="seed",
        article=article,
        person=person,
        organisation=Organisation.objects.get(slug="anthropic"),
        quote=person.quotes.order_by("position").first(),
        tag=Tag.objects.get(slug="इस्तीफा"),
        search="इस्तीफा",
        share_url=shared_draft_of(article),
    )


def stress_newsroom(**sizes):
    article = build_stress_newsroom(**sizes)
    return Newsroom(
        name="stress",
        article=article,
        person=article.people.order_by("pk").first(),
        organisation=article.organisations.order_by("pk").first(),
        quote=article.quotes.order_by("position").first(),
        tag=article.tags.order_by("pk").first(),
        search="सुरक्षा",
        share_url=shared_draft_of(article),
    )


def page_urls(newsroom):
    return {
        f"{newsroom.name}-{page}": (url_for(newsroom), status)
        for page, (url_for, status) in PAGE_TYPES.items()
    }


# Validity (Nu HTML Checker) -------------------------------------------------------------


def run_vnu(files):
    """Check ``files`` in one vnu run; return {file name: [error lines]}."""
    result = subprocess.run(
        [
            shutil.which("java"),
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            "--stdout",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    errors = {Path(f).name: [] for f in files}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] in {"error", "non-document-error"}:
            name = Path(message.get("url", "?").removeprefix("file:")).name
            where = f"line {message.get('lastLine', '?')}"
            extract = " ".join(message.get("extract", "").split())[:160]
            errors.setdefault(name, []).append(f"{where}: {message['message']} [{extract}]")
    return errors


@pytest.fixture(scope="module")
def rendered_pages(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page of both data sets and the 500 page rendered into files (the data then
    rolled back): ({page: file}, {page: [rendering problems, such as a wrong status]})."""
    folder = tmp_path_factory.mktemp("html")
    problems, files = {}, {}
    client = Client()
    with django_db_blocker.unblock(), transaction.atomic():
        for build in (seed_newsroom, stress_newsroom):
            newsroom = build()
            for page, (url, status) in page_urls(newsroom).items():
                response = client.get(url)
                if response.status_code != status:
                    problems[page] = [f"GET {url} answered {response.status_code}, not {status}"]
                files[page] = folder / f"{page}.html"
                files[page].write_bytes(response.content)
        transaction.set_rollback(True)
    files[SERVER_ERROR] = folder / f"{SERVER_ERROR}.html"
    files[SERVER_ERROR].write_bytes(server_error(RequestFactory().get("/")).content)
    return files, problems


@pytest.fixture(scope="module")
def vnu_errors(rendered_pages):
    """Check every rendered page in one run.

    Rendering problems (a wrong status) are reported per page like validity errors.
    """
    if not shutil.which("java"):
        require_or_skip(f"java not found: install a Java 17+ runtime ({HOW_TO_INSTALL}).")
    if not VNU_JAR.exists():
        require_or_skip(f"{VNU_JAR} not found: {HOW_TO_INSTALL}.")
    files, problems = rendered_pages
    errors = run_vnu(files.values())
    return {
        page: problems.get(page, []) + errors.get(f"{page}.html", [])
        for page in [*PAGES, SERVER_ERROR]
    }


# The mark makes pytest-django create the test database the module fixture fills.
@pytest.mark.django_db
@pytest.mark.parametrize("page", [*PAGES, SERVER_ERROR])
def test_page_is_valid_html(vnu_errors, page):
    assert vnu_errors[page] == [], f"{page}.html:\n" + "\n".join(vnu_errors[page])


# No inline script or style (the Content-Security-Policy, newsroom/settings.py) --------------


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block: a <script> without src
    (JSON-LD and other data blocks are not run, and are allowed), <style>, a style
    attribute, an on… event handler, and javascript: URLs."""

    DATA_TYPES = {"application/ld+json", "application/json", "importmap"}

    def __init__(self):
        super().__init__()
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = f"line {self.getpos()[0]}: <{tag}>"
        data_block = (attributes.get("type") or "").lower() in self.DATA_TYPES
        if tag == "script" and "src" not in attributes and not data_block:
            self.found.append(f"{where} inline script")
        if tag == "style":
            self.found.append(f"{where} inline style")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"{where} style attribute")
            elif name.startswith("on"):
                self.found.append(f"{where} event handler {name}")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{where} javascript: URL in {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("page", [*PAGES, SERVER_ERROR])
def test_page_has_no_inline_script_style_or_event_handler(rendered_pages, page):
    files, problems = rendered_pages
    assert problems.get(page, []) == []
    parser = InlineCode()
    parser.feed(files[page].read_text())
    assert parser.found == [], f"{page}.html: " + "; ".join(parser.found)


def test_the_inline_code_check_finds_each_kind():
    parser = InlineCode()
    parser.feed(
        '<script>x()</script><script type="application/ld+json">{}</script>'
        '<script src="/s.js"></script><style>p{}</style><p style="color:red" onclick="x()">'
        '<a href=" JavaScript:x()">'
    )
    assert [found.split(" ", 3)[-1] for found in parser.found] == [
        "inline script",
        "inline style",
        "style attribute",
        "event handler onclick",
        "javascript: URL in href",
    ]


# Queries ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_query_count_does_not_grow_with_people_quotes_tags_corrections(client, page_type):
    """A page of a big story costs as many queries as the page of a small one."""
    url_for, status = PAGE_TYPES[page_type]

    def queries(newsroom):
        url = url_for(newsroom)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == status
        return [query["sql"] for query in captured.captured_queries]

    small = queries(
        stress_newsroom(people=1, quotes=1, tags=1, corrections=1, sources=1, organisations=1)
    )
    big = queries(
        stress_newsroom(people=9, quotes=14, tags=7, corrections=5, sources=4, organisations=5)
    )
    assert len(big) == len(small), "\n\n".join(big)


# Accessibility (axe-core in Chromium) ---------------------------------------------------


def axe_violations(page):
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does
    # not govern: a <script> tag (add_script_tag) would be an inline script it refuses.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("data_set", DATA_SETS)
def test_every_page_type_has_no_axe_violations(page, screenshot, data_set):
    if not AXE_JS.exists():
        require_or_skip(f"{AXE_JS} not found: {HOW_TO_INSTALL}.")
    newsroom = seed_newsroom() if data_set == "seed" else stress_newsroom()
    failures = {}
    for name, (url, status) in page_urls(newsroom).items():
        response = page.goto(url)
        assert response.status == status, f"GET {url} answered {response.status}"
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
            screenshot(f"axe-{name}")
    assert failures == {}, "\n".join(
        f"{name}:\n  " + "\n  ".join(found) for name, found in failures.items()
    )


# The gates themselves can fail -----------------------------------------------------------


def test_vnu_harness_reports_errors_with_their_line(tmp_path):
    if not shutil.which("java") or not VNU_JAR.exists():
        require_or_skip(f"java or {VNU_JAR} not found: {HOW_TO_INSTALL}.")
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text('<!DOCTYPE html><html lang="hi"><title>ठीक</title><p>ठीक है</p></html>')
    bad.write_text('<!DOCTYPE html><html lang="hi"><title>ग़लत</title>\n<p><div></p></html>')
    errors = run_vnu([good, bad])
    assert errors["good.html"] == []
    assert errors["bad.html"]
    assert all(line.startswith("line 2: ") for line in errors["bad.html"])


@pytest.mark.browser
def test_axe_harness_reports_violations(page):
    if not AXE_JS.exists():
        require_or_skip(f"{AXE_JS} not found: {HOW_TO_INSTALL}.")
    page.set_content('<html><body><main><img src="x.png"></main></body></html>')
    found = axe_violations(page)
    assert any(line.startswith("image-alt (critical)") for line in found), found
    assert any(line.startswith("html-has-lang") for line in found), found
