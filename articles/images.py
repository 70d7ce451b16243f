"""Photographs: upload checks, metadata stripping, renditions, and the API pages use.

Every file that reaches storage has passed ``check_upload`` (Pillow identifies it as JPEG,
PNG or WebP by its contents, verifies and fully decodes it, and it is under 100 megapixels)
and has been re-encoded by ``clean_original``: EXIF orientation applied, then EXIF, GPS,
XMP, ICC profile, comments and text chunks dropped. A source's photograph must not say
where it was taken, so nothing served, the original included, carries that metadata.

Renditions are django-imagekit specs over Pillow (pilkit processors), named
deterministically from the original's name and the spec, so their URL, width and height
are *computed*: a page asks for a rendition with no query, no file-system check and no
generation. ``make_renditions`` makes the missing ones once, after the image's row is
committed (``Image.save``), and ``manage.py make_renditions`` after ``loaddata``.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from imagekit.cachefiles import ImageCacheFile
from imagekit.specs import ImageSpec
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError
from pilkit.processors import ResizeToFill

__all__ = [
    "CROPS",
    "MAX_PIXELS",
    "WIDTHS",
    "PhotoFormField",
    "Rendition",
    "check_upload",
    "clean_original",
    "delete_renditions",
    "feed_image",
    "make_renditions",
    "og_image",
    "prepare_upload",
    "rendition_names",
    "search_crops",
    "srcset",
    "stale_renditions",
    "thumbnail",
]

#: Pillow format name → the MIME type it is served as. Nothing else is accepted.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
#: 100 megapixels or more is refused (Pillow's own bomb limit is 2 × 89.5 Mpx).
MAX_PIXELS = 100_000_000
#: Widths of the srcset renditions, each capped at the original's width.
WIDTHS = (320, 640, 960, 1280, 1600, 2048)
#: The crops Google's article markup asks for, and the width they are made at.
CROPS = ((16, 9), (4, 3), (1, 1))
CROP_WIDTH = 1200
FEED_WIDTH = 1280
THUMBNAIL_WIDTH = 320
#: The JPEG ``src`` of a picture for browsers that ignore srcset.
FALLBACK_WIDTH = 960
_SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 78, "method": 4},
}
_SRGB = ImageCms.createProfile("sRGB")


# Upload checks --------------------------------------------------------------------------


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params)


def check_upload(upload) -> PILImage.Image:
    """Return the fully decoded picture in ``upload`` (a file object), or raise
    ValidationError with a translated message naming what is wrong with it.

    Refused: a file over ``IMAGE_MAX_BYTES``; anything Pillow does not identify, from its
    contents, as JPEG, PNG or WebP (an HTML page or SVG renamed ``.jpg``, a GIF); a
    decompression bomb; 100 megapixels or more; a file that fails ``verify()`` or cannot be
    decoded to the end (truncated).
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        _refuse(
            _("This file is %(size)s; photographs may be at most %(limit)s."),
            "file_too_big",
            size=filesizeformat(size),
            limit=filesizeformat(settings.IMAGE_MAX_BYTES),
        )
    with warnings.catch_warnings():
        # Between Pillow's warning (89.5 Mpx) and its error (2×) our own limit decides.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        picture = _open(upload)
        width, height = picture.size
        if width * height >= MAX_PIXELS:
            _refuse(
                _(
                    "This image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                    "images must be under 100 megapixels."
                ),
                "too_many_pixels",
                width=width,
                height=height,
                megapixels=width * height // 1_000_000,
            )
        try:
            picture.verify()
            # verify() leaves the image unusable and does not decode JPEG data: decode it
            # all, which is what finds a truncated file.
            upload.seek(0)
            picture = PILImage.open(upload, formats=list(FORMATS))
            picture.load()
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            _refuse(
                _("This %(format)s file is damaged or cut short (%(error)s)."),
                "damaged",
                format=FORMATS[picture.format].split("/")[1].upper(),
                error=error,
            )
    return picture


def _open(upload):
    upload.seek(0)
    try:
        return PILImage.open(upload, formats=list(FORMATS))
    except PILImage.DecompressionBombError:
        _refuse(
            _(
                "This file is a decompression bomb: a small file that would expand to an "
                "enormous image. It was not opened."
            ),
            "decompression_bomb",
        )
    except UnidentifiedImageError:
        pass
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        _refuse(_("This image is damaged (%(error)s)."), "damaged", error=error)
    # Not one of ours: say what it is if Pillow knows the format (header only, no decoding).
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other = PILImage.open(upload).format
    except Exception:
        other = None
    if other:
        _refuse(
            _("This file is a %(format)s image; only JPEG, PNG and WebP are accepted."),
            "unsupported_format",
            format=other,
        )
    _refuse(
        _(
            "This file is not a JPEG, PNG or WebP image, whatever its name says "
            "(an HTML page or an SVG drawing, for example, is refused)."
        ),
        "not_an_image",
    )


