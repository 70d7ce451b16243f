"""The public, read-only content API under ``/api/v1/`` (issue 11).

One module per concern: ``records`` (what is public and what each endpoint loads),
``serializers`` (the JSON shapes), ``filters`` (query parameters, validated), ``pagination``,
``throttling`` (the anonymous rate limit), ``http`` (conditional responses, Cache-Control,
JSON errors), ``schema`` (OpenAPI additions), ``views`` and ``urls``. The OpenAPI schema is
committed as ``openapi.yaml`` beside this file (``make schema`` writes it).
"""
