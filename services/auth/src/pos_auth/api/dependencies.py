"""How routers reach auth's use cases: the bundle `main` builds the app with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pos_auth.use_cases.accounts import Accounts
from pos_auth.use_cases.guest_tokens import GuestTokens
from pos_auth.use_cases.keys import KeyRing
from pos_auth.use_cases.service_accounts import ServiceAccounts
from pos_auth.use_cases.staff_logins import StaffLogins
from pos_kit.dependencies import app_state


@dataclass(frozen=True)
class AuthUseCases:
    accounts: Accounts
    staff: StaffLogins
    service_accounts: ServiceAccounts
    guest_tokens: GuestTokens
    keys: KeyRing


UseCases = Annotated[AuthUseCases, Depends(app_state(AuthUseCases))]
