"""Roles as they were on the day (articles/affiliations.py): the rule, its wording, and every
page a quote or a person's role appears on, at a flat number of queries."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles import affiliations
from articles.models import Affiliation, Organisation, Person
from articles.templatetags.affiliations import role_dates
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

D = datetime.date
TODAY = D(2026, 12, 1)


def role(position, *, start=None, end=None, ended=False, title=None, pk=None):
    """An unsaved role for the pure rule: only what role_on reads."""
    return Affiliation(
        pk=pk or position,
        position=position,
        title=title or f"role {position}",
        started_on=start,
        ended_on=end,
        ended=ended or end is not None,
        body_name="body",
    )


def chosen(roles, on):
    found = affiliations.role_on(roles, on, today=TODAY)
    return found.title if found else None


# The rule ---------------------------------------------------------------------------


def test_a_known_interval_holds_on_its_dates_and_not_outside_them():
    roles = [role(1, start=D(2020, 1, 1), end=D(2022, 12, 31))]
    assert chosen(roles, D(2020, 1, 1)) == "role 1"
    assert chosen(roles, D(2022, 12, 31)) == "role 1"
    assert chosen(roles, D(2019, 12, 31)) is None
    assert chosen(roles, D(2023, 1, 1)) is None


def test_open_ends_count_as_open():
    ongoing = [role(1, start=D(2024, 3, 1))]
    assert chosen(ongoing, D(2026, 1, 1)) == "role 1"
    assert chosen(ongoing, D(2024, 2, 29)) is None
    until = [role(1, end=D(2021, 6, 30))]
    assert chosen(until, D(2010, 1, 1)) == "role 1"
    assert chosen(until, D(2021, 7, 1)) is None


def test_a_title_that_changed_gives_each_date_its_own_role():
    roles = [
        role(1, start=D(2020, 1, 1), end=D(2023, 12, 31), title="reporter"),
        role(2, start=D(2024, 1, 1), title="editor"),
    ]
    assert chosen(roles, D(2022, 5, 1)) == "reporter"
    assert chosen(roles, D(2025, 3, 1)) == "editor"


def test_undated_roles_go_by_career_order():
    roles = [role(1, ended=True, title="first"), role(2, title="second")]
    # The latest role that has not provably started after the date.
    assert chosen(roles, D(2025, 1, 1)) == "second"
    assert chosen(list(reversed(roles)), D(2025, 1, 1)) == "second"  # order of the rows


def test_a_role_after_one_that_started_later_cannot_have_been_held():
    roles = [role(1, title="old"), role(2, start=D(2024, 1, 1), title="dated"), role(3)]
    # On 2023-06-01 the dated role had not begun, so neither had role 3 after it.
    assert chosen(roles, D(2023, 6, 1)) == "old"
    assert chosen(roles, D(2024, 6, 1)) == "dated"


def test_a_role_ended_at_an_unknown_time_may_be_an_older_dates_role_but_not_todays():
    roles = [role(1, ended=True, title="resigned")]
    assert chosen(roles, D(2026, 2, 10)) == "resigned"
    assert chosen(roles, TODAY) is None


def test_a_dated_role_is_better_evidence_than_an_undated_one():
    roles = [role(1, start=D(2020, 1, 1), title="dated"), role(2, title="undated")]
    assert chosen(roles, D(2021, 1, 1)) == "dated"
    # Two roles held at once: the latest in the career order.
    both = [role(1, start=D(2020, 1, 1), title="a"), role(2, start=D(2021, 1, 1), title="b")]
    assert chosen(both, D(2022, 1, 1)) == "b"


def test_no_role_on_a_date_before_the_career():
    assert chosen([role(1, start=D(2020, 1, 1))], D(2019, 1, 1)) is None
    assert chosen([], D(2019, 1, 1)) is None


# Wording ----------------------------------------------------------------------------


@pytest.fixture
def career(db):
    """A reporter who became an editor (dates known), at a public organisation, and the
    story with two quotes said on either side of the change."""
    organisation = OrganisationFactory(name="दैनिक समाचार", name_latin="Daily News")
    person = PersonFactory(name="सीमा राव", name_latin="Seema Rao", description="पत्रकार")
    source = SourceFactory(title="नियुक्ति की घोषणा", url="https://example.org/announcement")
    AffiliationFactory(
        person=person,
        organisation=organisation,
        title="संवाददाता",
        title_en="Correspondent",
        started_on=D(2020, 1, 1),
        ended_on=D(2023, 12, 31),
        ended=True,
        position=1,
    )
    AffiliationFactory(
        person=person,
        organisation=organisation,
        title="संपादक",
        title_en="Editor",
        started_on=D(2024, 1, 1),
        source=source,
        position=2,
    )
    article = ArticleFactory(
        body="उन्होंने कहा 'पहली बात'। फिर कहा 'दूसरी बात'।",
        people=[person],
        organisations=[organisation],
    )
    old = QuoteFactory(article=article, speaker=person, text="पहली बात", said_on=D(2022, 5, 1))
    new = QuoteFactory(article=article, speaker=person, text="दूसरी बात", said_on=D(2025, 3, 1))
    return {
        "person": person,
        "organisation": organisation,
        "article": article,
        "old": old,
        "new": new,
        "source": source,
    }


THEN = "तत्कालीन संवाददाता, दैनिक समाचार"
NOW = "संपादक, दैनिक समाचार"


def test_describe_words_a_past_role_as_then_and_a_current_one_plainly(career):
    person = Person.objects.prefetch_related("affiliations__organisation").get()
    with translation.override("hi"):
        assert str(affiliations.describe(person, D(2022, 5, 1))) == THEN
        assert str(affiliations.describe(person, D(2025, 3, 1))) == NOW
        assert str(affiliations.describe(person, D(2019, 1, 1))) == "पत्रकार"  # the fallback
    with translation.override("en"):
        assert str(affiliations.describe(person, D(2022, 5, 1))) == (
            "then Correspondent, Daily News"
        )
        assert str(affiliations.describe(person, D(2025, 3, 1))) == "Editor, Daily News"


def test_a_quote_without_a_date_said_takes_its_storys_local_publication_date(db):
    # 20:00 UTC on 1 January is 2 January in India.
    article = ArticleFactory(published_at=datetime.datetime(2024, 1, 1, 20, tzinfo=datetime.UTC))
    quote = QuoteFactory(article=article, said_on=None)
    assert affiliations.quote_date(quote) == D(2024, 1, 2)
    quote.said_on = D(2023, 7, 7)
    assert affiliations.quote_date(quote) == D(2023, 7, 7)


@translation.override("en")
def test_role_dates_say_what_is_known():
    assert role_dates(role(1)) == ""
    assert role_dates(role(1, ended=True)) == "ended"
    assert "since" in role_dates(role(1, start=D(2024, 1, 1)))
    assert "until" in role_dates(role(1, end=D(2024, 1, 1)))
    assert 'datetime="2024-01-01"' in role_dates(role(1, start=D(2024, 1, 1)))


# Every page a quote appears on ----------------------------------------------------------


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text_of(html):
    """The page's text, tags dropped (the role's words are marked with lang)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def quote_caption(html, quote):
    """The text of the quote's figure on a page listing several."""
    start = html.index(f'id="quote-{quote.position}"')
    return text_of(html[start : html.index("</figure>", start)])


