"""Stripe's bracketed form fields read back into the nested params they encode."""

from __future__ import annotations

import pytest

from pos_card_simulator.forms import MalformedParameter, decode


def test_nested_hashes_and_indexed_lists_are_rebuilt() -> None:
    params = decode(
        [
            ("amount", "2000"),
            ("metadata[order_id]", "o-1"),
            ("metadata[tenant_id]", "t-1"),
            ("expand[0]", "payment_method"),
            ("allowed_payment_method_types[0]", "card"),
            ("a[b][c]", "deep"),
        ]
    )

    assert params == {
        "amount": "2000",
        "metadata": {"order_id": "o-1", "tenant_id": "t-1"},
        "expand": ["payment_method"],
        "allowed_payment_method_types": ["card"],
        "a": {"b": {"c": "deep"}},
    }


def test_empty_brackets_append_and_indexes_keep_their_order() -> None:
    assert decode([("x[]", "a"), ("x[]", "b")]) == {"x": ["a", "b"]}
    assert decode([("x[1]", "b"), ("x[0]", "a")]) == {"x": ["a", "b"]}


@pytest.mark.parametrize("key", ["a[b", "[x]", "a]b", "a[b]c"])
def test_a_key_the_notation_cannot_read_is_refused(key: str) -> None:
    with pytest.raises(MalformedParameter):
        decode([(key, "v")])


def test_a_value_and_a_hash_under_one_name_are_refused() -> None:
    with pytest.raises(MalformedParameter):
        decode([("a", "1"), ("a[b]", "2")])
