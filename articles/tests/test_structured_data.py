"""JSON-LD (articles/structured_data.py, the jsonld tag) and the page head (page_meta)."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Person
from articles.structured_data import to_script_json
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

HOSTILE = '</script><script>alert(1)</script> & <!-- "quoted" \u2028'


class _HeadParser(HTMLParser):
    """Collects JSON-LD blocks (raw text, as a browser sees it), <meta> and <link> tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.jsonld, self.meta, self.links, self.scripts = [], {}, [], 0
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
            self._in_jsonld = attrs.get("type") == "application/ld+json"
            if self._in_jsonld:
                self.jsonld.append("")
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(
                attrs["content"]
            )
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def parse_head(response):
    parser = _HeadParser()
    parser.feed(response.content.decode())
    return parser


def only_jsonld(response):
    """The page's one main JSON-LD block (an article page also has its BreadcrumbList)."""
    blocks = [json.loads(block) for block in parse_head(response).jsonld]
    main = [block for block in blocks if block["@type"] != "BreadcrumbList"]
    assert len(main) == 1, blocks
    return main[0]


def breadcrumbs_jsonld(response):
    (crumbs,) = [
        block
        for block in map(json.loads, parse_head(response).jsonld)
        if block["@type"] == "BreadcrumbList"
    ]
    return crumbs


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def test_to_script_json_round_trips_and_cannot_close_the_script():
    data = {"text": HOSTILE, "hindi": "मृणांक शर्मा"}
    out = to_script_json(data)
    assert json.loads(out) == data
    assert not set("<>&") & set(out)
    assert "मृणांक शर्मा" in out


def test_article_page_has_news_article_with_people_and_corrections(client, seed):
    person = Person.objects.get(slug="मृणांक-शर्मा")
    person.wikidata_id = "Q42"
    person.wikipedia_url = "https://hi.wikipedia.org/wiki/उदाहरण"
    person.save()
    first = CorrectionFactory(article=seed, text="पहला सुधार")
    second = CorrectionFactory(article=seed, text="दूसरा सुधार", kind="update")
    response = client.get(seed.get_absolute_url())
    data = only_jsonld(response)
    url = f"http://testserver{seed.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == seed.headline
    assert data["url"] == data["mainEntityOfPage"] == url
    assert data["inLanguage"] == "hi"
    assert data["datePublished"].startswith("2026-02-10T")
    assert data["dateModified"] >= data["datePublished"]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Newsroom",
        "url": "http://testserver/",
    }
    assert data["author"]["name"] == "Newsroom"
    about = {p["name"]: p for p in data["about"] if p["@type"] == "Person"}
    assert set(about) == {p.name for p in seed.people.all()}
    sharma = about["मृणांक शर्मा"]
    assert sharma["url"] == f"http://testserver{person.get_absolute_url()}"
    assert sharma["sameAs"] == [
        "https://hi.wikipedia.org/wiki/उदाहरण",
        "https://www.wikidata.org/wiki/Q42",
    ]
    assert "Mrinank Sharma" in sharma["alternateName"]
    assert [c["text"] for c in data["correction"]] == [second.text, first.text]
    assert {c["@type"] for c in data["correction"]} == {"CorrectionComment"}
    assert data["correction"][0]["datePublished"]
    assert set(data["keywords"]) == {t.name for t in seed.tags.all()}


def test_quoted_speaker_who_is_not_featured_is_mentioned(client):
    featured = PersonFactory(name="फ़ीचर")
    article = ArticleFactory(people=[featured])
    quote = QuoteFactory(article=article, speaker__name="केवल उद्धृत")
    data = only_jsonld(client.get(article.get_absolute_url()))
    assert [p["name"] for p in data["about"]] == ["फ़ीचर"]
    assert [p["name"] for p in data["mentions"]] == [quote.speaker.name]


