"""The demo restaurant's floor plan: a main room and a terrace with their tables."""

from __future__ import annotations

import httpx

from pos_launcher.seed_http import get_all, post_json

# (floor, [(table name, seats, shape, x, y)])
FLOOR_PLAN: list[tuple[str, list[tuple[str, int, str, int, int]]]] = [
    (
        "Main room",
        [
            ("1", 2, "round", 0, 0),
            ("2", 2, "round", 2, 0),
            ("3", 4, "square", 4, 0),
            ("4", 4, "square", 6, 0),
            ("5", 6, "rectangle", 0, 3),
            ("6", 6, "rectangle", 3, 3),
            ("7", 8, "rectangle", 6, 3),
            ("Bar 1", 1, "round", 0, 6),
        ],
    ),
    (
        "Terrace",
        [
            ("T1", 2, "round", 0, 0),
            ("T2", 2, "round", 2, 0),
            ("T3", 4, "square", 4, 0),
            ("T4", 4, "square", 6, 0),
        ],
    ),
]


async def seed_demo_floor(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    """Draw the floor plan if the demo restaurant has no floors yet. Returns tables created."""
    if await get_all(client, "/api/v1/floors", headers):
        return 0
    created = 0
    for position, (floor_name, tables) in enumerate(FLOOR_PLAN):
        floor = await post_json(
            client, "/api/v1/floors", {"name": floor_name, "sort_order": position}, headers
        )
        for name, seats, shape, x, y in tables:
            await post_json(
                client,
                "/api/v1/tables",
                {
                    "floor_id": floor["id"],
                    "name": name,
                    "seats": seats,
                    "shape": shape,
                    "x": x,
                    "y": y,
                },
                headers,
            )
            created += 1
    return created
