"""notification's app: wiring of settings, database, feed, consumer, dispatcher and routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events import EventConsumer, OutboxRelay
from pos_kit.tokens import TokenVerifier, remote_verifier
from pos_notification.adapters.mailer import SmtpMailer
from pos_notification.adapters.resolver import SystemResolver
from pos_notification.adapters.tables import inbox, outbox
from pos_notification.adapters.webhook_sender import WebhookSender
from pos_notification.api import kitchen, notifications, webhooks
from pos_notification.api.dependencies import NotificationServices
from pos_notification.config import NotificationSettings
from pos_notification.domain.targets import TargetPolicy
from pos_notification.services.deliveries import RetryPolicy
from pos_notification.services.dispatcher import Dispatcher
from pos_notification.services.emails import EmailNotices, EmailSends
from pos_notification.services.events import CONSUMER_NAME, SUBJECTS, EventHandlers
from pos_notification.services.feed import FeedSignal, KitchenFeed
from pos_notification.services.stream_tickets import StreamTickets
from pos_notification.services.tickets import KitchenTickets
from pos_notification.services.webhook_calls import WebhookCalls
from pos_notification.services.webhooks import Webhooks


def create_app(
    settings: NotificationSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or NotificationSettings()
    database = Database(settings.database_url)
    relay = OutboxRelay(
        database,
        outbox,
        nats_url=settings.nats_url,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )
    feed = KitchenFeed(
        database,
        FeedSignal(),
        poll_seconds=settings.feed_poll_seconds,
        keepalive_seconds=settings.feed_keepalive_seconds,
        retention=timedelta(hours=settings.feed_retention_hours),
    )
    stream_tickets = StreamTickets(ttl=timedelta(seconds=settings.stream_ticket_ttl_seconds))
    resolver = SystemResolver()
    target_policy = TargetPolicy(
        allow_loopback=settings.loopback_webhooks_allowed,
        allow_private=settings.private_network_webhooks_allowed,
    )
    dispatcher_wake = asyncio.Event()
    services = NotificationServices(
        tickets=KitchenTickets(feed=feed),
        feed=feed,
        stream_tickets=stream_tickets,
        webhooks=Webhooks(
            policy=target_policy,
            resolver=resolver,
            max_per_tenant=settings.webhooks_per_tenant,
            nudge=dispatcher_wake.set,
        ),
        emails=EmailNotices(nudge=dispatcher_wake.set),
    )
    handlers = EventHandlers(
        tickets=services.tickets, webhooks=services.webhooks, emails=services.emails
    )
    consumer = EventConsumer(
        database,
        inbox,
        settings.nats_url,
        CONSUMER_NAME,
        SUBJECTS,
        handlers.handle,
        max_deliver=settings.consumer_max_deliver,
        backoff_initial=settings.consumer_backoff_initial_seconds,
        backoff_max=settings.consumer_backoff_max_seconds,
    )
    sender = WebhookSender(timeout_seconds=settings.webhook_timeout_seconds)
    lease = timedelta(seconds=settings.dispatch_lease_seconds)

    async def housekeeping() -> None:
        await feed.purge()
        async with database.unit_of_work() as session:
            await stream_tickets.purge(session)

    dispatcher = Dispatcher(
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
            mailer=SmtpMailer(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                timeout_seconds=settings.smtp_timeout_seconds,
                username=settings.smtp_username,
                password=(
                    settings.smtp_password.get_secret_value() if settings.smtp_password else None
                ),
                use_tls=settings.smtp_use_tls,
                start_tls=settings.smtp_start_tls,
            ),
            retry=RetryPolicy(
                max_attempts=settings.email_max_attempts,
                backoff_initial_seconds=settings.email_backoff_initial_seconds,
                backoff_max_seconds=settings.email_backoff_max_seconds,
            ),
            batch_size=settings.dispatch_batch_size,
            lease=lease,
        ),
        housekeeping=housekeeping,
        poll_seconds=settings.dispatch_poll_seconds,
        wake=dispatcher_wake,
        stop_timeout=max(settings.webhook_timeout_seconds, settings.smtp_timeout_seconds) + 5.0,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await relay.start()
        await consumer.start()
        await dispatcher.start()
        try:
            yield
        finally:
            feed.signal.close()  # end the kitchen streams first: they hold connections open
            await dispatcher.stop()
            await consumer.stop()
            await relay.stop()
            await sender.aclose()
            await database.dispose()

    app = create_service_app(
        settings=settings,
        title="POS notification",
        routers=[kitchen.router, webhooks.router, notifications.router],
        readiness={"database": database.ping, "nats": relay.ping},
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.outbox_relay = relay
    app.state.notification_services = services
    app.state.kitchen_feed = feed
    app.state.token_verifier = token_verifier or remote_verifier(
        jwks_url=settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        cache_seconds=settings.jwks_cache_seconds,
    )
    return app
