"""The desk's "Import a story from text" page (articles.importing): paste or upload the
text, check what was found, confirm. Nothing is saved before the editor confirms.

The preview carries the text itself in a hidden field and the confirmation parses it
again (the parse is deterministic), so no half-made story sits in the session or the
database. Should the desk change in between so that the quotes found differ, the preview
is shown again rather than saving choices made for other quotes.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.importing import AlreadyImported, NotAStory, decode_text, parse_story, save_draft
from articles.markup import render_markdown
from articles.models import Article

__all__ = ["import_urls"]

#: Largest text accepted, pasted or uploaded (a long story is well under 100 kB).
MAX_TEXT_BYTES = 1_000_000


class TextForm(forms.Form):
    """The story as text: pasted, or a UTF-8 file."""

    text = forms.CharField(
        label=gettext_lazy("The story as text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text=gettext_lazy(
            "First line: the headline; then the summary; then the body (paragraphs, headings, "
            "bullet lists)."
        ),
    )
    upload = forms.FileField(label=gettext_lazy("or a text file (UTF-8)"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_TEXT_BYTES:
                raise ValidationError(_("The file is larger than 1 MB: is it really a story?"))
            try:
                data["text"] = decode_text(upload.read(), upload.name)
            except NotAStory as error:
                raise ValidationError(str(error)) from error
        if not data.get("text", "").strip():
            raise ValidationError(_("Paste the story's text or choose a file."))
        if len(data["text"].encode()) > MAX_TEXT_BYTES:
            raise ValidationError(_("The text is larger than 1 MB: is it really a story?"))
        return data


class ChoicesForm(forms.Form):
    """The editor's choices on the preview: per quote, keep it, and its speaker and
    source, from the people found and their sources (no query to render or check)."""

    text = forms.CharField(strip=False, widget=forms.HiddenInput)
    #: The positions of the quotes the editor saw, to notice a changed parse.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, draft, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        people = [("", "—")] + [(str(p.pk), str(p)) for p in draft.people]
        sources = [("", "—")] + [(str(s.pk), s.title) for s in draft.sources]
        self.rows = []
        for number, quote in enumerate(draft.quotes):
            keep, speaker, source = f"keep_{number}", f"speaker_{number}", f"source_{number}"
            self.fields[keep] = forms.BooleanField(
                label=_("Keep"), required=False, initial=quote.speaker is not None
            )
            self.fields[speaker] = forms.ChoiceField(
                label=_("Speaker"),
                choices=people,
                required=False,
                initial=str(quote.speaker.pk) if quote.speaker else "",
            )
            self.fields[source] = forms.ChoiceField(
                label=_("Source"),
                choices=sources,
                required=False,
                initial=str(quote.source.pk) if quote.source else "",
            )
            self.rows.append((quote, self[keep], self[speaker], self[source]))
        self.fields["seen"].initial = _seen(draft)

    def clean(self):
        data = super().clean()
        for number, _quote in enumerate(self.draft.quotes):
            if data.get(f"keep_{number}") and not data.get(f"speaker_{number}"):
                self.add_error(f"speaker_{number}", _("A quote you keep needs a speaker."))
        return data

    def chosen_quotes(self):
        """The kept quotes, each with the speaker and source chosen."""
        people = {str(p.pk): p for p in self.draft.people}
        sources = {str(s.pk): s for s in self.draft.sources}
        kept = []
        for number, quote in enumerate(self.draft.quotes):
            if self.cleaned_data.get(f"keep_{number}"):
                quote.speaker = people[self.cleaned_data[f"speaker_{number}"]]
                quote.source = sources.get(self.cleaned_data[f"source_{number}"])
                kept.append(quote)
        return kept


def _seen(draft):
    return ",".join(str(quote.position) for quote in draft.quotes)


def import_view(model_admin):
    """The import page of ``model_admin`` (the Article admin): text → preview → draft."""

    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Article._meta,
            "title": _("Import a story from text"),
        }
        if request.method == "POST" and "confirm" in request.POST:
            return _confirm(request, model_admin, context)
        form = TextForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = parse_story(form.cleaned_data["text"])
            except NotAStory as error:
                form.add_error("text", str(error))
            else:
                choices = ChoicesForm(draft, initial={"text": form.cleaned_data["text"]})
                return _preview(request, context, draft, choices)
        return TemplateResponse(
            request, "admin/articles/article/import.html", {**context, "form": form}
        )

    return view


def _preview(request, context, draft, choices):
    existing = draft.existing
    return TemplateResponse(
        request,
        "admin/articles/article/import_preview.html",
        {
            **context,
            "draft": draft,
            "choices": choices,
            "body_html": render_markdown(draft.body),
            "existing": existing,
            "existing_url": existing
            and reverse("admin:articles_article_change", args=[existing.pk]),
        },
    )


def _confirm(request, model_admin, context):
    text = request.POST.get("text", "")
    try:
        draft = parse_story(text)
    except NotAStory as error:
        messages.error(request, str(error))
        return redirect("admin:articles_article_import")
    if request.POST.get("seen", "") != _seen(draft):
        # Someone added a person, say, since the preview: the choices were made for
        # other quotes. Show the new preview instead of guessing.
        messages.warning(
            request, _("The quotes found have changed since the preview: check them again.")
        )
        return _preview(request, context, draft, ChoicesForm(draft, initial={"text": text}))
    choices = ChoicesForm(draft, request.POST)
    if choices.is_valid():
        try:
            article = save_draft(draft, quotes=choices.chosen_quotes())
        except AlreadyImported as error:
            draft.existing = error.article
            choices.add_error(None, str(error))
        except ValidationError as error:
            choices.add_error(None, error.messages)
        else:
            model_admin.log_addition(request, article, [{"added": {}}])
            count = article.quotes.count()
            messages.success(
                request,
                ngettext(
                    "Saved “%(headline)s” as a draft with %(count)d quote: check it here.",
                    "Saved “%(headline)s” as a draft with %(count)d quotes: check it here.",
                    count,
                )
                % {"headline": article.headline, "count": count},
            )
            return redirect("admin:articles_article_change", article.pk)
    return _preview(request, context, draft, choices)


def import_urls(model_admin):
    """URL patterns to put before the Article admin's own (``admin:articles_article_import``)."""
    return [
        path(
            "import/",
            model_admin.admin_site.admin_view(import_view(model_admin)),
            name="articles_article_import",
        )
    ]
