"""``manage.py make_renditions``: make every missing rendition, and clean originals.

Saving an image in the desk makes its renditions; images that arrived some other way
(``loaddata``, a restored backup) may have none yet, and their original may still carry
EXIF, GPS or other metadata. This command re-encodes such originals without it (the old
file is deleted) and makes the missing renditions. Safe to run again: it then does nothing.
Exit status 1 if any image's file is missing or refused.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from PIL import Image as PILImage

from articles import images
from articles.caching import content_changed
from articles.models import Image


class Command(BaseCommand):
    help = "Strip metadata from originals that still carry it and make missing renditions."

    def handle(self, *args, **options):
        made = cleaned = 0
        failed = []
        for image in Image.objects.order_by("pk").iterator():
            try:
                cleaned += self.clean(image)
                self.measure(image)
                made += images.make_renditions(image)
            except (OSError, ValidationError) as error:
                message = "; ".join(getattr(error, "messages", [str(error)]))
                failed.append(f"{image.key}: {message}")
        for failure in failed:
            self.stderr.write(failure)
        summary = f"{made} rendition(s) made, {cleaned} original(s) stripped of metadata."
        if failed:
            raise CommandError(f"{summary} {len(failed)} image(s) failed.")
        self.stdout.write(self.style.SUCCESS(summary))

    def measure(self, image):
        """Fill in a width and height that a hand-written fixture left out (0)."""
        if image.width and image.height:
            return
        with image.file.open("rb"), PILImage.open(image.file) as picture:
            image.width, image.height = picture.size
        Image.objects.filter(pk=image.pk).update(width=image.width, height=image.height)
        content_changed()  # pages give images' sizes; update() sends no post_save

    def clean(self, image):
        """Re-encode ``image``'s original if it carries metadata; 1 if it did, else 0."""
        if not images.has_metadata(image.file):
            return 0
        old = image.file.name
        with image.file.open("rb") as original:
            data = original.read()
        image.file = ContentFile(data, name=old.rsplit("/", 1)[-1])
        image._change_reason = "metadata stripped (make_renditions)"
        image.save()  # prepare_upload checks and re-encodes it under a new name
        image.file.storage.delete(old)
        return 1
