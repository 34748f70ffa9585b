"""notification's app: its use cases, the event consumer, the dispatcher and the kitchen feed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import FastAPI

from pos_kit.db import Database
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier
from pos_notification.adapters.mailer import SmtpMailer
from pos_notification.adapters.resolver import SystemResolver
from pos_notification.adapters.tables import inbox, outbox
from pos_notification.adapters.webhook_sender import WebhookSender
from pos_notification.api import events, kitchen, notifications, webhooks
from pos_notification.api.dependencies import NotificationUseCases
from pos_notification.config import NotificationSettings
from pos_notification.domain.targets import TargetPolicy
from pos_notification.use_cases.deliveries import RetryPolicy
from pos_notification.use_cases.dispatcher import Dispatcher
from pos_notification.use_cases.emails import EmailNotices, EmailSends
from pos_notification.use_cases.feed import FeedSignal, KitchenFeed
from pos_notification.use_cases.housekeeping import Housekeeping
from pos_notification.use_cases.stream_tickets import StreamTickets
from pos_notification.use_cases.tickets import KitchenTickets
from pos_notification.use_cases.webhook_calls import WebhookCalls
from pos_notification.use_cases.webhooks import Webhooks


def create_app(
    settings: NotificationSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or NotificationSettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    feed = KitchenFeed(
        kernel.database,
        FeedSignal(),
        poll_seconds=settings.feed_poll_seconds,
        keepalive_seconds=settings.feed_keepalive_seconds,
        retention=timedelta(hours=settings.feed_retention_hours),
    )
    resolver = SystemResolver()
    target_policy = TargetPolicy(
        allow_loopback=settings.loopback_webhooks_allowed,
        allow_private=settings.private_network_webhooks_allowed,
    )
    # Set after a commit that recorded deliveries: the dispatcher looks at once.
    dispatcher_wake = asyncio.Event()
    use_cases = NotificationUseCases(
        tickets=KitchenTickets(feed=feed),
        feed=feed,
        stream_tickets=StreamTickets(ttl=timedelta(seconds=settings.stream_ticket_ttl_seconds)),
        webhooks=Webhooks(
            policy=target_policy,
            resolver=resolver,
            max_per_tenant=settings.webhooks_per_tenant,
            nudge=dispatcher_wake.set,
        ),
        emails=EmailNotices(nudge=dispatcher_wake.set),
    )
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    sender = WebhookSender(timeout_seconds=settings.webhook_timeout_seconds)
    kernel.run_in_background(
        _dispatcher(
            settings,
            kernel.database,
            sender=sender,
            resolver=resolver,
            target_policy=target_policy,
            wake=dispatcher_wake,
        )
    )
    kernel.on_shutdown(sender.aclose)
    kernel.run_in_background(
        Housekeeping(kernel.database, feed=feed, stream_tickets=use_cases.stream_tickets)
    )
    # Registered last, so stopped first: the kitchen streams end before anything else
    # stops, as they would otherwise hold their connections open.
    kernel.run_in_background(feed)
    return kernel.create_app(
        title="POS notification",
        routers=[kitchen.router, webhooks.router, notifications.router],
        use_cases=use_cases,
    )


def _dispatcher(
    settings: NotificationSettings,
    database: Database,
    *,
    sender: WebhookSender,
    resolver: SystemResolver,
    target_policy: TargetPolicy,
    wake: asyncio.Event,
) -> Dispatcher:
    lease = timedelta(seconds=settings.dispatch_lease_seconds)
    return Dispatcher(
        webhook_calls=WebhookCalls(
            database,
            sender=sender,
            resolver=resolver,
            target_policy=target_policy,
            retry=RetryPolicy(
                max_attempts=settings.webhook_max_attempts,
                backoff_initial_seconds=settings.webhook_backoff_initial_seconds,
                backoff_max_seconds=settings.webhook_backoff_max_seconds,
            ),
            batch_size=settings.dispatch_batch_size,
            lease=lease,
            timeout_seconds=settings.webhook_timeout_seconds,
        ),
        email_sends=EmailSends(
            database,
            mailer=_mailer(settings),
            retry=RetryPolicy(
                max_attempts=settings.email_max_attempts,
                backoff_initial_seconds=settings.email_backoff_initial_seconds,
                backoff_max_seconds=settings.email_backoff_max_seconds,
            ),
            batch_size=settings.dispatch_batch_size,
            lease=lease,
        ),
        poll_seconds=settings.dispatch_poll_seconds,
        wake=wake,
        stop_timeout=max(settings.webhook_timeout_seconds, settings.smtp_timeout_seconds) + 5.0,
    )


def _mailer(settings: NotificationSettings) -> SmtpMailer:
    password = settings.smtp_password
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        timeout_seconds=settings.smtp_timeout_seconds,
        username=settings.smtp_username,
        password=password.get_secret_value() if password else None,
        use_tls=settings.smtp_use_tls,
        start_tls=settings.smtp_start_tls,
    )
