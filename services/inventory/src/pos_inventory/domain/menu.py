"""The menu: categories, menu items (products) and the modifier groups a guest chooses from."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, ClassVar

from pos_inventory.domain.currencies import is_currency
from pos_inventory.domain.errors import InvalidInput

# Minor units: a million in a two-decimal currency is no restaurant's price.
MAX_PRICE = 100_000_000
MAX_PRICE_DELTA = 10_000_000
MAX_TAX_RATE_BPS = 10_000  # 100 %
MAX_MODIFIER_GROUPS = 20
MAX_OPTIONS_PER_GROUP = 50
MAX_LABELS = 20
MAX_LABEL_LENGTH = 40


@dataclass(frozen=True)
class ModifierOption:
    id: uuid.UUID
    name: str
    price_delta: int  # minor units; negative for a cheaper choice ("Small -100")


@dataclass(frozen=True)
class ModifierGroup:
    """A choice on a menu item: "Size" (exactly one) or "Extras" (up to three)."""

    id: uuid.UUID
    name: str
    min_choices: int
    max_choices: int
    options: tuple[ModifierOption, ...]

    def check(self, field: str) -> None:
        if not self.options:
            raise InvalidInput(
                f"Modifier group '{self.name}' needs at least one option.", field=f"{field}.options"
            )
        if len(self.options) > MAX_OPTIONS_PER_GROUP:
            raise InvalidInput(
                f"Modifier group '{self.name}' has more than {MAX_OPTIONS_PER_GROUP} options.",
                field=f"{field}.options",
            )
        if self.min_choices < 0 or self.max_choices < 1:
            raise InvalidInput(
                f"Modifier group '{self.name}': min_choices must be at least 0 "
                "and max_choices at least 1.",
                field=field,
            )
        if self.min_choices > self.max_choices:
            raise InvalidInput(
                f"Modifier group '{self.name}': min_choices ({self.min_choices}) is more than "
                f"max_choices ({self.max_choices}).",
                field=f"{field}.min_choices",
            )
        if self.max_choices > len(self.options):
            raise InvalidInput(
                f"Modifier group '{self.name}': max_choices ({self.max_choices}) is more than "
                f"its {len(self.options)} option(s).",
                field=f"{field}.max_choices",
            )
        _ensure_unique((o.name for o in self.options), f"{field}.options", "option name")
        for i, option in enumerate(self.options):
            if abs(option.price_delta) > MAX_PRICE_DELTA:
                raise InvalidInput(
                    f"Option '{option.name}': a price delta is at most {MAX_PRICE_DELTA} "
                    "minor units either way.",
                    field=f"{field}.options.{i}.price_delta",
                )

    def lowest_delta(self) -> int:
        """The most a guest can take off the price through this group (zero or negative)."""
        deltas = sorted(o.price_delta for o in self.options)
        required = sum(deltas[: self.min_choices])
        optional = sum(d for d in deltas[self.min_choices : self.max_choices] if d < 0)
        return required + optional


def check_modifier_groups(groups: tuple[ModifierGroup, ...], price: int) -> None:
    field = "body.modifier_groups"
    if len(groups) > MAX_MODIFIER_GROUPS:
        raise InvalidInput(f"At most {MAX_MODIFIER_GROUPS} modifier groups.", field=field)
    for i, group in enumerate(groups):
        group.check(f"{field}.{i}")
    _ensure_unique((g.name for g in groups), field, "modifier group name")
    ids = [g.id for g in groups] + [o.id for g in groups for o in g.options]
    if len(ids) != len(set(ids)):
        raise InvalidInput("Modifier group and option ids must be unique.", field=field)
    lowest = price + sum(g.lowest_delta() for g in groups)
    if lowest < 0:
        raise InvalidInput(
            f"Some choice of modifiers would bring the price to {lowest}; "
            "no combination may cost less than nothing.",
            field=field,
        )


def modifier_groups_document(groups: Iterable[ModifierGroup]) -> list[dict[str, Any]]:
    """Modifier groups as JSON-ready data: as they are stored, answered and published."""
    return [
        {
            "id": str(g.id),
            "name": g.name,
            "min_choices": g.min_choices,
            "max_choices": g.max_choices,
            "options": [
                {"id": str(o.id), "name": o.name, "price_delta": o.price_delta} for o in g.options
            ],
        }
        for g in groups
    ]


def modifier_groups_from(document: Iterable[Mapping[str, Any]]) -> tuple[ModifierGroup, ...]:
    """Modifier groups read from that data; a group or option without an id gets a new one."""
    return tuple(
        ModifierGroup(
            id=_id_or_new(g.get("id")),
            name=g["name"],
            min_choices=g["min_choices"],
            max_choices=g["max_choices"],
            options=tuple(
                ModifierOption(
                    id=_id_or_new(o.get("id")), name=o["name"], price_delta=o["price_delta"]
                )
                for o in g["options"]
            ),
        )
        for g in document
    )


def _id_or_new(value: str | None) -> uuid.UUID:
    return uuid.UUID(value) if value is not None else uuid.uuid4()


def _ensure_unique(names: Iterable[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen:
            raise InvalidInput(f"The {what} '{name}' appears twice.", field=field)
        seen.add(key)


def normalise_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Tags and allergens: trimmed, each once (compared case-insensitively), order kept."""
    out: list[str] = []
    seen: set[str] = set()
    for label in labels:
        label = label.strip()
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            out.append(label)
    return tuple(out)


