"""A guest's draft order: lines checked against the menu copy, then put in front of staff.

A draft is open while the guest builds it, submitted once they send it to staff (it no
longer changes), and accepted when a member of staff turns it into a pos-core order.
After that the guest's next line starts a new draft.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_chatbot.domain.errors import DraftLocked, InvalidChoice, SoldOut
from pos_chatbot.domain.menu import MenuItem

# pos-core's limits on an order's items, so that a submitted draft is one it accepts.
MAX_LINES = 50
MAX_QUANTITY = 100
MAX_NOTES_LENGTH = 500
MAX_MODIFIERS = 30


class DraftStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class ChosenOption:
    group_id: uuid.UUID
    group_name: str
    option_id: uuid.UUID
    name: str
    price_delta: int


@dataclass(frozen=True)
class DraftLine:
    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    quantity: int
    # The copy's price when the line was added, for the guest's eyes: pos-core prices
    # the order from inventory when staff accept it.
    unit_price: int
    currency: str
    options: tuple[ChosenOption, ...]
    notes: str | None

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Draft:
    id: uuid.UUID
    status: DraftStatus = DraftStatus.OPEN
    lines: tuple[DraftLine, ...] = ()
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    order_id: uuid.UUID | None = None

    @property
    def total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def currency(self) -> str | None:
        return self.lines[0].currency if self.lines else None

    def with_line(self, line: DraftLine) -> Draft:
        self._must_be_open()
        if len(self.lines) >= MAX_LINES:
            raise InvalidChoice(f"A draft holds at most {MAX_LINES} lines.")
        if self.currency is not None and line.currency != self.currency:
            raise InvalidChoice("Every line of a draft is priced in the same currency.")
        return replace(self, lines=(*self.lines, line))

    def without_line(self, line_id: uuid.UUID) -> Draft:
        self._must_be_open()
        kept = tuple(line for line in self.lines if line.id != line_id)
        if len(kept) == len(self.lines):
            raise InvalidChoice("The draft has no such line.")
        return replace(self, lines=kept)

    def submitted(self, at: datetime) -> Draft:
        self._must_be_open()
        if not self.lines:
            raise InvalidChoice("Add at least one line before sending the draft to staff.")
        return replace(self, status=DraftStatus.SUBMITTED, submitted_at=at)

    def accepted(self, *, order_id: uuid.UUID, by: str, at: datetime) -> Draft:
        if self.status is not DraftStatus.SUBMITTED:
            raise DraftLocked("Only a draft the guest submitted can be accepted.")
        return replace(
            self, status=DraftStatus.ACCEPTED, order_id=order_id, accepted_by=by, accepted_at=at
        )

    def _must_be_open(self) -> None:
        if self.status is DraftStatus.SUBMITTED:
            raise DraftLocked("The draft is with staff now; it can no longer change.")
        if self.status is DraftStatus.ACCEPTED:
            raise DraftLocked("The draft became an order; start a new one.")


def draft_to_build(current: Draft | None, new_id: uuid.UUID) -> Draft:
    """The draft a new line goes to: the open one, or a fresh one after an accepted order."""
    if current is None or current.status is DraftStatus.ACCEPTED:
        return Draft(id=new_id)
    return current


def line_for(
    item: MenuItem,
    *,
    line_id: uuid.UUID,
    quantity: int,
    option_ids: tuple[uuid.UUID, ...],
    notes: str | None,
) -> DraftLine:
    """A line of `quantity` of `item` with the chosen options, if the menu allows it."""
    if not item.available:
        raise SoldOut(item.name)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidChoice(f"A quantity is between 1 and {MAX_QUANTITY}.")
    if notes is not None and len(notes) > MAX_NOTES_LENGTH:
        raise InvalidChoice(f"Notes are limited to {MAX_NOTES_LENGTH} characters.")
    if len(option_ids) > MAX_MODIFIERS:
        raise InvalidChoice(f"At most {MAX_MODIFIERS} choices a line.")
    if len(set(option_ids)) != len(option_ids):
        raise InvalidChoice("Each choice may be made once.")
    chosen = []
    for option_id in option_ids:
        found = item.option(option_id)
        if found is None:
            raise InvalidChoice(f"{item.name} has no choice {option_id}.")
        group, option = found
        chosen.append(
            ChosenOption(group.id, group.name, option.id, option.name, option.price_delta)
        )
    per_group = Counter(option.group_id for option in chosen)
    for group in item.modifier_groups:
        count = per_group[group.id]
        if count < group.min_choices:
            raise InvalidChoice(
                f"{item.name}: choose at least {group.min_choices} of {group.name}."
            )
        if count > group.max_choices:
            raise InvalidChoice(f"{item.name}: choose at most {group.max_choices} of {group.name}.")
    return DraftLine(
        id=line_id,
        product_id=item.id,
        name=item.name,
        quantity=quantity,
        unit_price=item.price + sum(option.price_delta for option in chosen),
        currency=item.currency,
        options=tuple(chosen),
        notes=notes or None,
    )
