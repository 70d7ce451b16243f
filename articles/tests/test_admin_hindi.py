"""The admin wholly in Hindi: every page type an editor sees, with no English interface.

Django's own Hindi catalogues leave two in five of the admin's strings untranslated (and
word some of the rest oddly); the project's catalogue (articles/locale, in LOCALE_PATHS so
that it wins over Django's) supplies them. Each test renders one kind of admin page for
every registered model, on the seed, logged in as a superuser whose browser asks for
Hindi, and looks for English interface strings in what the editor reads: the text, and
the attributes a browser shows (title, placeholder, aria-label, alt, a button's value).

Content is not interface: text areas and filled-in inputs are left out, and the check
is for a list of the admin's own phrases (as whole words), not for any Latin letters,
so an English name or quotation in the seed does not count.
"""

import ast
import datetime
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation.template import templatize

from articles.admin.accounts import permission_label
from articles.models import Article, Section, ShareLink
from articles.tests.adminform import form_data
from articles.tests.factories import CorrectionFactory, ImageFactory

pytestmark = pytest.mark.django_db

# The admin's own phrases, as an editor would meet them in English. Checked as whole
# words or phrases, case-sensitively, in each page's visible text and shown attributes.
ENGLISH = [
    # The frame of every page
    "Django administration",
    "Django site admin",
    "Site administration",
    "Welcome",
    "View site",
    "Documentation",
    "Change password",
    "Log out",
    "Log in",
    "Home",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Breadcrumbs",
    "Sidebar",
    "Start typing to filter",
    # The index and app index
    "Recent actions",
    "My actions",
    "None available",
    "Add",
    "Change",
    "View",
    "Models in the",
    "Authentication and Authorization",
    "Groups",
    "Users",
    "Administration",
    # Changelists
    "Filter",
    "Search",
    "Action:",
    "Go",
    "Run the selected action",
    "Select all",
    "Clear selection",
    "Clear all filters",
    "Show counts",
    "Hide counts",
    "Show all",
    "selected",
    "result",
    "results",
    "total",
    "All",
    "Any date",
    "Today",
    "Past 7 days",
    "This month",
    "This year",
    "No date",
    "Has date",
    "Empty",
    "Not empty",
    "Yes",
    "No",
    "Unknown",
    "Delete selected",
    "Select this object for an action",
    "Toggle sorting",
    "Remove from sorting",
    "Sorting priority",
    # Forms
    "Save",
    "Save and continue editing",
    "Save and add another",
    "Save and view",
    "Save as new",
    "Delete",
    "Delete?",
    "Close",
    "History",
    "View on site",
    "Add another",
    "Change selected",
    "Delete selected",
    "View selected",
    "Remove",
    "Currently:",
    "Change:",
    "Clear",
    "Date:",
    "Time:",
    "Now",
    "Choose",
    "Available",
    "Chosen",
    "Hold down",
    "Please correct the error",
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Required.",
    "Designates",
    "Personal info",
    "Permissions",
    "Important dates",
    "Raw passwords are not stored",
    "Password-based authentication",
    "Enabled",
    "Disabled",
    "Set password",
    "Reset password",
    "If disabled",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Can publish",
    "Can merge",
    "historical",
    # Deleting
    "Are you sure",
    "Yes, I’m sure",
    "No, take me back",
    "Summary",
    "Objects",
    "would require deleting",
    # History
    "Date/time",
    "User",
    "Action",
    "Changed by",
    "Change reason",
    "None",
    "Changes",
    "Attribution",
    "Comment",
    "Object",
    "Revert",
    "Change History",
    "Cancel",
    "doesn’t have a change history",
    "Press the",
    "Created",
    "Changed",
    "Deleted",
    "Added",
    # Messages
    "was added successfully",
    "was changed successfully",
    "was deleted successfully",
    "You may edit it again below",
    "You may add another",
    # Logging in and out, passwords
    "Username",
    "Password",
    "Forgotten your",
    "Please enter the correct",
    "Logged out",
    "Thanks for spending some quality time",
    "Log in again",
    "Password change",
    "Old password",
    "New password",
    "Please enter your old password",
    "Your password was changed",
    "Your password can’t",
    "Your password must contain",
    "Change my password",
    "Enter a new password",
    "Password changed successfully",
]


def _whole(phrase):
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


PATTERNS = [(phrase, _whole(phrase)) for phrase in dict.fromkeys(ENGLISH)]


