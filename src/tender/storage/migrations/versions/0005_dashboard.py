"""dashboard: users, sessions, sign-in failures; keys' last use; paused webhooks; overview indexes

Revision ID: 0005_dashboard
Revises: 0004_payment_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tender.storage.types import UTCDateTime

revision: str = "0005_dashboard"
down_revision: str | None = "0004_payment_core"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("last_used_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.add_column(sa.Column("paused_at", UTCDateTime(), nullable=True))
    op.create_index("ix_refunds_created_at", "refunds", ["created_at"])
    op.create_index(
        "ix_payment_intents_overview",
        "payment_intents",
        ["account_id", "created_at", "id", "currency"],
    )
    op.create_index(
        "ix_payment_attempts_overview",
        "payment_attempts",
        ["intent_id", "completed_at", "state", "amount", "message"],
    )
    op.create_table(
        "dashboard_users",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.Column("last_sign_in_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_dashboard_users_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_users")),
        sa.UniqueConstraint("email", name=op.f("uq_dashboard_users_email")),
    )
    op.create_index(
        op.f("ix_dashboard_users_account_id"), "dashboard_users", ["account_id"], unique=False
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_dashboard_sessions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["dashboard_users.id"],
            name=op.f("fk_dashboard_sessions_user_id_dashboard_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_user_id"), "dashboard_sessions", ["user_id"], unique=False
    )
    op.create_index(
        op.f("ix_dashboard_sessions_expires_at"), "dashboard_sessions", ["expires_at"], unique=False
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_sign_in_failures")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_index(op.f("ix_dashboard_sessions_expires_at"), table_name="dashboard_sessions")
    op.drop_index(op.f("ix_dashboard_sessions_user_id"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index(op.f("ix_dashboard_users_account_id"), table_name="dashboard_users")
    op.drop_table("dashboard_users")
    op.drop_index("ix_payment_attempts_overview", table_name="payment_attempts")
    op.drop_index("ix_payment_intents_overview", table_name="payment_intents")
    op.drop_index("ix_refunds_created_at", table_name="refunds")
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.drop_column("paused_at")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("last_used_at")
