"""Who may do what with orders."""

from __future__ import annotations

# Floor staff take orders; the kitchen reads them to cook.
ORDER_TAKERS = ("owner", "manager", "cashier", "waiter")
ORDER_READERS = (*ORDER_TAKERS, "kitchen")
# Money changes hands: closing an order (the payment service takes the payments).
CASHIERS = ("owner", "manager", "cashier")
