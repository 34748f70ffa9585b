"""restaurant's app: its use cases and auth client, handed to the kernel with its routes."""

from __future__ import annotations

from fastapi import FastAPI

from pos_kit.http import ClientPolicy, ResilientClient
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier
from pos_restaurant.adapters.auth_logins import AuthLogins
from pos_restaurant.adapters.tables import inbox, outbox
from pos_restaurant.api import events, floor_plan, profile, staff
from pos_restaurant.api.dependencies import RestaurantUseCases
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.use_cases.floor_plan import FloorPlan
from pos_restaurant.use_cases.profile import ProfileDefaults, Profiles
from pos_restaurant.use_cases.seating import Seating
from pos_restaurant.use_cases.staff import StaffRoster


def create_app(
    settings: RestaurantSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier` defaults to auth's JWKS at `settings.jwks_url`; tests pass their own."""
    settings = settings or RestaurantSettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    budget = settings.auth_timeout_seconds
    logins = AuthLogins(
        ResilientClient(
            "auth",
            settings.auth_url,
            policy=ClientPolicy(total_timeout=budget, attempt_timeout=min(budget, 2.0)),
        ),
        client_id=settings.auth_client_id,
        client_secret=settings.auth_client_secret.get_secret_value(),
        refresh_margin_seconds=settings.auth_token_refresh_margin_seconds,
    )
    kernel.on_shutdown(logins.aclose)
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
        staff=StaffRoster(logins=logins),
    )
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    return kernel.create_app(
        title="POS restaurant",
        routers=[profile.router, floor_plan.router, staff.router],
        use_cases=use_cases,
    )
