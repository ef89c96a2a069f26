"""Every request example of Dojo's three documents is sent, as Dojo's docs show it, with the
``version`` header of its document, and accepted; each answer is checked against Dojo's schema
by ``conformance.Recorder`` like every other answer of the suite."""

from typing import Any

import pytest

from tests.conftest import Api, assert_problem
from tests.contract import conformance, scenarios
from tests.contract.conformance import Example

EXAMPLES = list(conformance.request_examples())
SERVED = [e for e in EXAMPLES if conformance.served(e.method, e.template)]
# Dojo's own faults, in 2024-02-05 and 2025-09-10: the SetTipsAmountRequest example is a bare
# Money, without the tipsAmount its schema requires, and the setup-intent example's
# intendedAmount.value is the text '1000' where its schema wants an integer. Dojo's schema
# refuses them; so does Tender (the field at fault, by name).
BROKEN = {
    (version, template, name): field
    for version in ("2024-02-05", "2025-09-10")
    for template, name, field in (
        ("/payment-intents/{paymentIntentId}/tips-amount", "SetTipsAmountRequest example",
         "TipsAmount"),
        ("/setup-intents", "example", "IntendedAmount.Value"),
    )
}  # fmt: skip


@pytest.mark.parametrize("example", SERVED, ids=[e.id for e in SERVED])
async def test_dojo_request_example_is_accepted(api: Api, example: Example) -> None:
    url, headers = await scenarios.target(api, example.method, example.template)
    response = await api.request(
        example.method.upper(),
        url,
        json=example.body,
        headers={"version": example.version, **headers},
    )
    if (field := BROKEN.get((example.version, example.template, example.name))) is not None:
        assert conformance.errors_of(example.version, example.schema, example.body)
        assert field in assert_problem(response, 400)["errors"]
        return
    assert 200 <= response.status_code < 300, response.text
    # Every property of Dojo's examples is understood, whatever its spelling.
    assert "Tender-Ignored-Fields" not in response.headers, response.headers


async def test_dojos_manual_example_binds_its_pascal_case_properties(api: Api) -> None:
    [manual] = [e for e in SERVED if e.name == "Manual" and e.version == "2024-02-05"]
    assert {"AutoExpireAction", "AutoExpireIn"} <= set(manual.body)
    response = await api.request(
        "POST", "/payment-intents", json=manual.body, headers={"version": manual.version}
    )
    intent: dict[str, Any] = response.json()
    assert (intent["captureMode"], intent["autoExpireAction"], intent["autoExpireIn"]) == (
        "Manual", "Capture", "00:00:55",
    )  # fmt: skip


def test_only_examples_of_operations_tender_does_not_serve_are_left_out() -> None:
    left_out = {(e.method, e.template) for e in EXAMPLES if e not in SERVED}
    assert left_out == {
        ("post", "/terminal-sessions"),
        ("put", "/epos/integrations/rest"),
        ("put", "/epos/integrations/ws"),
    }
    assert len(SERVED) == 39  # 29 of payment intents and webhooks, 2 of setup intents, 8 customers


async def test_every_dojo_operation_tender_serves_is_routed(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    routed = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    for version in ("2022-04-07", "2024-02-05", "2025-09-10"):
        doc = conformance.raw_document(version)
        for template, item in doc["paths"].items():
            for method in conformance.METHODS:
                if method in item and conformance.served(method, template):
                    assert (method, template) in routed, (version, method, template)
