"""Client-credentials tokens for service-to-service calls."""

from __future__ import annotations

import jwt
import pytest

pytestmark = pytest.mark.integration


async def test_a_service_client_gets_a_scoped_token(client, auth_app) -> None:
    services = auth_app.state.auth_services
    async with auth_app.state.database.unit_of_work() as session:
        await services.service_accounts.register(
            session, client_id="restaurant", secret="s3cret-for-tests", scopes=["users:write"]
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
