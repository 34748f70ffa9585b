"""auth under test, and its test data: restaurants and staff logins made through its API.

auth trusts only the tokens it signs itself, so its tests sign up and sign in through
the API rather than using the kit's test tokens.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pos_auth.config import AuthSettings
from pos_auth.main import create_app
from pos_kit.testing.http import expect
from pos_kit.testing.kit import ServiceUnderTest
from pos_kit.testing.tokens import bearer


@pytest.fixture(scope="session")
def service() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="auth",
        settings=AuthSettings,
        # auth trusts only the tokens it signs itself.
        create_app=lambda settings, token_verifier: create_app(settings),
        # 203.0.113.10 is the in-process test client's address; trust no proxy. Every
        # test restaurant signs up from it: the per-address limit is tested on its own.
        defaults={"trusted_proxies": [], "max_signups_per_address": 100_000},
    )


class Staff:
    """Test-data factory: restaurants and their logins, made through the public API."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    @staticmethod
    def email(prefix: str = "owner") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@bistro.example"

    @staticmethod
    def headers(signed_in: dict[str, Any]) -> dict[str, str]:
        """Authorises a request as one who signed up or in (`sign_up`, `add_login`)."""
        return bearer(signed_in["access_token"])

    async def sign_up(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "restaurant_name": "Chez Test",
            "email": self.email(),
            "password": "correct horse battery",
            "full_name": "Olive Owner",
        }
        body.update(overrides)
        response = await self.client.post("/api/v1/auth/signup", json=body)
        return {**expect(response, 201), "password": body["password"]}

    def login_body(self, role: str, **overrides: Any) -> dict[str, Any]:
        """What asks for a new login with `role`; `overrides` replace its fields."""
        body = {
            "email": self.email(role),
            "full_name": f"Sam {role.title()}",
            "role": role,
            "password": "a staff password",
        }
        return body | overrides

    async def create_login(
        self, headers: dict[str, str], role: str, **overrides: Any
    ) -> httpx.Response:
        """The answer to asking, with `headers`, for a new login with `role`."""
        body = self.login_body(role, **overrides)
        return await self.client.post("/api/v1/auth/users", json=body, headers=headers)

    async def add_login(self, manager: dict[str, Any], role: str, **overrides: Any) -> Any:
        """A new login, made by `manager` and signed in."""
        body = self.login_body(role, **overrides)
        made = await self.client.post(
            "/api/v1/auth/users", json=body, headers=self.headers(manager)
        )
        expect(made, 201)
        login = await self.client.post(
            "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
        )
        return expect(login)


class ServiceClients:
    """Test-data factory: service accounts registered with auth, and the tokens they get."""

    def __init__(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        self.client = client
        self.app = app

    async def register(self, client_id: str, secret: str, scopes: list[str]) -> None:
        async with self.app.state.database.unit_of_work() as uow:
            await self.app.state.use_cases.service_accounts.register(
                uow, client_id=client_id, secret=secret, scopes=scopes
            )

    async def ask_token(self, client_id: str, secret: str, **extra: Any) -> httpx.Response:
        """The answer to a client-credentials request; `extra` joins its body."""
        return await self.client.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                **extra,
            },
        )

    async def token(self, client_id: str, secret: str, scopes: list[str], **extra: Any) -> str:
        """Registers the client with `scopes`; the access token it then asks for (`extra`)."""
        await self.register(client_id, secret, scopes)
        response = await self.ask_token(client_id, secret, **extra)
        token: str = expect(response)["access_token"]
        return token


@pytest.fixture
def staff(client: httpx.AsyncClient) -> Staff:
    return Staff(client)


@pytest.fixture
def staff_factory() -> type[Staff]:
    """For tests that run their own app instance with other settings."""
    return Staff


@pytest.fixture
def service_clients(client: httpx.AsyncClient, app: FastAPI) -> ServiceClients:
    return ServiceClients(client, app)
