"""inventory's business rules: the menu and its modifiers, stock arithmetic, reservations."""