def test_story_page_describes_each_quote_by_the_role_of_its_own_date(client, career):
    html = html_of(client, career["article"].get_absolute_url())
    assert THEN in quote_caption(html, career["old"])
    old, new = quote_caption(html, career["old"]), quote_caption(html, career["new"])
    assert NOW in new and "तत्कालीन" not in new
    assert NOW not in old


def test_story_people_box_shows_the_role_of_the_storys_date(client, career):
    html = html_of(client, career["article"].get_absolute_url())
    box = html[html.index('id="people-heading"') :]
    box = text_of(box[: box.index("</section>")])
    assert NOW in box  # the story is from today's career: editor
    article = career["article"]
    article.published_at = datetime.datetime(2022, 1, 1, 12, tzinfo=datetime.UTC)
    article.save()
    html = html_of(client, article.get_absolute_url())
    box = html[html.index('id="people-heading"') :]
    assert THEN in text_of(box[: box.index("</section>")])


def test_quote_pages_describe_the_speaker_as_of_the_quote(client, career):
    old = text_of(html_of(client, career["old"].get_absolute_url()))
    new = text_of(html_of(client, career["new"].get_absolute_url()))
    assert THEN in old and NOW not in old
    assert NOW in new and "तत्कालीन" not in new


def test_profile_describes_each_quote_by_its_date_and_shows_the_career(client, career):
    html = html_of(client, career["person"].get_absolute_url())
    assert THEN in quote_caption(html, career["old"])
    assert NOW in quote_caption(html, career["new"])
    career_html = html[html.index('class="career"') :]
    career_html = career_html[: career_html.index("</section>")]
    items = re.findall(r"<li>(.*?)</li>", career_html, re.S)
    assert [text_of(item).split(",")[0] for item in items] == ["संवाददाता", "संपादक"]
    organisation_url = career["organisation"].get_absolute_url()
    assert all(f'href="{organisation_url}"' in item for item in items)
    assert "2023" in text_of(items[0]) and "<time" in items[0]
    assert 'href="https://example.org/announcement"' in items[1]


