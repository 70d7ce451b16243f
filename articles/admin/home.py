"""The desk home: the admin index as the newsroom's desk, branded with its name.

``desk_for(user)`` builds what the index shows above the app list: panels of links to
admin change pages, each at most ``PANEL_ROWS`` rows, in a constant number of queries
(one per panel, two for the quotes needing attention, one per versioned model for the
recent changes) however many rows the tables hold.

Whose work is it: a story is the user's when they made its first version (the history's
``history_user`` on the story's earliest record). Bylines name Person records, not
accounts, so they cannot say which account wrote a story; a story that arrived without a
version of its own (``loaddata``) belongs to nobody until someone edits it.

Reporters see what is theirs to do: their drafts and the quote problems of their stories.
Editors (who may publish) see the whole desk: their drafts, every story scheduled to go
out, every quote problem, the latest corrections and recent changes by others.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import integrity, publishing
from articles.admin.desk import NeedsAttentionFilter
from articles.models import Article, Correction, Image, Organisation, Person, Quote, Source

PANEL_ROWS = 10


def _desk_name():
    return gettext("{name} desk").format(name=settings.NEWSROOM_NAME)


# Branding: lazy, so each page says it in its own interface language (and reads the
# newsroom's name when it is shown, not when this module is imported).
admin.site.site_header = lazy(_desk_name, str)()
admin.site.site_title = lazy(_desk_name, str)()
admin.site.index_title = _("Today's desk")

# The versioned records whose recent changes the desk lists, with the field that names
# a record (read from the version itself, so no query per row).
VERSIONED = [
    (Article, "headline"),
    (Person, "name"),
    (Quote, "text"),
    (Source, "title"),
    (Organisation, "name"),
    (Image, "key"),
]


def _change_url(model, pk):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def _changelist_url(model, query=""):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{query}" if query else url


def _short(text, length=80):
    return text if len(text) <= length else text[: length - 1] + "…"


def _row(url, label, note="", when=None):
    return {"url": url, "label": label, "note": note, "when": when}


def _panel(key, title, rows, empty, more_url=""):
    return {"key": key, "title": title, "rows": rows, "empty": empty, "more_url": more_url}


def stories_of(user):
    """The articles whose first version ``user`` made (see the module docstring)."""
    first_user = (
        Article.history.filter(id=OuterRef("pk"))
        .order_by("history_date", "history_id")
        .values("history_user")[:1]
    )
    return Article.objects.annotate(first_user=Subquery(first_user)).filter(first_user=user.pk)


def _drafts_panel(user):
    drafts = stories_of(user).filter(status=Article.Status.DRAFT).order_by("-updated_at", "-pk")
    rows = [
        _row(_change_url(Article, article.pk), article.headline)
        for article in drafts.only("pk", "headline")[:PANEL_ROWS]
    ]
    return _panel("drafts", _("Your drafts"), rows, _("You have no drafts."))


def _scheduled_panel():
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    ).order_by("published_at", "pk")
    rows = [
        _row(
            _change_url(Article, article.pk),
            article.headline,
            when=article.published_at,
        )
        for article in scheduled.only("pk", "headline", "published_at")[:PANEL_ROWS]
    ]
    return _panel("scheduled", _("Scheduled to go out"), rows, _("Nothing is scheduled."))


def _attention_panel(quotes):
    """Quotes with an integrity problem, through the same check and filter as the quote
    list, so the panel's "all" link shows the same quotes."""
    bad = (
        integrity.quotes_needing_attention(quotes)
        .select_related("article")
        .only("pk", "position", "text", "kind", "source_id", "article__headline", "article__body")
        .order_by("-article__updated_at", "article_id", "position")
    )
    rows = [
        _row(
            _change_url(Quote, quote.pk),
            f"{quote.article.headline}: {integrity.quote_label(quote.position, quote.text)}",
            "; ".join(integrity.quote_problems(quote)),
        )
        for quote in bad[:PANEL_ROWS]
    ]
    more = _changelist_url(Quote, f"{NeedsAttentionFilter.parameter_name}=problems")
    return _panel(
        "attention", _("Needs attention"), rows, _("No quote needs attention."), more_url=more
    )


def _corrections_panel():
    corrections = Correction.objects.select_related("article").only(
        "pk", "kind", "text", "published_at", "article__headline"
    )
    rows = [
        _row(
            _change_url(Correction, correction.pk),
            f"{correction.get_kind_display()}: {correction.article.headline}",
            _short(correction.text),
        )
        for correction in corrections.order_by("-published_at", "-pk")[:PANEL_ROWS]
    ]
    return _panel(
        "corrections",
        _("Latest corrections"),
        rows,
        _("No corrections yet."),
        more_url=_changelist_url(Correction),
    )


_ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("deleted")}


def _changes_panel(user):
    """The newest versions made by other people (not by nobody: a command or loaddata),
    read newest first from each history table and merged."""
    versions = []
    for model, label_field in VERSIONED:
        versions.extend(
            (record, model, label_field)
            for record in model.history.filter(history_user__isnull=False)
            .exclude(history_user=user)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:PANEL_ROWS]
        )
    versions.sort(key=lambda version: version[0].history_date, reverse=True)
    rows = []
    for record, model, label_field in versions[:PANEL_ROWS]:
        # A deleted record has no change page left to link to.
        url = "" if record.history_type == "-" else _change_url(model, record.id)
        note = _("%(action)s by %(user)s") % {
            "action": _ACTIONS[record.history_type],
            "user": record.history_user.get_username(),
        }
        label = f"{model._meta.verbose_name}: {_short(getattr(record, label_field))}"
        rows.append(_row(url, label, note, when=record.history_date))
    return _panel("changes", _("Recent changes by others"), rows, _("No changes by others."))


def desk_for(user) -> dict:
    """What the desk home shows ``user``: ``{"is_editor": bool, "panels": [panel, ...]}``,
    each panel a dict with ``key``, ``title``, ``rows`` (dicts of ``url``, ``label``,
    ``note`` and ``when``, a datetime or None; at most PANEL_ROWS), ``empty`` (what to
    say when there are no rows) and ``more_url`` (the full list, or "").

    Reporters get their drafts and the quote problems of their own stories; editors also
    get every quote problem, the scheduled stories, corrections and others' changes.
    """
    editor = publishing.can_publish(user)
    if editor:
        panels = [
            _attention_panel(Quote.objects.all()),
            _drafts_panel(user),
            _scheduled_panel(),
            _corrections_panel(),
            _changes_panel(user),
        ]
    else:
        own = Quote.objects.filter(article__in=stories_of(user).values("pk"))
        panels = [_attention_panel(own), _drafts_panel(user)]
    return {"is_editor": editor, "panels": panels}
