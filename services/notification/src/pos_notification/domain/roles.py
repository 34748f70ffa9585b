"""Who may do what here. Role names are part of auth's token contract."""

from __future__ import annotations

# Everyone on the floor and in the kitchen watches and bumps tickets.
STAFF_ROLES = ("owner", "manager", "cashier", "waiter", "kitchen")
# Webhooks and the e-mail log are the restaurant's set-up: its owner and managers.
ADMIN_ROLES = ("owner", "manager")