def test_profile_links_no_private_organisation(client, career):
    hidden = OrganisationFactory(name="गुप्त संस्था")
    ArticleFactory(draft=True, organisations=[hidden])
    AffiliationFactory(person=career["person"], organisation=hidden, title="सलाहकार", position=3)
    assert not Organisation.objects.published().filter(pk=hidden.pk).exists()
    html = html_of(client, career["person"].get_absolute_url())
    assert "गुप्त संस्था" in html
    assert hidden.get_absolute_url() not in html


def test_tag_page_and_search_describe_quotes_by_their_date(client, career):
    career["old"].tags.add("चुनाव")
    career["new"].tags.add("चुनाव")
    html = html_of(client, reverse("articles:tag-detail", kwargs={"slug": "चुनाव"}))
    assert THEN in quote_caption(html, career["old"])
    assert NOW in quote_caption(html, career["new"])
    results = text_of(html_of(client, reverse("articles:search") + "?q=पहली"))
    assert THEN in results


def test_english_readers_get_the_english_title(client, career):
    text = text_of(html_of(client, "/en" + career["old"].get_absolute_url()))
    assert "then Correspondent, Daily News" in text


def test_an_editors_title_is_escaped_everywhere(client, career):
    person = PersonFactory(description="")
    AffiliationFactory(person=person, organisation=None, body_name="<b>x</b>", title="<i>y</i>")
    quote = QuoteFactory(article=career["article"], speaker=person, text="पहली बात")
    career["article"].people.add(person)
    for url in (
        career["article"].get_absolute_url(),
        quote.get_absolute_url(),
        person.get_absolute_url(),
    ):
        html = html_of(client, url)
        assert "<i>y</i>" not in html and "<b>x</b>" not in html
        assert "&lt;i&gt;y&lt;/i&gt;" in html and "&lt;b&gt;x&lt;/b&gt;" in html


# Quotation JSON-LD ------------------------------------------------------------------


def jsonld(html, kind):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return next(data for data in map(json.loads, blocks) if data["@type"] == kind)


def test_quotation_carries_the_role_of_its_date(client, career):
    old = jsonld(html_of(client, career["old"].get_absolute_url()), "Quotation")["creator"]
    new = jsonld(html_of(client, career["new"].get_absolute_url()), "Quotation")["creator"]
    # A role since ended is a past tie (alumniOf), never a current jobTitle.
    assert "jobTitle" not in old and "worksFor" not in old
    (past,) = old["alumniOf"]
    assert past["@type"] == "OrganizationRole" and past["roleName"] == "संवाददाता"
    assert (past["startDate"], past["endDate"]) == ("2020-01-01", "2023-12-31")
    assert past["alumniOf"]["name"] == "दैनिक समाचार"
    assert past["alumniOf"]["url"].endswith(career["organisation"].get_absolute_url())
    assert new["jobTitle"] == "संपादक"
    assert new["worksFor"][0]["roleName"] == "संपादक"
    assert new["worksFor"][0]["worksFor"]["name"] == "दैनिक समाचार"
    assert "alumniOf" not in new


def test_profile_person_has_current_and_past_roles(client, career):
    person = jsonld(html_of(client, career["person"].get_absolute_url()), "ProfilePage")
    person = person["mainEntity"]
    assert person["jobTitle"] == "संपादक"
    assert [r["roleName"] for r in person["worksFor"]] == ["संपादक"]
    assert [r["roleName"] for r in person["alumniOf"]] == ["संवाददाता"]


# Queries stay flat ------------------------------------------------------------------


def crowd(article, speakers, roles_each):
    """``speakers`` more people quoted in ``article``, each with ``roles_each`` roles."""
    for n in range(speakers):
        person = PersonFactory()
        article.people.add(person)
        for position in range(1, roles_each + 1):
            AffiliationFactory(
                person=person,
                title=f"पद {n}-{position}",
                ended=position < roles_each,
                position=position,
            )
        QuoteFactory(article=article, speaker=person, text="पहली बात").tags.add("चुनाव")


@pytest.mark.parametrize("page", ["story", "quote", "profile", "tag", "search"])
def test_queries_stay_flat_as_speakers_and_roles_grow(
    client, career, page, django_assert_num_queries
):
    article, person = career["article"], career["person"]
    career["old"].tags.add("चुनाव")
    url = {
        "story": article.get_absolute_url(),
        "quote": career["old"].get_absolute_url(),
        "profile": person.get_absolute_url(),
        "tag": reverse("articles:tag-detail", kwargs={"slug": "चुनाव"}),
        "search": reverse("articles:search") + "?q=पहली",
    }[page]
    client.get(url)  # the linked body is cached: warm it, as for every later reader
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    few = len(few)  # now: the next request clears the connection's query log
    # Six more speakers with four roles each, and five more roles for the first.
    crowd(article, speakers=6, roles_each=4)
    for position in range(3, 8):
        AffiliationFactory(person=person, title=f"पद {position}", position=position, ended=True)
    client.get(url)
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
