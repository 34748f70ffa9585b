"""pos-core's SQL, one repository per aggregate. Every query filters on the tenant."""

from pos_core.adapters.repositories.orders import OrderRepository
from pos_core.adapters.repositories.payments import OrderPaymentRepository
from pos_core.adapters.repositories.restaurant_profiles import RestaurantProfileRepository

__all__ = ["OrderPaymentRepository", "OrderRepository", "RestaurantProfileRepository"]
