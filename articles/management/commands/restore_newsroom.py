"""manage.py restore_newsroom FILE: a backup loaded into an empty database
(articles/backup.py)."""

from django.core.management.base import BaseCommand

from articles import backup


class Command(BaseCommand):
    help = (
        "Restore a backup_newsroom archive into a freshly migrated, empty database, in one "
        "transaction; the media files are written once the rows are committed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive backup_newsroom wrote.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        manifest = backup.restore(
            options["file"], using=options["database"], progress=options["verbosity"] > 0
        )
        rows = sum(manifest["models"].values())
        self.stdout.write(
            f"Restored {rows} rows of {len(manifest['models'])} tables and "
            f"{len(manifest['files'])} files from {options['file']}."
        )