class ShownText(HTMLParser):
    """What a reader of the page sees: its text and the attributes a browser shows.

    Left out: scripts, styles and text areas' contents (content, not interface), and the
    value of inputs other than buttons (what was typed or loaded from the record).
    """

    SHOWN = ("title", "placeholder", "aria-label", "alt")
    HIDDEN = {"script", "style", "textarea", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self._hidden = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden.append(tag)
        self.texts.extend(attrs[name] for name in self.SHOWN if attrs.get(name))
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attrs.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.HIDDEN:
            self._hidden.pop()

    def handle_endtag(self, tag):
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def english_in(html):
    """The English interface phrases found in ``html``, each with the text it is in."""
    parser = ShownText()
    parser.feed(html)
    found = {}
    for text in parser.texts:
        for phrase, pattern in PATTERNS:
            if phrase not in found and pattern.search(text):
                found[phrase] = text[:120]
    return found


def check(pages):
    """``pages``: {page name: response}. Fails naming every page and what is English."""
    problems = {}
    for name, response in pages.items():
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        assert '<html lang="hi"' in html, name
        found = english_in(html)
        if found:
            problems[name] = found
    assert problems == {}, "English interface strings in the Hindi admin:\n" + "\n".join(
        f"  {name}: " + "; ".join(f"{phrase!r} in {text!r}" for phrase, text in found.items())
        for name, found in problems.items()
    )


# Fixtures ----------------------------------------------------------------------------


@pytest.fixture
def hindi(client):
    """A client whose browser asks for Hindi (the admin follows Accept-Language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "hi-IN,hi;q=0.9"
    return client


@pytest.fixture
def desk(hindi, admin_user):
    """A superuser in the Hindi admin, on the seed, with one record of every model the
    seed lacks (image, correction, share link, a second user)."""
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    ImageFactory()
    CorrectionFactory(article=article)
    ShareLink.objects.create(article=article, note="संपादक", created_by=admin_user)
    User.objects.create_user("reporter", password="a-long-pass-phrase-9")
    hindi.force_login(admin_user)
    return hindi


def models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def one_of(model):
    """A record of ``model``: the seed's, or the fixture's."""
    if model is User:
        return User.objects.get(username="reporter")
    return model._default_manager.order_by("pk").first()


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# The pages ---------------------------------------------------------------------------


def test_desk_home_and_app_indexes(desk):
    labels = sorted({model._meta.app_label for model in models()})
    pages = {"index": desk.get(reverse("admin:index"))}
    pages.update(
        {f"app {label}": desk.get(reverse("admin:app_list", args=[label])) for label in labels}
    )
    check(pages)


def test_changelists_plain_searched_and_filtered(desk):
    pages = {}
    for model in models():
        changelist = url(model, "changelist")
        plain = desk.get(changelist)
        pages[f"{model._meta.label} changelist"] = plain
        pages[f"{model._meta.label} search"] = desk.get(changelist, {"q": "zzz-nothing"})
        # The first filter choice that filters (not "All"), with a search on top.
        choices = re.findall(
            r'<li[^>]*>\s*<a href="(\?[^"]+)"',
            plain.content.decode().split('id="changelist-filter"')[-1],
        )
        if choices:
            query = choices[0].replace("&amp;", "&")
            pages[f"{model._meta.label} filtered"] = desk.get(f"{changelist}{query}&q=a")
    check(pages)


def test_add_forms_empty_and_refused(desk):
    pages = {}
    for model in models():
        add = url(model, "add")
        page = desk.get(add)
        pages[f"{model._meta.label} add"] = page
        # Sent as it stands: the required fields are empty, so it comes back with errors.
        data = form_data(page.content.decode(), f"{model._meta.model_name}_form")
        refused = desk.post(add, data)
        pages[f"{model._meta.label} add refused"] = refused
    check(pages)


def test_change_forms_and_saving_one(desk):
    pages = {}
    for model in models():
        pages[f"{model._meta.label} change"] = desk.get(url(model, "change", one_of(model).pk))
    section = Section.objects.order_by("pk").first()
    change = url(Section, "change", section.pk)
    data = form_data(desk.get(change).content.decode(), "section_form")
    pages["section saved"] = desk.post(change, {**data, "_continue": "1"}, follow=True)
    check(pages)
    # The autocomplete boxes (select2) load their Hindi messages.
    assert "select2/i18n/hi." in pages["articles.Quote change"].content.decode()


def test_a_reporters_view_only_pages(desk):
    """A reporter sees a published story (and its quotes) but may not change it: the
    admin's view-only pages, with their own buttons and no save row."""
    reporter = User.objects.get(username="reporter")
    reporter.is_staff = True
    reporter.save()
    reporter.groups.add(Group.objects.get(name="Reporters"))
    desk.force_login(reporter)
    article = Article.objects.get()
    assert article.is_public
    pages = {
        "reporter's desk home": desk.get(reverse("admin:index")),
        "reporter's story list": desk.get(url(Article, "changelist")),
        "reporter's view of a published story": desk.get(url(Article, "change", article.pk)),
    }
    assert 'name="_save"' not in pages["reporter's view of a published story"].content.decode()
    check(pages)


def test_delete_confirmations_single_and_bulk(desk):
    pages = {}
    for model in models():
        obj = one_of(model)
        pages[f"{model._meta.label} delete"] = desk.get(url(model, "delete", obj.pk))
        selection = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk]}
        pages[f"{model._meta.label} bulk delete"] = desk.post(url(model, "changelist"), selection)
    check(pages)


