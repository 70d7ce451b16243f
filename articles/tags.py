"""Tags as the desk uses them: one spelling per tag, found whichever way it is typed.

Editors type tags as a comma-separated list. A name whose ``articles.text.fold()`` form
equals an existing tag's ("ai सेफ्टी" for "AI सेफ्टी", a nukta or NBSP variant) *is* that
tag: :func:`canonical_names` swaps in the existing spelling before taggit saves anything,
so near-duplicates cannot be created through the desk. Tags are also added to or removed
from many items at once, and merged.

One tag is found by the database (``Tag.objects.fold_equal``, over articles.lookups);
whole lists (canonical names, autocompletion) fold in Python over one query that reads
every tag's name: fine for a newsroom's few thousand tags.
"""

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.caching import content_changed
from articles.history.versions import ensure_baselines, record_versions
from articles.models import ArticleTag, PersonTag, QuoteTag, SlugRedirect, Tag
from articles.redirects import record_slug_change
from articles.text import fold, normalize

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length

#: The per-model link tables that tags live in.
LINK_MODELS = (ArticleTag, PersonTag, QuoteTag)

TAG_STRING_HELP = _("Separate tags with commas; a tag may contain spaces, e.g. “AI सेफ्टी, इस्तीफा”.")


def clean_tag_name(value: str) -> str:
    """The stored form of a typed tag name: NFC, every run of (Unicode) spaces one space.

    So "AI\u00a0सेफ्टी" is stored as "AI सेफ्टी". Returns "" for a blank name.
    """
    return " ".join(normalize(value).split())


def parse_tag_string(value: str) -> list[str]:
    """Split an editor's comma-separated input into cleaned tag names.

    Only commas separate (taggit's own parser splits on spaces when there is no comma,
    which would cut "AI सेफ्टी" in two). Blank entries are dropped, and of names that fold
    equal only the first is kept.
    """
    names = {}
    for part in (value or "").split(","):
        name = clean_tag_name(part)
        if name:
            names.setdefault(fold(name), name)
    return list(names.values())


def tag_string(tags) -> str:
    """The editable text for ``tags`` (Tag objects or names): names joined by ", "."""
    return ", ".join(sorted(tag if isinstance(tag, str) else tag.name for tag in tags))


def tags_by_fold(queryset=None) -> dict[str, Tag]:
    """Every tag keyed by the fold of its name (one query).

    Should two stored tags already fold equal (made before this rule, or by a fixture),
    the first by name wins, consistently.
    """
    tags = {}
    for tag in (queryset if queryset is not None else Tag.objects.all()).order_by("name", "pk"):
        tags.setdefault(fold(tag.name), tag)
    return tags


def canonical_names(names) -> list[str]:
    """``names`` (already cleaned) with each replaced by the existing tag it folds to.

    New names are kept as typed. No two results fold equal. One query.
    """
    existing = tags_by_fold()
    result = {}
    for name in names:
        key = fold(name)
        result.setdefault(key, existing[key].name if key in existing else name)
    return list(result.values())


def find_tag(name: str) -> Tag | None:
    """The existing tag that ``name`` folds to, or None."""
    return Tag.objects.fold_equal(name) if fold(name) else None


def get_or_create_tag(name: str) -> Tag:
    """The existing tag ``name`` folds to, or a new tag spelt as ``clean_tag_name(name)``."""
    name = clean_tag_name(name)
    if not name:
        raise ValueError("a tag name must contain a non-space character")
    return find_tag(name) or Tag.objects.create(name=name)


def search_tags(term: str, limit: int = 20) -> list[Tag]:
    """Tags whose folded name contains the folded ``term``, for autocompletion.

    Names starting with the term come first, then names with a word starting with it, then
    the rest; alphabetical within each group. An empty (or all-punctuation) term gives [].
    """
    key = fold(term or "")
    if not key:
        return []
    ranked = []
    for folded, tag in tags_by_fold().items():
        if key not in folded:
            continue
        if folded.startswith(key):
            rank = 0
        elif f" {key}" in folded or f"-{key}" in folded:
            rank = 1
        else:
            rank = 2
        ranked.append((rank, folded, tag))
    ranked.sort(key=lambda item: item[:2])
    return [tag for _rank, _folded, tag in ranked[:limit]]


