"""The daily sales report: the business day's ledger entries, added up.

A business day is a calendar day in the restaurant's time zone. Sales are the
payment entries (tips and rounding apart), tax is each order's tax in proportion
to what was paid of it that day, refunds are given back on that day, and net sales
are sales less refunds. Cash variance is that of the drawer sessions closed that day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pos_payment.domain.drawers import DrawerSession
from pos_payment.domain.errors import MixedCurrencies
from pos_payment.domain.ledger import EntryKind, LedgerEntry
from pos_payment.domain.money import pro_rata
from pos_payment.domain.orders import Order


def business_day(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The instants (aware) a day starts and the next one starts, in `timezone`."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


@dataclass(frozen=True)
class MethodTotals:
    method: str
    sales: int
    tips: int
    refunds: int
    payments: int  # how many payments


@dataclass(frozen=True)
class StaffTotals:
    staff_id: str
    sales: int  # payments this person took
    tips: int  # tips recorded for this person (the order's server)
    payments: int


@dataclass(frozen=True)
class ClosedDrawer:
    session_id: uuid.UUID
    drawer: str
    variance: int


@dataclass(frozen=True)
class DailySales:
    day: date
    timezone: str
    currency: str | None
    gross_sales: int
    tax: int
    tips: int
    rounding: int
    refunds: int
    net_sales: int
    orders: int
    by_method: list[MethodTotals]
    by_staff: list[StaffTotals]
    cash_variance: int
    drawers: list[ClosedDrawer]


def daily_sales(
    *,
    day: date,
    timezone: str,
    entries: Iterable[LedgerEntry],
    orders: Mapping[uuid.UUID, Order],
    closed_drawers: Iterable[DrawerSession],
) -> DailySales:
    """Add up the day's `entries`; `orders` are the copies of the orders paid that day."""
    entries = list(entries)
    currencies = {e.currency for e in entries}
    if len(currencies) > 1:
        raise MixedCurrencies(currencies)
    totals: dict[EntryKind, int] = defaultdict(int)
    by_method: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_staff: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    paid_per_order: dict[uuid.UUID, int] = defaultdict(int)
    for entry in entries:
        totals[entry.kind] += entry.amount
        method = entry.method.value if entry.method else "none"
        staff = entry.staff_id or "unknown"
        if entry.kind is EntryKind.PAYMENT:
            by_method[method]["sales"] += entry.amount
            by_method[method]["payments"] += 1
            by_staff[staff]["sales"] += entry.amount
            by_staff[staff]["payments"] += 1
            if entry.order_id is not None:
                paid_per_order[entry.order_id] += entry.amount
        elif entry.kind is EntryKind.TIP:
            by_method[method]["tips"] += entry.amount
            by_staff[staff]["tips"] += entry.amount
        elif entry.kind is EntryKind.REFUND:
            by_method[method]["refunds"] -= entry.amount
    drawers = [
        ClosedDrawer(s.id, s.drawer, s.variance or 0)
        for s in sorted(closed_drawers, key=lambda s: (s.closed_at, s.id))
    ]
    gross = totals[EntryKind.PAYMENT]
    refunds = -totals[EntryKind.REFUND]
    return DailySales(
        day=day,
        timezone=timezone,
        currency=next(iter(currencies), None),
        gross_sales=gross,
        tax=sum(
            _tax_share(orders.get(order_id), paid) for order_id, paid in paid_per_order.items()
        ),
        tips=totals[EntryKind.TIP],
        rounding=totals[EntryKind.ROUNDING],
        refunds=refunds,
        net_sales=gross - refunds,
        orders=len(paid_per_order),
        by_method=[
            MethodTotals(name, t["sales"], t["tips"], t["refunds"], t["payments"])
            for name, t in sorted(by_method.items())
        ],
        by_staff=[
            StaffTotals(name, t["sales"], t["tips"], t["payments"])
            for name, t in sorted(by_staff.items())
        ],
        cash_variance=sum(d.variance for d in drawers),
        drawers=drawers,
    )


def _tax_share(order: Order | None, paid: int) -> int:
    """The tax in what was paid of an order: its tax in proportion to its total."""
    if order is None or order.tax is None or order.total is None:
        return 0
    return pro_rata(order.tax, paid, order.total)
