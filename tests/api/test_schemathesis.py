"""A bounded, deterministic schemathesis run of ``/openapi.json`` against a real ``tender serve``
(on the suite's database): every documented operation, with positive and negative generated
paths, queries and bodies, never answers 5xx. Each request carries a valid key and version
header, and half of them name objects that exist (an intent, its secret, a subscription), so
the generated input reaches the handlers rather than stopping at 401 or 404. Rate limits stay at
their defaults: a 429 is an answer, not a failure."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.security.served import VERSION, Served, served

EXAMPLES = 10  # per operation and mode: ~40 operations, about a minute per database


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("schemathesis"), TENDER_DEMO="true") as s:
        yield s


@pytest.fixture(scope="module")
def operations(server: Served) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def existing(server: Served) -> dict[str, str]:
    """Path parameters that name real objects of the key's account."""
    key = server.printed_key
    intent = server.create(key, captureMode="Manual")
    url = "https://merchant.example/hook"
    hook = server.api(
        "POST", "/webhooks", key, json={"events": ["payment_intent.created"], "url": url}
    )
    assert hook.status_code == 200, hook.text
    return {
        "paymentIntentId": intent["id"],
        "token": intent["clientSessionSecret"],
        "subscriptionId": hook.json()["id"],
        "secretId": hook.json()["secrets"][0]["id"],
    }


def test_the_run_covers_the_api(operations: list[schemathesis.APIOperation]) -> None:
    paths = {op.path for op in operations}
    assert len(operations) >= 35
    assert {"/payment-intents", "/api/payments/{token}", "/webhooks/stream"} <= paths


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx(
    server: Served, operations: list[schemathesis.APIOperation], mode: GenerationMode
) -> None:
    headers = {"Authorization": f"Basic {server.printed_key}", "version": VERSION}
    known = existing(server)
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case, real: bool) -> None:
            params: dict[str, Any] = case.path_parameters or {}
            if real:
                params.update({k: v for k, v in known.items() if k in params})
            case.headers = {**(case.headers or {}), **headers}
            response = case.call(base_url=server.url, timeout=30)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:300]}"
                )

        try:
            exercise()
        except Unsatisfiable:  # negative mode: an operation with nothing to get wrong
            assert mode is GenerationMode.NEGATIVE, operation.label
    assert failures == []
