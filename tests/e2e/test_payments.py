"""Issue 8 end to end: money through the payment service, orders settled by the saga.

The real services as processes (`make run` on PostgreSQL, the `system` fixture), the
card simulator the launcher starts as the card processor, everything driven through
the gateway. Each test signs up its own restaurant, so the sums it checks are its own.
Where a fact cannot be seen through the API (one ledger row, pos-core having taken a
payment event, payment having seen `order.placed`) the test reads the service's
database, read-only.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from pos_kit.catalogue import CATALOGUE
from pos_kit.testing.nats import read_stream
from pos_kit.testing.polling import eventually

if TYPE_CHECKING:
    from conftest import MakeRun, Restaurant

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PROBLEM = "application/problem+json"
VISA = "pm_card_visa"
DECLINED = "pm_card_chargeDeclined"
# payment's POS_PAYMENT_PROCESSOR_TIMEOUT_SECONDS, which `make run` leaves at its default.
PROCESSOR_TIMEOUT = 8.0


# --- waiting, the stream, the services' databases ----------------------------------------


def events_of_order(
    system: MakeRun, event_type: str, order_id: str, *, at_least: int = 1
) -> list[dict[str, Any]]:
    """The order's events of `event_type`, once `at_least` arrived."""
    return system.events_once_there(
        event_type, lambda e: e["data"]["order_id"] == order_id, at_least=at_least
    )


@dataclass
class Databases:
    """The services' PostgreSQL databases of this run (their URLs are in its environment)."""

    urls: dict[str, str]
    _engines: dict[str, sa.Engine] = field(default_factory=dict)

    @classmethod
    def of(cls, system: MakeRun) -> Databases:
        urls = {}
        for service in CATALOGUE:
            url = system.env.get(f"{service.env_prefix}DATABASE_URL", "")
            if url.startswith("postgresql"):
                urls[service.name] = url
        return cls(urls)

    def engine(self, service: str) -> sa.Engine:
        if service not in self._engines:
            url = make_url(self.urls[service]).set(drivername="postgresql+psycopg")
            self._engines[service] = sa.create_engine(url, poolclass=sa.NullPool)
        return self._engines[service]

    def scalar(self, service: str, sql: str, **params: Any) -> Any:
        with self.engine(service).connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def text_rows(self, service: str) -> Iterator[tuple[str, str]]:
        """(table.column, value) of every text, JSON and character column of every table."""
        with self.engine(service).connect() as conn:
            columns = conn.execute(
                sa.text(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = 'public' AND data_type IN"
                    " ('text', 'character varying', 'character', 'json', 'jsonb')"
                    " ORDER BY table_name, column_name"
                )
            ).all()
            for table, column in columns:
                values = conn.execute(
                    sa.text(f'SELECT CAST("{column}" AS text) FROM "{table}"')
                ).scalars()
                for value in values:
                    if value is not None:
                        yield f"{service}: {table}.{column}", value

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def databases(system: MakeRun) -> Iterator[Databases]:
    found = Databases.of(system)
    assert {"pos-core", "payment", "inventory", "restaurant"} <= set(found.urls), found.urls
    yield found
    found.dispose()


@dataclass
class Simulator:
    """The card simulator's admin API (`/_simulator/...`): the hang, the charges per key."""

    url: str

    def charges(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.url}/_simulator/charges", timeout=10).json()
        return result

    def charges_for(self, payment_id: str) -> int:
        # payment charges a card with the key `pos-payment-<payment id>` (use_cases/cards.py).
        return int(self.charges()["charges"].get(f"pos-payment-{payment_id}", 0))

    def hang(self, on: bool) -> None:
        answer = httpx.put(f"{self.url}/_simulator/settings", json={"hang": on}, timeout=10)
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="session")
def simulator(system: MakeRun) -> Simulator:
    """Where the launcher started the simulator: its `ready` line names the URL."""
    [ready] = [r for r in system.launcher_events("ready") if r.get("process") == "card-simulator"]
    return Simulator(ready["url"])


# --- card numbers: refused, and never kept ------------------------------------------------