def test_hostile_editor_text_cannot_end_the_json_ld_block(client):
    person = PersonFactory(name=HOSTILE, description=HOSTILE)
    article = ArticleFactory(headline=HOSTILE, summary=HOSTILE, people=[person])
    CorrectionFactory(article=article, text=HOSTILE)
    response = client.get(article.get_absolute_url())
    parser = parse_head(response)
    # Exactly two script elements: the JSON-LD blocks. An injected </script><script> would
    # add one.
    assert parser.scripts == 2
    data = json.loads(parser.jsonld[0])
    assert data["headline"] == HOSTILE
    assert data["description"] == HOSTILE
    assert data["about"][0]["name"] == HOSTILE
    assert data["correction"][0]["text"] == HOSTILE
    assert "alert(1)</script>" not in response.content.decode().split("</head>")[0]

    data = only_jsonld(client.get(person.get_absolute_url()))
    assert data["mainEntity"]["name"] == HOSTILE


def test_profile_page_has_person_as_main_entity(client, seed):
    person = Person.objects.get(slug="आकाश-गुप्ता")
    data = only_jsonld(client.get(person.get_absolute_url()))
    assert data["@type"] == "ProfilePage"
    assert data["url"] == f"http://testserver{person.get_absolute_url()}"
    entity = data["mainEntity"]
    assert entity["@type"] == "Person"
    assert entity["name"] == "आकाश गुप्ता"
    assert entity["alternateName"] == ["Akash Gupta", "आकाश"]
    assert entity["description"] == person.description
    assert "sameAs" not in entity  # the seed gives no links; none are invented


def test_quotation_data(rf):
    from articles.structured_data import quotation_data

    letter = SourceFactory(
        title="इस्तीफे का पत्र", url="https://example.com/letter", author_name="स्वयं"
    )
    quote = QuoteFactory(
        text="दुनिया ख़तरे में है।",
        source=SourceFactory(title="रिपोर्ट", based_on=letter, author=PersonFactory()),
        original_text="The world is in peril.",
        original_language="en",
    )
    data = quotation_data(quote, rf.get("/"))
    assert data["@type"] == "Quotation"
    assert data["text"] == "दुनिया ख़तरे में है।"
    assert data["inLanguage"] == "hi"
    assert data["creator"]["@type"] == "Person"
    assert data["creator"]["name"] == quote.speaker.name
    assert data["isBasedOn"]["name"] == "रिपोर्ट"
    assert data["isBasedOn"]["author"]["@type"] == "Person"
    assert data["translationOfWork"] == {
        "@type": "Quotation",
        "text": "The world is in peril.",
        "inLanguage": "en",
    }
    assert data["isPartOf"]["url"] == f"http://testserver{quote.article.get_absolute_url()}"
    assert json.loads(to_script_json(data))["text"] == quote.text

    no_source = QuoteFactory(source=None)
    assert quotation_data(no_source, rf.get("/"))["isBasedOn"] == (
        f"http://testserver{no_source.article.get_absolute_url()}"
    )


def test_corrections_naming_a_quote_or_person_are_in_their_jsonld(client):
    person = PersonFactory()
    article = ArticleFactory(people=[person])
    quote = QuoteFactory(article=article, speaker=person)
    on_quote = CorrectionFactory(article=article, quote=quote, text="शब्द ठीक किए।")
    CorrectionFactory(
        article=article,
        person=person,
        text="पद ठीक किया।",
        published_at=on_quote.published_at - datetime.timedelta(hours=1),
    )
    CorrectionFactory(
        article=article,
        text="ख़बर का सुधार",
        published_at=on_quote.published_at - datetime.timedelta(hours=2),
    )
    quotation = only_jsonld(client.get(quote.get_absolute_url()))
    assert quotation["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "शब्द ठीक किए।",
            "datePublished": timezone.localtime(on_quote.published_at).isoformat(),
            "url": f"http://testserver{on_quote.get_absolute_url()}",
        }
    ]
    profile = only_jsonld(client.get(person.get_absolute_url()))
    assert [c["text"] for c in profile["correction"]] == ["पद ठीक किया।"]
    # The story carries all three, through the same builder.
    story = only_jsonld(client.get(article.get_absolute_url()))
    assert len(story["correction"]) == 3
    assert story["correction"][0] == quotation["correction"][0]
    plain = QuoteFactory()
    assert "correction" not in only_jsonld(client.get(plain.get_absolute_url()))


