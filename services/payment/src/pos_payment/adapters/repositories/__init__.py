"""All of payment's SQL, one repository per aggregate; every query filters on the tenant
(except the reconciler's and the purge's sweeps over all restaurants)."""

from pos_payment.adapters.repositories.drawers import DrawerRepository
from pos_payment.adapters.repositories.idempotency import IdempotencyKeyRepository
from pos_payment.adapters.repositories.ledger import LedgerRepository
from pos_payment.adapters.repositories.orders import OrderRepository
from pos_payment.adapters.repositories.payments import PaymentRepository
from pos_payment.adapters.repositories.rechecks import PendingCheck
from pos_payment.adapters.repositories.refunds import RefundRepository
from pos_payment.adapters.repositories.restaurants import RestaurantSettingsRepository

__all__ = [
    "DrawerRepository",
    "IdempotencyKeyRepository",
    "LedgerRepository",
    "OrderRepository",
    "PaymentRepository",
    "PendingCheck",
    "RefundRepository",
    "RestaurantSettingsRepository",
]
