"""The profile appears after sign-up (tenant.registered), all staff read it, owners edit it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from pos_kit.events.testing import wait_until

PROBLEM = "application/problem+json"


async def _profile_ready(client, restaurant) -> bool:
    response = await client.get("/api/v1/restaurant", headers=restaurant.headers("kitchen"))
    return response.status_code == 200


async def _announced(bus, restaurant) -> list[dict]:
    """The data of every restaurant.profile_changed of this restaurant, oldest first."""
    events = await bus.events("restaurant.profile_changed", tenant_id=restaurant.tenant_id)
    assert {e["source"] for e in events} <= {"restaurant"}
    return [e["data"] for e in events]


async def _versions_announced(bus, restaurant, versions: list[int]) -> None:
    async def announced() -> bool:
        return [d["version"] for d in await _announced(bus, restaurant)] == versions

    await wait_until(announced, within=5, what=f"profile versions {versions} on the stream")


async def test_the_profile_is_readable_seconds_after_sign_up(client, restaurant, bus) -> None:
    before = await client.get("/api/v1/restaurant", headers=restaurant.headers())
    assert before.status_code == 404
    assert before.headers["content-type"] == PROBLEM
    assert "few seconds" in before.json()["detail"]

    await bus.publish(restaurant.registered("Trattoria Uno"))
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")

    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers("waiter"))).json()
    assert profile["tenant_id"] == restaurant.tenant_id
    assert profile["name"] == "Trattoria Uno"
    assert (profile["currency"], profile["timezone"], profile["default_tax_rate_bps"]) == (
        "EUR",
        "UTC",
        0,
    )
    # The owner auth registered is on the staff list, linked to their login.
    staff = (await client.get("/api/v1/staff", headers=restaurant.headers())).json()["items"]
    assert [(m["role"], m["auth_user_id"]) for m in staff] == [("owner", restaurant.owner_user_id)]


async def test_a_redelivered_sign_up_has_no_second_effect(
    client, restaurant, restaurant_factory, bus
) -> None:
    event = restaurant.registered()
    await bus.publish(event)
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    edited = await client.patch(
        "/api/v1/restaurant", json={"name": "Renamed"}, headers=restaurant.headers()
    )
    assert edited.status_code == 200
    # The same event again, past JetStream's de-duplication (another Nats-Msg-Id), and
    # a second sign-up event for the same restaurant: neither resets nor duplicates.
    await bus.publish(event, msg_id=str(uuid.uuid4()))
    await bus.publish(restaurant.registered("Other name"))
    sentinel = restaurant_factory()
    await bus.publish(sentinel.registered())
    await wait_until(lambda: _profile_ready(client, sentinel), within=5, what="the sentinel")

    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers())).json()
    assert profile["name"] == "Renamed"
    staff = (await client.get("/api/v1/staff", headers=restaurant.headers())).json()["items"]
    assert len(staff) == 1


async def test_owner_and_manager_edit_the_profile_and_nobody_else(client, restaurant, bus) -> None:
    await bus.publish(restaurant.registered())
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    change = {
        "address": "1 Rue de la Paix, 75002 Paris",
        "currency": "chf",
        "timezone": "Europe/Zurich",
        "default_tax_rate_bps": 810,
        "receipt_footer": "Merci et à bientôt",
    }
    edited = await client.patch(
        "/api/v1/restaurant", json=change, headers=restaurant.headers("manager")
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["currency"] == "CHF"
    assert edited.json()["timezone"] == "Europe/Zurich"

    for role in ("cashier", "waiter", "kitchen"):
        refused = await client.patch(
            "/api/v1/restaurant", json={"name": "Mine now"}, headers=restaurant.headers(role)
        )
        assert refused.status_code == 403, role
    cleared = await client.patch(
        "/api/v1/restaurant", json={"receipt_footer": None}, headers=restaurant.headers()
    )
    assert cleared.json()["receipt_footer"] is None
    assert cleared.json()["address"] == change["address"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "EURO"}, "body.currency"),
        ({"timezone": "Mars/Olympus_Mons"}, "body.timezone"),
        ({"default_tax_rate_bps": 10_001}, "body.default_tax_rate_bps"),
        ({"default_tax_rate_bps": 12.5}, "body.default_tax_rate_bps"),
        ({"name": ""}, "body.name"),
        ({"name": None}, "body"),
        ({"colour": "red"}, "body.colour"),
        ({"cash_rounding_minor_units": 0}, "body.cash_rounding_minor_units"),
        ({"cash_rounding_minor_units": 1001}, "body.cash_rounding_minor_units"),
        ({"cash_rounding_minor_units": None}, "body"),
        ({"waiters_take_payments": "yes"}, "body.waiters_take_payments"),
        ({"close_when_paid": 1}, "body.close_when_paid"),
        ({"close_when_paid": None}, "body"),
    ],
)
async def test_bad_profile_edits_are_422_naming_the_field_and_change_nothing(
    client, restaurant, bus, body, field
) -> None:
    await bus.publish(restaurant.registered("Unchanged"))
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    refused = await client.patch(
        "/api/v1/restaurant", json={"address": "somewhere", **body}, headers=restaurant.headers()
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert field in {e["field"] for e in refused.json()["errors"]}
    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers())).json()
    assert (profile["name"], profile["address"], profile["currency"]) == ("Unchanged", None, "EUR")


async def test_editing_before_the_profile_exists_is_404(client, restaurant) -> None:
    response = await client.patch(
        "/api/v1/restaurant", json={"name": "Too early"}, headers=restaurant.headers()
    )
    assert response.status_code == 404


async def test_the_profile_is_announced_when_opened_and_on_every_change(
    client, restaurant, bus
) -> None:
    await bus.publish(restaurant.registered("Trattoria Uno"))
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    await _versions_announced(bus, restaurant, [1])
    [opened] = await _announced(bus, restaurant)
    assert opened == {
        "name": "Trattoria Uno",
        "address": None,
        "currency": "EUR",
        "timezone": "UTC",
        "default_tax_rate_bps": 0,
        "receipt_footer": None,
        "cash_rounding_minor_units": 1,
        "waiters_take_payments": False,
        "close_when_paid": False,
        "version": 1,
        "changed_at": opened["changed_at"],
    }
    assert datetime.fromisoformat(opened["changed_at"]).utcoffset() == timedelta(0)

    first = await client.patch(
        "/api/v1/restaurant",
        json={"address": "1 Rue de la Paix", "receipt_footer": "Merci"},
        headers=restaurant.headers(),
    )
    second = await client.patch(
        "/api/v1/restaurant",
        json={"currency": "chf", "timezone": "Europe/Zurich", "default_tax_rate_bps": 810},
        headers=restaurant.headers("manager"),
    )
    assert (first.json()["version"], second.json()["version"]) == (2, 3)
    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers("waiter"))).json()
    assert profile["version"] == 3

    await _versions_announced(bus, restaurant, [1, 2, 3])
    latest = (await _announced(bus, restaurant))[-1]
    shown = {k: profile[k] for k in latest if k not in ("version", "changed_at")}
    assert {k: latest[k] for k in shown} == shown
    assert shown["currency"] == "CHF"
    assert datetime.fromisoformat(latest["changed_at"]) == datetime.fromisoformat(
        profile["updated_at"]
    )


async def test_a_refused_edit_or_a_second_sign_up_announces_nothing(
    client, restaurant, restaurant_factory, bus
) -> None:
    await bus.publish(restaurant.registered("Unchanged"))
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    await _versions_announced(bus, restaurant, [1])
    for body in ({"currency": "EURO"}, {"name": None}, {"name": "ok", "colour": "red"}):
        refused = await client.patch("/api/v1/restaurant", json=body, headers=restaurant.headers())
        assert refused.status_code == 422, body
    forbidden = await client.patch(
        "/api/v1/restaurant", json={"name": "Mine now"}, headers=restaurant.headers("waiter")
    )
    assert forbidden.status_code == 403
    await bus.publish(restaurant.registered("Other name"))
    sentinel = restaurant_factory()
    await bus.publish(sentinel.registered())
    await wait_until(lambda: _profile_ready(client, sentinel), within=5, what="the sentinel")

    # The next accepted edit is version 2, and it is the only event after the opening one.
    accepted = await client.patch(
        "/api/v1/restaurant", json={"name": "Renamed"}, headers=restaurant.headers()
    )
    assert accepted.json()["version"] == 2
    await _versions_announced(bus, restaurant, [1, 2])
    assert (await _announced(bus, restaurant))[-1]["name"] == "Renamed"


async def test_the_payment_settings_start_off_and_owners_and_managers_change_them(
    client, restaurant, bus
) -> None:
    await bus.publish(restaurant.registered())
    await wait_until(lambda: _profile_ready(client, restaurant), within=5, what="the profile")
    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers("cashier"))).json()
    assert (
        profile["cash_rounding_minor_units"],
        profile["waiters_take_payments"],
        profile["close_when_paid"],
    ) == (1, False, False)

    swiss = await client.patch(
        "/api/v1/restaurant",
        json={"cash_rounding_minor_units": 5, "waiters_take_payments": True},
        headers=restaurant.headers("manager"),
    )
    assert swiss.status_code == 200, swiss.text
    closing = await client.patch(
        "/api/v1/restaurant", json={"close_when_paid": True}, headers=restaurant.headers()
    )
    assert closing.status_code == 200, closing.text
    for role in ("cashier", "waiter", "kitchen"):
        refused = await client.patch(
            "/api/v1/restaurant", json={"close_when_paid": False}, headers=restaurant.headers(role)
        )
        assert refused.status_code == 403, role

    profile = (await client.get("/api/v1/restaurant", headers=restaurant.headers("waiter"))).json()
    assert (
        profile["cash_rounding_minor_units"],
        profile["waiters_take_payments"],
        profile["close_when_paid"],
        profile["version"],
    ) == (5, True, True, 3)
    # Each change is announced with the whole profile, payment settings included.
    await _versions_announced(bus, restaurant, [1, 2, 3])
    announced = await _announced(bus, restaurant)
    assert [
        (d["cash_rounding_minor_units"], d["waiters_take_payments"], d["close_when_paid"])
        for d in announced
    ] == [(1, False, False), (5, True, False), (5, True, True)]
