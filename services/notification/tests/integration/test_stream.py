"""The live kitchen feed: Server-Sent Events per restaurant, resumable, and how screens sign in."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa

from pos_kit.events.testing import wait_until


async def test_a_screen_that_reconnects_gets_only_what_it_missed(
    restaurant, screen, open_stream
) -> None:
    first = await restaurant.place_order()
    # On the feed before the screen connects: events are handled in no set order (two
    # processes consume side by side), and the feed numbers entries as they commit, so
    # an order handled after `second` would come after it on the feed, missed and replayed.
    await screen.ticket_for(restaurant, first["order_id"])
    async with open_stream(headers=restaurant.headers()) as stream:
        second = await restaurant.place_order()
        seen = await stream.next_for(second["order_id"])
    # Offline now: two more orders come in, and one is cancelled.
    third = await restaurant.place_order()
    fourth = await restaurant.place_order()
    await screen.ticket_for(restaurant, third["order_id"])
    await screen.ticket_for(restaurant, fourth["order_id"])
    await restaurant.cancel_order(third["order_id"])
    await asyncio.sleep(0.5)

    async with open_stream(headers={**restaurant.headers(), "Last-Event-ID": seen.id}) as stream:
        replayed = [await stream.next() for _ in range(3)]
        with pytest.raises(TimeoutError):
            await stream.next(within=0.6)

    # Two processes consume side by side, so the two orders may come either way round.
    assert sorted((e.event, e.data["order_id"]) for e in replayed) == sorted(
        [
            ("ticket.created", third["order_id"]),
            ("ticket.created", fourth["order_id"]),
            ("ticket.cancelled", third["order_id"]),
        ]
    )
    assert replayed[-1].event == "ticket.cancelled"
    ids = [int(e.id) for e in replayed]
    assert ids == list(range(int(seen.id) + 1, int(seen.id) + 4))
    assert first["order_id"] not in {e.data["order_id"] for e in replayed}


async def test_the_list_tells_where_to_resume_the_stream(restaurant, client, open_stream) -> None:
    listed = await client.get("/api/v1/kitchen/tickets", headers=restaurant.headers())
    position = str(listed.json()["last_event_id"])
    placed = await restaurant.place_order()  # between the list and the connect
    await asyncio.sleep(0.5)
    params = {"last_event_id": position}
    async with open_stream(headers=restaurant.headers(), params=params) as stream:
        caught_up = await stream.next()
    assert caught_up.data["order_id"] == placed["order_id"]


async def test_a_stream_carries_only_its_own_restaurants_tickets(
    restaurant, another_restaurant, open_stream
) -> None:
    async with open_stream(headers=restaurant.headers()) as ours:
        theirs = await another_restaurant.place_order()
        mine = await restaurant.place_order()
        received = await ours.next()
        with pytest.raises(TimeoutError):
            await ours.next(within=0.8)
    assert received.data["order_id"] == mine["order_id"]
    assert received.data["order_id"] != theirs["order_id"]


async def test_an_idle_stream_gets_keep_alive_comments(restaurant, open_stream) -> None:
    async with open_stream(headers=restaurant.headers()) as stream:
        await asyncio.sleep(2.5)  # keep-alive every 1 s in the test settings
        assert stream.retry == 2000
        assert stream.comments.count("keep-alive") >= 2


async def test_a_browser_opens_the_stream_with_a_one_time_ticket(
    restaurant, live_client, open_stream
) -> None:
    issued = await live_client.post(
        "/api/v1/kitchen/stream-tickets", headers=restaurant.headers("waiter")
    )
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["ticket"]
    assert issued.json()["expires_in"] == 60

    async with open_stream(params={"ticket": ticket}) as stream:
        placed = await restaurant.place_order()
        assert (await stream.next_for(placed["order_id"])).event == "ticket.created"

    replay = await live_client.get("/api/v1/kitchen/stream", params={"ticket": ticket})
    assert replay.status_code == 401
    assert "already used" in replay.json()["detail"]


async def test_an_expired_ticket_is_refused(restaurant, live_client, kit) -> None:
    issued = await live_client.post("/api/v1/kitchen/stream-tickets", headers=restaurant.headers())
    async with kit.database().unit_of_work() as uow:
        await uow.session.execute(
            sa.text(
                "UPDATE stream_tickets SET expires_at = now() - interval '1 second' "
                "WHERE tenant_id = :tenant"
            ),
            {"tenant": restaurant.tenant_id},
        )
    expired = await live_client.get(
        "/api/v1/kitchen/stream", params={"ticket": issued.json()["ticket"]}
    )
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


async def test_a_ticket_of_another_restaurant_is_refused(
    restaurant, another_restaurant, live_client
) -> None:
    issued = await live_client.post(
        "/api/v1/kitchen/stream-tickets", headers=another_restaurant.headers()
    )
    mixed = await live_client.get(
        "/api/v1/kitchen/stream",
        params={"ticket": issued.json()["ticket"]},
        headers=restaurant.headers(),
    )
    assert mixed.status_code == 401
    assert "another restaurant" in mixed.json()["detail"]


async def test_tokens_never_go_in_the_url(restaurant, live_client) -> None:
    token = restaurant.headers()["Authorization"].removeprefix("Bearer ")
    for params in ({"access_token": token}, {"ticket": token}, {"token": token}):
        refused = await live_client.get("/api/v1/kitchen/stream", params=params)
        assert refused.status_code == 400, params
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await live_client.get("/api/v1/kitchen/stream")).status_code == 401
    unknown = await live_client.get("/api/v1/kitchen/stream", params={"ticket": "st_made_up"})
    assert unknown.status_code == 401
    bad_resume = await live_client.get(
        "/api/v1/kitchen/stream", headers={**restaurant.headers(), "Last-Event-ID": "yesterday"}
    )
    assert bad_resume.status_code == 422


async def test_a_stream_ends_when_the_client_goes_away(restaurant, live, open_stream) -> None:
    before = live.open_streams
    async with open_stream(headers=restaurant.headers()):
        await wait_until(lambda: _streams_open(live, before + 1), within=5, what="the stream")
    await wait_until(lambda: _streams_open(live, before), within=5, what="the stream to end")


async def test_open_streams_end_cleanly_when_the_service_shuts_down(
    restaurant, start_live_server, stream_at
) -> None:
    # A long grace period: only ending the streams at shutdown lets it finish quickly.
    server = start_live_server(grace_seconds=30)
    async with stream_at(server.url, headers=restaurant.headers()) as stream:
        placed = await restaurant.place_order()
        await stream.next_for(placed["order_id"])
        started = time.monotonic()
        await asyncio.to_thread(server.stop)
        await asyncio.wait_for(stream.ended.wait(), timeout=5)
    assert time.monotonic() - started < 5
    assert not server.server.started or server.server.should_exit


async def _streams_open(live, count: int) -> bool:
    return live.open_streams == count
