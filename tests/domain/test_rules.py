"""``decide``: the table plus the guards on amounts and time (DESIGN.md), exhaustively, with
the windows at their exact boundaries and properties over random operation sequences."""

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tender.domain.rules import AUTHORIZATION_WINDOW, IntentState, decide
from tender.domain.status import CaptureMode, Operation, Status, allowed_from, target
from tender.errors import InvalidRequest, StateConflict

S, M, Op = Status, CaptureMode, Operation
NOW = datetime(2024, 5, 7, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
US = timedelta(microseconds=1)


def healthy(status: Status, mode: CaptureMode) -> IntentState:
    """A state in ``status`` whose amounts and times let every table-allowed operation pass."""
    amounts = {
        S.CREATED: (0, 0, 0),
        S.AUTHORIZED: (1000, 0, 0),
        S.CAPTURED: (1000, 500 if mode is M.MANUAL else 1000, 0),
        S.REFUNDED: (1000, 1000, 300),
        S.REVERSED: (1000, 0, 0),
        S.CANCELED: (0, 0, 0),
    }[status]
    paid = status not in (S.CREATED, S.CANCELED)
    captured = status in (S.CAPTURED, S.REFUNDED)
    return IntentState(
        status=status,
        capture_mode=mode,
        authorized_amount=amounts[0],
        captured_amount=amounts[1],
        refunded_amount=amounts[2],
        authorized_at=NOW - HOUR if paid else None,
        captured_at=NOW - HOUR if captured else None,
    )


AMOUNT_OPS = {Op.CAPTURE, Op.REFUND}


@pytest.mark.parametrize(
    ("op", "status", "mode"),
    list(itertools.product(Operation, Status, CaptureMode)),
    ids=lambda v: str(v.value),
)
def test_decide_follows_the_table_for_every_combination(
    op: Operation, status: Status, mode: CaptureMode
) -> None:
    state = healthy(status, mode)
    amount = 100 if op in AMOUNT_OPS else None
    expected = target(op, status, mode)
    if expected is None:
        with pytest.raises(StateConflict) as caught:
            decide(op, state, NOW, amount)
        problem = caught.value
        assert problem.status == 409
        assert problem.current == status.value
        assert problem.allowed == sorted(s.value for s in allowed_from(op, mode))
        assert status.value in str(problem.detail)
        assert problem.extensions() == {
            "currentStatus": status.value,
            "allowedStatuses": problem.allowed,
        }
    else:
        assert decide(op, state, NOW, amount) is expected


def test_a_conflict_names_the_statuses_that_would_allow_it() -> None:
    with pytest.raises(StateConflict) as caught:
        decide(Op.CANCEL, healthy(S.CAPTURED, M.AUTO), NOW)
    assert caught.value.detail == (
        "Cannot cancel the payment intent because its status is Captured; expected Created."
    )


def test_capture_in_auto_mode_explains_why() -> None:
    with pytest.raises(StateConflict, match="captureMode Manual"):
        decide(Op.CAPTURE, healthy(S.CAPTURED, M.AUTO), NOW, 100)


@pytest.mark.parametrize(
    ("status", "mode", "hint"),
    [(S.CAPTURED, M.MANUAL, "only be reversed while Authorized"),
     (S.AUTHORIZED, M.AUTO, "only be reversed while Captured")],
)  # fmt: skip
def test_reversal_in_the_wrong_mode_says_refund_instead(
    status: Status, mode: CaptureMode, hint: str
) -> None:
    with pytest.raises(StateConflict, match=hint) as caught:
        decide(Op.REVERSE, healthy(status, mode), NOW)
    assert "refund it instead" in str(caught.value.detail)


# --- partial captures --------------------------------------------------------------------


def manual(status: Status = S.AUTHORIZED, **amounts: int) -> IntentState:
    return IntentState(
        status=status,
        capture_mode=M.MANUAL,
        authorized_amount=amounts.get("authorized", 1000),
        captured_amount=amounts.get("captured", 0),
        refunded_amount=amounts.get("refunded", 0),
        authorized_at=NOW - HOUR,
        captured_at=NOW - HOUR if status is not S.AUTHORIZED else None,
    )


@pytest.mark.parametrize("amount", [None, 0, -1, True, 1.5, "100"])
def test_capture_needs_a_positive_integer_amount(amount: object) -> None:
    with pytest.raises(InvalidRequest) as caught:
        decide(Op.CAPTURE, manual(), NOW, amount)  # type: ignore[arg-type]
    assert caught.value.errors == {
        "Amount": ["The amount must be a positive integer of minor units."]
    }


def test_capture_up_to_the_authorized_amount_and_not_one_more() -> None:
    assert decide(Op.CAPTURE, manual(), NOW, 1000) is S.CAPTURED
    with pytest.raises(InvalidRequest, match="exceeds the capturable amount 1000"):
        decide(Op.CAPTURE, manual(), NOW, 1001)


def test_further_partial_captures_up_to_the_remainder() -> None:
    state = manual(S.CAPTURED, captured=600)
    assert state.capturable_amount == 400
    assert decide(Op.CAPTURE, state, NOW, 400) is S.CAPTURED
    with pytest.raises(InvalidRequest, match="exceeds the capturable amount 400"):
        decide(Op.CAPTURE, state, NOW, 401)


def test_no_capture_once_fully_captured() -> None:
    with pytest.raises(StateConflict, match="fully captured"):
        decide(Op.CAPTURE, manual(S.CAPTURED, captured=1000), NOW, 1)


def test_no_capture_after_a_refund() -> None:
    state = manual(S.CAPTURED, captured=500, refunded=100)
    assert state.capturable_amount == 0
    with pytest.raises(StateConflict, match="already been refunded"):
        decide(Op.CAPTURE, state, NOW, 1)
    with pytest.raises(StateConflict):
        decide(Op.CAPTURE, manual(S.REFUNDED, captured=500, refunded=100), NOW, 1)


@pytest.mark.parametrize("status", [S.AUTHORIZED, S.CAPTURED])
def test_capture_window_closes_exactly_seven_days_after_authorization(status: Status) -> None:
    state = manual(status, captured=0 if status is S.AUTHORIZED else 500)
    assert state.authorized_at is not None
    edge = state.authorized_at + AUTHORIZATION_WINDOW
    assert decide(Op.CAPTURE, state, edge, 100) is S.CAPTURED
    with pytest.raises(StateConflict, match="7-day authorization window"):
        decide(Op.CAPTURE, state, edge + US, 100)


# --- partial refunds ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(CaptureMode))
def test_refunds_up_to_the_captured_amount(mode: CaptureMode) -> None:
    state = IntentState(S.CAPTURED, mode, 1000, 700, 0, NOW - HOUR, NOW - HOUR)
    assert state.refundable_amount == 700
    with pytest.raises(InvalidRequest, match="exceeds the refundable amount 700"):
        decide(Op.REFUND, state, NOW, 701)
    assert decide(Op.REFUND, state, NOW, 700) is S.REFUNDED
    partly = IntentState(S.REFUNDED, mode, 1000, 700, 650, NOW - HOUR, NOW - HOUR)
    assert partly.refundable_amount == 50
    assert decide(Op.REFUND, partly, NOW, 50) is S.REFUNDED
    with pytest.raises(InvalidRequest, match="exceeds the refundable amount 50"):
        decide(Op.REFUND, partly, NOW, 51)


def test_no_refund_once_fully_refunded() -> None:
    state = IntentState(S.REFUNDED, M.AUTO, 1000, 1000, 1000, NOW - HOUR, NOW - HOUR)
    assert state.refundable_amount == 0
    with pytest.raises(StateConflict, match="fully refunded"):
        decide(Op.REFUND, state, NOW, 1)


@pytest.mark.parametrize("amount", [None, 0, -5, False])
def test_refund_needs_a_positive_integer_amount(amount: object) -> None:
    state = IntentState(S.CAPTURED, M.AUTO, 1000, 1000, 0, NOW - HOUR, NOW - HOUR)
    with pytest.raises(InvalidRequest):
        decide(Op.REFUND, state, NOW, amount)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [S.CREATED, S.AUTHORIZED, S.REVERSED, S.CANCELED])
