"""auth's app: its key ring and use cases, handed to the kernel with auth's own token verifier."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.tables import outbox
from pos_auth.api.dependencies import AuthUseCases
from pos_auth.api.routes import jwks_router, router
from pos_auth.config import AuthSettings
from pos_auth.use_cases.accounts import Accounts
from pos_auth.use_cases.guest_tokens import GuestTokens
from pos_auth.use_cases.keys import KeyRing, KeyRotation
from pos_auth.use_cases.service_accounts import BootstrapClients, ServiceAccounts
from pos_auth.use_cases.staff_logins import StaffLogins
from pos_auth.use_cases.tokens import TokenIssuer
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or AuthSettings()
    kernel = ServiceKernel(settings, outbox=outbox)
    keys = KeyRing(
        kernel.database,
        rotation_age=timedelta(days=settings.key_rotation_days),
        overlap=timedelta(seconds=settings.key_overlap_seconds),
    )
    # auth verifies its own tokens straight from its key ring, not over HTTP. The ring
    # reads the kernel's database, so the verifier can only be handed over once the
    # kernel exists (ServiceKernel takes it at construction otherwise).
    kernel.token_verifier = TokenVerifier(
        keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    passwords = Passwords(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
    )
    issuer = TokenIssuer(settings, keys)
    use_cases = AuthUseCases(
        accounts=Accounts(settings=settings, passwords=passwords, tokens=issuer),
        staff=StaffLogins(passwords=passwords),
        service_accounts=ServiceAccounts(passwords=passwords, tokens=issuer),
        guest_tokens=GuestTokens(tokens=issuer),
        keys=keys,
    )
    kernel.run_in_background(KeyRotation(keys, every_seconds=settings.key_check_interval_seconds))
    if settings.bootstrap_clients:
        kernel.run_in_background(
            BootstrapClients(
                kernel.database, use_cases.service_accounts, settings.bootstrap_clients
            )
        )
    return kernel.create_app(title="POS auth", routers=[router, jwks_router], use_cases=use_cases)
