"""Serving MEDIA_ROOT (photographs and their renditions) from the app itself.

On by default whenever the default storage is the local file system (``SERVE_MEDIA``),
with ``DEBUG`` on or off, so one machine needs no other web server. Only JPEG, PNG and
WebP are ever served, each with the type read from the file's first bytes (never from its
name), ``nosniff`` and a CSP that forbids everything: even a file that slipped into
MEDIA_ROOT some other way cannot be served as HTML or SVG.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

__all__ = ["serve_media", "sniff"]

#: Files have content-derived names (originals by hash, renditions by spec), so a URL
#: never changes meaning and browsers may keep a copy for a year.
MAX_AGE = 60 * 60 * 24 * 365


def sniff(head: bytes) -> str | None:
    """The MIME type of a file starting with ``head`` (at least 12 bytes), or None when it
    is not JPEG, PNG or WebP."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@require_safe
def serve_media(request, path):
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:
        raise Http404 from None
    if not full.is_file():
        raise Http404
    stat = full.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        return HttpResponseNotModified()
    handle = full.open("rb")
    content_type = sniff(handle.read(12))
    if content_type is None:
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
    response["Last-Modified"] = http_date(stat.st_mtime)
    return response
