import os
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import override_settings

from articles.linking import (
    body_for_page,
    cache_key,
    folded_with_positions,
    link_entities,
    linked_body,
)
from articles.markup import render_markdown
from articles.models import Article, Quote
from articles.tests.factories import (
    ArticleFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
)
from articles.text import fold, word_pattern

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
    return str(link_entities(render_markdown(markdown), people))


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
    assert cache.get(key) == (str(first), [])
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
        "print((cache.get(sys.argv[1]) or [''])[0])\n"
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


# Organisations: one linker for both kinds ----------------------------------------------


@pytest.fixture
def anthropic():
    return OrganisationFactory(
        name="एंथ्रोपिक", name_latin="Anthropic", aliases="एंथ्रॉपिक", slug="anthropic"
    )


ORG_HREF = 'href="/organisations/anthropic/"'


@pytest.mark.parametrize("spelling", ["एंथ्रोपिक", "एंथ्रॉपिक", "Anthropic", "ANTHROPIC"])
def test_an_organisation_is_linked_under_each_of_its_names(anthropic, spelling):
    html = link(f"{spelling} ने कहा। बाद में एंथ्रोपिक और Anthropic फिर।", anthropic)
    assert html.count(ORG_HREF) == 1
    assert f'<a class="organisation-link" {ORG_HREF}>{spelling}</a> ने' in html


def test_people_and_organisations_share_one_pass_longest_name_first(mrinank):
    # An organisation whose name contains a person's: the longer name wins where both start.
    trust = OrganisationFactory(name="मृणांक शर्मा ट्रस्ट", name_latin="", slug="trust")
    html = link("मृणांक शर्मा ट्रस्ट बना। फिर मृणांक शर्मा बोले।", mrinank, trust)
    assert '<a class="organisation-link" href="/organisations/trust/">मृणांक शर्मा ट्रस्ट</a>' in html
    assert f'फिर <a class="person-link" {HREF}>मृणांक शर्मा</a> बोले' in html


def test_organisation_names_are_whole_words_and_never_in_links_or_headings(anthropic):
    html = link("## एंथ्रोपिक\n\n[Anthropic](https://anthropic.com) एंथ्रोपिकों Anthropics", anthropic)
    assert ORG_HREF not in html


# Quotes marked where they stand -------------------------------------------------------


