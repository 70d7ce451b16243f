"""Photographs: hostile uploads refused, metadata gone from what is served, renditions made
once, and the markup, feeds, JSON-LD and admin pages that show them."""

import io
import struct
import zlib
from html import unescape
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage

from articles import images
from articles.models import Article, Image
from articles.tests.adminform import admin_form
from articles.tests.factories import (
    ArticleFactory,
    ImageFactory,
    PersonFactory,
    QuoteFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db

MRSS = "http://search.yahoo.com/mrss/"


@pytest.fixture
def made(django_capture_on_commit_callbacks):
    """Create an image and run its on-commit work (the renditions), as a real save does."""

    def create(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return ImageFactory(**kwargs)

    return create


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def served(client, url):
    """The bytes the site serves at ``url``, read as a test client (through the media view)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def png_claiming(width, height):
    """A tiny valid PNG whose header claims ``width`` × ``height`` (a decompression bomb)."""
    buffer = io.BytesIO()
    PILImage.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def other_format(fmt):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 20, 30)).save(buffer, fmt)
    return buffer.getvalue()


HOSTILE = {
    "html renamed .jpg": (b"<!doctype html><script>alert(1)</script>", "not a JPEG, PNG or WebP"),
    "svg renamed .jpg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "not a JPEG, PNG or WebP",
    ),
    "gif": (other_format("GIF"), "a GIF image; only JPEG, PNG and WebP"),
    "truncated jpeg": (jpeg_bytes(800, 600)[:3000], "damaged or cut short"),
    "decompression bomb": (png_claiming(30_000, 30_000), "decompression bomb"),
    "100 megapixels": (png_claiming(10_000, 10_000), "must be under 100 megapixels"),
}


# Uploads ------------------------------------------------------------------------------


def upload_data(editor, content, name="photo.jpg", **fields):
    data = admin_form(editor, reverse("admin:articles_image_add"), "image_form")
    data.update({"alt_text": "मंच पर वक्ता", "caption": "एक सभा", "credit": "फ़ोटो: डेस्क", **fields})
    data["file"] = ContentFile(content, name=name)
    return data


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_uploads_are_refused_clearly_and_the_form_keeps_the_rest(editor, case):
    content, message = HOSTILE[case]
    response = editor.post(reverse("admin:articles_image_add"), upload_data(editor, content))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    # Nothing lost: what the editor typed is still in the form.
    assert 'value="मंच पर वक्ता"' in html and "एक सभा" in html
    assert not Image.objects.exists()
    assert not list(Path(default_storage.location).rglob("photo*"))


def test_refusals_are_translated_into_hindi(editor):
    editor.defaults["HTTP_ACCEPT_LANGUAGE"] = "hi"
    data = upload_data(editor, HOSTILE["gif"][0])
    response = editor.post(reverse("admin:articles_image_add"), data)
    assert "केवल JPEG, PNG और WebP" in unescape(response.content.decode())


def test_a_file_saved_in_code_is_checked_too():
    with pytest.raises(ValidationError) as refused:
        ImageFactory(file=ContentFile(b"<html></html>", name="x.jpg"))
    assert refused.value.code == "not_an_image"
    assert not Image.objects.exists()


def test_an_uploaded_photo_is_served_without_exif_or_gps(
    editor, django_capture_on_commit_callbacks
):
    original = PILImage.open(io.BytesIO(jpeg_bytes()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file has a position
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:articles_image_add"),
            upload_data(editor, jpeg_bytes(), name="source-rahul-at-home.jpg"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert "rahul" not in image.file.name  # the uploaded name never reaches a URL
    urls = [image.file.url, *(r.url for r in images.srcset(image, "WEBP"))]
    urls += [r.url for r in images.srcset(image, "JPEG") + images.search_crops(image)]
    for url in urls:
        response = served(editor, url)
        assert response["X-Content-Type-Options"] == "nosniff"
        picture = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
        assert response["Content-Type"] == images.FORMATS[picture.format]
        assert not picture.getexif(), url
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(picture.info), url


def test_the_exif_orientation_is_applied_before_it_is_dropped(made):
    # Orientation 6: the camera was turned; the picture must be shown rotated 90°.
    image = made(file=ContentFile(jpeg_bytes(1200, 800, orientation=6), name="x.jpg"))
    assert (image.width, image.height) == (800, 1200)
    with image.file.open("rb"), PILImage.open(image.file) as stored:
        assert stored.size == (800, 1200)
        assert not stored.getexif()
        # The dark band was the left third; turned clockwise it is now the top third.
        assert stored.getpixel((400, 50))[2] > 100
        assert stored.getpixel((400, 1150))[2] < 100


def test_png_and_webp_keep_their_format(made):
    for fmt, ext in (("PNG", "png"), ("WEBP", "webp")):
        buffer = io.BytesIO()
        PILImage.new("RGBA", (700, 500), (0, 128, 0, 128)).save(buffer, fmt)
        # A misleading name: the real format decides the extension.
        image = made(file=ContentFile(buffer.getvalue(), name="photo.jpg"))
        assert image.file.name.endswith(f".{ext}")
        assert images.srcset(image, "WEBP")[-1].width == 700


# The media view -----------------------------------------------------------------------


def test_media_view_serves_only_the_three_image_types(client, settings):
    default_storage.save("evil/page.jpg", ContentFile(b"<html><script>alert(1)</script>"))
    default_storage.save("evil/drawing.svg", ContentFile(b"<svg></svg>"))
    name = default_storage.save("evil/real.html", ContentFile(jpeg_bytes(10, 10)))
    assert client.get(default_storage.url("evil/page.jpg")).status_code == 404
    assert client.get(default_storage.url("evil/drawing.svg")).status_code == 404
    # The type comes from the bytes, whatever the name.
    assert served(client, default_storage.url(name))["Content-Type"] == "image/jpeg"
    assert client.get("/media/../manage.py").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404


# Renditions ---------------------------------------------------------------------------


def test_renditions_sizes_formats_and_crops(made):
    image = made()
    webp, jpeg = images.srcset(image, "WEBP"), images.srcset(image, "JPEG")
    assert [r.width for r in webp] == [320, 640, 960, 1280, 1600, 2048]
    assert [r.width for r in jpeg] == [320, 640, 960, 1280, 1600, 2048]
    crops = images.search_crops(image)
    assert [(c.width, c.height) for c in crops] == [(1200, 675), (1200, 900), (1200, 1200)]
    assert images.og_image(image) == crops[0]
    assert images.feed_image(image).width == 1280
    for rendition in webp + jpeg + crops:
        with default_storage.open(rendition.name) as handle, PILImage.open(handle) as picture:
            assert picture.size == (rendition.width, rendition.height)
            assert images.FORMATS[picture.format] == rendition.mime_type
        assert rendition.size == default_storage.size(rendition.name) > 0


def test_renditions_never_upscale_a_small_original(made):
    image = made(file=ContentFile(jpeg_bytes(500, 400, gps=False), name="x.jpg"))
    assert [r.width for r in images.srcset(image)] == [320, 500]
    # Crops as wide as the original allows.
    assert [(c.width, c.height) for c in images.search_crops(image)] == [
        (500, 281),
        (500, 375),
        (400, 400),
    ]


def test_crops_keep_the_focal_point(made):
    # The left third of the test picture is blue; the rest orange.
    left = made(focal_x=0.0)
    right = made(focal_x=1.0)
    square_left = images.search_crops(left)[2]
    square_right = images.search_crops(right)[2]
    with default_storage.open(square_left.name) as handle, PILImage.open(handle) as picture:
        assert picture.getpixel((100, 600))[2] > 100  # blue at the left edge
    with default_storage.open(square_right.name) as handle, PILImage.open(handle) as picture:
        assert picture.getpixel((100, 600))[2] < 100  # orange: the blue band is cropped away


def test_renditions_are_made_once_and_pages_make_none(client, made):
    image = made()
    assert images.make_renditions(image) == 0
    assert images.missing_renditions(image) == []
    article = ArticleFactory(lead_image=image, body=f"एक।\n\n[[चित्र:{image.key}]]")
    files = sorted(Path(default_storage.location).rglob("*"))
    for url in (article.get_absolute_url(), reverse("articles:article-list")):
        assert client.get(url).status_code == 200
    assert sorted(Path(default_storage.location).rglob("*")) == files


def test_a_new_focal_point_or_file_replaces_the_old_renditions(
    made, django_capture_on_commit_callbacks
):
    image = made(focal_x=0.0)
    first = images.rendition_names(image)
    assert all(default_storage.exists(name) for name in first)
    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x = 1.0
        image.save()
    moved = images.rendition_names(image)
    # Only the crops move with the focal point; the resized renditions stay.
    assert first - moved and first & moved
    assert not any(default_storage.exists(name) for name in first - moved)
    assert all(default_storage.exists(name) for name in moved)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(default_storage.exists(name) for name in moved)


def test_renditions_another_image_row_shares_are_kept(made, django_capture_on_commit_callbacks):
    image = made()
    twin = Image.objects.create(
        key="जुड़वाँ",
        file=image.file.name,
        width=image.width,
        height=image.height,
        alt_text=image.alt_text,
    )
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert all(default_storage.exists(name) for name in images.rendition_names(image))


def test_make_renditions_command_cleans_loaded_originals(made):
    # As loaddata brings it: a row and a file, no save(), so no check and no renditions.
    name = default_storage.save("images/loaded.jpg", ContentFile(jpeg_bytes(900, 600)))
    # A hand-written fixture may leave out the width and height.
    Image.objects.bulk_create([Image(key="लोड", file=name, alt_text="लोड किया गया")])
    image = Image.objects.get(key="लोड")
    assert images.has_metadata(image.file)
    call_command("make_renditions", stdout=io.StringIO())
    image.refresh_from_db()
    assert (image.width, image.height) == (900, 600)
    assert not default_storage.exists(name)  # the original with its GPS block is gone
    assert not images.has_metadata(image.file)
    assert images.missing_renditions(image) == []
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "0 rendition(s) made, 0 original(s)" in out.getvalue()


# Markup -------------------------------------------------------------------------------


def test_story_page_lead_image_is_an_eager_figure_with_srcset(client, made):
    image = made(caption="<b>सभा</b>", credit="फ़ोटो: PTI", copyright="© PTI", language="en")
    article = ArticleFactory(lead_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="figure"') : html.index("</figure>")]
    assert 'lang="en"' in figure  # the alt and caption are English in a Hindi story
    assert '<source type="image/webp" srcset="' in figure
    assert figure.count(" 320w") == 2 and figure.count(" 2048w") == 2
    assert 'sizes="(max-width: 48rem) 100vw, 46rem"' in figure
    assert 'width="960" height="640"' in figure
    assert 'loading="eager"' in figure and 'fetchpriority="high"' in figure
    assert f'alt="{image.alt_text}"' in figure
    assert "&lt;b&gt;सभा&lt;/b&gt;" in figure  # the caption escaped
    assert '<span class="credit">फ़ोटो: PTI</span>' in figure
    assert "© PTI" in figure
    assert image.file.url not in html  # the original is never put in a page


def test_cards_have_lazy_thumbnails_and_profiles_the_portrait(client, made):
    image = made()
    person = PersonFactory(photo=image)
    ArticleFactory(lead_image=image, people=[person])
    home = client.get(reverse("articles:article-list")).content.decode()
    card = home[home.index('<div class="card-thumb">') :]
    assert 'loading="lazy"' in card[: card.index("</picture>")]
    assert 'width="960" height="640"' in card
    profile = client.get(person.get_absolute_url()).content.decode()
    assert '<div class="portrait"><picture' in profile


def test_query_counts_stay_flat_with_images(client, made):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    plain = ArticleFactory()
    home_before = count(reverse("articles:article-list"))
    article_plain = count(plain.get_absolute_url())
    first = made()
    pictured = ArticleFactory(lead_image=first, body=f"क।\n\n[[चित्र:{first.key}]]\n\nख।")
    with_one = count(pictured.get_absolute_url())
    # One query for the body's images (their updated_at are in the cache key).
    assert with_one == article_plain + 1
    others = [made(file=ContentFile(jpeg_bytes(700, 500), name="x.jpg")) for _ in range(3)]
    pictured.body += "".join(f"\n\n[[image:{image.key}]]" for image in others)
    pictured.save()
    for image in others:
        ArticleFactory(lead_image=image)
    assert count(pictured.get_absolute_url()) == with_one
    assert count(reverse("articles:article-list")) == home_before


# Feeds, JSON-LD, Open Graph -----------------------------------------------------------


@pytest.mark.parametrize("url_name", ["articles:feed-rss", "articles:feed-atom"])
def test_feeds_enclose_the_lead_image(client, made, url_name):
    image = made(alt_text="मंच पर बोलते हुए वक्ता & <मित्र>")
    ArticleFactory(lead_image=image, headline="चित्र वाली ख़बर")
    ArticleFactory(headline="बिना चित्र")
    feed = feedparser.parse(client.get(reverse(url_name)).content)
    assert not feed.bozo, feed.bozo_exception
    by_title = {entry.title: entry for entry in feed.entries}
    rendition = images.feed_image(image)
    [enclosure] = by_title["चित्र वाली ख़बर"].enclosures
    assert enclosure.href == f"http://testserver{rendition.url}"
    assert int(enclosure.length) == rendition.size
    assert enclosure.type == "image/jpeg"
    assert by_title["बिना चित्र"].enclosures == []
    if url_name == "articles:feed-rss":
        [media] = by_title["चित्र वाली ख़बर"].media_content
        assert media["url"] == enclosure.href and media["width"] == "1280"
        # The alt text as media:description (feedparser files it under "content", and
        # keeps the story's own description as the summary).
        assert by_title["चित्र वाली ख़बर"].summary == "सारांश"
        channel = ET.fromstring(client.get(reverse(url_name)).content)
        descriptions = channel.findall(f"channel/item/{{{MRSS}}}content/{{{MRSS}}}description")
        assert [d.text for d in descriptions] == [image.alt_text]


def test_json_ld_and_open_graph_carry_the_crops(client, made):
    import json
    import re

    image = made(caption="सभा", credit="फ़ोटो: PTI", copyright="PTI", licence_url="https://x.in/l")
    article = ArticleFactory(lead_image=image)
    QuoteFactory(article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    news = next(d for d in map(json.loads, blocks) if d["@type"] == "NewsArticle")
    assert [(i["width"], i["height"]) for i in news["image"]] == [
        (1200, 675),
        (1200, 900),
        (1200, 1200),
    ]
    first = news["image"][0]
    assert first["url"] == f"http://testserver{images.og_image(image).url}"
    assert first["caption"] == "सभा" and first["creditText"] == "फ़ोटो: PTI"
    assert first["copyrightHolder"]["name"] == "PTI" and first["license"] == "https://x.in/l"
    assert f'<meta property="og:image" content="{first["url"]}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="675">' in html
    assert f'<meta property="og:image:alt" content="{image.alt_text}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    person = PersonFactory(photo=image)
    ArticleFactory(people=[person])
    profile = client.get(person.get_absolute_url()).content.decode()
    assert images.search_crops(image)[2].url in profile
    assert "og:image:alt" in profile


# Admin --------------------------------------------------------------------------------


def test_admin_list_shows_thumbnails_and_searches_folded(editor, made):
    image = made(caption="इस्तीफ़ा के बाद")
    response = editor.get(reverse("admin:articles_image_changelist"), {"q": "इस्तीफा"})
    html = response.content.decode()
    assert images.thumbnail(image).url in html
    assert image.file.url not in html  # never the full file in the list
    assert image.key in html
    miss = editor.get(reverse("admin:articles_image_changelist"), {"q": "कुछ-और"})
    assert images.thumbnail(image).url not in miss.content.decode()


def test_admin_image_page_lists_every_use_in_constant_queries(editor, made):
    image = made()

    def page():
        url = reverse("admin:articles_image_change", args=[image.pk])
        with CaptureQueriesContext(connection) as queries:
            html = editor.get(url).content.decode()
        return html, len(queries)

    lead = ArticleFactory(lead_image=image, headline="मुख्य चित्र")
    figure = ArticleFactory(body=f"क।\n\n[[चित्र:{image.key}]]", headline="चित्र भीतर")
    ArticleFactory(body=f"`{image.key}` का ज़िक्र भर", headline="केवल ज़िक्र")
    portrait = PersonFactory(photo=image, name="चित्र वाले व्यक्ति")
    html, queries = page()
    for obj, admin_name in ((lead, "article"), (figure, "article"), (portrait, "person")):
        assert reverse(f"admin:articles_{admin_name}_change", args=[obj.pk]) in html
    assert "केवल ज़िक्र" not in html
    for _ in range(3):
        ArticleFactory(lead_image=image)
        ArticleFactory(body=f"[[image:{image.key}]]")
        PersonFactory(photo=image)
    html, more = page()
    assert more == queries
    assert html.count('<li><a href="/admin/articles/') >= 12


def test_article_form_names_unknown_image_keys(editor, made):
    image = made()
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form(editor, url, "article_form")
    data["body"] = f"क।\n\n[[चित्र:{image.key}]]\n\n[[image:कोई-नहीं]]\n\n[[चित्र:गुम]]"
    response = editor.post(url, data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "No images in the library have the keys “कोई-नहीं”, “गुम”" in html
    assert image.key not in html.split("errorlist")[1][:300]
    data["body"] = f"क।\n\n[[चित्र:{image.key}]]"
    assert editor.post(url, data).status_code == 302


def test_admin_edits_are_versioned_like_the_other_records(editor, made):
    image = made(caption="पुराना")
    url = reverse("admin:articles_image_change", args=[image.pk])
    before = image.history.count()
    data = admin_form(editor, url, "image_form")
    data["caption"] = "नया"
    assert editor.post(url, data).status_code == 302
    assert image.history.count() == before + 1
    assert image.history.first().caption == "नया"
    image.refresh_from_db()
    assert image.file.name and image.caption == "नया"  # the file stays when none is sent
