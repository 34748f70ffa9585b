"""notification: kitchen tickets and the live kitchen feed, webhooks and e-mail deliveries."""