# A card number as people write it: 13 to 19 digits, single spaces or dashes between them.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d)*")


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _glued(text: str, index: int, step: int) -> bool:
    """Whether a digit run goes on into a word at `index` (a letter, or a dash then a letter
    or digit, as in a UUID): then it is part of an id, not a number on its own."""
    if not 0 <= index < len(text):
        return False
    if text[index] == "-":
        index += step
        return 0 <= index < len(text) and text[index].isalnum()
    return text[index].isalnum()


def card_numbers_in(text: str) -> list[str]:
    """Every Luhn-valid 13-19 digit run standing on its own in `text`, as its digits."""
    found = []
    for run in _DIGIT_RUN.finditer(text):
        if _glued(text, run.start() - 1, -1) or _glued(text, run.end(), 1):
            continue
        digits = re.sub(r"\D", "", run.group())
        if 13 <= len(digits) <= 19 and luhn(digits):
            found.append(digits)
    return found


def masked(digits: str) -> str:
    return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"


@dataclass
class CardAudit:
    """The card numbers the tests sent, and the search for any card number in what the
    system keeps: every table's text columns in every service's database, the files
    under the run's var dir (the event store, the chatbot's store), the launcher's
    output (every service's log lines) and every message of the event and dead-letter
    streams. A number the tests sent counts anywhere, even inside a word; any other
    Luhn-valid run counts when it stands on its own (except in NATS's own files: see
    `search`)."""

    system: MakeRun
    databases: Databases
    sent: set[str] = field(default_factory=set)
    searched: dict[str, int] = field(default_factory=dict)

    def send(self, number: str) -> str:
        self.sent.add(re.sub(r"\D", "", number))
        return number

    def _look(self, where: str, text: str, found: list[str], *, any_number: bool = True) -> None:
        self.searched[where.split(":")[0]] = self.searched.get(where.split(":")[0], 0) + 1
        squeezed = re.sub(r"(?<=\d)[ -](?=\d)", "", text)
        hits = {d for d in self.sent if d in squeezed}
        if any_number:
            hits |= set(card_numbers_in(text))
        found += [f"{where}: {masked(d)}" for d in sorted(hits)]

    def search(self) -> list[str]:
        """Where a card number was found (masked), empty when none was."""
        self.searched = {}
        found: list[str] = []
        for service in self.databases.urls:
            for where, value in self.databases.text_rows(service):
                self._look(where, value, found)
        nats_store = Path(self.system.var_dir) / "nats"
        for path in sorted(Path(self.system.var_dir).rglob("*")):
            try:
                content = path.read_bytes() if path.is_file() else None
            except FileNotFoundError:  # a store's temporary file, gone meanwhile
                content = None
            if content is not None:
                # NATS's own files hold the streams' messages (read in full below, through
                # NATS) and its bookkeeping, whose numbers (a 30-day limit in nanoseconds)
                # may pass Luhn's check by chance: there, only the numbers sent count.
                self._look(
                    f"file: {path}",
                    content.decode("latin-1"),
                    found,
                    any_number=not path.is_relative_to(nats_store),
                )
        output = self.system.lines + self.system.stderr_lines
        for number, line in enumerate(output):
            self._look(f"launcher output: line {number}", line, found)
        for subject, stream in (("pos.events.>", "POS_EVENTS"), ("pos.dlq.>", "POS_DLQ")):
            for message in asyncio.run(read_stream(self.system.nats_url, subject, stream=stream)):
                self._look(f"stream {stream}", message.decode("utf-8", "replace"), found)
        return found


@pytest.fixture(scope="session")
def card_audit(system: MakeRun, databases: Databases) -> Iterator[CardAudit]:
    """The card numbers sent, searched for once more when the whole session is over.

    Session-scoped and built on `system`, its teardown runs after the last test of the
    session (of every e2e module, whatever their order) and before `system` stops, so
    it also covers card numbers sent by tests that ran after this module's own search
    (`test_no_card_number_is_kept_...`, the last test here). A number found then fails
    the session as an error in this fixture's teardown.
    """
    audit = CardAudit(system, databases)
    yield audit
    found = audit.search()
    if found:
        pytest.fail("card numbers kept after the session:\n" + "\n".join(found[:50]))


# --- the till ---------------------------------------------------------------------------


