"""The synthetic newsroom (articles/generate.py) and a smoke run of ``make bench``.

The generated newsroom is checked for coherence at a tiny size: counts, every quote word
for word in its story, every story page answering as its status says, the same fixture
for the same seed. The benchmark runs end to end (1-second loads) when wrk and gunicorn
are installed; its timings are never asserted.
"""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.html import escape

from articles import generate
from articles.integrity import database_problems
from articles.models import Article, Image, Organisation, Person, Quote, Source, Tag
from articles.tests.conftest import require_or_skip

TINY = generate.Sizes(stories=20, people=15, organisations=5, quotes=60, tags=10, images=3)
# Scheduled stories must lie in the future of the test run: midnight today (UTC).
NOW = generate.default_now()


@pytest.fixture
def newsroom(db, media_root):
    objects = generate.build_fixture(TINY, seed=3, now=NOW)
    generate.write_images(objects)
    report = generate.load_fixture(objects)
    generate.make_renditions()
    return objects, report


def test_the_fixture_is_the_same_for_the_same_seed():
    first = generate.dump(generate.build_fixture(TINY, seed=3, now=NOW))
    assert first == generate.dump(generate.build_fixture(TINY, seed=3, now=NOW))
    assert first != generate.dump(generate.build_fixture(TINY, seed=4, now=NOW))
    assert generate.photograph("gen-photo-00001") == generate.photograph("gen-photo-00001")


def test_the_generated_newsroom_is_coherent(newsroom, client):
    objects, report = newsroom
    assert report.rows == len(objects)
    assert Article.objects.count() == TINY.stories
    assert Person.objects.count() == TINY.people
    assert Organisation.objects.count() == TINY.organisations
    assert Quote.objects.count() == TINY.quotes
    assert Tag.objects.count() == TINY.tags
    assert Image.objects.count() == TINY.images
    # Every quote word for word in its story, and every one with a source.
    assert database_problems() == []
    assert Source.objects.filter(based_on__isnull=False).exists()
    assert Article.objects.filter(lead_image__isnull=False).exists()
    assert Person.objects.filter(photo__isnull=False).exists()
    assert {"hi", "en"} <= set(Article.objects.values_list("language", flat=True))
    public = set(Article.objects.published().values_list("pk", flat=True))
    statuses = set()
    for article in Article.objects.prefetch_related("quotes"):
        response = client.get(article.get_absolute_url())
        if article.pk not in public:
            statuses.add("scheduled" if article.is_scheduled else "draft")
            assert response.status_code == 404, article.slug
            continue
        assert response.status_code == 200, article.slug
        page = response.content.decode()
        # Headlines with ', ", & and < come out escaped, never raw.
        assert f">{escape(article.headline)}</h1>" in page
        for quote in article.quotes.all():
            if quote.kind == Quote.Kind.DIRECT:
                # The linker found the words where they stand in the body.
                assert f'id="quote-{quote.position}-in-body"' in page, (article.slug, quote)
    assert statuses == {"draft", "scheduled"}
    assert any(c in "".join(Article.objects.values_list("headline", flat=True)) for c in "&<")


def test_a_second_generation_is_refused_or_a_no_op(newsroom, media_root):
    sizes = {name: str(value) for name, value in TINY.as_dict().items()}
    arguments = [f"--{name}={value}" for name, value in sizes.items()]
    with pytest.raises(CommandError, match="already holds a generated newsroom"):
        call_command("generate_newsroom", *arguments, "--seed=9", stdout=io.StringIO())
    assert Article.objects.count() == TINY.stories
    out = io.StringIO()
    call_command("generate_newsroom", *arguments, "--seed=3", stdout=out)
    assert "already loaded: nothing to do" in out.getvalue()
    assert Article.objects.count() == TINY.stories


def test_generate_newsroom_writes_a_fixture_only(db, media_root, tmp_path):
    path = tmp_path / "newsroom.json"
    call_command(
        "generate_newsroom",
        "--stories=4",
        "--people=3",
        "--organisations=2",
        "--quotes=6",
        "--tags=2",
        "--images=1",
        f"--fixture={path}",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert '"model": "articles.quote"' in path.read_text(encoding="utf-8")
    assert not Article.objects.exists()


def test_make_bench_runs_end_to_end(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not shutil.which("wrk") or not gunicorn.exists():
        require_or_skip("wrk or gunicorn not installed: `apt-get install wrk`, `make setup`.")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE"}
    }
    out = tmp_path / "bench"
    env.update(
        BENCH_SIZES="20",
        BENCH_SECONDS="1",
        BENCH_ROUNDS="2",
        BENCH_OUT=str(out),
        # Its own SQLite file, whatever database the tests run on.
        BENCH_DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
    )
    finished = subprocess.run(
        [sys.executable, "-m", "newsroom.bench"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    report = (out / "bench-sqlite.md").read_text(encoding="utf-8")
    for title in ("story page", "profile", "organisation page", "home", "tag page"):
        assert f"| {title}" in report
    for title in ("section page", "search", "API /api/v1/stories/", "static file (ceiling)"):
        assert f"| {title}" in report
    for figure in ("loaddata project / plain with the search index", "worker peak RSS"):
        assert figure in report
    assert "## Targets" in report and "same search index" in report
    assert "search rendered (nothing kept) ≥ half the story page's rendered" in report
    assert (out / "bench-sqlite.png").read_bytes().startswith(b"\x89PNG")
    # Two interleaved rounds a page and column, the best one reported.
    (run,) = json.loads((out / "bench-sqlite.json").read_text(encoding="utf-8"))
    story = run["results"]["story"]["uncached"]
    assert len(story["rounds_rps"]) == 2 and story["rps"] == max(story["rounds_rps"])


def test_a_page_that_answered_nothing_fails_its_targets_without_an_error():
    """On a busy machine a smoke run's second can end before a rendered page answers."""
    from newsroom.bench import PAGES, targets

    def run(size, rps):
        columns = {"uncached": {"rps": rps}, "cached": {"rps": rps}, "rendered": {"rps": 0.0}}
        return {
            "size": size,
            "results": {**{name: dict(columns) for name in PAGES}, "static": columns},
            "facts": {"profile_quotes": 3},
            "loaddata": {"copy_per_row_ms": 1.0, "plain_search_per_row_ms": 1.0},
            "memory_kb": {"peak": 100, "after_warmup": 100},
        }

    small, large = run(20, 10.0), run(40, 10.0)
    large["results"]["home"]["uncached"] = {"rps": 0.0}
    lines = "\n".join(targets(large, small))
    assert (
        "| search rendered (nothing kept) ≥ half the story page's rendered | 0.000 | **no** |"
        in lines
    )
    assert "≤ 1.2 × at 20 | inf | **no** |" in lines
