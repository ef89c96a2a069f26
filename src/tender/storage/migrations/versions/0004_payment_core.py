"""payment core: pending movements, declined refunds and reversals, recovery

Revision ID: 0004_payment_core
Revises: 0003_webhooks

Captures, refunds and reversals are written ``Pending`` before the processor is called and
updated with its answer, so refunds and reversals gain a message (and reversals a status), captures
say what asked for them, and idempotency keys point at the pending operation they wait for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_payment_core"
down_revision: str | None = "0003_webhooks"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(
            sa.Column("reason", sa.String(length=16), nullable=False, server_default="requested")
        )
    op.execute(
        "UPDATE captures SET reason = 'payment' WHERE message = 'Captured with the authorization'"
    )
    with op.batch_alter_table("refunds") as batch:
        batch.add_column(
            sa.Column("message", sa.String(length=200), nullable=False, server_default="")
        )
    op.execute("UPDATE refunds SET message = 'Refund successful' WHERE status = 'Successful'")
    with op.batch_alter_table("reversals") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="Successful")
        )
        batch.add_column(
            sa.Column(
                "message",
                sa.String(length=200),
                nullable=False,
                server_default="Reversal successful",
            )
        )
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("pending_ref", sa.String(length=64), nullable=True))
    op.create_index("ix_idempotency_keys_pending_ref", "idempotency_keys", ["pending_ref"])
    for table in ("captures", "refunds", "reversals"):
        op.create_index(f"ix_{table}_status_created", table, ["status", "created_at"])


def downgrade() -> None:
    for table in ("captures", "refunds", "reversals"):
        op.drop_index(f"ix_{table}_status_created", table_name=table)
    op.drop_index("ix_idempotency_keys_pending_ref", table_name="idempotency_keys")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("pending_ref")
    with op.batch_alter_table("reversals") as batch:
        batch.drop_column("message")
        batch.drop_column("status")
    with op.batch_alter_table("refunds") as batch:
        batch.drop_column("message")
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("reason")
