"""factory_boy factories for test data."""

import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from articles.models import (
    Affiliation,
    Article,
    Correction,
    Image,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"व्यक्ति {n}")
    name_latin = factory.Sequence(lambda n: f"Person {n}")
    description = "पत्रकार"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"संस्था {n}")
    name_latin = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COMPANY


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"स्रोत {n}")
    kind = Source.Kind.PRESS_REPORT


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"विभाग {n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"ख़बर संख्या {n}")
    summary = "सारांश"
    body = "पहला अनुच्छेद।\n\nदूसरा अनुच्छेद।"
    language = "hi"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """``authors=[a, b]``: the byline, in that order."""
        if create and extracted:
            for position, person in enumerate(extracted):
                self.byline.create(person=person, position=position)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    article = factory.SubFactory(ArticleFactory)
    speaker = factory.SubFactory(PersonFactory)
    source = factory.SubFactory(SourceFactory)
    text = "पहला अनुच्छेद।"
    kind = Quote.Kind.DIRECT


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "नाम की वर्तनी ठीक की गई।"


def jpeg_bytes(width=2400, height=1600, *, gps=True, orientation=None, fmt="JPEG"):
    """A real photograph-like file made by Pillow: a camera EXIF block with a GPS position
    (28°36′50″N 77°12′30″E) unless ``gps`` is false, and an EXIF orientation if given."""
    picture = PILImage.new("RGB", (width, height), (200, 120, 40))
    # A darker left third, so crops and rotations can be told apart in the output.
    picture.paste((40, 60, 160), (0, 0, width // 3, height))
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (28.0, 36.0, 50.0)
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (77.0, 12.0, 30.0)
    buffer = io.BytesIO()
    picture.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    """An Image with a real 2400×1600 Pillow JPEG carrying GPS EXIF (stripped on save).

    Tests write it under a temporary MEDIA_ROOT (the ``media_root`` fixture in conftest).
    """

    class Meta:
        model = Image

    key = factory.Sequence(lambda n: f"चित्र-{n}")
    file = factory.LazyAttribute(lambda o: ContentFile(jpeg_bytes(), name=f"{o.key}.jpg"))
    alt_text = factory.Sequence(lambda n: f"मंच पर बोलते हुए वक्ता {n}")
    language = "hi"
    caption = "दिल्ली में एक सभा।"
    credit = "फ़ोटो: न्यूज़रूम"


class AffiliationFactory(factory.django.DjangoModelFactory):
    """A role at an organisation; dates unknown and still held unless given."""

    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"पद {n}")
    position = factory.Sequence(lambda n: n + 1)
