"""The setup-intent transition table and the card-expiry rule."""

from datetime import UTC, datetime

import pytest

from tender.domain.setup import (
    SetupOperation,
    SetupStatus,
    card_expired,
    card_expires_at,
    setup_allowed_from,
    setup_target,
)

S, Op = SetupStatus, SetupOperation


@pytest.mark.parametrize(
    ("operation", "current", "new"),
    [
        (Op.AUTHORIZE, S.CREATED, S.AUTHORIZED),
        (Op.CANCEL, S.CREATED, S.CANCELED),
        (Op.CANCEL, S.AUTHORIZED, S.CLOSED),
        (Op.EXPIRE, S.CREATED, S.EXPIRED),
        (Op.CARD_EXPIRE, S.AUTHORIZED, S.CARD_EXPIRED),
        (Op.COMPLETE, S.AUTHORIZED, S.COMPLETED),
        (Op.CHARGE, S.AUTHORIZED, S.AUTHORIZED),
        (Op.CHARGE, S.COMPLETED, None),
        (Op.CHARGE, S.CARD_EXPIRED, None),
        (Op.CANCEL, S.COMPLETED, None),
        (Op.AUTHORIZE, S.CANCELED, None),
    ],
)
def test_transitions(
    operation: SetupOperation, current: SetupStatus, new: SetupStatus | None
) -> None:
    assert setup_target(operation, current) is new


def test_allowed_statuses_are_named() -> None:
    assert setup_allowed_from(Op.CANCEL) == ["Authorized", "Created"]


def test_a_card_works_to_the_end_of_its_expiry_month() -> None:
    assert card_expires_at("12/30") == datetime(2031, 1, 1, tzinfo=UTC)
    assert card_expires_at("02/27") == datetime(2027, 3, 1, tzinfo=UTC)
    assert not card_expired("02/27", datetime(2027, 2, 28, 23, 59, tzinfo=UTC))
    assert card_expired("02/27", datetime(2027, 3, 1, tzinfo=UTC))
    assert card_expires_at("13/27") is None and card_expires_at(None) is None
    assert not card_expired("garbage", datetime(2099, 1, 1, tzinfo=UTC))
