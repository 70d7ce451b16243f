"""The admin forms that keep the record honest.

* A published article (or a quote in one) is never changed silently: changing its
  headline, summary, body, section, lead image, byline or a quote needs a public correction
  note or the explicit "minor edit: no change in meaning" box (EditNoteForm).
* An article is never published, or kept published, with a direct quote missing from its
  body or a quote without a source (articles.integrity), the refusal naming the quote.
* Only editors (articles.publish_article) publish or touch a published article.

The admin saves the note with ``articles.publishing.record_correction``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.caching import content_changed
from articles.integrity import describe, quote_label, quote_problem_codes
from articles.markup import figure_keys
from articles.models import Article, ArticleAuthor, Correction, Image, Person, Quote

# What a reader would call a change in the story (the byline too: BylineInlineFormSet);
# other fields (tags, slug, people, organisations, translation link) are kept in the
# history but need no public note: like tags, they file the story rather than tell it.
ARTICLE_STORY_FIELDS = ("headline", "summary", "body", "section", "lead_image")
QUOTE_STORY_FIELDS = (
    "text",
    "speaker",
    "kind",
    "source",
    "original_text",
    "original_language",
    "said_on",
)

NOTE = "note"
MINOR = "minor"


class EditNoteForm(forms.Form):
    """The editor's decision when changing a published story: a public note or "minor"."""

    correction_kind = forms.ChoiceField(
        label=_("Correction kind"), choices=Correction.Kind.choices, required=False
    )
    correction_text = forms.CharField(
        label=_("Public correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on the article page, dated today. Required when you change the headline, "
            "summary, body or a quote of a published article, unless the edit is minor."
        ),
    )
    minor_edit = forms.BooleanField(
        label=_("Minor edit: no change in meaning"),
        required=False,
        help_text=_("A typo or formatting fix that changes nothing a reader relies on."),
    )

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("correction_text") or "").strip()
        cleaned["correction_text"] = text
        if text and cleaned.get("minor_edit"):
            raise ValidationError(
                _("Either write a correction note or tick “minor edit”, not both."),
                code="note_and_minor",
            )
        if text and not cleaned.get("correction_kind"):
            cleaned["correction_kind"] = Correction.Kind.CORRECTION
        return cleaned

    def edit_decision(self):
        """NOTE, MINOR or None (the editor has not said), from valid data."""
        if self.cleaned_data.get("correction_text"):
            return NOTE
        if self.cleaned_data.get("minor_edit"):
            return MINOR
        return None


def edit_decision_in(data):
    """The EditNoteForm decision in a whole POST (the article form's fields, no prefix)."""
    note = EditNoteForm(data)
    return note.edit_decision() if note.is_valid() else None


def needs_note_error(what):
    return ValidationError(
        _(
            "%(what)s of a published article changed: write a public correction note "
            "or tick “minor edit: no change in meaning”."
        ),
        code="correction_required",
        params={"what": what},
    )


