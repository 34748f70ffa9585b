"""Client-credentials tokens for service-to-service calls."""

from __future__ import annotations

import jwt

from pos_kit.testing.tokens import bearer


async def test_a_service_client_gets_a_scoped_token(client, app) -> None:
    async with app.state.database.unit_of_work() as uow:
        await app.state.use_cases.service_accounts.register(
            uow, client_id="restaurant", secret="s3cret-for-tests", scopes=["users:write"]
        )
    response = await client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "restaurant",
            "client_secret": "s3cret-for-tests",
        },
    )
    assert response.status_code == 200
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "service:restaurant"
    assert claims["scope"] == "users:write"
    assert "tenant_id" not in claims

    wrong = await client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "restaurant",
            "client_secret": "nope",
        },
    )
    assert wrong.status_code == 401
    greedy = await client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "restaurant",
            "client_secret": "s3cret-for-tests",
            "scope": "users:write payments:refund",
        },
    )
    assert greedy.status_code == 403


async def _service_token(client, app, **extra) -> str:
    async with app.state.database.unit_of_work() as uow:
        await app.state.use_cases.service_accounts.register(
            uow, client_id="restaurant-svc", secret="svc-secret-123", scopes=["users:write"]
        )
    response = await client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "restaurant-svc",
            "client_secret": "svc-secret-123",
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def test_a_tenant_bound_service_token_manages_that_restaurants_logins(
    client, app, staff
) -> None:
    owner = await staff.sign_up()
    other = await staff.sign_up()
    token = await _service_token(client, app, tenant_id=owner["tenant_id"])
    service = bearer(token)

    created = await client.post(
        "/api/v1/auth/users",
        json={
            "email": staff.email("cook"),
            "full_name": "Cody Cook",
            "role": "kitchen",
            "password": "kitchen password",
        },
        headers=service,
    )
    assert created.status_code == 201, created.text
    assert created.json()["tenant_id"] == owner["tenant_id"]
    listed = await client.get("/api/v1/auth/users", headers=staff.headers(owner))
    assert created.json()["id"] in [u["id"] for u in listed.json()["items"]]

    as_owner = await client.post(
        "/api/v1/auth/users",
        json={
            "email": staff.email("boss"),
            "full_name": "Not Allowed",
            "role": "owner",
            "password": "owner password",
        },
        headers=service,
    )
    assert as_owner.status_code == 403

    other_tenants_owner = await client.post(
        f"/api/v1/auth/users/{other['user']['id']}/deactivate", headers=service
    )
    assert other_tenants_owner.status_code == 404

    gone = await client.post(
        f"/api/v1/auth/users/{created.json()['id']}/deactivate", headers=service
    )
    assert gone.status_code == 200
    assert gone.json()["is_active"] is False


async def test_a_service_token_without_a_tenant_cannot_manage_logins(client, app, staff) -> None:
    token = await _service_token(client, app)
    response = await client.post(
        "/api/v1/auth/users",
        json={
            "email": staff.email("x"),
            "full_name": "X",
            "role": "waiter",
            "password": "waiter password",
        },
        headers=bearer(token),
    )
    assert response.status_code == 403


async def test_a_token_for_an_unknown_tenant_is_refused(client, app) -> None:
    async with app.state.database.unit_of_work() as uow:
        await app.state.use_cases.service_accounts.register(
            uow, client_id="restaurant-svc", secret="svc-secret-123", scopes=["users:write"]
        )
    response = await client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "restaurant-svc",
            "client_secret": "svc-secret-123",
            "tenant_id": "00000000-0000-0000-0000-000000000009",
        },
    )
    assert response.status_code == 404


async def test_service_accounts_named_in_the_settings_are_registered_at_start(kit) -> None:
    bootstrap = [{"client_id": "compose-restaurant", "secret": "from-the-env-1", "scopes": ["a"]}]
    async with kit.other_client(bootstrap_clients=bootstrap) as client:
        response = await client.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": "compose-restaurant",
                "client_secret": "from-the-env-1",
            },
        )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "a"
