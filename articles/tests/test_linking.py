import os
import shutil
import subprocess
import sys
import time

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from articles.linking import cache_key, link_people, linked_body
from articles.markup import render_markdown
from articles.tests.factories import ArticleFactory, ImageFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mrinank():
    return PersonFactory(
        name="मृणांक शर्मा",
        name_latin="Mrinank Sharma",
        aliases="मृणांक\nशर्मा\nMrinank",
        slug="mrinank-sharma",
    )


def link(markdown, *people):
    return str(link_people(render_markdown(markdown), people))


HREF = 'href="/people/mrinank-sharma/"'


def test_first_mention_is_linked_once(mrinank):
    html = link("मृणांक शर्मा ने इस्तीफा दिया। बाद में मृणांक शर्मा ने लिखा।", mrinank)
    assert html.count(HREF) == 1
    assert f'<a class="person-link" {HREF}>मृणांक शर्मा</a> ने' in html


def test_longest_name_wins_at_the_same_position(mrinank):
    html = link("मृणांक शर्मा ने कहा", mrinank)
    assert ">मृणांक शर्मा</a>" in html


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("मृणांक ने कहा", "मृणांक"),
        ("कल शर्मा की चिट्ठी आई", "शर्मा"),
        ("(मृणांक), बोले", "मृणांक"),
        ("MRINANK SHARMA wrote", "MRINANK SHARMA"),
        ("Mrinank's letter", "Mrinank"),
    ],
)
def test_whole_word_mentions_with_postpositions_and_latin_are_linked(mrinank, text, linked):
    assert f"{HREF}>{linked}</a>" in link(text, mrinank)


@pytest.mark.parametrize("text", ["मृणांकों की बात", "अमृणांक आए", "शर्माजी आए", "Mrinanky"])
def test_names_inside_longer_words_are_not_linked(mrinank, text):
    assert HREF not in link(text, mrinank)


def test_never_inside_links_headings_code_or_attributes(mrinank):
    html = link(
        "## मृणांक का परिचय\n\n"
        '[मृणांक की चिट्ठी](https://example.com/मृणांक "मृणांक")\n\n'
        "`मृणांक` और\n\n    मृणांक शर्मा\n\n"
        "अंत में मृणांक।",
        mrinank,
    )
    assert html.count(HREF) == 1
    assert "<h2>मृणांक का परिचय</h2>" in html
    assert "<code>मृणांक</code>" in html
    assert f'अंत में <a class="person-link" {HREF}>मृणांक</a>।' in html
    assert 'title="मृणांक"' in html


def test_each_person_linked_at_their_own_first_mention(mrinank):
    other = PersonFactory(name="राम प्रसाद", name_latin="Ram Prasad", slug="ram")
    html = link("*राम प्रसाद* और मृणांक मिले। Ram Prasad फिर आए।", mrinank, other)
    assert '<em><a class="person-link" href="/people/ram/">राम प्रसाद</a></em>' in html
    assert html.count('href="/people/ram/"') == 1
    assert html.count(HREF) == 1


def test_markup_and_escaped_text_pass_through_unchanged(mrinank):
    source = "a < b & c > d, <script>x</script> &amp; **bold**\n\n- one\n- two  \n  three"
    assert link(source, mrinank) == str(render_markdown(source))


def test_hostile_name_cannot_inject_markup():
    person = PersonFactory(name='<b onclick="x">बुरा</b>', name_latin="", slug="bad")
    html = link('नाम <b onclick="x">बुरा</b> है', person)
    assert "<b onclick" not in html
    assert html == (
        '<p>नाम <a class="person-link" href="/people/bad/">'
        "&lt;b onclick=&quot;x&quot;&gt;बुरा&lt;/b&gt;</a> है</p>"
    )


def test_names_match_across_entities_and_non_breaking_spaces(mrinank):
    other = PersonFactory(name="O'Brien & Sons", name_latin="", slug="ob")
    html = link("मृणांक\u00a0शर्मा और O'Brien & Sons", mrinank, other)
    assert f'<a class="person-link" {HREF}>मृणांक\u00a0शर्मा</a>' in html
    assert '<a class="person-link" href="/people/ob/">O&#x27;Brien &amp; Sons</a>' in html


