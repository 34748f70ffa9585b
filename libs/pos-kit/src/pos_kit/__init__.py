"""pos-kit: infrastructure shared by the POS services. No business rules live here."""