def test_a_source_by_an_organisation_has_an_organization_author(client):
    issuer = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic")
    release = SourceFactory(title="लॉन्च", author=None, author_organisation=issuer)
    article = ArticleFactory()
    article.sources.add(release)
    quote = QuoteFactory(article=article, source=release)
    author = only_jsonld(client.get(quote.get_absolute_url()))["isBasedOn"]["author"]
    assert author["@type"] == "Organization"
    assert author["name"] == "एंथ्रोपिक"
    assert author["url"] == f"http://testserver{issuer.get_absolute_url()}"
    # An organisation without a public page is named, with no link to a page that is 404.
    quiet = OrganisationFactory(name="गुप्त संस्था")
    hidden = QuoteFactory(source=SourceFactory(author=None, author_organisation=quiet))
    author = only_jsonld(client.get(hidden.get_absolute_url()))["isBasedOn"]["author"]
    assert author == {"@type": "Organization", "name": "गुप्त संस्था"}


def test_jsonld_tag_refuses_an_object_it_does_not_know():
    from django.template import TemplateSyntaxError

    template = Template("{% load seo %}{% jsonld thing %}")
    with pytest.raises(TemplateSyntaxError, match="no structured data"):
        template.render(Context({"thing": object(), "request": RequestFactory().get("/")}))


# Open Graph, Twitter, canonical -----------------------------------------------------


def test_article_head_has_open_graph_twitter_and_canonical(client, seed):
    response = client.get(seed.get_absolute_url() + "?utm_source=x")
    head = parse_head(response)
    url = f"http://testserver{seed.get_absolute_url()}"
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [url]  # absolute, and without the tracking query
    meta = head.meta
    assert meta["og:type"] == ["article"]
    assert meta["og:url"] == [url]
    assert meta["og:locale"] == ["hi_IN"]
    assert meta["og:title"] == [seed.headline]
    assert meta["og:description"][0] == meta["description"][0]
    assert meta["og:description"][0].startswith(seed.summary[:50])
    assert meta["article:published_time"][0].startswith("2026-02-10T00:00:00+05:30")
    assert meta["article:modified_time"]
    assert set(meta["article:tag"]) == {t.name for t in seed.tags.all()}
    assert meta["twitter:card"] == ["summary"]
    assert meta["twitter:title"] == [seed.headline]


def test_profile_head_is_og_profile_and_advertises_the_persons_feed(client, seed):
    person = Person.objects.get(slug="मृणांक-शर्मा")
    head = parse_head(client.get(person.get_absolute_url()))
    assert head.meta["og:type"] == ["profile"]
    assert head.meta["og:title"] == ["मृणांक शर्मा"]
    assert head.meta["description"] == [person.description]
    feeds = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert feeds[0] == "http://testserver" + reverse(
        "articles:person-feed", kwargs={"slug": person.slug}
    )
    assert any(href.endswith("/feeds/rss/") for href in feeds)


def test_home_advertises_rss_and_atom(client, seed):
    head = parse_head(client.get("/?page=1&utm=x"))
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver/"]
    feeds = {
        link["type"]: link["href"]
        for link in head.links
        if link.get("rel") == "alternate" and "type" in link
    }
    assert feeds == {
        "application/rss+xml": "http://testserver/feeds/rss/",
        "application/atom+xml": "http://testserver/feeds/atom/",
    }
    assert head.meta["og:type"] == ["website"]
    assert head.jsonld == []


