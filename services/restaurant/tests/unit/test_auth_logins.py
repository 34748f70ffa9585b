"""The auth client's own rules, against a scripted transport: token cache, no blind retries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest

from pos_kit.http import ClientPolicy, DownstreamError, ResilientClient, RetryPolicy, ServiceTokens
from pos_restaurant.adapters.auth_logins import USERS_WRITE_SCOPE, AuthLogins
from pos_restaurant.domain.errors import AuthRefusedService, InvalidValue, LoginEmailTaken
from pos_restaurant.domain.staff import Role

TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def scripted(
    users: Callable[[httpx.Request], httpx.Response],
) -> tuple[AuthLogins, list[httpx.Request], Clock]:
    seen: list[httpx.Request] = []
    clock = Clock()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/v1/auth/token":
            body = json.loads(request.content)
            return httpx.Response(
                200,
                json={
                    "access_token": f"tok-{body['tenant_id']}-{len(seen)}",
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "scope": "users:write",
                },
            )
        return users(request)

    http = ResilientClient(
        "auth",
        "http://auth.test",
        policy=ClientPolicy(
            total_timeout=3, retry=RetryPolicy(max_attempts=3, backoff_base=0, backoff_cap=0)
        ),
        transport=httpx.MockTransport(answer),
    )
    tokens = ServiceTokens(
        http, client_id="restaurant", client_secret="s", scope=USERS_WRITE_SCOPE, clock=clock
    )
    return AuthLogins(http, tokens), seen, clock


def created(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(201, json={"id": str(uuid.uuid4()), "email": body["email"]})


async def make(logins: AuthLogins, tenant: uuid.UUID = TENANT_A, email: str = "a@b.example"):  # type: ignore[no-untyped-def]
    return await logins.create_login(
        tenant_id=tenant, email=email, full_name="Sam", role=Role.WAITER, password="long enough pw"
    )


def token_calls(seen: list[httpx.Request]) -> list[dict[str, str]]:
    return [json.loads(r.content) for r in seen if r.url.path == "/api/v1/auth/token"]


async def test_one_token_per_tenant_is_cached_until_shortly_before_it_expires() -> None:
    logins, seen, clock = scripted(created)
    await make(logins)
    await make(logins)
    await make(logins, TENANT_B)
    calls = token_calls(seen)
    assert [c["tenant_id"] for c in calls] == [str(TENANT_A), str(TENANT_B)]
    assert calls[0]["scope"] == "users:write"
    assert calls[0]["grant_type"] == "client_credentials"
    clock.now += 600 - 29  # inside the 30 s renewal margin
    await make(logins)
    assert len(token_calls(seen)) == 3
    user_calls = [r for r in seen if r.url.path == "/api/v1/auth/users"]
    assert all(r.headers["authorization"].startswith("Bearer tok-") for r in user_calls)


async def test_a_login_creation_that_failed_on_auths_side_is_not_sent_again() -> None:
    logins, seen, _ = scripted(lambda r: httpx.Response(503, json={"detail": "busy"}))
    with pytest.raises(DownstreamError) as failed:
        await make(logins)
    assert failed.value.status == 503
    assert int(failed.value.headers["Retry-After"]) >= 1
    assert len([r for r in seen if r.url.path == "/api/v1/auth/users"]) == 1


async def test_an_email_auth_already_has_is_a_conflict() -> None:
    logins, _, _ = scripted(lambda r: httpx.Response(409, json={"detail": "exists"}))
    with pytest.raises(LoginEmailTaken):
        await make(logins)


async def test_a_rejected_token_is_renewed_once_then_the_service_is_refused() -> None:
    answers = iter([httpx.Response(401), httpx.Response(401)])
    logins, seen, _ = scripted(lambda r: next(answers))
    with pytest.raises(AuthRefusedService):
        await make(logins)
    assert len(token_calls(seen)) == 2

    answers = iter([httpx.Response(401)])
    logins, seen, _ = scripted(lambda r: next(answers, None) or created(r))
    login = await make(logins)
    assert login.email == "a@b.example"


async def test_auths_refusals_of_one_tenant_leave_other_tenants_logins_working() -> None:
    # A 4xx is auth's answer about one request, not a sign that auth is failing: many
    # of them must not open the breaker that every tenant's calls go through.
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["email"].startswith("taken"):
            return httpx.Response(409, json={"detail": "exists"})
        if body["email"].startswith("weak"):
            return httpx.Response(422, json={"detail": "password: too weak"})
        return created(request)

    logins, _, _ = scripted(answer)
    for attempt in range(6):
        with pytest.raises(LoginEmailTaken):
            await make(logins, TENANT_A, email=f"taken-{attempt}@b.example")
        with pytest.raises(InvalidValue):
            await make(logins, TENANT_A, email=f"weak-{attempt}@b.example")
    login = await make(logins, TENANT_B, email="new@b.example")
    assert login.email == "new@b.example"
