"""The members of staff, each linked to at most one auth login of their restaurant."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values
from pos_restaurant.adapters.tables import StaffRow
from pos_restaurant.domain.staff import Login, StaffMember

# What an edit or a deactivation never changes. The login columns are written once, by
# `add`: a member has no attributes of their names, so `save` leaves them alone.
_SET_AT_HIRING = ("id", "tenant_id", "created_at")


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
            .values(**column_values(member, StaffRow, exclude=_SET_AT_HIRING))
        )


def _row(member: StaffMember) -> StaffRow:
    login = member.login
    return StaffRow(
        **column_values(
            member,
            StaffRow,
            auth_user_id=login.user_id if login else None,
            login_email=login.email if login else None,
        )
    )


def _staff(row: StaffRow) -> StaffMember:
    login = (
        Login(user_id=row.auth_user_id, email=row.login_email or "")
        if row.auth_user_id is not None
        else None
    )
    return build(StaffMember, row, login=login)
