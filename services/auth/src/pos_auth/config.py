"""auth's settings (env prefix POS_AUTH_)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from pos_auth.domain.guests import MAX_GUEST_TOKEN_TTL_SECONDS
from pos_kit.settings import ServiceSettings


class BootstrapClient(BaseModel):
    """A service account created at start-up (for local runs and compose)."""

    client_id: str
    secret: str
    scopes: list[str] = Field(default_factory=list)


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_AUTH_", extra="ignore")

    service_name: str = "auth"
    port: int = 8001
    database_url: str = "sqlite:///./var/auth.db"

    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    service_token_ttl_seconds: int = 10 * 60
    # A table's guest link (issued to the restaurant service): a few hours, one visit.
    guest_token_ttl_seconds: int = Field(default=3 * 3600, ge=60, le=MAX_GUEST_TOKEN_TTL_SECONDS)

    # Signing keys: a new key every `key_rotation_days`; a retired key keeps
    # verifying for `key_overlap_seconds` so tokens it signed live out their TTL
    # (the longest-lived are guest tokens, up to 12 h).
    key_rotation_days: int = 30
    # How often a running auth checks whether its key has reached that age.
    key_check_interval_seconds: float = 3600.0
    key_overlap_seconds: int = 13 * 3600

    # argon2id cost; never below OWASP's m=19456 KiB, t=2, p=1 (enforced in passwords.py).
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    # Login throttling (domain/throttling.py), per window. An account's failures count per
    # client address: a guesser elsewhere never locks the owner out.
    max_failed_logins_per_account: int = 100  # from any one address (NIST: at most 100)
    max_failed_logins_per_address: int = 500  # across accounts
    login_throttle_window_seconds: int = 3600
    # From one address, after this many failures on an account, a delay before each next
    # attempt: the base, doubling with every further failure, up to the cap.
    login_free_failures: int = Field(default=5, ge=1)
    login_delay_base_seconds: float = Field(default=1.0, ge=0)
    login_delay_cap_seconds: float = Field(default=900.0, gt=0)
    # Sign-ups per client address and window: a 409 says an e-mail is registered (people
    # need the clear answer), so the registry must not be readable at scale.
    max_signups_per_address: int = Field(default=30, ge=1)
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])

    bootstrap_clients: list[BootstrapClient] = Field(default_factory=list)
