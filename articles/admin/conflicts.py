"""No lost edits: a change form knows the version it was opened on, and a save over a newer
one is refused.

The version is the stored ``updated_at`` of what the page saves (for a story, the newest of
the article's and its quotes', since a quote can be saved on its own page), rendered into
the form as the hidden ``opened_version``, an ISO timestamp compared exactly (to the
microsecond). On save, inside the admin's save transaction, the stored version is read
again with ``select_for_update`` (a story's row is the lock for the story and its quotes,
so a quote's page locks its article too; SQLite, which has no row locks, writes one
transaction at a time anyway). If it is newer, the form is invalid: nothing is saved, the
message names who saved since, when and which fields they changed (from the history), and
the normal re-render keeps every input. The hidden ``opened_version`` stays the one the
editor opened, so saving again is refused again, unless they tick "Save over their
changes", which appears only on the refusal and overwrites only the version the refusal
named (``refused_version``): a still newer save is refused in its turn.

Who else has a page open is a notice only: each GET of a change page records an "open" mark
in the cache (per object: user and time, kept OPEN_MARK_SECONDS), and the page tells the
editor about anyone else's recent mark.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.cache_errors import cache
from articles.models import Article, Quote

OPENED = "opened_version"
REFUSED = "refused_version"
OVERWRITE = "overwrite"
VERSION_FIELDS = (OPENED, REFUSED, OVERWRITE)
#: How long an "open" mark counts: an editor who opened the page longer ago is not named.
OPEN_MARK_SECONDS = 15 * 60


def version_token(moment):
    """The form's text for a stored version ("" for none): the exact UTC ISO timestamp."""
    return moment.astimezone(datetime.UTC).isoformat() if moment else ""


def _parse(token):
    try:
        return datetime.datetime.fromisoformat(token) if token else None
    except ValueError:
        return None


def user_name(user):
    """How the desk names an editor: the full name they were given, else the username."""
    if user is None:
        return gettext("someone outside the desk (a command or an import)")
    return user.get_full_name() or user.get_username()


class _HiddenToken(forms.HiddenInput):
    """A hidden input that no label points at: a label's ``for`` must name a visible
    control (the admin prints a label on every row, hidden ones included)."""

    def id_for_label(self, id_):
        return None


class _VersionedForm:
    """Adds the version fields to an admin change form and refuses a stale save.

    ``guard`` is the ConflictGuardMixin admin (set by its get_form) and ``request`` the
    request; the admin's fieldsets list the fields (ConflictGuardMixin.get_fieldsets)."""

    guard = None
    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[OPENED] = forms.CharField(required=False, label="", widget=_HiddenToken)
        self.fields[REFUSED] = forms.CharField(required=False, label="", widget=_HiddenToken)
        self.fields[OVERWRITE] = forms.BooleanField(
            required=False,
            widget=_HiddenToken,
            label=_("Save over their changes (replace the version named above with mine)"),
        )
        if not self.is_bound:
            # Read from the database, not from the instance: simple-history's restore
            # form holds the old version's instance, with its old updated_at.
            self.initial[OPENED] = version_token(self.guard.stored_version(self.instance))

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get(OPENED, "")
        stored = version_token(self.guard.stored_version(self.instance, lock=True))
        if stored == opened:
            return cleaned
        if cleaned.get(OVERWRITE) and cleaned.get(REFUSED) == stored:
            return cleaned
        self._refuse(opened, stored)
        return cleaned

    def _refuse(self, opened, stored):
        self.add_error(None, self.guard.conflict_message(self.request, self.instance, opened))
        # Shown again: what they opened (so a second click is refused too), the version
        # this refusal is about, and the box to save over it, unticked.
        self.data = self.data.copy()
        self.data[self.add_prefix(REFUSED)] = stored
        self.data.pop(self.add_prefix(OVERWRITE), None)
        self.fields[OVERWRITE].widget = forms.CheckboxInput()