def pay(
    bistro: Restaurant,
    order_id: str,
    amount: int,
    method: str = "card",
    *,
    key: str | None = None,
    expect: int | None = None,
    **body: Any,
) -> httpx.Response:
    """`POST /api/v1/payments` as the owner, with a fresh Idempotency-Key unless given."""
    payment = {"order_id": order_id, "amount": amount, "method": method, **body}
    if method == "card":
        payment.setdefault("payment_method", VISA)
    headers = {"Idempotency-Key": key or f"till-{uuid.uuid4()}"}
    return bistro.call("POST", "/api/v1/payments", expect, json=payment, headers=headers)


def refund(
    bistro: Restaurant, payment_id: str, amount: int, *, expect: int | None = None, **body: Any
) -> httpx.Response:
    body = {"amount": amount, "reason": "guest complaint", **body}
    headers = {"Idempotency-Key": f"refund-{uuid.uuid4()}"}
    return bistro.call(
        "POST", f"/api/v1/payments/{payment_id}/refunds", expect, json=body, headers=headers
    )


def standing(bistro: Restaurant, order_id: str) -> dict[str, Any]:
    """The order's payments and where its bill stands (payment's view)."""
    result: dict[str, Any] = bistro.call(
        "GET", "/api/v1/payments", 200, params={"order_id": order_id}
    ).json()
    return result


def order_status(bistro: Restaurant, order_id: str) -> str:
    return str(bistro.call("GET", f"/api/v1/orders/{order_id}", 200).json()["status"])


def becomes(bistro: Restaurant, order_id: str, status: str, within: float = 30.0) -> None:
    reached = eventually(lambda: order_status(bistro, order_id) == status, within=within)
    assert reached, f"order {order_id} is {order_status(bistro, order_id)}, not {status}"


def open_drawer(bistro: Restaurant, opening_float: int = 10_000) -> dict[str, Any]:
    session: dict[str, Any] = bistro.call(
        "POST",
        "/api/v1/cash-drawers",
        201,
        json={"drawer": "front", "opening_float": opening_float, "currency": "EUR"},
    ).json()
    return session


def table_status(bistro: Restaurant, table_id: str) -> str:
    return str(bistro.call("GET", f"/api/v1/tables/{table_id}", 200).json()["status"])


@dataclass
class Dinner:
    """The 6135 order: 2 large steaks, fries, 3 glasses of wine, placed."""

    order: dict[str, Any]
    steak: dict[str, Any]
    wine: dict[str, Any]
    fries_line: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.order["id"])


def dinner(bistro: Restaurant, **order: Any) -> Dinner:
    steak, large = bistro.add_sized_product(
        250, stock=5, name="Steak", price=1250, tax_rate_bps=1000
    )
    fries = bistro.add_product(name="Fries", price=450, tax_rate_bps=1000)
    wine = bistro.add_product(stock=10, name="House red", price=650, tax_rate_bps=2000)
    opened = bistro.open_order(**order)
    bistro.add_item(opened["id"], steak["id"], 2, modifiers=[large])
    bistro.add_item(opened["id"], fries["id"], 1)
    bistro.add_item(opened["id"], wine["id"], 3)
    placed = bistro.call("POST", f"/api/v1/orders/{opened['id']}/place", 200).json()
    # (1250 + 250) x 2 + 450 + 650 x 3 = 5400; tax 300 + 45 + 390 = 735.
    assert (placed["subtotal"], placed["tax"], placed["total"]) == (5400, 735, 6135)
    fries_line = next(i for i in placed["items"] if i["product_id"] == fries["id"])
    return Dinner(placed, steak, wine, fries_line)


def pos_core_took(databases: Databases, payment_id: str) -> bool:
    """Whether pos-core has handled this payment's `payment.completed` (it keeps each once)."""
    count = databases.scalar(
        "pos-core",
        "SELECT count(*) FROM order_payments WHERE payment_id = CAST(:id AS uuid)",
        id=payment_id,
    )
    return bool(count)


# --- the tests --------------------------------------------------------------------------