def test_nothing_is_refundable_or_capturable_outside_paid_statuses(status: Status) -> None:
    state = IntentState(status, M.MANUAL, 1000, 0, 0)
    assert state.refundable_amount == 0
    if status is not S.AUTHORIZED:
        assert state.capturable_amount == 0


# --- reversal windows --------------------------------------------------------------------


def test_manual_reversal_window_is_seven_days_to_the_microsecond() -> None:
    state = manual()
    assert state.authorized_at is not None
    edge = state.authorized_at + AUTHORIZATION_WINDOW
    assert decide(Op.REVERSE, state, edge, None) is S.REVERSED
    with pytest.raises(StateConflict, match="within 7 days"):
        decide(Op.REVERSE, state, edge + US)


def auto_captured(at: datetime) -> IntentState:
    return IntentState(S.CAPTURED, M.AUTO, 1000, 1000, 0, at, at)


def test_auto_reversal_until_the_last_microsecond_of_the_utc_day() -> None:
    captured = datetime(2024, 5, 7, 0, 0, tzinfo=UTC)
    state = auto_captured(captured)
    assert decide(Op.REVERSE, state, captured) is S.REVERSED
    last = datetime(2024, 5, 7, 23, 59, 59, 999999, tzinfo=UTC)
    assert decide(Op.REVERSE, state, last) is S.REVERSED
    with pytest.raises(StateConflict, match="UTC day it was captured"):
        decide(Op.REVERSE, state, last + US)