class _Checker(HTMLParser):
    """Fails on any end tag that does not close the innermost open element, and records
    which elements each marked quote and each link sit in."""

    VOID = {"br", "hr", "img", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.problems, self.marks = [], [], {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "a" in self.stack:
            self.problems.append("a link inside a link")
        if tag == "q":
            self.current = attrs["id"]
            self.marks[self.current] = {"inside": list(self.stack), "text": ""}
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag == "q":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.marks[self.current]["text"] += data

    def close(self):
        super().close()
        if self.stack:
            self.problems.append(f"left open: {self.stack}")


def check(html):
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    return checker.marks


def mark(markdown, quotes, *entities):
    return str(link_entities(render_markdown(markdown), entities, quotes))


def test_folded_positions_fold_exactly_like_fold():
    for text in [
        "  ‘इस्तीफ़ा’\u00a0\u00a0दिया — बार\u2011बार  ",
        "Straße AND o'brien \u200dक्‍ष ऩ",
        "",
    ]:
        folded, spans = folded_with_positions(text)
        assert folded == fold(text)
        assert len(spans) == len(folded)


def test_seed_body_marks_its_four_direct_quotes_and_links_its_organisations():
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    assert set(article.organisations.values_list("slug", flat=True)) == {"anthropic", "openai"}
    article = Article.objects.for_article_page().get(pk=article.pk)
    cache.clear()
    body = body_for_page(article)
    html = str(body.html)
    marks = check(html)
    direct = [q for q in article.quotes.all() if q.kind == Quote.Kind.DIRECT]
    assert len(direct) == 4
    assert body.marked_quotes == {q.position for q in direct}
    for quote in direct:
        found = marks[f"quote-{quote.position}-in-body"]
        assert not {"a", "h2", "h3", "code"} & set(found["inside"])
        assert found["text"] == quote.text  # the body's own words (बार‑बार with U+2011)
        assert f'<a class="quote-ref" href="{quote.get_absolute_url()}">' in html
        assert f'बयान: <span lang="hi">{quote.speaker.name}</span>' in html or (
            f'Quote: <span lang="hi">{quote.speaker.name}</span>' in html
        )
    # The quote's own quote marks stay the body's, outside the mark.
    assert '&#x27;<q class="quote-mark" id="quote-2-in-body"' in html
    assert html.count('href="/organisations/anthropic/"') == 1
    assert '<a class="organisation-link" href="/organisations/anthropic/">एंथ्रोपिक</a>' in html
    assert '<a class="organisation-link" href="/organisations/openai/">OpenAI</a>' in html


@pytest.fixture
def speaker():
    return PersonFactory(name="राम प्रसाद", name_latin="Ram Prasad", slug="ram")


def test_quote_found_through_nbsp_nukta_and_quote_marks_keeps_the_bodys_text(speaker):
    quote = QuoteFactory(text="इस्तीफा दिया, 'बस'", speaker=speaker)
    html = mark("उन्होंने “इस्तीफ़ा\u00a0दिया, बस” कहा।", [quote])
    marks = check(html)
    assert marks[f"quote-{quote.position}-in-body"]["text"] == "इस्तीफ़ा\u00a0दिया, बस"
    assert "“<q " in html and "</a>” कहा" in html


@pytest.mark.parametrize(
    "markdown",
    [
        "राम ने कहा कि *सब ठीक* है।",  # the words straddle a tag boundary
        "[राम ने कहा कि सब ठीक है](https://example.com)",  # inside a link
        "## राम ने कहा कि सब ठीक है",  # in a heading
        "`राम ने कहा कि सब ठीक है`",  # in code
        "राम ने कहा कि सब ठीक नहीं है।",  # no longer in the body
    ],
)
def test_a_quote_is_not_marked_where_marking_would_break_markup(speaker, markdown):
    quote = QuoteFactory(text="ने कहा कि सब ठीक है", speaker=speaker)
    html = mark(markdown, [quote])
    check(html)
    assert "<q" not in html and "quote-ref" not in html
    assert html == str(render_markdown(markdown))


def test_quote_text_with_markup_characters_is_escaped(speaker):
    quote = QuoteFactory(text='a < b & "c" > d', speaker=speaker)
    html = mark("लिखा: a &lt; b &amp; c > d, बस।", [quote])
    marks = check(html)
    assert marks[f"quote-{quote.position}-in-body"]["text"] == "a < b & c > d"
    assert "a &lt; b &amp; c &gt; d</q>" in html


def test_names_inside_a_quote_are_linked_inside_the_mark(speaker, mrinank):
    inside = QuoteFactory(text="मृणांक शर्मा सही हैं", speaker=speaker)
    html = mark("राम: मृणांक शर्मा सही हैं।", [inside], mrinank)
    check(html)
    assert f'<q class="quote-mark" id="quote-{inside.position}-in-body" ' in html
    assert (
        f'cite="/quotes/{inside.pk}/"><a class="person-link" {HREF}>मृणांक शर्मा</a> सही हैं</q>' in html
    )


def test_a_quote_ending_inside_a_name_never_splits_a_link(speaker, mrinank):
    # The quote ends in the middle of "मृणांक शर्मा": the full name cannot be linked across
    # the mark, so the shorter alias inside it is, and nothing overlaps.
    quote = QuoteFactory(text="कहा कि मृणांक", speaker=speaker)
    html = mark("राम ने कहा कि मृणांक शर्मा आएँगे।", [quote], mrinank)
    check(html)
    assert f'कहा कि <a class="person-link" {HREF}>मृणांक</a></q>' in html


def test_paraphrases_are_not_marked_and_each_quote_is_marked_once(speaker):
    direct = QuoteFactory(text="सब ठीक है", speaker=speaker)
    paraphrase = QuoteFactory(
        text="ठीक नहीं", kind="paraphrase", speaker=speaker, article=direct.article
    )
    html = mark("सब ठीक है। फिर: सब ठीक है। ठीक नहीं।", [direct, paraphrase])
    check(html)
    assert html.count("<q ") == 1
    assert f"quote-{paraphrase.position}-in-body" not in html


def test_marked_body_is_cached_and_a_quote_edit_changes_it(
    speaker, anthropic, django_assert_num_queries
):
    cache.clear()
    article = ArticleFactory(
        body="एंथ्रोपिक में राम ने कहा कि सब ठीक है।", people=[speaker], organisations=[anthropic]
    )
    quote = QuoteFactory(article=article, speaker=speaker, text="सब ठीक है")
    page = type(article).objects.for_article_page().get(pk=article.pk)
    first = body_for_page(page)
    assert first.marked_quotes == {quote.position} and ORG_HREF in first.html
    with django_assert_num_queries(0):
        assert body_for_page(page) == first
    quote.text = "कुछ और"
    quote.save()
    page = type(article).objects.for_article_page().get(pk=article.pk)
    assert body_for_page(page).marked_quotes == frozenset()
    anthropic.slug = "anthropic-pbc"
    anthropic.save()
    page = type(article).objects.for_article_page().get(pk=article.pk)
    assert 'href="/organisations/anthropic-pbc/"' in linked_body(page)


def test_seed_organisations_link_under_every_spelling_the_story_uses():
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    story = " ".join([article.headline, article.summary, article.body])
    used = [
        (organisation, name)
        for organisation in article.organisations.all()
        for name in organisation.names
        if word_pattern(name).search(story)
    ]
    assert {name for _, name in used} >= {"एंथ्रोपिक", "Anthropic", "OpenAI"}
    for organisation, name in used:
        html = link(f"कल {name} ने कहा।", *article.organisations.all())
        href = organisation.get_absolute_url()
        assert f'<a class="organisation-link" href="{href}">{name}</a>' in html
