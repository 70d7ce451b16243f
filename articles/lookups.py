"""Comparing stored text the way the desk compares it: folded (articles.text.fold).

``fold_contains`` and ``fold_exact`` are lookups on every CharField and TextField:
``headline__fold_contains="इस्तीफा"`` matches a headline containing इस्तीफ़ा, and
``name__fold_exact="ai सेफ्टी"`` the tag "AI सेफ्टी" (case, nukta, NBSP, dash and quote-mark
variants are equal). The admin's search uses the first, tag natural keys the second.

The term is folded in Python; the column is folded by the database:

* SQLite runs ``fold`` itself, registered as the SQL function ``newsroom_fold`` on every new
  connection (``install_sqlite_fold``), so both sides fold identically;
* PostgreSQL folds with ``translate()`` over ``fold_table()``, collapses spaces and
  lowercases. Its ``lower()`` follows the database's locale; ``casefold`` differs from it
  only for rare letters (ß), which then need typing as stored.

A LIKE over a folded column cannot use an index: fine for the desk's tables, and the
readers' search (articles.search) has its own indexes.
"""

import functools

from django.db.models import CharField, Func, Lookup, TextField

from articles.text import fold, fold_table

SQLITE_FUNCTION = "newsroom_fold"


def _fold_or_none(value):
    return None if value is None else fold(value)


def install_sqlite_fold(sender, connection, **kwargs):
    """``connection_created`` receiver: give SQLite connections ``newsroom_fold()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _fold_or_none, deterministic=True)


class Fold(Func):
    """An expression's text in its ``fold`` form (see the module docstring per database)."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"btrim(lower(regexp_replace(translate({sql}, %s, %s), ' {{2,}}', ' ', 'g')))",
            [*params, *_translate_arguments()],
        )


@functools.cache
def _translate_arguments():
    """``fold_table()`` as PostgreSQL ``translate()``'s two strings. translate() removes
    the characters of its second argument that have no counterpart in the third."""
    table = fold_table()
    mapped = "".join(char for char, to in table.items() if to)
    removed = "".join(char for char, to in table.items() if not to)
    return mapped + removed, "".join(table[char] for char in mapped)


@CharField.register_lookup
@TextField.register_lookup
class FoldContains(Lookup):
    """The column, folded, contains the term, folded. An all-punctuation term (folds to
    "") matches everything, as an empty search does."""

    lookup_name = "fold_contains"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(Fold(self.lhs))
        pattern = "%" + connection.ops.prep_for_like_query(fold(str(self.rhs))) + "%"
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]


@CharField.register_lookup
@TextField.register_lookup
class FoldExact(Lookup):
    """The column and the term fold equal."""

    lookup_name = "fold_exact"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(Fold(self.lhs))
        return f"{lhs} = %s", [*lhs_params, fold(str(self.rhs))]