class ArticleAdminForm(EditNoteForm, forms.ModelForm):
    """The article's admin form. ``can_publish`` is set by the admin from the user.

    On the form that restores a version (articles.admin.desk), ``restored_byline`` is the
    version's byline as (person id, position) pairs, shown read-only in a ``byline`` field
    and saved with the rest; the correction rule covers it as it covers the inline.
    """

    can_publish = False
    restored_byline = None

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "section",
            "summary",
            "lead_image",
            "body",
            "language",
            "translation_of",
            "status",
            "published_at",
            "people",
            "organisations",
            "sources",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored state, read from the database rather than from the instance: when
        # simple-history restores an old version, the instance *is* that old version.
        self.stored = stored_values(self.instance, ARTICLE_STORY_FIELDS)
        stored = Article(**self.stored) if self.stored else None
        self.was_public = stored is not None and stored.is_public
        self.was_published = stored is not None and stored.status == Article.Status.PUBLISHED

    def clean_body(self):
        """A figure whose key names no library image renders nothing: say so, naming it."""
        body = self.cleaned_data.get("body", "")
        keys = figure_keys(body)
        known = set(Image.objects.filter(key__in=keys).values_list("key", flat=True))
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise ValidationError(
                ngettext(
                    "No image in the library has the key %(keys)s: upload it first, or "
                    "correct the key in [[चित्र:…]].",
                    "No images in the library have the keys %(keys)s: upload them first, or "
                    "correct the keys in [[चित्र:…]].",
                    len(unknown),
                ),
                code="unknown_image",
                params={"keys": ", ".join(f"“{key}”" for key in unknown)},
            )
        return body

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if status == Article.Status.PUBLISHED and not self.can_publish:
            raise ValidationError(
                _("Only editors can publish. Save it as a draft and ask an editor."),
                code="publish_not_allowed",
            )
        if self.was_published and status != Article.Status.PUBLISHED and not self.can_publish:
            raise ValidationError(_("Only editors can unpublish."), code="publish_not_allowed")
        return status

    def clean_published_at(self):
        # The time is part of publishing: set on a draft, it is the time the story goes
        # out (or is dated) when an editor later publishes it (issue 13, test_role_matrix).
        published_at = self.cleaned_data.get("published_at")
        if "published_at" in self.changed_data and not self.can_publish:
            raise ValidationError(
                _("Only editors set the publication time."), code="publish_not_allowed"
            )
        return published_at

    def clean_translation_of(self):
        """One translation per language, the refusal naming the one there is (the model's
        clean() has the other translation rules; its unique constraint says only that the
        pair exists)."""
        original = self.cleaned_data.get("translation_of")
        language = self.cleaned_data.get("language") or ""
        if original is None or not language:
            return original
        twin = original.translations.exclude(pk=self.instance.pk).filter(language=language).first()
        if twin is not None:
            raise ValidationError(
                _("“%(headline)s” already has a translation in “%(language)s”: “%(other)s”."),
                code="translation_exists",
                params={"headline": original.headline, "language": language, "other": twin},
            )
        return original

    def clean(self):
        cleaned = super().clean()
        changed = changed_story_fields(self, self.stored, ARTICLE_STORY_FIELDS)
        labels = [str(self.fields[name].label) for name in changed]
        restoring = self.restored_byline is not None and self.stored is not None
        if restoring and byline_order(self.restored_byline) != stored_byline(self.instance):
            labels.append(str(_("byline")))
        if self.was_public and labels and self.edit_decision() is None:
            raise needs_note_error(", ".join(labels).capitalize())
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing without a time means now (Article.save does the same); set it here
            # so that the model's "published has a time" constraint validates.
            cleaned["published_at"] = timezone.now()
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        if self.restored_byline is not None:
            save_byline(self.instance, self.restored_byline)


class RestoredBylineField(forms.Field):
    """A version's byline on the restore form: read-only names, restored on save.

    Disabled, so its value is always the version's (``initial``), whatever is posted.
    """

    widget = forms.TextInput(attrs={"size": 80})

    def __init__(self, pairs, **kwargs):
        names = Person.objects.in_bulk([person_id for person_id, _position in pairs])
        self.names = {pk: str(person) for pk, person in names.items()}
        kwargs.setdefault("label", _("byline"))
        kwargs.setdefault("help_text", _("The byline as this version had it; saving restores it."))
        super().__init__(required=False, disabled=True, initial=pairs, **kwargs)

    def prepare_value(self, value):
        return "; ".join(self.names[pk] for pk, _position in value or [] if pk in self.names)


def byline_order(pairs):
    """The people of (person id, position) ``pairs`` in byline order."""
    return [pk for pk, _position in sorted(pairs, key=lambda pair: pair[1])]


def stored_byline(article):
    """The people of ``article``'s stored byline, by id, in byline order (one query)."""
    if article.pk is None:
        return []
    return list(
        ArticleAuthor.objects.filter(article=article)
        .order_by("position", "pk")
        .values_list("person_id", flat=True)
    )


def save_byline(article, pairs):
    """Make ``article``'s byline the (person id, position) ``pairs``; a person deleted since
    is left out. A constant number of queries."""
    alive = set(Person.objects.filter(pk__in=[pk for pk, _ in pairs]).values_list("pk", flat=True))
    wanted = {pk: position for pk, position in pairs if pk in alive}
    rows = ArticleAuthor.objects.filter(article=article)
    rows.exclude(person_id__in=list(wanted)).delete()
    kept = {row.person_id: row for row in rows.filter(person_id__in=list(wanted))}
    for row in kept.values():
        row.position = wanted[row.person_id]
    ArticleAuthor.objects.bulk_update(kept.values(), ["position"])
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, person_id=pk, position=position)
        for pk, position in wanted.items()
        if pk not in kept
    )
    content_changed()  # bulk_update and bulk_create send no post_save


def stored_values(instance, fields):
    """The database's current values of ``fields`` (plus status and publication time for
    an article) for a saved ``instance``, by attribute name; None for a new one."""
    if instance.pk is None:
        return None
    model = type(instance)
    names = [model._meta.get_field(name).attname for name in fields]
    if model is Article:
        names += ["status", "published_at"]
    return model._default_manager.filter(pk=instance.pk).values(*names).first()


def _comparable(value):
    if isinstance(value, str):
        # A browser sends CRLF line ends and the form strips the ends of text.
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return getattr(value, "pk", value)


def changed_story_fields(form, stored, fields):
    """The ``fields`` whose submitted value differs from the stored one, in order."""
    if stored is None:
        return []
    model = form._meta.model
    return [
        name
        for name in fields
        if name in form.cleaned_data
        and _comparable(form.cleaned_data[name])
        != _comparable(stored[model._meta.get_field(name).attname])
    ]


