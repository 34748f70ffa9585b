"""The dispatcher: a background task that sends due webhook calls and e-mails.

Several notification processes can run it side by side: each claims its own due
rows (FOR UPDATE SKIP LOCKED on PostgreSQL) under a lease.
"""

from __future__ import annotations

import asyncio

import structlog

from pos_kit.events.worker import BackgroundWorker, backoff_delay, pause
from pos_notification.use_cases.emails import EmailSends
from pos_notification.use_cases.webhook_calls import WebhookCalls

log = structlog.get_logger(__name__)


class Dispatcher(BackgroundWorker):
    def __init__(
        self,
        *,
        webhook_calls: WebhookCalls,
        email_sends: EmailSends,
        poll_seconds: float,
        # Set after a commit that recorded new deliveries: look now, not at the next poll.
        wake: asyncio.Event,
        stop_timeout: float,
    ) -> None:
        super().__init__(name="notification-dispatcher", stop_timeout=stop_timeout)
        self.webhook_calls = webhook_calls
        self.email_sends = email_sends
        self.poll_seconds = poll_seconds
        self._wake = wake

    async def _send_due(self) -> int:
        # Side by side, so a slow SMTP server does not hold up webhooks, nor the reverse.
        results = await asyncio.gather(
            self.webhook_calls.send_due(), self.email_sends.send_due(), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(r for r in results if isinstance(r, int))

    async def run(self) -> None:
        failures = 0
        while not self.stopping:
            try:
                with self.job():
                    tried = await self._send_due()
                failures = 0
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, self.poll_seconds, 30.0)
                log.warning(
                    "dispatcher_retrying",
                    error=str(exc) or repr(exc),
                    failures=failures,
                    retry_in=delay,
                )
                await pause(delay, self._wake)
                continue
            if not tried:
                await pause(self.poll_seconds, self._wake)
