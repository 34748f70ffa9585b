"""The demo restaurant's menu: categories, dishes with modifiers, and stock for some of them.

Prices are in cents (EUR), tax rates in basis points (10% food, 20% alcohol: the demo
is a bistro in a country with two VAT rates).
"""

from __future__ import annotations

from typing import Any

import httpx

from pos_launcher.seed_http import SeedError, get_all, post_json, put_json

FOOD = 1000
ALCOHOL = 2000


def _choices(name: str, *options: tuple[str, int], least: int = 0, most: int = 1) -> dict[str, Any]:
    """A modifier group: between `least` and `most` of the options (name, price delta)."""
    return {
        "name": name,
        "min_choices": least,
        "max_choices": most,
        "options": [{"name": option, "price_delta": delta} for option, delta in options],
    }


SIZE = _choices("Size", ("Regular", 0), ("Large", 250), least=1)
BURGER_EXTRAS = _choices(
    "Extras", ("Extra cheese", 120), ("Bacon", 180), ("Fried egg", 150), most=3
)
COOKING = _choices("Cooking", ("Rare", 0), ("Medium", 0), ("Well done", 0), least=1)
MILK = _choices("Milk", ("Oat milk", 40), ("Soy milk", 40))


def _dish(
    name: str,
    price: int,
    description: str,
    *,
    tax: int = FOOD,
    stock: int | None = None,
    allergens: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    modifiers: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    return {
        "name": name,
        "price": price,
        "description": description,
        "tax_rate_bps": tax,
        "allergens": list(allergens),
        "tags": list(tags),
        "modifier_groups": list(modifiers),
        "track_stock": stock is not None,
        "_stock": stock,
    }


MENU: dict[str, list[dict[str, Any]]] = {
    "Starters": [
        _dish(
            "French onion soup",
            750,
            "Slow-cooked onions, gruyère crouton.",
            allergens=("gluten", "milk"),
            tags=("vegetarian",),
        ),
        _dish(
            "Burrata",
            1150,
            "With heirloom tomatoes and basil oil.",
            stock=12,
            allergens=("milk",),
            tags=("vegetarian",),
        ),
        _dish(
            "Steak tartare",
            1350,
            "Hand-cut beef, capers, shallots, egg yolk.",
            stock=8,
            allergens=("egg", "mustard"),
        ),
        _dish(
            "Garlic prawns", 1250, "Sizzling in chilli and garlic oil.", allergens=("crustaceans",)
        ),
        _dish(
            "Green salad",
            650,
            "Little gem, mustard vinaigrette.",
            allergens=("mustard",),
            tags=("vegan",),
        ),
    ],
    "Mains": [
        _dish(
            "Bistro burger",
            1650,
            "Aged beef, brioche bun, pickles, fries.",
            allergens=("gluten", "milk", "mustard"),
            modifiers=(COOKING, BURGER_EXTRAS),
        ),
        _dish(
            "Steak frites",
            2450,
            "Ribeye 300 g, béarnaise, fries.",
            stock=10,
            allergens=("egg", "milk"),
            modifiers=(COOKING,),
        ),
        _dish("Roast chicken", 1850, "Half a free-range chicken, jus, mash.", allergens=("milk",)),
        _dish(
            "Moules marinières",
            1750,
            "Mussels, white wine, cream, fries.",
            stock=15,
            allergens=("molluscs", "milk", "sulphites"),
        ),
        _dish(
            "Mushroom risotto",
            1550,
            "Carnaroli, porcini, parmesan.",
            allergens=("milk",),
            tags=("vegetarian",),
        ),
        _dish(
            "Sea bass",
            2250,
            "Grilled fillet, fennel, lemon butter.",
            stock=6,
            allergens=("fish", "milk"),
        ),
    ],
    "Sides": [
        _dish("Fries", 450, "Twice-cooked.", tags=("vegan",)),
        _dish("Creamed spinach", 550, "With nutmeg.", allergens=("milk",), tags=("vegetarian",)),
        _dish("Sourdough bread", 350, "With salted butter.", allergens=("gluten", "milk")),
    ],
    "Desserts": [
        _dish(
            "Crème brûlée",
            850,
            "Vanilla custard, burnt sugar.",
            stock=20,
            allergens=("egg", "milk"),
            tags=("vegetarian",),
        ),
        _dish(
            "Chocolate mousse",
            800,
            "Dark chocolate, sea salt.",
            allergens=("egg", "milk"),
            tags=("vegetarian",),
        ),
        _dish(
            "Tarte tatin",
            900,
            "With crème fraîche.",
            stock=8,
            allergens=("gluten", "milk", "egg"),
            tags=("vegetarian",),
        ),
        _dish(
            "Cheese board",
            1400,
            "Three French cheeses, walnut bread.",
            allergens=("milk", "gluten", "nuts"),
        ),
    ],
    "Drinks": [
        _dish("Espresso", 280, "Single origin.", modifiers=(MILK,), tags=("vegan",)),
        _dish("Cappuccino", 380, "", allergens=("milk",), modifiers=(MILK,)),
        _dish("Fresh lemonade", 450, "House-made.", modifiers=(SIZE,), tags=("vegan",)),
        _dish("Sparkling water", 350, "75 cl bottle."),
        _dish("House red (glass)", 650, "Côtes du Rhône.", tax=ALCOHOL, allergens=("sulphites",)),
        _dish(
            "House white (glass)", 650, "Picpoul de Pinet.", tax=ALCOHOL, allergens=("sulphites",)
        ),
        _dish("Craft beer", 600, "Pale ale, 33 cl.", tax=ALCOHOL, stock=48, allergens=("gluten",)),
    ],
}


async def seed_demo_menu(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    """Create the menu if the demo restaurant has none yet. Returns the items created."""
    existing = await get_all(client, "/api/v1/products", headers)
    if existing:
        return 0
    categories = {c["name"]: c["id"] for c in await get_all(client, "/api/v1/categories", headers)}
    created = 0
    for position, (category, dishes) in enumerate(MENU.items()):
        if category not in categories:
            body = await post_json(
                client, "/api/v1/categories", {"name": category, "position": position}, headers
            )
            categories[category] = body["id"]
        for dish in dishes:
            stock = dish["_stock"]
            product = {k: v for k, v in dish.items() if not k.startswith("_")}
            product["category_id"] = categories[category]
            body = await post_json(client, "/api/v1/products", product, headers)
            if stock is not None:
                await put_json(
                    client,
                    f"/api/v1/products/{body['id']}/stock",
                    {"on_hand": stock, "low_stock_threshold": max(2, stock // 5)},
                    headers,
                )
            created += 1
    if not created:
        raise SeedError("the demo menu is empty")
    return created
