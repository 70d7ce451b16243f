"""Tests for ``manage.py check_quotes``."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from articles.models import Quote
from articles.tests.factories import QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English; the desk's default language is Hindi."""
    settings.LANGUAGE_CODE = "en"


def run_check_quotes():
    out, err = io.StringIO(), io.StringIO()
    call_command("check_quotes", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_seed_passes():
    call_command("loaddata", "seed", verbosity=0)
    out, err = run_check_quotes()
    assert "All 9 quotes checked: no problems." in out
    assert err == ""


def test_a_broken_database_fails_and_says_why():
    call_command("loaddata", "seed", verbosity=0)
    misquote = Quote.objects.get(position=3)
    misquote.text = "हमारे मूल्यों से काम चलाना आसान है"
    misquote.save()
    unsourced = Quote.objects.get(position=4)
    unsourced.source = None
    unsourced.save()
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 quote problem\(s\) found"):
        call_command("check_quotes", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert "Quote 3 “हमारे मूल्यों से काम चलाना आसान है”" in lines[0]
    assert "do not appear verbatim" in lines[0]
    assert "Quote 4" in lines[1] and "it has no source" in lines[1]


def test_exit_status_is_non_zero(capsys):
    """As manage.py runs it: a problem makes the process exit with status 1."""
    QuoteFactory(text="कभी नहीं कहा")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "check_quotes"]).execute()
    assert exit_.value.code == 1
    assert "कभी नहीं कहा" in capsys.readouterr().err
