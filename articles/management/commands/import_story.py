"""``manage.py import_story FILE [--save]``: a story from plain text (articles.importing).

Prints what it found: headline, summary, the lines left out, people, organisations and
each quote with its guessed speaker and source. Saves nothing unless given ``--save``;
then it saves a draft with every quote that has a speaker (a quote without one is printed
but not saved, and the output says so). A missing, unreadable or non-UTF-8 file, a text
with no headline, and a story already in the desk are refused with a clear error.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.importing import AlreadyImported, NotAStory, decode_text, parse_story, save_draft


class Command(BaseCommand):
    help = "Read a story from a plain-text file; save it as a draft with --save."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the story as UTF-8 plain text")
        parser.add_argument(
            "--save", action="store_true", help="save it as a draft with its quotes"
        )

    def handle(self, *args, file, save, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from error
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        try:
            draft = parse_story(decode_text(data, str(path)))
        except NotAStory as error:
            raise CommandError(str(error)) from error
        self.report(draft)
        if draft.existing is not None:
            error = AlreadyImported(draft.existing)
            if save:
                raise CommandError(str(error))
            self.stdout.write(self.style.WARNING(str(error)))
            return
        if not save:
            self.stdout.write(_("Nothing saved: run again with --save to save it as a draft."))
            return
        try:
            article = save_draft(draft)
        except (AlreadyImported, ValidationError) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        saved = article.quotes.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Saved the draft “%(headline)s” (slug %(slug)s) with %(count)d quote.",
                    "Saved the draft “%(headline)s” (slug %(slug)s) with %(count)d quotes.",
                    saved,
                )
                % {"headline": article.headline, "slug": article.slug, "count": saved}
            )
        )

    def report(self, draft):
        write = self.stdout.write
        write(_("Headline: %(text)s") % {"text": draft.headline})
        write(_("Summary: %(text)s") % {"text": draft.summary})
        for line in draft.left_out:
            write(_("Left out: %(text)s") % {"text": line})
        write(_("People: %(names)s") % {"names": ", ".join(map(str, draft.people)) or "—"})
        organisations = ", ".join(map(str, draft.organisations)) or "—"
        write(_("Organisations: %(names)s") % {"names": organisations})
        for number, quote in enumerate(draft.quotes, start=1):
            write(_("Quote %(number)d: %(text)s") % {"number": number, "text": quote.text})
            if quote.speaker is None:
                write("  " + _("speaker: none guessed (not saved: a quote needs a speaker)"))
                continue
            write("  " + _("speaker: %(name)s") % {"name": quote.speaker})
            source = quote.source.title if quote.source else "—"
            write("  " + _("source: %(title)s") % {"title": source})
