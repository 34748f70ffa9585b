"""The chatbot's errors a client can act on, each with its HTTP meaning."""

from __future__ import annotations

from typing import ClassVar

from pos_kit.errors import Conflict, NotFound, ProblemError, ServiceUnavailable


class AlwaysSays(ProblemError):
    """An error that always says the same: its class's `says`, no argument needed.

    Put it first among the bases: the other one gives the status and title."""

    says: ClassVar[str]

    def __init__(self) -> None:
        super().__init__(self.says)


class Unprocessable(ProblemError):
    status = 422
    type_slug = "unprocessable"
    title = "Unprocessable request"


class ConversationNotFound(AlwaysSays, NotFound):
    # The same answer for another table's, another restaurant's and a missing one.
    says = "No such conversation."


class DraftNotFound(AlwaysSays, NotFound):
    says = "No such draft order."


class QuestionTooLong(Unprocessable):
    title = "Question too long"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Ask in at most {limit} characters.")


class ConversationFull(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(f"This conversation has reached {limit} messages; start a new one.")


class NotOnMenu(AlwaysSays, Unprocessable):
    title = "Not on the menu"
    says = "That item is not on the menu."


class SoldOut(Conflict):
    title = "Sold out"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is sold out right now.")


class InvalidChoice(Unprocessable):
    title = "Invalid choice"


class DraftLocked(Conflict):
    title = "Draft locked"


class DraftNotSubmitted(AlwaysSays, Conflict):
    title = "Draft not submitted"
    says = "The guest is still building this draft; it can be accepted once sent."


class NoTable(AlwaysSays, Conflict):
    title = "No table"
    says = "Draft orders are for guests at a table; staff take orders at the till."


class DraftChangedMeanwhile(AlwaysSays, Conflict):
    says = "The draft changed while this request was made; try again."


class OrderRefused(Conflict):
    title = "Order refused"


class AssistantBusy(ServiceUnavailable):
    type_slug = "assistant-busy"
    title = "Assistant busy"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "The assistant is answering as many guests as it can; ask again in a moment.",
            retry_after_seconds=retry_after_seconds,
        )