def clean_original(picture: PILImage.Image) -> tuple[bytes, str]:
    """Re-encode a checked ``picture`` in its own format without any metadata.

    Returns (bytes, Pillow format). The EXIF orientation is applied first, so a photograph
    taken on its side stays upright once the orientation tag is gone; an embedded ICC
    profile is converted to sRGB, then dropped.
    """
    fmt = picture.format
    upright = ImageOps.exif_transpose(picture)
    profile = picture.info.get("icc_profile")
    if profile and upright.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target_mode = "RGBA" if upright.mode == "RGBA" else "RGB"
            upright = ImageCms.profileToProfile(upright, source, _SRGB, outputMode=target_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: keep the pixels as they are, the profile goes anyway.
    if fmt == "JPEG" and upright.mode not in {"RGB", "L"}:
        upright = upright.convert("RGB")
    elif fmt == "WEBP" and upright.mode not in {"RGB", "RGBA"}:
        upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
    elif fmt == "PNG" and upright.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        upright = upright.convert("RGBA")
    # Whatever Pillow kept from the file (exif, xmp, icc_profile, comment, text chunks,
    # dpi) goes: only what is passed to save() below is written.
    upright.info = {}
    buffer = io.BytesIO()
    if fmt == "JPEG":
        upright.save(buffer, "JPEG", quality=92, optimize=True)
    elif fmt == "WEBP":
        upright.save(buffer, "WEBP", quality=90, method=4)
    else:
        upright.save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), fmt


def prepare_upload(image) -> None:
    """Check and clean a new file on ``image`` (an articles.models.Image) before saving.

    Called by ``Image.save``; a file already in storage is left alone. The file is renamed
    after its cleaned contents (so an uploaded name such as ``source-rahul-at-home.jpg``
    never reaches a URL) with the extension of its real format; width and height follow
    the upright picture.
    """
    upload = image.file
    if not upload or getattr(upload, "_committed", True):
        return
    picture = check_upload(upload)
    data, fmt = clean_original(picture)
    name = f"{hashlib.sha256(data).hexdigest()[:20]}.{EXTENSIONS[fmt]}"
    image.file = ContentFile(data, name=name)
    with PILImage.open(io.BytesIO(data)) as clean:
        image.width, image.height = clean.size


