"""Gunicorn's configuration for serving the newsroom in production (`make serve`).

    gunicorn -c newsroom/gunicorn.py newsroom.wsgi

Every value can be overridden on the command line (``--workers 3``) or, where noted, by an
environment variable. The contract:

- The master refuses to start, with one line saying why, when Django cannot sign (no
  ``SECRET_KEY`` with ``DEBUG`` off) or the settings do not load, instead of starting
  workers that would answer 500 to every login and form.
- Workers are sync: behind nginx (``newsroom/nginx.conf.example``, which buffers slow
  clients' uploads and downloads) a sync worker is busy only while Django works.
- ``X-Forwarded-Proto`` and ``X-Forwarded-For`` are believed only from
  ``FORWARDED_ALLOW_IPS`` (gunicorn's own setting, default the loopback addresses): the
  proxy on this machine may say the request came over HTTPS, a client may not.
"""

import os
import sys


def _cpu_count():
    # The CPUs this process may run on (a container's or taskset's limit), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# WEB_CONCURRENCY (the name Heroku and gunicorn itself use) or one worker per CPU. Rendering
# a page is CPU work, and measured on 2 cores with PostgreSQL on the same machine (story
# page, wrk -t2 -c16, README "Running at scale") 2 workers served 1.6 to 2.2 times what
# gunicorn's usual 2 × CPUs + 1 did: extra workers only contend for the cores. With the
# database on another machine a worker also waits on the network; raise WEB_CONCURRENCY
# there and measure.
workers = int(os.environ.get("WEB_CONCURRENCY") or _cpu_count())
worker_class = "sync"

# `make serve` passes --bind $(HOST):$(PORT); this is the default for a bare `gunicorn -c`.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# A request still running after 30 s is stuck (the slowest page renders in well under a
# second): its worker is killed and replaced. nginx's proxy_read_timeout is longer, so nginx
# reports the 502 rather than cutting in first. On SIGTERM, requests in flight get 30 s to
# finish before workers are killed.
timeout = 30
graceful_timeout = 30

# Each worker is replaced after about 1,000 requests, jittered so that workers do not all
# restart at once: a slow leak (caches that grow, fragmentation) cannot build up.
max_requests = 1000
max_requests_jitter = 100

# The application is imported once in the master and the workers forked from it: a broken
# import fails here, once, with its traceback, and a replaced worker starts at once. The
# master never opens a database or cache connection (nothing does at import), so no
# connection is shared between processes.
preload_app = True

# Access log to stdout (ACCESS_LOG=path for a file, ACCESS_LOG= to turn it off): the
# combined format plus the time taken (ms) and X-Forwarded-For, the client behind nginx.
_access_log = os.environ.get("ACCESS_LOG", "-")
accesslog = _access_log or None
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms "%({x-forwarded-for}i)s"'
)
errorlog = "-"

# Gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which
# two app servers on one machine would fight over; they are managed by signals instead.
control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def check_settings():
    """Load the settings and exit with one clear line if Django could not sign.

    With ``DEBUG`` off and no ``SECRET_KEY``, Django only raises when a session or CSRF token
    is first signed; a server started that way would fail every login. `make serve` calls
    this before migrating; gunicorn calls it (``on_starting``) before forking workers.
    Returns the settings.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
        settings.SECRET_KEY  # noqa: B018  Django raises here when the key is empty
    except ImproperlyConfigured as error:
        sys.exit(
            f"Refusing to serve: {error} Set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return settings


def on_starting(server):
    if check_settings().DEBUG:
        server.log.warning("DEBUG is on: never serve the public like this.")
