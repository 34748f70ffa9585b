"""pos-core's app: its use cases and the clients they call, handed to the service kernel."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from pos_core.adapters.inventory import RESERVE_SCOPE, InventoryClient
from pos_core.adapters.restaurant import RestaurantClient
from pos_core.adapters.tables import inbox, outbox
from pos_core.api import events
from pos_core.api.dependencies import CoreUseCases
from pos_core.api.routes import router
from pos_core.config import CoreSettings
from pos_core.use_cases.lifecycle import OrderLifecycle
from pos_core.use_cases.orders import OrderTaking
from pos_core.use_cases.receipts import Receipts
from pos_core.use_cases.restaurant_profiles import RestaurantProfiles
from pos_core.use_cases.settlement import Settlement
from pos_core.use_cases.tables import TableCheck
from pos_kit.http import ResilientClient, ServiceTokens, auth_client
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier


def create_app(
    settings: CoreSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """The app; tests pass a `token_verifier` that trusts their own signing key."""
    settings = settings or CoreSettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    auth = auth_client(settings)
    # Stock is held, committed and released with pos-core's own tokens (one per restaurant),
    # never a person's: inventory takes that from no member of staff.
    inventory = InventoryClient(
        ResilientClient.for_downstream("inventory", settings),
        ServiceTokens.from_settings(auth, settings, scope=RESERVE_SCOPE),
    )
    restaurant = RestaurantClient.from_settings(settings)
    kernel.on_shutdown(inventory.aclose)
    kernel.on_shutdown(auth.aclose)
    kernel.on_shutdown(restaurant.aclose)
    profiles = RestaurantProfiles(restaurant=restaurant)
    use_cases = CoreUseCases(
        taking=OrderTaking(inventory=inventory, tables=TableCheck(restaurant)),
        lifecycle=OrderLifecycle(
            inventory=inventory,
            placing_lease=timedelta(seconds=settings.placing_lease_seconds),
        ),
        receipts=Receipts(profiles=profiles),
        restaurant_profiles=profiles,
        settlement=Settlement(),
    )
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    # Inventory, auth and the restaurant service are deliberately not readiness checks:
    # orders can still be read, placing answers 503 and receipts print, while they are away.
    return kernel.create_app(title="POS core", routers=[router], use_cases=use_cases)