@pytest.mark.parametrize(
    ("language", "locale"),
    [("hi", "hi_IN"), ("en", "en_IN"), ("en-GB", "en_GB"), ("hi-Deva-IN", "hi_IN"), ("", "hi_IN")],
)
def test_og_locale(language, locale):
    from articles.templatetags.seo import og_locale

    assert og_locale(language) == locale


def test_canonical_of_a_list_keeps_only_the_page_number(rf):
    template = Template("{% load seo %}{% page_meta title='सूची' %}")
    request = rf.get("/people/", {"page": "2", "utm_source": "x", "q": "y"})
    html = template.render(Context({"request": request}))
    assert '<link rel="canonical" href="http://testserver/people/?page=2">' in html
    assert '<meta property="og:title" content="सूची">' in html
    first = template.render(Context({"request": rf.get("/people/", {"page": "1"})}))
    assert '<link rel="canonical" href="http://testserver/people/">' in first


def test_hostile_text_in_meta_tags_is_escaped(client):
    hostile = '"><script>alert(1)</script>'
    article = ArticleFactory(headline=hostile, summary=hostile, tags=[hostile[:30]])
    response = client.get(article.get_absolute_url())
    head = parse_head(response)
    assert head.scripts == 2  # the JSON-LD only: NewsArticle and BreadcrumbList
    assert head.meta["og:title"] == [hostile]
    assert head.meta["twitter:description"] == [hostile]
    assert head.meta["article:tag"] == [hostile[:30]]


def test_tag_page_advertises_the_tags_feed(client):
    article = ArticleFactory(tags=["इस्तीफ़ा"])
    tag = article.tags.get()
    head = parse_head(client.get(reverse("articles:tag-detail", kwargs={"slug": tag.slug})))
    feeds = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert feeds[0] == "http://testserver" + reverse("articles:tag-feed", kwargs={"slug": tag.slug})
    assert head.meta["og:type"] == ["website"]
    assert head.meta["og:title"] == ["इस्तीफ़ा"]


def test_a_draft_has_no_publication_date_in_its_structured_data(rf):
    from articles.structured_data import article_data

    draft = ArticleFactory(draft=True)
    data = article_data(draft, rf.get("/"))
    assert "datePublished" not in data
    assert data["dateModified"]
    html = Template("{% load seo %}{% page_meta article %}").render(
        Context({"article": draft, "request": rf.get("/")})
    )
    assert "article:published_time" not in html
    assert "article:modified_time" in html


# Bylines, sections, breadcrumbs, translations (issue 8) ----------------------------------


def test_author_is_one_person_per_byline_name_in_order(client):
    first = PersonFactory(name="रीना दास", wikidata_id="Q7")
    second = PersonFactory(name="Amit Roy")
    article = ArticleFactory(authors=[first, second])
    data = only_jsonld(client.get(article.get_absolute_url()))
    assert [author["name"] for author in data["author"]] == ["रीना दास", "Amit Roy"]
    assert data["author"][0] == {
        "@type": "Person",
        "name": "रीना दास",
        "url": f"http://testserver{first.get_absolute_url()}",
        "alternateName": [first.name_latin],
        "description": first.description,
        "sameAs": ["https://www.wikidata.org/wiki/Q7"],
    }
    assert all(author["@type"] == "Person" and author["url"] for author in data["author"])
    assert data["publisher"]["@type"] == "NewsMediaOrganization"


def test_story_without_byline_keeps_the_newsroom_as_author(client, seed):
    data = only_jsonld(client.get(seed.get_absolute_url()))
    assert data["author"] == data["publisher"]


def test_article_section_is_named_in_the_storys_language(client, settings):
    section = SectionFactory(name="टेक", name_en="Tech")
    hindi = ArticleFactory(section=section, language="hi")
    english = ArticleFactory(section=section, language="en-IN", headline="Tech story")
    assert only_jsonld(client.get(hindi.get_absolute_url()))["articleSection"] == "टेक"
    # Whatever the interface language: the story's own.
    with translation.override("en"):  # the English interface: /en/ URLs
        assert only_jsonld(client.get(hindi.get_absolute_url()))["articleSection"] == "टेक"
        assert only_jsonld(client.get(english.get_absolute_url()))["articleSection"] == "Tech"
    assert "articleSection" not in only_jsonld(client.get(ArticleFactory().get_absolute_url()))


