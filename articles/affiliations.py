"""Roles as they were on the day: which of a person's affiliations (articles.models.Affiliation)
describes them on a given date, and how that role is worded.

Everything here reads rows already loaded (``person.affiliations.all()`` from the prefetch
``Affiliation.objects.for_career()`` gives, in career order) and asks the database nothing,
so a page that describes many speakers on many dates costs no query per speaker or date.

The rule (:func:`role_on`), for a date ``on``:

1. A role is **ruled out** when it provably was not held that day: it started after ``on``,
   or ended before it, or it comes at or after a role in the career order (``position``)
   that started after ``on`` (a later role cannot have begun earlier), or it has ended at an
   unknown time and ``on`` is today or later (ended means over by now).
2. Of the rest, a **dated** role (a start or an end date is known, and ``on`` is inside it,
   a missing date counting as open) wins over an undated one: it is evidence about that day.
3. Otherwise the latest **undated** role in the career order that is not ruled out: the
   newest role that has not provably started after ``on``. A role ticked "ended" without a
   date may well be the one held on an older quote's date, so it stays a candidate.
4. Several candidates of the same kind (two roles held at once): the latest in the career
   order.
5. No candidate: no role; the speaker is described by ``Person.description``.

Wording (:func:`describe`): the role held on ``on`` is "then <title>, <body>" (तत्कालीन …)
when that role has ended by now, plain "<title>, <body>" while it is still held. The title
is the English one when the language asked for is English and the role has one.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext

__all__ = [
    "Description",
    "article_date",
    "body_in",
    "describe",
    "quote_date",
    "role_on",
    "title_in",
]


def article_date(article) -> datetime.date:
    """The date a story speaks for: the local date of its publication time, today for a
    draft that has none yet."""
    if article.published_at is None:
        return timezone.localdate()
    return timezone.localdate(article.published_at)


def quote_date(quote) -> datetime.date:
    """The date a quote was said: ``said_on``, else its story's :func:`article_date`.

    Needs ``quote.article`` loaded with the quote when ``said_on`` is empty.
    """
    return quote.said_on or article_date(quote.article)


def _ruled_out(role, on, today, cutoff):
    if role.started_on is not None and role.started_on > on:
        return True
    if role.ended_on is not None and role.ended_on < on:
        return True
    if role.ended and role.ended_on is None and on >= today:
        return True
    return cutoff is not None and (role.position, role.pk or 0) >= cutoff


def role_on(affiliations, on, *, today=None):
    """The affiliation held on date ``on`` by the rule in this module's docstring, or None.

    ``affiliations`` are one person's rows in any order (they are sorted by ``position``,
    then pk, here); ``today`` defaults to the local date. No query.
    """
    today = today or timezone.localdate()
    roles = sorted(affiliations, key=lambda role: (role.position, role.pk or 0))
    # The first role in the career order that provably started after ``on``: it and every
    # role after it cannot have been held that day.
    cutoff = next(
        (
            (role.position, role.pk or 0)
            for role in roles
            if role.started_on is not None and role.started_on > on
        ),
        None,
    )
    candidates = [role for role in roles if not _ruled_out(role, on, today, cutoff)]
    dated = [role for role in candidates if role.started_on or role.ended_on]
    chosen = dated or candidates
    return chosen[-1] if chosen else None


def _is_english(language):
    return (language or "").lower().split("-")[0] == "en"


def title_in(affiliation, language) -> str:
    """The role's title for a reader of ``language`` (a BCP 47 tag): the English title for
    English when there is one, else the title as the newsroom writes it."""
    if _is_english(language) and affiliation.title_en:
        return affiliation.title_en
    return affiliation.title


def body_in(affiliation, language) -> str:
    """Where the role is held, for a reader of ``language``: the organisation's Latin name
    for English when it has one, else its name (or the free-text body)."""
    organisation = affiliation.organisation if affiliation.organisation_id else None
    if organisation is not None and _is_english(language) and organisation.name_latin:
        return organisation.name_latin
    return affiliation.body


@dataclass(frozen=True)
class Description:
    """How a person is described on a date: ``role`` (an Affiliation, or None when none
    applies), ``title`` and ``body`` (its words in the language asked for), ``then`` (the
    role has ended since), or ``fallback``, the person's short description."""

    role: object = None
    title: str = ""
    body: str = ""
    then: bool = False
    fallback: str = ""

    def __bool__(self):
        return bool(self.role or self.fallback)

    def __str__(self):
        """The description as plain text (JSON-LD, titles): "then head of …, Anthropic"."""
        if self.role is None:
            return self.fallback
        words = {"title": self.title, "body": self.body}
        if self.then:
            # Translators: a role held on a quote's date and no longer held, e.g. "then
            # head of Safeguards Research, Anthropic" (तत्कालीन …).
            return gettext("then {title}, {body}").format(**words)
        return gettext("{title}, {body}").format(**words)


def describe(person, on, language=None, *, today=None) -> Description:
    """``person`` as of date ``on`` for a reader of ``language`` (default: the active one).

    Reads ``person.affiliations.all()`` (prefetch it with ``Affiliation.objects
    .for_career()``: no query then) and their organisations. ``on`` None (or empty)
    describes the person by their short description alone.
    """
    fallback = person.description
    if not on:
        return Description(fallback=fallback)
    role = role_on(person.affiliations.all(), on, today=today)
    if role is None:
        return Description(fallback=fallback)
    language = language or translation.get_language()
    return Description(
        role=role,
        title=title_in(role, language),
        body=body_in(role, language),
        then=role.ended,
        fallback=fallback,
    )
