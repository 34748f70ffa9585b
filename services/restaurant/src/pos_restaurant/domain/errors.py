"""Errors of restaurant's rules that pos-kit has no class for."""

from __future__ import annotations

from pos_kit.problems import ProblemError


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