def quote_has_changed(form, stored=None) -> bool:
    """True when a quote form changes what the quote says or who said it."""
    if stored is None:
        stored = stored_values(form.instance, QUOTE_STORY_FIELDS)
    return bool(changed_story_fields(form, stored, QUOTE_STORY_FIELDS))


class QuoteInlineFormSet(forms.BaseInlineFormSet):
    """The article page's quotes: refuse to publish a broken quote; note changes.

    ``self.instance`` is the article as the editor is saving it (new status and body).
    """

    def clean(self):
        super().clean()
        article = self.instance
        live = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        if article.status == Article.Status.PUBLISHED:
            errors = []
            for form in live:
                data = form.cleaned_data
                codes = quote_problem_codes(
                    text=data.get("text") or "",
                    kind=data.get("kind"),
                    has_source=data.get("source") is not None,
                    body=article.body,
                )
                label = quote_label(
                    data.get("position") or getattr(form.instance, "position", None),
                    data.get("text") or "",
                )
                errors.extend(f"{label}: {describe(code)}" for code in codes)
            if errors:
                raise ValidationError(
                    [_("A published article cannot have this quote problem.")]
                    + [ValidationError(message, code="quote_problem") for message in errors],
                    code="quote_problem",
                )
        if self._was_public() and edit_decision_in(self.data) is None:
            # The stored quotes in one query, whatever their number.
            attnames = [Quote._meta.get_field(name).attname for name in QUOTE_STORY_FIELDS]
            stored = {
                row["pk"]: row
                for row in Quote.objects.filter(article=article).values("pk", *attnames)
            }
            for form in self.forms:
                new = form.instance.pk is None and form in live
                deleted = form.instance.pk is not None and self._should_delete_form(form)
                changed = (
                    form.instance.pk is not None
                    and form in live
                    and quote_has_changed(form, stored.get(form.instance.pk))
                )
                if new or deleted or changed:
                    raise needs_note_error(_("A quote"))

    def _was_public(self):
        return was_public(self.instance)


def was_public(article):
    """Whether the stored ``article`` is public now (one query; False for a new one)."""
    if article.pk is None:
        return False
    return Article.objects.published().filter(pk=article.pk).exists()


class BylineInlineFormSet(forms.BaseInlineFormSet):
    """The byline on its article's page: who wrote it, in order (``position``).

    A public story's byline (a name added, removed or moved) changes only with a public
    correction note or "minor edit", like its headline; renumbering that keeps the order
    is no change. A name twice is refused by the model's unique constraint.
    """

    def clean(self):
        super().clean()
        if not was_public(self.instance) or edit_decision_in(self.data) is not None:
            return
        if self.submitted_byline() != stored_byline(self.instance):
            raise needs_note_error(_("The byline"))

    def submitted_byline(self):
        """The people of the submitted byline, by id, in byline order."""
        live = [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("person") is not None
        ]
        # Equal positions: the stored order (by pk), new rows last.
        live.sort(
            key=lambda form: (
                form.cleaned_data.get("position") or 0,
                form.instance.pk is None,
                form.instance.pk or 0,
            )
        )
        return [form.cleaned_data["person"].pk for form in live]


#: A quote's fields on its article's page; its own page adds the article.
QUOTE_FIELDS = [
    "position",
    "speaker",
    "kind",
    "text",
    "source",
    "said_on",
    "original_text",
    "original_language",
    "tags",
]


class QuoteAdminForm(EditNoteForm, forms.ModelForm):
    """A quote on its own admin page, with the same rules as on its article's page."""

    can_publish = False

    class Meta:
        model = Quote
        fields = ["article", *QUOTE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is None:
            return cleaned
        if article.status == Article.Status.PUBLISHED and not self.can_publish:
            raise ValidationError(
                _("Only editors can change the quotes of a published article."),
                code="publish_not_allowed",
            )
        if article.status == Article.Status.PUBLISHED:
            codes = quote_problem_codes(
                text=cleaned.get("text") or "",
                kind=cleaned.get("kind"),
                has_source=cleaned.get("source") is not None,
                body=article.body,
            )
            if codes:
                label = quote_label(self.instance.position, cleaned.get("text") or "")
                raise ValidationError(
                    [
                        ValidationError(f"{label}: {describe(code)}", code="quote_problem")
                        for code in codes
                    ]
                )
        is_new = self.instance.pk is None
        moved = not is_new and stored_values(self.instance, ["article"])["article_id"] != article.pk
        changed = is_new or moved or quote_has_changed(self)
        if changed and article.is_public and self.edit_decision() is None:
            raise needs_note_error(_("A quote"))
        return cleaned
