"""``manage.py generate_newsroom``: a synthetic newsroom at scale (articles/generate.py).

By default it writes the photographs into the default storage, loads the fixture through
the project's ``loaddata`` in chunks (a progress bar counts the rows), makes the
renditions with ``make_renditions``, and reports the rows and the loaddata time per row.
``--fixture PATH`` writes the fixture (and the photographs it names) and loads nothing.

A database that already holds a generated newsroom (the ``generated-newsroom`` marker
source) is left alone: with the same sizes and seed there is nothing to do (exit 0); with
others the command refuses, since the two would mix. Empty it first (``manage.py flush``).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import generate


class Command(BaseCommand):
    help = "Generate a synthetic newsroom (stories, people, quotes, images) and load it."

    def add_arguments(self, parser):
        defaults = generate.Sizes()
        for name in ("stories", "people", "organisations", "quotes", "tags", "images"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same newsroom.")
        parser.add_argument("--fixture", help="Write the fixture to this path; load nothing.")

    def handle(self, *args, **options):
        sizes = generate.Sizes(**{name: options[name] for name in generate.Sizes().as_dict()})
        if any(value < 0 for value in sizes.as_dict().values()):
            raise CommandError("Sizes cannot be negative.")
        wanted = {"seed": options["seed"], **sizes.as_dict()}
        if not options["fixture"]:
            present = generate.existing_marker()
            if present == wanted:
                self.stdout.write("This generated newsroom is already loaded: nothing to do.")
                return
            if present is not None:
                raise CommandError(
                    f"The database already holds a generated newsroom ({present}); loading "
                    f"another ({wanted}) would mix the two. Empty it first (manage.py flush)."
                )
        started = time.perf_counter()
        objects = generate.build_fixture(sizes, seed=options["seed"])
        built = time.perf_counter() - started
        self.stdout.write(f"Built {len(objects)} rows in {built:.1f} s.")
        with tqdm(total=sizes.images, desc="photographs", unit="file") as bar:
            generate.write_images(objects, progress=bar.update)
        if options["fixture"]:
            with open(options["fixture"], "w", encoding="utf-8") as handle:
                handle.write(generate.dump(objects))
            self.stdout.write(f"Wrote {len(objects)} rows to {options['fixture']}.")
            return
        with tqdm(total=len(objects), desc="loaddata", unit="row") as bar:
            report = generate.load_fixture(objects, progress=bar.update)
        started = time.perf_counter()
        generate.make_renditions()
        renditions = time.perf_counter() - started
        for model, (rows, seconds) in sorted(report.by_model.items()):
            self.stdout.write(f"  {model:28} {rows:8} rows  {1000 * seconds / rows:7.3f} ms/row")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.rows} rows in {report.seconds:.1f} s "
                f"({report.per_row_ms:.3f} ms per row); renditions in {renditions:.1f} s."
            )
        )
