"""SQL injection: sqlmap at level 2 against every door of a running site finds nothing.

A real live server serves the test database (seed story plus factory rows, committed so
that sqlmap, another process, sees them); sqlmap attacks every public query parameter and
path slug, every API filter, and the changelist ``q``, ``o``, ``p`` and the desk's own list
filters of every registered ModelAdmin with an editor's session (a superuser's for what
editors may not open), and the admin's two autocompletes. The test fails if sqlmap calls
anything injectable, and also if it did not test a target to the end (each parameter must
get sqlmap's own verdict "does not seem to be injectable"), so a target that turned into a
404 or a redirect to the login page cannot pass by testing nothing.

What is left out, and why: the session and CSRF cookies (``--skip``: level 2 would test
them too, yet Django looks a session key up through the ORM and compares the CSRF token
in Python; testing them on every target would double the run); POST forms (the admin's
forms are Django forms saved through the ORM; sqlmap here covers what is read from the
URL); Django's own field list filters (see filter_params).

On SQLite only the ``q`` parameters are attacked: where the SQL differs by database
(full-text search, fold lookups). The PostgreSQL run attacks everything.

Time: level 2 is some 70 requests per parameter and about 130 parameters. Measured on
the 2-core machine with a load average of 17 (nine people's test runs): the public and
API targets and the superuser's admin ones (about 90 parameters) took 19 minutes and
6 minutes of CPU; the live server is one process, so an idle machine is bounded by that
CPU time, not by the cores. ``--technique`` is left at sqlmap's default.
"""

import os
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from articles.models import (
    ShareLink,
    Tag,
)
from articles.roles import EDITORS
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SQLMAP = Path(sys.executable).with_name("sqlmap")
# sqlmap's verdicts, in its own words (lib/controller/controller.py, lib/core/common.py).
FINDINGS = re.compile(
    r"is vulnerable|appears to be .* injectable|is injectable|"
    r"identified the following injection point",
    re.IGNORECASE,
)
NOT_INJECTABLE = re.compile(r"(\w+) parameter '([^']+)' does not seem to be injectable")
TARGET = re.compile(r"^\[[\d:]+\] \[INFO\] testing URL '([^']+)'", re.MULTILINE)
# sqlmap processes per session (anonymous, editor): most of a process's time is spent
# waiting for the server's answers, so several run at once.
PROCESSES = 2
# About 150 parameters at some 70 requests each; minutes on a loaded machine. Below
# pyproject's faulthandler_timeout.
TIMEOUT = 1200


# Data -------------------------------------------------------------------------------


def newsroom():
    """The seed story plus a little of everything, each with something to list and filter."""
    call_command("loaddata", "seed", verbosity=0)
    section = SectionFactory()
    person, author = PersonFactory(), PersonFactory()
    organisation = OrganisationFactory()
    AffiliationFactory(person=person, organisation=organisation)
    article = ArticleFactory(
        section=section,
        people=[person],
        organisations=[organisation],
        tags=["चुनाव"],
        authors=[author],
        lead_image=ImageFactory(),
    )
    quote = QuoteFactory(article=article, speaker=person)
    quote.tags.add("चुनाव")
    correction = CorrectionFactory(article=article)
    draft = ArticleFactory(draft=True)
    share = ShareLink.objects.create(article=draft)
    return {
        "article": article,
        "person": person,
        "author": author,
        "organisation": organisation,
        "quote": quote,
        "section": section,
        "source": quote.source,
        "tag": Tag.objects.get(name="चुनाव"),
        "correction": correction,
        "draft": draft,
        "share": share,
    }


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


# Targets: (url, the parameters sqlmap must have tested) -------------------------------


def query(url, **params):
    """A URL with query parameters, all of them targets."""
    return f"{iri_to_uri(url)}?{urlencode(params)}", sorted(params)


def slug(url, value):
    """The path with sqlmap's injection marker right after the slug or pk."""
    url = iri_to_uri(url)
    value = iri_to_uri(str(value))
    assert url.count(f"/{value}/") == 1, (url, value)
    return url.replace(f"/{value}/", f"/{value}*/"), ["#1*"]


