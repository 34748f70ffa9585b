"""inventory's use cases, bundled as `InventoryUseCases`: rules applied through repositories."""

from __future__ import annotations

from dataclasses import dataclass

from pos_inventory.use_cases.catalogue import Categories, Products
from pos_inventory.use_cases.profiles import RestaurantProfiles
from pos_inventory.use_cases.reservations import Reservations
from pos_inventory.use_cases.stock import Stockroom


@dataclass(frozen=True)
class InventoryUseCases:
    categories: Categories
    products: Products
    stock: Stockroom
    reservations: Reservations
    profiles: RestaurantProfiles
