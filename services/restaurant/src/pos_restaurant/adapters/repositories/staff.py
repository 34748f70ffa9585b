"""The members of staff, each linked to at most one auth login of their restaurant."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository
from pos_restaurant.adapters.tables import StaffRow
from pos_restaurant.domain.staff import Login, Role, StaffMember


class StaffRepository(Repository):
    async def add(self, member: StaffMember) -> None:
        self.session.add(_row(member))
        await self.session.flush()

    async def add_once(self, member: StaffMember) -> bool:
        """Add someone unless their login is linked to a member already (False then)."""
        return await self.insert_once(_row(member))

    async def get(
        self, *, tenant_id: uuid.UUID, staff_id: uuid.UUID, for_update: bool = False
    ) -> StaffMember | None:
        query = select(StaffRow).where(StaffRow.tenant_id == tenant_id, StaffRow.id == staff_id)
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        return _staff(row) if row else None

    async def list_page(self, *, tenant_id: uuid.UUID, page: PageRequest) -> Slice[StaffMember]:
        """In the order they were added: by `created_at`, then id."""
        rows = await self.keyset_page(
            select(StaffRow).where(StaffRow.tenant_id == tenant_id),
            key=[StaffRow.created_at, StaffRow.id],
            page=page,
        )
        return rows.map(_staff)

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


def _row(member: StaffMember) -> StaffRow:
    return StaffRow(
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
