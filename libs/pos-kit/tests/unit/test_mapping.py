"""Copying by field name between rows, domain objects and answers."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pos_kit.mapping import build
from pos_kit.repository import column_values
from pos_kit.schemas import ResponseModel


class Status(enum.StrEnum):
    OPEN = "open"
    PLACED = "placed"


@dataclass
class Dish:
    id: uuid.UUID
    name: str
    status: Status
    previous: Status | None = None
    notes: list[str] = field(default_factory=list)


class Base(DeclarativeBase):
    pass


class DishRow(Base):
    __tablename__ = "dishes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(20))
    previous: Mapped[str | None] = mapped_column(sa.String(20))
    tenant_id: Mapped[uuid.UUID]


def a_row(**values: object) -> DishRow:
    return DishRow(
        **{"id": uuid.uuid4(), "name": "Soup", "status": "placed", "previous": "open"} | values
    )


def test_a_row_becomes_a_domain_object_with_its_enums() -> None:
    row = a_row()
    dish = build(Dish, row, notes=["no salt"])
    assert dish == Dish(row.id, "Soup", Status.PLACED, Status.OPEN, ["no salt"])


def test_a_missing_optional_field_keeps_its_default_and_none_stays_none() -> None:
    dish = build(Dish, a_row(previous=None))
    assert dish.previous is None
    assert dish.notes == []


def test_a_field_without_a_default_must_come_from_somewhere() -> None:
    class Partial:
        id = uuid.uuid4()
        status = "open"

    with pytest.raises(TypeError, match="name"):
        build(Dish, Partial())


def test_a_domain_object_fills_the_columns_it_has_with_enum_values() -> None:
    dish = Dish(uuid.uuid4(), "Soup", Status.OPEN)
    tenant = uuid.uuid4()
    values = column_values(dish, DishRow, tenant_id=tenant)
    assert values == {
        "id": dish.id,
        "name": "Soup",
        "status": "open",
        "previous": None,
        "tenant_id": tenant,
    }
    assert "notes" not in values  # not a column
    assert column_values(dish, DishRow, exclude=("name",)).keys() == {"id", "status", "previous"}


def test_an_override_must_be_a_column() -> None:
    with pytest.raises(TypeError, match="colour"):
        column_values(Dish(uuid.uuid4(), "Soup", Status.OPEN), DishRow, colour="red")


def test_a_table_works_as_well_as_a_mapped_class() -> None:
    values = column_values(Dish(uuid.uuid4(), "Soup", Status.OPEN), DishRow.__table__)
    assert values["status"] == "open"


def test_an_answer_is_read_from_a_domain_object() -> None:
    class DishOut(ResponseModel):
        id: uuid.UUID
        name: str
        status: Status
        notes: list[str]

    dish = Dish(uuid.uuid4(), "Soup", Status.PLACED, notes=["hot"])
    assert DishOut.model_validate(dish).model_dump() == {
        "id": dish.id,
        "name": "Soup",
        "status": Status.PLACED,
        "notes": ["hot"],
    }