def test_linked_body_is_cached_and_key_changes_with_article_or_person(
    mrinank, django_assert_num_queries
):
    cache.clear()
    article = ArticleFactory(body="मृणांक ने लिखा", people=[mrinank])
    article = type(article).objects.for_article_page().get(pk=article.pk)
    first = linked_body(article)
    assert HREF in first
    key = cache_key(article, [mrinank])
    assert cache.get(key) == str(first)
    with django_assert_num_queries(0):
        assert linked_body(article) == first
    mrinank.slug = "mrinank"
    mrinank.save()
    article = type(article).objects.for_article_page().get(pk=article.pk)
    assert cache_key(article, article.people.all()) != key
    assert 'href="/people/mrinank/"' in linked_body(article)


@pytest.fixture
def redis_url(tmp_path):
    """A real, private Redis server on a Unix socket (no TCP port to collide on)."""
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server not installed: `apt-get install redis-server` to run this test.")
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_url_makes_every_process_share_the_linked_bodies(redis_url, mrinank):
    """With REDIS_URL set, settings pick Django's RedisCache, and a body linked in one
    process is served from the cache in another."""
    article = ArticleFactory(body="मृणांक ने लिखा", people=[mrinank])
    article = type(article).objects.for_article_page().get(pk=article.pk)
    key = cache_key(article, article.people.all())
    env = {**os.environ, "REDIS_URL": redis_url, "SECRET_KEY": "x"}
    script = (
        "import django, sys; django.setup()\n"
        "from django.core.cache import cache, caches\n"
        "print(type(caches['default']).__name__)\n"
        "print(cache.get(sys.argv[1]) or '')\n"
    )
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            }
        }
    ):
        caches["default"].clear()
        linked = linked_body(article)
    other = subprocess.run(
        [sys.executable, "-c", script, key],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    backend, cached = other.stdout.splitlines()
    assert backend == "RedisCache"
    assert cached == str(linked) and HREF in cached


# Figures ------------------------------------------------------------------------------


@pytest.fixture
def photo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ImageFactory(
            key="सभा", caption="मृणांक शर्मा मंच पर", credit="फ़ोटो: <PTI>", language="hi"
        )


def test_a_body_figure_has_its_picture_caption_and_credit(mrinank, photo):
    article = ArticleFactory(
        body="मृणांक ने कहा।\n\n[[चित्र:सभा]]\n\nअंत।", people=[mrinank], language="en"
    )
    html = str(linked_body(article))
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert figure.startswith('<figure class="figure" lang="hi">')  # a Hindi photo, English story
    assert 'loading="lazy"' in figure and 'width="960" height="640"' in figure
    assert '<span class="caption">मृणांक शर्मा मंच पर</span>' in figure  # caption not linked
    assert "फ़ोटो: &lt;PTI&gt;" in figure
    assert html.count('class="person-link"') == 1  # the mention in the text is linked


def test_an_unknown_key_renders_nothing(mrinank):
    article = ArticleFactory(body="क।\n\n[[चित्र:कोई-नहीं]]\n\nख।")
    assert str(linked_body(article)) == "<p>क।</p>\n\n<p>ख।</p>"


def test_an_edited_caption_shows_at_once(photo):
    article = ArticleFactory(body="[[image:सभा]]")
    assert "मृणांक शर्मा मंच पर" in linked_body(article)
    photo.caption = "नया कैप्शन"
    photo.save()
    article = type(article).objects.get(pk=article.pk)
    assert "नया कैप्शन" in linked_body(article)
    # A key that named nothing shows its figure as soon as the image is uploaded.
    article.body += "\n\n[[image:बाद-में]]"
    article.save()
    assert str(linked_body(article)).count("<figure") == 1
    ImageFactory(key="बाद-में", alt_text="बाद में आया चित्र")
    assert 'alt="बाद में आया चित्र"' in linked_body(article)
