"""Django's JSON serializer, with one error of hand-written fixtures made clear.

Some natural keys are made of other rows' keys (a byline is its article's slug and its
person's slug). Django reads such a row by building its natural key from the rows it
refers to; when one of them does not exist, it fails with "ArticleAuthor has no person.",
naming neither the key nor the row. This Deserializer says which reference is missing.
Everything else, dumpdata's output included, is Django's own.
"""

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import Serializer  # noqa: F401  (this module is a format)


class Deserializer(JSONDeserializer):
    def _handle_object(self, obj):
        try:
            yield from super()._handle_object(obj)
        except DeserializationError as error:
            missing = (
                self._missing_reference(obj)
                if isinstance(error.__cause__, ObjectDoesNotExist)
                else None
            )
            if missing is None:
                raise
            raise DeserializationError(missing) from None

    def _missing_reference(self, obj):
        """The message for the first natural-key reference of ``obj`` that names no row."""
        model = self._get_model_from_node(obj["model"])
        for name, value in obj.get("fields", {}).items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.many_to_one and isinstance(value, list)):
                continue
            target = field.related_model
            try:
                target._default_manager.db_manager(self.using).get_by_natural_key(*value)
            except target.DoesNotExist:
                return (
                    f"{model._meta.label} refers to {field.name} {value!r}, but no "
                    f"{target._meta.label} has that natural key (it is part of this row's "
                    "natural key, so that row must come earlier in the file)."
                )
        return None
