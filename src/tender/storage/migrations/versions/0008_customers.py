"""customers: customers, customer secrets, saved payment methods; intents' customer, attempts'
saved card

Revision ID: 0008_customers
Revises: 0007_setup_intents
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tender.storage.types import JSONDocument, UTCDateTime

revision: str = "0008_customers"
down_revision: str | None = "0007_setup_intents"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("email_address", sa.String(length=254), nullable=True),
        sa.Column("phone_number", sa.String(length=50), nullable=True),
        sa.Column("vat_number", sa.String(length=50), nullable=True),
        sa.Column("billing_address", JSONDocument, nullable=True),
        sa.Column("shipping_address", JSONDocument, nullable=True),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_customers_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_index("ix_customers_account_created", "customers", ["account_id", "created_at", "id"])
    op.create_table(
        "customer_secrets",
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_secrets_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("secret_hash", name=op.f("pk_customer_secrets")),
    )
    op.create_index(op.f("ix_customer_secrets_customer_id"), "customer_secrets", ["customer_id"])
    op.create_table(
        "payment_methods",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("card_brand", sa.String(length=16), nullable=False),
        sa.Column("card_masked", sa.String(length=32), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("card_expiry", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("processor_token", sa.String(length=200), nullable=False),
        sa.Column("processor_data", JSONDocument, nullable=False),
        sa.Column("attempt_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expired_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payment_methods_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payment_methods_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_methods")),
    )
    op.create_index("ix_payment_methods_customer", "payment_methods", ["customer_id", "created_at"])
    with op.batch_alter_table("payment_intents") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(length=64), nullable=True))
        batch.create_index("ix_payment_intents_customer", ["customer_id", "created_at"])
    with op.batch_alter_table("payment_attempts") as batch:
        batch.add_column(sa.Column("payment_method_id", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("save_card", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_attempts") as batch:
        batch.drop_column("save_card")
        batch.drop_column("payment_method_id")
    with op.batch_alter_table("payment_intents") as batch:
        batch.drop_index("ix_payment_intents_customer")
        batch.drop_column("customer_id")
    op.drop_index("ix_payment_methods_customer", table_name="payment_methods")
    op.drop_table("payment_methods")
    op.drop_index(op.f("ix_customer_secrets_customer_id"), table_name="customer_secrets")
    op.drop_table("customer_secrets")
    op.drop_index("ix_customers_account_created", table_name="customers")
    op.drop_table("customers")
