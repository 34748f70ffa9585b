"""Webhooks: registered per restaurant, signed, retried until the receiver takes them, and safe."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pos_kit.events.testing import wait_until
from pos_kit.testing.net import free_port
from pos_kit.testing.servers import ThreadedServer
from pos_notification.domain.signatures import verify_signature


@dataclass
class Receiver:
    """A tenant's webhook endpoint: a real HTTP server that fails its first call."""

    port: int
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail_first: int = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/pos?source=test"

    async def receive(self, request: Request) -> Response:
        self.calls.append((dict(request.headers), await request.body()))
        return Response(status_code=500 if len(self.calls) <= self.fail_first else 204)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(port=free_port())
    app = Starlette(routes=[Route("/hooks/pos", receiver.receive, methods=["POST"])])
    with ThreadedServer(app, port=receiver.port):
        yield receiver


async def _register(client, restaurant, url: str, events: list[str], role: str = "owner"):
    return await client.post(
        "/api/v1/webhooks", json={"url": url, "events": events}, headers=restaurant.headers(role)
    )


async def test_a_delivery_that_failed_arrives_on_retry_signed_with_the_secret(
    restaurant, client, receiver
) -> None:
    created = await _register(client, restaurant, receiver.url, ["order.placed", "stock.low"])
    assert created.status_code == 201, created.text
    webhook = created.json()
    secret = webhook["secret"]
    assert secret.startswith("whsec_")
    assert webhook["events"] == ["stock.low", "order.placed"]
    shown = await client.get(
        f"/api/v1/webhooks/{webhook['id']}", headers=restaurant.headers("manager")
    )
    assert shown.status_code == 200
    assert "secret" not in shown.json()

    placed = await restaurant.place_order()
    await restaurant.cancel_order(placed["order_id"])  # not subscribed: never sent

    await wait_until(lambda: _count(receiver, 2), within=15, what="the retried delivery")
    (first_headers, first_body), (headers, body) = receiver.calls[:2]
    assert first_body == body
    assert first_headers["x-pos-event-id"] == headers["x-pos-event-id"]
    assert headers["x-pos-event-type"] == "order.placed"
    assert verify_signature(secret, headers["x-pos-signature"], body, now=int(time.time()))
    assert not verify_signature(
        "whsec_wrong", headers["x-pos-signature"], body, now=int(time.time())
    )
    event = json.loads(body)
    assert event["id"] == headers["x-pos-event-id"]
    assert event["type"] == "order.placed"
    assert event["tenantid"] == restaurant.tenant_id
    assert event["data"]["order_id"] == placed["order_id"]

    async def recorded() -> bool:
        answer = await client.get(
            f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=restaurant.headers("owner")
        )
        items = answer.json()["items"]
        return len(items) == 1 and items[0]["status"] == "delivered"

    await wait_until(recorded, within=5, what="the delivery recorded as delivered")
    answer = await client.get(
        f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=restaurant.headers("owner")
    )
    (delivery,) = answer.json()["items"]
    assert delivery["attempts"] == 2
    assert delivery["last_status_code"] == 204
    assert delivery["last_error"] is None
    assert delivery["event_type"] == "order.placed"
    assert len(receiver.calls) == 2


async def _count(receiver: Receiver, n: int) -> bool:
    return len(receiver.calls) >= n


async def test_a_receiver_that_never_answers_ends_failed_after_the_attempts(
    restaurant, client
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/hook"
    created = await _register(client, restaurant, nobody, ["order.placed"])
    webhook_id = created.json()["id"]
    await restaurant.place_order()

    async def failed() -> bool:
        answer = await client.get(
            f"/api/v1/webhooks/{webhook_id}/deliveries", headers=restaurant.headers("owner")
        )
        items = answer.json()["items"]
        return bool(items) and items[0]["status"] == "failed"

    await wait_until(failed, within=15, what="the delivery to give up")
    answer = await client.get(
        f"/api/v1/webhooks/{webhook_id}/deliveries", headers=restaurant.headers("owner")
    )
    (delivery,) = answer.json()["items"]
    assert delivery["attempts"] == 3
    assert delivery["next_attempt_at"] is None
    assert "could not reach" in delivery["last_error"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/hook",
        "http://0.0.0.0:8080/hook",
        "ftp://example.com/hook",
        "http://user:pass@example.com/hook",
    ],
)
async def test_metadata_link_local_and_odd_urls_are_refused_always(restaurant, client, url) -> None:
    refused = await _register(client, restaurant, url, ["order.placed"])
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "body.url"
    listed = await client.get("/api/v1/webhooks", headers=restaurant.headers("owner"))
    assert listed.json()["items"] == []


async def test_private_and_loopback_targets_are_refused_in_production(
    kit, restaurant, client
) -> None:
    # The test configuration lets a developer aim at their own network...
    allowed = await _register(client, restaurant, "http://10.0.0.1/hook", ["order.paid"])
    assert allowed.status_code == 201
    async with kit.other_client(environment="production") as prod:
        for url in (
            "http://10.0.0.1/hook",
            "http://172.16.5.4/hook",
            "http://192.168.1.20/hook",
            "http://127.0.0.1:9999/hook",
            "http://[::1]/hook",
            "http://[fd12::1]/hook",
            "http://localhost/hook",
        ):
            refused = await _register(prod, restaurant, url, ["order.placed"])
            assert refused.status_code == 422, url
        public = await _register(prod, restaurant, "https://93.184.215.14/hook", ["order.paid"])
        assert public.status_code == 201, public.text


async def test_only_owners_and_managers_manage_webhooks_of_their_own_restaurant(
    restaurant, another_restaurant, client, receiver
) -> None:
    waiter = await _register(client, restaurant, receiver.url, ["order.placed"], role="waiter")
    assert waiter.status_code == 403
    created = await _register(client, restaurant, receiver.url, ["payment.completed"])
    webhook_id = created.json()["id"]
    theirs = another_restaurant.headers("owner")
    for method, path in (
        ("GET", f"/api/v1/webhooks/{webhook_id}"),
        ("GET", f"/api/v1/webhooks/{webhook_id}/deliveries"),
        ("DELETE", f"/api/v1/webhooks/{webhook_id}"),
    ):
        assert (await client.request(method, path, headers=theirs)).status_code == 404
    assert (await client.get("/api/v1/webhooks", headers=theirs)).json()["items"] == []

    ours = restaurant.headers("manager")
    assert (await client.delete(f"/api/v1/webhooks/{webhook_id}", headers=ours)).status_code == 204
    assert (await client.get(f"/api/v1/webhooks/{webhook_id}", headers=ours)).status_code == 404


async def test_bad_webhook_input_is_a_4xx_and_writes_nothing(restaurant, client) -> None:
    owner = restaurant.headers("owner")
    unknown = await _register(client, restaurant, "http://127.0.0.1/h", ["order.eaten"])
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.events"
    empty = await _register(client, restaurant, "http://127.0.0.1/h", [])
    assert empty.status_code == 422
    malformed = await client.post(
        "/api/v1/webhooks",
        content=b'{"url": ',
        headers={**owner, "content-type": "application/json"},
    )
    assert malformed.status_code == 400
    extra = await client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1/h", "events": ["order.placed"], "secret": "mine"},
        headers=owner,
    )
    assert extra.status_code == 422
    assert (await client.get("/api/v1/webhooks", headers=owner)).json()["items"] == []
