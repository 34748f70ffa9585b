"""The base of every service's adapter for another service."""

from __future__ import annotations

from types import SimpleNamespace

import httpx

from pos_kit.http import ResilientClient
from pos_kit.http.downstream import DownstreamClient


class KitchenPrinterClient(DownstreamClient):
    downstream = "kitchen-printer"


async def test_it_is_built_from_the_settings_fields_named_after_the_downstream() -> None:
    settings = SimpleNamespace(
        kitchen_printer_url="http://printer:9100", kitchen_printer_breaker_open_seconds=4.2
    )

    client = KitchenPrinterClient.from_settings(settings)

    assert isinstance(client.http, ResilientClient)
    assert client.http.base_url == httpx.URL("http://printer:9100")
    assert client.http.policy.breaker.open_seconds == 4.2
    await client.aclose()


async def test_an_unusable_answer_is_a_503_naming_the_downstream_and_when_to_retry() -> None:
    client = KitchenPrinterClient.from_settings(
        SimpleNamespace(kitchen_printer_url="http://printer:9100")
    )

    problem = client.unusable("answered 500 for the ticket", reason="no_ticket")

    assert (problem.downstream, problem.reason) == ("kitchen-printer", "no_ticket")
    assert problem.detail == "kitchen-printer answered 500 for the ticket."
    assert problem.retry_after_seconds == client.http.policy.retry_after_seconds
    await client.aclose()