def test_breadcrumb_list_is_home_section_story(client):
    section = SectionFactory(name="टेक")
    article = ArticleFactory(section=section, headline="एआई")
    crumbs = breadcrumbs_jsonld(client.get(article.get_absolute_url()))
    assert crumbs["@context"] == "https://schema.org"
    assert crumbs["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "मुखपृष्ठ", "item": "http://testserver/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "टेक",
            "item": f"http://testserver{section.get_absolute_url()}",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "एआई",
            "item": f"http://testserver{article.get_absolute_url()}",
        },
    ]
    plain = ArticleFactory()
    crumbs = breadcrumbs_jsonld(client.get(plain.get_absolute_url()))
    assert [crumb["position"] for crumb in crumbs["itemListElement"]] == [1, 2]


def test_translations_point_at_each_other(client):
    original = ArticleFactory(language="hi", headline="मूल")
    english = ArticleFactory(language="en", headline="Original", translation_of=original)
    ArticleFactory(language="ur", translation_of=original, draft=True)  # never named
    data = only_jsonld(client.get(original.get_absolute_url()))
    english_url = f"http://testserver{english.get_absolute_url()}"
    assert data["workTranslation"] == [
        {
            "@type": "NewsArticle",
            "@id": english_url,
            "url": english_url,
            "headline": "Original",
            "inLanguage": "en",
        }
    ]
    assert "translationOfWork" not in data
    data = only_jsonld(client.get(english.get_absolute_url()))
    assert data["translationOfWork"]["url"] == f"http://testserver{original.get_absolute_url()}"
    assert data["translationOfWork"]["inLanguage"] == "hi"
    assert "workTranslation" not in data


def test_a_draft_original_is_not_named_by_its_translation(client):
    original = ArticleFactory(language="hi", draft=True)
    english = ArticleFactory(language="en", translation_of=original)
    data = only_jsonld(client.get(english.get_absolute_url()))
    assert "translationOfWork" not in data


# Organisations (issue 9) --------------------------------------------------------------


def test_organisation_page_carries_an_organization_with_same_as(client):
    org = OrganisationFactory(
        name="एंथ्रोपिक",
        name_latin="Anthropic",
        aliases="एंथ्रॉपिक",
        slug="anthropic",
        description=HOSTILE,
        website="https://www.anthropic.com/",
        wikidata_id="Q116758847",
    )
    ArticleFactory(organisations=[org])
    response = client.get(org.get_absolute_url())
    parser = parse_head(response)
    assert parser.scripts == 1 and "</script><script>" not in parser.jsonld[0]
    data = json.loads(parser.jsonld[0])
    url = "http://testserver/organisations/anthropic/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization" and data["@id"] == data["url"] == url
    assert data["name"] == "एंथ्रोपिक"
    assert data["alternateName"] == ["Anthropic", "एंथ्रॉपिक"]
    assert data["description"] == HOSTILE
    assert data["sameAs"] == [
        "https://www.anthropic.com/",
        "https://www.wikidata.org/wiki/Q116758847",
    ]


def test_news_article_is_about_its_people_and_organisations(client, seed):
    data = only_jsonld(client.get(seed.get_absolute_url()))
    kinds = {}
    for node in data["about"]:
        kinds.setdefault(node["@type"], set()).add(node["name"])
    assert kinds["Person"] == {p.name for p in seed.people.all()}
    assert kinds["Organization"] == {o.name for o in seed.organisations.all()} != set()
    anthropic = next(n for n in data["about"] if n["url"].endswith("/organisations/anthropic/"))
    assert "Anthropic" in anthropic["alternateName"]


