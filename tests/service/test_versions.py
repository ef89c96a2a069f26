"""service/versions.py: which version a header names, and the per-version shapes (pure)."""

import pytest

from tender.errors import InvalidRequest
from tender.service import versions


@pytest.mark.parametrize(
    ("header", "served"),
    [
        ("2022-04-07", "2022-04-07"),
        ("2024-02-04", "2022-04-07"),
        ("2024-02-05", "2024-02-05"),
        (" 2025-09-10 ", "2025-09-10"),
        ("2099-12-31", "2025-09-10"),
    ],
)
def test_a_date_names_the_newest_version_released_by_then(header: str, served: str) -> None:
    assert versions.resolve(header) == served


@pytest.mark.parametrize("header", ["2022-04-06", "1999-01-01", "", "2024-02-05T00:00", "v1"])
def test_anything_else_is_refused_naming_the_versions(header: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        versions.resolve(header)
    assert "2022-04-07, 2024-02-05, 2025-09-10" in refused.value.errors["Version"][0]


INTENT_2024 = {
    "id": "pi_sandbox_x",
    "status": "Captured",
    "paymentMethods": ["Card", "SavedCard"],
    "capturedAmount": 1000,
    "captures": [],
    "paymentLink": "https://t/checkout/pi_sandbox_x",
    "cardHolderNotPresent": False,
    "paymentDetails": {
        "transactionId": "tx_1",
        "transactionDateTime": "2026-01-01T00:00:00.0000000Z",
        "message": "Authorised",
        "authCode": "123456",
        "statusCode": 0,
        "card": {"cardNumber": "************4242", "cardType": "VISA", "entryMode": "ManualEntry"},
    },
    "itemLines": [{"name": "Tea", "plu": "T", "amountTotal": {"value": 1, "currencyCode": "GBP"}}],
    "taxLines": [{"caption": "VAT", "affectedPlu": "T", "amountTotal": None}],
}


def test_2022_is_2024_flattened_renamed_and_trimmed() -> None:
    shaped = versions.shape_intent("2022-04-07", INTENT_2024)
    assert shaped == {
        "id": "pi_sandbox_x",
        "status": "Captured",
        "paymentMethods": ["Card"],
        "capturedAmount": 1000,
        "paymentDetails": {
            "transactionDateTime": "2026-01-01T00:00:00.0000000Z",
            "message": "Authorised",
            "authCode": "123456",
            "cardNumber": "************4242",
            "cardType": "VISA",
            "statusCode": 0,
        },
        "itemLines": [{"caption": "Tea", "amountTotal": {"value": 1, "currencyCode": "GBP"}}],
        "taxLines": [{"caption": "VAT", "amountTotal": None}],
    }
    assert versions.shape_intent("2024-02-05", INTENT_2024) is INTENT_2024
    assert versions.shape_intent("2025-09-10", INTENT_2024) is INTENT_2024


def test_request_fields_name_what_each_version_lacks_or_renames() -> None:
    line_2022 = versions.request_fields("2022-04-07", "ItemLine")
    assert line_2022.renamed == {"caption": "name"}
    assert {"name", "plu", "modifiers", "category"} <= line_2022.absent
    assert (
        "transactionSource" in versions.request_fields("2025-09-10", "CreatePaymentIntent").absent
    )
    assert versions.request_fields("2024-02-05", "Money") == versions.RequestFields()
