"""Bad input gets a clear 4xx problem+json, writes nothing, and the service keeps serving."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from pos_kit.db import async_url
from pos_kit.testing.http import PROBLEM, expect_problem

TABLES = ("floors", "dining_tables", "table_seatings", "staff_members", "outbox")


async def _counts(database_url: str) -> dict[str, int]:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as conn:
            return {
                t: int((await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar_one())
                for t in TABLES
            }
    finally:
        await engine.dispose()


async def test_malformed_json_is_400_and_wrong_types_422_naming_fields(
    client, restaurant, database_url
) -> None:
    before = await _counts(database_url)
    malformed = await client.post(
        "/api/v1/floors",
        content=b'{"name": "Terrace", ',
        headers={"content-type": "application/json", **restaurant.headers()},
    )
    assert expect_problem(malformed, 400)["correlation_id"]

    wrong = await client.post(
        "/api/v1/tables",
        json={"floor_id": 5, "name": ["T1"], "seats": "many", "shape": None},
        headers=restaurant.headers(),
    )
    assert wrong.status_code == 422
    fields = {e["field"] for e in wrong.json()["errors"]}
    assert {"body.floor_id", "body.name", "body.seats", "body.shape"} <= fields

    for body in (b"[", b"null", b'"floor"', b'{"name": {}}'):
        response = await client.post(
            "/api/v1/floors",
            content=body,
            headers={"content-type": "application/json", **restaurant.headers()},
        )
        assert 400 <= response.status_code < 500, body
        assert response.headers["content-type"] == PROBLEM
    too_big = await client.post(
        "/api/v1/floors",
        content=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json", **restaurant.headers()},
    )
    assert too_big.status_code == 413
    assert await _counts(database_url) == before
    await restaurant.floor()  # still serving


async def test_missing_forged_or_service_tokens_get_401_or_403(client, restaurant, tokens) -> None:
    assert (await client.get("/api/v1/tables")).status_code == 401
    forged = await client.get("/api/v1/tables", headers={"Authorization": "Bearer not.a.jwt"})
    expect_problem(forged, 401)
    service = tokens.service("pos-core", ["tables:read"])
    as_service = await client.get("/api/v1/tables", headers={"Authorization": f"Bearer {service}"})
    assert as_service.status_code == 403


async def test_health_readiness_and_metrics(client) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok"}
    assert "pos_events_consumed_total" in (await client.get("/metrics")).text
