"""How routers reach auth's use cases (built once in the app's lifespan)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from pos_auth.services.accounts import AccountServices
from pos_auth.services.keys import KeyRing
from pos_auth.services.service_accounts import ServiceAccounts
from pos_auth.services.staff_logins import StaffLogins


@dataclass
class AuthServices:
    accounts: AccountServices
    staff: StaffLogins
    service_accounts: ServiceAccounts
    keys: KeyRing


def _services(request: Request) -> AuthServices:
    services: AuthServices = request.app.state.auth_services
    return services


Services = Annotated[AuthServices, Depends(_services)]
