"""Receipts: the figures of an order as a guest sees them, and their layout for an 80 mm printer.

An 80 mm thermal printer fits 42 (font A) or 48 (font B) columns. Amounts are
right-aligned; on the item line the amount is the product's price times the
quantity, and each priced modifier gets its own indented line with its delta
times the quantity, so the right-hand column adds up to the subtotal. Prices
exclude tax; tax follows per rate.
"""

from __future__ import annotations

import textwrap
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_core.domain.money import Totals, format_amount, format_rate
from pos_core.domain.orders import Order, OrderItem, OrderStatus, OrderType
from pos_kit.mapping import build

RECEIPT_WIDTHS = (42, 48)
_TYPE_LABELS = {
    OrderType.DINE_IN: "Dine in",
    OrderType.TAKEOUT: "Takeout",
    OrderType.DELIVERY: "Delivery",
}


@dataclass(frozen=True)
class ReceiptModifier:
    name: str
    amount: int  # price delta * quantity; 0 for a free choice


@dataclass(frozen=True)
class ReceiptLine:
    quantity: int
    name: str
    unit_price: int
    base_amount: int  # base price * quantity
    amount: int  # (base price + modifier deltas) * quantity
    tax_rate_bps: int
    modifiers: tuple[ReceiptModifier, ...]
    notes: str | None


@dataclass(frozen=True)
class Receipt:
    restaurant_name: str
    restaurant_address: str | None
    order_id: uuid.UUID
    order_number: int
    status: OrderStatus
    order_type: OrderType
    table_label: str | None
    guests: int | None
    issued_at: datetime  # in the restaurant's time zone
    currency: str
    lines: tuple[ReceiptLine, ...]
    totals: Totals
    footer: str


def build_receipt(
    order: Order,
    *,
    restaurant_name: str,
    local_time: datetime,
    table_label: str | None,
    fallback_currency: str,
    footer: str,
    restaurant_address: str | None = None,
) -> Receipt:
    return build(
        Receipt,
        order,
        restaurant_name=restaurant_name,
        restaurant_address=restaurant_address,
        order_id=order.id,
        order_number=order.number,
        order_type=order.type,
        table_label=table_label,
        issued_at=local_time,
        currency=order.currency or fallback_currency,
        lines=tuple(_receipt_line(item) for item in order.items),
        footer=footer,
    )


def _receipt_line(item: OrderItem) -> ReceiptLine:
    return build(
        ReceiptLine,
        item,
        base_amount=item.base_price * item.quantity,
        modifiers=tuple(
            ReceiptModifier(m.name, m.price_delta * item.quantity) for m in item.modifiers
        ),
    )


def printable(text: str) -> str:
    """Printer-safe text: control characters (ESC/POS commands among them) become spaces."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(cleaned.split())


def two_columns(left: str, right: str, width: int, *, indent: int = 0) -> list[str]:
    """`left` and `right` on one line of `width`, right-aligned; long text wraps below.

    Continuation lines start `indent` columns in; a leading indent of `left` is kept.
    """
    room = width - len(right) - 1 if right else width
    wrapped = textwrap.wrap(
        left.rstrip(),
        width=room,
        subsequent_indent=" " * indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [""]
    first, *rest = wrapped
    if right:
        first += " " * (width - len(first) - len(right)) + right
    return [first, *rest]


def _centred(text: str, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in textwrap.wrap(text, width=width) or [""]]


def _wrapped(text: str, width: int, *, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(
        text, width=width, initial_indent=pad, subsequent_indent=pad, break_long_words=True
    )


def render_text(receipt: Receipt, *, width: int = 42) -> str:
    """The receipt as plain text, every line at most `width` columns, ending in a newline."""
    if width not in RECEIPT_WIDTHS:
        raise ValueError(f"an 80 mm receipt is {' or '.join(map(str, RECEIPT_WIDTHS))} columns")
    currency = receipt.currency

    def money(minor: int) -> str:
        return format_amount(minor, currency)

    rule = "-" * width
    out = _centred(printable(receipt.restaurant_name), width)
    if receipt.restaurant_address:
        out += _centred(printable(receipt.restaurant_address), width)
    out.append("")
    out += two_columns(f"Order #{receipt.order_number}", _TYPE_LABELS[receipt.order_type], width)
    out.append(receipt.issued_at.strftime("%Y-%m-%d %H:%M %Z").strip())
    seating = []
    if receipt.table_label:
        seating.append(f"Table {printable(receipt.table_label)}")
    if receipt.guests:
        seating.append(f"{receipt.guests} guest{'s' if receipt.guests != 1 else ''}")
    if seating:
        out += _wrapped(", ".join(seating), width, indent=0)
    if receipt.status is not OrderStatus.CLOSED:
        out.append(f"Status: {receipt.status.value}")
    out.append(rule)

    for line in receipt.lines:
        prefix = f"{line.quantity} x "
        out += two_columns(
            prefix + printable(line.name), money(line.base_amount), width, indent=len(prefix)
        )
        for modifier in line.modifiers:
            amount = money(modifier.amount) if modifier.amount else ""
            out += two_columns("    + " + printable(modifier.name), amount, width, indent=6)
        if line.notes:
            out += _wrapped("Note: " + printable(line.notes), width, indent=4)
    out.append(rule)

    totals = receipt.totals
    out += two_columns("Subtotal", money(totals.subtotal), width)
    several = len(totals.taxes) > 1
    for tax in totals.taxes:
        label = f"Tax {format_rate(tax.rate_bps)}"
        if several:
            label += f" on {money(tax.taxable)}"
        out += two_columns(label, money(tax.tax), width)
    if several or not totals.taxes:
        out += two_columns("Tax total", money(totals.tax), width)
    out += two_columns(f"TOTAL {currency}", money(totals.total), width)
    out.append(rule)
    out += _centred("Prices exclude tax.", width)
    if receipt.footer:
        out += _centred(printable(receipt.footer), width)
    return "\n".join(out) + "\n"