def test_auto_reversal_day_is_the_utc_day_whatever_the_clocks_zone() -> None:
    captured = datetime(2024, 5, 7, 22, 0, tzinfo=UTC)
    state = auto_captured(captured)
    plus_two = timezone(timedelta(hours=2))
    # 23:30 UTC on the same day, which is already 8 May in UTC+2.
    assert decide(Op.REVERSE, state, datetime(2024, 5, 8, 1, 30, tzinfo=plus_two)) is S.REVERSED
    # 00:30 UTC the next day, which is still 7 May in UTC-5: too late.
    minus_five = timezone(timedelta(hours=-5))
    with pytest.raises(StateConflict):
        decide(Op.REVERSE, state, datetime(2024, 5, 7, 19, 30, tzinfo=minus_five))


def test_auto_reversal_needs_a_capture_time() -> None:
    with pytest.raises(StateConflict):
        decide(Op.REVERSE, IntentState(S.CAPTURED, M.AUTO, 1000, 1000), NOW)


@pytest.mark.parametrize("op", [Op.AUTO_CAPTURE, Op.AUTO_RELEASE])
def test_automatic_expiry_actions_only_on_an_untouched_authorization(op: Operation) -> None:
    assert decide(op, manual(), NOW + timedelta(days=30)) in (S.CAPTURED, S.REVERSED)
    with pytest.raises(StateConflict, match="already captured"):
        decide(op, manual(captured=1), NOW)


# --- properties --------------------------------------------------------------------------

steps = st.lists(
    st.tuples(st.sampled_from([Op.CAPTURE, Op.REFUND]), st.integers(-5, 1200)), max_size=25
)


@settings(max_examples=300, deadline=None)
@given(authorized=st.integers(1, 1000), ops=steps)
def test_captured_never_exceeds_authorized_nor_refunded_captured(
    authorized: int, ops: list[tuple[Operation, int]]
) -> None:
    """Apply what ``decide`` allows, as the service would; the ledger invariants always hold."""
    state = IntentState(S.AUTHORIZED, M.MANUAL, authorized, 0, 0, NOW, None)
    for op, amount in ops:
        try:
            new = decide(op, state, NOW, amount)
        except (StateConflict, InvalidRequest):
            continue
        captured = state.captured_amount + (amount if op is Op.CAPTURE else 0)
        refunded = state.refunded_amount + (amount if op is Op.REFUND else 0)
        state = IntentState(new, M.MANUAL, authorized, captured, refunded, NOW, NOW)
        assert 0 < state.captured_amount <= state.authorized_amount
        assert 0 <= state.refunded_amount <= state.captured_amount
        assert state.status is (S.REFUNDED if refunded else S.CAPTURED)


@settings(max_examples=200, deadline=None)
@given(
    op=st.sampled_from(list(Operation)),
    status=st.sampled_from(list(Status)),
    mode=st.sampled_from(list(CaptureMode)),
    amounts=st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 2000)),
    age=st.timedeltas(timedelta(0), timedelta(days=10)),
    amount=st.one_of(st.none(), st.integers(-10, 3000)),
)
def test_decide_only_ever_answers_with_the_table_or_a_problem(
    op: Operation,
    status: Status,
    mode: CaptureMode,
    amounts: tuple[int, int, int],
    age: timedelta,
    amount: int | None,
) -> None:
    state = IntentState(status, mode, *amounts, authorized_at=NOW - age, captured_at=NOW - age)
    try:
        assert decide(op, state, NOW, amount) is target(op, status, mode)
    except StateConflict as conflict:
        assert conflict.current == status.value
        assert conflict.allowed == sorted(s.value for s in allowed_from(op, mode))
    except InvalidRequest as invalid:
        assert op in AMOUNT_OPS and set(invalid.errors) == {"Amount"}
