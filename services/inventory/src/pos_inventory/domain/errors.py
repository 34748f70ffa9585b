"""The one problem pos-kit does not name: input that is well-formed but breaks a menu rule."""

from __future__ import annotations

from typing import Any

from pos_kit.problems import ProblemError


class InvalidInput(ProblemError):
    """422, shaped like pos-kit's validation answer: an `errors` list naming each field."""

    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, detail: str, *, field: str = "body", **extra: Any) -> None:
        errors = extra.pop("errors", None) or [
            {"field": field, "message": detail, "type": "value_error"}
        ]
        super().__init__(detail, extra={"errors": errors, **extra})
