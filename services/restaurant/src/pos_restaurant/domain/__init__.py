"""restaurant's business rules: the profile, the floor plan and table seating, staff roles."""
