"""Who may do what with the menu, the stock and the reservations."""

from __future__ import annotations

# Owners and managers write the menu and count the stock.
MENU_MANAGERS = ("owner", "manager")
# Every member of staff reads the menu, the stock and the reservations.
STAFF = ("owner", "manager", "cashier", "waiter", "kitchen")
# Holding, committing and releasing stock is for a service account with this scope
# (pos-core's), and only for the tenant its token names; never for a person.
RESERVE_SCOPE = "inventory:reserve"
# A service account may read a tenant's menu (products, categories) likewise: the
# chatbot keeps its copy of the menu with it. Stock levels stay staff-only.
MENU_READ_SCOPE = "menu:read"
