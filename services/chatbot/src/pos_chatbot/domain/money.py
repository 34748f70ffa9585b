"""Amounts as guests read and write them: minor units <-> "€12.50" or "12,50 €"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ISO 4217 exponents that are not 2 (the others are).
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF"}
# Languages that write the symbol first and a decimal point ("€12.50"); the others
# write "12,50 €".
_SYMBOL_FIRST = frozenset({"en"})

# A written amount: a number with a currency symbol or code beside it, or a number with
# exactly two decimals (what a price looks like even without its currency).
_SYMBOL = r"(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|JPY|euros?|dollars?|pounds?)\b)"
_NUMBER = r"\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})*(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?"
AMOUNT_RE = re.compile(
    rf"(?P<before>{_SYMBOL})\s?(?P<n1>{_NUMBER})"
    rf"|(?P<n2>{_NUMBER})\s?(?P<after>{_SYMBOL})"
    rf"|(?<![\d.,])(?P<n3>\d+[.,]\d{{2}})(?![\d.,]*\d)",
    re.IGNORECASE,
)


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_amount(amount: int, currency: str, language: str = "en") -> str:
    """`1250, "EUR"` -> "€12.50" in English, "12,50 €" in French, German or Spanish."""
    places = exponent(currency)
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount), 10**places)
    symbol = SYMBOLS.get(currency.upper(), currency.upper())
    if language in _SYMBOL_FIRST:
        number = f"{units}.{cents:0{places}d}" if places else str(units)
        spacer = " " if symbol.isalpha() else ""
        return f"{sign}{symbol}{spacer}{number}"
    number = f"{units},{cents:0{places}d}" if places else str(units)
    return f"{sign}{number} {symbol}"


def parse_number(text: str, currency: str) -> int | None:
    """A written number ("15", "15.5", "1,234.50", "12,50") in the currency's minor units."""
    digits = re.sub(r"[\u202f\u00a0 ]", "", text)
    if "," in digits and "." in digits:
        # Both separators: the last one is the decimal mark.
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        digits = digits.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in digits or "." in digits:
        mark = "," if "," in digits else "."
        whole, _, fraction = digits.rpartition(mark)
        if len(fraction) == 3 and exponent(currency) != 3:
            digits = digits.replace(mark, "")  # "1,250": a thousands separator
        else:
            digits = f"{whole.replace(mark, '')}.{fraction}"
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    minor = value * 10 ** exponent(currency)
    return int(minor) if minor == minor.to_integral_value() else None


def amounts_in(text: str, currency: str) -> list[tuple[re.Match[str], int]]:
    """Every amount written in `text`, read in `currency`, with where it is written."""
    found = []
    for match in AMOUNT_RE.finditer(text):
        number = match.group("n1") or match.group("n2") or match.group("n3")
        value = parse_number(number, currency)
        if value is not None:
            found.append((match, value))
    return found
