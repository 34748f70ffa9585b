"""The restaurant profile: opened at sign-up, read by all staff, edited by owner or manager."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.dbtypes import utcnow
from pos_kit.problems import NotFound
from pos_restaurant.adapters.repositories import ProfileRepository, StaffRepository
from pos_restaurant.domain.profile import RestaurantProfile
from pos_restaurant.domain.staff import Login, Role, StaffMember

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProfileDefaults:
    """What a new restaurant starts with until its owner says otherwise."""

    currency: str
    timezone: str
    default_tax_rate_bps: int


@dataclass(frozen=True)
class Owner:
    """The owner auth registered with the restaurant."""

    auth_user_id: uuid.UUID
    email: str
    full_name: str


class ProfileNotReady(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "This restaurant has no profile yet. It is set up a few seconds after sign-up; "
            "try again shortly."
        )


@dataclass
class Profiles:
    defaults: ProfileDefaults

    async def welcome(
        self,
        session: AsyncSession,
        *,
        tenant_id: uuid.UUID,
        restaurant_name: str,
        owner: Owner | None,
    ) -> None:
        """A restaurant signed up: open its profile and list its owner as staff.

        Each part is skipped if it exists already, so a second `tenant.registered`
        for the same restaurant changes nothing.
        """
        now = utcnow()
        profiles = ProfileRepository(session)
        if await profiles.get(tenant_id) is None:
            await profiles.add(
                RestaurantProfile.open(
                    tenant_id=tenant_id,
                    name=restaurant_name,
                    currency=self.defaults.currency,
                    timezone=self.defaults.timezone,
                    default_tax_rate_bps=self.defaults.default_tax_rate_bps,
                    now=now,
                )
            )
            log.info("restaurant_profile_opened")
        staff = StaffRepository(session)
        if owner is not None and (
            await staff.by_login(tenant_id=tenant_id, auth_user_id=owner.auth_user_id) is None
        ):
            await staff.add(
                StaffMember.hire(
                    tenant_id=tenant_id,
                    full_name=owner.full_name,
                    role=Role.OWNER,
                    phone=None,
                    email=owner.email,
                    login=Login(user_id=owner.auth_user_id, email=owner.email),
                    now=now,
                )
            )

    async def get(self, session: AsyncSession, *, tenant_id: uuid.UUID) -> RestaurantProfile:
        profile = await ProfileRepository(session).get(tenant_id)
        if profile is None:
            raise ProfileNotReady()
        return profile

    async def edit(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, changes: dict[str, Any]
    ) -> RestaurantProfile:
        """`changes` holds only the fields the caller sent; None clears an optional one."""
        profiles = ProfileRepository(session)
        profile = await profiles.get(tenant_id)
        if profile is None:
            raise ProfileNotReady()
        profile.edit(now=utcnow(), **changes)
        await profiles.save(profile)
        return profile
