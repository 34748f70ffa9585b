"""The webhook call goes to the checked address with the webhook's own path and query."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from pos_notification.adapters.webhook_sender import WebhookSender
from pos_notification.domain.targets import parse_target

ADDRESS = ipaddress.ip_address("93.184.215.14")


async def _sent_to(url: str) -> httpx.Request:
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    sender = WebhookSender(timeout_seconds=1, transport=httpx.MockTransport(receiver))
    try:
        status = await sender.post(
            target=parse_target(url), address=ADDRESS, body=b"{}", headers={"X-Test": "1"}
        )
    finally:
        await sender.aclose()
    assert status == 204
    [request] = sent
    return request


@pytest.mark.parametrize(
    ("url", "raw_path"),
    [
        ("https://hooks.example.com/pos/orders", b"/pos/orders"),
        ("https://hooks.example.com/pos/orders?team=kitchen&v=2", b"/pos/orders?team=kitchen&v=2"),
        ("http://hooks.example.com", b"/"),
    ],
)
async def test_the_path_and_query_are_sent_as_given_with_no_stray_question_mark(
    url: str, raw_path: bytes
) -> None:
    request = await _sent_to(url)
    assert request.url.raw_path == raw_path
    assert not str(request.url).endswith("?")
    assert request.url.host == str(ADDRESS)
    assert request.headers["host"] == "hooks.example.com"
