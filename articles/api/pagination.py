"""Page-number pagination with a bounded page size and strict parameters.

``page`` is a whole number from 1 and ``page_size`` one from 1 to ``MAX_PAGE_SIZE``; any
other value answers 400 (DRF's own pagination would silently fall back), and a page past
the last answers 404. The order of every list is total (it ends in the primary key), so a
client walking the pages sees each record once. The next and previous links carry only the
parameters the endpoint reads (``canonical_address``): one it ignores is not passed on.
"""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from articles.api.http import canonical_address

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _whole_number(request, name, default, maximum=None):
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: ["Enter a whole number from 1."]})
    value = int(raw)
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Enter a whole number from 1 to {maximum}."]})
    return value


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return _whole_number(request, "page_size", self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.address = canonical_address(request._request, view.read_parameters)
        page_size = self.get_page_size(request)
        number = _whole_number(request, self.page_query_param, 1)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            # Page 1 of an empty list is an empty page, not an error (allow_empty_first_page).
            raise NotFound("There is no such page.") from None
        return list(self.page)

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(
            self.address, self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self.address, self.page_query_param)
        return replace_query_param(self.address, self.page_query_param, number)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} "
                f"(default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