def test_history_pages_and_an_old_version(desk):
    # An edit by the editor first, so a history lists a version with its changes.
    section = Section.objects.order_by("pk").first()
    change = url(Section, "change", section.pk)
    data = form_data(desk.get(change).content.decode(), "section_form")
    desk.post(change, {**data, "name_en": "Elsewhere", "_save": "1"})
    version = Section.history.filter(id=section.pk).latest("history_date")
    pages = {}
    for model in models():
        pages[f"{model._meta.label} history"] = desk.get(url(model, "history", one_of(model).pk))
    pages["section history"] = desk.get(url(Section, "history", section.pk))
    pages["section old version"] = desk.get(
        url(Section, "simple_history", section.pk, version.history_id)
    )
    assert "Elsewhere" in pages["section history"].content.decode()
    check(pages)


def test_logging_in_and_out(hindi, admin_user):
    pages = {"login": hindi.get(reverse("admin:login"))}
    pages["login refused"] = hindi.post(
        reverse("admin:login"), {"username": "admin", "password": "wrong"}
    )
    hindi.force_login(admin_user)
    pages["logout"] = hindi.post(reverse("admin:logout"))
    check(pages)


def test_password_change_and_done(hindi, admin_user):
    hindi.force_login(admin_user)
    change = reverse("admin:password_change")
    pages = {"password change": hindi.get(change)}
    pages["password change refused"] = hindi.post(
        change, {"old_password": "wrong", "new_password1": "123", "new_password2": "1234"}
    )
    pages["password change done"] = hindi.post(
        change,
        {
            "old_password": "password",
            "new_password1": "a-long-pass-phrase-9",
            "new_password2": "a-long-pass-phrase-9",
        },
        follow=True,
    )
    check(pages)


def test_user_password_pages(desk):
    user = User.objects.get(username="reporter")
    password = reverse("admin:auth_user_password_change", args=[user.pk])
    pages = {"user password": desk.get(password)}
    pages["user password refused"] = desk.post(
        password, {"password1": "123", "password2": "1234", "usable_password": "true"}
    )
    check(pages)


def test_permission_lists_in_hindi_at_no_cost_per_permission(desk):
    """A group's and a user's page list each permission in Hindi (Django shows the
    English name it stored), with the content types read in the same query."""
    editors = Group.objects.get(name="Editors")
    empty = Group.objects.create(name="ख़ाली")
    with translation.override("hi"):
        label = permission_label(Permission.objects.get(codename="add_article"))
        version = permission_label(Permission.objects.get(codename="view_historicalarticle"))
        custom = permission_label(Permission.objects.get(codename="publish_article"))
    assert label.endswith("| लेख | लेख जोड़ सकते हैं")
    assert version.endswith("| लेख (संस्करण) | लेख (संस्करण) देख सकते हैं")
    assert custom.endswith("| लेख | लेख प्रकाशित कर सकते हैं")
    pages = {
        "group change": desk.get(url(Group, "change", editors.pk)),
        "user change": desk.get(url(User, "change", User.objects.get(username="reporter").pk)),
    }
    assert "लेख जोड़ सकते हैं" in pages["group change"].content.decode()
    check(pages)
    queries = []
    for group in (editors, empty):
        with CaptureQueriesContext(connection) as context:
            desk.get(url(Group, "change", group.pk))
        queries.append(len(context.captured_queries))
    assert editors.permissions.count() > 100
    assert queries[0] == queries[1]


