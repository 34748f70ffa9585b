"""A local card processor speaking the subset of Stripe's API the payment service uses."""
