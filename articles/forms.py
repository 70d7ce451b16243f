"""The admin forms that keep the record honest.

* A published article (or a quote in one) is never changed silently: changing its
  headline, summary, body or a quote needs a public correction note or the explicit
  "minor edit: no change in meaning" box (EditNoteForm).
* An article is never published, or kept published, with a direct quote missing from its
  body or a quote without a source (articles.integrity), the refusal naming the quote.
* Only editors (articles.publish_article) publish or touch a published article.

The admin saves the note with ``articles.publishing.record_correction``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.integrity import describe, quote_label, quote_problem_codes
from articles.models import Article, Correction, Quote

# What a reader would call a change in the story; other fields (tags, slug, people) are
# kept in the history but need no public note.
ARTICLE_STORY_FIELDS = ("headline", "summary", "body")
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
    """The article's admin form. ``can_publish`` is set by the admin from the user."""

    can_publish = False

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "summary",
            "body",
            "language",
            "status",
            "published_at",
            "people",
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

    def clean(self):
        cleaned = super().clean()
        changed = changed_story_fields(self, self.stored, ARTICLE_STORY_FIELDS)
        if self.was_public and changed and self.edit_decision() is None:
            labels = ", ".join(str(self.fields[name].label) for name in changed)
            raise needs_note_error(labels.capitalize())
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing without a time means now (Article.save does the same); set it here
            # so that the model's "published has a time" constraint validates.
            cleaned["published_at"] = timezone.now()
        return cleaned


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
        if self.instance.pk is None:
            return False
        return Article.objects.published().filter(pk=self.instance.pk).exists()


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
