"""The printed receipt: width, alignment, money from minor units, lines that add up."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from pos_core.domain.orders import OrderStatus, OrderType
from pos_core.domain.receipts import build_receipt, printable, render_text, two_columns

LOCAL = datetime(2026, 11, 25, 20, 5, tzinfo=UTC)
AMOUNT = re.compile(r"(-?\d+\.\d{2})$")


def receipt_of(order, **overrides):
    values = {
        "restaurant_name": "Trattoria da Gino",
        "local_time": LOCAL,
        "table_label": "T12",
        "fallback_currency": "EUR",
        "footer": "Grazie!",
    }
    values.update(overrides)
    return build_receipt(order, **values)


@pytest.fixture
def dinner(make):
    pizza = make.pizza()
    cola = make.product("Cola", 350, tax_rate_bps=2000)
    pasta = make.product("Spaghetti alla chitarra con ragù di cinghiale e pecorino", 1850)
    return make.order(
        make.item(pizza, 2, modifiers=("Large", "Extra cheese"), notes="well done, no basil"),
        make.item(pizza, 1, modifiers=("Regular",)),
        make.item(cola, 3),
        make.item(pasta),
        number=42,
        guests=4,
        status=OrderStatus.PAID,
    )


@pytest.mark.parametrize("width", [42, 48])
def test_no_line_is_wider_than_the_paper(dinner, width: int) -> None:
    text = render_text(receipt_of(dinner), width=width)
    assert text.endswith("\n")
    assert max(len(line) for line in text.splitlines()) == width


@pytest.mark.parametrize("width", [42, 48])
def test_amounts_are_right_aligned_and_add_up_to_the_subtotal(dinner, width: int) -> None:
    lines = render_text(receipt_of(dinner), width=width).splitlines()
    rules = [n for n, line in enumerate(lines) if line == "-" * width]
    body = lines[rules[0] + 1 : rules[1]]
    amounts = [AMOUNT.search(line) for line in body]
    priced = [line for line, found in zip(body, amounts, strict=True) if found]
    assert all(len(line) == width for line in priced)
    cents = sum(int(m.group(1).replace(".", "")) for m in amounts if m)
    assert cents == dinner.totals.subtotal == 7400


def test_the_layout_of_a_dinner(dinner) -> None:
    text = render_text(receipt_of(dinner), width=42)
    lines = text.splitlines()
    assert lines[0] == "Trattoria da Gino".center(42).rstrip()
    assert lines[2] == "Order #42" + " " * 26 + "Dine in"
    assert lines[3] == "2026-11-25 20:05 UTC"
    assert lines[4] == "Table T12, 4 guests"
    assert "Status: paid" in lines
    assert "2 x Margherita" + " " * 23 + "24.00" in lines
    assert "    + Large" + " " * 27 + "6.00" in lines
    assert "    + Regular" in lines  # a free choice shows no amount
    assert "    Note: well done, no basil" in lines
    # A long name wraps under itself, the amount stays on the first line.
    [first] = [n for n, line in enumerate(lines) if line.startswith("1 x Spaghetti")]
    assert lines[first].endswith("18.50")
    assert lines[first + 1].startswith("    ")
    assert "pecorino" in lines[first + 1]
    assert "Subtotal" + " " * 29 + "74.00" in lines
    assert "Tax 10% on 63.50" + " " * 22 + "6.35" in lines
    assert "Tax 20% on 10.50" + " " * 22 + "2.10" in lines
    assert "Tax total" + " " * 29 + "8.45" in lines
    assert "TOTAL EUR" + " " * 28 + "82.45" in lines
    assert "Prices exclude tax." in text


def test_one_tax_rate_prints_one_tax_line(make) -> None:
    order = make.order(make.item(make.product("Soup", 1010, tax_rate_bps=500)))
    text = render_text(receipt_of(order))
    assert "Tax 5%" + " " * 32 + "0.51" in text.splitlines()
    assert "Tax total" not in text
    assert "Status: open" in text


def test_currencies_without_decimals_print_whole_units(make) -> None:
    order = make.order(make.item(make.product("Ramen", 1200, currency="JPY"), 2))
    lines = render_text(receipt_of(order), width=42).splitlines()
    assert "2 x Ramen" + " " * 29 + "2400" in lines
    assert any(line.startswith("TOTAL JPY") and line.endswith("2640") for line in lines)


def test_an_empty_order_prints_in_the_restaurants_currency(make) -> None:
    order = make.order(type=OrderType.TAKEOUT, table_id=uuid.uuid4(), guests=None)
    text = render_text(receipt_of(order, fallback_currency="CHF"), width=42)
    assert "TOTAL CHF" in text
    assert text.splitlines()[-4].endswith("0.00")
    assert "guest" not in text


def test_printer_commands_in_names_and_notes_are_neutralised(make) -> None:
    order = make.order(
        make.item(make.product("Cola\x1b@\x1bd\x09", 350), notes="line\nbreak\x07"),
    )
    text = render_text(receipt_of(order, restaurant_name="Bar\x1b!\x30"))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\t" not in text
    assert "    Note: line break" in text.splitlines()
    assert printable("a\x00b\r\nc") == "a b c"


def test_only_80mm_widths_are_offered(dinner) -> None:
    with pytest.raises(ValueError, match="42 or 48 columns"):
        render_text(receipt_of(dinner), width=32)


def test_two_columns_pads_to_the_width() -> None:
    assert two_columns("Subtotal", "12.00", 20) == ["Subtotal       12.00"]
    assert two_columns("A very long item name indeed", "1.00", 20, indent=2) == [
        "A very long     1.00",
        "  item name",
        "  indeed",
    ]
    assert two_columns("    + Olives", "", 20) == ["    + Olives"]
