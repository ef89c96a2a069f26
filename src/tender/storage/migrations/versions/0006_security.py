"""security: installation secrets and rate-limit counters; card numbers
already stored are cut down to their last four digits and their fingerprints dropped

Revision ID: 0006_security
Revises: 0005_dashboard
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tender.storage.types import UTCDateTime

revision: str = "0006_security"
down_revision: str | None = "0005_dashboard"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

STARS = "*" * 32


def _last_four_only(column: str) -> str:
    """SQL (SQLite and PostgreSQL) masking every character of ``column`` but the last four."""
    return f"substr('{STARS}', 1, length({column}) - 4) || substr({column}, length({column}) - 3)"


def upgrade() -> None:
    op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_installation_secrets")),
    )
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )
    op.create_index(
        "ix_rate_limit_counters_expires", "rate_limit_counters", ["expires_at_ms"], unique=False
    )
    # Earlier versions kept the first six digits in clear and an HMAC fingerprint under a key
    # with a public default: together they let anyone with the rows recover the numbers.
    op.execute(
        "UPDATE payment_attempts SET fingerprint = NULL, "
        f"card_masked = {_last_four_only('card_masked')} "
        "WHERE card_masked IS NOT NULL AND length(card_masked) > 4"
    )
    op.execute(
        f"UPDATE payment_events SET card_number = {_last_four_only('card_number')} "
        "WHERE card_number IS NOT NULL AND length(card_number) > 4"
    )


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counters_expires", table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
    op.drop_table("installation_secrets")
