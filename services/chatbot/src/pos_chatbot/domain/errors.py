"""The chatbot's errors a client can act on, each with its HTTP meaning."""

from __future__ import annotations

from pos_kit.errors import Conflict, NotFound, ProblemError, ServiceUnavailable


class Unprocessable(ProblemError):
    status = 422
    type_slug = "unprocessable"
    title = "Unprocessable request"


class ConversationNotFound(NotFound):
    # The same answer for another table's, another restaurant's and a missing one.
    default_detail = "No such conversation."


class DraftNotFound(NotFound):
    default_detail = "No such draft order."


class QuestionTooLong(Unprocessable):
    title = "Question too long"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Ask in at most {limit} characters.")


class ConversationFull(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(f"This conversation has reached {limit} messages; start a new one.")


class NotOnMenu(Unprocessable):
    title = "Not on the menu"
    default_detail = "That item is not on the menu."


class SoldOut(Conflict):
    title = "Sold out"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is sold out right now.")


class InvalidChoice(Unprocessable):
    title = "Invalid choice"


class DraftLocked(Conflict):
    title = "Draft locked"


class DraftNotSubmitted(Conflict):
    title = "Draft not submitted"
    default_detail = "The guest is still building this draft; it can be accepted once sent."


class NoTable(Conflict):
    title = "No table"
    default_detail = "Draft orders are for guests at a table; staff take orders at the till."


class DraftChangedMeanwhile(Conflict):
    default_detail = "The draft changed while this request was made; try again."


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
