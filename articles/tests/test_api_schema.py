"""The API's OpenAPI schema: the committed file is what the code generates, it validates
with no warning, and the API keeps to it under generated inputs (schemathesis)."""

import io
import shutil

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from articles.api.views import SCHEMA_FILE
from articles.models import Article, Correction, Quote

pytestmark = pytest.mark.django_db

HOW_TO_REGENERATE = (
    "The committed API schema (articles/api/openapi.yaml) differs from what the code "
    "generates. If the change is intended, regenerate it with `make schema` and commit it."
)


def generated_schema():
    out = io.StringIO()
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_what_the_code_generates():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert generated_schema() == committed, HOW_TO_REGENERATE


def test_the_schema_endpoint_serves_it(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == yaml.safe_load(SCHEMA_FILE.read_text("utf-8"))
    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["openapi"].startswith("3.")


def test_every_endpoint_and_filter_is_in_the_schema():
    schema = yaml.safe_load(SCHEMA_FILE.read_text("utf-8"))
    paths = schema["paths"]
    for name in [
        "stories",
        "people",
        "organisations",
        "quotes",
        "sources",
        "tags",
        "sections",
        "corrections",
    ]:
        assert f"/api/v1/{name}/" in paths
        assert any(p.startswith(f"/api/v1/{name}/{{") for p in paths)

    def parameters(path):
        return {parameter["name"] for parameter in paths[path]["get"].get("parameters", [])}

    assert parameters("/api/v1/stories/") == {
        "page",
        "page_size",
        "person",
        "author",
        "organisation",
        "tag",
        "section",
        "language",
        "published_since",
        "published_before",
    }
    assert {"speaker", "organisation", "source"} <= parameters("/api/v1/quotes/")
    assert "q" in parameters("/api/v1/people/")
    assert "q" in parameters("/api/v1/organisations/")
    for item in paths.values():
        assert set(item["get"]["responses"]) >= {"200", "304", "404", "429"}


def test_the_docs_page_lists_every_endpoint(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    schema = yaml.safe_load(SCHEMA_FILE.read_text("utf-8"))
    for path in schema["paths"]:
        assert f"GET {path}" in html
    # Self-rendered: no script, nothing from another host.
    assert "<script" not in html
    assert "cdn." not in html


def test_the_docs_page_is_valid_html(client, tmp_path):
    """Checked by the W3C Nu HTML Checker, as test_quality checks the site's pages."""
    from articles.tests.conftest import require_or_skip
    from articles.tests.test_quality import HOW_TO_INSTALL, VNU_JAR, run_vnu

    if not VNU_JAR.exists() or not shutil.which("java"):
        require_or_skip(f"The Nu HTML Checker or Java is missing: {HOW_TO_INSTALL}.")
    page = tmp_path / "api-docs.html"
    page.write_bytes(client.get("/api/v1/docs/").content)
    assert run_vnu([page]) == {"api-docs.html": []}


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI application, called in this thread, in the test's transaction: Django's
    request signals would close the test's connection, so (as its test client does) they
    are disconnected while schemathesis calls it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


#: Examples per operation: enough to reach every parameter, bounded for CI's time.
EXAMPLES = 40


def test_the_api_keeps_to_its_schema_under_generated_inputs(
    seed, settings, wsgi_in_test_transaction
):
    """schemathesis over every operation and parameter, against the app in-process with
    the seed loaded: no 5xx, and every answer valid against the schema. Deterministic
    (derandomized, no example database) so CI is stable."""
    settings.API_ANON_RATE = "1000000/min"
    cache.clear()
    story = Article.objects.get()
    correction = Correction.objects.create(
        article=story, text="नाम की वर्तनी ठीक की गई।", quote=story.quotes.first()
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_in_test_transaction)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 17
    calls = {}

    def run(operation, mode=GenerationMode.POSITIVE, **fixed):
        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode, **fixed))
        def check(case):
            response = case.call_and_validate(
                checks=[not_a_server_error, response_schema_conformance]
            )
            calls.setdefault(operation.label, []).append(response.status_code)

        check()

    # Records addressed by id are also reached through real ids (generated ones miss).
    real_ids = {
        "/api/v1/quotes/{id}/": Quote.objects.published().first().pk,
        "/api/v1/corrections/{id}/": correction.pk,
    }
    for operation in operations:
        run(operation)
        # Invalid inputs too (a page of -1, a date that is none): 4xx, never 5xx.
        if operation.path.endswith("s/"):
            run(operation, GenerationMode.NEGATIVE)
        if operation.path in real_ids:
            run(operation, path_parameters={"id": real_ids[operation.path]})
    # Every operation was exercised, and some answers were real records, not just errors.
    assert len(calls) == 17
    assert all(200 in codes for codes in calls.values()), calls
