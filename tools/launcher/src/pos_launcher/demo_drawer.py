"""The demo restaurant's cash drawer: open at the front, with a float to give change from."""

from __future__ import annotations

import httpx

from pos_launcher.seed_http import get_all, post_json

DRAWER = "front"
OPENING_FLOAT = 20_000  # minor units: 200.00 in notes and coins


async def seed_demo_drawer(client: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    """Open the front drawer unless a session of it is open already. Returns whether it opened."""
    sessions = await get_all(client, "/api/v1/cash-drawers", headers)
    if any(s.get("drawer") == DRAWER and s.get("status") == "open" for s in sessions):
        return False
    await post_json(
        client, "/api/v1/cash-drawers", {"drawer": DRAWER, "opening_float": OPENING_FLOAT}, headers
    )
    return True