def test_fifty_requests_with_one_idempotency_key_make_one_payment_and_one_charge(
    system: MakeRun,
    new_restaurant: Callable[..., Restaurant],
    simulator: Simulator,
    databases: Databases,
) -> None:
    bistro = new_restaurant("Rush Payment Bistro")
    the_dinner = dinner(bistro)
    body = {
        "order_id": the_dinner.id,
        "amount": 6135,
        "method": "card",
        "payment_method": VISA,
        "tip": 500,
    }
    key = f"terminal-3-{uuid.uuid4()}"
    charged_before = simulator.charges()["total"]
    start = threading.Barrier(50)

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=system.url("gateway"), timeout=60, trust_env=False) as c:
            start.wait()
            return c.post(
                "/api/v1/payments", json=body, headers=bistro.headers() | {"Idempotency-Key": key}
            )

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(post, range(50)))

    statuses = sorted(a.status_code for a in answers)
    unexpected = [(a.status_code, a.text) for a in answers if a.status_code not in {201, 409}]
    assert not unexpected, (statuses, unexpected)
    taken = [a for a in answers if a.status_code == 201]
    first = [a for a in taken if a.headers.get("idempotent-replayed") != "true"]
    assert len(first) == 1, statuses
    payment = first[0].json()
    for replay in taken:
        assert replay.json() == payment
    for busy in (a for a in answers if a.status_code == 409):
        assert busy.headers["content-type"] == PROBLEM
        assert int(busy.headers["retry-after"]) >= 1

    # One payment, one ledger row for it, one charge at the processor.
    assert payment["status"] == "completed"
    assert (payment["amount"], payment["tip"], payment["balance_after"]) == (6135, 500, 0)
    assert payment["card"] == {"brand": "visa", "last4": "4242"}
    bill = standing(bistro, the_dinner.id)
    assert [p["id"] for p in bill["items"]] == [payment["id"]]
    assert (bill["paid"], bill["tips"], bill["balance"]) == (6135, 500, 0)
    ledger = databases.scalar(
        "payment",
        "SELECT count(*) FROM ledger_entries"
        " WHERE payment_id = CAST(:id AS uuid) AND kind = 'payment'",
        id=payment["id"],
    )
    assert ledger == 1
    assert simulator.charges_for(payment["id"]) == 1
    assert simulator.charges()["total"] == charged_before + 1

    # The same key with another body, and no key at all: refused, nothing recorded.
    reused = bistro.call(
        "POST",
        "/api/v1/payments",
        json={**body, "amount": 100},
        headers={"Idempotency-Key": key},
    )
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"] == PROBLEM
    keyless = bistro.call("POST", "/api/v1/payments", json={**body, "amount": 100})
    assert keyless.status_code == 400, keyless.text
    assert keyless.headers["content-type"] == PROBLEM
    assert len(standing(bistro, the_dinner.id)["items"]) == 1
    assert simulator.charges()["total"] == charged_before + 1
    becomes(bistro, the_dinner.id, "paid")


def test_an_order_paid_in_three_parts_is_paid_after_the_third_sells_its_stock_and_frees_its_table(
    system: MakeRun, new_restaurant: Callable[..., Restaurant], databases: Databases
) -> None:
    bistro = new_restaurant("Three Parts Bistro")
    open_drawer(bistro)
    table = bistro.add_table("T7")
    the_dinner = dinner(bistro, type="dine_in", table_id=table["id"], guests=4)
    assert eventually(lambda: table_status(bistro, table["id"]) == "occupied")
    assert bistro.stock(the_dinner.steak["id"])["reserved"] == 2

    # pos-core's own /pay is gone, and records nothing.
    gone = bistro.call("POST", f"/api/v1/orders/{the_dinner.id}/pay")
    assert gone.status_code == 410
    assert "POST /api/v1/payments" in gone.json()["detail"]

    first = pay(bistro, the_dinner.id, 2000, expect=201).json()
    second = pay(bistro, the_dinner.id, 2000, expect=201).json()
    assert (first["balance_after"], second["balance_after"]) == (4135, 2135)
    for part in (first, second):
        assert eventually(lambda part=part: pos_core_took(databases, part["id"]))
        assert order_status(bistro, the_dinner.id) == "placed"

    third = pay(bistro, the_dinner.id, 2135, "cash", tendered=3000, expect=201).json()
    assert (third["change_given"], third["balance_after"]) == (865, 0)
    becomes(bistro, the_dinner.id, "paid")

    # inventory commits the hold from order.paid: on hand drops by what was ordered.
    def sold() -> bool:
        steak, wine = (bistro.stock(p["id"]) for p in (the_dinner.steak, the_dinner.wine))
        return (steak["on_hand"], steak["reserved"], wine["on_hand"], wine["reserved"]) == (
            3,
            0,
            7,
            0,
        )

    assert eventually(sold), (
        bistro.stock(the_dinner.steak["id"]),
        bistro.stock(the_dinner.wine["id"]),
    )

    # The restaurant leaves closing to staff (the default): the table is free once closed.
    assert table_status(bistro, table["id"]) == "occupied"
    bistro.call("POST", f"/api/v1/orders/{the_dinner.id}/close", 200)
    assert eventually(lambda: table_status(bistro, table["id"]) == "free")

    completed = events_of_order(system, "payment.completed", the_dinner.id, at_least=3)
    assert sorted(e["data"]["payment_id"] for e in completed) == sorted(
        p["id"] for p in (first, second, third)
    )
    [paid] = events_of_order(system, "order.paid", the_dinner.id)
    assert paid["data"]["totals"]["total"] == 6135


