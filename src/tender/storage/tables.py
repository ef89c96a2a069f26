"""The tables. Money columns are BIGINT minor units; every money movement is a row.

Keep this file in step with the Alembic migrations in ``migrations/versions``
(``tests/storage/test_migrations.py`` checks that they agree).
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from tender.storage.types import JSONDocument, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("environment", String(16), nullable=False),  # sandbox | prod
    Column("currencies", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex of the key
    Column("hint", String(40), nullable=False),  # sk_sandbox_…last4, for listings
    Column("environment", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    # Written at most once a minute per key (the API authenticates every request).
    Column("last_used_at", UTCDateTime),
)

payment_intents = Table(
    "payment_intents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("capture_mode", String(8), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("tips_amount", BigInteger, nullable=False, default=0),
    Column("service_charge_amount", BigInteger, nullable=False, default=0),
    Column("cashback_amount", BigInteger, nullable=False, default=0),
    Column("reference", String(60), nullable=False),
    # Everything else the merchant sent (customer, addresses, config, lines, metadata…), echoed.
    Column("details", JSONDocument, nullable=False),
    Column("client_secret", String(200), unique=True),
    Column("client_secret_expires_at", UTCDateTime),
    Column("expire_at", UTCDateTime, nullable=False),
    Column("auto_expire_in_seconds", Integer),
    Column("auto_expire_action", String(16)),
    Column("customer_id", String(64)),  # details' customer.id, for a customer's payments
    Column("version", Integer, nullable=False, default=1),  # bumped by every change
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_payment_intents_account_created", "account_id", "created_at", "id"),
    # Covers the dashboard overview's scan of an account's intents by creation time.
    Index("ix_payment_intents_overview", "account_id", "created_at", "id", "currency"),
    Index("ix_payment_intents_status_expire", "status", "expire_at"),
    Index("ix_payment_intents_customer", "customer_id", "created_at"),
)

# The intent's history as Dojo shows it in ``paymentEvents`` (attempts and status changes).
payment_events = Table(
    "payment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("intent_id", String(64), ForeignKey("payment_intents.id"), nullable=False, index=True),
    Column("event_type", String(24), nullable=False),
    Column("transaction_id", String(64)),
    Column("auth_code", String(16)),
    Column("card_number", String(32)),  # masked: last four only, ************1096
    Column("expiry_date", String(8)),
    Column("card_type", String(16)),
    Column("cardholder_name", String(100)),
    Column("payment_method_id", String(64)),
    Column("message", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
)

# Transactional outbox: written in the transaction of the change it reports (webhooks read it).
outbox_events = Table(
    "outbox_events",
    metadata,
    # seq orders events (delivery per intent follows it); id is the public evt_… id.
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", String(64), nullable=False, unique=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("intent_id", String(64), index=True),
    Column("event", String(64), nullable=False),
    Column("payload", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_outbox_events_account_seq", "account_id", "seq"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # in_flight | done
    Column("response_status", Integer),
    Column("response_body", Text),
    Column("locked_until", UTCDateTime),
    # The pending capture, refund, reversal or attempt this key waits for (recovery completes it).
    Column("pending_ref", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_idempotency_keys_created", "created_at"),
    Index("ix_idempotency_keys_pending_ref", "pending_ref"),
)

# --- paying (issue 3): attempts and money movements, append-only rows ----------------------

# One payment attempt (card or wallet) against an intent. No full card number, no CVV: only the
# brand, the masked number (last four digits only), expiry and a slow (scrypt) fingerprint.
payment_attempts = Table(
    "payment_attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("intent_id", String(64), ForeignKey("payment_intents.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, index=True),  # sha256 of the secret used
    Column("method", String(16), nullable=False),  # Card | GooglePay | ApplePay
    Column("state", String(16), nullable=False),  # challenged|succeeded|declined|…|abandoned
    Column("status_code", Integer, nullable=False),  # Connect-E status code of the answer
    Column("message", String(200), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("auth_code", String(16)),
    Column("transaction_id", String(64)),
    Column("card_brand", String(16)),
    Column("card_masked", String(32)),
    Column("card_last4", String(4)),
    Column("card_expiry", String(8)),
    Column("cardholder_name", String(100)),
    Column("fingerprint", String(64)),
    Column("three_ds", String(16)),  # frictionless | challenge
    Column("otp_code", String(8)),  # the sandbox issuer's one-time code while challenged
    Column("processor_data", JSONDocument, nullable=False),
    Column("release_at", UTCDateTime),  # Manual authorizations: when expiry acts on them
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("payment_method_id", String(64)),  # the saved card (pm_…) it was paid with
    # The customer agreed to save the card (savePaymentMethod): its approval keeps it.
    Column("save_card", Boolean, nullable=False, server_default=false()),
    Index("ix_payment_attempts_state_release", "state", "release_at"),
    # Covers the dashboard overview's join from intents to their finished attempts.
    Index(
        "ix_payment_attempts_overview", "intent_id", "completed_at", "state", "amount", "message"
    ),
)

captures = Table(
    "captures",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("intent_id", String(64), ForeignKey("payment_intents.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("tips_amount", BigInteger, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # MovementStatus: Pending | Successful | …
    Column("reason", String(16), nullable=False, server_default="requested"),
    Column("message", String(200), nullable=False),
    Column("transaction_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_captures_status_created", "status", "created_at"),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("intent_id", String(64), ForeignKey("payment_intents.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # MovementStatus: Pending | Successful | …
    Column("message", String(200), nullable=False, server_default=""),
    Column("refund_reason", String(1024)),
    Column("notes", Text),
    Column("previous_transaction_id", String(100)),
    Column("transaction_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_refunds_status_created", "status", "created_at"),
    Index("ix_refunds_created_at", "created_at"),  # the dashboard's refunds per day
)

reversals = Table(
    "reversals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("intent_id", String(64), ForeignKey("payment_intents.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, server_default="Successful"),
    Column("reason", String(32), nullable=False),  # requested | expired | capture_failed
    Column("message", String(200), nullable=False, server_default="Reversal successful"),
    Column("transaction_id", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_reversals_status_created", "status", "created_at"),
)

# --- webhooks (issue 5) -------------------------------------------------------------------

_SEQ = BigInteger().with_variant(Integer, "sqlite")

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("description", String(500)),
    Column("events", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime),  # kept, so its delivery log stays readable
    Column("paused_at", UTCDateTime),  # paused: deliveries wait (pending) until resumed
)

# Signing secrets; exactly one is active per subscription (rotation: add, activate, delete).
webhook_secrets = Table(
    "webhook_secrets",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "subscription_id",
        String(64),
        ForeignKey("webhook_subscriptions.id"),
        nullable=False,
        index=True,
    ),
    Column("value", String(100), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
)

# Outbox events already fanned out to deliveries (an anti-join marker, safe against sequence
# values that commit out of order).
webhook_fanouts = Table(
    "webhook_fanouts",
    metadata,
    Column("seq", _SEQ, ForeignKey("outbox_events.seq"), primary_key=True, autoincrement=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Every outbox event at or below ``seq`` is known to be fanned out, so the anti-join above only
# looks at newer events (one row, name "fanout").
webhook_cursors = Table(
    "webhook_cursors",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("seq", _SEQ, nullable=False),
)

# One row per (event, subscription): what is due when, and who holds the lease on it.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_seq", _SEQ, ForeignKey("outbox_events.seq"), nullable=False),
    Column("subscription_id", String(64), ForeignKey("webhook_subscriptions.id"), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("intent_id", String(64)),
    Column("status", String(16), nullable=False),  # pending | delivered | failed
    Column("tries", Integer, nullable=False),  # failed attempts since (re)scheduled
    Column("attempt_count", Integer, nullable=False),  # every attempt ever made
    Column("next_attempt_at", UTCDateTime),
    Column("lease_until", UTCDateTime),
    Column("lease_token", String(32)),
    Column("last_status_code", Integer),
    Column("last_error", String(500)),
    Column("delivered_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("event_seq", "subscription_id", name="uq_webhook_deliveries_event_sub"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_order", "subscription_id", "intent_id", "event_seq"),
    Index("ix_webhook_deliveries_sub_seq", "subscription_id", "event_seq"),
)

# Every HTTP attempt, for the delivery log.
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "delivery_id", String(64), ForeignKey("webhook_deliveries.id"), nullable=False, index=True
    ),
    Column("number", Integer, nullable=False),
    Column("secret_id", String(64)),
    Column("url", String(2048), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("status_code", Integer),
    Column("response_body", Text),
    Column("error", String(500)),
)


# --- the merchant dashboard (issue 13) ----------------------------------------------------

# People who sign in to the dashboard. Each belongs to one account (and may switch to the
# account of the same name in the other environment); passwords are argon2id hashes.
dashboard_users = Table(
    "dashboard_users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-cased
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # owner | developer | support
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime),
    Column("last_sign_in_at", UTCDateTime),
)

# Server-side sessions: the cookie holds a random token, the row its sha256 (a copied database
# cannot be replayed as cookies). ``account_id`` is the account the session is looking at.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 hex of the cookie's token
    Column("user_id", String(64), ForeignKey("dashboard_users.id"), nullable=False, index=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# Failed sign-ins per e-mail address (known or not, so a lockout reveals nothing).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- security (issue 12) ------------------------------------------------------------------

# Secrets Tender generates on its first start (card fingerprint key, the demo shop's key…), so
# no installation runs with a default that is written in the repository.
installation_secrets = Table(
    "installation_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Fixed-window rate-limit counters (the ``limits`` library's storage when Redis is not used).
rate_limit_counters = Table(
    "rate_limit_counters",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("expires_at_ms", BigInteger, nullable=False),  # Unix time in milliseconds
    Index("ix_rate_limit_counters_expires", "expires_at_ms"),
)

# --- setup intents (issue 14): a card kept for merchant-initiated charges ----------------

# The card is kept as the acquirer's token and its processor_data, with its masked form: never
# the number or the CVV.
setup_intents = Table(
    "setup_intents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reference", String(60), nullable=False),
    Column("mit_type", String(32), nullable=False),  # merchantInitiatedTransactionType
    Column("terms", Text, nullable=False),
    Column("currency", String(3)),  # intendedAmount's, when given
    Column("intended_amount", BigInteger),
    Column("details", JSONDocument, nullable=False),
    Column("client_secret", String(200), unique=True),
    Column("client_secret_expires_at", UTCDateTime),
    Column("expire_at", UTCDateTime, nullable=False),
    Column("card_token", String(200)),
    Column("processor_data", JSONDocument, nullable=False),
    Column("card_brand", String(16)),
    Column("card_masked", String(32)),
    Column("card_last4", String(4)),
    Column("card_expiry", String(8)),
    Column("card_expires_at", UTCDateTime),
    Column("cardholder_name", String(100)),
    Column("fingerprint", String(64)),
    Column("attempt_id", String(64)),
    # A one-off (NoShow) setup intent's charge in flight: a second one waits (409) for it.
    Column("charge_attempt_id", String(64)),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("authorized_at", UTCDateTime),
    Index("ix_setup_intents_account_created", "account_id", "created_at", "id"),
    Index("ix_setup_intents_status_expire", "status", "expire_at"),
    Index("ix_setup_intents_status_card_expires", "status", "card_expires_at"),
)

# The setup intent's history as Dojo shows it in ``setupEvents``.
setup_events = Table(
    "setup_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "setup_intent_id", String(64), ForeignKey("setup_intents.id"), nullable=False, index=True
    ),
    Column("event_type", String(24), nullable=False),
    Column("transaction_id", String(64)),
    Column("auth_code", String(16)),
    Column("card_number", String(32)),  # masked: last four only
    Column("expiry_date", String(8)),
    Column("card_type", String(16)),
    Column("cardholder_name", String(100)),
    Column("message", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
)

# The customer's attempts to authorize a card on a setup intent: the columns of
# payment_attempts (so 3-D Secure and the gateway's answers work alike), ``intent_id`` naming
# the setup intent.
setup_attempts = Table(
    "setup_attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("intent_id", String(64), ForeignKey("setup_intents.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, index=True),
    Column("method", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("message", String(200), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("auth_code", String(16)),
    Column("transaction_id", String(64)),
    Column("card_brand", String(16)),
    Column("card_masked", String(32)),
    Column("card_last4", String(4)),
    Column("card_expiry", String(8)),
    Column("cardholder_name", String(100)),
    Column("fingerprint", String(64)),
    Column("three_ds", String(16)),
    Column("otp_code", String(8)),
    Column("processor_data", JSONDocument, nullable=False),
    Column("release_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Index("ix_setup_attempts_state_created", "state", "created_at"),
)

# --- customers and saved cards (issue 14) -------------------------------------------------

# A merchant's customer (Dojo's ``CustomerFull``). Deleting one keeps the row (its payments
# still name it) but hides it from the API; its saved cards are deleted with it.
customers = Table(
    "customers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("name", String(100)),
    Column("email_address", String(254)),
    Column("phone_number", String(50)),
    Column("vat_number", String(50)),
    Column("billing_address", JSONDocument),
    Column("shipping_address", JSONDocument),
    Column("document_version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime),
    Index("ix_customers_account_created", "account_id", "created_at", "id"),
)

# Short-lived customer secrets (``cs_…``), kept as their sha256 only.
customer_secrets = Table(
    "customer_secrets",
    metadata,
    Column("secret_hash", String(64), primary_key=True),
    Column("customer_id", String(64), ForeignKey("customers.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# A customer's saved card: the processor's token and its note, brand, masked number (last four
# digits only), expiry and keyed fingerprint. Never the card number or CVV.
payment_methods = Table(
    "payment_methods",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("customer_id", String(64), ForeignKey("customers.id"), nullable=False),
    Column("card_brand", String(16), nullable=False),
    Column("card_masked", String(32), nullable=False),
    Column("card_last4", String(4), nullable=False),
    Column("card_expiry", String(8), nullable=False),  # MM/YY
    Column("fingerprint", String(64)),
    Column("processor_token", String(200), nullable=False),
    Column("processor_data", JSONDocument, nullable=False),
    Column("attempt_id", String(64)),  # the payment that saved it
    Column("created_at", UTCDateTime, nullable=False),
    Column("expired_at", UTCDateTime),  # marked once its expiry has passed; never charged again
    Column("deleted_at", UTCDateTime),
    Index("ix_payment_methods_customer", "customer_id", "created_at"),
)
