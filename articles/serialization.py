"""Django's JSON serializer, with one error of hand-written fixtures made clear.

Some natural keys are made of other rows' keys (a byline is its article's slug and its
person's slug). Django reads such a row by building its natural key from the rows it
refers to; when one of them does not exist, it fails with "ArticleAuthor has no person.",
naming neither the key nor the row. This Deserializer says which reference is missing.

It also resolves natural keys in bulk (see NaturalKeys): Django looks each one up with a
query of its own, a row's own key and every foreign key of every row, which made loaddata
several times slower than loading the same columns with ids. The loaddata command holds
new rows back to write them in batches; a row referring to one of them has them written
first (see ``write_held``), and their pks are then known without a query.
Everything else, dumpdata's output included, is Django's own.
"""

import contextvars

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers import base
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import Serializer  # noqa: F401  (this module is a format)
from django.db import models


class NaturalKeys:
    """Natural key → primary key of the rows one fixture names, read in bulk.

    Django looks every natural key up with queries of its own: a row's own key (and, to
    build a composite one, the rows it is made of) and each foreign and many-to-many key.
    Here the keys the fixture mentions are read with one query per model (up to ``BATCH``
    keys each), for every model whose ``natural_key()`` is made of its own columns and
    other such models' keys (found once per model by calling it on a probe instance, see
    ``recipe``). A key is matched on what it is made of: its columns' values and the
    primary keys of the rows its related keys name.

    ``pk()`` answers from that, and asks ``get_by_natural_key`` itself for any key it has
    no answer for (keys spelled otherwise than stored, models without a recipe), remembering
    what it finds: loaddata never deletes, and a row found by its key keeps that key. A row
    saved during this load is known by its key from then on; one that loaddata holds back
    is written when its pk is asked for (``write_held``). Models of which the fixture gives
    a row by ``pk`` are left out: such a row may change a stored key.

    ``absent()`` is True when a row's own key named no row when the load began and no
    other row of this fixture has it, and the key's own columns are slugs and integers,
    which every ``get_by_natural_key`` here compares exactly (a tag's name is compared
    folded: a miss proves nothing); its related keys are matched on the pks they resolve
    to. Django's lookup would then find nothing either.
    """

    BATCH = 500

    def __init__(self, objects, using):
        self.using = using
        self.found = {}  # (model, key): pk
        self.missing = set()  # (model, key): no row when the load began
        self.own = {}  # (model, key): how many rows of the fixture have it as their own
        self.wanted = {}  # model: {keys not read yet}
        self.later = {}  # model: {keys to read when asked: they name rows not saved yet}
        self.held = {}  # (model, key): a row handed to loaddata, not written yet
        explicit = set()
        for obj in objects if isinstance(objects, list) else ():
            model = self.model(obj)
            if model is None or not isinstance(obj.get("fields"), dict):
                continue
            if "pk" in obj:
                explicit.add(model)
                continue
            key = self.own_key(model, obj["fields"])
            if key is not None:
                self._want(model, key)
                self.own[model, key] = self.own.get((model, key), 0) + 1
            for name, value in obj["fields"].items():
                field = model._meta._forward_fields_map.get(name)
                if field is None or not field.is_relation or not self.by_pk(field):
                    continue
                target = field.related_model
                if self.recipe(target) is None:
                    continue
                keys = value if field.many_to_many and isinstance(value, list) else [value]
                for each in keys:
                    if self.natural(each):
                        self._want(target, tuple(each))
        self.skip = explicit
        for model in explicit:
            self.wanted.pop(model, None)

    def _want(self, model, key):
        """Read ``key`` of ``model`` with the others, and the keys it is made of."""
        self.wanted.setdefault(model, set()).add(key)
        start = 0
        for field, parts in self.recipe(model):
            if field.is_relation and len(key) >= start + parts:
                self._want(field.related_model, key[start : start + parts])
            start += parts

    @staticmethod
    def model(obj):
        try:
            return Deserializer._get_model_from_node(obj["model"])
        except (DeserializationError, KeyError, TypeError):
            return None

    @staticmethod
    def natural(value):
        """Whether a fixture value is a natural key (a list of plain values)."""
        return isinstance(value, list) and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        )

    @staticmethod
    def by_pk(field):
        """Whether a relation holds its target's primary key (no to_field)."""
        if field.many_to_many:
            return True
        if not field.many_to_one:
            return False
        return field.target_field.primary_key and not field.related_model._meta.pk.remote_field

    _recipes = {}

    @classmethod
    def recipe(cls, model):
        """What ``model``'s natural key is made of: ``[(field, parts)]`` in key order, a
        column giving one part and a foreign key its target's whole key; None when the key
        is anything else (or the model has none)."""
        if model not in cls._recipes:
            cls._recipes[model] = None
            manager = model._meta.default_manager
            if hasattr(manager, "get_by_natural_key") and hasattr(model, "natural_key"):
                try:
                    cls._recipes[model] = cls._probe(model)
                except Exception:  # a key this probe cannot take apart: Django's way
                    cls._recipes[model] = None
        return cls._recipes[model]

    @classmethod
    def _probe(cls, model, depth=3):
        probe = cls._probe_instance(model, "", depth)
        recipe = []
        for part in probe.natural_key():
            if not (isinstance(part, str) and part.startswith(_MARK)):
                return None
            name = part[1:].split(_MARK, 1)[0]
            field = model._meta.get_field(name)
            if recipe and recipe[-1][0] is field:
                recipe[-1] = (field, recipe[-1][1] + 1)
            else:
                recipe.append((field, 1))
        names = [field.name for field, _ in recipe]
        if len(set(names)) != len(names):
            return None
        for field, parts in recipe:
            if field.is_relation:
                target = cls.recipe(field.related_model) if cls.by_pk(field) else None
                if target is None or sum(n for _, n in target) != parts:
                    return None
            elif parts != 1:
                return None
        return recipe

    @classmethod
    def _probe_instance(cls, model, prefix, depth):
        probe = model()
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            marker = f"{_MARK}{prefix or field.name}{_MARK}{field.name}"
            if field.is_relation:
                if depth > 1 and field.many_to_one:
                    related = cls._probe_instance(
                        field.related_model, prefix or field.name, depth - 1
                    )
                    setattr(probe, field.name, related)
            elif not isinstance(field, models.FileField):  # a file field wants a file name
                setattr(probe, field.attname, marker)
        return probe

    @classmethod
    def exact(cls, model):
        """Whether every column of the key is compared exactly (see the class docstring)."""
        for field, _ in cls.recipe(model):
            if field.is_relation:
                continue  # matched on the pk its key resolves to, the way Django resolves it
            if isinstance(field, (models.CharField, models.TextField)):
                if not isinstance(field, models.SlugField):
                    return False
            elif not isinstance(field, models.IntegerField):
                return False
        return True

    def own_key(self, model, fields):
        """The natural key of a fixture row of ``model`` (``fields``), flattened, or None."""
        recipe = self.recipe(model)
        if recipe is None:
            return None
        key = []
        for field, parts in recipe:
            value = fields.get(field.name)
            if field.is_relation:
                if not (self.natural(value) and len(value) == parts):
                    return None
                key.extend(value)
            elif isinstance(value, (str, int)) and not isinstance(value, bool):
                try:  # as stored (NFC): two spellings of one key are one key
                    key.append(field.to_python(value))
                except ValidationError:
                    return None
            else:
                return None
        return tuple(key)

    def _signature(self, model, key):
        """What ``key`` is made of: its columns' values and its related rows' pks."""
        values, start = [], 0
        for field, parts in self.recipe(model):
            piece = key[start : start + parts]
            start += parts
            if field.is_relation:
                values.append(self.pk(field.related_model, piece))
            else:
                values.append(field.to_python(piece[0]))
        return tuple(values)

    def _read(self, model):
        keys = self.wanted.pop(model, set())
        if not keys or model in self.skip:
            return
        recipe = self.recipe(model)
        signatures = {}
        for key in keys:
            try:
                signatures[key] = self._signature(model, key)
            except ObjectDoesNotExist:  # names a row this load may save first
                self.later.setdefault(model, set()).add(key)
            except (ValidationError, ValueError, TypeError):
                continue  # left to Django, which says what is wrong
        first = recipe[0][0]
        manager = model._base_manager.db_manager(self.using).order_by()
        attnames = [field.attname for field, _ in recipe]
        stored = {}
        values = sorted({s[0] for s in signatures.values()}, key=str)
        for start in range(0, len(values), self.BATCH):
            rows = manager.filter(**{f"{first.attname}__in": values[start : start + self.BATCH]})
            for pk, *signature in rows.values_list("pk", *attnames):
                stored[tuple(signature)] = pk
        for key, signature in signatures.items():
            if signature in stored:
                self.found[model, key] = stored[signature]
            else:
                self.missing.add((model, key))

    def pk(self, model, key):
        """The primary key of the ``model`` row with natural key ``key`` (raises
        ``model.DoesNotExist`` as ``get_by_natural_key`` does)."""
        key = tuple(key)
        if model in self.wanted:
            self._read(model)
        pk = self.found.get((model, key))
        if pk is None and (model, key) in self.held:
            instance = self.held.pop((model, key))
            if instance.pk is None:
                _write_held()
            pk = self.found[model, key] = instance.pk
        if pk is None:
            manager = model._default_manager.db_manager(self.using)
            pk = manager.get_by_natural_key(*key).pk
            self.found[model, key] = pk
        return pk

    def known(self, model, key):
        """The pk of the row ``key`` names, if already known; else None."""
        if model in self.wanted:
            self._read(model)
        if key in self.later.get(model, ()):  # its related rows may be saved by now
            self.later[model].discard(key)
            self.wanted[model] = {key}
            self._read(model)
        return self.found.get((model, key))

    def references_known(self, model, fields):
        """Whether every natural key fixture row ``fields`` of ``model`` refers to (its
        foreign keys and many-to-many values) names a row whose pk is known already."""
        for name, value in fields.items():
            field = model._meta._forward_fields_map.get(name)
            if field is None or not field.is_relation or not self.by_pk(field):
                continue
            target = field.related_model
            keys = value if field.many_to_many and isinstance(value, list) else [value]
            for key in keys:
                if not self.natural(key):
                    continue
                if target in self.wanted:
                    self._read(target)
                if self.found.get((target, tuple(key))) is None:
                    return False
        return True

    def saved(self, model, key, instance):
        """Row ``key`` of ``model`` was handed to loaddata: saved, or held back to be
        written with others (its pk is None until then)."""
        if instance.pk is not None:
            self.found[model, key] = instance.pk
        else:
            self.held[model, key] = instance
        self.missing.discard((model, key))

    def absent(self, model, key):
        """Whether no row of ``model`` has the own key ``key`` yet, for certain."""
        return (
            (model, key) in self.missing and self.own.get((model, key)) == 1 and self.exact(model)
        )


