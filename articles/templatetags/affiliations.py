"""Template helpers for roles as they were on the day (articles.affiliations).

``{% load affiliations %}`` then:

* ``{% speaker_role quote %}``: the quote's speaker described by the role held on the
  quote's date (``said_on``, else its story's publication date): "तत्कालीन <title>,
  <organisation>" when that role has ended since, "<title>, <organisation>" while it is
  held, else the person's short description, else nothing;
* ``{% role_on person date %}``: the same for any person and date (a story's people box
  passes the story's date);
* ``{{ article|story_date }}``: the date a story speaks for (its local publication date);
* ``{% role_title role %}``, ``{% role_body role %}``, ``{% role_dates role %}``: a career
  entry's title, its organisation (linked when public) and its dates ("since …",
  "until …", "ended").

Titles follow ``language`` (default: the interface language): English titles for English.
Every word is escaped and marked with ``lang`` where its script is not the page's
(``{% in_lang %}``). They read the roles the view prefetched (``Affiliation.objects
.for_career()``) and ask the database nothing.
"""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from articles import affiliations
from articles.templatetags.reader import in_lang

register = template.Library()


def _html(description):
    if description.role is None:
        return in_lang(description.fallback) if description.fallback else ""
    words = {"title": in_lang(description.title), "body": in_lang(description.body)}
    if description.then:
        # Translators: a role held on a quote's date and no longer held, e.g. "then head
        # of Safeguards Research, Anthropic" (तत्कालीन …).
        return format_html(gettext("then {title}, {body}"), **words)
    return format_html(gettext("{title}, {body}"), **words)


@register.simple_tag
def role_on(person, on, language=None):
    """``person`` as of date ``on`` (None: the short description alone), as HTML."""
    return _html(affiliations.describe(person, on, language))


@register.filter
def story_date(article):
    """The date a story speaks for (articles.affiliations.article_date)."""
    return affiliations.article_date(article)


@register.simple_tag
def speaker_role(quote, language=None):
    """The quote's speaker as of the quote's date, as HTML."""
    return _html(affiliations.describe(quote.speaker, affiliations.quote_date(quote), language))


@register.simple_tag
def role_title(role, language=None):
    """A career entry's title for ``language`` (default: the interface language), marked
    with ``lang`` where its script is not the page's."""
    return in_lang(affiliations.title_in(role, language or get_language()))


@register.simple_tag
def role_body(role, language=None):
    """Where a role was held: the organisation linked to its page when a reader may see it
    (``organisation_is_public``, annotated by ``Affiliation.objects.for_career()``), else
    its name as text, or the free-text body."""
    name = in_lang(affiliations.body_in(role, language or get_language()))
    if role.organisation_id and getattr(role, "organisation_is_public", False):
        return format_html('<a href="{}">{}</a>', role.organisation.get_absolute_url(), name)
    return name


@register.simple_tag
def role_dates(role):
    """When a role was held, as far as the desk knows, in the interface language: "1 March
    2024 to 10 February 2026", "until …", "since …", "from …, since ended", "ended" (over,
    no date known) or "" (nothing known). Dates are ``<time>`` elements."""
    start = _date(role.started_on)
    end = _date(role.ended_on)
    if start and end:
        return format_html(gettext("{start} to {end}"), start=start, end=end)
    if end:
        return format_html(gettext("until {end}"), end=end)
    if start and role.ended:
        return format_html(gettext("from {start}, since ended"), start=start)
    if start:
        return format_html(gettext("since {start}"), start=start)
    if role.ended:
        return gettext("ended")
    return ""


def _date(value):
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "j F Y")
    )
