"""The repository base on real PostgreSQL and SQLite: keyset pages, unique clashes, insert once.

A small menu stands in for a service's aggregate: dishes of a restaurant, unique by
name within it and by code everywhere, listed newest first or by course and name.
Every test works on a restaurant of its own, so the tests share one database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Mapped, mapped_column

from pos_kit.db import Database, service_metadata
from pos_kit.dbtypes import UTCDateTime
from pos_kit.errors import Conflict
from pos_kit.pagination import Keyset, Page, PageRequest, Slice
from pos_kit.repository import Repository, is_unique_violation, rowcount


class Base(DeclarativeBase):
    metadata = service_metadata()


class DishRow(Base):
    __tablename__ = "dishes"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name", name="uq_dishes_tenant_name"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    name: Mapped[str] = mapped_column(sa.String(100))
    course: Mapped[int] = mapped_column(sa.Integer)
    code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DishNameTaken(Conflict):
    pass


class Dishes(Repository):
    """As a service writes its repository on the base."""

    async def add(self, dish: DishRow) -> None:
        async with self.unique(lambda: DishNameTaken(f"{dish.name} is on the menu"), marker="name"):
            self.session.add(dish)

    async def page(
        self,
        *,
        tenant_id: uuid.UUID,
        page: PageRequest,
        key: Sequence[InstrumentedAttribute[Any]],
        descending: bool = False,
    ) -> Slice[DishRow]:
        query = sa.select(DishRow).where(DishRow.tenant_id == tenant_id)
        return await self.keyset_page(query, key=key, page=page, descending=descending)

    async def count(self, tenant_id: uuid.UUID) -> int:
        query = sa.select(sa.func.count()).where(DishRow.tenant_id == tenant_id)
        return int(await self.session.scalar(query) or 0)


NEWEST_FIRST = Keyset(datetime, uuid.UUID)
BY_COURSE = Keyset(int, uuid.UUID)
BY_COURSE_AND_NAME = Keyset(int, str, uuid.UUID)

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Ties on purpose: three dishes added in the same instant, two mains, two desserts.
MENU = [
    ("Bruschetta", 1, NOON),
    ("Caprese", 1, NOON),
    ("Minestrone", 1, NOON),
    ("Carbonara", 2, NOON + timedelta(minutes=1)),
    ("Risotto", 2, NOON + timedelta(minutes=1, microseconds=7)),
    ("Gelato", 3, NOON + timedelta(minutes=2)),
    ("Tiramisu", 3, NOON + timedelta(minutes=2)),
]


@pytest.fixture(scope="module")
async def db(backend_url: str) -> AsyncIterator[Database]:
    database = Database(backend_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield database
    await database.dispose()


@asynccontextmanager
async def dishes_in(db: Database) -> AsyncIterator[Dishes]:
    """The repository inside a unit of work of its own, committed at the end of the block."""
    async with db.unit_of_work() as uow:
        yield Dishes(uow.session)


async def dish_count(db: Database, tenant: uuid.UUID) -> int:
    async with dishes_in(db) as dishes:
        return await dishes.count(tenant)


async def a_menu(db: Database) -> tuple[uuid.UUID, list[DishRow]]:
    """A restaurant with MENU, beside another restaurant's dishes that must never show."""
    tenant, stranger = uuid.uuid4(), uuid.uuid4()
    dishes = [
        DishRow(tenant_id=tenant, name=name, course=course, created_at=at)
        for name, course, at in MENU
    ]
    async with db.unit_of_work() as uow:
        uow.session.add_all(dishes)
        uow.session.add_all(
            DishRow(tenant_id=stranger, name=name, course=course, created_at=at)
            for name, course, at in MENU
        )
    return tenant, dishes


