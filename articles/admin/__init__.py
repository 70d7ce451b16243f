"""The editors' desk: the Django admin, one module per concern.

Every changelist runs a constant number of queries (list_select_related, prefetches and
filters that read one query each); tag fields are comma-separated inputs with autocomplete
that never create a near-duplicate tag (articles.widgets.TagsField). The desk's rules
(history, corrections, roles, share links) are in ``desk``.
"""

# They register their admins.
from articles.admin import (  # noqa: F401
    accounts,
    desk,
    home,
    images,
    organisations,
    people,
    sections,
    stories,
    tags,
    two_step,
)