def public_targets(data):
    article, person, organisation = data["article"], data["person"], data["organisation"]
    tag, section, quote = data["tag"], data["section"], data["quote"]
    author = data["author"]
    return [
        query(reverse("articles:article-list"), page="1"),
        query(reverse("articles:person-list"), page="1"),
        query(reverse("articles:organisation-list"), page="1"),
        query(reverse("articles:correction-list"), page="1"),
        query(reverse("articles:search"), q="मृणांक"),
        query(person.get_absolute_url(), page="1", written="1"),
        query(organisation.get_absolute_url(), page="1"),
        query(tag.get_absolute_url(), page="1"),
        query(section.get_absolute_url(), page="1"),
        query(reverse("articles:sitemap"), p="1"),
        slug(article.get_absolute_url(), article.slug),
        slug(person.get_absolute_url(), person.slug),
        slug(organisation.get_absolute_url(), organisation.slug),
        slug(tag.get_absolute_url(), tag.slug),
        slug(section.get_absolute_url(), section.slug),
        slug(quote.get_absolute_url(), quote.pk),
        slug(reverse("articles:share", args=[data["share"].token]), data["share"].token),
        slug(reverse("articles:person-feed", args=[person.slug]), person.slug),
        slug(reverse("articles:organisation-feed", args=[organisation.slug]), organisation.slug),
        slug(reverse("articles:tag-feed", args=[tag.slug]), tag.slug),
        slug(reverse("articles:section-feed", args=[section.slug]), section.slug),
        slug(reverse("articles:author-feed", args=[author.slug]), author.slug),
    ]


def api_targets(data):
    article, person, organisation = data["article"], data["person"], data["organisation"]

    def api(name, *args):
        return reverse(f"api:{name}", args=args)

    return [
        query(
            api("story-list"),
            person=person.slug,
            author=data["author"].slug,
            organisation=organisation.slug,
            tag=data["tag"].slug,
            section=data["section"].slug,
            language="hi",
            published_since="2020-01-01",
            published_before="2100-01-01",
            page="1",
            page_size="5",
        ),
        query(api("person-list"), q="व्यक्ति", page="1", page_size="5"),
        query(api("organisation-list"), q="संस्था", kind=organisation.kind, page="1"),
        query(
            api("quote-list"),
            speaker=person.slug,
            organisation=organisation.slug,
            source=data["source"].slug,
            story=article.slug,
            kind=data["quote"].kind,
            page="1",
        ),
        query(api("source-list"), page="1"),
        query(api("tag-list"), page="1"),
        query(api("section-list"), page="1"),
        query(api("correction-list"), page="1"),
        slug(api("story-detail", article.slug), article.slug),
        slug(api("person-detail", person.slug), person.slug),
        slug(api("organisation-detail", organisation.slug), organisation.slug),
        slug(api("quote-detail", data["quote"].pk), data["quote"].pk),
        slug(api("source-detail", data["source"].slug), data["source"].slug),
        slug(api("tag-detail", data["tag"].slug), data["tag"].slug),
        slug(api("section-detail", data["section"].slug), data["section"].slug),
        slug(api("correction-detail", data["correction"].pk), data["correction"].pk),
    ]


def filter_params(model_admin, user):
    """The desk's own list filters' parameters, each with a value it offers (its first).

    Django's field filters (``kind__exact=…``, ``section__id__exact=…``) are left out:
    the admin validates those lookups and hands them to the ORM as bound parameters, and
    each costs minutes of sqlmap; our SimpleListFilters (tags, integrity) build queries in
    our own code, so those are attacked.
    """
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    params = {}
    for spec in changelist.filter_specs:
        if not isinstance(spec, admin.SimpleListFilter):
            continue
        for choice in spec.choices(changelist):
            offered = dict(parse_qsl(urlsplit(choice["query_string"]).query))
            if offered:
                params.update(offered)
                break
    return params


def admin_targets(user):
    """Every registered ModelAdmin's changelist the user may see: q, o, p and filters."""
    targets = []
    for model, model_admin in admin.site._registry.items():
        request = RequestFactory().get("/")
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        params = {"q": "क", "o": "1", "p": "1", **filter_params(model_admin, user)}
        targets.append(query(url, **params))
    targets.append(query(reverse("admin:articles_tag_autocomplete"), term="चुनाव"))
    targets.append(
        query(
            reverse("admin:autocomplete"),
            term="व्य",
            app_label="articles",
            model_name="quote",
            field_name="speaker",
        )
    )
    return targets


# Running sqlmap ---------------------------------------------------------------------


def sqlmap(base, targets, workdir, *, cookie=None, only=None):
    """Start one sqlmap process over ``targets`` (a bulk file); returns the Popen."""
    workdir.mkdir(parents=True)
    bulk = workdir / "targets.txt"
    bulk.write_text("".join(f"{base}{url}\n" for url, _params in targets))
    dbms = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    command = [
        str(SQLMAP),
        "-m",
        str(bulk),
        "--batch",
        "--level=2",
        "--risk=1",
        f"--dbms={dbms}",
        "--flush-session",
        "--disable-coloring",
        f"--output-dir={workdir / 'output'}",
        # Stay on the given URLs; never follow a redirect elsewhere (e.g. to the log-in).
        "--answers=redirect=N,follow=N,crawl=N",
        "--drop-set-cookie",
        "--skip=sessionid,csrftoken",
        "--timeout=30",
        "--retries=1",
    ]
    if cookie:
        command.append(f"--cookie={cookie}")
    if only:
        command.append(f"-p{only}")
    with (workdir / "stdout.txt").open("w") as stdout:
        return subprocess.Popen(
            command,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "TERM": "dumb"},
        )


