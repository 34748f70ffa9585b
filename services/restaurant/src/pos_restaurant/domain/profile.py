"""The restaurant's profile: its name and address on receipts, its currency, tax and time zone,
and how it takes payments (cash rounding, who may take them, when a paid order closes).

Its `version` is 1 when the profile opens and one more with every edit: other
services keep a copy fed by `restaurant.profile_changed` and keep the highest
version they saw, as events can arrive out of order.
"""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from pos_restaurant.domain.errors import InvalidValue

MAX_NAME_LENGTH = 200
MAX_ADDRESS_LENGTH = 500
MAX_FOOTER_LENGTH = 500
# Basis points: 10000 is 100 %. A tax above the price itself is a typo, not a tax.
MAX_TAX_RATE_BPS = 10_000
# Cash is rounded to this many minor units (1: not at all; 5: Swiss francs' 5 centimes).
# Beyond 1000 (ten euros) it is no longer rounding; the payment service has the same bound.
MAX_CASH_ROUNDING_MINOR_UNITS = 1_000

# ISO 4217 codes of currencies in circulation (funds, metals and test codes left out:
# nobody prices a dinner in XAU).
_CURRENCY_CODES = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD",
    "BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN",
    "ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD",
    "IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD",
    "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD",
    "OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP",
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD",
    "UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG",
)
CURRENCIES = frozenset(code for line in _CURRENCY_CODES for code in line.split())


@functools.cache
def _iana_zones() -> frozenset[str]:
    # The IANA keys only (no "posix/..." or "right/..." file paths); read once.
    return frozenset(zoneinfo.available_timezones())


def check_currency(code: str) -> str:
    """An ISO 4217 code, upper-cased: 'eur' is taken as EUR."""
    normalised = code.strip().upper()
    if normalised not in CURRENCIES:
        raise InvalidValue("currency", f"{code!r} is not an ISO 4217 currency code like EUR.")
    return normalised


def check_timezone(name: str) -> str:
    """An IANA time zone such as Europe/Paris: receipts and day reports use it."""
    if name not in _iana_zones():
        raise InvalidValue("timezone", f"{name!r} is not an IANA time zone like Europe/Paris.")
    return name


def check_tax_rate_bps(bps: int) -> int:
    if not 0 <= bps <= MAX_TAX_RATE_BPS:
        raise InvalidValue(
            "default_tax_rate_bps",
            f"The tax rate is in basis points, 0 to {MAX_TAX_RATE_BPS} (100 %); got {bps}.",
        )
    return bps


def check_cash_rounding(minor_units: int) -> int:
    if not 1 <= minor_units <= MAX_CASH_ROUNDING_MINOR_UNITS:
        raise InvalidValue(
            "cash_rounding_minor_units",
            f"Cash is rounded to 1 to {MAX_CASH_ROUNDING_MINOR_UNITS} minor units "
            f"(1: no rounding); got {minor_units}.",
        )
    return minor_units


def check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise InvalidValue("name", f"The name needs 1 to {MAX_NAME_LENGTH} characters.")
    return name


def _optional_text(field: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise InvalidValue(field, f"At most {limit} characters.")
    return value or None


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Marks a field an edit leaves as it is (None means "clear it")."""


@dataclass
class RestaurantProfile:
    tenant_id: uuid.UUID
    name: str
    address: str | None
    currency: str
    timezone: str
    default_tax_rate_bps: int
    receipt_footer: str | None
    # How the restaurant takes payments (read by the payment service and pos-core).
    cash_rounding_minor_units: int
    waiters_take_payments: bool
    # A fully paid dine-in order closes at once (freeing its table), or waits for staff.
    close_when_paid: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def open(
        cls,
        *,
        tenant_id: uuid.UUID,
        name: str,
        currency: str,
        timezone: str,
        default_tax_rate_bps: int,
        now: datetime,
    ) -> RestaurantProfile:
        """The profile a restaurant starts with at sign-up: its name and the defaults."""
        return cls(
            tenant_id=tenant_id,
            name=check_name(name),
            address=None,
            currency=check_currency(currency),
            timezone=check_timezone(timezone),
            default_tax_rate_bps=check_tax_rate_bps(default_tax_rate_bps),
            receipt_footer=None,
            cash_rounding_minor_units=1,
            waiters_take_payments=False,
            close_when_paid=False,
            version=1,
            created_at=now,
            updated_at=now,
        )

    def edit(
        self,
        *,
        now: datetime,
        name: str | _Keep = KEEP,
        address: str | _Keep | None = KEEP,
        currency: str | _Keep = KEEP,
        timezone: str | _Keep = KEEP,
        default_tax_rate_bps: int | _Keep = KEEP,
        receipt_footer: str | _Keep | None = KEEP,
        cash_rounding_minor_units: int | _Keep = KEEP,
        waiters_take_payments: bool | _Keep = KEEP,
        close_when_paid: bool | _Keep = KEEP,
    ) -> None:
        """Apply the given changes all together, or none of them if one is refused."""
        new_name = self.name if name is KEEP else check_name(name)
        new_address = (
            self.address
            if address is KEEP
            else _optional_text("address", address, MAX_ADDRESS_LENGTH)
        )
        new_currency = self.currency if currency is KEEP else check_currency(currency)
        new_timezone = self.timezone if timezone is KEEP else check_timezone(timezone)
        new_tax = (
            self.default_tax_rate_bps
            if default_tax_rate_bps is KEEP
            else check_tax_rate_bps(default_tax_rate_bps)
        )
        new_footer = (
            self.receipt_footer
            if receipt_footer is KEEP
            else _optional_text("receipt_footer", receipt_footer, MAX_FOOTER_LENGTH)
        )
        new_rounding = (
            self.cash_rounding_minor_units
            if cash_rounding_minor_units is KEEP
            else check_cash_rounding(cash_rounding_minor_units)
        )
        self.name, self.address, self.currency = new_name, new_address, new_currency
        self.timezone, self.default_tax_rate_bps = new_timezone, new_tax
        self.receipt_footer = new_footer
        self.cash_rounding_minor_units = new_rounding
        self.waiters_take_payments = (
            self.waiters_take_payments if waiters_take_payments is KEEP else waiters_take_payments
        )
        self.close_when_paid = self.close_when_paid if close_when_paid is KEEP else close_when_paid
        self.version += 1
        self.updated_at = now
