"""All of inventory's SQL, one repository per aggregate; every query filters on the tenant."""

from pos_inventory.adapters.repositories.adjustments import AdjustmentRepository
from pos_inventory.adapters.repositories.categories import CategoryRepository
from pos_inventory.adapters.repositories.products import ProductRepository
from pos_inventory.adapters.repositories.profiles import ProfileCopyRepository
from pos_inventory.adapters.repositories.reservations import ReservationRepository
from pos_inventory.adapters.repositories.stock import StockRepository

__all__ = [
    "AdjustmentRepository",
    "CategoryRepository",
    "ProductRepository",
    "ProfileCopyRepository",
    "ReservationRepository",
    "StockRepository",
]
