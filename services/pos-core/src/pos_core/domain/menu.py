"""A product as inventory describes it when an item is added, and choosing its modifiers.

Inventory owns the menu; pos-core copies what it needs onto the order line at the
moment the item is added, so a later change of price or name never alters an
open order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from pos_core.domain.errors import InvalidModifiers


@dataclass(frozen=True)
class ModifierOption:
    id: uuid.UUID
    name: str
    price_delta: int


@dataclass(frozen=True)
class ModifierGroup:
    id: uuid.UUID
    name: str
    min_select: int
    max_select: int
    options: tuple[ModifierOption, ...]


@dataclass(frozen=True)
class Product:
    id: uuid.UUID
    name: str
    price: int
    currency: str
    tax_rate_bps: int
    available: bool
    modifier_groups: tuple[ModifierGroup, ...] = ()


@dataclass(frozen=True)
class ChosenModifier:
    """A modifier option on an order line, copied from the menu when the item was added."""

    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


def choose_modifiers(
    product: Product, option_ids: Sequence[uuid.UUID]
) -> tuple[ChosenModifier, ...]:
    """Check a choice of options against the product's groups; the chosen options, in menu order.

    Every id must be an option of this product, none twice, and each group's count
    must lie between its `min_select` and `max_select` (a group with min_select 1
    must be answered even when the guest chose nothing).
    """
    if len(set(option_ids)) != len(option_ids):
        repeated = sorted({str(i) for i in option_ids if option_ids.count(i) > 1})
        raise InvalidModifiers(
            f"A modifier option was chosen more than once: {', '.join(repeated)}."
        )
    where: dict[uuid.UUID, ModifierGroup] = {
        option.id: group for group in product.modifier_groups for option in group.options
    }
    unknown = [str(i) for i in option_ids if i not in where]
    if unknown:
        raise InvalidModifiers(
            f"{product.name} has no modifier option {', '.join(unknown)}.",
        )
    chosen_ids = set(option_ids)
    chosen: list[ChosenModifier] = []
    for group in product.modifier_groups:
        picked = [o for o in group.options if o.id in chosen_ids]
        if len(picked) < group.min_select:
            raise InvalidModifiers(
                f"{product.name}: choose at least {group.min_select} of '{group.name}'"
                f" ({len(picked)} chosen)."
            )
        if len(picked) > group.max_select:
            raise InvalidModifiers(
                f"{product.name}: choose at most {group.max_select} of '{group.name}'"
                f" ({len(picked)} chosen)."
            )
        chosen.extend(
            ChosenModifier(
                group_id=group.id,
                group_name=group.name,
                option_id=o.id,
                name=o.name,
                price_delta=o.price_delta,
            )
            for o in picked
        )
    return tuple(chosen)
