"""Sending due webhook deliveries: signed, to a re-checked address, retried with back-off."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import structlog

from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.events.envelope import CLOUDEVENTS_CONTENT_TYPE
from pos_notification.adapters import metrics
from pos_notification.adapters.repositories import DueWebhookCall, WebhookDeliveryRepository
from pos_notification.adapters.webhook_sender import WebhookSender
from pos_notification.domain.deliveries import (
    AttemptOutcome,
    DeliveryStatus,
    outcome_of_http_status,
)
from pos_notification.domain.errors import UnsafeWebhookTarget
from pos_notification.domain.signatures import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)
from pos_notification.domain.targets import TargetPolicy
from pos_notification.use_cases.deliveries import RetryPolicy
from pos_notification.use_cases.targets import Resolver, vet_target

log = structlog.get_logger(__name__)

USER_AGENT = "pos-notification-webhooks/1"
DELIVERY_ID_HEADER = "X-POS-Delivery-Id"


class WebhookCalls:
    def __init__(
        self,
        database: Database,
        *,
        sender: WebhookSender,
        resolver: Resolver,
        target_policy: TargetPolicy,
        retry: RetryPolicy,
        batch_size: int,
        lease: timedelta,
        timeout_seconds: float,
    ) -> None:
        self.database = database
        self.sender = sender
        self.resolver = resolver
        self.target_policy = target_policy
        self.retry = retry
        self.batch_size = batch_size
        self.lease = lease
        self.timeout_seconds = timeout_seconds

    async def send_due(self) -> int:
        """Send the deliveries that are due now; returns how many were tried."""
        now = utcnow()
        async with self.database.unit_of_work() as uow:
            due = await WebhookDeliveryRepository(uow.session).claim_due(
                now=now, limit=self.batch_size, lease_until=now + self.lease
            )
        if not due:
            return 0
        results = await asyncio.gather(*(self._call(c) for c in due), return_exceptions=True)
        async with self.database.unit_of_work() as uow:
            deliveries = WebhookDeliveryRepository(uow.session)
            for call, result in zip(due, results, strict=True):
                if isinstance(result, BaseException):
                    log.error(
                        "webhook_call_crashed", delivery_id=str(call.delivery.id), exc_info=result
                    )
                    result = AttemptOutcome.refused("internal error while sending")
                progress = await deliveries.progress(call.delivery.id)
                if progress is None:
                    continue  # the webhook was deleted meanwhile
                progress.record(
                    result,
                    now=utcnow(),
                    max_attempts=self.retry.max_attempts,
                    retry_in=self.retry.retry_in(progress.attempts + 1),
                )
                await deliveries.save_progress(call.delivery.id, progress)
                self._observe(call, progress.status, progress.attempts, result)
        return len(due)

    async def _call(self, call: DueWebhookCall) -> AttemptOutcome:
        try:
            # Again now, not only at registration: the name may point elsewhere today.
            vetted = await vet_target(call.url, policy=self.target_policy, resolver=self.resolver)
        except UnsafeWebhookTarget as exc:
            return AttemptOutcome.refused(f"target refused: {exc.reason}")
        body = call.delivery.payload.encode()
        headers = {
            "Content-Type": f"{CLOUDEVENTS_CONTENT_TYPE}; charset=utf-8",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: call.delivery.event_id,
            EVENT_TYPE_HEADER: call.delivery.event_type,
            DELIVERY_ID_HEADER: str(call.delivery.id),
            SIGNATURE_HEADER: signature_header(call.secret, int(time.time()), body),
        }
        try:
            status = await self.sender.post(
                target=vetted.target, address=vetted.addresses[0], body=body, headers=headers
            )
        except httpx.TimeoutException:
            return AttemptOutcome.refused(f"no answer within {self.timeout_seconds:g} s")
        except httpx.HTTPError as exc:
            return AttemptOutcome.refused(f"could not reach the receiver ({type(exc).__name__})")
        return outcome_of_http_status(status)

    def _observe(
        self, call: DueWebhookCall, status: DeliveryStatus, attempts: int, outcome: AttemptOutcome
    ) -> None:
        label = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.FAILED: "failed"}.get(
            status, "retry"
        )
        metrics.WEBHOOK_ATTEMPTS.labels(label).inc()
        log.info(
            "webhook_attempted",
            tenant_id=str(call.delivery.tenant_id),
            webhook_id=str(call.delivery.webhook_id),
            delivery_id=str(call.delivery.id),
            event_type=call.delivery.event_type,
            status=status.value,
            attempts=attempts,
            status_code=outcome.status_code,
            error=outcome.error,
        )