#: What Pillow reports about a file that says nothing about where or by whom it was made.
_HARMLESS_INFO = frozenset(
    {"dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}
    | {"adobe", "adobe_transform", "loop", "duration", "background", "transparency", "gamma"}
    | {"lossless", "aspect"}
)


def has_metadata(file) -> bool:
    """Whether a stored original carries metadata (EXIF, GPS, XMP, ICC, comments, text) or
    an orientation still to apply: true only of files that skipped ``prepare_upload``
    (loaddata); ``manage.py make_renditions`` re-encodes those."""
    with file.open("rb"), PILImage.open(file) as picture:
        return bool(picture.getexif()) or bool(set(picture.info) - _HARMLESS_INFO)


class PhotoFormField(forms.ImageField):
    """The upload field: ``check_upload``'s messages instead of Django's generic one."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        picture = check_upload(upload)
        upload.image = picture
        upload.content_type = FORMATS[picture.format]
        upload.seek(0)
        return upload


# Renditions -----------------------------------------------------------------------------


@dataclass
class Rendition:
    """One made (or to be made) file: its storage ``name``, pixel size and MIME type.

    ``url`` costs no I/O with FileSystemStorage; ``size`` (bytes, for feed enclosures)
    asks the storage, so only read it where it is needed.
    """

    name: str
    width: int
    height: int
    mime_type: str

    @property
    def url(self):
        return default_storage.url(self.name)

    @cached_property
    def size(self):
        return default_storage.size(self.name)


class _Upright:
    """First processor of every spec: apply any EXIF orientation and forget the metadata,
    so even a rendition of an original that skipped ``prepare_upload`` (loaddata) is
    upright and clean."""

    def process(self, picture):
        picture = ImageOps.exif_transpose(picture)
        picture.info = {}
        return picture


class _Spec(ImageSpec):
    def __init__(self, source, width, height, fmt, anchor=(0.5, 0.5)):
        self.processors = [_Upright(), ResizeToFill(width, height, anchor=anchor)]
        self.format = fmt
        self.options = _SAVE_OPTIONS[fmt]
        super().__init__(source)


class _Named:
    """A stand-in source with only a name: all imagekit needs to name a rendition."""

    def __init__(self, name):
        self.name = name


def _widths(width):
    """The srcset widths: WIDTHS below the original's width, then the original's own (or
    the largest of WIDTHS). Never an upscale."""
    top = min(width, WIDTHS[-1])
    return [w for w in WIDTHS if w < top] + [top]


def _anchor(focus, kept):
    """pilkit's anchor (0 = keep the start, 1 = keep the end) that centres a crop keeping
    the fraction ``kept`` of one side on the focal fraction ``focus``, inside the frame."""
    if kept >= 1:
        return 0.5
    start = min(max(focus - kept / 2, 0), 1 - kept)
    return start / (1 - kept)


def _layout(width, height, focal_x, focal_y):
    """Every rendition of an original of this size and focal point, by kind ("WEBP",
    "JPEG", "CROPS"), as (width, height, format, anchor). Pure arithmetic."""
    centre = (0.5, 0.5)
    resized = [(w, max(1, round(height * w / width))) for w in _widths(width)]
    crops = []
    for across, down in CROPS:
        # The largest frame of this ratio inside the original, then at most CROP_WIDTH wide.
        frame = min(width, height * across / down)
        crop_width = int(min(CROP_WIDTH, frame))
        anchor = (
            _anchor(focal_x, frame / width),
            _anchor(focal_y, frame * down / across / height),
        )
        crops.append((crop_width, max(1, round(crop_width * down / across)), "JPEG", anchor))
    return {
        "WEBP": [(w, h, "WEBP", centre) for w, h in resized],
        "JPEG": [(w, h, "JPEG", centre) for w, h in resized],
        "CROPS": crops,
    }


@lru_cache(maxsize=4096)
def _plan(name, width, height, focal_x, focal_y):
    """The Renditions of an original, by kind; memoised, as naming one costs a pickle
    and a hash (about 0.1 ms) and a page may show dozens."""
    source = _Named(name)
    return {
        kind: tuple(
            Rendition(_Spec(source, w, h, fmt, anchor).cachefile_name, w, h, FORMATS[fmt])
            for w, h, fmt, anchor in entries
        )
        for kind, entries in _layout(width, height, focal_x, focal_y).items()
    }


def _renditions(image, kind):
    if not image.file or not image.width or not image.height:
        return []
    plan = _plan(image.file.name, image.width, image.height, image.focal_x, image.focal_y)
    return list(plan[kind])


def _specs(image):
    """The imagekit specs that make ``image``'s renditions from its stored original."""
    if not image.width or not image.height:
        return []
    layout = _layout(image.width, image.height, image.focal_x, image.focal_y)
    return [
        _Spec(image.file, w, h, fmt, anchor)
        for kind in ("WEBP", "JPEG", "CROPS")
        for w, h, fmt, anchor in layout[kind]
    ]


def srcset(image, fmt="JPEG") -> list[Rendition]:
    """The width-resized renditions of ``image`` in ``fmt`` ("JPEG" or "WEBP"), narrowest
    first, none wider than the original."""
    return _renditions(image, fmt)


def search_crops(image) -> list[Rendition]:
    """The 16:9, 4:3 and 1:1 JPEG crops, centred on the focal point, 1,200 px wide where
    the original allows (as wide as the original permits otherwise)."""
    return _renditions(image, "CROPS")


def og_image(image) -> Rendition:
    """The Open Graph / Twitter card image: the 16:9 crop."""
    return search_crops(image)[0]


def feed_image(image) -> Rendition:
    """The image feed items enclose: the JPEG rendition nearest FEED_WIDTH, not wider."""
    renditions = srcset(image, "JPEG")
    return [r for r in renditions if r.width <= FEED_WIDTH][-1] if renditions else None


def thumbnail(image) -> Rendition:
    """The smallest JPEG rendition, for lists (the admin's image library)."""
    return srcset(image, "JPEG")[0]


def fallback(image) -> Rendition:
    """The JPEG ``src`` of a ``<picture>``: the widest not over FALLBACK_WIDTH."""
    return [r for r in srcset(image, "JPEG") if r.width <= FALLBACK_WIDTH][-1]


def rendition_names(image) -> set[str]:
    """The storage names of every rendition of ``image`` (computed: no storage access)."""
    return {
        rendition.name
        for kind in ("WEBP", "JPEG", "CROPS")
        for rendition in _renditions(image, kind)
    }


def stale_renditions(before, after=None) -> set[str]:
    """Names of the renditions of ``before`` (an Image as stored, or None) that ``after``
    (the same image as saved; None when it is being deleted) no longer has: a replaced
    file, an old focal point. One query, to keep the renditions of a file that another
    image row also names."""
    if before is None:
        return set()
    stale = rendition_names(before) - (rendition_names(after) if after else set())
    others = type(before).objects.filter(file=before.file.name).exclude(pk=before.pk)
    return stale if stale and not others.exists() else set()


def delete_renditions(names) -> None:
    """Remove the renditions ``names`` from storage; a name already gone is no error."""
    for name in names:
        default_storage.delete(name)


def missing_renditions(image) -> list[str]:
    """Names of the renditions of ``image`` not yet in storage."""
    return [
        spec.cachefile_name
        for spec in _specs(image)
        if not default_storage.exists(spec.cachefile_name)
    ]


def make_renditions(image) -> int:
    """Make every rendition of ``image`` that storage lacks; return how many were made.

    Idempotent: names depend only on the original's name and the spec (size, crop, format),
    so a second call makes nothing; a new focal point names new crops.
    """
    made = 0
    for spec in _specs(image):
        if default_storage.exists(spec.cachefile_name):
            continue
        ImageCacheFile(spec).generate(force=True)
        made += 1
    return made
