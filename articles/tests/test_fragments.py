"""``{% per_generation %}`` (articles/templatetags/fragments.py): the parts of a page kept per
content generation, here the story page's. A request the page cache cannot answer (a query
string of its own) reads the story's row and nothing else, shows what was just written, and
gets the bytes a full render gives; the story's row is kept too."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Affiliation
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(page_cache_on, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    yield
    translation.activate("hi")


@pytest.fixture
def story():
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma")
    organisation = OrganisationFactory(name="सेफ़्टी संस्था")
    Affiliation.objects.create(person=person, organisation=organisation, title="शोधकर्ता")
    article = ArticleFactory(
        headline="पुरानी सुर्ख़ी",
        body="मृणांक शर्मा ने कहा: पहला अनुच्छेद।",
        people=[person],
        organisations=[organisation],
        tags=["सेफ्टी"],
    )
    article.byline.create(person=PersonFactory(name="संवाददाता"), position=0)
    QuoteFactory(article=article, speaker=person, text="पहला अनुच्छेद।")
    CorrectionFactory(article=article, text="पहला सुधार।")
    ArticleFactory(headline="जुड़ी ख़बर", people=[person])
    return article


def test_a_page_the_page_cache_cannot_answer_reads_nothing_more(
    client, settings, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    first = client.get(url + "?utm_source=a").content
    with django_assert_num_queries(0):
        second = client.get(url + "?utm_source=b").content
    settings.PAGE_CACHE = False
    assert first == second == client.get(url + "?utm_source=c").content
    assert "मृणांक शर्मा" in second.decode() and "जुड़ी ख़बर" in second.decode()


def edit_headline(article):
    article.headline = "नई सुर्ख़ी"
    article.save()


def rename_person(article):
    person = article.people.get()
    person.name = "मृणांक वर्मा"
    person.save()


def edit_quote(article):
    quote = article.quotes.get()
    quote.text = "नया कथन।"
    quote.save()


def edit_role(article):
    role = Affiliation.objects.get()
    role.title = "निदेशक"
    role.save()


# Each write and what the next request must show.
EDITS = {
    "headline": (edit_headline, "नई सुर्ख़ी"),
    "person": (rename_person, "मृणांक वर्मा"),
    "quote": (edit_quote, "नया कथन।"),
    "role": (edit_role, "निदेशक"),
    "correction": (lambda a: CorrectionFactory(article=a, text="दूसरा सुधार।"), "दूसरा सुधार।"),
    "tag": (lambda a: a.tags.add("नया टैग"), "नया टैग"),
    "related": (
        lambda a: ArticleFactory(headline="नई जुड़ी ख़बर", people=list(a.people.all())),
        "नई जुड़ी ख़बर",
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_part_shows_a_write_on_the_next_request(client, story, edit):
    url = story.get_absolute_url()
    client.get(url + "?a")
    write, shown = EDITS[edit]
    write(story)
    html = client.get(url + "?b").content.decode()
    assert shown in html, edit
    if edit == "headline":  # the title, the metadata and the JSON-LD are parts of their own
        assert html.count("नई सुर्ख़ी") >= 4


def test_parts_vary_on_the_language_the_host_and_the_content_parameters(client, story):
    url = story.get_absolute_url()
    hindi = client.get(url + "?a").content.decode()
    english = client.get("/en" + url + "?a").content.decode()
    assert 'lang="hi"' in hindi and '<html lang="en"' in english
    assert "Quotes in this story" in english and "Quotes in this story" not in hindi
    mirror = client.get(url + "?b", HTTP_HOST="mirror.example").content.decode()
    assert "http://mirror.example/" in mirror and "http://mirror.example/" not in hindi
    # The alternates (a part) name the page numbers a request carries.
    alternate = re.compile(r'<link rel="alternate" hreflang="en" href="[^"]*\?page=2"')
    assert alternate.search(client.get(url + "?page=2").content.decode())
    assert not alternate.search(client.get(url + "?c").content.decode())


def render(source, **context):
    request = RequestFactory().get("/")
    return Template("{% load fragments %}" + source).render(
        Context({"request": request, **context})
    )


def test_what_is_kept_is_the_escaped_output_served_unchanged():
    calls = []

    def value():
        calls.append(1)
        return "<script>alert(1)</script>"

    source = "{% per_generation 'x' 1 %}{{ value }}{% endper_generation %}"
    first, second = render(source, value=value), render(source, value=value)
    assert first == second == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert len(calls) == 1
    assert render("{% per_generation 'x' 2 %}{{ value }}{% endper_generation %}", value=value)
    assert len(calls) == 2  # another value after the name, another part


def test_a_preview_is_rendered_every_time_and_never_kept():
    calls = []
    source = "{% per_generation 'x' 1 %}{{ value }}{% endper_generation %}"
    for _ in range(2):
        render(source, value=lambda: calls.append(1) or "draft", preview=True)
    assert len(calls) == 2
    render(source, value=lambda: calls.append(1) or "public")
    assert render(source, value=lambda: "other") == "public"


def test_a_scheduled_story_ends_what_is_kept_at_its_time(client, story):
    soon = timezone.now() + timezone.timedelta(seconds=30)
    ArticleFactory(headline="तय समय की ख़बर", people=list(story.people.all()), published_at=soon)
    url = story.get_absolute_url()
    assert "तय समय की ख़बर" not in client.get(url + "?a").content.decode()
    original_now = timezone.now
    try:
        timezone.now = lambda: soon + timezone.timedelta(seconds=1)
        assert "तय समय की ख़बर" in client.get(url + "?b").content.decode()
    finally:
        timezone.now = original_now


def test_the_tag_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="needs a name"):
        Template("{% load fragments %}{% per_generation %}x{% endper_generation %}")


def test_a_preview_finds_its_story_afresh_so_the_permission_is_checked_each_time(
    client, admin_user, django_user_model
):
    draft = ArticleFactory(draft=True)
    url = reverse("articles:article-preview", args=[draft.pk])
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
