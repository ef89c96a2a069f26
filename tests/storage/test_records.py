"""Records keep secrets out of their ``repr``: a record in a log line or a traceback never shows
a password hash, a session's token hash or CSRF token, or a webhook signing secret."""

from datetime import UTC, datetime

from tender.service.dispatcher import Claimed
from tender.storage.records import (
    ClaimedDelivery,
    DashboardSession,
    DashboardUser,
    WebhookSecret,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
TOKEN_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
CSRF = "pSgYk2d3XQ1ZVtq8iPjbbb7GkW2r4vXyBfGm3cHkWQI"
SIGNING = "PDYkJQq6sESYHp_zJuTTBQ"


def test_secrets_never_appear_in_a_records_repr() -> None:
    user = DashboardUser("usr_1", "acc_1", "ada@example.com", HASH, "owner", NOW, None, None)
    session = DashboardSession(
        TOKEN_HASH, "usr_1", "acc_1", CSRF, NOW, NOW, "ada@example.com", "owner", None, "acc_1"
    )
    secret = WebhookSecret("sc_1", "ws_1", SIGNING, True, NOW, None)
    delivery = ClaimedDelivery("dlv_1", 0, 0, "ws_1", {}, "https://shop.test/hook", None, "prod")
    claimed = Claimed(delivery, "sc_1", SIGNING)

    shown = {repr(r) for r in (user, session, secret, claimed)}
    for text in shown:
        for hidden in (HASH, TOKEN_HASH, CSRF, SIGNING):
            assert hidden not in text
    # Everything else is still there to read.
    assert "ada@example.com" in repr(user) and "owner" in repr(session)
    assert "sc_1" in repr(secret) and "dlv_1" in repr(claimed)
