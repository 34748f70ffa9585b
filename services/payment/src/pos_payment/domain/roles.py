"""Who may do what with money."""

from __future__ import annotations

# Take payments: always these; waiters too where the restaurant's setting allows it.
CASHIERS = ("owner", "manager", "cashier")
WAITER = "waiter"
PAYMENT_TAKERS = (*CASHIERS, WAITER)
# See payments and an order's balance, preview a split.
PAYMENT_READERS = PAYMENT_TAKERS
# Give money back, open and close the drawers, read the day's figures.
MANAGERS = ("owner", "manager")
