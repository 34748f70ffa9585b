"""Fixtures for auth's tests: a migrated PostgreSQL database, a real nats-server, the app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pos_auth.config import AuthSettings
from pos_auth.main import create_app
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, running_nats_server
from pos_kit.testing.postgres import fresh_database

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with fresh_database("pos_auth_test", ALEMBIC_INI) as url:
        yield url


def make_settings(database_url: str, nats_url: str, **overrides: Any) -> AuthSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "nats_url": nats_url,
        "environment": "test",
        # 203.0.113.10 is the in-process test client's address; trust nothing else.
        "trusted_proxies": [],
    }
    values.update(overrides)
    return AuthSettings(**values)


@pytest.fixture(scope="session")
def settings(database_url: str, nats_server: NatsServer) -> AuthSettings:
    return make_settings(database_url, nats_server.url)


@pytest.fixture(scope="session")
def auth_app(settings: AuthSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(auth_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(auth_app) as c:
        yield c


class Staff:
    """Test-data factory: restaurants and their logins, made through the public API."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    @staticmethod
    def email(prefix: str = "owner") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@bistro.example"

    async def sign_up(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "restaurant_name": "Chez Test",
            "email": self.email(),
            "password": "correct horse battery",
            "full_name": "Olive Owner",
        }
        body.update(overrides)
        response = await self.client.post("/api/v1/auth/signup", json=body)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        result["password"] = body["password"]
        return result

    async def add_login(self, owner_token: str, role: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "email": self.email(role),
            "full_name": f"Sam {role.title()}",
            "role": role,
            "password": "a staff password",
        }
        body.update(overrides)
        response = await self.client.post(
            "/api/v1/auth/users", json=body, headers=bearer(owner_token)
        )
        assert response.status_code == 201, response.text
        login = await self.client.post(
            "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
        )
        assert login.status_code == 200, login.text
        result: dict[str, Any] = login.json()
        return result


@pytest.fixture
def staff(client: httpx.AsyncClient) -> Staff:
    return Staff(client)


@pytest.fixture
def staff_factory() -> type[Staff]:
    """For tests that run their own app instance with other settings."""
    return Staff


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
