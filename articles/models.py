"""The newsroom's record: articles, the people in them, their quotes and the sources behind them.

Every model has a natural key backed by a unique constraint, so fixtures never depend
on database ids and loading one twice updates rows instead of duplicating them.
"""

import functools
import itertools
import operator
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from articles import images
from articles.fields import NFCCharField, NFCTextField, SlugField, TaggableManager
from articles.history.apps import APP_LABEL as HISTORY_APP
from articles.history.records import HistoricalRecords
from articles.markup import render_markdown, safe_url
from articles.text import slugify

SLUG_MAX_LENGTH = 255

validate_language = RegexValidator(
    r"\A[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z",
    _("Enter a BCP 47 language tag such as “hi”, “en” or “en-IN”."),
    code="invalid_language",
)
validate_wikidata_id = RegexValidator(
    r"\AQ[1-9][0-9]*\Z", _("Enter a Wikidata item id such as “Q42”."), code="invalid_wikidata"
)


def unique_slug(model, value, *, exclude_pk=None, max_length=SLUG_MAX_LENGTH, field="slug"):
    """Return a slug for ``value`` that no other ``model`` row uses in ``field``.

    Collisions get "-2", "-3", … appended; the base is cut so the result still fits.
    """
    base = slugify(value, max_length=max_length) or model._meta.model_name
    rows = model._default_manager.exclude(pk=exclude_pk)
    candidate, n = base, 1
    while rows.filter(**{field: candidate}).exists():
        n += 1
        suffix = f"-{n}"
        candidate = slugify(base, max_length=max_length - len(suffix)) + suffix
    return candidate


# Tags ---------------------------------------------------------------------------------


class TagQuerySet(models.QuerySet):
    def fold_equal(self, name):
        """The tag whose name folds equal to ``name`` (articles.text.fold), or None.

        Should several (made before the desk's one-spelling rule, or by a fixture), the
        first by name, consistently.
        """
        return self.filter(name__fold_exact=name).order_by("name", "pk").first()

    def published(self):
        """Tags a reader may see: on a published article, a public person or a public quote.

        A tag used only on drafts (or on people who appear only in drafts) stays private,
        so its name never reaches a sitemap, feed or page.
        """
        return self.filter(
            Exists(Article.objects.published().filter(tag_links__tag=OuterRef("pk")))
            | Exists(Person.objects.published().filter(tag_links__tag=OuterRef("pk")))
            | Exists(Quote.objects.published().filter(tag_links__tag=OuterRef("pk")))
        )


class TagManager(NaturalKeyManager.from_queryset(TagQuerySet)):
    def get_by_natural_key(self, name):
        """The tag named ``name``, else the one whose name folds equal to it.

        The desk keeps one spelling per tag (articles.tags), so a fixture's "Anthropic"
        is a database's "anthropic": loading updates that tag instead of failing on its
        slug. Several fold-equal tags (made before that rule): the first by name.
        """
        try:
            return self.get(name=name)
        except self.model.DoesNotExist:
            tag = self.fold_equal(name)
            if tag is None:
                raise
            return tag


class Tag(TagBase):
    """A django-taggit tag whose slug keeps Devanagari words whole."""

    name = NFCCharField(_("name"), max_length=100, unique=True)
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)

    objects = TagManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        permissions = [("merge_tags", _("Can merge tags"))]

    def natural_key(self):
        return (self.name,)

    def get_absolute_url(self):
        return reverse("articles:tag-detail", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        if i is None:
            return slugify(tag) or "tag"
        suffix = f"-{i}"
        return slugify(tag, max_length=SLUG_MAX_LENGTH - len(suffix)) + suffix


class TagLink(ItemBase):
    """Base of the per-model tag links.

    A real foreign key per tagged model (instead of taggit's generic object_id) gives
    each link a natural key of its own, so dumped and reloaded tag links never collapse.
    """

    class Meta:
        abstract = True

    def natural_key(self):
        return (*self.content_object.natural_key(), *self.tag.natural_key())


class TagLinkManager(models.Manager):
    def get_by_natural_key(self, *key):
        *object_key, tag_name = key
        content_model = self.model._meta.get_field("content_object").related_model
        return self.get(
            content_object=content_model._default_manager.get_by_natural_key(*object_key),
            tag=Tag.objects.get_by_natural_key(tag_name),
        )


class ArticleTag(TagLink):
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="article_links")
    content_object = models.ForeignKey("articles.Article", models.CASCADE, related_name="tag_links")

    objects = TagLinkManager()

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]


ArticleTag.natural_key.dependencies = ["articles.article", "articles.tag"]


class PersonTag(TagLink):
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="person_links")
    content_object = models.ForeignKey("articles.Person", models.CASCADE, related_name="tag_links")

    objects = TagLinkManager()

    class Meta:
        verbose_name = _("person tag")
        verbose_name_plural = _("person tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_person_tag")
        ]


