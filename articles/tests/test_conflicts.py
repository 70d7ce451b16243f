"""No lost edits (articles/admin/conflicts.py): two editors open the same record, both save;
the second save is refused with who, when and what, keeps what was typed, and can be made
over the first only by ticking "Save over their changes"."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.admin.conflicts import OPENED, OVERWRITE, REFUSED
from articles.models import Article, Person, Quote
from articles.tests.adminform import admin_form, form_data
from articles.tests.desk import EDITORS, desk_user
from articles.tests.factories import (
    ArticleFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English; the desk's default language is Hindi."""
    settings.LANGUAGE_CODE = "en"


def editor(username, first_name):
    user = desk_user(EDITORS, username)
    User.objects.filter(pk=user.pk).update(first_name=first_name)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def no_open_marks():
    """Open marks live in the cache, which outlives a test's database."""
    cache.clear()


@pytest.fixture
def reena():
    return editor("reena", "Reena")


@pytest.fixture
def akash():
    return editor("akash", "Akash")


# (factory, the field both editors change)
RECORDS = {
    "article": (lambda: ArticleFactory(draft=True), "summary"),
    "person": (PersonFactory, "description"),
    "organisation": (OrganisationFactory, "name_latin"),
    "quote": (
        lambda: QuoteFactory(article__draft=True, original_language="en"),
        "original_text",
    ),
    "source": (SourceFactory, "title"),
    "image": (ImageFactory, "caption"),
}


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def form_id(obj):
    return f"{obj._meta.model_name}_form"


def refusal(response):
    assert response.status_code == 200, "the save went through"
    return " ".join(response.context["adminform"].form.non_field_errors())


@pytest.fixture(params=list(RECORDS))
def record(request):
    make, field = RECORDS[request.param]
    return make(), field


def label_of(obj, field):
    return str(obj._meta.get_field(field).verbose_name)


@pytest.mark.parametrize("first", ["reena", "akash"])
def test_the_second_save_is_refused_with_who_when_and_what_and_keeps_the_input(
    record, first, reena, akash
):
    obj, field = record
    editors = {"reena": (reena, "Reena"), "akash": (akash, "Akash")}
    (winner, winner_name), (loser, _name) = (
        editors.pop(first),
        next(iter(editors.values())),
    )
    url = change_url(obj)
    theirs = admin_form(winner, url, form_id(obj))
    mine = admin_form(loser, url, form_id(obj))
    assert mine[OPENED] and mine[OPENED] == theirs[OPENED]

    theirs[field] = "उनका संस्करण"
    assert winner.post(url, theirs).status_code == 302
    mine[field] = "मेरा संस्करण, जो खोना नहीं चाहिए"
    response = loser.post(url, mine)

    message = refusal(response)
    assert winner_name in message
    assert label_of(obj, field).lower() in message.lower()
    saved = type(obj).objects.get(pk=obj.pk)
    history = saved.history.latest()
    assert str(history.history_date.year) in message
    assert getattr(saved, field) == "उनका संस्करण"  # nothing of the refused save
    assert history.history_user.username == first
    page = response.content.decode()
    assert "मेरा संस्करण, जो खोना नहीं चाहिए" in page  # what was typed is kept
    form = response.context["adminform"].form
    assert form[OPENED].value() == mine[OPENED]  # still the version opened
    assert 'type="checkbox" name="overwrite"' in page


def test_a_save_on_the_version_opened_goes_through_and_so_does_the_next_one(record, reena):
    obj, field = record
    url = change_url(obj)
    for text in ["पहला", "दूसरा"]:
        data = admin_form(reena, url, form_id(obj))
        data[field] = text
        response = reena.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert getattr(type(obj).objects.get(pk=obj.pk), field) == text


def test_saving_again_without_ticking_is_refused_again(record, reena, akash):
    obj, field = record
    url = change_url(obj)
    mine = admin_form(akash, url, form_id(obj))
    theirs = admin_form(reena, url, form_id(obj))
    theirs[field] = "उनका"
    assert reena.post(url, theirs).status_code == 302

    mine[field] = "मेरा"
    first = admin_form_from(akash.post(url, mine), obj)
    refusal(akash.post(url, first))
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == "उनका"


def admin_form_from(response, obj):
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id(obj))


def test_ticking_save_over_their_changes_overwrites_the_version_named(record, reena, akash):
    obj, field = record
    url = change_url(obj)
    mine = admin_form(akash, url, form_id(obj))
    theirs = admin_form(reena, url, form_id(obj))
    theirs[field] = "उनका"
    assert reena.post(url, theirs).status_code == 302

    mine[field] = "मेरा"
    again = admin_form_from(akash.post(url, mine), obj)
    assert again[field] == "मेरा" and again[REFUSED]
    again[OVERWRITE] = "on"
    response = akash.post(url, again)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = type(obj).objects.get(pk=obj.pk)
    assert getattr(saved, field) == "मेरा"
    assert saved.history.latest().history_user.username == "akash"


