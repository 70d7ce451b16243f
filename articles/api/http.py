"""HTTP for the API: conditional GETs, caching headers and JSON errors.

* **Validators.** ``ETag`` is a hash of the exact bytes of the answer, so it changes when
  anything shown changes (a story published, a quote corrected, a draft withdrawn from a
  list) and costs no query. ``Last-Modified`` is the latest ``updated_at`` among the records
  the answer shows, read from what the view loaded (``last_modified``). A request whose
  ``If-None-Match`` matches, or (without one) whose ``If-Modified-Since`` is not older, gets
  304 with no body (django.utils.cache.get_conditional_response).
* **Caching.** ``Cache-Control: public, max-age=60, s-maxage=300,
  stale-while-revalidate=600``: browsers keep an answer a minute, shared caches (a CDN)
  five, and may serve it ten more while they revalidate.
* **Errors** are JSON: ``{"detail": "...", "errors": {"parameter": ["message", ...]}}`` for
  a bad parameter (400), ``{"detail": "..."}`` otherwise (404, 405, 429 with Retry-After).
"""

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import override
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CACHE_CONTROL = {"public": True, "max_age": 60, "s_maxage": 300, "stale_while_revalidate": 600}


def exception_handler(exc, context):
    """DRF's handler with one JSON shape for every error (see the module docstring)."""
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response(
            {"detail": "Invalid query parameters.", "errors": detail},
            status=400,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and not isinstance(response.data, dict):
        response.data = {"detail": str(response.data)}
    return response


def latest(*times):
    """The latest of ``times``, ignoring None (records without an ``updated_at``)."""
    times = [time for time in times if time is not None]
    return max(times) if times else None


class ConditionalMixin:
    """For API views: the answer's validators, caching headers and 304s.

    A view sets ``self.last_modified`` (a datetime, or None) while it builds the answer.
    Messages are in English whatever the site's language: the API is for programs.
    """

    last_modified = None

    def dispatch(self, request, *args, **kwargs):
        with override("en"):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'"{digest}"'
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, **CACHE_CONTROL)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=timestamp, response=response
        )