PersonTag.natural_key.dependencies = ["articles.person", "articles.tag"]


class QuoteTag(TagLink):
    tag = models.ForeignKey(Tag, models.CASCADE, related_name="quote_links")
    content_object = models.ForeignKey("articles.Quote", models.CASCADE, related_name="tag_links")

    objects = TagLinkManager()

    class Meta:
        verbose_name = _("quote tag")
        verbose_name_plural = _("quote tags")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_quote_tag")
        ]


QuoteTag.natural_key.dependencies = ["articles.quote", "articles.tag"]


# Sections -----------------------------------------------------------------------------


class SectionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """Sections a reader may see listed in feeds and sitemaps: those with a public story.

        The navigation lists every section (a desk's sections are public by nature); an
        empty one answers with its page and no stories.
        """
        return self.filter(Exists(Article.objects.published().filter(section=OuterRef("pk"))))


class Section(models.Model):
    """One of the desk's own sections (देश, दुनिया, टेक, …): every story belongs to one."""

    name = NFCCharField(_("name in Hindi"), max_length=100, unique=True)
    name_en = NFCCharField(_("name in English"), max_length=100, blank=True, default="")
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    description = NFCTextField(_("description"), blank=True, default="")
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in the site navigation, smallest first.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(app=HISTORY_APP)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def name_for(self, language):
        """The name to show in ``language`` (a BCP 47 tag): English for "en…" when there is
        one, else the Hindi name."""
        if (language or "").lower().split("-")[0] == "en" and self.name_en:
            return self.name_en
        return self.name


# Images -------------------------------------------------------------------------------


