"""setup intents: the intents, their setupEvents and the customer's attempts to authorize a card

Revision ID: 0007_setup_intents
Revises: 0006_security

A setup intent keeps the acquirer's token for the card (with its processor_data and masked
form), never the number or the CVV.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tender.storage.types import JSONDocument, UTCDateTime

revision: str = "0007_setup_intents"
down_revision: str | None = "0006_security"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _card_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("card_brand", sa.String(length=16), nullable=True),
        sa.Column("card_masked", sa.String(length=32), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("card_expiry", sa.String(length=8), nullable=True),
        sa.Column("cardholder_name", sa.String(length=100), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "setup_intents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("mit_type", sa.String(length=32), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("intended_amount", sa.BigInteger(), nullable=True),
        sa.Column("details", JSONDocument, nullable=False),
        sa.Column("client_secret", sa.String(length=200), nullable=True),
        sa.Column("client_secret_expires_at", UTCDateTime(), nullable=True),
        sa.Column("expire_at", UTCDateTime(), nullable=False),
        sa.Column("card_token", sa.String(length=200), nullable=True),
        sa.Column("processor_data", JSONDocument, nullable=False),
        *_card_columns(),
        sa.Column("card_expires_at", UTCDateTime(), nullable=True),
        sa.Column("attempt_id", sa.String(length=64), nullable=True),
        sa.Column("charge_attempt_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("authorized_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_setup_intents_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_setup_intents"),
        sa.UniqueConstraint("client_secret", name="uq_setup_intents_client_secret"),
    )
    op.create_index(
        "ix_setup_intents_account_created", "setup_intents", ["account_id", "created_at", "id"]
    )
    op.create_index("ix_setup_intents_status_expire", "setup_intents", ["status", "expire_at"])
    op.create_index(
        "ix_setup_intents_status_card_expires", "setup_intents", ["status", "card_expires_at"]
    )

    op.create_table(
        "setup_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("setup_intent_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=24), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("auth_code", sa.String(length=16), nullable=True),
        sa.Column("card_number", sa.String(length=32), nullable=True),
        sa.Column("expiry_date", sa.String(length=8), nullable=True),
        sa.Column("card_type", sa.String(length=16), nullable=True),
        sa.Column("cardholder_name", sa.String(length=100), nullable=True),
        sa.Column("message", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["setup_intent_id"],
            ["setup_intents.id"],
            name="fk_setup_events_setup_intent_id_setup_intents",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_setup_events"),
    )
    op.create_index("ix_setup_events_setup_intent_id", "setup_events", ["setup_intent_id"])

    op.create_table(
        "setup_attempts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("intent_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("auth_code", sa.String(length=16), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        *_card_columns(),
        sa.Column("three_ds", sa.String(length=16), nullable=True),
        sa.Column("otp_code", sa.String(length=8), nullable=True),
        sa.Column("processor_data", JSONDocument, nullable=False),
        sa.Column("release_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intent_id"], ["setup_intents.id"], name="fk_setup_attempts_intent_id_setup_intents"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_setup_attempts"),
    )
    op.create_index("ix_setup_attempts_intent_id", "setup_attempts", ["intent_id"])
    op.create_index("ix_setup_attempts_token_hash", "setup_attempts", ["token_hash"])
    op.create_index("ix_setup_attempts_state_created", "setup_attempts", ["state", "created_at"])


def downgrade() -> None:
    op.drop_table("setup_attempts")
    op.drop_table("setup_events")
    op.drop_table("setup_intents")
