"""notification's errors: what a client is told when it asks for something that cannot be."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_kit.errors import Conflict, ProblemError, Unauthorized

if TYPE_CHECKING:
    from pos_notification.domain.tickets import TicketStatus


class TicketNotOpen(Conflict):
    """A ticket that is already bumped or cancelled cannot be bumped."""

    def __init__(self, status: TicketStatus) -> None:
        super().__init__(
            f"This ticket is already {status.value}.", extra={"current_status": status.value}
        )


class TicketChangedMeanwhile(RuntimeError):
    """Another process changed the ticket between our read and our write; retry the event."""


class StreamTicketRefused(Unauthorized):
    # The ticket is spent even when the request is refused afterwards.
    commit_changes = True


class TooManyWebhooks(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"A restaurant may register at most {limit} webhooks; delete one you no longer use."
        )


class UnknownEventTypes(ProblemError):
    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, unknown: list[str]) -> None:
        message = f"Not in the event catalogue: {', '.join(unknown)}."
        super().__init__(
            message,
            extra={"errors": [{"field": "body.events", "message": message, "type": "unknown"}]},
        )


class UnsafeWebhookTarget(ProblemError):
    """422: the URL is not one we will call."""

    status = 422
    type_slug = "unsafe-webhook-target"
    title = "Webhook URL refused"

    def __init__(self, reason: str) -> None:
        super().__init__(
            reason, extra={"errors": [{"field": "body.url", "message": reason, "type": "unsafe"}]}
        )
        self.reason = reason
