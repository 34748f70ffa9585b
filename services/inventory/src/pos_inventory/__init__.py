"""inventory: categories, menu items with modifiers, stock levels and stock reservations."""
