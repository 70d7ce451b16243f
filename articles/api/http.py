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
* **Kept answers.** What a list or a record shows is kept for the content generation
  (``articles.caching.per_generation``) under its canonical address (``canonical_address``:
  the parameters the endpoint reads, sorted; an unknown one, ``utm_source`` or junk, is
  ignored here as the filters ignore it, and left out of the pagination links): the next
  request for it costs no query and no serialisation, and junk cannot fill the cache. Any
  write to content retires it, as it retires the site's stored pages, so an editor's save
  shows in the API on the very next request; nothing is kept past the next scheduled
  publication. The rate limit counts every request, kept or not; errors (400, 404) are
  never kept.
* **Errors** are JSON: ``{"detail": "...", "errors": {"parameter": ["message", ...]}}`` for
  a bad parameter (400), ``{"detail": "..."}`` otherwise (404, 405, 429 with Retry-After).
"""

import hashlib
from urllib.parse import urlencode

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date
from django.utils.translation import override
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles.caching import per_generation

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


def canonical_address(request, names):
    """The request's absolute address with only its query parameters in ``names``, sorted
    (each with all its values, in order)."""
    query = sorted((name, request.GET.getlist(name)) for name in request.GET if name in names)
    path = escape_uri_path(request.path)
    return request.build_absolute_uri(f"{path}?{urlencode(query, doseq=True)}" if query else path)


def latest(*times):
    """The latest of ``times``, ignoring None (records without an ``updated_at``)."""
    times = [time for time in times if time is not None]
    return max(times) if times else None


def _forget_itself(response):
    response.renderer_context.pop("response", None)


class ConditionalMixin:
    """For API views: the answer's validators, caching headers and 304s.

    A view sets ``self.last_modified`` (a datetime, or None) while it builds the answer.
    Messages are in English whatever the site's language: the API is for programs.
    """

    last_modified = None
    #: The query parameters the endpoint reads; an answer to any other is never kept.
    read_parameters = frozenset()

    def dispatch(self, request, *args, **kwargs):
        with override("en"):
            response = super().dispatch(request, *args, **kwargs)
        # DRF's view holds its response, and a rendered response holds itself (its
        # renderer_context["response"]): cycles only the garbage collector's full passes
        # free, so each answer (up to 100 KB of objects) outlived its request by hundreds
        # of requests, and a worker grew from 110 to 135 MB under load. Without those two
        # links the response and what it shows are freed when the server has sent it.
        self.response = None
        # A 200 forgot itself when finalize_response rendered it; an error is rendered later,
        # by Django's handler.
        if hasattr(response, "renderer_context") and not response.is_rendered:
            response.add_post_render_callback(_forget_itself)
        return response

    def kept(self, request, build):
        """The answer ``build()`` makes (its data and the ``last_modified`` of what it
        shows), kept for the content generation under the request's canonical address (see
        the module docstring)."""

        def answer():
            data = build()
            return data, self.last_modified

        address = canonical_address(request._request, self.read_parameters)
        digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
        data, self.last_modified = per_generation(f"api:{digest}", answer, request._request)
        return Response(data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        _forget_itself(response)  # the answer may be replaced by a 304 below
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
