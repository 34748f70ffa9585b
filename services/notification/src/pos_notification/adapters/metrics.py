"""notification's Prometheus metrics (served at /metrics with the rest)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

OPEN_STREAMS = Gauge(
    "pos_notification_kitchen_streams",
    "Kitchen streams (Server-Sent Events) this process is serving now.",
)
WEBHOOK_ATTEMPTS = Counter(
    "pos_notification_webhook_attempts_total",
    "Webhook calls made, by outcome (delivered, retry, failed).",
    ["outcome"],
)
EMAIL_ATTEMPTS = Counter(
    "pos_notification_email_attempts_total",
    "E-mails tried, by outcome (delivered, retry, failed).",
    ["outcome"],
)
