"""Lists: a cursor refuses what it did not issue, `limit` is 1 to 100, pages say if more follow."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from pos_kit.context import request_context
from pos_kit.errors import BadRequest
from pos_kit.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ForeignCursor,
    Keyset,
    Page,
    PageRequest,
    Slice,
    page_request,
)
from pos_kit.problem_details import install_problem_handlers

ORDERS = Keyset(datetime, uuid.UUID)
AN_ID = "8f14e45f-ceea-467a-9c3e-5f0c7d6c2b1a"


def crafted(body: str) -> str:
    """A cursor made by hand and signed as if its maker had the key (none outside a request):
    what stands in its way are the checks after the signature."""
    encoded = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    mac = hmac.new(b"", encoded.encode(), hashlib.sha256).digest()[:16]
    return f"{encoded}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


@pytest.mark.parametrize(
    ("keyset", "position"),
    [
        (Keyset(datetime), (datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),)),
        (Keyset(int), (-(2**63),)),
        (Keyset(int), (2**63 - 1,)),
        (Keyset(str), ('Crème brûlée 🍮 炒饭 "quoted" ,/+=',)),
        (Keyset(uuid.UUID), (uuid.UUID(AN_ID),)),
        (
            Keyset(int, str, datetime, uuid.UUID),
            (3, "Tiramisu", datetime(1, 1, 1, tzinfo=UTC), uuid.UUID(AN_ID)),
        ),
    ],
)
def test_a_position_survives_the_cursor(keyset: Keyset, position: tuple[Any, ...]) -> None:
    cursor = keyset.encode(position)

    assert keyset.decode(cursor) == position
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_only_a_cursor_this_service_signed_is_taken() -> None:
    keyset = Keyset(str, uuid.UUID)
    position = ("Tiramisu", uuid.UUID(AN_ID))
    with request_context(cursor_key=b"inventory's key"):
        ours = keyset.encode(position)
        assert keyset.decode(ours) == position
        body, _, signature = ours.partition(".")
        forged = body + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
        for foreign in (body, forged, f"{body}.", ours.replace(".", "")):
            with pytest.raises(ForeignCursor, match="not signed"):
                keyset.decode(foreign)
    with request_context(cursor_key=b"another service's key"), pytest.raises(ForeignCursor):
        keyset.decode(ours)


def test_a_time_in_another_zone_comes_back_as_the_same_instant_in_utc() -> None:
    in_new_york = datetime(2026, 3, 1, 7, 30, tzinfo=timezone(timedelta(hours=-5)))

    (decoded,) = Keyset(datetime).decode(Keyset(datetime).encode((in_new_york,))) or ()

    assert decoded == in_new_york
    assert decoded.utcoffset() == timedelta(0)


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_is_the_first_page(cursor: str | None) -> None:
    assert ORDERS.decode(cursor) is None


FOREIGN_CURSORS = {
    "naive time": (ORDERS, crafted(f'{{"v":1,"k":["2026-03-01T12:00:00","{AN_ID}"]}}')),
    "year 1 east of UTC": (
        ORDERS,
        crafted(f'{{"v":1,"k":["0001-01-01T00:00:00+05:00","{AN_ID}"]}}'),
    ),
    "year 9999 west of UTC": (
        ORDERS,
        crafted(f'{{"v":1,"k":["9999-12-31T23:59:00-05:00","{AN_ID}"]}}'),
    ),
    "not a time": (ORDERS, crafted(f'{{"v":1,"k":["yesterday","{AN_ID}"]}}')),
    "time not text": (ORDERS, crafted(f'{{"v":1,"k":[1700000000,"{AN_ID}"]}}')),
    "int beyond 64 bits": (Keyset(int), crafted(f'{{"v":1,"k":[{2**63}]}}')),
    "int below 64 bits": (Keyset(int), crafted(f'{{"v":1,"k":[{-(2**63) - 1}]}}')),
    "1e400": (Keyset(int), crafted('{"v":1,"k":[1e400]}')),
    "NaN": (Keyset(int), crafted('{"v":1,"k":[NaN]}')),
    "a fraction": (Keyset(int), crafted('{"v":1,"k":[1.5]}')),
    "bool": (Keyset(int), crafted('{"v":1,"k":[true]}')),
    "too few parts": (ORDERS, crafted(f'{{"v":1,"k":["{AN_ID}"]}}')),
    "too many parts": (Keyset(int), crafted('{"v":1,"k":[1,2]}')),
    "parts not a list": (Keyset(int), crafted('{"v":1,"k":{"0":1}}')),
    "bad base64": (ORDERS, "not base64!"),
    "base64 of nothing": (ORDERS, "!!!!"),
    "not ascii": (ORDERS, "curseur-é"),
    "not json": (ORDERS, crafted("not json")),
    "not utf-8": (ORDERS, base64.urlsafe_b64encode(b"\xff\xfe{").decode()),
    "json but a list": (ORDERS, crafted("[1, 2]")),
    "other version": (Keyset(int), crafted('{"v":2,"k":[1]}')),
    "no version": (Keyset(int), crafted('{"k":[1]}')),
    "text with NUL": (Keyset(str), crafted('{"v":1,"k":["Soup\\u0000"]}')),
    "lone surrogate": (Keyset(str), crafted('{"v":1,"k":["\\ud800"]}')),
    "text not text": (Keyset(str), crafted('{"v":1,"k":[7]}')),
    "id not an id": (Keyset(uuid.UUID), crafted('{"v":1,"k":["table-4"]}')),
    "id not text": (Keyset(uuid.UUID), crafted('{"v":1,"k":[4]}')),
    "over 500 characters": (Keyset(str), Keyset(str).encode(("x" * 400,))),
}


@pytest.mark.parametrize(("keyset", "cursor"), FOREIGN_CURSORS.values(), ids=FOREIGN_CURSORS)
def test_a_cursor_it_did_not_issue_is_a_400(keyset: Keyset, cursor: str) -> None:
    with pytest.raises(ForeignCursor) as refused:
        keyset.decode(cursor)

    assert isinstance(refused.value, BadRequest)
    assert refused.value.status == 400
    assert refused.value.type_slug == "invalid-cursor"


def test_a_keyset_knows_its_parts() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        Keyset()
    with pytest.raises(ValueError, match="datetime, int, str or UUID"):
        Keyset(float)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="2 parts"):
        ORDERS.encode((uuid.uuid4(),))


class OrderOut(Page[str]):
    """A service's page type with a field of its own."""

    total: int


