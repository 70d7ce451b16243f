import datetime
from urllib.parse import quote as urlquote
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation

from articles.models import Article, Person
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def test_home_lists_published_articles_newest_first(client):
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    new = ArticleFactory()
    draft = ArticleFactory(draft=True, headline="गुप्त मसौदा")
    future = ArticleFactory(headline="भविष्य", published_at=timezone.now() + datetime.timedelta(1))
    response = client.get(reverse("articles:article-list"))
    assert response.status_code == 200
    assert list(response.context["articles"]) == [new, old]
    html = response.content.decode()
    assert draft.headline not in html
    assert future.headline not in html


def test_home_query_count_does_not_grow_with_articles(client, django_assert_num_queries):
    people = PersonFactory.create_batch(3)
    section = SectionFactory()
    ArticleFactory.create_batch(2, people=people, tags=["एक", "दो"], authors=people[:1])
    # Navigation sections, count, articles (with section), people, tags, bylines.
    with django_assert_num_queries(6):
        client.get(reverse("articles:article-list"))
    SectionFactory.create_batch(3)
    ArticleFactory.create_batch(5, people=people, tags=["तीन"], authors=people, section=section)
    with django_assert_num_queries(6):
        client.get(reverse("articles:article-list"))


def test_article_page_shows_everything_and_links_every_person(client, seed):
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{seed.language}"' in html
    assert seed.headline.replace("'", "&#x27;") in html
    for person in seed.people.all():
        assert f'href="{person.get_absolute_url()}"' in html
    for quote in seed.quotes.all():
        assert f'id="quote-{quote.position}"' in html
    for tag in seed.tags.all():
        assert tag.name in html
    assert "<ul>" in html and "<h2>" in html  # the Markdown body was rendered


def test_article_url_with_devanagari_slug_resolves_both_raw_and_percent_encoded(client):
    article = ArticleFactory(headline="सेफगार्ड हेड का इस्तीफ़ा")
    url = reverse("articles:article-detail", kwargs={"slug": article.slug})
    assert url == f"/articles/{urlquote(article.slug)}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/articles/{article.slug}/").status_code == 200
    assert resolve(unquote(url)).kwargs == {"slug": article.slug}


def test_every_person_link_on_the_seed_article_works(client, seed):
    for person in seed.people.all():
        response = client.get(person.get_absolute_url())
        assert response.status_code == 200, person.slug
        assert person.name in response.content.decode()


def test_article_page_query_count_is_constant(client, django_assert_num_queries):
    article = ArticleFactory(people=PersonFactory.create_batch(2), tags=["क"])
    article.byline.create(person=PersonFactory(), position=0)
    QuoteFactory(article=article)
    CorrectionFactory(article=article)
    ArticleFactory(tags=["क"])  # one related story
    article.organisations.add(OrganisationFactory())
    # Article (with section and original), people, organisations, quotes, corrections,
    # sources, tags, byline, translations, related stories, navigation sections, and the
    # roles of the people and of the quotes' speakers.
    with django_assert_num_queries(13):
        client.get(article.get_absolute_url())
    article.people.add(*PersonFactory.create_batch(5))
    article.organisations.add(*OrganisationFactory.create_batch(4))
    article.tags.add("ख", "ग", "घ")
    for position, person in enumerate(PersonFactory.create_batch(4), start=1):
        article.byline.create(person=person, position=position)
    article.section = SectionFactory()
    article.save()
    ArticleFactory(translation_of=article, language="en")
    ArticleFactory.create_batch(7, tags=["ख"], people=article.people.all()[:2])
    for _ in range(4):
        QuoteFactory(article=article)
        CorrectionFactory(article=article, published_at=timezone.now() - datetime.timedelta(_))
    with django_assert_num_queries(13):
        response = client.get(article.get_absolute_url())
    assert len(response.context["related"]) == 6 and article.byline.count() == 5


def test_translation_page_query_count_is_constant(client, django_assert_num_queries):
    original = ArticleFactory(language="hi")
    english = ArticleFactory(language="en", translation_of=original, people=[PersonFactory()])
    # As the article page, plus the original's other public translations.
    with django_assert_num_queries(13):
        client.get(english.get_absolute_url())
    ArticleFactory(language="ur", translation_of=original)
    english.people.add(*PersonFactory.create_batch(3))
    for position, person in enumerate(PersonFactory.create_batch(3)):
        english.byline.create(person=person, position=position)
    with django_assert_num_queries(13):
        html = client.get(english.get_absolute_url()).content.decode()
    assert 'hreflang="ur"' in html


