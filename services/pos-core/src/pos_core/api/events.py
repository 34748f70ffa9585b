"""The events pos-core reads: each restaurant's profile, which its receipts print."""

from __future__ import annotations

from pos_core.adapters.restaurant import ProfileIn
from pos_core.api.dependencies import CoreUseCases
from pos_core.domain import events
from pos_kit.events import Event, Handler, parse_data, subject_for, tenant_of
from pos_kit.uow import UnitOfWork

SUBJECTS = [subject_for(events.RESTAURANT_PROFILE_CHANGED)]


def event_handler(use_cases: CoreUseCases) -> Handler:
    """The consumer's handler: a profile newer than pos-core's copy replaces it."""

    async def profile_changed(uow: UnitOfWork, event: Event) -> None:
        profile = parse_data(event, ProfileIn).to_domain()
        await use_cases.restaurant_profiles.record(uow, tenant_id=tenant_of(event), profile=profile)

    return profile_changed