def _links(queryset):
    """The link model of the tagged model behind ``queryset`` (Article, Person or Quote)."""
    return queryset.model._meta.get_field("tags").remote_field.through


class _Versioned:
    """Keeps the history of the items a bulk tag change touches: each gets a baseline
    version before the change if it has none, and a version after it.

    Link rows written in bulk send no signal, so simple-history would not see the change.
    Costs a constant number of queries per model, whatever the number of items.
    """

    def __init__(self, model, pks, *, reason, user):
        self.model, self.pks, self.reason, self.user = model, list(pks), reason, user

    def __enter__(self):
        ensure_baselines(self.model, self.pks)
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None and self.pks:
            changed = self.model._default_manager.filter(pk__in=self.pks)
            record_versions(changed, reason=self.reason, user=self.user)


@transaction.atomic
def add_tag(queryset, tag: Tag, *, user=None) -> int:
    """Tag every item of ``queryset`` with ``tag``; returns how many gained it.

    Items that already carry the tag are left alone; each item that gains it gets a
    version in its history, by ``user``. A constant number of queries, whatever the size.
    """
    links = _links(queryset)
    has_it = set(
        links.objects.filter(tag=tag, content_object__in=queryset).values_list(
            "content_object_id", flat=True
        )
    )
    gaining = [pk for pk in queryset.values_list("pk", flat=True) if pk not in has_it]
    reason = gettext("tag added: %(tag)s") % {"tag": tag.name}
    with _Versioned(queryset.model, gaining, reason=reason, user=user):
        links.objects.bulk_create([links(tag=tag, content_object_id=pk) for pk in gaining])
    content_changed()  # bulk_create sends no post_save
    return len(gaining)


@transaction.atomic
def remove_tag(queryset, tag: Tag, *, user=None) -> int:
    """Untag every item of ``queryset``; returns how many lost the tag. The tag stays.

    Each item that loses it gets a version in its history, by ``user``.
    """
    links = _links(queryset).objects.filter(tag=tag, content_object__in=queryset)
    losing = list(links.values_list("content_object_id", flat=True))
    reason = gettext("tag removed: %(tag)s") % {"tag": tag.name}
    with _Versioned(queryset.model, losing, reason=reason, user=user):
        links.delete()
    return len(losing)


@transaction.atomic
def merge_tags(sources, target: Tag, *, user=None) -> int:
    """Move everything tagged with any of ``sources`` to ``target``, then delete ``sources``.

    Contract: every article, person and quote that carried a source tag carries ``target``
    afterwards, exactly once (links that would duplicate are dropped), and gets a version
    in its history, by ``user``; the source tags are gone; each source tag's public URL
    redirects to the target's (SlugRedirect). ``target`` among ``sources`` is ignored.
    Returns the number of links moved. All or nothing.
    """
    moved = 0
    for source in sources:
        if source.pk == target.pk:
            continue
        reason = gettext("tag “%(source)s” merged into “%(target)s”") % {
            "source": source.name,
            "target": target.name,
        }
        for links in LINK_MODELS:
            model = links._meta.get_field("content_object").related_model
            tagged = links.objects.filter(tag=source).values_list("content_object_id", flat=True)
            with _Versioned(model, tagged, reason=reason, user=user):
                tagged_with_target = links.objects.filter(tag=target).values("content_object")
                links.objects.filter(tag=source, content_object__in=tagged_with_target).delete()
                moved += links.objects.filter(tag=source).update(tag=target)
                content_changed()  # update() sends no post_save
        record_slug_change(SlugRedirect.Kind.TAG, source.slug, target.slug)
        source.delete()
    return moved
