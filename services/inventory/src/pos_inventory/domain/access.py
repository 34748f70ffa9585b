"""Who may do what with the menu, the stock and the reservations."""

from __future__ import annotations

# Owners and managers write the menu and count the stock.
MENU_MANAGERS = ("owner", "manager")
# Every member of staff reads the menu and reserves stock for the orders they take.
STAFF = ("owner", "manager", "cashier", "waiter", "kitchen")
# A service account may reserve for a tenant only if its token names that tenant.
RESERVE_SCOPE = "inventory:reserve"
# A service account may read a tenant's menu (products, categories) likewise: the
# chatbot keeps its copy of the menu with it. Stock levels stay staff-only.
MENU_READ_SCOPE = "menu:read"
