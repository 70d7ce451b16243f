"""Query parameters of the list endpoints: validated by Django forms, applied to querysets.

A bad value (a slug that cannot be one, a date that is none, an unknown language tag form)
answers 400 with the form's errors (``FilterSet.apply`` raises DRF's ValidationError); an
unknown parameter is ignored. A well-formed slug that names nothing public gives an empty
list, as it would for a record that has no stories yet: the API tells nothing about drafts.

Names are searched as the site searches them: ``articles.search.parse`` splits what was
typed into folded words and every word must be in one of the names (name, Latin name,
aliases), compared folded (``fold_contains``, articles.lookups): nukta, case and NBSP do
not matter, in either script.

Each FilterSet also describes its parameters for the OpenAPI schema (``parameters``), so
the schema and the code cannot disagree.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from articles import search
from articles.models import Affiliation, Article, ArticleAuthor, Organisation, Person, Quote
from articles.models import validate_language as language_validator
from articles.text import normalize, validate_slug


class SlugFilter(forms.CharField):
    """A slug as the site makes them (Devanagari words kept whole), NFC-normalised."""

    default_validators = [validate_slug]

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value


class LanguageFilter(forms.CharField):
    default_validators = [language_validator]


class FilterSet(forms.Form):
    """Base: ``apply(request, queryset)`` validates ``request.query_params`` and filters."""

    def filter(self, queryset, data):
        return queryset

    @classmethod
    def apply(cls, request, queryset):
        form = cls(data=request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        data = {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
        return form.filter(queryset, data)

    @classmethod
    def parameters(cls):
        """The form's fields as OpenAPI query parameters."""
        out = []
        for name, field in cls.base_fields.items():
            kind = OpenApiTypes.STR
            if isinstance(field, forms.DateTimeField):
                kind = OpenApiTypes.DATETIME
            elif isinstance(field, forms.ChoiceField):
                kind = {"type": "string", "enum": [value for value, _ in field.choices]}
            out.append(
                OpenApiParameter(
                    name,
                    kind,
                    OpenApiParameter.QUERY,
                    required=False,
                    description=str(field.help_text),
                )
            )
        return out


class StoryFilter(FilterSet):
    person = SlugFilter(
        required=False,
        help_text="Slug of a person featured in, quoted in or writing the stories.",
    )
    author = SlugFilter(required=False, help_text="Slug of a person in the byline.")
    organisation = SlugFilter(
        required=False, help_text="Slug of an organisation the stories are about."
    )
    tag = SlugFilter(required=False, help_text="Slug of a tag on the stories.")
    section = SlugFilter(required=False, help_text="Slug of the stories' section.")
    language = LanguageFilter(
        required=False,
        max_length=35,
        help_text="BCP 47 language tag: “hi” also finds “hi-Latn”, “en” finds “en-IN”.",
    )
    published_since = forms.DateTimeField(
        required=False,
        help_text="ISO 8601 date or date-time: published at or after it (India time if "
        "no offset is given).",
    )
    published_before = forms.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time: published before it."
    )

    def filter(self, queryset, data):
        if "person" in data:
            person = Person.objects.filter(slug=data["person"])
            queryset = queryset.featuring(person, bylines=True)
        if "author" in data:
            queryset = queryset.filter(
                Exists(
                    ArticleAuthor.objects.filter(
                        article=OuterRef("pk"), person__slug=data["author"]
                    )
                )
            )
        if "organisation" in data:
            queryset = queryset.filter(
                Exists(
                    Article.organisations.through.objects.filter(
                        article=OuterRef("pk"), organisation__slug=data["organisation"]
                    )
                )
            )
        if "tag" in data:
            queryset = queryset.filter(tag_links__tag__slug=data["tag"])
        if "section" in data:
            queryset = queryset.filter(section__slug=data["section"])
        if "language" in data:
            language = data["language"]
            queryset = queryset.filter(
                Q(language__iexact=language) | Q(language__istartswith=f"{language}-")
            )
        if "published_since" in data:
            queryset = queryset.filter(published_at__gte=data["published_since"])
        if "published_before" in data:
            queryset = queryset.filter(published_at__lt=data["published_before"])
        return queryset


class QuoteFilter(FilterSet):
    speaker = SlugFilter(required=False, help_text="Slug of the person quoted.")
    organisation = SlugFilter(
        required=False,
        help_text="Slug of an organisation the speaker has (or had) a role at.",
    )
    source = SlugFilter(required=False, help_text="Slug of the source the quotes come from.")
    story = SlugFilter(required=False, help_text="Slug of the story the quotes are in.")
    kind = forms.ChoiceField(
        required=False,
        choices=Quote.Kind.choices,
        help_text="“direct” (word for word) or “paraphrase”.",
    )

    def filter(self, queryset, data):
        if "speaker" in data:
            queryset = queryset.filter(speaker__slug=data["speaker"])
        if "organisation" in data:
            queryset = queryset.filter(
                Exists(
                    Affiliation.objects.filter(
                        person=OuterRef("speaker"), organisation__slug=data["organisation"]
                    )
                )
            )
        if "source" in data:
            queryset = queryset.filter(source__slug=data["source"])
        if "story" in data:
            queryset = queryset.filter(article__slug=data["story"])
        if "kind" in data:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class NameFilter(FilterSet):
    q = forms.CharField(
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        help_text="Words of a name in either script (name, Latin name or alias), matched "
        "as the site's search matches them: nukta, case and spacing do not matter.",
    )

    def clean_q(self):
        raw = self.cleaned_data["q"]
        if not raw:
            return raw
        query = search.parse(raw)
        if not query.terms:
            raise forms.ValidationError("Type at least one letter or digit.", code="no_words")
        return query

    def filter(self, queryset, data):
        if "q" in data:
            for term in data["q"].terms:
                queryset = queryset.filter(
                    Q(name__fold_contains=term)
                    | Q(name_latin__fold_contains=term)
                    | Q(aliases__fold_contains=term)
                )
        return queryset


class PersonFilter(NameFilter):
    pass


class OrganisationFilter(NameFilter):
    kind = forms.ChoiceField(
        required=False,
        choices=Organisation.Kind.choices,
        help_text="The kind of organisation.",
    )

    def filter(self, queryset, data):
        queryset = super().filter(queryset, data)
        if "kind" in data:
            queryset = queryset.filter(kind=data["kind"])
        return queryset
