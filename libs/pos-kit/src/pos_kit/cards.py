"""Card numbers, to keep them out: no service stores, logs or forwards one (PCI DSS).

The payment service refuses any request holding one (it takes processor tokens only);
the chatbot replaces them before anything is stored or sent to an LLM. Framework-free.

A card number (PAN) is 13 to 19 digits, possibly grouped by single spaces or dashes,
whose Luhn checksum holds. Digits that run on into a word (letters, or a dash and
more of the word) are part of something else: that keeps UUIDs, hexadecimal ids and
times from ever looking like a card, so refusing card numbers never refuses a
well-formed request by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

MIN_DIGITS = 13
MAX_DIGITS = 19
# Digits with at most one space or dash between two of them, as people type cards.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d)*")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) checksum every card number carries in its last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where in `text` each card number is written (start, end), grouping included."""
    for run in _DIGIT_RUN.finditer(text):
        if _joined(text, run.start() - 1, -1) or _joined(text, run.end(), 1):
            continue
        digits = re.sub(r"\D", "", run.group())
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS and luhn_valid(digits):
            yield run.start(), run.end()


def card_numbers_in(text: str) -> Iterator[str]:
    """Every card number written in `text`, as its digits."""
    for start, end in card_number_spans(text):
        yield re.sub(r"\D", "", text[start:end])


def without_card_numbers(text: str, placeholder: str = "[card number]") -> str:
    """`text` with every card number replaced by `placeholder`."""
    for start, end in reversed(list(card_number_spans(text))):
        text = text[:start] + placeholder + text[end:]
    return text


def _joined(text: str, index: int, step: int) -> bool:
    """Whether the digits run on into a word at `index`: a letter or digit, or a dash and
    then one (a UUID's next group, `...4981-a1ab...`)."""
    if not 0 <= index < len(text):
        return False
    neighbour = text[index]
    if neighbour == "-":
        index += step
        return 0 <= index < len(text) and text[index].isalnum()
    return neighbour.isalnum()


def find_card_number(value: Any, where: str = "") -> str | None:
    """Where in a request's value (at any depth, keys included) a card number is, or None.

    The place is a path such as `lines[2]` or `meta.note`, never the number itself. A
    JSON number counts too: a card number sent as an integer is a card number all the same.
    """
    if isinstance(value, str):
        if next(card_numbers_in(value), None) is None:
            return None
        return where or "the body"
    if isinstance(value, int) and not isinstance(value, bool):
        return find_card_number(str(value), where)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if find_card_number(key) is not None:
                return "a field's name"
            found = find_card_number(item, f"{where}.{key}" if where else str(key))
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_card_number(item, f"{where}[{index}]")
            if found is not None:
                return found
    return None
