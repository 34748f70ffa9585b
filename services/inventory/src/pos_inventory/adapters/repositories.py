"""All of inventory's SQL. Every query filters on the tenant, except the expiry sweep's search."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pos_inventory.adapters.tables import (
    CategoryRow,
    ProductRow,
    ReservationLineRow,
    ReservationRow,
    StockAdjustmentRow,
    StockLevelRow,
)
from pos_inventory.domain.menu import Category, ModifierGroup, ModifierOption, Product
from pos_inventory.domain.reservations import Reservation, ReservationLine, ReservationStatus
from pos_inventory.domain.stock import Adjustment, AdjustmentReason, StockLevel


class DuplicateName(Exception):
    pass


class DuplicateSku(Exception):
    pass


class DuplicateOrder(Exception):
    """Another reservation for this order was committed first."""


@asynccontextmanager
async def _unique(
    session: AsyncSession, error: type[Exception], marker: str
) -> AsyncIterator[None]:
    """Run a write in a savepoint; a unique violation naming `marker` becomes `error`.

    The savepoint leaves the rest of the transaction usable after the violation.
    """
    try:
        async with session.begin_nested():
            yield
            await session.flush()
    except IntegrityError as exc:
        if marker in str(exc.orig).lower():
            raise error(str(exc.orig)) from exc
        raise


async def take_write_lock(session: AsyncSession) -> None:
    """SQLite: take the database's one write lock now, before this transaction reads.

    The driver begins a transaction only at the first write, so a read-then-write
    would otherwise decide on a snapshot another writer may have changed. PostgreSQL
    locks the rows it reads instead (SELECT ... FOR UPDATE).
    """
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text("UPDATE stock_levels SET reserved = reserved WHERE 1 = 0"))


# --- categories -----------------------------------------------------------------------------


def _category(row: CategoryRow) -> Category:
    return Category(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        description=row.description,
        position=row.position,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class CategoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, category: Category) -> None:
        async with _unique(self.session, DuplicateName, "name"):
            self.session.add(
                CategoryRow(
                    id=category.id,
                    tenant_id=category.tenant_id,
                    name=category.name,
                    description=category.description,
                    position=category.position,
                    created_at=category.created_at,
                    updated_at=category.updated_at,
                )
            )

    async def get(self, *, tenant_id: uuid.UUID, category_id: uuid.UUID) -> Category | None:
        row = await self.session.scalar(
            select(CategoryRow).where(
                CategoryRow.tenant_id == tenant_id, CategoryRow.id == category_id
            )
        )
        return _category(row) if row else None

    async def name_taken(
        self, *, tenant_id: uuid.UUID, name: str, other_than: uuid.UUID | None = None
    ) -> bool:
        query = select(CategoryRow.id).where(
            CategoryRow.tenant_id == tenant_id, func.lower(CategoryRow.name) == name.lower()
        )
        if other_than is not None:
            query = query.where(CategoryRow.id != other_than)
        return (await self.session.scalar(query.limit(1))) is not None

    async def list_page(
        self, *, tenant_id: uuid.UUID, limit: int, after: tuple[int, str, uuid.UUID] | None
    ) -> list[Category]:
        query = select(CategoryRow).where(CategoryRow.tenant_id == tenant_id)
        if after is not None:
            query = query.where(
                tuple_(CategoryRow.position, CategoryRow.name, CategoryRow.id) > tuple_(*after)
            )
        rows = await self.session.scalars(
            query.order_by(CategoryRow.position, CategoryRow.name, CategoryRow.id).limit(limit)
        )
        return [_category(r) for r in rows]

    async def save(self, category: Category) -> None:
        async with _unique(self.session, DuplicateName, "name"):
            await self.session.execute(
                update(CategoryRow)
                .where(CategoryRow.tenant_id == category.tenant_id, CategoryRow.id == category.id)
                .values(
                    name=category.name,
                    description=category.description,
                    position=category.position,
                    updated_at=category.updated_at,
                )
                .execution_options(synchronize_session=False)
            )

    async def delete(self, category: Category) -> None:
        row = await self.session.get(CategoryRow, category.id)
        if row is not None and row.tenant_id == category.tenant_id:
            await self.session.delete(row)
            await self.session.flush()


# --- products -------------------------------------------------------------------------------


def _groups_document(groups: Sequence[ModifierGroup]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(g.id),
            "name": g.name,
            "min_choices": g.min_choices,
            "max_choices": g.max_choices,
            "options": [
                {"id": str(o.id), "name": o.name, "price_delta": o.price_delta} for o in g.options
            ],
        }
        for g in groups
    ]


def _groups(document: Iterable[dict[str, Any]]) -> tuple[ModifierGroup, ...]:
    return tuple(
        ModifierGroup(
            id=uuid.UUID(g["id"]),
            name=g["name"],
            min_choices=g["min_choices"],
            max_choices=g["max_choices"],
            options=tuple(
                ModifierOption(id=uuid.UUID(o["id"]), name=o["name"], price_delta=o["price_delta"])
                for o in g["options"]
            ),
        )
        for g in document
    )


def _product(row: ProductRow) -> Product:
    return Product(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        description=row.description,
        price=row.price,
        currency=row.currency,
        category_id=row.category_id,
        sku=row.sku,
        tax_rate_bps=row.tax_rate_bps,
        tags=tuple(row.tags),
        allergens=tuple(row.allergens),
        available=row.available,
        track_stock=row.track_stock,
        modifier_groups=_groups(row.modifier_groups),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _product_values(product: Product) -> dict[str, Any]:
    return {
        "name": product.name,
        "description": product.description,
        "price": product.price,
        "currency": product.currency,
        "category_id": product.category_id,
        "sku": product.sku,
        "tax_rate_bps": product.tax_rate_bps,
        "tags": list(product.tags),
        "allergens": list(product.allergens),
        "available": product.available,
        "track_stock": product.track_stock,
        "modifier_groups": _groups_document(product.modifier_groups),
        "version": product.version,
        "updated_at": product.updated_at,
    }


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _live(self, tenant_id: uuid.UUID) -> Select[ProductRow]:
        return select(ProductRow).where(
            ProductRow.tenant_id == tenant_id, ProductRow.deleted_at.is_(None)
        )

    async def add(self, product: Product) -> None:
        async with _unique(self.session, DuplicateSku, "sku"):
            self.session.add(
                ProductRow(
                    id=product.id,
                    tenant_id=product.tenant_id,
                    created_at=product.created_at,
                    **_product_values(product),
                )
            )

    async def get(self, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product | None:
        row = await self.session.scalar(self._live(tenant_id).where(ProductRow.id == product_id))
        return _product(row) if row else None

    async def get_many(
        self, *, tenant_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Product]:
        rows = await self.session.scalars(
            self._live(tenant_id).where(ProductRow.id.in_(list(product_ids)))
        )
        return {r.id: _product(r) for r in rows}

    async def sku_taken(
        self, *, tenant_id: uuid.UUID, sku: str, other_than: uuid.UUID | None = None
    ) -> bool:
        query = (
            select(ProductRow.id)
            .where(ProductRow.tenant_id == tenant_id, ProductRow.deleted_at.is_(None))
            .where(ProductRow.sku == sku)
        )
        if other_than is not None:
            query = query.where(ProductRow.id != other_than)
        return (await self.session.scalar(query.limit(1))) is not None

    async def count_in_category(self, *, tenant_id: uuid.UUID, category_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count(ProductRow.id)).where(
                ProductRow.tenant_id == tenant_id,
                ProductRow.category_id == category_id,
                ProductRow.deleted_at.is_(None),
            )
        )
        return int(count or 0)

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        limit: int,
        after: tuple[str, uuid.UUID] | None,
        category_id: uuid.UUID | None = None,
        available: bool | None = None,
    ) -> list[Product]:
        query = self._live(tenant_id)
        if category_id is not None:
            query = query.where(ProductRow.category_id == category_id)
        if available is not None:
            query = query.where(ProductRow.available.is_(available))
        if after is not None:
            query = query.where(tuple_(ProductRow.name, ProductRow.id) > tuple_(*after))
        rows = await self.session.scalars(
            query.order_by(ProductRow.name, ProductRow.id).limit(limit)
        )
        return [_product(r) for r in rows]

    async def save(self, product: Product) -> None:
        async with _unique(self.session, DuplicateSku, "sku"):
            await self.session.execute(
                update(ProductRow)
                .where(
                    ProductRow.tenant_id == product.tenant_id,
                    ProductRow.id == product.id,
                    ProductRow.deleted_at.is_(None),
                )
                .values(**_product_values(product))
                .execution_options(synchronize_session=False)
            )

    async def delete(self, product: Product, now: datetime) -> None:
        """Soft: reservations and the audit trail keep naming the item."""
        await self.session.execute(
            update(ProductRow)
            .where(ProductRow.tenant_id == product.tenant_id, ProductRow.id == product.id)
            .values(deleted_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )


# --- stock ----------------------------------------------------------------------------------


def _level(row: StockLevelRow) -> StockLevel:
    return StockLevel(
        tenant_id=row.tenant_id,
        product_id=row.product_id,
        on_hand=row.on_hand,
        reserved=row.reserved,
        low_stock_threshold=row.low_stock_threshold,
        updated_at=row.updated_at,
    )


class StockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, level: StockLevel) -> None:
        self.session.add(
            StockLevelRow(
                tenant_id=level.tenant_id,
                product_id=level.product_id,
                on_hand=level.on_hand,
                reserved=level.reserved,
                low_stock_threshold=level.low_stock_threshold,
                updated_at=level.updated_at,
            )
        )
        await self.session.flush()

    async def get(self, *, tenant_id: uuid.UUID, product_id: uuid.UUID) -> StockLevel | None:
        row = await self.session.scalar(
            select(StockLevelRow).where(
                StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id == product_id
            )
        )
        return _level(row) if row else None

    async def lock(
        self, *, tenant_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, StockLevel]:
        """Read and lock stock rows for a change, always in product id order.

        Every transaction that changes several stock rows takes their locks in the same
        order, so two of them can never wait on each other (no deadlock).
        """
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        await take_write_lock(self.session)
        rows = await self.session.scalars(
            select(StockLevelRow)
            .where(StockLevelRow.tenant_id == tenant_id, StockLevelRow.product_id.in_(ids))
            .order_by(StockLevelRow.product_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {r.product_id: _level(r) for r in rows}

    async def save(self, level: StockLevel) -> None:
        await self.session.execute(
            update(StockLevelRow)
            .where(
                StockLevelRow.tenant_id == level.tenant_id,
                StockLevelRow.product_id == level.product_id,
            )
            .values(
                on_hand=level.on_hand,
                reserved=level.reserved,
                low_stock_threshold=level.low_stock_threshold,
                updated_at=level.updated_at,
            )
            .execution_options(synchronize_session=False)
        )


def _adjustment(row: StockAdjustmentRow) -> Adjustment:
    return Adjustment(
        id=row.id,
        tenant_id=row.tenant_id,
        product_id=row.product_id,
        delta=row.delta,
        reason=AdjustmentReason(row.reason),
        note=row.note,
        on_hand_after=row.on_hand_after,
        created_at=row.created_at,
        created_by=row.created_by,
        reservation_id=row.reservation_id,
    )


class AdjustmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, adjustment: Adjustment) -> None:
        self.session.add(
            StockAdjustmentRow(
                id=adjustment.id,
                tenant_id=adjustment.tenant_id,
                product_id=adjustment.product_id,
                delta=adjustment.delta,
                reason=adjustment.reason.value,
                note=adjustment.note,
                on_hand_after=adjustment.on_hand_after,
                reservation_id=adjustment.reservation_id,
                created_by=adjustment.created_by,
                created_at=adjustment.created_at,
            )
        )
        await self.session.flush()

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        product_id: uuid.UUID,
        limit: int,
        before: tuple[datetime, uuid.UUID] | None,
    ) -> list[Adjustment]:
        """Newest first."""
        t = StockAdjustmentRow
        query = select(t).where(t.tenant_id == tenant_id, t.product_id == product_id)
        if before is not None:
            query = query.where(tuple_(t.created_at, t.id) < tuple_(*before))
        rows = await self.session.scalars(
            query.order_by(t.created_at.desc(), t.id.desc()).limit(limit)
        )
        return [_adjustment(r) for r in rows]


# --- reservations ---------------------------------------------------------------------------


class ReservationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reservation: Reservation, *, created_by: str) -> None:
        """Insert the reservation first thing: a concurrent one for the same order waits here.

        Raises DuplicateOrder when a reservation for the order exists already (or a
        concurrent request committed one while this insert waited on it).
        """
        await take_write_lock(self.session)
        async with _unique(self.session, DuplicateOrder, "order"):
            self.session.add(
                ReservationRow(
                    id=reservation.id,
                    tenant_id=reservation.tenant_id,
                    order_id=reservation.order_id,
                    status=reservation.status.value,
                    created_by=created_by,
                    created_at=reservation.created_at,
                    expires_at=reservation.expires_at,
                )
            )

    async def add_lines(self, reservation: Reservation) -> None:
        self.session.add_all(
            ReservationLineRow(
                reservation_id=reservation.id,
                product_id=line.product_id,
                tenant_id=reservation.tenant_id,
                quantity=line.quantity,
                tracked=line.tracked,
                position=i,
            )
            for i, line in enumerate(reservation.lines)
        )
        await self.session.flush()

    async def replace_hold(self, reservation: Reservation, *, created_by: str) -> None:
        """Write a fresh hold over a released or expired reservation (its row locked).

        The row stays (one per order), with the new status, times and creator; its lines
        are replaced by the new ones.
        """
        await self.session.execute(
            update(ReservationRow)
            .where(
                ReservationRow.tenant_id == reservation.tenant_id,
                ReservationRow.id == reservation.id,
            )
            .values(
                status=reservation.status.value,
                created_by=created_by,
                created_at=reservation.created_at,
                expires_at=reservation.expires_at,
                committed_at=reservation.committed_at,
                released_at=reservation.released_at,
            )
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(ReservationLineRow)
            .where(
                ReservationLineRow.tenant_id == reservation.tenant_id,
                ReservationLineRow.reservation_id == reservation.id,
            )
            # Drop the old lines from the session too: a new line may reuse a key (same product).
            .execution_options(synchronize_session="evaluate")
        )
        await self.add_lines(reservation)

    async def _load(self, row: ReservationRow) -> Reservation:
        lines = await self.session.scalars(
            select(ReservationLineRow)
            .where(
                ReservationLineRow.tenant_id == row.tenant_id,
                ReservationLineRow.reservation_id == row.id,
            )
            .order_by(ReservationLineRow.position)
        )
        return Reservation(
            id=row.id,
            tenant_id=row.tenant_id,
            order_id=row.order_id,
            status=ReservationStatus(row.status),
            lines=tuple(ReservationLine(ln.product_id, ln.quantity, ln.tracked) for ln in lines),
            created_at=row.created_at,
            expires_at=row.expires_at,
            committed_at=row.committed_at,
            released_at=row.released_at,
        )

    async def get(
        self, *, tenant_id: uuid.UUID, reservation_id: uuid.UUID, for_update: bool = False
    ) -> Reservation | None:
        if for_update:
            await take_write_lock(self.session)
        query = select(ReservationRow).where(
            ReservationRow.tenant_id == tenant_id, ReservationRow.id == reservation_id
        )
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        return await self._load(row) if row else None

    async def by_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Reservation | None:
        row = await self.session.scalar(
            select(ReservationRow)
            .where(ReservationRow.tenant_id == tenant_id, ReservationRow.order_id == order_id)
            .execution_options(populate_existing=True)
        )
        return await self._load(row) if row else None

    async def next_due(self, now: datetime) -> Reservation | None:
        """One held reservation past its expiry, locked; the sweep is the one cross-tenant query.

        SKIP LOCKED: several processes sweep side by side without waiting on each other,
        and a reservation being committed right now is left to that commit.
        """
        await take_write_lock(self.session)
        row = await self.session.scalar(
            select(ReservationRow)
            .where(
                ReservationRow.status == ReservationStatus.HELD.value,
                ReservationRow.expires_at <= now,
            )
            .order_by(ReservationRow.expires_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return await self._load(row) if row else None

    async def save_status(self, reservation: Reservation) -> None:
        await self.session.execute(
            update(ReservationRow)
            .where(
                ReservationRow.tenant_id == reservation.tenant_id,
                ReservationRow.id == reservation.id,
            )
            .values(
                status=reservation.status.value,
                committed_at=reservation.committed_at,
                released_at=reservation.released_at,
            )
            .execution_options(synchronize_session=False)
        )
