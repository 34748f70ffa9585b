"""Card numbers are found wherever they hide, and nothing else ever looks like one."""

from __future__ import annotations

import uuid

import pytest

from pos_kit.cards import card_numbers_in, find_card_number, luhn_valid


@pytest.mark.parametrize(
    "number", ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117"]
)
def test_test_cards_pass_the_luhn_check(number: str) -> None:
    assert luhn_valid(number)


def test_a_changed_digit_fails_the_luhn_check() -> None:
    assert not luhn_valid("4242424242424241")


@pytest.mark.parametrize(
    "text",
    [
        "4242424242424242",
        "card: 4242 4242 4242 4242.",
        "5555-5555-5555-4444",
        "amex 3782 822463 10005 thanks",
        "4000056655665556",
    ],
)
def test_card_numbers_are_found_grouped_or_not(text: str) -> None:
    assert len(list(card_numbers_in(text))) == 1


@pytest.mark.parametrize(
    "text",
    [
        "4242424242424241",  # checksum wrong
        "424242424242",  # 12 digits
        "42424242424242424242",  # 20 digits
        "ref4242424242424242",  # glued to letters: part of an id
        "4242424242424242x",
        "2026-11-25T19:30:00.123456+00:00",
        "4242  4242  4242  4242",  # runs of 4 apart are not one number
    ],
)
def test_other_digits_are_not_card_numbers(text: str) -> None:
    assert list(card_numbers_in(text)) == []


def test_ids_never_look_like_card_numbers() -> None:
    # A UUID's digit groups can form 13-19 digits between dashes; bounded by letters or
    # running past 19 digits, they are never taken for a card.
    samples = [str(uuid.uuid4()) for _ in range(20_000)] + [
        "12345678-1234-4123-8123-123456789abc",
        "a2345678-1234-4123-8123-123456789012",
        uuid.uuid4().hex,
    ]
    assert [s for s in samples if list(card_numbers_in(s))] == []


def test_where_a_card_number_hides_is_named_but_not_shown() -> None:
    body = {
        "order_id": str(uuid.uuid4()),
        "amount": 1000,
        "meta": {"notes": ["fine", "pay with 4242 4242 4242 4242"]},
    }

    assert find_card_number(body) == "meta.notes[1]"
    assert find_card_number({"amount": 4242424242424242}) == "amount"
    assert find_card_number({"4242424242424242": 1}) == "a field's name"
    assert find_card_number({"amount": 1000, "method": "card", "ok": True}) is None