def test_a_page_has_a_next_cursor_only_when_there_is_more() -> None:
    last = (datetime(2026, 3, 1, tzinfo=UTC), uuid.UUID(AN_ID))

    more = Page[str].build(Slice([1, 2], next_after=last), ORDERS, str)
    done = Page[str].build(Slice([3]), ORDERS, str)

    assert more.items == ["1", "2"]
    assert more.next_cursor is not None
    assert ORDERS.decode(more.next_cursor) == last
    assert done.model_dump() == {"items": ["3"], "next_cursor": None}
    assert OrderOut.build(Slice(["a"]), ORDERS, str.upper, total=1) == OrderOut(
        items=["A"], next_cursor=None, total=1
    )


def test_a_slice_maps_its_rows_and_keeps_where_to_go_on() -> None:
    assert Slice([1, 2], next_after=(2,)).map(str) == Slice(["1", "2"], next_after=(2,))


@pytest.fixture
async def lists() -> Any:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/orders")
    async def list_orders(
        page: Annotated[PageRequest, Depends(page_request(ORDERS))],
    ) -> dict[str, Any]:
        return {"limit": page.limit, "after": page.after and [str(part) for part in page.after]}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pos") as client:
        yield client


async def test_limit_defaults_to_50_and_takes_1_to_100(lists: httpx.AsyncClient) -> None:
    assert (await lists.get("/orders")).json() == {"limit": DEFAULT_PAGE_SIZE, "after": None}
    for limit in (1, MAX_PAGE_SIZE):
        assert (await lists.get("/orders", params={"limit": limit})).json()["limit"] == limit
    for limit in ("0", "101", "-1", "ten"):
        refused = await lists.get("/orders", params={"limit": limit})
        assert refused.status_code == 422, limit
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"][0]["field"] == "query.limit"


async def test_the_cursor_reaches_the_use_case_as_a_position(lists: httpx.AsyncClient) -> None:
    moment = datetime(2026, 3, 1, 12, tzinfo=UTC)
    cursor = ORDERS.encode((moment, uuid.UUID(AN_ID)))

    answer = await lists.get("/orders", params={"cursor": cursor, "limit": 10})

    assert answer.json() == {"limit": 10, "after": [str(moment), AN_ID]}


async def test_a_foreign_cursor_is_a_400_problem(lists: httpx.AsyncClient) -> None:
    _, cursor = FOREIGN_CURSORS["year 9999 west of UTC"]

    refused = await lists.get("/orders", params={"cursor": cursor})

    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/invalid-cursor")


async def test_a_cursor_longer_than_any_issued_is_refused_before_decoding(
    lists: httpx.AsyncClient,
) -> None:
    refused = await lists.get("/orders", params={"cursor": "A" * 501})

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
