"""Personal data out of what is kept or sent to an LLM: e-mails, phone and card numbers.

Applied to a guest's words before anything is stored or leaves the service. A card
number is 13 to 19 digits (spaces or dashes between groups allowed) that pass the Luhn
check; any other run of eight or more digits reads as a phone number. Prices, table
numbers and quantities are shorter and stay as written.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
CARD = "[card number]"

_EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_CARD_RE = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
_PHONE_RE = re.compile(r"(?<![\w])\+?\(?\d(?:[\d ().-]*\d)?(?![\w])")
_MIN_PHONE_DIGITS = 8


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return CARD if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group(0)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return PHONE if len(digits) >= _MIN_PHONE_DIGITS else match.group(0)


def redact(text: str) -> str:
    """`text` with e-mail addresses, card numbers and phone numbers replaced by placeholders."""
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _CARD_RE.sub(_card, text)
    return _PHONE_RE.sub(_phone, text)
