"""Settings, read from ``TENDER_*`` environment variables (see the README)."""

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
        default="tender-sandbox-fingerprint-key",
        description="HMAC key for card fingerprints; set your own in production",
    )
    run_workers: bool = Field(default=True, description="Run background workers inside serve")
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

    @cached_property
    def async_url(self) -> str:
        return async_database_url(self.database_url)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def client_secret_ttl(self) -> timedelta:
        return timedelta(seconds=self.client_secret_ttl_seconds)