def test_a_restaurant_that_closes_paid_orders_frees_the_table_with_the_last_payment(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    bistro = new_restaurant("Quick Turn Bistro")
    settings = bistro.call("PATCH", "/api/v1/restaurant", 200, json={"close_when_paid": True})
    assert settings.json()["close_when_paid"] is True
    table = bistro.add_table("T7")
    # A copy of the profile reaches pos-core through restaurant.profile_changed; an order
    # placed after that settles under the new setting.
    the_dinner = dinner(bistro, type="dine_in", table_id=table["id"])
    assert eventually(lambda: table_status(bistro, table["id"]) == "occupied")

    pay(bistro, the_dinner.id, 6135, expect=201)
    becomes(bistro, the_dinner.id, "closed")
    assert eventually(lambda: table_status(bistro, table["id"]) == "free")


def test_a_declined_card_leaves_the_order_placed_and_its_balance_whole(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Declined Bistro")
    the_dinner = dinner(bistro)

    declined = pay(bistro, the_dinner.id, 6135, payment_method=DECLINED)
    assert declined.status_code == 402, declined.text
    assert declined.headers["content-type"] == PROBLEM
    problem = declined.json()
    assert problem["type"].endswith("card-declined")
    assert problem["decline_code"] == "generic_decline"

    assert order_status(bistro, the_dinner.id) == "placed"
    bill = standing(bistro, the_dinner.id)
    assert (bill["paid"], bill["balance"]) == (0, 6135)
    [failed] = events_of_order(system, "payment.failed", the_dinner.id)
    assert failed["data"]["payment_id"] == problem["payment_id"]
    assert failed["data"]["reason"] == "generic_decline"
    # The guest pays with another card: the order is settled as usual.
    pay(bistro, the_dinner.id, 6135, expect=201)
    becomes(bistro, the_dinner.id, "paid")


def test_the_daily_report_adds_up_a_day_at_the_till_as_by_hand_and_its_csv_agrees(
    system: MakeRun, new_restaurant: Callable[..., Restaurant]
) -> None:
    bistro = new_restaurant("Report Bistro")
    drawer = open_drawer(bistro, 10_000)
    the_dinner = dinner(bistro)

    first = pay(bistro, the_dinner.id, 2000, tip=300, expect=201).json()
    overpaid = pay(bistro, the_dinner.id, 5000)
    assert overpaid.status_code == 409, overpaid.text
    assert overpaid.json()["balance"] == 4135
    assert "4135" in overpaid.json()["detail"]
    declined = pay(bistro, the_dinner.id, 1000, payment_method=DECLINED)
    assert declined.status_code == 402
    second = pay(bistro, the_dinner.id, 2000, expect=201).json()
    third = pay(bistro, the_dinner.id, 2135, "cash", tendered=3000, expect=201).json()
    becomes(bistro, the_dinner.id, "paid")

    # The fries came cold: their line (450 + 45 tax) goes back to the first card.
    too_much = refund(bistro, second["id"], 2001)
    assert too_much.status_code == 409, too_much.text
    fries = the_dinner.fries_line
    given_back = refund(
        bistro, first["id"], fries["line_total"], lines=[fries["id"]], expect=201
    ).json()
    assert given_back["amount"] == fries["line_total"] == 495
    [refunded] = events_of_order(system, "payment.refunded", the_dinner.id)
    assert refunded["data"]["lines"] == [fries["id"]]
    assert refunded["data"]["amount"] == 495

    counted = bistro.call(
        "POST", f"/api/v1/cash-drawers/{drawer['id']}/close", 200, json={"counted": 12_100}
    ).json()
    assert (counted["expected"], counted["variance"]) == (12_135, -35)

    # By hand: three payments of the one order, the decline and the 409s took nothing.
    zone = ZoneInfo(bistro.call("GET", "/api/v1/restaurant", 200).json()["timezone"])
    days = {
        datetime.fromisoformat(p["completed_at"]).astimezone(zone).date()
        for p in (first, second, third)
    }
    if len(days) > 1:
        pytest.skip("the payments straddled midnight in the restaurant's time zone")
    [day] = days
    owner = first["taken_by"]
    expected = {
        "date": day.isoformat(),
        "currency": "EUR",
        "gross_sales": 2000 + 2000 + 2135,
        "tax": 735,  # the whole order was paid: all of its tax
        "tips": 300,
        "rounding": 0,
        "refunds": 495,
        "net_sales": 6135 - 495,
        "orders": 1,
        "by_method": [
            {"method": "card", "sales": 4000, "tips": 300, "refunds": 495, "payments": 2},
            {"method": "cash", "sales": 2135, "tips": 0, "refunds": 0, "payments": 1},
        ],
        # The owner placed the order (the tip is theirs) and took every payment.
        "by_staff": [{"staff_id": owner, "sales": 6135, "tips": 300, "payments": 3}],
        "cash_variance": -35,
        "drawers": [{"session_id": drawer["id"], "drawer": "front", "variance": -35}],
    }
    report = bistro.call(
        "GET", "/api/v1/reports/daily-sales", 200, params={"date": day.isoformat()}
    ).json()
    assert {k: report[k] for k in expected} == expected

    exported = bistro.call(
        "GET",
        "/api/v1/reports/daily-sales",
        200,
        params={"date": day.isoformat()},
        headers={"Accept": "text/csv"},
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = {
        (r["section"], r["key"], r["figure"]): r["value"]
        for r in csv.DictReader(io.StringIO(exported.text))
    }
    for figure in ("gross_sales", "tax", "tips", "rounding", "refunds", "net_sales", "orders"):
        assert int(rows[("summary", "", figure)]) == expected[figure], figure
    assert int(rows[("summary", "", "cash_variance")]) == -35
    assert rows[("report", "", "date")] == day.isoformat()
    for method in expected["by_method"]:
        for figure in ("sales", "tips", "refunds", "payments"):
            assert int(rows[("method", method["method"], figure)]) == method[figure]
    for figure in ("sales", "tips", "payments"):
        assert int(rows[("staff", owner, figure)]) == expected["by_staff"][0][figure]
    assert int(rows[("drawer", drawer["id"], "variance")]) == -35


def test_a_hanging_processor_leaves_the_payment_pending_until_the_reconciler_completes_it(
    new_restaurant: Callable[..., Restaurant], simulator: Simulator
) -> None:
    bistro = new_restaurant("Slow Card Bistro")
    the_dinner = dinner(bistro)
    key = f"hang-{uuid.uuid4()}"
    simulator.hang(True)
    try:
        started = time.monotonic()
        answer = pay(bistro, the_dinner.id, 6135, key=key)
        waited = time.monotonic() - started
    finally:
        simulator.hang(False)

    # Within the processor's timeout (and a generous allowance for the rest of the way).
    assert waited < PROCESSOR_TIMEOUT + 10, waited
    assert answer.status_code == 202, answer.text
    pending = answer.json()
    assert pending["status"] == "pending"
    assert order_status(bistro, the_dinner.id) == "placed"

    # The held charge runs now; the reconciler asks again with the same key and settles.
    def completed() -> bool:
        payment = bistro.call("GET", f"/api/v1/payments/{pending['id']}", 200).json()
        return payment["status"] == "completed"

    assert eventually(completed, within=120, every=1.0), "the reconciler never completed it"
    assert simulator.charges_for(pending["id"]) == 1
    becomes(bistro, the_dinner.id, "paid")
    # A retry with the same key now replays the final answer, charging nothing more.
    replay = pay(bistro, the_dinner.id, 6135, key=key)
    assert replay.status_code == 201, replay.text
    assert replay.headers["idempotent-replayed"] == "true"
    assert simulator.charges_for(pending["id"]) == 1


def test_with_pos_core_frozen_a_payment_is_taken_and_the_order_is_paid_when_it_returns(
    system: MakeRun, new_restaurant: Callable[..., Restaurant], databases: Databases
) -> None:
    bistro = new_restaurant("Frozen Core Bistro")
    the_dinner = dinner(bistro)

    def copied() -> bool:
        status = databases.scalar(
            "payment",
            "SELECT status FROM orders WHERE order_id = CAST(:id AS uuid)",
            id=the_dinner.id,
        )
        return bool(status == "placed")

    assert eventually(copied), "payment never saw order.placed"

    pos_core = system.service_process("pos-core")
    os.kill(pos_core.pid, signal.SIGSTOP)
    try:
        taken = pay(bistro, the_dinner.id, 6135)
    finally:
        os.kill(pos_core.pid, signal.SIGCONT)
    assert taken.status_code == 201, taken.text
    assert taken.json()["status"] == "completed"
    assert taken.json()["balance_after"] == 0
    becomes(bistro, the_dinner.id, "paid", within=60)


def test_another_restaurant_cannot_read_pay_refund_or_report_on_these_orders(
    new_restaurant: Callable[..., Restaurant],
) -> None:
    mine, theirs = new_restaurant("Our Bistro"), new_restaurant("Their Bistro")
    the_dinner = dinner(mine)
    payment = pay(mine, the_dinner.id, 1000, expect=201).json()
    missing = str(uuid.uuid4())

    def both(method: str, path: str, params: dict[str, str] | None = None, **kwargs: Any) -> None:
        """Their answer for our order or payment is exactly the answer for a missing one."""
        answers = []
        for order_id, payment_id in ((the_dinner.id, payment["id"]), (missing, missing)):
            query = {k: v.format(order=order_id) for k, v in (params or {}).items()}
            headers = {"Idempotency-Key": f"intruder-{uuid.uuid4()}"}
            answers.append(
                theirs.call(
                    method,
                    path.format(order=order_id, payment=payment_id),
                    params=query,
                    headers=headers,
                    **kwargs,
                )
            )
        tried, absent = answers
        assert tried.status_code == absent.status_code == 404, (method, path, tried.text)
        assert tried.headers["content-type"] == PROBLEM

    both("GET", "/api/v1/orders/{order}")
    both("GET", "/api/v1/payments/{payment}")
    both("GET", "/api/v1/payments/{payment}/refunds")
    both("GET", "/api/v1/payments", params={"order_id": "{order}"})
    both("POST", "/api/v1/orders/{order}/split", json={"parts": 2})
    both("POST", "/api/v1/payments/{payment}/refunds", json={"amount": 100, "reason": "mine"})
    for order_id in (the_dinner.id, missing):
        paying = pay(theirs, order_id, 1000)
        assert paying.status_code == 404, paying.text

    # The lists and the report of their day hold nothing of ours.
    assert theirs.call("GET", "/api/v1/payments", 200).json()["items"] == []
    day = datetime.fromisoformat(payment["completed_at"]).date().isoformat()
    their_day = theirs.call("GET", "/api/v1/reports/daily-sales", 200, params={"date": day})
    assert (their_day.json()["gross_sales"], their_day.json()["orders"]) == (0, 0)
    our_day = mine.call("GET", "/api/v1/reports/daily-sales", 200, params={"date": day})
    assert our_day.json()["gross_sales"] == 1000
    # And ours is as it was.
    bill = standing(mine, the_dinner.id)
    assert (bill["paid"], bill["balance"]) == (1000, 5135)
    assert [p["id"] for p in bill["items"]] == [payment["id"]]


def test_a_card_number_in_any_field_is_refused_and_never_echoed(
    new_restaurant: Callable[..., Restaurant], card_audit: CardAudit
) -> None:
    bistro = new_restaurant("Careful Bistro")
    drawer = open_drawer(bistro)
    the_dinner = dinner(bistro)
    payment = pay(bistro, the_dinner.id, 1000, expect=201).json()
    send = card_audit.send
    base = {"order_id": the_dinner.id, "amount": 1000, "method": "card", "payment_method": VISA}
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/payments", {**base, "payment_method": send("4242424242424242")}),
        ("/api/v1/payments", {**base, "order_id": send("4111 1111 1111 1111")}),
        ("/api/v1/payments", {**base, "lines": [send("5555-5555-5555-4444")]}),
        ("/api/v1/payments", {**base, "method": "cash", "drawer": send("378282246310005")}),
        ("/api/v1/payments", {**base, "method": "cash", "tendered": int(send("6011111111111117"))}),
        ("/api/v1/payments", {**base, "note": f"card {send('4000 0566 5566 5556')} exp 12/30"}),
        ("/api/v1/payments", {**base, send("5105105105105100"): "as a field name"}),
        (
            f"/api/v1/payments/{payment['id']}/refunds",
            {"amount": 100, "reason": f"back to {send('4012888888881881')}"},
        ),
        (
            f"/api/v1/cash-drawers/{drawer['id']}/paid-in",
            {"amount": 100, "reason": send("4222222222222")},
        ),
        ("/api/v1/cash-drawers", {"drawer": send("3056930009020004"), "opening_float": 0}),
        (f"/api/v1/orders/{the_dinner.id}/split", {"parts": 2, "memo": send("6011000990139424")}),
    ]
    for path, body in attempts:
        headers = {"Idempotency-Key": f"card-{uuid.uuid4()}"}
        refused = bistro.call("POST", path, json=body, headers=headers)
        assert refused.status_code == 422, (path, refused.text)
        assert refused.headers["content-type"] == PROBLEM
        squeezed = re.sub(r"[ -]", "", refused.text)
        assert not any(number in squeezed for number in card_audit.sent), path
        assert card_numbers_in(refused.text) == [], path

    # Nothing was taken or given back by any of them.
    assert [p["id"] for p in standing(bistro, the_dinner.id)["items"]] == [payment["id"]]
    assert bistro.call("GET", f"/api/v1/payments/{payment['id']}", 200).json()["refunded"] == 0


def test_the_card_number_search_finds_a_number_wherever_it_stands() -> None:
    """The search below is only worth its silence if it would speak: a check of the check."""
    assert card_numbers_in('{"pan": "4242 4242 4242 4242"}') == ["4242424242424242"]
    assert card_numbers_in("paid with 5555-5555-5555-4444.") == ["5555555555554444"]
    assert card_numbers_in("378282246310005") == ["378282246310005"]
    assert card_numbers_in("4242424242424241") == []  # the checksum fails
    assert card_numbers_in("order 4242424242") == []  # too short
    # Digits that are part of an id: a UUID, a hex id, a longer number.
    assert card_numbers_in("1a2b4242424242424242c3d4") == []
    assert card_numbers_in("4242424242424242-abcd-4ef0") == []
    assert card_numbers_in("42424242424242424242") == []


def test_no_card_number_is_kept_in_any_database_log_or_event(
    system: MakeRun, card_audit: CardAudit
) -> None:
    """After every card-number test above (this is the module's last test; `card_audit`
    searches again when the session ends, after other modules' tests too)."""
    found = card_audit.search()
    assert not found, "card numbers kept:\n" + "\n".join(found[:50])
    # The search read real data from every source.
    for source in ("pos-core", "payment", "inventory", "restaurant", "auth", "launcher output"):
        assert card_audit.searched.get(source, 0) > 0, (source, card_audit.searched)
    assert card_audit.searched.get("stream POS_EVENTS", 0) > 0
    assert any(k.startswith("file") for k in card_audit.searched)
