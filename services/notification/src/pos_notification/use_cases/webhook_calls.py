"""Sending due webhook deliveries: signed, to a re-checked address, retried with back-off."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import httpx
import structlog

from pos_kit.events.envelope import CLOUDEVENTS_CONTENT_TYPE
from pos_kit.uow import UnitOfWork
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
from pos_notification.use_cases.deliveries import DueSends, outcome_label
from pos_notification.use_cases.targets import Resolver, vet_target

log = structlog.get_logger(__name__)

USER_AGENT = "pos-notification-webhooks/1"
DELIVERY_ID_HEADER = "X-POS-Delivery-Id"


@dataclass(kw_only=True)
class WebhookCalls(DueSends[DueWebhookCall]):
    """Sends due webhook deliveries: signed, to an address checked again right before."""

    sender: WebhookSender
    resolver: Resolver
    target_policy: TargetPolicy
    timeout_seconds: float

    async def _claim(
        self, uow: UnitOfWork, *, now: datetime, lease_until: datetime
    ) -> list[DueWebhookCall]:
        return await WebhookDeliveryRepository(uow.session).claim_due(
            now=now, limit=self.batch_size, lease_until=lease_until
        )

    def _crashed(self, call: DueWebhookCall, error: BaseException) -> None:
        log.error("webhook_call_crashed", delivery_id=str(call.delivery.id), exc_info=error)

    async def _count(self, uow: UnitOfWork, call: DueWebhookCall, outcome: AttemptOutcome) -> None:
        deliveries = WebhookDeliveryRepository(uow.session)
        progress = await deliveries.progress(call.delivery.id)
        if progress is None:
            return  # the webhook was deleted meanwhile
        self.retry.record(progress, outcome)
        await deliveries.save_progress(call.delivery.id, progress)
        self._observe(call, progress.status, progress.attempts, outcome)

    async def _attempt(self, call: DueWebhookCall) -> AttemptOutcome:
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
        metrics.WEBHOOK_ATTEMPTS.labels(outcome_label(status)).inc()
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