async def walk(
    db: Database,
    tenant: uuid.UUID,
    keyset: Keyset,
    key: Sequence[InstrumentedAttribute[Any]],
    *,
    limit: int,
    descending: bool = False,
) -> list[list[str]]:
    """Read a list page by page as a client does, following next_cursor to the end."""
    pages: list[list[str]] = []  # the names on each page
    cursor: str | None = None
    while True:
        async with dishes_in(db) as dishes:
            found = await dishes.page(
                tenant_id=tenant,
                page=PageRequest(limit=limit, after=keyset.decode(cursor)),
                key=key,
                descending=descending,
            )
        page = Page[str].build(found, keyset, lambda dish: dish.name)
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def names(dishes: list[DishRow]) -> list[str]:
    return [dish.name for dish in dishes]


def every_row(pages: list[list[str]]) -> list[str]:
    return [name for page in pages for name in page]


async def test_newest_first_breaks_ties_on_the_time_by_id(db: Database) -> None:
    tenant, dishes = await a_menu(db)
    expected = names(sorted(dishes, key=lambda d: (d.created_at, d.id), reverse=True))

    pages = await walk(
        db, tenant, NEWEST_FIRST, [DishRow.created_at, DishRow.id], limit=2, descending=True
    )

    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert every_row(pages) == expected


async def test_ascending_pages_return_every_row_exactly_once(db: Database) -> None:
    tenant, dishes = await a_menu(db)
    expected = names(sorted(dishes, key=lambda d: (d.course, d.id)))

    for limit in (1, 2, 3, 100):
        pages = await walk(db, tenant, BY_COURSE, [DishRow.course, DishRow.id], limit=limit)
        assert every_row(pages) == expected, f"limit {limit}"


async def test_a_three_part_key_with_text(db: Database) -> None:
    tenant, dishes = await a_menu(db)
    expected = names(sorted(dishes, key=lambda d: (d.course, d.name, d.id)))

    pages = await walk(
        db, tenant, BY_COURSE_AND_NAME, [DishRow.course, DishRow.name, DishRow.id], limit=3
    )

    assert every_row(pages) == expected


async def test_a_last_page_that_is_full_says_there_is_no_more(db: Database) -> None:
    tenant, _ = await a_menu(db)
    async with dishes_in(db) as dishes:
        first = await dishes.page(
            tenant_id=tenant, page=PageRequest(limit=len(MENU)), key=[DishRow.course, DishRow.id]
        )
        empty = await dishes.page(
            tenant_id=uuid.uuid4(), page=PageRequest(limit=5), key=[DishRow.course, DishRow.id]
        )

    assert len(first.items) == len(MENU)
    assert first.next_after is None
    assert empty == Slice([])


async def test_a_unique_clash_raises_the_services_error_and_the_work_goes_on(
    db: Database,
) -> None:
    tenant = uuid.uuid4()
    async with dishes_in(db) as dishes:
        await dishes.add(DishRow(tenant_id=tenant, name="Gelato", course=3, created_at=NOON))
        with pytest.raises(DishNameTaken, match="Gelato is on the menu"):
            await dishes.add(DishRow(tenant_id=tenant, name="Gelato", course=3, created_at=NOON))
        # The clash was confined to its savepoint: the transaction still takes writes.
        await dishes.add(DishRow(tenant_id=tenant, name="Sorbetto", course=3, created_at=NOON))

    async with db.unit_of_work() as uow:
        stored = await uow.session.scalars(
            sa.select(DishRow.name).where(DishRow.tenant_id == tenant).order_by(DishRow.name)
        )
        assert list(stored) == ["Gelato", "Sorbetto"]


async def test_a_clash_on_another_key_or_another_failure_is_not_the_services_error(
    db: Database,
) -> None:
    tenant = uuid.uuid4()
    code = f"D-{uuid.uuid4().hex[:8]}"
    async with dishes_in(db) as dishes:
        await dishes.add(
            DishRow(tenant_id=tenant, name="Panzanella", course=1, created_at=NOON, code=code)
        )
        # The same code under another name: a unique clash, but not on the name.
        with pytest.raises(IntegrityError) as clash:
            await dishes.add(
                DishRow(tenant_id=tenant, name="Ribollita", course=1, created_at=NOON, code=code)
            )
        assert is_unique_violation(clash.value)
        assert not is_unique_violation(clash.value, marker="name")
        assert is_unique_violation(clash.value, marker="code")
        # A NOT NULL violation is no clash at all.
        with pytest.raises(IntegrityError) as missing:
            async with dishes.unique(lambda: DishNameTaken("never")):
                await dishes.session.execute(
                    sa.insert(DishRow).values(id=uuid.uuid4(), name="Nameless")
                )
        assert not is_unique_violation(missing.value)
        await dishes.add(DishRow(tenant_id=tenant, name="Ribollita", course=1, created_at=NOON))

    assert await dish_count(db, tenant) == 2


