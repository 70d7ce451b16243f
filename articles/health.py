"""The site's health, for load balancers and for readers when the database is down.

``/healthz`` (URL name ``healthz``, outside the language prefixes): JSON
``{"database": "ok"|"error", "cache": "ok"|"error"|"off"}``, 200 while the database answers
and 503 when it does not. The cache down is a 200 with ``"cache": "error"``: pages are still
served (uncached, articles/cache_errors.py), so a load balancer should keep the server.
``"off"`` is the per-process memory cache (no ``REDIS_URL``): nothing to reach. The check
costs one ``SELECT 1`` and one cache read; never cached, no session, no CSRF.

``server_error`` is the site's ``handler500``. When the error is the database being
unreachable (``OperationalError``/``InterfaceError``, psycopg's connection errors, a pool
timeout) anywhere in the request, in a view or in a middleware, it answers 503 with
``Retry-After`` and ``templates/503.html``: a standalone page in the site's design that
needs no database (base.html's section navigation queries it). The API gets its JSON
error shape instead. Anything else is Django's own 500 page.
"""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from articles.cache_errors import cache

# What a database that cannot be reached raises (wrapped by Django as its own classes).
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_state():
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return "off"
    return "ok" if cache.ping() else "error"


@csrf_exempt
@require_safe
def healthz(request):
    database = "ok" if database_ok() else "error"
    response = JsonResponse(
        {"database": database, "cache": cache_state()},
        status=200 if database == "ok" else 503,
    )
    add_never_cache_headers(response)
    return response


def _database_down(error):
    """Whether ``error``, or an exception it was raised from, is the database unreachable."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_DOWN):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def outage_response(request):
    """The 503 answer while the database is down; renders without touching it."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": gettext("The service is briefly unavailable. Please try again soon.")},
            status=503,
        )
    else:
        # No request in the context: the context processors (user, messages) could query.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a 503 page when the database is down, Django's 500 otherwise."""
    if _database_down(sys.exc_info()[1]):
        return outage_response(request)
    return defaults.server_error(request, template_name)
