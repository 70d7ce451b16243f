"""Every admin page keeps a fixed query budget, flat however much is related to what it shows.

For every ModelAdmin registered on the admin site (read from the registry, so a new model
cannot be forgotten), as a superuser and as an editor: the changelist, the add page and
the change page of one object. Each is counted on a small desk, then again after that
very object (and the lists) got many more people, quotes, tags, corrections, images,
authors, roles and versions in its history; both counts must equal the budget written
below, so a new N+1 query fails here.

The article change page's own story (15 queries with one quote or six) is told in
test_admin.py; it is counted here with the rest.
"""

import datetime
import pprint

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Correction,
    Image,
    Organisation,
    Person,
    Quote,
    Section,
    ShareLink,
    Source,
    Tag,
)
from articles.tests.desk import EDITORS, desk_user
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
)

# Some 100 admin pages, twice: over ten seconds.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PAGES = ("changelist", "add", "change")
ROLES = ("superuser", "editor")

# Registered admins whose pages are not counted here, with the reason. Keep it short.
EXCLUDED = {}

# What the editor may not open at all (Editors have no auth or two-step permissions): the
# test checks that they get 403 rather than a page.
EDITOR_FORBIDDEN = {"auth.user", "auth.group", "otp_totp.totpdevice"}

# Queries per page, {"<app>.<model> <page>": (as superuser, as editor)}; an editor's None
# is a page they may not open. Every page starts with the session and its user (2); an
# editor's pages also read the user's groups' permissions (2 more).
BUDGETS = {
    "articles.article changelist": (14, 16),
    "articles.article add": (2, 4),
    # the story, its byline, quotes (speaker, source; their tags), corrections, share links,
    # tags, history, the "also open" marks and the conflict guard's stored version.
    "articles.article change": (19, 21),
    "articles.correction changelist": (5, 7),
    "articles.correction add": (2, 4),
    "articles.correction change": (7, 9),
    "articles.image changelist": (6, 8),
    "articles.image add": (2, 4),
    "articles.image change": (7, 9),
    "articles.organisation changelist": (5, 7),
    "articles.organisation add": (2, 4),
    "articles.organisation change": (6, 8),
    "articles.person changelist": (7, 9),
    "articles.person add": (2, 4),
    # the person, roles (organisation and source joined), tags, stories, quotes, history.
    "articles.person change": (9, 11),
    "articles.quote changelist": (10, 12),
    "articles.quote add": (2, 4),
    "articles.quote change": (10, 12),
    "articles.section changelist": (5, 7),
    "articles.section add": (2, 4),
    "articles.section change": (3, 5),
    "articles.sharelink changelist": (5, 7),
    "articles.sharelink add": (2, 4),
    "articles.sharelink change": (6, 8),
    "articles.source changelist": (5, 7),
    "articles.source add": (2, 4),
    "articles.source change": (4, 6),
    "articles.tag changelist": (5, 7),
    "articles.tag add": (2, 4),
    "articles.tag change": (3, 5),
    "auth.group changelist": (5, None),
    "auth.group add": (3, None),
    "auth.group change": (5, None),
    "auth.user changelist": (6, None),
    "auth.user add": (2, None),
    "auth.user change": (7, None),
}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


# The desk, small and then big ----------------------------------------------------------


def small_desk(superuser):
    """One of everything, each related to one of each other thing; returns the subjects."""
    section = SectionFactory()
    person, author = PersonFactory(), PersonFactory()
    organisation = OrganisationFactory()
    AffiliationFactory(person=person, organisation=organisation)
    image = ImageFactory()
    article = ArticleFactory(
        section=section,
        people=[person],
        organisations=[organisation],
        tags=["चुनाव"],
        authors=[author],
        lead_image=image,
    )
    person.tags.add("चुनाव")
    person.portrait = image
    person.save()
    quote = QuoteFactory(article=article, speaker=person)
    quote.tags.add("चुनाव")
    correction = CorrectionFactory(article=article, quote=quote)
    share = ShareLink.objects.create(article=article, created_by=superuser)
    group = Group.objects.get(name=EDITORS)
    return {
        "articles.article": article,
        "articles.person": person,
        "articles.organisation": organisation,
        "articles.quote": quote,
        "articles.source": quote.source,
        "articles.section": section,
        "articles.image": image,
        "articles.tag": Tag.objects.get(name="चुनाव"),
        "articles.correction": correction,
        "articles.sharelink": share,
        "auth.user": superuser,
        "auth.group": group,
    }


