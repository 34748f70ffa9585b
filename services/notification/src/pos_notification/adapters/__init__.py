"""notification's adapters: tables and repositories, event data, the webhook sender, SMTP, DNS."""
