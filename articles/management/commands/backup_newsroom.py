"""manage.py backup_newsroom FILE: the whole newsroom in one archive (articles/backup.py)."""

from django.core.management.base import BaseCommand

from articles import backup


class Command(BaseCommand):
    help = (
        "Write every row of the newsroom (content, tags, history, corrections, images, "
        "users and groups) and every media file into one tar archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write: .tar, .tar.gz/.tgz or .tar.xz.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        manifest = backup.backup(
            options["file"], using=options["database"], progress=options["verbosity"] > 0
        )
        rows = sum(manifest["models"].values())
        self.stdout.write(
            f"Backed up {rows} rows of {len(manifest['models'])} tables and "
            f"{len(manifest['files'])} files to {options['file']}."
        )
