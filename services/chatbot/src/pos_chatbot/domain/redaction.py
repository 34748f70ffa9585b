"""Personal data out of what is kept or sent to an LLM: e-mails, phone and card numbers.

Applied to a guest's words before anything is stored or leaves the service. A card
number is 13 to 19 digits (spaces or dashes between groups allowed) that pass the Luhn
check; any other run of eight or more digits reads as a phone number. Prices, table
numbers and quantities are shorter and stay as written.

The Luhn check is `pos_kit.cards`', but the net is wider than its `card_numbers_in`:
digits glued to letters (`card4111...`) are redacted too. Refusing a request, the kernel
must never mistake an id for a card; redacting a guest's words, hiding an id by mistake
costs nothing, and letting a card through would.
"""

from __future__ import annotations

import re

from pos_kit.cards import MAX_DIGITS, MIN_DIGITS, luhn_valid

EMAIL = "[email]"
PHONE = "[phone]"
CARD = "[card number]"

_EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_CARD_RE = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
_PHONE_RE = re.compile(r"(?<![\w])\+?\(?\d(?:[\d ().-]*\d)?(?![\w])")
_MIN_PHONE_DIGITS = 8


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    is_card = MIN_DIGITS <= len(digits) <= MAX_DIGITS and luhn_valid(digits)
    return CARD if is_card else match.group(0)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return PHONE if len(digits) >= _MIN_PHONE_DIGITS else match.group(0)


def redact(text: str) -> str:
    """`text` with e-mail addresses, card numbers and phone numbers replaced by placeholders."""
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _CARD_RE.sub(_card, text)
    return _PHONE_RE.sub(_phone, text)
