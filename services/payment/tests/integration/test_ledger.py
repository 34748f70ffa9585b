"""The ledger is append-only: the database refuses to change or remove an entry."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE ledger_entries SET amount = amount + 1 WHERE payment_id = :p",
        "DELETE FROM ledger_entries WHERE payment_id = :p",
    ],
)
async def test_a_ledger_entry_cannot_be_changed_or_removed(restaurant, database, change) -> None:
    payment = await restaurant.paid(restaurant.order(1000), 1000)

    with pytest.raises(DBAPIError, match="append-only"):
        async with database.unit_of_work() as uow:
            await uow.session.execute(text(change), {"p": uuid.UUID(payment["id"])})

    async with database.unit_of_work() as uow:
        amounts = await uow.session.scalars(
            text("SELECT amount FROM ledger_entries WHERE payment_id = :p"),
            {"p": uuid.UUID(payment["id"])},
        )
        assert list(amounts) == [1000]
