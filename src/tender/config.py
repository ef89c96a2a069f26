"""Settings, read from ``TENDER_*`` environment variables (see the README)."""

import ipaddress
from datetime import timedelta
from functools import cached_property

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./var/tender.db"


def async_database_url(url: str) -> str:
    """Map the URL a user writes (``postgresql://``, ``sqlite:///``) to its asyncio driver."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TENDER_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(
        default=None,
        description="Base URL customers reach this server at (payment links); "
        "defaults to http://HOST:PORT",
    )
    max_body_bytes: int = 1024 * 1024
    client_secret_ttl_seconds: int = 30 * 60
    default_expiry_days: int = 30
    idempotency_ttl_hours: int = 24
    idempotency_lease_seconds: int = 60
    fingerprint_key: str = Field(
        default="",
        description="Key of the card fingerprints; empty: generated on the first start and kept "
        "in the database",
    )
    demo: bool = Field(default=False, description="Serve the demo shop at /demo")
    # Rate limits, in the ``limits`` library's notation ("5/hour", "20 per minute").
    rate_limits: bool = Field(default=True, description="Enforce the rate limits below")
    redis_url: str | None = Field(
        default=None, description="Keep rate-limit counters in this Redis instead of the database"
    )
    redis_prefix: str = "tender"
    limit_declines_per_intent: str = "5/hour"
    limit_declines_per_account: str = "100/hour"
    limit_declines_per_ip: str = "20/hour"
    card_lock_hours: int = Field(default=24, ge=1)
    limit_public_refresh_per_intent: str = "10/hour"
    limit_public_refresh_per_ip: str = "60/hour"
    limit_auth_failures_per_ip: str = "20/minute"
    limit_demo_orders_per_ip: str = "20/hour"
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is "
        "believed (empty: none; the client address is the peer's)",
    )
    webhook_allow_private: bool | None = Field(
        default=None,
        description="Let sandbox webhooks reach private and loopback addresses; default: only "
        "when the server listens on loopback",
    )
    run_workers: bool = Field(default=True, description="Run background workers inside serve")
    key_cache_seconds: float = Field(
        default=4.0, ge=0, le=5, description="How long a process remembers a key's account"
    )
    # The acquirer: how long a call may take, and the sandbox acquirer's own knobs.
    processor_timeout_seconds: float = Field(default=30.0, gt=0)
    sandbox_latency_ms: int = Field(default=0, ge=0, le=60_000)
    sandbox_hang: str = Field(
        default="", description="Sandbox calls that never answer (fault injection), e.g. capture"
    )
    sandbox_journal: str = Field(
        default="./var/sandbox-acquirer.sqlite3",
        description="Where the sandbox acquirer keeps its answers (``:memory:`` for none)",
    )
    strict_requests: bool = Field(
        default=False,
        description="Refuse (400) request properties the API version does not define, instead "
        "of ignoring them and naming them in Tender-Ignored-Fields",
    )
    # Webhook delivery: ~10 attempts spread over about a day (base * 2**n, jittered, capped).
    webhook_max_attempts: int = Field(default=10, ge=1)
    webhook_backoff_base_seconds: float = Field(default=180.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=8 * 3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_lease_seconds: float = Field(default=60.0, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_batch_size: int = Field(default=50, ge=1, le=1000)
    # The dashboard: how long a sign-in lasts, and the lockout after repeated failures.
    dashboard_session_hours: float = Field(default=12.0, gt=0)
    dashboard_lockout_failures: int = Field(default=5, ge=1)
    dashboard_lockout_minutes: float = Field(default=15.0, gt=0)

    @cached_property
    def async_url(self) -> str:
        return async_database_url(self.database_url)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def recovery_age(self) -> timedelta:
        """A pending operation older than this has no live request waiting for its answer."""
        return timedelta(seconds=self.processor_timeout_seconds + 5)

    @property
    def listens_on_loopback(self) -> bool:
        if self.host.lower() in ("localhost", "localhost.localdomain"):
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False

    @property
    def allow_private_webhooks(self) -> bool:
        if self.webhook_allow_private is not None:
            return self.webhook_allow_private
        return self.listens_on_loopback

    @property
    def client_secret_ttl(self) -> timedelta:
        return timedelta(seconds=self.client_secret_ttl_seconds)
