"""A service's own tokens from auth: one per restaurant, kept until shortly before expiry."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from pos_kit.http import (
    ClientPolicy,
    DownstreamError,
    ResilientClient,
    RetryPolicy,
    ServiceTokenRefused,
    ServiceTokens,
)

TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()
Answer = Callable[[httpx.Request], Awaitable[httpx.Response]]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class StandInAuth:
    """auth's token endpoint (and any other path) answered from a script; counts what it got."""

    def __init__(self, expires_in: int = 600) -> None:
        self.expires_in = expires_in
        self.token_requests: list[dict[str, str]] = []
        self.other: list[httpx.Request] = []
        # Per restaurant: what the token endpoint waits for before answering.
        self.hold: dict[str, asyncio.Event] = {}
        self.refuse_with: int | None = None
        self.answer_other: Answer | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/v1/auth/token":
            self.other.append(request)
            assert self.answer_other is not None
            return await self.answer_other(request)
        body = json.loads(request.content)
        self.token_requests.append(body)
        if (held := self.hold.get(body["tenant_id"])) is not None:
            await held.wait()
        if self.refuse_with is not None:
            return httpx.Response(self.refuse_with, json={"detail": "no such client"})
        return httpx.Response(
            200,
            json={
                "access_token": f"tok-{body['tenant_id']}-{len(self.token_requests)}",
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "scope": body["scope"],
            },
        )

    def asked_for(self, tenant: uuid.UUID) -> int:
        return sum(1 for r in self.token_requests if r["tenant_id"] == str(tenant))


def client(answer: Callable[[httpx.Request], Awaitable[httpx.Response]]) -> ResilientClient:
    return ResilientClient(
        "auth",
        "http://auth.test",
        policy=ClientPolicy(
            total_timeout=3, retry=RetryPolicy(max_attempts=3, backoff_base=0, backoff_cap=0)
        ),
        transport=httpx.MockTransport(answer),
    )


def tokens_from(auth: StandInAuth, clock: Clock | None = None) -> ServiceTokens:
    return ServiceTokens(
        client(auth),
        client_id="chatbot",
        client_secret="s3cret",
        scope="menu:read",
        clock=clock or Clock(),
    )


async def test_one_token_per_restaurant_is_kept_until_shortly_before_it_expires() -> None:
    auth, clock = StandInAuth(expires_in=600), Clock()
    tokens = tokens_from(auth, clock)

    first = await tokens.for_tenant(TENANT_A)
    again = await tokens.for_tenant(TENANT_A)
    other = await tokens.for_tenant(TENANT_B)
    clock.now += 600 - 31  # just outside the 30 s renewal margin
    still = await tokens.for_tenant(TENANT_A)
    clock.now += 2  # inside it
    renewed = await tokens.for_tenant(TENANT_A)

    assert first == again == still != renewed
    assert other != first
    assert [r["tenant_id"] for r in auth.token_requests] == [
        str(TENANT_A),
        str(TENANT_B),
        str(TENANT_A),
    ]
    assert auth.token_requests[0] == {
        "grant_type": "client_credentials",
        "client_id": "chatbot",
        "client_secret": "s3cret",
        "scope": "menu:read",
        "tenant_id": str(TENANT_A),
    }


async def test_a_short_lived_token_is_renewed_at_half_its_life() -> None:
    auth, clock = StandInAuth(expires_in=20), Clock()
    tokens = tokens_from(auth, clock)

    await tokens.for_tenant(TENANT_A)
    clock.now += 9
    await tokens.for_tenant(TENANT_A)
    clock.now += 1
    await tokens.for_tenant(TENANT_A)

    assert auth.asked_for(TENANT_A) == 2


