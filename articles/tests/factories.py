"""factory_boy factories for test data."""

import datetime

import factory
from django.utils import timezone

from articles.models import Article, Correction, Person, Quote, Source


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"व्यक्ति {n}")
    name_latin = factory.Sequence(lambda n: f"Person {n}")
    description = "पत्रकार"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"स्रोत {n}")
    kind = Source.Kind.PRESS_REPORT


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
