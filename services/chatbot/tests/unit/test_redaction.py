"""Redaction: personal data never stored or sent to an LLM; menu talk left as it is."""

from __future__ import annotations

import pytest

from pos_chatbot.domain.redaction import redact


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("mail me at jo.doe+menu@mail.example.com", "mail me at [email]"),
        ("my card is 4111 1111 1111 1111, thanks", "my card is [card number], thanks"),
        ("card 4111-1111-1111-1111", "card [card number]"),
        ("call +33 6 12 34 56 78 or (555) 123-4567", "call [phone] or [phone]"),
        ("table 12, 2 pizzas at €12.50, under 15", "table 12, 2 pizzas at €12.50, under 15"),
    ],
)
def test_personal_data_becomes_a_placeholder(said: str, kept: str) -> None:
    assert redact(said) == kept


def test_a_long_number_failing_the_luhn_check_is_not_called_a_card() -> None:
    assert redact("ref 4111 1111 1111 1112") == "ref [phone]"
