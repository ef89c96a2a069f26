"""The transition table against an independent statement of DESIGN.md and spec §3.3–3.5:
every operation × status × capture mode."""

import itertools

import pytest

from tender.domain.status import (
    TRANSITIONS,
    CaptureMode,
    Operation,
    Status,
    allowed_from,
    target,
)

S, M, Op = Status, CaptureMode, Operation
A, MAN = M.AUTO, M.MANUAL

# (operation, mode) -> {from: to}, written out from DESIGN.md, not derived from TRANSITIONS.
EXPECTED: dict[tuple[Operation, CaptureMode], dict[Status, Status]] = {
    (Op.PAY, A): {S.CREATED: S.CREATED},
    (Op.PAY, MAN): {S.CREATED: S.CREATED},
    (Op.AUTHORIZE, MAN): {S.CREATED: S.AUTHORIZED},
    (Op.AUTHORIZE_AND_CAPTURE, A): {S.CREATED: S.CAPTURED},
    (Op.DECLINE, A): {S.CREATED: S.CREATED},
    (Op.DECLINE, MAN): {S.CREATED: S.CREATED},
    (Op.CAPTURE, MAN): {S.AUTHORIZED: S.CAPTURED, S.CAPTURED: S.CAPTURED},
    (Op.AUTO_CAPTURE, MAN): {S.AUTHORIZED: S.CAPTURED},
    (Op.REVERSE, MAN): {S.AUTHORIZED: S.REVERSED},
    (Op.REVERSE, A): {S.CAPTURED: S.REVERSED},
    (Op.AUTO_RELEASE, MAN): {S.AUTHORIZED: S.REVERSED},
    (Op.REFUND, A): {S.CAPTURED: S.REFUNDED, S.REFUNDED: S.REFUNDED},
    (Op.REFUND, MAN): {S.CAPTURED: S.REFUNDED, S.REFUNDED: S.REFUNDED},
    (Op.CANCEL, A): {S.CREATED: S.CANCELED},
    (Op.CANCEL, MAN): {S.CREATED: S.CANCELED},
    (Op.EXPIRE, A): {S.CREATED: S.CANCELED},
    (Op.EXPIRE, MAN): {S.CREATED: S.CANCELED},
    (Op.CHANGE_AMOUNT, A): {S.CREATED: S.CREATED},
    (Op.CHANGE_AMOUNT, MAN): {S.CREATED: S.CREATED},
    (Op.CHANGE_TIPS, A): {S.CREATED: S.CREATED},
    (Op.CHANGE_TIPS, MAN): {S.CREATED: S.CREATED},
    (Op.REFRESH_SECRET, A): {S.CREATED: S.CREATED},
    (Op.REFRESH_SECRET, MAN): {S.CREATED: S.CREATED},
    (Op.RELEASE_FAILED_SALE, A): {S.CREATED: S.CREATED},
}

ALL = list(itertools.product(Operation, Status, CaptureMode))


@pytest.mark.parametrize(("op", "status", "mode"), ALL, ids=lambda v: str(v.value))
def test_every_operation_from_every_status_in_every_mode(
    op: Operation, status: Status, mode: CaptureMode
) -> None:
    assert target(op, status, mode) == EXPECTED.get((op, mode), {}).get(status)


@pytest.mark.parametrize(("op", "mode"), list(itertools.product(Operation, CaptureMode)))
def test_allowed_from_names_exactly_the_starting_statuses(op: Operation, mode: CaptureMode) -> None:
    assert allowed_from(op, mode) == frozenset(EXPECTED.get((op, mode), {}))


def test_the_table_has_no_duplicate_or_ambiguous_rows() -> None:
    seen: set[tuple[Operation, Status, CaptureMode]] = set()
    for op, src, _, modes in TRANSITIONS:
        for mode in modes:
            assert (op, src, mode) not in seen, (op, src, mode)
            seen.add((op, src, mode))


def test_terminal_statuses_have_no_way_out() -> None:
    for op, status, mode in ALL:
        if status in (S.REVERSED, S.CANCELED):
            assert target(op, status, mode) is None


def test_auto_mode_never_reaches_authorized() -> None:
    """Spec §3.2: the Auto diagram has no Authorized state."""
    reachable = {S.CREATED}
    for _ in range(len(Status)):
        for op, status in itertools.product(Operation, list(reachable)):
            to = target(op, status, A)
            if to is not None:
                reachable.add(to)
    assert reachable == {S.CREATED, S.CAPTURED, S.REVERSED, S.REFUNDED, S.CANCELED}


def test_manual_mode_reaches_every_status() -> None:
    reachable = {S.CREATED}
    for _ in range(len(Status)):
        for op, status in itertools.product(Operation, list(reachable)):
            to = target(op, status, MAN)
            if to is not None:
                reachable.add(to)
    assert reachable == set(Status)


def test_wire_values_are_dojos() -> None:
    assert [s.value for s in Status] == [
        "Created", "Authorized", "Captured", "Reversed", "Refunded", "Canceled"
    ]  # fmt: skip
    assert [m.value for m in CaptureMode] == ["Auto", "Manual"]
