"""Keeping old public URLs working when a slug changes or a tag is merged away.

Called explicitly by the admin (article and person saves, tag renames) and by
articles.tags.merge_tags; never from a signal, so a fixture load or a script that changes a
slug on purpose does not leave redirects behind by accident.
"""

from django.db import transaction

from articles.caching import content_changed
from articles.models import SlugRedirect


@transaction.atomic
def record_slug_change(kind, old_slug, new_slug):
    """Make ``old_slug`` (of a page of ``kind``) redirect to ``new_slug``.

    Contract: afterwards every old slug that led to ``old_slug`` leads straight to
    ``new_slug`` (no chains); ``new_slug`` itself is no longer redirected (it is live
    again, e.g. a slug changed back); nothing happens when the slugs are equal or empty.
    A constant number of queries.
    """
    if not old_slug or not new_slug or old_slug == new_slug:
        return
    redirects = SlugRedirect.objects.filter(kind=kind)
    redirects.filter(old_slug=new_slug).delete()
    redirects.filter(new_slug=old_slug).update(new_slug=new_slug)
    content_changed()  # update() sends no post_save
    SlugRedirect.objects.update_or_create(
        kind=kind, old_slug=old_slug, defaults={"new_slug": new_slug}
    )
