"""Client-credentials tokens for service-to-service calls."""

from __future__ import annotations

import jwt

from pos_kit.testing.tokens import bearer

# The restaurant service's account, as the tests that manage logins with it register it.
RESTAURANT = {"client_id": "restaurant-svc", "secret": "svc-secret-123", "scopes": ["users:write"]}


async def test_a_service_client_gets_a_scoped_token(service_clients) -> None:
    await service_clients.register("restaurant", "s3cret-for-tests", ["users:write"])
    response = await service_clients.ask_token("restaurant", "s3cret-for-tests")
    assert response.status_code == 200
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "service:restaurant"
    assert claims["scope"] == "users:write"
    assert "tenant_id" not in claims

    wrong = await service_clients.ask_token("restaurant", "nope")
    assert wrong.status_code == 401
    greedy = await service_clients.ask_token(
        "restaurant", "s3cret-for-tests", scope="users:write payments:refund"
    )
    assert greedy.status_code == 403


async def test_a_tenant_bound_service_token_manages_that_restaurants_logins(
    client, staff, service_clients
) -> None:
    owner = await staff.sign_up()
    other = await staff.sign_up()
    token = await service_clients.token(**RESTAURANT, tenant_id=owner["tenant_id"])
    service = bearer(token)

    created = await staff.create_login(service, "kitchen", password="kitchen password")
    assert created.status_code == 201, created.text
    assert created.json()["tenant_id"] == owner["tenant_id"]
    listed = await client.get("/api/v1/auth/users", headers=staff.headers(owner))
    assert created.json()["id"] in [u["id"] for u in listed.json()["items"]]

    as_owner = await staff.create_login(service, "owner", password="owner password")
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


async def test_a_service_token_without_a_tenant_cannot_manage_logins(
    staff, service_clients
) -> None:
    token = await service_clients.token(**RESTAURANT)
    response = await staff.create_login(bearer(token), "waiter", password="waiter password")
    assert response.status_code == 403


async def test_a_token_for_an_unknown_tenant_is_refused(service_clients) -> None:
    await service_clients.register(**RESTAURANT)
    response = await service_clients.ask_token(
        RESTAURANT["client_id"],
        RESTAURANT["secret"],
        tenant_id="00000000-0000-0000-0000-000000000009",
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
