"""``manage.py check_quotes``: every quote problem in the database; exit status 1 if any.

For CI and for the desk: a direct quote whose words are not in its article's body, or a
quote without a source (the checks are articles.integrity's, as in the admin).
"""

from django.core.management.base import BaseCommand, CommandError

from articles.integrity import database_problems
from articles.models import Quote


class Command(BaseCommand):
    help = "Check that every direct quote is verbatim in its article and every quote has a source."

    def handle(self, *args, **options):
        problems = database_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            # CommandError makes manage.py exit with status 1 and print the summary.
            raise CommandError(f"{len(problems)} quote problem(s) found.")
        self.stdout.write(
            self.style.SUCCESS(f"All {Quote.objects.count()} quotes checked: no problems.")
        )
