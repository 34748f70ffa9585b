"""All of restaurant's SQL. Every query filters on the tenant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from pos_restaurant.adapters.tables import (
    DiningTableRow,
    FloorRow,
    ProfileRow,
    SeatingRow,
    StaffRow,
)
from pos_restaurant.domain.floor_plan import (
    Floor,
    Placement,
    Seating,
    Table,
    TableShape,
    TableStatus,
)
from pos_restaurant.domain.profile import RestaurantProfile
from pos_restaurant.domain.staff import Login, Role, StaffMember


class DuplicateName(Exception):
    """Another floor of the restaurant, or table of the floor, already has this name."""


async def _flush_or_duplicate(session: AsyncSession, statement: Executable | None = None) -> None:
    # The caller turns this into a 409, which rolls the whole unit of work back.
    try:
        if statement is not None:
            await session.execute(statement)
        await session.flush()
    except IntegrityError as exc:
        raise DuplicateName() from exc


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: uuid.UUID) -> RestaurantProfile | None:
        row = await self.session.get(ProfileRow, tenant_id)
        return _profile(row) if row else None

    async def add(self, profile: RestaurantProfile) -> None:
        self.session.add(
            ProfileRow(
                tenant_id=profile.tenant_id,
                name=profile.name,
                address=profile.address,
                currency=profile.currency,
                timezone=profile.timezone,
                default_tax_rate_bps=profile.default_tax_rate_bps,
                receipt_footer=profile.receipt_footer,
                created_at=profile.created_at,
                updated_at=profile.updated_at,
            )
        )
        await self.session.flush()

    async def save(self, profile: RestaurantProfile) -> None:
        await self.session.execute(
            update(ProfileRow)
            .where(ProfileRow.tenant_id == profile.tenant_id)
            .values(
                name=profile.name,
                address=profile.address,
                currency=profile.currency,
                timezone=profile.timezone,
                default_tax_rate_bps=profile.default_tax_rate_bps,
                receipt_footer=profile.receipt_footer,
                updated_at=profile.updated_at,
            )
        )


def _profile(row: ProfileRow) -> RestaurantProfile:
    return RestaurantProfile(
        tenant_id=row.tenant_id,
        name=row.name,
        address=row.address,
        currency=row.currency,
        timezone=row.timezone,
        default_tax_rate_bps=row.default_tax_rate_bps,
        receipt_footer=row.receipt_footer,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class FloorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, floor: Floor) -> None:
        """Raises DuplicateName if the restaurant has a floor of that name."""
        self.session.add(
            FloorRow(
                id=floor.id,
                tenant_id=floor.tenant_id,
                name=floor.name,
                sort_order=floor.sort_order,
                created_at=floor.created_at,
                updated_at=floor.updated_at,
            )
        )
        await _flush_or_duplicate(self.session)

    async def get(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> Floor | None:
        row = await self.session.scalar(
            select(FloorRow).where(FloorRow.tenant_id == tenant_id, FloorRow.id == floor_id)
        )
        return _floor(row) if row else None

    async def list_page(
        self, *, tenant_id: uuid.UUID, limit: int, after: tuple[int, uuid.UUID] | None
    ) -> list[Floor]:
        query = select(FloorRow).where(FloorRow.tenant_id == tenant_id)
        if after is not None:
            query = query.where(tuple_(FloorRow.sort_order, FloorRow.id) > tuple_(*after))
        rows = await self.session.scalars(
            query.order_by(FloorRow.sort_order, FloorRow.id).limit(limit)
        )
        return [_floor(r) for r in rows]

    async def save(self, floor: Floor) -> None:
        """Raises DuplicateName if another floor has the new name."""
        await _flush_or_duplicate(
            self.session,
            update(FloorRow)
            .where(FloorRow.tenant_id == floor.tenant_id, FloorRow.id == floor.id)
            .values(name=floor.name, sort_order=floor.sort_order, updated_at=floor.updated_at),
        )

    async def has_tables(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> bool:
        count = await self.session.scalar(
            select(func.count(DiningTableRow.id)).where(
                DiningTableRow.tenant_id == tenant_id, DiningTableRow.floor_id == floor_id
            )
        )
        return bool(count)

    async def remove(self, *, tenant_id: uuid.UUID, floor_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(FloorRow).where(FloorRow.tenant_id == tenant_id, FloorRow.id == floor_id)
        )


def _floor(row: FloorRow) -> Floor:
    return Floor(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        sort_order=row.sort_order,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class TableRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, table: Table) -> None:
        """Raises DuplicateName if the floor has a table of that name."""
        self.session.add(
            DiningTableRow(
                id=table.id,
                tenant_id=table.tenant_id,
                floor_id=table.floor_id,
                name=table.name,
                seats=table.seats,
                shape=table.shape.value,
                x=table.placement.x,
                y=table.placement.y,
                width=table.placement.width,
                height=table.placement.height,
                status=table.status.value,
                created_at=table.created_at,
                updated_at=table.updated_at,
            )
        )
        await _flush_or_duplicate(self.session)

    async def get(
        self, *, tenant_id: uuid.UUID, table_id: uuid.UUID, for_update: bool = False
    ) -> Table | None:
        """`for_update` locks the row until the transaction ends (seating changes do)."""
        query = select(DiningTableRow).where(
            DiningTableRow.tenant_id == tenant_id, DiningTableRow.id == table_id
        )
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        if row is None:
            return None
        return (await self._with_seatings([row]))[0]

    async def holding_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the table the order is seated at, if any."""
        return await self.session.scalar(
            select(SeatingRow.table_id).where(
                SeatingRow.tenant_id == tenant_id, SeatingRow.order_id == order_id
            )
        )

    async def list_page(
        self,
        *,
        tenant_id: uuid.UUID,
        floor_id: uuid.UUID | None,
        status: TableStatus | None,
        limit: int,
        after: tuple[str, uuid.UUID] | None,
    ) -> list[Table]:
        query = select(DiningTableRow).where(DiningTableRow.tenant_id == tenant_id)
        if floor_id is not None:
            query = query.where(DiningTableRow.floor_id == floor_id)
        if status is not None:
            query = query.where(DiningTableRow.status == status.value)
        if after is not None:
            query = query.where(tuple_(DiningTableRow.name, DiningTableRow.id) > tuple_(*after))
        rows = list(
            await self.session.scalars(
                query.order_by(DiningTableRow.name, DiningTableRow.id).limit(limit)
            )
        )
        return await self._with_seatings(rows)

    async def save_layout(self, table: Table) -> None:
        """Raises DuplicateName if the (new) floor has a table of the new name."""
        await _flush_or_duplicate(
            self.session,
            update(DiningTableRow)
            .where(DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id)
            .values(
                floor_id=table.floor_id,
                name=table.name,
                seats=table.seats,
                shape=table.shape.value,
                x=table.placement.x,
                y=table.placement.y,
                width=table.placement.width,
                height=table.placement.height,
                updated_at=table.updated_at,
            ),
        )

    async def save_seating(self, table: Table) -> None:
        """Write the table's status and the orders seated at it."""
        await self.session.execute(
            update(DiningTableRow)
            .where(DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id)
            .values(status=table.status.value, updated_at=table.updated_at)
        )
        stored = {
            order_id
            for order_id in await self.session.scalars(
                select(SeatingRow.order_id).where(
                    SeatingRow.tenant_id == table.tenant_id, SeatingRow.table_id == table.id
                )
            )
        }
        wanted = {s.order_id: s for s in table.seatings}
        gone = stored - wanted.keys()
        if gone:
            await self.session.execute(
                delete(SeatingRow).where(
                    SeatingRow.tenant_id == table.tenant_id,
                    SeatingRow.table_id == table.id,
                    SeatingRow.order_id.in_(gone),
                )
            )
        for order_id in wanted.keys() - stored:
            self.session.add(
                SeatingRow(
                    tenant_id=table.tenant_id,
                    order_id=order_id,
                    table_id=table.id,
                    seated_at=wanted[order_id].seated_at,
                )
            )
        await self.session.flush()

    async def remove(self, table: Table) -> None:
        await self.session.execute(
            delete(SeatingRow).where(
                SeatingRow.tenant_id == table.tenant_id, SeatingRow.table_id == table.id
            )
        )
        await self.session.execute(
            delete(DiningTableRow).where(
                DiningTableRow.tenant_id == table.tenant_id, DiningTableRow.id == table.id
            )
        )

    async def _with_seatings(self, rows: list[DiningTableRow]) -> list[Table]:
        if not rows:
            return []
        seated: dict[uuid.UUID, list[Seating]] = {row.id: [] for row in rows}
        result = await self.session.execute(
            select(SeatingRow.table_id, SeatingRow.order_id, SeatingRow.seated_at)
            .where(SeatingRow.tenant_id == rows[0].tenant_id, SeatingRow.table_id.in_(seated))
            .order_by(SeatingRow.seated_at, SeatingRow.order_id)
        )
        for table_id, order_id, seated_at in result.all():
            seated[table_id].append(Seating(order_id=order_id, seated_at=seated_at))
        return [_table(row, seated[row.id]) for row in rows]