def test_an_organisation_issuing_a_cited_source_is_mentioned(client):
    about = OrganisationFactory(name="विषय")
    issuer = OrganisationFactory(name="जारीकर्ता")
    article = ArticleFactory(organisations=[about])
    article.sources.add(
        SourceFactory(author_organisation=issuer), SourceFactory(author_organisation=about)
    )
    data = only_jsonld(client.get(article.get_absolute_url()))
    assert [n["name"] for n in data["about"] if n["@type"] == "Organization"] == ["विषय"]
    assert [n["name"] for n in data["mentions"]] == ["जारीकर्ता"]


# Roles as they were on the day (articles.affiliations) ---------------------------------


def test_seed_quotation_names_the_role_its_speaker_then_held(client, seed):
    """मृणांक शर्मा's letter is of the story's date, when he still headed Safeguards
    Research; the role has ended since, so it is a past tie (alumniOf), not a jobTitle."""
    quote = seed.quotes.get(position=3)
    creator = only_jsonld(client.get(quote.get_absolute_url()))["creator"]
    assert creator["name"] == "मृणांक शर्मा"
    assert "jobTitle" not in creator and "worksFor" not in creator
    (role,) = creator["alumniOf"]
    assert role["@type"] == "OrganizationRole"
    assert role["roleName"] == "सेफगार्ड रिसर्च टीम के हेड"
    assert "startDate" not in role and "endDate" not in role  # no date is invented
    assert role["alumniOf"]["@type"] == "Organization"
    assert role["alumniOf"]["name"] == "एंथ्रोपिक"
    assert role["alumniOf"]["url"] == "http://testserver" + reverse(
        "articles:organisation-detail", kwargs={"slug": "anthropic"}
    )


def test_a_quotation_of_a_role_still_held_has_its_job_title(client):
    organisation = OrganisationFactory(name="ओपनएआई", name_latin="OpenAI")
    person = PersonFactory()
    person.affiliations.create(organisation=organisation, title="प्रमुख", title_en="Head", position=1)
    article = ArticleFactory(language="en", organisations=[organisation])
    quote = QuoteFactory(article=article, speaker=person)
    creator = only_jsonld(client.get(quote.get_absolute_url()))["creator"]
    # The title in the story's language (English here), where the desk has one.
    assert creator["jobTitle"] == "Head"
    assert creator["worksFor"][0]["roleName"] == "Head"
    assert creator["worksFor"][0]["worksFor"]["name"] == "ओपनएआई"
    assert "alumniOf" not in creator


def test_profile_person_lists_current_roles_as_works_for_and_past_ones_as_alumni_of(client, seed):
    dylan = Person.objects.get(slug="dylan-scandinaro")
    person = only_jsonld(client.get(dylan.get_absolute_url()))["mainEntity"]
    assert person["jobTitle"] == "Head of Preparedness"
    (now,) = person["worksFor"]
    assert (now["roleName"], now["worksFor"]["name"]) == ("Head of Preparedness", "OpenAI")
    (before,) = person["alumniOf"]
    assert (before["roleName"], before["alumniOf"]["name"]) == (
        "AI सेफ्टी टीम के सदस्य",
        "एंथ्रोपिक",
    )
    akash = Person.objects.get(slug="आकाश-गुप्ता")
    person = only_jsonld(client.get(akash.get_absolute_url()))["mainEntity"]
    assert person["description"] == "AI कमेंटेटर"
    assert not {"jobTitle", "worksFor", "alumniOf"} & set(person)


def test_a_role_at_a_private_organisation_names_it_without_linking_it(client):
    hidden = OrganisationFactory(name="गुप्त संस्था")
    ArticleFactory(draft=True, organisations=[hidden])
    person = PersonFactory()
    person.affiliations.create(organisation=hidden, title="सलाहकार", position=1)
    quote = QuoteFactory(speaker=person)
    creator = only_jsonld(client.get(quote.get_absolute_url()))["creator"]
    assert creator["worksFor"][0]["worksFor"] == {"@type": "Organization", "name": "गुप्त संस्था"}
