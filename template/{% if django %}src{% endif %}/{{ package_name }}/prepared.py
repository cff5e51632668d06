"""Queries the ORM builds and compiles once, then runs many times with new values.

Building a QuerySet and compiling it to SQL costs Django some 0.3-0.4 ms of CPU per query,
several times what the database round trip costs the service. A hot read path describes its
query once, with a `Param` wherever a value changes from call to call; the SQL and the
column converters are made at its first run, and every run after that binds the values and
executes the same SQL on the thread's connection (through Django's cursor: query spans and
error handling stay as for any other query).
"""

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

type Row = dict[str, Any]
type _Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Param(Expression):
    """A value given when the query runs, by name: `filter(pk=Param("id", UUIDField()))`."""

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(  # type: ignore[override]  # the placeholder stands in the params until a run
        self,
        compiler: SQLCompiler,  # noqa: ARG002  (Django's signature)
        connection: BaseDatabaseWrapper,  # noqa: ARG002
    ) -> tuple[str, list[Any]]:
        return "%s", [self]

    def bind(self, values: Mapping[str, Any], connection: BaseDatabaseWrapper) -> Any:
        """The run's value for this placeholder, as the field stores it on this database."""
        return self.output_field.get_db_prep_value(values[self.name], connection, prepared=False)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[_Converter, ...], Any], ...]


class PreparedQuery:
    """A `values()` query, compiled at its first run on each database alias."""

    def __init__(self, build: Callable[[], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Row]:
        """Run the query with these values for its `Param`s; one dict per row."""
        compiled = self._compiled.get(using) or self._compile(using)
        connection = connections[using]
        params = [
            p.bind(values, connection) if isinstance(p, Param) else p for p in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence[Sequence[Any]] = cursor.fetchall()
        return [_row(compiled, row, connection) for row in rows]

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            query = self._build().query
            compiler = query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(columns)
            compiled = _Compiled(
                sql=sql,
                params=tuple(params),
                names=(*query.extra_select, *query.values_select, *query.annotation_select),
                converters=tuple(
                    (position, tuple(functions), expression)
                    for position, (functions, expression) in converters.items()
                ),
            )
            self._compiled[using] = compiled
            return compiled


def _row(compiled: _Compiled, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Row:
    row = list(values)
    for position, functions, expression in compiled.converters:
        for convert in functions:
            row[position] = convert(row[position], expression, connection)
    return dict(zip(compiled.names, row, strict=True))


def columns(model: type[Model], prefix: str = "") -> tuple[str, ...]:
    """Every stored field of the model, for `values()`; a prefix ("user__") follows a relation."""
    return tuple(prefix + field.attname for field in model._meta.concrete_fields)


def instance[M: Model](
    model: type[M], row: Row, prefix: str = "", using: str = DEFAULT_DB_ALIAS
) -> M:
    """The model instance of a row that selected its `columns` (with the same prefix)."""
    names = columns(model)
    return model.from_db(using, names, [row[prefix + name] for name in names])
