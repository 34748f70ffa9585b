"""Bad input gets a clear 4xx problem+json and writes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from pos_kit.db import async_url

PROBLEM = "application/problem+json"


async def _count(database_url: str, table: str) -> int:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())
    finally:
        await engine.dispose()


async def test_malformed_json_is_400(client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        content=b'{"email": "a@b.test", "password": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["correlation_id"]


async def test_wrong_types_are_422_naming_the_field(client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"restaurant_name": 42, "email": "not-an-email", "password": 1, "full_name": []},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.email", "body.password", "body.full_name"} <= fields


async def test_a_ten_megabyte_body_is_413(client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        content=b"{" + b" " * (10 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM


async def test_a_duplicate_email_is_409_and_leaves_no_second_tenant(
    client, staff, database_url
) -> None:
    owner = await staff.sign_up()
    tenants_before = await _count(database_url, "tenants")
    outbox_before = await _count(database_url, "outbox")
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "restaurant_name": "Copycat",
            "email": owner["user"]["email"].upper(),
            "password": "another long password",
            "full_name": "Copy Cat",
        },
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert await _count(database_url, "tenants") == tenants_before
    assert await _count(database_url, "outbox") == outbox_before


async def test_the_service_keeps_serving_after_bad_input(client, staff) -> None:
    for body in (b"[", b"null", b'{"email": {}}'):
        await client.post(
            "/api/v1/auth/login", content=body, headers={"content-type": "application/json"}
        )
    await staff.sign_up()
