"""One restaurant's menu as the chatbot's copy holds it: items, their modifiers, their versions."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

# A deleted item is kept as a tombstone whose version beats every other: inventory never
# brings a deleted item back, so no `product.updated` arriving late may resurrect it.
TOMBSTONE_VERSION = 2**62


@dataclass(frozen=True)
class ModifierOption:
    id: uuid.UUID
    name: str
    price_delta: int


@dataclass(frozen=True)
class ModifierGroup:
    id: uuid.UUID
    name: str
    min_choices: int
    max_choices: int
    options: tuple[ModifierOption, ...]


@dataclass(frozen=True)
class MenuItem:
    """A dish or drink, exactly as inventory last described it (prices in minor units)."""

    id: uuid.UUID
    name: str
    description: str
    price: int
    currency: str
    tags: tuple[str, ...]
    allergens: tuple[str, ...]
    available: bool
    modifier_groups: tuple[ModifierGroup, ...]
    category_id: uuid.UUID | None
    version: int

    def option(self, option_id: uuid.UUID) -> tuple[ModifierGroup, ModifierOption] | None:
        for group in self.modifier_groups:
            for option in group.options:
                if option.id == option_id:
                    return group, option
        return None


@dataclass(frozen=True)
class Menu:
    """What one restaurant serves, as the copy knows it now (deleted items left out)."""

    items: tuple[MenuItem, ...]

    def get(self, product_id: uuid.UUID) -> MenuItem | None:
        for item in self.items:
            if item.id == product_id:
                return item
        return None

    @property
    def currency(self) -> str | None:
        """The restaurant's currency: the one most of its prices are in."""
        counts = Counter(item.currency for item in self.items)
        return counts.most_common(1)[0][0] if counts else None
