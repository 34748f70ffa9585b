"""The base every repository stands on: the unit of work's session and the helpers all need.

All of a service's SQL lives in its repositories (one class per aggregate, in
`adapters/repositories/`), and every query filters on the tenant. What is written
once here: the dialect-aware INSERT (PostgreSQL in production, SQLite under
`make run`), telling a unique-key clash from other failures, inserting only once,
and reading one keyset page of a list.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, Select, Table, false, inspect, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.expression import Executable

from pos_kit.pagination import PageRequest, Slice

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for unique_violation


def is_unique_violation(exc: IntegrityError, marker: str | None = None) -> bool:
    """Whether `exc` is a unique-key clash (naming `marker`, if given), not another failure."""
    orig = exc.orig
    message = str(orig).lower()
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    unique = code == UNIQUE_VIOLATION if code else "unique constraint failed" in message
    return unique and (marker is None or marker.lower() in message)


def column_values(
    source: object, model: type[Any] | Table, /, *, exclude: tuple[str, ...] = (), **overrides: Any
) -> dict[str, Any]:
    """The values for `model`'s columns that `source` has attributes for (enums as values)."""
    names = _column_names(model)
    values = {
        name: _stored(getattr(source, name))
        for name in names
        if name not in exclude and name not in overrides and hasattr(source, name)
    }
    unknown = set(overrides) - set(names)
    if unknown:
        raise TypeError(f"{sorted(unknown)} are not columns of {_model_name(model)}")
    return {**values, **overrides}


def _stored(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _column_names(model: type[Any] | Table) -> tuple[str, ...]:
    if isinstance(model, Table):
        return tuple(column.key for column in model.columns)
    return tuple(attribute.key for attribute in inspect(model).column_attrs)


def _model_name(model: type[Any] | Table) -> str:
    return model.name if isinstance(model, Table) else model.__name__


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched."""
    return cast(CursorResult[Any], result).rowcount or 0


class Repository:
    """Base of a repository: SQL on the session of the unit of work it was built on."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def insert(self, table: Table | type[Any]) -> postgresql.Insert | sqlite.Insert:
        """An INSERT that can say what to do on a conflict (`on_conflict_do_...`)."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return insert(table)

    @asynccontextmanager
    async def unique(
        self, duplicate: Callable[[], Exception], *, marker: str | None = None
    ) -> AsyncIterator[None]:
        """Write in a savepoint; a unique clash (naming `marker`) raises `duplicate()`.

        The savepoint keeps the rest of the transaction usable after the clash. Add the
        rows inside the block: `begin_nested()` flushes what is pending first, and a
        clash in that flush would break the whole transaction.
        """
        try:
            async with self.session.begin_nested():
                yield
                await self.session.flush()
        except IntegrityError as exc:
            if is_unique_violation(exc, marker):
                raise duplicate() from exc
            raise

    async def insert_once(
        self, row: object | Executable | type[Any] | Table, values: Mapping[str, Any] | None = None
    ) -> bool:
        """Insert a row unless its unique key exists already; False when it did.

        With `values`, `row` is the table (or mapped class) and it is one statement,
        INSERT ... ON CONFLICT DO NOTHING: of two requests inserting the same key at once,
        one inserts and the other waits for it, then inserts nothing. Without, `row` is an
        ORM object or a statement, written in a savepoint that a clash rolls back alone.
        """
        if values is not None:
            table = cast(Table | type[Any], row)
            statement = self.insert(table).values(**values).on_conflict_do_nothing()
            return rowcount(await self.session.execute(statement)) == 1
        try:
            async with self.session.begin_nested():
                if isinstance(row, Executable):
                    await self.session.execute(row)
                else:
                    self.session.add(row)
                await self.session.flush()
        except IntegrityError as exc:
            if is_unique_violation(exc):
                return False
            raise
        return True

    async def take_write_lock(self, table: type[Any] | Table) -> None:
        """SQLite: take the database's one write lock now, before the transaction reads.

        The driver begins a transaction at its first write only, so a read-then-write
        would otherwise decide on a snapshot another writer may change meanwhile.
        PostgreSQL locks the rows it reads instead (`SELECT ... FOR UPDATE`): a no-op there.
        """
        if self.dialect != "sqlite":
            return
        target = table if isinstance(table, Table) else cast(Table, table.__table__)
        column = next(iter(target.primary_key.columns))
        await self.session.execute(update(target).values({column: column}).where(false()))

    async def keyset_page(
        self,
        query: Select[Any],
        *,
        key: Sequence[InstrumentedAttribute[Any]],
        page: PageRequest,
        descending: bool = False,
    ) -> Slice[Any]:
        """One page of `query`'s rows, ordered by `key` (ending in the id), after `page.after`."""
        if page.after is not None:
            position = tuple_(*key)
            after = tuple_(*page.after)
            query = query.where(position < after if descending else position > after)
        order = [column.desc() if descending else column.asc() for column in key]
        rows = list(await self.session.scalars(query.order_by(*order).limit(page.limit + 1)))
        if len(rows) <= page.limit:
            return Slice(rows)
        rows = rows[: page.limit]
        return Slice(rows, tuple(getattr(rows[-1], column.key) for column in key))