@dataclass
class Category:
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    description: str
    position: int  # where it sits on the menu; lower first
    created_at: datetime
    updated_at: datetime

    def revise(self, changes: Mapping[str, Any], now: datetime) -> bool:
        """Apply a partial update; True if anything changed."""
        return _revise(self, changes, ("name", "description", "position"), now)


@dataclass
class Product:
    """A menu item. Prices are integer minor units of `currency`; tax is in basis points."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    description: str
    price: int
    currency: str
    category_id: uuid.UUID | None
    sku: str | None
    tax_rate_bps: int
    tags: tuple[str, ...]
    allergens: tuple[str, ...]
    available: bool  # False: the item is "86'd" and cannot be ordered
    track_stock: bool
    modifier_groups: tuple[ModifierGroup, ...]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    EDITABLE: ClassVar[tuple[str, ...]] = (
        "name",
        "description",
        "price",
        "currency",
        "category_id",
        "sku",
        "tax_rate_bps",
        "tags",
        "allergens",
        "available",
        "track_stock",
        "modifier_groups",
    )

    def __post_init__(self) -> None:
        self.tags = normalise_labels(self.tags)
        self.allergens = normalise_labels(self.allergens)

    def check(self) -> None:
        """The rules every menu item keeps, whoever wrote it."""
        if not 0 <= self.price <= MAX_PRICE:
            raise InvalidInput(
                f"A price is between 0 and {MAX_PRICE} minor units.", field="body.price"
            )
        if not 0 <= self.tax_rate_bps <= MAX_TAX_RATE_BPS:
            raise InvalidInput(
                "A tax rate is between 0 and 10000 basis points.", field="body.tax_rate_bps"
            )
        if not is_currency(self.currency):
            raise InvalidInput(
                f"'{self.currency}' is not an ISO 4217 currency code.", field="body.currency"
            )
        for name, labels in (("tags", self.tags), ("allergens", self.allergens)):
            if len(labels) > MAX_LABELS or any(len(x) > MAX_LABEL_LENGTH for x in labels):
                raise InvalidInput(
                    f"At most {MAX_LABELS} {name} of at most {MAX_LABEL_LENGTH} characters.",
                    field=f"body.{name}",
                )
        check_modifier_groups(self.modifier_groups, self.price)

    def revise(self, changes: Mapping[str, Any], now: datetime) -> bool:
        """Apply a partial update, keeping the rules; True if anything changed."""
        return _revise(self, changes, self.EDITABLE, now)


def _revise(
    item: Category | Product, changes: Mapping[str, Any], editable: tuple[str, ...], now: datetime
) -> bool:
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    candidate = replace(item, **changes)
    if isinstance(candidate, Product):
        candidate.check()
    if all(getattr(candidate, f) == getattr(item, f) for f in editable):
        return False
    for f in fields(item):
        if f.name in editable:
            setattr(item, f.name, getattr(candidate, f.name))
    item.updated_at = now
    if isinstance(item, Product):
        item.version += 1
    return True