def test_save_over_does_not_overwrite_a_save_made_after_the_refusal(reena, akash):
    person = PersonFactory(description="पहला")
    url = change_url(person)
    mine = admin_form(akash, url, "person_form")
    theirs = admin_form(reena, url, "person_form")
    theirs["description"] = "रीना का"
    assert reena.post(url, theirs).status_code == 302
    mine["description"] = "आकाश का"
    again = admin_form_from(akash.post(url, mine), person)

    later = admin_form(reena, url, "person_form")
    later["description"] = "रीना का दूसरा"
    assert reena.post(url, later).status_code == 302
    again[OVERWRITE] = "on"
    refusal(akash.post(url, again))
    person.refresh_from_db()
    assert person.description == "रीना का दूसरा"


def test_a_quote_saved_on_its_own_page_refuses_the_story_page_over_it(reena, akash):
    quote = QuoteFactory(article__draft=True, original_language="en")
    article = quote.article
    story = admin_form(akash, change_url(article), "article_form")
    alone = admin_form(reena, change_url(quote), "quote_form")
    alone["original_text"] = "the words as said"
    assert reena.post(change_url(quote), alone).status_code == 302

    story["quotes-0-original_text"] = "मेरे शब्द"
    message = refusal(akash.post(change_url(article), story))
    assert "Reena" in message and "quote “पहला अनुच्छेद।”" in message
    assert label_of(quote, "original_text").lower() in message.lower()
    assert Quote.objects.get(pk=quote.pk).original_text == "the words as said"


def test_a_story_page_save_refuses_the_quote_page_opened_before_it(reena, akash):
    quote = QuoteFactory(article__draft=True, original_language="en")
    article = quote.article
    alone = admin_form(akash, change_url(quote), "quote_form")
    story = admin_form(reena, change_url(article), "article_form")
    story["quotes-0-original_text"] = "रीना के शब्द"
    assert reena.post(change_url(article), story).status_code == 302

    alone["original_text"] = "आकाश के शब्द"
    message = refusal(akash.post(change_url(quote), alone))
    assert "Reena" in message
    assert Quote.objects.get(pk=quote.pk).original_text == "रीना के शब्द"


def test_a_forged_or_missing_version_is_refused_not_saved(reena):
    person = PersonFactory(description="पहला")
    url = change_url(person)
    for token in ["", "not a time", "2020-01-01T00:00:00+00:00"]:
        data = admin_form(reena, url, "person_form")
        data[OPENED] = token
        data["description"] = "दूसरा"
        assert refusal(reena.post(url, data)).startswith("Not saved")
    person.refresh_from_db()
    assert person.description == "पहला"


def test_someone_else_having_the_page_open_is_a_notice(reena, akash):
    article = ArticleFactory(draft=True)
    url = change_url(article)
    first = reena.get(url)
    assert not [m for m in first.context["messages"] if "opened this" in str(m)]
    notices = [str(m) for m in akash.get(url).context["messages"]]
    assert any(n.startswith("Reena opened this article") for n in notices), notices
    # Their own earlier visit is not news to them.
    again = [str(m) for m in akash.get(url).context["messages"]]
    assert not any(n.startswith("Akash opened") for n in again)


def test_the_notice_is_in_hindi_in_the_hindi_desk(settings, reena, akash):
    settings.LANGUAGE_CODE = "hi"
    article = ArticleFactory(draft=True)
    url = change_url(article)
    reena.get(url)
    page = akash.get(url).content.decode()
    assert "इस ख़बर को Reena ने" in page or "Reena ने" in page


def test_the_version_costs_two_queries_for_a_story_whatever_its_quotes(
    django_assert_num_queries,
):
    guard = admin.site._registry[Article]
    for quotes in [1, 6]:
        article = ArticleFactory(draft=True)
        QuoteFactory.create_batch(quotes, article=article)
        for lock in [False, True]:
            with django_assert_num_queries(2):
                assert guard.stored_version(article, lock=lock) is not None


def test_a_change_page_costs_the_same_queries_as_its_record_grows(reena, django_assert_num_queries):
    """The guard adds one query to a person's page (two to a story's), whatever the
    number of versions, quotes or editors who opened it."""
    person = PersonFactory()
    url = change_url(person)
    reena.get(url)  # the session and the open mark exist from now on
    executed = []
    with connection.execute_wrapper(
        lambda run, sql, *args: executed.append(sql) or run(sql, *args)
    ):
        assert reena.get(url).status_code == 200
    for n in range(5):
        data = admin_form(reena, url, "person_form")
        data["description"] = f"संस्करण {n}"
        assert reena.post(url, data).status_code == 302
        QuoteFactory(speaker=person, article__draft=True)
        editor(f"other{n}", f"Other {n}").get(url)
    with django_assert_num_queries(len(executed)):
        assert reena.get(url).status_code == 200
    assert Person.history.filter(id=person.pk).count() >= 6
