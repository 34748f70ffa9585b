"""Menus for the unit tests: a bistro's, built from plain domain objects."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pos_chatbot.domain.menu import Menu, MenuItem, ModifierGroup, ModifierOption


def menu_item(name: str, price: int, **fields: Any) -> MenuItem:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "name": name,
        "description": "",
        "price": price,
        "currency": "EUR",
        "tags": (),
        "allergens": (),
        "available": True,
        "modifier_groups": (),
        "category_id": None,
        "version": 1,
    }
    return MenuItem(**(values | fields))


def choices(name: str, *options: tuple[str, int], least: int = 0, most: int = 1) -> ModifierGroup:
    return ModifierGroup(
        uuid.uuid4(),
        name,
        least,
        most,
        tuple(ModifierOption(uuid.uuid4(), option, delta) for option, delta in options),
    )


BISTRO = (
    ("French onion soup", 750, {"allergens": ("gluten", "milk"), "tags": ("vegetarian",)}),
    ("Burrata", 1150, {"allergens": ("milk",), "tags": ("vegetarian",)}),
    ("Steak tartare", 1350, {"allergens": ("egg", "mustard")}),
    ("Green salad", 650, {"allergens": ("mustard",), "tags": ("vegan",)}),
    ("Bistro burger", 1650, {"description": "Aged beef, brioche bun, pickles, fries.",
                             "allergens": ("gluten", "milk", "mustard")}),
    ("Steak frites", 2450, {"allergens": ("egg", "milk")}),
    ("Mushroom risotto", 1550, {"allergens": ("milk",), "tags": ("vegetarian",)}),
    ("Sea bass", 2250, {"allergens": ("fish", "milk"), "available": False}),
    ("Fries", 450, {"tags": ("vegan",)}),
    ("Tarte tatin", 900, {"allergens": ("gluten", "milk", "egg"), "tags": ("vegetarian",)}),
    ("Cheese board", 1400, {"allergens": ("milk", "gluten", "nuts")}),
    ("Walnut cake", 800, {"allergens": ("nuts",), "tags": ("vegan",)}),
    ("Fresh lemonade", 450, {"tags": ("vegan",),
                             "modifier_groups": (choices("Size", ("Regular", 0), ("Large", 250),
                                                         least=1),)}),
    ("House red (glass)", 650, {"allergens": ("sulphites",)}),
)  # fmt: skip


@pytest.fixture
def bistro() -> Menu:
    return Menu(tuple(menu_item(name, price, **fields) for name, price, fields in BISTRO))


@pytest.fixture
def dish_named(bistro: Menu) -> Any:
    def find(name: str) -> MenuItem:
        (found,) = [item for item in bistro.items if item.name == name]
        return found

    return find
