"""The test plugin and tools every service's tests stand on: markers by folder, tenants, tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pos_kit.errors import Unauthorized
from pos_kit.http import ServiceTokenRefused
from pos_kit.testing.auth import Issued, StandinTokenIssuer
from pos_kit.testing.plugin import pytest_collection_modifyitems
from pos_kit.testing.tenants import TestTenant
from pos_kit.testing.tokens import TestTokens


@pytest.fixture
def tokens() -> TestTokens:
    return TestTokens()


@dataclass
class CollectedTest:
    """What the marker hook reads and writes of a collected pytest item."""

    path: Path
    markers: list[str] = field(default_factory=list)

    def add_marker(self, name: str) -> None:
        self.markers.append(name)


@pytest.mark.parametrize(
    ("path", "markers"),
    [
        ("services/inventory/tests/unit/test_stock.py", []),
        ("services/inventory/tests/integration/test_stock.py", ["integration"]),
        ("services/inventory/tests/integration/events/test_orders.py", ["integration"]),
        ("tests/e2e/test_order_flow.py", ["e2e"]),
        ("services/inventory/tests/test_integration.py", []),
        ("services/inventory/tests/integration_helpers/test_x.py", []),
        ("libs/e2e-kit/tests/unit/test_x.py", []),
    ],
)
def test_markers_come_from_the_folder(path: str, markers: list[str]) -> None:
    test = CollectedTest(Path("/work") / path)

    pytest_collection_modifyitems([test])  # type: ignore[list-item]

    assert test.markers == markers


def bearer_token(headers: dict[str, str]) -> str:
    scheme, _, token = headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    return token


async def test_a_tenants_staff_are_trusted_by_the_verifier(tokens: TestTokens) -> None:
    tenant, another = TestTenant(tokens), TestTenant(tokens)
    verify = tokens.verifier().verify

    waiter = await verify(bearer_token(tenant.headers("waiter")))
    owner = await verify(tenant.token())
    same_owner = await verify(tenant.token("owner"))
    other = await verify(another.token("waiter"))

    assert (waiter.role, waiter.tenant) == ("waiter", uuid.UUID(tenant.tenant_id))
    assert owner.role == "owner"
    assert owner.subject == same_owner.subject == tenant.owner_user_id
    assert waiter.subject != owner.subject
    assert other.tenant != waiter.tenant


async def test_a_service_token_for_one_restaurant(tokens: TestTokens) -> None:
    tenant = TestTenant(tokens)
    token = tokens.service("pos-core", ["inventory:reserve"], tenant_id=tenant.tenant_id)

    headers = tenant.service_headers("pos-core", "inventory:reserve", "orders:read")

    principal = await tokens.verifier().verify(token)
    from_headers = await tokens.verifier().verify(bearer_token(headers))

    assert principal.is_service
    assert principal.subject == "service:pos-core"
    assert principal.tenant == uuid.UUID(tenant.tenant_id)
    assert principal.token == token
    assert from_headers.scopes == {"inventory:reserve", "orders:read"}
    assert from_headers.tenant == principal.tenant


async def test_a_guest_token_for_one_table_is_a_new_guest_per_link(tokens: TestTokens) -> None:
    tenant = TestTenant(tokens)
    table = str(uuid.uuid4())

    first = await tokens.verifier().verify(bearer_token(tenant.guest_headers(table)))
    second = await tokens.verifier().verify(bearer_token(tenant.guest_headers(table)))
    named = await tokens.verifier().verify(
        tokens.guest(tenant_id=tenant.tenant_id, table_id=table, subject="guest:same-link")
    )

    assert (first.role, first.tenant, first.claims["table_id"]) == (
        "guest",
        uuid.UUID(tenant.tenant_id),
        table,
    )
    assert first.subject.startswith("guest:")
    assert first.subject != second.subject
    assert named.subject == "guest:same-link"
    assert not first.scopes


async def test_another_kits_tokens_are_not_trusted(tokens: TestTokens) -> None:
    with pytest.raises(Unauthorized, match="unknown key"):
        await TestTokens().verifier().verify(tokens.staff(role="owner"))


async def test_the_stand_in_auth_issues_service_tokens_the_verifier_trusts(
    tokens: TestTokens,
) -> None:
    issuer = StandinTokenIssuer(tokens, {"pos-core": ("secret", ["inventory:reserve"])})
    tenant = uuid.uuid4()

    token = await issuer.service_tokens("pos-core", "inventory:reserve").for_tenant(tenant)

    principal = await tokens.verifier().verify(token)
    assert principal.is_service
    assert (principal.subject, principal.tenant) == ("service:pos-core", tenant)
    assert principal.scopes == {"inventory:reserve"}
    assert issuer.issued_for(str(tenant)) == [Issued("pos-core", "inventory:reserve", str(tenant))]


async def test_the_stand_in_auth_refuses_a_wrong_secret_or_scope(tokens: TestTokens) -> None:
    issuer = StandinTokenIssuer(tokens, {"pos-core": ("secret", ["inventory:reserve"])})
    pos_core = issuer.service_tokens("pos-core", "inventory:reserve")
    issuer.clients["pos-core"] = ("rotated", frozenset({"inventory:reserve"}))

    with pytest.raises(ServiceTokenRefused) as wrong_secret:
        await pos_core.for_tenant(uuid.uuid4())
    with pytest.raises(ServiceTokenRefused) as wrong_scope:
        await issuer.service_tokens("pos-core", "menu:read").for_tenant(uuid.uuid4())

    assert (wrong_secret.value.status_code, wrong_scope.value.status_code) == (401, 403)
    assert issuer.issued == []