async def test_insert_once_inserts_then_reports_the_row_was_there(db: Database) -> None:
    tenant, dish_id = uuid.uuid4(), uuid.uuid4()

    def dish() -> DishRow:
        return DishRow(id=dish_id, tenant_id=tenant, name="Focaccia", course=1, created_at=NOON)

    async with dishes_in(db) as dishes:
        assert await dishes.insert_once(dish()) is True
    async with dishes_in(db) as dishes:
        assert await dishes.insert_once(dish()) is False
        statement = dishes.insert(DishRow).values(
            id=uuid.uuid4(), tenant_id=tenant, name="Focaccia", course=1, created_at=NOON
        )
        assert await dishes.insert_once(statement) is False
        assert await dishes.insert_once(statement.values(name="Grissini")) is True
        with pytest.raises(IntegrityError):
            await dishes.insert_once(sa.insert(DishRow).values(id=uuid.uuid4(), name="Nameless"))

    assert await dish_count(db, tenant) == 2


async def test_the_dialects_insert_can_skip_a_conflict(db: Database) -> None:
    tenant = uuid.uuid4()
    values = {"id": uuid.uuid4(), "tenant_id": tenant, "name": "Burrata", "course": 1}
    async with dishes_in(db) as dishes:
        assert dishes.dialect == db.engine.dialect.name
        skip = dishes.insert(DishRow).values(**values, created_at=NOON).on_conflict_do_nothing()
        assert rowcount(await dishes.session.execute(skip)) == 1
        assert rowcount(await dishes.session.execute(skip)) == 0


async def test_a_unit_of_work_that_fails_after_a_savepoint_keeps_nothing(db: Database) -> None:
    # The savepoint is the transaction's first statement here; SQLite's driver must not
    # let releasing it commit what the failed unit of work wrote.
    tenant = uuid.uuid4()

    async def add_starters_then_fail() -> None:
        async with dishes_in(db) as dishes:
            await dishes.add(DishRow(tenant_id=tenant, name="Arancini", course=1, created_at=NOON))
            assert await dishes.insert_once(
                DishRow(tenant_id=tenant, name="Olive", course=1, created_at=NOON)
            )
            raise RuntimeError("the kitchen closed")

    with pytest.raises(RuntimeError, match="the kitchen closed"):
        await add_starters_then_fail()

    assert await dish_count(db, tenant) == 0


async def test_insert_once_by_values_is_one_statement_that_skips_a_taken_key(
    db: Database,
) -> None:
    dish_id = uuid.uuid4()
    async with dishes_in(db) as dishes:
        values = {
            "id": dish_id,
            "tenant_id": uuid.uuid4(),
            "name": "Focaccia",
            "course": 1,
            "created_at": datetime.now(UTC),
        }
        assert await dishes.insert_once(DishRow, values) is True
        assert await dishes.insert_once(DishRow, values) is False  # the transaction goes on
        assert await dishes.insert_once(DishRow.__table__, values) is False
    async with db.unit_of_work() as uow:
        assert await uow.session.get(DishRow, dish_id) is not None


async def test_the_write_lock_is_taken_on_sqlite_and_nothing_changes(db: Database) -> None:
    async with db.unit_of_work() as uow:
        dishes = Dishes(uow.session)
        await dishes.take_write_lock(DishRow)
        assert uow.in_transaction == (uow.dialect == "sqlite")
