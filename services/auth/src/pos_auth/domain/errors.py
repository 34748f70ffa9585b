"""auth's own errors: the failures of signing in, refreshing and adding a login."""

from __future__ import annotations

from pos_kit.errors import Conflict, TooManyRequests, Unauthorized


class InvalidCredentials(Unauthorized):
    """Unknown e-mail, wrong password and deactivated login all answer exactly alike."""

    commit_changes = True  # the failed attempt must be counted
    default_detail = "The e-mail or password is not correct."


class LoginThrottled(TooManyRequests):
    commit_changes = True

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many failed sign-in attempts. Try again later.",
            retry_after_seconds=retry_after_seconds,
        )


class SignUpThrottled(TooManyRequests):
    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many sign-ups from this address. Try again later.",
            retry_after_seconds=retry_after_seconds,
        )


class RefreshTokenRejected(Unauthorized):
    # A replay revokes the whole family; that revocation must survive the 401.
    commit_changes = True
    default_detail = "The refresh token is not valid. Sign in again."


class EmailTaken(Conflict):
    """A login is found by its e-mail before its restaurant is known: one e-mail, one login."""

    default_detail = "A login with this e-mail already exists."


class AccountExists(EmailTaken):
    """Signing up with the e-mail of an existing login."""

    default_detail = "An account with this e-mail already exists."
