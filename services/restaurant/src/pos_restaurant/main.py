"""restaurant's app: its use cases and auth clients, handed to the kernel with its routes."""

from __future__ import annotations

from fastapi import FastAPI

from pos_kit.http import ServiceTokens, auth_client
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier
from pos_restaurant.adapters.auth_logins import USERS_WRITE_SCOPE, AuthLogins
from pos_restaurant.adapters.guest_tokens import GUESTS_ISSUE_SCOPE, AuthGuestTokens
from pos_restaurant.adapters.tables import inbox, outbox
from pos_restaurant.api import events, floor_plan, guest_links, profile, staff
from pos_restaurant.api.dependencies import RestaurantUseCases
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.use_cases.floor_plan import FloorPlan
from pos_restaurant.use_cases.guest_links import GuestLinks
from pos_restaurant.use_cases.profile import ProfileDefaults, Profiles
from pos_restaurant.use_cases.seating import Seating
from pos_restaurant.use_cases.staff import StaffRoster


def create_app(
    settings: RestaurantSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier` defaults to auth's JWKS at `settings.jwks_url`; tests pass their own."""
    settings = settings or RestaurantSettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    auth = auth_client(settings)
    kernel.on_shutdown(auth.aclose)
    use_cases = RestaurantUseCases(
        profiles=Profiles(
            ProfileDefaults(
                currency=settings.default_currency,
                timezone=settings.default_timezone,
                default_tax_rate_bps=settings.default_tax_rate_bps,
            )
        ),
        floor_plan=FloorPlan(),
        seating=Seating(),
        # The service's own tokens, one scope each: a token carries only what its calls need.
        staff=StaffRoster(
            logins=AuthLogins(
                auth, ServiceTokens.from_settings(auth, settings, scope=USERS_WRITE_SCOPE)
            )
        ),
        guest_links=GuestLinks(
            AuthGuestTokens(
                auth, ServiceTokens.from_settings(auth, settings, scope=GUESTS_ISSUE_SCOPE)
            ),
            base_url=settings.guest_link_base_url,
        ),
    )
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    return kernel.create_app(
        title="POS restaurant",
        routers=[profile.router, floor_plan.router, staff.router, guest_links.router],
        use_cases=use_cases,
    )