@pytest.mark.parametrize(
    "traits", [{"draft": True}, {"published_at": timezone.now() + datetime.timedelta(days=3)}]
)
def test_drafts_and_scheduled_articles_answer_404(client, admin_client, traits):
    article = ArticleFactory(**traits)
    assert client.get(article.get_absolute_url()).status_code == 404
    # Even staff see drafts only through the admin's preview, never the public URL.
    assert admin_client.get(article.get_absolute_url()).status_code == 404


def test_person_page_shows_both_scripts_quotes_and_articles(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", bio="कवि।")
    article = ArticleFactory(people=[person])
    quote = QuoteFactory(article=article, speaker=person, text="बहुत मुश्किल है")
    draft = ArticleFactory(draft=True, headline="छिपा मसौदा", people=[person])
    QuoteFactory(article=draft, speaker=person, text="गुप्त बयान")
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "मृणांक शर्मा" in html and '<p class="name-latin" lang="en">Mrinank Sharma</p>' in html
    assert quote.text in html and f'href="{quote.get_absolute_url()}"' in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "छिपा मसौदा" not in html and "गुप्त बयान" not in html


def test_person_known_only_from_drafts_answers_404(client):
    person = PersonFactory()
    ArticleFactory(draft=True, people=[person])
    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_page_query_count_is_constant(client, django_assert_num_queries):
    person = PersonFactory()
    QuoteFactory(speaker=person, article=ArticleFactory(people=[person]))
    # Navigation sections, person, their tags, the corrections naming them, the count of
    # stories they wrote (none, so no page of them), the article count, a page of articles,
    # their bylines, their quotes; and their roles (articles.affiliations).
    with django_assert_num_queries(10):
        client.get(person.get_absolute_url())
    for _ in range(4):
        QuoteFactory(speaker=person, article=ArticleFactory(people=[person]))
    person.tags.add("क", "ख")
    with django_assert_num_queries(10):
        client.get(person.get_absolute_url())


def test_writer_page_query_count_is_constant(client, django_assert_num_queries):
    writer = PersonFactory(newsroom_role=Person.NewsroomRole.STAFF)
    ArticleFactory(authors=[writer])
    QuoteFactory(speaker=writer, article=ArticleFactory(people=[writer]))
    # As above, plus the page of stories written with their bylines, people and tags.
    with django_assert_num_queries(14):
        client.get(writer.get_absolute_url())
    for _ in range(4):
        ArticleFactory(authors=[*PersonFactory.create_batch(3), writer], tags=["क"])
        QuoteFactory(speaker=writer, article=ArticleFactory(people=[writer], authors=[writer]))
    with django_assert_num_queries(14):
        client.get(writer.get_absolute_url())


def test_editor_text_is_escaped(client):
    person = PersonFactory(name="<script>alert(1)</script>", description='"><img onerror=x>')
    article = ArticleFactory(
        headline="<b>शीर्षक</b>",
        summary="<i>x</i>",
        body="<script>alert(2)</script>",
        people=[person],
    )
    QuoteFactory(article=article, speaker=person, text="<em>उद्धरण</em>")
    for url in [article.get_absolute_url(), person.get_absolute_url(), "/"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<b>शीर्षक" not in html and "<em>उद्धरण" not in html
        assert "<img onerror" not in html


def test_unknown_slug_answers_404(client):
    assert client.get("/articles/कोई-नहीं/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert Person.objects.count() == 0


# Readers' site pages ------------------------------------------------------------------


def test_article_body_links_featured_people_at_first_mention(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृणांक")
    article = ArticleFactory(body="## मृणांक\n\nकल मृणांक ने लिखा। मृणांक शर्मा फिर बोले।", people=[person])
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[
        html.index('<div class="body"') : html.index("</div>", html.index('<div class="body"'))
    ]
    assert body.count(f'href="{person.get_absolute_url()}"') == 1
    assert "<h2>मृणांक</h2>" in body
    assert f'कल <a class="person-link" href="{person.get_absolute_url()}">मृणांक</a> ने' in body


def test_article_page_shows_sources_corrections_newest_first_and_roles(client):
    author = PersonFactory(name="लेखक", name_latin="Writer")
    person = PersonFactory(description="सेफ्टी रिसर्चर")
    article = ArticleFactory(people=[person])
    letter = SourceFactory(
        title="इस्तीफे का पत्र",
        kind="letter",
        author=author,
        url="https://example.com/letter",
        archive_url="https://archive.example.org/letter",
    )
    report = SourceFactory(title="अख़बार की रिपोर्ट", author_name="दैनिक समाचार")
    article.sources.set([letter, report])
    old = CorrectionFactory(
        article=article, text="पुराना सुधार", published_at=timezone.now() - datetime.timedelta(days=2)
    )
    new = CorrectionFactory(article=article, text="नया सुधार")
    html = client.get(article.get_absolute_url()).content.decode()
    sources = html[html.index('id="sources-heading"') :]
    assert 'href="https://example.com/letter"' in sources
    assert 'href="https://archive.example.org/letter"' in sources
    assert "दैनिक समाचार" in sources and "लेखक" in sources
    assert html.index(new.text) < html.index(old.text)
    assert "सेफ्टी रिसर्चर" in html


def test_person_profile_groups_quotes_by_article_and_paginates(client):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", wikidata_id="Q42")
    person.tags.add("एआई")
    articles = [
        ArticleFactory(people=[person], published_at=timezone.now() - datetime.timedelta(days=n))
        for n in range(1, 24)
    ]
    QuoteFactory(article=articles[0], speaker=person, text="पहला बयान")
    QuoteFactory(article=articles[0], speaker=person, text="दूसरा बयान")
    quoted_only = ArticleFactory(published_at=timezone.now())  # quoted, not featured
    QuoteFactory(article=quoted_only, speaker=person, text="तीसरा बयान")
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    entries = response.context["entries"]
    assert [article for article, _ in entries][:2] == [quoted_only, articles[0]]
    assert [q.text for q in entries[1][1]] == ["पहला बयान", "दूसरा बयान"]
    assert len(entries) == 20 and response.context["is_paginated"]
    assert "https://www.wikidata.org/wiki/Q42" in html
    assert f'href="{reverse("articles:tag-detail", kwargs={"slug": "एआई"})}"' in html
    page2 = client.get(person.get_absolute_url(), {"page": 2}).context["entries"]
    assert [article for article, _ in page2] == articles[19:]


def test_people_index_in_devanagari_and_latin_dictionary_order(client):
    for name, latin in [("क़ासिम", "qasim"), ("काजल", "Kajal"), ("अमित", "amit"), ("आनंद", "")]:
        ArticleFactory(people=[PersonFactory(name=name, name_latin=latin)])
    PersonFactory(name="छिपा", name_latin="Hidden")  # in no published article
    response = client.get(reverse("articles:person-list"))
    html = response.content.decode()
    order = [html.index(name) for name in ["अमित", "आनंद", "काजल", "क़ासिम"]]
    assert order == sorted(order)
    assert html.index(">amit<") < html.index(">Kajal<") < html.index(">qasim<")
    assert "छिपा" not in html and "Hidden" not in html


def test_tag_page_lists_public_articles_people_and_quotes(client):
    person = PersonFactory(name="टैग वाला")
    person.tags.add("चुनाव")
    article = ArticleFactory(headline="चुनाव की ख़बर", tags=["चुनाव"], people=[person])
    quote = QuoteFactory(article=article, speaker=person, text="वोट दीजिए")
    quote.tags.add("चुनाव")
    draft = ArticleFactory(draft=True, headline="मसौदा चुनाव", tags=["चुनाव"])
    response = client.get(reverse("articles:tag-detail", kwargs={"slug": "चुनाव"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert article.headline in html and person.name in html and quote.text in html
    assert draft.headline not in html
    ArticleFactory(draft=True, tags=["गुप्त"])
    assert client.get(reverse("articles:tag-detail", kwargs={"slug": "गुप्त"})).status_code == 404


def test_quote_page_shows_quote_speaker_source_article_and_date(client):
    quote = QuoteFactory(text="सच बोलो", said_on=datetime.date(2026, 2, 9))
    assert quote.get_absolute_url() == f"/quotes/{quote.pk}/"
    html = client.get(quote.get_absolute_url()).content.decode()
    assert quote.text in html and quote.speaker.name in html
    assert quote.source.title in html and quote.article.headline in html
    assert 'datetime="2026-02-09"' in html
    assert f'href="{quote.get_article_url()}"' in html
    draft_quote = QuoteFactory(article=ArticleFactory(draft=True))
    assert client.get(draft_quote.get_absolute_url()).status_code == 404


def test_corrections_log_newest_first_and_only_public(client):
    older = CorrectionFactory(
        text="पहला सुधार", published_at=timezone.now() - datetime.timedelta(days=3)
    )
    newer = CorrectionFactory(text="दूसरा सुधार")
    hidden = CorrectionFactory(text="मसौदे का सुधार", article=ArticleFactory(draft=True))
    html = client.get(reverse("articles:correction-list")).content.decode()
    assert html.index(newer.text) < html.index(older.text)
    assert f'href="{newer.get_absolute_url()}"' in html
    assert hidden.text not in html


# Corrections tied to the record they fix (issue 9) ----------------------------------------

MINUTE = datetime.timedelta(minutes=1)  # corrections of one story differ in time


def test_quote_page_shows_the_corrections_naming_it_linked_to_the_story(client):
    quote = QuoteFactory()
    fixed = CorrectionFactory(
        article=quote.article,
        quote=quote,
        text="<b>शब्द</b> ठीक किए गए।",
        published_at=datetime.datetime(2026, 2, 11, 9, tzinfo=datetime.UTC),
    )
    other = CorrectionFactory(article=quote.article, text="बाक़ी ख़बर का सुधार")
    html = client.get(quote.get_absolute_url()).content.decode()
    box = html[html.index('class="corrections record-corrections"') :]
    assert "यह बयान" in box and "11 फ़रवरी 2026" in box and "को सुधारा गया" in box
    assert '<time datetime="2026-02-11T14:30:00+0530">' in box
    assert "&lt;b&gt;शब्द&lt;/b&gt; ठीक किए गए।" in box and "<b>शब्द" not in html
    assert f'href="{fixed.get_absolute_url()}"' in box
    assert other.text not in box  # the story's other notes stay on the story
    english = "/en" + quote.get_absolute_url()  # the English interface is under /en/
    assert "This quote was corrected on" in client.get(english).content.decode()


def test_quote_page_without_corrections_has_no_box(client):
    quote = QuoteFactory()
    assert "record-corrections" not in client.get(quote.get_absolute_url()).content.decode()


def test_profile_shows_the_corrections_naming_the_person_only_when_public(client):
    person = PersonFactory()
    article = ArticleFactory(people=[person])
    shown = CorrectionFactory(
        article=article, person=person, kind="clarification", text="पद स्पष्ट किया गया।"
    )
    # A draft's correction naming them (as loaddata could bring in) never leaks.
    hidden = CorrectionFactory(
        article=ArticleFactory(draft=True, people=[person]), person=person, text="मसौदा सुधार"
    )
    html = client.get(person.get_absolute_url()).content.decode()
    assert "यह प्रोफ़ाइल" in html and "को स्पष्ट की गई" in html
    assert shown.text in html and f'href="{shown.get_absolute_url()}"' in html
    assert hidden.text not in html


def test_record_pages_cost_the_same_queries_with_more_corrections(
    client, django_assert_num_queries
):
    person = PersonFactory()
    article = ArticleFactory(people=[person])
    quote = QuoteFactory(article=article, speaker=person)
    urls = [quote.get_absolute_url(), person.get_absolute_url()]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        counts.append(len(before))
    for n in range(5):
        at = timezone.now() - datetime.timedelta(hours=n + 2)
        CorrectionFactory(article=article, quote=quote, published_at=at)
        CorrectionFactory(article=article, person=person, published_at=at + MINUTE)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            html = client.get(url).content.decode()
        assert html.count("<li><p><strong>") == 5


def test_corrections_log_links_the_record_each_names(client):
    person = PersonFactory(name="<i>रीना</i>")
    article = ArticleFactory(people=[person])
    quote = QuoteFactory(article=article, speaker=person, text="कहा गया")
    source = quote.source
    at = timezone.now() - datetime.timedelta(hours=1)
    CorrectionFactory(article=article, quote=quote, published_at=at)
    CorrectionFactory(article=article, person=person, published_at=at + MINUTE)
    CorrectionFactory(article=article, source=source, published_at=at + 2 * MINUTE)
    plain = CorrectionFactory(article=article, text="बिना रिकॉर्ड", published_at=at + 3 * MINUTE)
    html = client.get(reverse("articles:correction-list")).content.decode()
    assert f'href="{quote.get_absolute_url()}"' in html and "सुधारा गया बयान:" in html
    assert f'href="{person.get_absolute_url()}"' in html and "सुधारी गई प्रोफ़ाइल:" in html
    assert "सुधारा गया स्रोत:" in html and source.title in html
    assert "&lt;i&gt;रीना&lt;/i&gt;" in html and "<i>रीना" not in html
    assert html.count('class="corrected-record"') == 3
    assert plain.text in html


def test_a_public_organisation_author_is_linked_where_the_source_is_shown(client):
    issuer = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic")
    release = SourceFactory(title="लॉन्च", author=None, author_organisation=issuer)
    article = ArticleFactory()
    article.sources.add(release)
    quote = QuoteFactory(article=article, source=release)
    link = f'href="{issuer.get_absolute_url()}"'
    assert link in client.get(article.get_absolute_url()).content.decode()
    assert link in client.get(quote.get_absolute_url()).content.decode()
    # Known only from a draft, the organisation has no public page: named, not linked.
    quiet = OrganisationFactory(name="गुप्त संस्था", name_latin="")
    draft_release = SourceFactory(title="ड्राफ़्ट", author=None, author_organisation=quiet)
    ArticleFactory(draft=True).sources.add(draft_release)
    other = QuoteFactory(source=draft_release)
    html = client.get(other.get_absolute_url()).content.decode()
    assert "गुप्त संस्था" in html and quiet.get_absolute_url() not in html


def test_404_page_is_in_the_sites_design(client):
    response = client.get("/कहीं-नहीं/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and 'name="robots" content="noindex"' in html


def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'class="site-header"' in html
    assert "language-switcher" not in html


@pytest.mark.parametrize("page", ["tag", "quote", "people", "corrections", "home"])
def test_every_page_query_count_is_constant(client, django_assert_num_queries, page):
    def grow(n):
        people = PersonFactory.create_batch(n)
        for person in people:
            person.tags.add("बढ़त")
        article = ArticleFactory(people=people, tags=["बढ़त", *[f"टैग{i}" for i in range(n)]])
        for person in people:
            quote = QuoteFactory(article=article, speaker=person)
            quote.tags.add("बढ़त", "और")
            CorrectionFactory(
                article=article, published_at=timezone.now() - datetime.timedelta(hours=n)
            )
        return article

    first = grow(1)
    quote = first.quotes.get()
    url = {
        "tag": reverse("articles:tag-detail", kwargs={"slug": "बढ़त"}),
        "quote": quote.get_absolute_url(),
        "people": reverse("articles:person-list"),
        "corrections": reverse("articles:correction-list"),
        "home": reverse("articles:article-list"),
    }[page]
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    grow(6)
    quote.tags.add(*[f"टैग{i}" for i in range(6)])
    with django_assert_num_queries(len(before)):
        assert client.get(url).status_code == 200


# Bylines, sections, related stories, translations (issue 8) ------------------------------


def test_byline_in_order_on_the_story_page_and_every_card(client):
    first = PersonFactory(name="रीना <b>दास</b>", name_latin="")
    second, third = PersonFactory(name="Amit Roy"), PersonFactory(name="सीमा")
    tag, section = "बायलाइन", SectionFactory()
    article = ArticleFactory(authors=[first, second, third], tags=[tag], section=section)
    QuoteFactory(article=article, speaker=first)  # so the first author has a profile entry
    byline = (
        f'<p class="byline">लेखक: <a href="{first.get_absolute_url()}">रीना &lt;b&gt;दास&lt;/b&gt;'
        f'</a>, <a href="{second.get_absolute_url()}"><span lang="en">Amit Roy</span></a> और '
        f'<a href="{third.get_absolute_url()}">सीमा</a></p>'
    )
    pages = [
        article.get_absolute_url(),
        reverse("articles:article-list"),
        reverse("articles:tag-detail", kwargs={"slug": article.tags.get().slug}),
        section.get_absolute_url(),
        reverse("articles:search") + "?q=ख़बर",
        first.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert byline in html, url
        assert "<b>दास" not in html


def test_a_story_without_authors_has_no_byline(client, seed):
    html = client.get(seed.get_absolute_url()).content.decode()
    assert 'class="byline"' not in html
    assert 'class="byline"' not in client.get(reverse("articles:article-list")).content.decode()


def test_section_page_lists_its_public_stories_newest_first(client):
    section = SectionFactory(name="टेक", name_en="Tech", description="तकनीक की ख़बरें")
    old = ArticleFactory(section=section, published_at=timezone.now() - datetime.timedelta(2))
    new = ArticleFactory(section=section)
    ArticleFactory(section=section, draft=True, headline="मसौदा टेक")
    ArticleFactory(section=section, published_at=timezone.now() + datetime.timedelta(1))
    ArticleFactory(section=SectionFactory())  # another section's
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["articles"]) == [new, old]
    html = response.content.decode()
    assert "<h1>टेक</h1>" in html and "तकनीक की ख़बरें" in html and "मसौदा टेक" not in html
    assert 'href="{}"'.format(reverse("articles:section-feed", kwargs={"slug": section.slug})) in (
        html.replace("http://testserver", "")
    )


def test_section_page_is_paginated(client):
    section = SectionFactory()
    for hours in range(21):
        ArticleFactory(
            section=section, published_at=timezone.now() - datetime.timedelta(hours=hours + 1)
        )
    first = client.get(section.get_absolute_url())
    assert len(first.context["articles"]) == 20 and 'rel="next" href="?page=2"' in (
        first.content.decode()
    )
    assert len(client.get(section.get_absolute_url(), {"page": 2}).context["articles"]) == 1


def test_empty_section_says_so_and_unknown_section_is_404(client):
    section = SectionFactory()
    ArticleFactory(section=section, draft=True)
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    assert "इस विभाग में अभी कोई ख़बर नहीं है।" in response.content.decode()
    missing = reverse("articles:section-detail", kwargs={"slug": "कहीं-नहीं"})
    assert client.get(missing).status_code == 404


def test_navigation_lists_sections_in_order_in_the_interface_language(client, settings):
    SectionFactory(name="दुनिया", name_en="World", position=2)
    desh = SectionFactory(name="देश", name_en="India", position=1)
    SectionFactory(name="बिज़नेस", name_en="", position=3)
    html = client.get(desh.get_absolute_url()).content.decode()
    nav = html[html.index('class="section-nav"') : html.index("</nav>", html.index("section-nav"))]
    assert nav.index("देश") < nav.index("दुनिया") < nav.index("बिज़नेस")
    assert f'href="{desh.get_absolute_url()}" aria-current="page">देश' in nav
    with translation.override("en"):
        html = client.get(reverse("articles:article-list")).content.decode()
    nav = html[html.index('class="section-nav"') : html.index("</nav>", html.index("section-nav"))]
    # English names; a section without one keeps its Hindi name, marked as Hindi.
    assert nav.index(">India<") < nav.index(">World<") < nav.index('<span lang="hi">बिज़नेस</span>')


def test_story_page_shows_section_and_breadcrumb(client):
    section = SectionFactory(name="टेक", name_en="Tech")
    article = ArticleFactory(section=section, headline="एआई की ख़बर")
    html = client.get(article.get_absolute_url()).content.decode()
    crumbs = html[
        html.index('<nav class="breadcrumb"') : html.index("</nav>", html.index("breadcrumb"))
    ]
    assert 'aria-label="आप यहाँ हैं"' in crumbs
    home, sect, story = (crumbs.index(s) for s in ("मुखपृष्ठ", ">टेक<", "एआई की ख़बर"))
    assert home < sect < story and 'aria-current="page"' in crumbs
    assert f'<a class="section-link" href="{section.get_absolute_url()}">टेक</a>' in html
    plain = ArticleFactory()
    crumbs = client.get(plain.get_absolute_url()).content.decode()
    assert 'class="section-link"' not in crumbs and "मुखपृष्ठ" in crumbs


def test_related_stories_under_the_story(client):
    person = PersonFactory()
    article = ArticleFactory(people=[person])
    related = ArticleFactory(headline="जुड़ी ख़बर", people=[person])
    ArticleFactory(headline="छिपी जुड़ी ख़बर", people=[person], draft=True)
    ArticleFactory(headline="असंबंधित ख़बर")
    html = client.get(article.get_absolute_url()).content.decode()
    section = html[html.index('class="related"') :]
    assert f'href="{related.get_absolute_url()}"' in section and "जुड़ी ख़बर" in section
    assert "छिपी जुड़ी ख़बर" not in html and "असंबंधित ख़बर" not in html
    lonely = ArticleFactory(people=[PersonFactory()])
    assert 'class="related"' not in client.get(lonely.get_absolute_url()).content.decode()


def test_story_and_translation_link_each_other_in_the_others_language(client):
    original = ArticleFactory(headline="मूल ख़बर", language="hi")
    english = ArticleFactory(headline="The story", language="en", translation_of=original)
    hindi_page = client.get(original.get_absolute_url()).content.decode()
    english_page = client.get(english.get_absolute_url()).content.decode()
    assert (
        f'<a href="{english.get_absolute_url()}" hreflang="en" lang="en">Read in English</a>'
        in hindi_page
    )
    assert (
        f'<a href="{original.get_absolute_url()}" hreflang="hi" lang="hi">हिंदी में पढ़ें</a>'
        in english_page
    )
    for page in (hindi_page, english_page):
        for version, hreflang in ((original, "hi"), (english, "en"), (original, "x-default")):
            assert (
                f'<link rel="alternate" hreflang="{hreflang}" '
                f'href="http://testserver{version.get_absolute_url()}">'
            ) in page


def test_a_draft_translation_is_never_linked(client):
    original = ArticleFactory(language="hi")
    draft = ArticleFactory(language="en", translation_of=original, draft=True, headline="Secret")
    html = client.get(original.get_absolute_url()).content.decode()
    # Only the page's own two interface languages: no story version is named.
    assert draft.get_absolute_url() not in html and html.count("hreflang") == 5
    assert 'class="versions"' not in html
    # Nor a draft original from its public translation.
    hidden = ArticleFactory(language="hi", draft=True)
    public = ArticleFactory(language="en", translation_of=hidden)
    html = client.get(public.get_absolute_url()).content.decode()
    assert hidden.get_absolute_url() not in html and html.count("hreflang") == 5


def test_profile_lists_written_stories_apart_from_appearances(client):
    writer = PersonFactory(newsroom_role=Person.NewsroomRole.STAFF)
    wrote = ArticleFactory(headline="लिखी ख़बर", authors=[writer])
    ArticleFactory(headline="मसौदा लेख", authors=[writer], draft=True)
    appears = ArticleFactory(headline="जिसमें हैं", people=[writer])
    response = client.get(writer.get_absolute_url())
    html = response.content.decode()
    assert list(response.context["written"]) == [wrote]
    assert [article for article, _ in response.context["entries"]] == [appears]
    assert html.index("लिखी हुई ख़बरें") < html.index("लिखी ख़बर") < html.index("जिसमें हैं")
    assert "मसौदा लेख" not in html
    assert '<p class="newsroom-role">न्यूज़रूम स्टाफ़</p>' in html
    feed = reverse("articles:author-feed", kwargs={"slug": writer.slug})
    assert f'href="{feed}"' in html
    reader = PersonFactory()
    ArticleFactory(people=[reader])
    html = client.get(reader.get_absolute_url()).content.decode()
    assert "लिखी हुई ख़बरें" not in html and "/stories/feed/" not in html


def test_written_stories_and_appearances_paginate_apart(client):
    writer = PersonFactory()
    for hours in range(21):
        moment = timezone.now() - datetime.timedelta(hours=hours + 1)
        ArticleFactory(authors=[writer], published_at=moment)
        ArticleFactory(people=[writer], published_at=moment)
    response = client.get(writer.get_absolute_url(), {"written": 2})
    assert len(response.context["written"]) == 1 and len(response.context["entries"]) == 20
    html = response.content.decode()
    assert 'href="?written=1"' in html and 'href="?page=2"' in html


def test_an_author_of_public_stories_is_public_and_of_drafts_only_is_not(client):
    author = PersonFactory()
    ArticleFactory(authors=[author])
    assert client.get(author.get_absolute_url()).status_code == 200
    assert author in Person.objects.published()
    hidden = PersonFactory()
    ArticleFactory(authors=[hidden], draft=True)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden not in Person.objects.published()


def test_500_page_needs_no_database_even_with_sections(django_assert_num_queries):
    from django.template import loader

    SectionFactory()
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "section-nav" not in html


# Organisations (issue 9) --------------------------------------------------------------


def _organisation_story(organisation, **kwargs):
    article = ArticleFactory(**kwargs)
    article.organisations.add(organisation)
    return article


def test_organisation_page_shows_names_links_people_stories_and_corrections(client):
    from articles.models import Affiliation

    org = OrganisationFactory(
        name="एंथ्रोपिक",
        name_latin="Anthropic",
        slug="anthropic",
        description="AI <कंपनी>",
        website="https://www.anthropic.com/",
        wikipedia_url="https://en.wikipedia.org/wiki/Anthropic",
        wikidata_id="Q116758847",
    )
    now = timezone.now()
    older = _organisation_story(org, headline="पुरानी ख़बर", published_at=now - datetime.timedelta(2))
    newer = _organisation_story(org, headline="नई ख़बर", people=[PersonFactory()])
    draft = _organisation_story(org, headline="मसौदा ख़बर", draft=True)
    current, former = newer.people.get(), PersonFactory(name="पुराना साथी")
    older.people.add(former)
    hidden = PersonFactory(name="छिपा व्यक्ति")  # only in a draft: never listed
    draft.people.add(hidden)
    Affiliation.objects.create(person=current, organisation=org, title="प्रमुख", position=1)
    Affiliation.objects.create(
        person=former, organisation=org, title="Researcher", ended=True, position=1
    )
    Affiliation.objects.create(person=hidden, organisation=org, title="गुप्त", position=1)
    CorrectionFactory(article=newer, organisation=org, text="संस्था का नाम सुधारा")
    CorrectionFactory(article=draft, organisation=org, text="मसौदे का सुधार")

    response = client.get(org.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>एंथ्रोपिक</h1>" in html
    assert '<p class="name-latin" lang="en">Anthropic</p>' in html
    assert "AI &lt;कंपनी&gt;" in html
    assert 'href="https://www.wikidata.org/wiki/Q116758847"' in html
    assert html.index(current.name) < html.index("पुराना साथी")  # current first
    assert "प्रमुख" in html and "Researcher" in html
    assert "छिपा व्यक्ति" not in html and "गुप्त" not in html
    assert html.index("नई ख़बर") < html.index("पुरानी ख़बर")
    assert "मसौदा ख़बर" not in html
    assert "संस्था का नाम सुधारा" in html and "मसौदे का सुधार" not in html
    assert reverse("articles:organisation-feed", kwargs={"slug": "anthropic"}) in html
    assert (
        '"@type": "Organization"' in html
        and '"@id": "http://testserver/organisations/anthropic/"' in html
    )


def test_organisation_known_only_from_drafts_answers_404(client):
    org = OrganisationFactory(slug="गुप्त-संस्था")
    _organisation_story(org, draft=True)
    assert client.get(org.get_absolute_url()).status_code == 404
    assert client.get("/organisations/कोई-नहीं/").status_code == 404


def test_organisation_page_is_paginated(client):
    org = OrganisationFactory()
    for n in range(21):
        _organisation_story(org, published_at=timezone.now() - datetime.timedelta(minutes=n))
    first = client.get(org.get_absolute_url())
    assert len(first.context["articles"]) == 20 and first.context["is_paginated"]
    assert len(client.get(org.get_absolute_url() + "?page=2").context["articles"]) == 1


@pytest.mark.parametrize("page", ["organisation", "organisations", "story"])
def test_organisation_pages_query_counts_do_not_grow(client, django_assert_num_queries, page):
    from articles.models import Affiliation

    org = OrganisationFactory()
    story = _organisation_story(org, people=[PersonFactory()])

    def grow(n):
        for _ in range(n):
            other = OrganisationFactory()
            article = _organisation_story(org, people=[PersonFactory()], tags=["क"])
            article.organisations.add(other)
            story.organisations.add(other)
            person = article.people.get()
            Affiliation.objects.create(person=person, organisation=org, title="क", position=1)
            Affiliation.objects.create(
                person=person, organisation=other, title="ख", position=2, ended=True
            )
            CorrectionFactory(article=article, organisation=org)

    url = {
        "organisation": org.get_absolute_url(),
        "organisations": reverse("articles:organisation-list"),
        "story": story.get_absolute_url(),
    }[page]
    grow(1)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    grow(6)
    with django_assert_num_queries(len(before)):
        assert client.get(url).status_code == 200


def test_organisation_index_in_both_scripts_beside_the_peoples(client):
    for name, latin in [("ओपनएआई", "OpenAI"), ("एंथ्रोपिक", "Anthropic"), ("अमेज़न", "")]:
        _organisation_story(OrganisationFactory(name=name, name_latin=latin))
    _organisation_story(OrganisationFactory(name="मसौदा संस्था"), draft=True)
    html = client.get(reverse("articles:organisation-list")).content.decode()
    assert html.index("अमेज़न") < html.index("एंथ्रोपिक") < html.index("ओपनएआई")
    assert html.index(">Anthropic<") < html.index(">OpenAI<")
    assert "मसौदा संस्था" not in html
    assert f'href="{reverse("articles:person-list")}"' in html
    people = client.get(reverse("articles:person-list")).content.decode()
    assert people.count(f'href="{reverse("articles:organisation-list")}"') == 2  # nav + index


def test_story_page_links_organisations_and_marks_quotes(client):
    org = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic", slug="anthropic")
    article = _organisation_story(org, body="Anthropic में राम ने कहा, 'सब ठीक है'।")
    quote = QuoteFactory(article=article, text="सब ठीक है")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a class="organisation-link" href="/organisations/anthropic/">Anthropic</a>' in html
    assert f'<q class="quote-mark" id="quote-{quote.position}-in-body"' in html
    assert f'href="#quote-{quote.position}-in-body"' in html  # the quote list links back