def cpu_seconds():
    """CPU time of this process (the live server's threads) and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def verdicts(output):
    """{url: {parameter, …}} sqlmap found not injectable, and the lines reporting a finding."""
    tested = defaultdict(set)
    url = None
    for line in output.splitlines():
        started = TARGET.match(line)
        if started:
            url = started.group(1)
        verdict = NOT_INJECTABLE.search(line)
        if verdict and url:
            tested[url].add(verdict.group(2))
    return tested, [line for line in output.splitlines() if FINDINGS.search(line)]


def share_out(targets, bins):
    """``targets`` in ``bins`` lists of about equal numbers of parameters."""
    out = [[] for _ in range(bins)]
    for target in sorted(targets, key=lambda target: -len(target[1])):
        min(out, key=lambda chunk: sum(len(params) for _url, params in chunk)).append(target)
    return [chunk for chunk in out if chunk]


@pytest.mark.timeout(TIMEOUT + 200)
def test_sqlmap_finds_no_injection_anywhere(live_server, tmp_path):
    assert SQLMAP.exists(), "sqlmap missing: .venv/bin/pip install -r requirements-dev.txt"
    data = newsroom()
    superuser = User.objects.create_superuser("root", "root@example.in", "x")
    editor = User.objects.create_user("editor", "editor@example.in", "x", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    editor_targets = admin_targets(editor)
    # What the editor may not see (users, groups) is attacked with a superuser's session.
    editor_urls = {urlsplit(url).path for url, _ in editor_targets}
    root_targets = [
        target for target in admin_targets(superuser) if urlsplit(target[0]).path not in editor_urls
    ]
    assert len(editor_targets) >= 10 and root_targets, (editor_targets, root_targets)

    public = public_targets(data) + api_targets(data)
    jobs = [
        *((chunk, None) for chunk in share_out(public, PROCESSES)),
        *((chunk, session_cookie(editor)) for chunk in share_out(editor_targets, PROCESSES)),
        (root_targets, session_cookie(superuser)),
    ]
    only = None
    if connection.vendor == "sqlite":
        # Only where the SQL differs by database: searches (FTS5 and our fold function here,
        # tsvector and translate() on PostgreSQL). Everything else is the ORM's parameters
        # in the same statements on both, attacked whole in the PostgreSQL run.
        only = "q"
        jobs = [
            ([(url, ["q"]) for url, params in targets if "q" in params and "*" not in url], cookie)
            for targets, cookie in jobs
        ]
        jobs = [(targets, cookie) for targets, cookie in jobs if targets]
    # Every target answers 200 to begin with, or sqlmap would have nothing to compare.
    for targets, cookie in jobs:
        client = Client()
        if cookie:
            client.cookies["sessionid"] = cookie.split("=", 1)[1]
        for url, _params in targets:
            response = client.get(url.replace("*", ""))
            assert response.status_code == 200, (url, response.status_code)

    started, cpu = time.monotonic(), cpu_seconds()
    with override_settings(API_ANON_RATE="100000/min", AXES_ENABLED=False):
        processes = [
            (
                sqlmap(
                    live_server.url, targets, tmp_path / f"sqlmap-{n}", cookie=cookie, only=only
                ),
                targets,
                n,
            )
            for n, (targets, cookie) in enumerate(jobs)
        ]
        try:
            for process, _targets, _n in processes:
                process.wait(timeout=TIMEOUT)
        finally:  # never leave one attacking past the test (a timeout, an interrupt)
            for process, _targets, _n in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    parameters = sum(len(params) for _p, targets, _n in processes for _url, params in targets)
    # The CPU time (server and sqlmap) tells what an idle machine would take.
    print(f"sqlmap: {parameters} parameters in {elapsed:.0f} s, {cpu:.0f} s of CPU")

    for process, targets, n in processes:
        output = (tmp_path / f"sqlmap-{n}" / "stdout.txt").read_text()
        assert process.returncode == 0, output[-3000:]
        tested, findings = verdicts(output)
        assert not findings, "\n".join(findings)
        for url, params in targets:
            full = f"{live_server.url}{url}"
            missing = set(params) - tested.get(full, set())
            assert not missing, f"sqlmap did not finish testing {missing} of {full}"