async def test_callers_of_one_restaurant_wait_for_one_fetch_and_others_go_on() -> None:
    auth = StandInAuth()
    auth.hold[str(TENANT_A)] = asyncio.Event()
    tokens = tokens_from(auth)

    waiting = [asyncio.create_task(tokens.for_tenant(TENANT_A)) for _ in range(5)]
    # Restaurant B's token comes while A's fetch is still held at auth.
    other = await tokens.for_tenant(TENANT_B)
    assert not any(task.done() for task in waiting)
    auth.hold[str(TENANT_A)].set()
    got = await asyncio.gather(*waiting)

    assert other.startswith(f"tok-{TENANT_B}")
    assert len(set(got)) == 1
    assert auth.asked_for(TENANT_A) == 1


@pytest.mark.parametrize("status", [401, 403, 404, 422])
async def test_a_refused_token_request_is_a_503_and_nothing_is_kept(status: int) -> None:
    auth = StandInAuth()
    auth.refuse_with = status
    tokens = tokens_from(auth)

    with pytest.raises(ServiceTokenRefused) as refused:
        await tokens.for_tenant(TENANT_A)
    auth.refuse_with = None
    token = await tokens.for_tenant(TENANT_A)

    assert refused.value.status == 503
    assert refused.value.status_code == status
    assert refused.value.headers["Retry-After"] == "60"
    assert refused.value.downstream == "auth"
    assert "s3cret" not in refused.value.detail
    assert token.startswith(f"tok-{TENANT_A}")
    assert auth.asked_for(TENANT_A) == 2


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="not json"),
        httpx.Response(200, json=["a list"]),
        httpx.Response(200, json={"access_token": "", "expires_in": 600}),
        httpx.Response(200, json={"access_token": "t", "expires_in": "soon"}),
    ],
)
async def test_an_unreadable_token_answer_is_a_downstream_failure(answer: httpx.Response) -> None:
    async def unreadable(_: httpx.Request) -> httpx.Response:
        return answer

    tokens = ServiceTokens(client(unreadable), client_id="c", client_secret="s", scope="x")

    with pytest.raises(DownstreamError) as failed:
        await tokens.for_tenant(TENANT_A)

    assert not isinstance(failed.value, ServiceTokenRefused)
    assert failed.value.status == 503
    assert failed.value.reason == "bad_answer"


async def test_an_unreachable_auth_is_a_downstream_failure() -> None:
    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    tokens = ServiceTokens(client(down), client_id="c", client_secret="s", scope="x")

    with pytest.raises(DownstreamError) as failed:
        await tokens.for_tenant(TENANT_A)

    assert failed.value.reason == "connect_error"


async def test_a_rejected_token_is_replaced_once_then_the_rejection_is_the_answer() -> None:
    auth = StandInAuth()
    tokens = tokens_from(auth)
    rejections = iter([401])

    async def menu(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            next(rejections, 200), json={"auth": request.headers["authorization"]}
        )

    auth.answer_other = menu
    inventory = client(auth)

    response = await tokens.send(inventory, "GET", "/api/v1/products", tenant_id=TENANT_A)

    assert response.status_code == 200
    sent = [r.headers["authorization"] for r in auth.other]
    assert sent[0] != sent[1], "the second try carries a fresh token"
    assert response.json()["auth"] == sent[1]
    assert auth.asked_for(TENANT_A) == 2

    rejections = iter([401, 401])
    again = await tokens.send(inventory, "GET", "/api/v1/products", tenant_id=TENANT_A)
    assert again.status_code == 401
    assert auth.asked_for(TENANT_A) == 3


async def test_forgetting_a_token_already_replaced_keeps_the_new_one() -> None:
    auth = StandInAuth()
    tokens = tokens_from(auth)
    old = await tokens.for_tenant(TENANT_A)
    tokens.forget(TENANT_A, old)
    new = await tokens.for_tenant(TENANT_A)

    tokens.forget(TENANT_A, old)  # a late rejection of the old token

    assert await tokens.for_tenant(TENANT_A) == new != old
    assert auth.asked_for(TENANT_A) == 2