validate_fraction = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class ImageQuerySet(models.QuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Image(models.Model):
    """A photograph in the desk's library, used as a lead image, a figure or a portrait.

    ``key`` names the image in a body's Markdown; the focal point (fractions of the width
    and height from the top left) is where every crop is centred, so it keeps the subject.
    """

    key = SlugField(
        _("key"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        help_text=_("Names the image in a story's body. Made from the alt text when empty."),
    )
    file = models.ImageField(
        _("file"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = NFCCharField(
        _("alt text"),
        max_length=300,
        help_text=_("What a screen reader says: what the picture shows, in its language."),
    )
    language = models.CharField(
        _("language"),
        max_length=35,
        default="hi",
        validators=[validate_language],
        help_text=_("Language of the alt text and caption: hi, en, …"),
    )
    caption = NFCTextField(_("caption"), blank=True, default="")
    credit = NFCCharField(
        _("credit"), max_length=200, blank=True, default="", help_text=_("e.g. “फ़ोटो: PTI”.")
    )
    copyright = NFCCharField(
        _("copyright holder or licence"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("e.g. “© PTI” or “CC BY-SA 4.0”."),
    )
    licence_url = models.URLField(_("licence page"), max_length=500, blank=True, default="")
    taken_on = models.DateField(_("date taken"), null=True, blank=True)
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=validate_fraction,
        help_text=_("0 is the left edge, 1 the right."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=validate_fraction,
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(app=HISTORY_APP)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.key

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = unique_slug(Image, self.alt_text, exclude_pk=self.pk, field="key")
        # A new file is checked and stripped of its metadata before it reaches storage;
        # renditions are made once the row is committed, outside the write transaction.
        images.prepare_upload(self)
        before = Image.objects.filter(pk=self.pk).first() if self.pk else None
        super().save(*args, **kwargs)
        # Renditions of a replaced file or an old focal point: nothing shows them any more.
        stale = images.stale_renditions(before, self)
        transaction.on_commit(
            lambda: (images.delete_renditions(stale), images.make_renditions(self))
        )

    def delete(self, *args, **kwargs):
        renditions = images.stale_renditions(self)
        deleted = super().delete(*args, **kwargs)
        # The original stays: its earlier versions in the history still name it.
        transaction.on_commit(lambda: images.delete_renditions(renditions))
        return deleted

    def natural_key(self):
        return (self.key,)

    def in_published_story(self):
        """Whether a published (or scheduled) story shows this image: as its lead image or,
        by the key on a line of the body, as a figure. One query."""
        return (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .filter(Q(lead_image=self) | Q(body__contains=self.key))
            .exists()
        )


# People and organisations -------------------------------------------------------------


class NamedEntity:
    """What people and organisations share as entities a story names: how they are shown,
    a slug made from the Latin name (else the newsroom's), every spelling the body may use
    (for the one linker, articles.linking) and their identifying links."""

    def __str__(self):
        if self.name_latin and self.name_latin != self.name:
            return f"{self.name} ({self.name_latin})"
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name_latin or self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def names(self):
        """Every name it goes by, the newsroom's spelling first, without repeats."""
        return list(dict.fromkeys(n for n in [self.name, self.name_latin, *self.alias_list] if n))

    @property
    def wikidata_url(self):
        """The Wikidata item's page, or "" unless the id is well formed (loaddata skips the
        validator, and the id is put into an address)."""
        if not self.wikidata_id:
            return ""
        try:
            validate_wikidata_id(self.wikidata_id)
        except ValidationError:
            return ""
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}"

    @property
    def sameas_urls(self):
        """The identifying links that may be linked: markup.safe_url drops whatever else
        loaddata let in (javascript:, data:, …)."""
        urls = [safe_url(self.website), safe_url(self.wikipedia_url), self.wikidata_url]
        return [url for url in urls if url]


# Organisations ------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """Organisations a reader may see: what a published story is about, or the author
        of a source a published story cites. One known only from drafts stays private."""
        live = Article.objects.published()
        return self.filter(
            Exists(live.filter(organisations=OuterRef("pk")))
            | Exists(Source.objects.filter(author_organisation=OuterRef("pk"), articles__in=live))
        )


class Organisation(NamedEntity, models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        GOVERNMENT = "government", _("government body")
        UNIVERSITY = "university", _("university")
        PARTY = "party", _("political party")
        OTHER = "other", _("other")

    name = NFCCharField(
        _("name"), max_length=200, help_text=_("As the newsroom writes it, e.g. एंथ्रोपिक.")
    )
    name_latin = NFCCharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("e.g. Anthropic."),
    )
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    aliases = NFCTextField(
        _("aliases"),
        blank=True,
        default="",
        help_text=_("Other spellings in either script, one per line."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = NFCTextField(_("description"), blank=True, default="")
    website = models.URLField(_("official page"), max_length=500, blank=True, default="")
    wikipedia_url = models.URLField(_("Wikipedia page"), max_length=500, blank=True, default="")
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_wikidata_id],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(app=HISTORY_APP)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def get_absolute_url(self):
        return reverse("articles:organisation-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


# People -------------------------------------------------------------------------------


class PersonQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """People a reader may see: featured in, quoted by, or in the byline of a published
        article.

        Someone who so far appears only in drafts (or has written only drafts) stays
        private, like the drafts.
        """
        live = Article.objects.published()
        return self.filter(
            Exists(live.filter(people=OuterRef("pk")))
            | Exists(Quote.objects.filter(speaker=OuterRef("pk"), article__in=live))
            | Exists(ArticleAuthor.objects.filter(person=OuterRef("pk"), article__in=live))
        )


class Person(NamedEntity, models.Model):
    class NewsroomRole(models.TextChoices):
        STAFF = "staff", _("newsroom staff")
        CONTRIBUTOR = "contributor", _("contributor")

    name = NFCCharField(
        _("name"), max_length=200, help_text=_("As the newsroom writes it, e.g. मृणांक शर्मा.")
    )
    name_latin = NFCCharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("e.g. Mrinank Sharma."),
    )
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    aliases = NFCTextField(
        _("aliases"),
        blank=True,
        default="",
        help_text=_("Other spellings in either script, one per line."),
    )
    description = NFCCharField(
        _("short description"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Role as of now, e.g. “AI commentator”."),
    )
    bio = NFCTextField(_("bio"), blank=True, default="")
    newsroom_role = models.CharField(
        _("works for the newsroom as"),
        max_length=20,
        choices=NewsroomRole.choices,
        blank=True,
        default="",
        help_text=_("Staff or contributor for the desk's writers; empty for everyone else."),
    )
    photo = models.ForeignKey(
        Image,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="portrait_of",
        verbose_name=_("portrait"),
    )
    website = models.URLField(_("official page"), max_length=500, blank=True, default="")
    wikipedia_url = models.URLField(_("Wikipedia page"), max_length=500, blank=True, default="")
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_wikidata_id],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    tags = TaggableManager(through=PersonTag, blank=True, verbose_name=_("tags"))
    history = HistoricalRecords(app=HISTORY_APP, m2m_fields=[tags])

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_absolute_url(self):
        return reverse("articles:person-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


# Sources ------------------------------------------------------------------------------


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_authors(self):
        """Sources with their author, person or organisation, joined, and
        ``author_organisation_public``: whether that organisation has a public page
        (``Organisation.objects.published()``), so a page links it only then. No query more.
        """
        return self.select_related("author", "author_organisation").annotate(
            author_organisation_public=Exists(
                Organisation.objects.published().filter(pk=OuterRef("author_organisation_id"))
            )
        )


class Source(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("letter")
        SOCIAL_POST = "social_post", _("social-media post")
        PRESS_REPORT = "press_report", _("press report")
        INTERVIEW = "interview", _("interview")
        PRESS_RELEASE = "press_release", _("press release")
        DOCUMENT = "document", _("document")
        OTHER = "other", _("other")

    title = NFCCharField(_("title"), max_length=300)
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    author = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_sources",
        verbose_name=_("author (person)"),
    )
    author_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_sources",
        verbose_name=_("author (organisation)"),
        help_text=_("When an organisation in the database issued it, e.g. a press release."),
    )
    author_name = NFCCharField(
        _("author or publisher"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("When the author is not a person in the database, e.g. a newspaper."),
    )
    url = models.URLField(_("URL"), max_length=1000, blank=True, default="")
    archive_url = models.URLField(_("archived copy"), max_length=1000, blank=True, default="")
    published_on = models.DateField(_("date published"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_sources",
        verbose_name=_("based on"),
        help_text=_("The source this one cites, e.g. the post a press report quotes."),
    )
    notes = NFCTextField(_("notes"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(app=HISTORY_APP)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=True) | Q(author_organisation__isnull=True),
                name="source_author_person_or_organisation",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Source, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        authors = [self.author_id, self.author_organisation_id, self.author_name.strip()]
        if sum(bool(author) for author in authors) > 1:
            raise ValidationError(
                _(
                    "A source has one author: a person, an organisation or a name typed in. "
                    "Keep one of them and empty the others."
                ),
                code="several_authors",
            )
        seen, source = {self.pk}, self.based_on
        while source is not None:
            if source.pk in seen:
                raise ValidationError(
                    {
                        "based_on": _(
                            "A source cannot be based on itself, directly or through others."
                        )
                    }
                )
            seen.add(source.pk)
            source = source.based_on

    @property
    def attribution(self):
        """Who issued it, as a reader sees it: the person, the organisation or the name."""
        if self.author_id:
            return str(self.author)
        if self.author_organisation_id:
            return str(self.author_organisation)
        return self.author_name


# Affiliations -------------------------------------------------------------------------


class AffiliationQuerySet(models.QuerySet):
    def get_by_natural_key(self, person_slug, position):
        return self.get(person__slug=person_slug, position=position)

    def of_public_people(self):
        """Roles of people a reader may see (``Person.objects.published()``), tested by an
        EXISTS per role: the cost follows these roles, not every public person."""
        return self.filter(Exists(Person.objects.published().filter(pk=OuterRef("person"))))

    def for_career(self):
        """Roles in career order with their organisation and source, each flagged
        ``organisation_is_public`` (``Organisation.objects.published()``, so a page links
        only public organisations): one query, for a Prefetch of ``affiliations``
        (articles.affiliations reads them without asking more)."""
        public = Organisation.objects.published().filter(pk=OuterRef("organisation"))
        return (
            self.select_related("organisation", "source")
            .annotate(organisation_is_public=Exists(public))
            .order_by("position", "pk")
        )


class Affiliation(models.Model):
    """A role a person held: a title at an organisation (or at a body with no record of its
    own), from and until a date where known, and the source that states it.

    ``position`` orders a person's career, earliest first, which also ranks roles whose
    dates the newsroom does not know. ``ended`` records that a role is over even when the
    date it ended is unknown (the seed's "has resigned").
    """

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="affiliations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("organisation"),
    )
    body_name = NFCCharField(
        _("organisation without a record"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("When the organisation has no record of its own."),
    )
    title = NFCCharField(
        _("title"),
        max_length=300,
        help_text=_("As the newsroom writes it, e.g. सेफ़गार्ड्स रिसर्च प्रमुख."),
    )
    title_en = NFCCharField(
        _("title in English"), max_length=300, blank=True, default="", help_text=_("Where known.")
    )
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    ended = models.BooleanField(
        _("role has ended"),
        default=False,
        help_text=_("Tick when the role is over, even if the date it ended is unknown."),
    )
    source = models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("source"),
        help_text=_("The source that states the role."),
    )
    position = models.PositiveIntegerField(
        _("order in the career"), default=0, help_text=_("Earliest first.")
    )
    history = HistoricalRecords(app=HISTORY_APP)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["person", "position", "pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "position"], name="unique_affiliation_position_per_person"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(body_name=""),
                name="affiliation_names_its_body",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended=True),
                name="affiliation_end_date_means_ended",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(started_on__lte=F("ended_on")),
                name="affiliation_starts_before_it_ends",
            ),
        ]

    def __str__(self):
        return f"{self.person.name}: {self.title}, {self.body}"

    def natural_key(self):
        return (*self.person.natural_key(), self.position)

    @property
    def body(self):
        """The organisation's name, or the free-text body."""
        return self.organisation.name if self.organisation_id else self.body_name

    def clean(self):
        """The rules of the table's check constraints, each as a message on its field (so
        the constraint itself, checked after, is skipped rather than reported unclearly)."""
        errors = {}
        if self.organisation_id is None and not self.body_name.strip():
            errors["organisation"] = _(
                "Choose the organisation, or write the name of the body when it has no "
                "record of its own."
            )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The role cannot end before it starts.")
        elif self.ended_on and not self.ended:
            errors["ended"] = _(
                "A role with an end date has ended: tick “role has ended” (or clear the date)."
            )
        if errors:
            raise ValidationError(errors)


Affiliation.natural_key.dependencies = ["articles.person"]


# Articles -----------------------------------------------------------------------------


def _articles_linked(people=(), tags=(), bylines=False):
    """The ids of the articles any of ``people`` (pks, Person objects or a queryset of
    people) is featured in or quoted by (with ``bylines``, or wrote), or that carry any of
    ``tags`` (pks): a UNION over the link tables, each read through its person, speaker or
    tag index. At least one person or tag."""
    parts = []
    # A queryset of people stays a subquery: never evaluated here, even to test it.
    if isinstance(people, models.QuerySet) or people:
        parts.append(
            Article.people.through.objects.filter(person__in=people).order_by().values("article")
        )
        parts.append(Quote.objects.filter(speaker__in=people).order_by().values("article"))
        if bylines:
            parts.append(
                ArticleAuthor.objects.filter(person__in=people).order_by().values("article")
            )
    if tags:
        parts.append(ArticleTag.objects.filter(tag__in=tags).order_by().values("content_object"))
    return parts[0].union(*parts[1:])


class ArticleQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """Articles a reader may see: status published and a publication time already past.

        The single definition of "public", used by every view, feed, sitemap and search.
        A future publication time keeps an article hidden until then, with no job to run.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def featuring(self, person, *, bylines=False):
        """Articles ``person`` (a Person, or a queryset of people) appears in: featured in or
        quoted by, and with ``bylines`` also those they wrote (each article once)."""
        # IN over the link tables (through their person/speaker indexes) rather than
        # EXISTS per article: the cost follows the person's own stories, not the archive.
        people = person if isinstance(person, models.QuerySet) else [person]
        return self.filter(pk__in=_articles_linked(people=people, bylines=bylines))

    def with_byline(self):
        """The byline (in byline order, with its people), the section and the lead image:
        one query more."""
        return self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch(
                "byline",
                queryset=ArticleAuthor.objects.select_related("person").order_by("position", "pk"),
            )
        )

    def for_listing(self):
        """Everything an article list shows, in a constant number of queries."""
        return self.with_byline().prefetch_related(
            models.Prefetch("people", queryset=Person.objects.order_by("name")), "tags"
        )

    def related_to(self, article, limit=6):
        """Up to ``limit`` of these articles that share people or tags with ``article``.

        Ranked by the number of people both stories have in them (featured or quoted: a
        speaker is as much "in" a story as a featured person), then by shared tags, then
        newest first. Never ``article`` itself, nor its versions in other languages (linked
        apart); stories sharing nothing are not related. Call it on ``published()``.

        One query, plus the story's own people and tags unless prefetched (the article
        page's ``for_article_page()`` prefetches them). The candidates are read from the
        link tables through their person and tag indexes (the stories of the story's own
        people and tags), and only they are counted and ranked: the cost follows how many
        stories those people and tags have, not the size of the archive.
        """
        people = {person.pk for person in article.people.all()}
        people.update(quote.speaker_id for quote in article.quotes.all())
        tags = {tag.pk for tag in article.tags.all()}
        if not people and not tags:
            return self.none()
        candidates = _articles_linked(people=people, tags=tags)
        # Counted per candidate only: people of ``article`` also in it, featured or quoted.
        shared_people = (
            Person.objects.filter(pk__in=people)
            .filter(
                Exists(
                    Article.people.through.objects.filter(
                        article=OuterRef(OuterRef("pk")), person=OuterRef("pk")
                    )
                )
                | Exists(
                    Quote.objects.filter(article=OuterRef(OuterRef("pk")), speaker=OuterRef("pk"))
                )
            )
            .order_by()
            .annotate(count=models.Func(models.F("pk"), function="COUNT"))
            .values("count")
        )
        shared_tags = (
            ArticleTag.objects.filter(content_object=OuterRef("pk"), tag__in=tags)
            .order_by()
            .annotate(count=models.Func(models.F("pk"), function="COUNT"))
            .values("count")
        )
        original = article.translation_of_id or article.pk
        # An empty IN list would make the whole statement match nothing: a plain 0 instead.
        counts = {
            "shared_people": models.Subquery(shared_people, output_field=models.IntegerField())
            if people
            else models.Value(0),
            "shared_tags": models.Subquery(shared_tags, output_field=models.IntegerField())
            if tags
            else models.Value(0),
        }
        ranking = ("-shared_people", "-shared_tags", "-published_at", "-pk")
        # Ranked on ids alone (sorting hundreds of whole rows, bodies and all, cost more
        # than counting them), then the ``limit`` winners read whole: one statement.
        ranked = (
            self.filter(pk__in=candidates)
            .exclude(pk=article.pk)
            .exclude(pk=original)
            .exclude(translation_of=original)
            .annotate(**counts)
            .order_by(*ranking)
            .values("pk")[:limit]
        )
        return self.filter(pk__in=ranked).annotate(**counts).order_by(*ranking)

    def for_article_page(self):
        """Everything the article page shows, in a constant number of queries.

        Language versions: the original (``translation_of``, joined) and the public
        translations of this story and of its original; ``Article.language_versions``
        reads them.
        """
        return self.for_article_page_row().prefetch_related(*_article_page_prefetches())

    def for_article_page_row(self):
        """The article page's own row with what is joined to it (section, lead image,
        original): one query. ``Article.load_page()`` reads the rest when a page needs it."""
        return self.select_related("section", "lead_image", "translation_of")


def _article_page_prefetches():
    public = Article.objects.published().order_by("language")
    return [
        models.Prefetch(
            "byline",
            queryset=ArticleAuthor.objects.select_related("person").order_by("position", "pk"),
        ),
        models.Prefetch("translations", queryset=public),
        models.Prefetch("translation_of__translations", queryset=public),
        models.Prefetch("people", queryset=Person.objects.order_by("name")),
        # The linker links them in the body; JSON-LD names them in ``about``.
        models.Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
        models.Prefetch(
            "quotes",
            queryset=Quote.objects.select_related("speaker", "source").order_by("position"),
        ),
        # Roles as of the story's and each quote's date (articles.affiliations).
        models.Prefetch("people__affiliations", queryset=Affiliation.objects.for_career()),
        models.Prefetch("quotes__speaker__affiliations", queryset=Affiliation.objects.for_career()),
        models.Prefetch("corrections", queryset=Correction.objects.order_by("-published_at")),
        # The sources box shows each source's author, an organisation linked if public.
        models.Prefetch("sources", queryset=Source.objects.with_authors()),
        "tags",
    ]


class ArticleAuthorQuerySet(models.QuerySet):
    def get_by_natural_key(self, article_slug, person_slug):
        return self.get(article__slug=article_slug, person__slug=person_slug)


class ArticleAuthor(models.Model):
    """One name in a story's byline, in byline order (``position``, smallest first)."""

    article = models.ForeignKey(
        "articles.Article", models.CASCADE, related_name="byline", verbose_name=_("article")
    )
    person = models.ForeignKey(
        # A byline is part of the record: a person who wrote stories cannot be deleted.
        Person,
        models.PROTECT,
        related_name="bylines",
        verbose_name=_("author"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = ArticleAuthorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("byline")
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="unique_article_author")
        ]

    def __str__(self):
        return str(self.person)

    def natural_key(self):
        return (*self.article.natural_key(), *self.person.natural_key())


ArticleAuthor.natural_key.dependencies = ["articles.article", "articles.person"]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    headline = NFCCharField(_("headline"), max_length=300)
    slug = SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    summary = NFCTextField(_("summary"), blank=True, default="")
    body = NFCTextField(_("body"), blank=True, default="", help_text=_("Markdown."))
    language = models.CharField(
        _("language"),
        max_length=35,
        default="hi",
        validators=[validate_language],
        help_text=_("BCP 47 tag: hi, en, …"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future keeps a published article hidden until then."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    section = models.ForeignKey(
        Section,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("section"),
    )
    authors = models.ManyToManyField(
        Person,
        through=ArticleAuthor,
        blank=True,
        related_name="authored_articles",
        verbose_name=_("byline"),
    )
    lead_image = models.ForeignKey(
        Image,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        verbose_name=_("lead image"),
    )
    translation_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The story this one translates (a Hindi story's English version, say)."),
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="articles", verbose_name=_("people featured")
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="articles",
        verbose_name=_("organisations"),
        help_text=_("The organisations the story is about; their first mentions are linked."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="articles", verbose_name=_("sources cited")
    )
    tags = TaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    # People, sources and tags are part of the record (who is in the story, what it relies
    # on, how it is filed), so their links are versioned too.
    history = HistoricalRecords(
        app=HISTORY_APP, m2m_fields=[authors, people, organisations, sources, tags]
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [F("published_at").desc(nulls_last=True), "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")), name="article_not_own_translation"
            ),
            # One version per language: the English translation of a story, not several.
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="unique_translation_per_language"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_pub_idx"),
            # A section's public stories and a story's public translations: the equality
            # first, so that even without planner statistics (SQLite, never ANALYZEd) the
            # index chosen is this one, not the archive-wide status_pub scan.
            models.Index(
                fields=["section", "status", "published_at"], name="article_section_pub_idx"
            ),
            models.Index(
                fields=["translation_of", "status", "published_at"],
                name="article_translation_pub_idx",
            ),
        ]
        permissions = [("publish_article", _("Can publish articles"))]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Published with a future publication time: hidden until then, no job needed."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @cached_property
    def body_html(self):
        """The body as sanitised HTML (safe to output unescaped)."""
        return render_markdown(self.body)

    def clean(self):
        original = self.translation_of
        if original is None:
            return
        if self.pk is not None and original.pk == self.pk:
            message = _("A story cannot be a translation of itself.")
        elif original.translation_of_id is not None:
            message = _(
                "“%(original)s” is itself a translation: choose the story it translates."
            ) % {"original": original}
        elif original.language.split("-")[0] == (self.language or "").split("-")[0]:
            message = _("A translation must be in another language than the story it translates.")
        elif self.pk is not None and self.translations.exists():
            message = _("This story has translations of its own, so it cannot be a translation.")
        else:
            return
        raise ValidationError({"translation_of": message})

    def load_page(self):
        """This article with everything its page shows read onto it, in the queries
        ``for_article_page()`` makes beyond the row (``for_article_page_row()``); what is
        already read is not read again. For a page that needs them only when what it
        renders is not kept (articles/templatetags/fragments.py)."""
        models.prefetch_related_objects([self], *_article_page_prefetches())
        return self

    @cached_property
    def language_versions(self):
        """Every public version of this story, in language order, this one included.

        The original and its public translations; a draft or scheduled version never
        appears. Reads only what ``for_article_page()`` loaded (no query); a story with no
        public other version gives just ``[self]``.
        """
        original = self.translation_of if self.translation_of_id else self
        versions = {self.pk: self}
        if original.is_public:
            versions.setdefault(original.pk, original)
        for translation in original.translations.all():
            versions.setdefault(translation.pk, translation)
        return sorted(versions.values(), key=lambda version: (version.language, version.pk))

    @property
    def other_versions(self):
        """``language_versions`` without this one."""
        return [version for version in self.language_versions if version.pk != self.pk]


# Quotes -------------------------------------------------------------------------------


class QuoteQuerySet(models.QuerySet):
    def get_by_natural_key(self, article_slug, position):
        return self.get(article__slug=article_slug, position=position)

    def published(self):
        """Quotes a reader may see: those in published articles."""
        return self.filter(article__in=Article.objects.published())


class Quote(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("direct quote")
        PARAPHRASE = "paraphrase", _("paraphrase")

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="quotes", verbose_name=_("article")
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order of the quote within its article.")
    )
    speaker = models.ForeignKey(
        # A person's quotes are the record: deleting someone who has any is refused.
        Person,
        models.PROTECT,
        related_name="quotes",
        verbose_name=_("speaker"),
    )
    text = NFCTextField(_("words as published"))
    original_text = NFCTextField(
        _("original wording"),
        blank=True,
        default="",
        help_text=_("When the article translates the quote: the words as said."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=35,
        blank=True,
        default="",
        validators=[validate_language],
    )
    source = models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("source"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    said_on = models.DateField(_("date said"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    tags = TaggableManager(through=QuoteTag, blank=True, verbose_name=_("tags"))
    history = HistoricalRecords(app=HISTORY_APP, m2m_fields=[tags])

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            # A speaker's stories (profiles, related stories): covering, and "is this person
            # quoted in that story" as one lookup however often they are quoted elsewhere.
            models.Index(fields=["speaker", "article"], name="quote_speaker_article_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="unique_quote_position_per_article"
            ),
            models.CheckConstraint(
                condition=Q(original_text="") | ~Q(original_language=""),
                name="quote_original_has_language",
            ),
        ]

    def __str__(self):
        words = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.speaker.name}: {words}"

    def save(self, *args, **kwargs):
        if self.position is None:
            last = Quote.objects.filter(article_id=self.article_id).aggregate(
                models.Max("position")
            )["position__max"]
            self.position = (last or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The quote's own page (a page worth sharing); its place in the article is
        ``get_article_url``."""
        return reverse("articles:quote-detail", kwargs={"pk": self.pk})

    def get_article_url(self):
        return f"{self.article.get_absolute_url()}#quote-{self.position}"

    def natural_key(self):
        return (*self.article.natural_key(), self.position)


Quote.natural_key.dependencies = ["articles.article"]


# Corrections --------------------------------------------------------------------------


#: The records a correction can name, in the order ``Correction.record`` looks at them.
CORRECTION_RECORD_FIELDS = ("quote", "person", "organisation", "source")


class CorrectionQuerySet(models.QuerySet):
    def get_by_natural_key(self, article_slug, published_at):
        return self.get(article__slug=article_slug, published_at=published_at)

    def published(self):
        """Corrections a reader may see: those on published articles."""
        return self.filter(article__in=Article.objects.published())

    def for_record_page(self):
        """What a quote, profile or organisation page shows of the corrections naming it:
        the public ones, newest first, with their article (for the link to it)."""
        return self.published().select_related("article").order_by("-published_at", "-pk")


class Correction(models.Model):
    """A public, dated note on an article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        CLARIFICATION = "clarification", _("clarification")
        UPDATE = "update", _("update")

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.CORRECTION)
    text = NFCTextField(_("note"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # What the correction fixes, when it is one record of the story's: its page shows the
    # correction too. A corrected record is kept (PROTECT): the correction must still
    # name what it corrected.
    quote = models.ForeignKey(
        "articles.Quote",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the quote"),
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the organisation"),
    )
    source = models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the source"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "published_at"], name="unique_correction_time_per_article"
            ),
            # Whatever writes it (the admin, loaddata, a script): no two of quote, person,
            # organisation and source at once.
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.and_,
                    (
                        ~(Q(**{f"{a}__isnull": False}) & Q(**{f"{b}__isnull": False}))
                        for a, b in itertools.combinations(CORRECTION_RECORD_FIELDS, 2)
                    ),
                ),
                name="correction_names_one_record_at_most",
                violation_error_code="several_records",
                violation_error_message=_(
                    "A correction names one record at most: the quote, person, organisation "
                    "or source it fixes."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def natural_key(self):
        return (*self.article.natural_key(), self.published_at)

    RECORD_FIELDS = CORRECTION_RECORD_FIELDS

    @property
    def record_kind(self):
        """What it names, "quote", "person", "organisation" or "source", or "" (no query)."""
        return next((name for name in self.RECORD_FIELDS if getattr(self, f"{name}_id")), "")

    @property
    def record(self):
        """The record it names, or None; load it with the correction (select_related)."""
        return getattr(self, self.record_kind) if self.record_kind else None

    def story_records(self):
        """The records of its article a correction may name: {field: QuerySet}.

        The story's quotes; its people, quote speakers and byline; its organisations; its
        sources and those of its quotes.
        """
        article = self.article
        return {
            "quote": Quote.objects.filter(article=article),
            "person": Person.objects.filter(
                Q(articles=article) | Q(quotes__article=article) | Q(bylines__article=article)
            ).distinct(),
            "organisation": Organisation.objects.filter(articles=article),
            "source": Source.objects.filter(
                Q(articles=article) | Q(quotes__article=article)
            ).distinct(),
        }

    def clean(self):
        named = [name for name in self.RECORD_FIELDS if getattr(self, f"{name}_id")]
        # Several named: the constraint correction_names_one_record_at_most says so.
        if len(named) != 1:
            return
        name = named[0]
        # A story being added has no records yet: nothing of it can be named.
        in_story = self.article_id is not None and (
            self.story_records()[name].filter(pk=getattr(self, f"{name}_id")).exists()
        )
        if not in_story:
            message = _(
                "“%(record)s” is not in this story: a correction can only name the story's "
                "own quotes, people, organisations and sources."
            )
            raise ValidationError(
                {
                    name: ValidationError(
                        message, code="record_not_in_story", params={"record": getattr(self, name)}
                    )
                }
            )


Correction.natural_key.dependencies = ["articles.article"]


# Share links --------------------------------------------------------------------------


def new_share_token():
    """An unguessable token: 32 random bytes (256 bits), URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


class ShareLinkQuerySet(models.QuerySet):
    def get_by_natural_key(self, token):
        return self.get(token=token)

    def active(self):
        """Links that still open their draft: not revoked."""
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    """A secret link that lets someone without an account read one unpublished article.

    The token is stored as is, not hashed: a share link is only worth the draft it opens,
    and anyone who can read this table can read the drafts themselves; storing it lets
    the desk show the link again to copy, instead of only once at creation.
    """

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="share_links", verbose_name=_("article")
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_share_token, editable=False
    )
    note = NFCCharField(
        _("shared with"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Who the link was given to, for the desk's own record."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return f"{self.article}: {self.note or self.token[:8]}"

    def get_absolute_url(self):
        return reverse("articles:share", kwargs={"token": self.token})

    def natural_key(self):
        return (self.token,)

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        """Stop the link from working, once and for good (the row stays, as a record)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# Old slugs ----------------------------------------------------------------------------


class SlugRedirectQuerySet(models.QuerySet):
    def target(self, kind, old_slug):
        """The current slug for a page of ``kind`` once at ``old_slug``, or None (one query)."""
        return self.filter(kind=kind, old_slug=old_slug).values_list("new_slug", flat=True).first()


class SlugRedirect(models.Model):
    """An old public slug of an article, person, organisation or tag, and its slug now.

    Written only by articles.redirects.record_slug_change (called from the admin's save and
    from tag merges), read by articles.middleware.SlugRedirectFallbackMiddleware.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")
        TAG = "tag", _("tag")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_slug = SlugField(_("old slug"), max_length=SLUG_MAX_LENGTH)
    new_slug = SlugField(_("new slug"), max_length=SLUG_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "old_slug"]
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="unique_slug_redirect")
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.new_slug}"
