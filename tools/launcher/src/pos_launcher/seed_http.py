"""Small HTTP helpers for seeding demo data through the gateway, with clear failures."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

_RETRYABLE = {502, 503, 504}
_ATTEMPTS = 5


class SeedError(Exception):
    """Demo data could not be created; the message has the service's answer."""


def unexpected(what: str, response: httpx.Response) -> SeedError:
    return SeedError(f"{what} answered {response.status_code}: {response.text[:500]}")


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    json: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
) -> httpx.Response:
    # The gateway may answer 502/503 for a moment while it first reaches an upstream.
    for attempt in range(_ATTEMPTS):
        response = await client.request(method, path, json=json, headers=headers, params=params)
        if response.status_code not in _RETRYABLE or attempt == _ATTEMPTS - 1:
            return response
        await asyncio.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


async def post_json(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await send(client, "POST", path, json=body, headers=headers)
    if response.status_code not in (200, 201):
        raise unexpected(f"POST {path}", response)
    result: dict[str, Any] = response.json()
    return result


async def put_json(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await send(client, "PUT", path, json=body, headers=headers)
    if response.status_code != 200:
        raise unexpected(f"PUT {path}", response)
    result: dict[str, Any] = response.json()
    return result


async def get_all(
    client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every item of a paginated list (`items` and `next_cursor`)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        response = await send(client, "GET", path, headers=headers, params=params)
        if response.status_code != 200:
            raise unexpected(f"GET {path}", response)
        page = response.json()
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items
