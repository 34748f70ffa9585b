"""All of restaurant's SQL, one repository per aggregate. Every query filters on the tenant."""

from pos_restaurant.adapters.repositories.dining_tables import TableRepository
from pos_restaurant.adapters.repositories.floors import FloorRepository
from pos_restaurant.adapters.repositories.profiles import ProfileRepository
from pos_restaurant.adapters.repositories.staff import StaffRepository

__all__ = ["FloorRepository", "ProfileRepository", "StaffRepository", "TableRepository"]