def _table(row: DiningTableRow, seatings: list[Seating]) -> Table:
    return Table(
        id=row.id,
        tenant_id=row.tenant_id,
        floor_id=row.floor_id,
        name=row.name,
        seats=row.seats,
        shape=TableShape(row.shape),
        placement=Placement(x=row.x, y=row.y, width=row.width, height=row.height),
        status=TableStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        seatings=seatings,
    )


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, member: StaffMember) -> None:
        self.session.add(
            StaffRow(
                id=member.id,
                tenant_id=member.tenant_id,
                full_name=member.full_name,
                role=member.role.value,
                phone=member.phone,
                email=member.email,
                is_active=member.is_active,
                auth_user_id=member.login.user_id if member.login else None,
                login_email=member.login.email if member.login else None,
                created_at=member.created_at,
                updated_at=member.updated_at,
                deactivated_at=member.deactivated_at,
            )
        )
        await self.session.flush()

    async def get(
        self, *, tenant_id: uuid.UUID, staff_id: uuid.UUID, for_update: bool = False
    ) -> StaffMember | None:
        query = select(StaffRow).where(StaffRow.tenant_id == tenant_id, StaffRow.id == staff_id)
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        return _staff(row) if row else None

    async def by_login(
        self, *, tenant_id: uuid.UUID, auth_user_id: uuid.UUID
    ) -> StaffMember | None:
        row = await self.session.scalar(
            select(StaffRow).where(
                StaffRow.tenant_id == tenant_id, StaffRow.auth_user_id == auth_user_id
            )
        )
        return _staff(row) if row else None

    async def list_page(
        self, *, tenant_id: uuid.UUID, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[StaffMember]:
        query = select(StaffRow).where(StaffRow.tenant_id == tenant_id)
        if after is not None:
            query = query.where(tuple_(StaffRow.created_at, StaffRow.id) > tuple_(*after))
        rows = await self.session.scalars(
            query.order_by(StaffRow.created_at, StaffRow.id).limit(limit)
        )
        return [_staff(r) for r in rows]

    async def save(self, member: StaffMember) -> None:
        await self.session.execute(
            update(StaffRow)
            .where(StaffRow.tenant_id == member.tenant_id, StaffRow.id == member.id)
            .values(
                full_name=member.full_name,
                role=member.role.value,
                phone=member.phone,
                email=member.email,
                is_active=member.is_active,
                updated_at=member.updated_at,
                deactivated_at=member.deactivated_at,
            )
        )


def _staff(row: StaffRow) -> StaffMember:
    login = (
        Login(user_id=row.auth_user_id, email=row.login_email or "")
        if row.auth_user_id is not None
        else None
    )
    return StaffMember(
        id=row.id,
        tenant_id=row.tenant_id,
        full_name=row.full_name,
        role=Role(row.role),
        phone=row.phone,
        email=row.email,
        is_active=row.is_active,
        login=login,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deactivated_at=row.deactivated_at,
    )
