"""inventory's app: its use cases, event handlers and sweeper, wired onto pos-kit's kernel."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from pos_inventory.adapters.restaurant import RestaurantClient
from pos_inventory.adapters.tables import inbox, outbox
from pos_inventory.api import categories, events, products, reservations
from pos_inventory.config import InventorySettings
from pos_inventory.use_cases import InventoryUseCases
from pos_inventory.use_cases.catalogue import Categories, Products
from pos_inventory.use_cases.expiry import ReservationSweeper
from pos_inventory.use_cases.profiles import RestaurantProfiles
from pos_inventory.use_cases.reservations import Reservations
from pos_inventory.use_cases.stock import Stockroom
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier


def create_app(
    settings: InventorySettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier`: tests pass one that trusts their own keys; otherwise auth's JWKS."""
    settings = settings or InventorySettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    restaurant = RestaurantClient.from_settings(settings)
    kernel.on_shutdown(restaurant.aclose)
    profiles = RestaurantProfiles(restaurant)
    use_cases = InventoryUseCases(
        categories=Categories(),
        products=Products(profiles, default_tax_rate_bps=settings.default_tax_rate_bps),
        stock=Stockroom(),
        reservations=Reservations(ttl=timedelta(seconds=settings.reservation_ttl_seconds)),
        profiles=profiles,
    )
    # pos-core's order outcomes settle holds its direct commit/release call missed;
    # restaurant's profile changes keep the copy new menu items take their currency from.
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    kernel.run_in_background(
        ReservationSweeper(
            kernel.database,
            use_cases.reservations,
            interval=settings.reservation_sweep_interval_seconds,
        )
    )
    return kernel.create_app(
        title="POS inventory",
        routers=[categories.router, products.router, reservations.router],
        use_cases=use_cases,
    )
