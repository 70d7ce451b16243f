"""The settings module, loaded fresh in a subprocess with a chosen environment."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import django; django.setup()\n"
    "from django.conf import settings\n"
    "try:\n"
    "    print('key', bool(settings.SECRET_KEY))\n"
    "except Exception as error:\n"
    "    print(type(error).__name__, error)\n"
)


def probe(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_without_a_key_refuses_clearly_when_the_key_is_needed():
    assert probe() == "ImproperlyConfigured The SECRET_KEY setting must not be empty."


def test_debug_gets_a_development_key_and_a_real_key_is_used():
    assert probe(DEBUG="1") == "key True"
    assert probe(SECRET_KEY="s3cret") == "key True"


def test_key_free_commands_run_without_a_key():
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=base,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