def test_story_import_and_custom_views(desk):
    pages = {"import": desk.get(reverse("admin:articles_article_import"))}
    pages["import refused"] = desk.post(reverse("admin:articles_article_import"), {"text": ""})
    article = Article.objects.get()
    tag_action = {"action": "add_tag", ACTION_CHECKBOX_NAME: [article.pk]}
    pages["add tag action"] = desk.post(url(Article, "changelist"), tag_action)
    tag = apps.get_model("articles", "Tag").objects.order_by("pk").first()
    merge = {"action": "merge_tags", ACTION_CHECKBOX_NAME: [tag.pk]}
    pages["merge tags action"] = desk.post(url(type(tag), "changelist"), merge)
    check(pages)


# The JavaScript catalogue ------------------------------------------------------------

ADMIN_JS = Path(apps.get_app_config("admin").path) / "locale/en/LC_MESSAGES/djangojs.po"


def test_every_admin_javascript_string_is_in_hindi(desk):
    """The calendar, clock, filter widget and action warnings: every string of the admin's
    JavaScript catalogue comes back translated from the admin's own catalogue view."""
    js = desk.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", js, re.S).group(1))
    missing = []
    for entry in polib.pofile(str(ADMIN_JS)):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = catalog.get(key)
        forms = value if isinstance(value, list) else [value]
        if not value or {entry.msgid, entry.msgid_plural} & set(forms):
            missing.append(entry.msgid)
    assert missing == []


# The project's own admin templates ---------------------------------------------------

_LITERAL = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(({_LITERAL}(?:\s*,\s*{_LITERAL})*)")


def admin_template_strings():
    """(function, args) of every {% translate %} / {% blocktranslate %} in the project's
    admin templates, read the way makemessages reads them (Django's templatize)."""
    found = set()
    for template in sorted((Path(settings.BASE_DIR) / "templates" / "admin").rglob("*.html")):
        for call in _CALL.finditer(templatize(template.read_text(encoding="utf-8"))):
            found.add((call.group(1), ast.literal_eval(f"({call.group(2)},)")))
    return found


def test_every_string_of_our_admin_templates_is_in_hindi():
    """test_i18n checks the readers' templates against locale/; the admin's templates are
    the articles catalogue's (or Django's): none may come out in English."""
    strings = admin_template_strings()
    assert ("gettext", ("Import a story from text",)) in strings  # the extraction works
    english = []
    with translation.override("hi"):
        for function, args in strings:
            if function.startswith("n"):
                *context, singular, plural = args
                shown = [
                    getattr(translation, function)(*context, singular, plural, n) for n in (1, 2)
                ]
                if shown == [singular, plural]:
                    english.append(singular)
            elif getattr(translation, function)(*args) == args[-1]:
                english.append(args[-1])
    assert not english, "Add to articles/locale/hi/LC_MESSAGES/django.po: " + " | ".join(
        sorted(english)
    )


def test_the_desks_words_win_over_djangos_own_hindi():
    """articles/locale is in LOCALE_PATHS, above every app's catalogue: where Django's
    Hindi says otherwise (ज्याँगो प्रशासन, सुरक्षित कीजिये, बढाएं), the desk's words show."""
    js = Path(settings.BASE_DIR) / "articles/locale/hi/LC_MESSAGES/djangojs.po"
    catalogue = polib.pofile(str(js))
    assert [e.msgid for e in catalogue if not e.translated()] == []
    assert js.with_suffix(".mo").exists()  # compiled by compilecatalogues with the rest
    with translation.override("hi"):
        assert translation.gettext("Django administration") == "Django प्रशासन"
        assert translation.gettext("Save") == "सहेजें"
        assert translation.gettext("Add") == "जोड़ें"
        assert translation.gettext("Password") == "पासवर्ड"
        # The readers' catalogue (locale/) still comes first.
        assert translation.gettext("Search") == "खोजें"


def test_hindi_date_times_are_day_first_with_a_clear_half_of_the_day():
    """Django's hi locale leaves date-times to its American defaults ("12/02/2026" for
    12 February reads as 2 December) and says "बजे" for a.m. and p.m. alike."""
    evening = datetime.datetime(2026, 2, 12, 18, 39, tzinfo=datetime.UTC)
    with translation.override("hi"):
        assert formats.date_format(evening, "DATETIME_FORMAT") == "12 फ़रवरी 2026, 6:39 अपराह्न"
        assert formats.date_format(evening, "SHORT_DATETIME_FORMAT") == "12-02-2026, 6:39 अपराह्न"
        assert formats.date_format(evening.replace(hour=6), "TIME_FORMAT") == "6:39 पूर्वाह्न"
    with translation.override("en"):
        assert formats.date_format(evening, "SHORT_DATETIME_FORMAT") == "02/12/2026 6:39 p.m."