class ConflictGuardMixin:
    """Put first on a versioned desk admin (DeskHistoryAdmin) whose model has
    ``updated_at``: its change form refuses a save over a newer version, and its change
    page says who else opened it lately. See the module docstring."""

    def stored_version(self, obj, *, lock=False):
        """The stored updated_at of ``obj`` (None if it is gone); with ``lock``, its row
        stays locked until the transaction ends."""
        rows = self.model._default_manager
        if lock:
            rows = rows.select_for_update()
        return rows.filter(pk=obj.pk).values_list("updated_at", flat=True).first()

    def changes_since(self, request, obj, opened):
        """(versions after ``opened``, newest first; names of the fields they changed)."""
        return _changes_since(self, request, obj.history.all(), opened)

    def conflict_message(self, request, obj, opened):
        """The refusal: who saved since ``opened``, when, and what they changed."""
        versions, fields = self.changes_since(request, obj, _parse(opened))
        if not versions:
            return gettext(
                "Not saved: this page was changed after you opened it. What you typed is "
                "kept below: reload the page to see the saved version, or tick “Save over "
                "their changes” and save again."
            )
        users = list(dict.fromkeys(user_name(version.history_user) for version in versions))
        when = timezone.localtime(versions[0].history_date)
        return gettext(
            "Not saved: %(users)s saved this %(name)s on %(when)s (%(ago)s ago), after you "
            "opened it, and changed: %(fields)s. What you typed is kept below: reload the "
            "page to see their version (copy your text first), or tick “Save over their "
            "changes” and save again to replace it with yours."
        ) % {
            "users": ", ".join(users),
            "name": self.model._meta.verbose_name,
            "when": date_format(when, "DATETIME_FORMAT"),
            "ago": timesince(when),
            "fields": ", ".join(fields) or gettext("nothing visible (saved as it was)"),
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not fieldsets or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        lines = [(OPENED, REFUSED), OVERWRITE, *options.get("fields", ())]
        return [(name, {**options, "fields": lines}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"]:
            # The form's own fields (added by _VersionedForm), not the model's.
            kwargs["fields"] = [name for name in kwargs["fields"] if name not in VERSION_FIELDS]
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or not self.has_change_permission(request, obj):
            return form
        return type(form.__name__, (_VersionedForm, form), {"guard": self, "request": request})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and request.user.is_authenticated:
            for name, opened_at in open_marks(self.model, object_id, request.user):
                messages.info(
                    request,
                    gettext(
                        "%(user)s opened this %(name)s %(ago)s ago: if you both save, the "
                        "second save is refused, not lost."
                    )
                    % {
                        "user": name,
                        "name": self.model._meta.verbose_name,
                        "ago": timesince(opened_at),
                    },
                )
        return super().change_view(request, object_id, form_url, extra_context)


class StoryConflictGuardMixin(ConflictGuardMixin):
    """The story's page saves the article and its quotes: its version is the newest of
    theirs, and its changes are theirs too."""

    def stored_version(self, obj, *, lock=False):
        article = super().stored_version(obj, lock=lock)
        # A separate query: PostgreSQL allows no aggregate with FOR UPDATE.
        quotes = Quote.objects.filter(article_id=obj.pk).order_by("-updated_at")
        newest_quote = quotes.values_list("updated_at", flat=True).first()
        return max(filter(None, [article, newest_quote]), default=None)

    def changes_since(self, request, obj, opened):
        versions, fields = super().changes_since(request, obj, opened)
        quote_admin = self.admin_site._registry[Quote]
        quote_versions = Quote.history.filter(article_id=obj.pk)
        for quote in obj.quotes.filter(
            pk__in=quote_versions.filter(updated_at__gt=opened).values("id")
        ).order_by("position"):
            quoted, changed = _changes_since(
                quote_admin, request, quote_versions.filter(id=quote.pk), opened
            )
            versions += quoted
            fields.append(
                gettext("quote “%(quote)s” (%(fields)s)")
                % {"quote": _short(quote.text), "fields": ", ".join(changed)}
            )
        versions.sort(key=lambda version: version.history_date, reverse=True)
        return versions, fields


class QuoteConflictGuardMixin(ConflictGuardMixin):
    """A quote's own page: it locks its article's row, the lock the story's page takes."""

    def stored_version(self, obj, *, lock=False):
        if lock:
            Article.objects.select_for_update().filter(pk=obj.article_id).exists()
        return super().stored_version(obj, lock=lock)


def _short(text, length=40):
    return text if len(text) <= length else text[: length - 1] + "…"


def _changes_since(model_admin, request, history, opened):
    """The versions in ``history`` (one object's) saved after ``opened``, newest first,
    and the names of the fields the newest changed from the version opened, with the
    history page's own diff (DeskHistoryAdmin.set_history_delta_changes)."""
    if opened is None:
        return [], []
    history = history.select_related("history_user").order_by("-updated_at", "-history_id")
    versions = list(history.filter(updated_at__gt=opened))
    base = history.filter(updated_at__lte=opened).first()
    if not versions or base is None:
        return versions, []
    model_admin.set_history_delta_changes(request, [versions[0], base])
    return versions, [str(change["field"]) for change in versions[0].history_delta_changes]


def _mark_key(model, object_id):
    return f"desk-open:{model._meta.label_lower}:{object_id}"


def open_marks(model, object_id, user):
    """Record that ``user`` opened the change page of ``model`` ``object_id`` now, and
    return who else did within OPEN_MARK_SECONDS, as (name, when) pairs, latest first."""
    key = _mark_key(model, object_id)
    now = timezone.now()
    since = now - datetime.timedelta(seconds=OPEN_MARK_SECONDS)
    marks = {
        pk: (name, when) for pk, (name, when) in (cache.get(key) or {}).items() if when > since
    }
    others = sorted(
        (mark for pk, mark in marks.items() if pk != user.pk), key=lambda m: m[1], reverse=True
    )
    marks[user.pk] = (user_name(user), now)
    cache.set(key, marks, OPEN_MARK_SECONDS)
    return others