# Marks the probe's values (a private-use character, in no natural key).
_MARK = "\ue000"

# A pk for build_instance to see, so that it does not look up a key known to be new; the
# row is given back its None before it is saved (see Deserializer._handle_object).
_NEW = 0


#: Set by the loaddata command for a load: writes the rows it has been handed and holds
#: back (its flush). Called when a fixture's last object has been handed out, while
#: Django still reports errors as that fixture's, and when a held row's pk is wanted.
write_held = contextvars.ContextVar("write_held", default=None)


def _write_held():
    write = write_held.get()
    if write is not None:
        write()


class Deserializer(JSONDeserializer):
    def __init__(self, stream_or_string, **options):
        super().__init__(stream_or_string, **options)
        self.natural_keys = NaturalKeys(self.stream, self.using)

    def __iter__(self):
        yield from super().__iter__()
        _write_held()

    def _handle_fk_field_node(self, field, field_value):
        model = field.related_model
        manager = model._default_manager
        if not (
            NaturalKeys.natural(field_value)
            and NaturalKeys.by_pk(field)
            and hasattr(manager, "get_by_natural_key")
        ):
            return super()._handle_fk_field_node(field, field_value)
        try:
            return self.natural_keys.pk(model, field_value)
        except ObjectDoesNotExist:
            if self.handle_forward_references:
                return base.DEFER_FIELD
            raise

    def _handle_m2m_field_node(self, field, field_value):
        model = field.remote_field.model
        if not (
            isinstance(field_value, list)
            and all(NaturalKeys.natural(v) for v in field_value)
            and hasattr(model._default_manager, "get_by_natural_key")
        ):
            return super()._handle_m2m_field_node(field, field_value)
        values = []
        for value in field_value:
            try:
                values.append(self.natural_keys.pk(model, value))
            except Exception as error:
                if isinstance(error, ObjectDoesNotExist) and self.handle_forward_references:
                    return base.DEFER_FIELD
                raise base.M2MDeserializationError(error, value) from error
        return values

    def _handle_object(self, obj):
        model = NaturalKeys.model(obj) if isinstance(obj, dict) else None
        fields = obj.get("fields") if model is not None else None
        # A reference to a row loaddata holds back, or one looked up with a query, needs
        # the held rows written first: here, so that a failure to write them is reported
        # as theirs, not as this row's value (Django wraps errors of each field).
        if isinstance(fields, dict) and not self.natural_keys.references_known(model, fields):
            _write_held()
        key = None
        if model is not None and "pk" not in obj and isinstance(obj.get("fields"), dict):
            key = self.natural_keys.own_key(model, obj["fields"])
        if key is not None and model not in self.natural_keys.skip:
            pk = self.natural_keys.known(model, key)
            if pk is not None:
                obj = {**obj, "pk": pk}
            elif self.natural_keys.absent(model, key):
                try:
                    for deserialized in self._handle(dict(obj, pk=_NEW)):
                        deserialized.object.pk = None
                        deserialized.new = True  # no links to read (the loaddata command)
                        yield deserialized  # loaddata saves or holds it before asking for more
                        self.natural_keys.saved(model, key, deserialized.object)
                    return
                except DeserializationError:
                    pass  # again the usual way, for the usual message
        for deserialized in self._handle(obj):
            yield deserialized
            if key is not None:
                self.natural_keys.saved(model, key, deserialized.object)

    def _handle(self, obj):
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
