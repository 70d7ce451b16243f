"""Additions to the generated OpenAPI schema (a drf-spectacular postprocessing hook)."""

ERROR = {
    "type": "object",
    "description": "An error: what went wrong, and for a bad parameter, each parameter's messages.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

RESPONSES = {
    "304": {"description": "Not modified: the copy the client holds (ETag) is current."},
    "400": {"description": "A query parameter has a bad value.", "content": _JSON_ERROR},
    "404": {"description": "No such public record, or no such page.", "content": _JSON_ERROR},
    "429": {
        "description": "Too many requests from this address: wait for Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": _JSON_ERROR,
    },
}

CACHE_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Validator for If-None-Match."},
    "Last-Modified": {
        "schema": {"type": "string"},
        "description": "The latest change among the records shown, where known.",
    },
    "Cache-Control": {"schema": {"type": "string"}},
}


def add_common_responses(result, generator, request, public):
    """Every operation answers 304, 400, 404 and 429 as described in ``RESPONSES`` (one
    ``Error`` shape), and its 200 carries ETag, Last-Modified and Cache-Control."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            for status, response in RESPONSES.items():
                responses.setdefault(status, response)
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(CACHE_HEADERS)
    return result
