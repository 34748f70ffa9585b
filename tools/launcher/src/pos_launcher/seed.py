"""The demo restaurant: signed up through the gateway on first start, then each service's data.

Seeding runs on every start and is idempotent: it logs in as the demo owner and signs up only
when that login answers 401. Demo data of later services goes in `seed_demo_data`.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pos_launcher.demo_drawer import DRAWER, OPENING_FLOAT, seed_demo_drawer
from pos_launcher.demo_floor import seed_demo_floor
from pos_launcher.demo_menu import seed_demo_menu
from pos_launcher.logs import emit
from pos_launcher.seed_http import SeedError, send, unexpected

__all__ = ["DemoSession", "SeedError", "ensure_demo_owner", "seed", "seed_demo_data"]

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - a published demo login, not a secret
DEMO_RESTAURANT = "Demo Bistro"
DEMO_FULL_NAME = "Demo Owner"


@dataclass(frozen=True)
class DemoSession:
    """The demo owner, logged in, and which services are running (by table name)."""

    access_token: str
    running: frozenset[str]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def _login(client: httpx.AsyncClient) -> httpx.Response:
    return await send(
        client,
        "POST",
        "/api/v1/auth/login",
        json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
    )


async def ensure_demo_owner(client: httpx.AsyncClient) -> tuple[str, bool]:
    """Log in as the demo owner, signing the demo restaurant up first if it does not exist.

    Returns the access token and whether the restaurant was created now.
    """
    created = False
    response = await _login(client)
    if response.status_code == 401:
        signup = await send(
            client,
            "POST",
            "/api/v1/auth/signup",
            json={
                "restaurant_name": DEMO_RESTAURANT,
                "email": DEMO_EMAIL,
                "password": DEMO_PASSWORD,
                "full_name": DEMO_FULL_NAME,
            },
        )
        if signup.status_code != 201:
            raise unexpected("sign-up of the demo restaurant", signup)
        created = True
        response = await _login(client)
    if response.status_code != 200:
        raise unexpected("login as the demo owner", response)
    token = response.json().get("access_token")
    if not isinstance(token, str):
        raise SeedError("login as the demo owner answered 200 without an access_token")
    return token, created


async def seed_demo_data(client: httpx.AsyncClient, demo: DemoSession) -> None:
    """Where services add the demo restaurant's data (menu, floors and tables, ...).

    `client` talks to the gateway; send `demo.headers` for the owner's token. This runs on
    every start, so each step must look before it creates (GET, then POST what is missing),
    and should run only when its service is in `demo.running`. For example:

        if "inventory" in demo.running:
            await seed_demo_menu(client, demo)
        if "restaurant" in demo.running:
            await seed_demo_floor(client, demo)
    """
    if "inventory" in demo.running:
        created = await seed_demo_menu(client, demo.headers)
        if created:
            emit("demo menu created", items=created)
    if "restaurant" in demo.running:
        tables = await seed_demo_floor(client, demo.headers)
        if tables:
            emit("demo floor plan created", tables=tables)
    if "payment" in demo.running and await seed_demo_drawer(client, demo.headers):
        emit("demo cash drawer opened", drawer=DRAWER, opening_float=OPENING_FLOAT)


async def seed(client: httpx.AsyncClient, running: frozenset[str]) -> bool:
    """Make sure the demo restaurant and its data exist. Returns whether it was created now."""
    token, created = await ensure_demo_owner(client)
    await seed_demo_data(client, DemoSession(access_token=token, running=running))
    return created
