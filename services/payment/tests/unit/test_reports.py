"""The daily report's arithmetic, and the business day in the restaurant's time zone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from pos_payment.domain.drawers import DrawerSession
from pos_payment.domain.errors import MixedCurrencies
from pos_payment.domain.ledger import EntryKind, LedgerEntry
from pos_payment.domain.orders import Order, OrderStatus
from pos_payment.domain.payments import Method
from pos_payment.domain.reports import business_day, daily_sales

TENANT = uuid.uuid4()
AT = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
DINNER, LUNCH = uuid.uuid4(), uuid.uuid4()


def entry(kind: EntryKind, amount: int, method: Method, staff: str, order=None, **more):
    return LedgerEntry(
        id=uuid.uuid4(),
        tenant_id=TENANT,
        kind=kind,
        amount=amount,
        currency=more.pop("currency", "EUR"),
        created_at=AT,
        staff_id=staff,
        method=method,
        order_id=order,
        **more,
    )


def orders() -> dict[uuid.UUID, Order]:
    def order(id_: uuid.UUID, total: int, tax: int) -> Order:
        return Order(id_, TENANT, OrderStatus.PAID, "EUR", total, tax)

    return {DINNER: order(DINNER, 6135, 558), LUNCH: order(LUNCH, 2000, 182)}


def test_a_day_adds_up_sales_tax_tips_refunds_rounding_by_method_and_staff() -> None:
    drawer = DrawerSession(
        uuid.uuid4(), TENANT, "front", "EUR", 10_000, "m", AT, "m", AT, 12_130, -5
    )
    entries = [
        entry(EntryKind.PAYMENT, 2000, Method.CARD, "ann", DINNER),
        entry(EntryKind.TIP, 300, Method.CARD, "bob", DINNER),
        entry(EntryKind.PAYMENT, 2000, Method.CARD, "ann", DINNER),
        entry(EntryKind.PAYMENT, 2135, Method.CASH, "cid", DINNER),
        entry(EntryKind.ROUNDING, -2, Method.CASH, "cid", DINNER),
        entry(EntryKind.PAYMENT, 1000, Method.EXTERNAL, "ann", LUNCH),
        entry(EntryKind.REFUND, -500, Method.CARD, "mgr", DINNER),
        entry(EntryKind.CASH_IN, 500, Method.CASH, "cid"),
    ]

    day = daily_sales(
        day=date(2026, 11, 25), timezone="UTC", entries=entries, orders=orders(),
        closed_drawers=[drawer],
    )  # fmt: skip

    assert (day.gross_sales, day.tips, day.refunds, day.net_sales) == (7135, 300, 500, 6635)
    assert (day.rounding, day.orders, day.currency) == (-2, 2, "EUR")
    assert day.tax == 558 + 91
    assert [(m.method, m.sales, m.tips, m.refunds, m.payments) for m in day.by_method] == [
        ("card", 4000, 300, 500, 2),
        ("cash", 2135, 0, 0, 1),
        ("external", 1000, 0, 0, 1),
    ]
    assert [(s.staff_id, s.sales, s.tips, s.payments) for s in day.by_staff] == [
        ("ann", 5000, 0, 3),
        ("bob", 0, 300, 0),
        ("cid", 2135, 0, 1),
    ]
    assert (day.cash_variance, [d.variance for d in day.drawers]) == (-5, [-5])


def test_an_empty_day_is_all_zeros() -> None:
    day = daily_sales(
        day=date(2026, 11, 25), timezone="UTC", entries=[], orders={}, closed_drawers=[]
    )

    assert (day.gross_sales, day.tax, day.orders, day.by_method, day.currency) == (
        0, 0, 0, [], None
    )  # fmt: skip


def test_one_report_adds_up_one_currency() -> None:
    entries = [
        entry(EntryKind.PAYMENT, 100, Method.CARD, "a", DINNER),
        entry(EntryKind.PAYMENT, 100, Method.CARD, "a", LUNCH, currency="CHF"),
    ]
    with pytest.raises(MixedCurrencies):
        daily_sales(
            day=date(2026, 11, 25), timezone="UTC", entries=entries, orders=orders(),
            closed_drawers=[],
        )  # fmt: skip


def test_a_business_day_is_the_restaurants_calendar_day_even_across_a_clock_change() -> None:
    start, end = business_day(date(2026, 11, 25), "Europe/Zurich")
    spring_start, spring_end = business_day(date(2026, 3, 29), "Europe/Zurich")

    assert start.astimezone(UTC) == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=24)
    assert spring_end.astimezone(UTC) - spring_start.astimezone(UTC) == timedelta(hours=23)
