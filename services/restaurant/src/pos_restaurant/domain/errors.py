"""restaurant's errors: what a client can act on, each with its status (pos_kit.errors)."""

from __future__ import annotations

from typing import ClassVar

from pos_kit.errors import Conflict, NotFound, ProblemError, ServiceUnavailable


class InvalidValue(ProblemError, ValueError):
    """A value a rule refuses: 422 when a use case raises it, a field error in a schema.

    It is a ValueError too, so pydantic validators (request schemas, settings) can
    call the same rule and report the field the way every other validation does.
    """

    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(
            detail, extra={"errors": [{"field": field, "message": detail, "type": "value_error"}]}
        )
        self.field = field


class ProfileNotReady(NotFound):
    default_detail = (
        "This restaurant has no profile yet. It is set up a few seconds after sign-up; "
        "try again shortly."
    )


class FloorNotFound(NotFound):
    default_detail = "No such floor."


class TableNotFound(NotFound):
    default_detail = "No such table."


class StaffNotFound(NotFound):
    default_detail = "No such member of staff."


class FloorNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"The restaurant already has a floor called {name!r}.")


class TableNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"That floor already has a table called {name!r}.")


class LoginEmailTaken(Conflict):
    default_detail = "A login with this e-mail already exists; choose another e-mail."


class AuthRefusedService(ServiceUnavailable):
    """auth will not serve this service: its client id, secret or scope is wrong."""

    type_slug = "downstream-refused-service"
    title = "Dependency refused this service"
    # What cannot be done until an operator mends the configuration.
    consequence: ClassVar[str] = (
        "staff logins cannot be managed until an operator fixes the restaurant service's "
        "configuration. Nothing was saved."
    )

    def __init__(self) -> None:
        super().__init__(
            f"auth refused this service's credentials, so {self.consequence}",
            retry_after_seconds=60,
            extra={"downstream": "auth"},
        )


class GuestLinksRefused(AuthRefusedService):
    """auth will not issue guest tokens to this service: its credentials or scope are wrong."""

    consequence = (
        "no guest link can be made until an operator gives the restaurant service "
        "the scope guests:issue."
    )


class AuthAnsweredUnexpectedly(ProblemError):
    status = 502
    type_slug = "bad-gateway"
    title = "Unexpected answer from a dependency"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, extra={"downstream": "auth"})
