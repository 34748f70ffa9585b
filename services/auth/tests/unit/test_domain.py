"""auth's business rules, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pos_auth.domain.refresh_tokens import RefreshToken, RefreshVerdict
from pos_auth.domain.roles import Role, ensure_may_manage
from pos_auth.domain.throttling import FailureWindow, GrowingDelay, ThrottlePolicy
from pos_auth.domain.users import User, normalise_email
from pos_kit.errors import Conflict, Forbidden

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def a_user(role: Role, tenant: uuid.UUID | None = None) -> User:
    return User(
        id=uuid.uuid4(),
        tenant_id=tenant or uuid.uuid4(),
        email=f"{uuid.uuid4().hex[:6]}@bistro.example",
        full_name="Someone",
        role=role,
        password_hash="x",
        is_active=True,
        created_at=NOW,
    )


@pytest.mark.parametrize("target", list(Role))
def test_an_owner_may_manage_every_role(target: Role) -> None:
    ensure_may_manage(Role.OWNER, target)


@pytest.mark.parametrize("target", [Role.OWNER, Role.MANAGER])
def test_a_manager_may_not_appoint_managers_or_owners(target: Role) -> None:
    with pytest.raises(Forbidden):
        ensure_may_manage(Role.MANAGER, target)


@pytest.mark.parametrize("actor", [Role.CASHIER, Role.WAITER, Role.KITCHEN])
def test_floor_staff_manage_nobody(actor: Role) -> None:
    with pytest.raises(Forbidden):
        ensure_may_manage(actor, Role.WAITER)


def test_deactivating_records_the_moment_and_refuses_twice() -> None:
    owner = a_user(Role.OWNER)
    waiter = a_user(Role.WAITER, owner.tenant_id)
    waiter.deactivate(by=owner, now=NOW)
    assert not waiter.is_active
    assert waiter.deactivated_at == NOW
    with pytest.raises(Conflict):
        waiter.deactivate(by=owner, now=NOW)


def test_nobody_deactivates_themselves() -> None:
    owner = a_user(Role.OWNER)
    with pytest.raises(Conflict):
        owner.deactivate(by=owner, now=NOW)


def test_emails_compare_case_insensitively() -> None:
    assert normalise_email("  Chef@Bistro.EXAMPLE ") == "chef@bistro.example"


def test_throttle_allows_until_the_limit_then_says_when_to_retry() -> None:
    policy = ThrottlePolicy(limit=100, window=timedelta(hours=1))
    oldest = NOW - timedelta(minutes=50)
    assert policy.retry_after_seconds(FailureWindow(99, oldest), NOW) is None
    assert policy.retry_after_seconds(FailureWindow(100, oldest), NOW) == 600


def test_a_growing_delay_starts_after_the_free_failures_and_doubles_up_to_its_cap() -> None:
    delay = GrowingDelay(free=5, base_seconds=1, cap_seconds=900)
    just_now = NOW - timedelta(milliseconds=1)

    def wait(failures: int) -> int | None:
        return delay.retry_after_seconds(FailureWindow(failures, just_now, just_now), NOW)

    assert [wait(n) for n in (0, 4)] == [None, None]
    assert [wait(n) for n in (5, 6, 7, 10)] == [1, 2, 4, 32]
    assert wait(40) == 900
    # Waited out: the next attempt may go.
    later = FailureWindow(7, just_now, NOW - timedelta(seconds=5))
    assert delay.retry_after_seconds(later, NOW) is None
    # A base of zero turns delays off (the hard limit still applies).
    off = GrowingDelay(free=5, base_seconds=0, cap_seconds=900)
    assert off.retry_after_seconds(FailureWindow(50, just_now, just_now), NOW) is None


def test_refresh_token_verdicts() -> None:
    def token(**kw: object) -> RefreshToken:
        values: dict[str, object] = {
            "id": uuid.uuid4(),
            "tenant_id": uuid.uuid4(),
            "user_id": uuid.uuid4(),
            "family_id": uuid.uuid4(),
            "expires_at": NOW + timedelta(days=1),
            "used_at": None,
            "revoked_at": None,
        }
        values.update(kw)
        return RefreshToken(**values)  # type: ignore[arg-type]

    assert token().judge(NOW) is RefreshVerdict.ROTATE
    assert token(used_at=NOW).judge(NOW) is RefreshVerdict.REUSED
    assert token(revoked_at=NOW).judge(NOW) is RefreshVerdict.REUSED
    assert token(expires_at=NOW).judge(NOW) is RefreshVerdict.EXPIRED