def grow(subjects, superuser, n=5):
    """Many more rows related to every subject, and more rows in every list."""
    article, person = subjects["articles.article"], subjects["articles.person"]
    organisation, source = subjects["articles.organisation"], subjects["articles.source"]
    section, tag = subjects["articles.section"], subjects["articles.tag"]
    for i in range(n):
        other = PersonFactory()
        other.tags.add(tag, f"टैग {i}")
        other_organisation = OrganisationFactory()
        AffiliationFactory(person=person, organisation=other_organisation)
        AffiliationFactory(person=other, organisation=organisation)
        image = ImageFactory() if i < 2 else None
        story = ArticleFactory(
            section=SectionFactory() if i % 2 else section,
            people=[person, other],
            organisations=[organisation, other_organisation],
            tags=[tag, f"टैग {i}"],
            authors=[other, person],
            lead_image=image,
        )
        article.people.add(other)
        article.organisations.add(other_organisation)
        article.tags.add(f"टैग {i}")
        ArticleAuthor.objects.create(article=article, person=PersonFactory(), position=10 + i)
        quote = QuoteFactory(article=article, speaker=other, source=source)
        quote.tags.add(tag, f"टैग {i}")
        QuoteFactory(article=story, speaker=person, source=SourceFactory())
        CorrectionFactory(article=article, quote=quote)
        CorrectionFactory(article=article, person=other)
        CorrectionFactory(article=story, organisation=organisation)
        ShareLink.objects.create(article=story, created_by=superuser)
        ShareLink.objects.create(
            article=article, created_by=User.objects.create_user(f"maker-{i}", is_staff=True)
        )
        User.objects.create_user(f"user-{i}", is_staff=True).groups.add(subjects["auth.group"])
        Group.objects.create(name=f"group {i}").permissions.set(Permission.objects.all()[:5])
        # Versions in the history of every subject.
        for subject in subjects.values():
            if hasattr(subject, "history"):
                subject.save()
    person.tags.add(*[f"टैग {i}" for i in range(n)])
    superuser.groups.add(*Group.objects.all())
    article.published_at = timezone.now() - datetime.timedelta(days=1)
    article.save()


# Counting ---------------------------------------------------------------------------------


def page_url(model, page, subjects):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    if page == "change":
        return reverse(name, args=[subjects[opts.label_lower].pk])
    return reverse(name)


def count(client, url, status=200):
    """Queries of a GET of ``url`` once the session's own first-visit work is done."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(captured)


def measure(clients, subjects):
    """{"<label> <page>": (superuser's queries, editor's or None)} for every admin page."""
    out = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label in EXCLUDED:
            continue
        for page in PAGES:
            url = page_url(model, page, subjects)
            as_editor = None if label in EDITOR_FORBIDDEN else count(clients["editor"], url)
            if label in EDITOR_FORBIDDEN:
                count(clients["editor"], url, status=403)
            out[f"{label} {page}"] = (count(clients["superuser"], url), as_editor)
    return out


# About a hundred admin pages, each twice on two desks: minutes on a busy machine.
@pytest.mark.timeout(1200)
def test_every_admin_page_has_a_flat_query_budget(client):
    superuser = User.objects.create_superuser("root", "root@example.in", "x")
    editor = desk_user(EDITORS)
    clients = {"superuser": client, "editor": Client(HTTP_ACCEPT_LANGUAGE="en")}
    clients["superuser"].force_login(superuser)
    clients["editor"].force_login(editor)
    subjects = small_desk(superuser)
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing = registered - set(subjects) - set(EXCLUDED)
    assert not missing, f"give these admins a subject in small_desk(): {missing}"

    small = measure(clients, subjects)
    grow(subjects, superuser)
    big = measure(clients, subjects)
    assert Quote.objects.filter(article=subjects["articles.article"]).count() >= 6
    assert Correction.objects.filter(article=subjects["articles.article"]).count() >= 6
    assert Image.objects.count() >= 3 and Source.objects.count() >= 6
    assert Organisation.objects.count() >= 6 and Section.objects.count() >= 3
    assert Person.objects.count() >= 10 and Article.objects.count() >= 6
    grew = {page: (small[page], big[page]) for page in small if small[page] != big[page]}
    assert not grew, f"queries grew (small, big): {grew}"
    assert small == BUDGETS, pprint.pformat(small, width=100)
