"""The dojo-signature scheme of spec §5.4, checked against the spec's test vector."""

from tender import signing

SECRET = "PDYkJQq6sESYHp_zJuTTBQ"
BODY = (
    b'{"id":"evt_hnnHxIKR_Uy6bhZCusCltw","event":"payment_intent.created","accountId":"acc_test",'
    b'"createdAt":"2022-02-01T13:07:41.8667859Z","data":{"paymentIntentId":'
    b'"pi_vpwd4ooAPEqyNAQe4z89WQ","paymentStatus":"Created","captureMode":"Auto"}}'
)
EXPECTED = (
    "sha256=4B-49-F8-FE-25-A7-E6-7D-00-4F-A7-9C-F8-0B-63-00-"
    "C7-77-B4-F2-2D-E5-E1-22-84-FA-04-18-50-A1-76-FD"
)


def test_the_spec_test_vector_signs_and_verifies() -> None:
    assert signing.sign(SECRET, BODY) == EXPECTED
    assert signing.verify(SECRET, BODY, EXPECTED)


def test_verification_tolerates_case_and_dashes_like_dojos_php_helper() -> None:
    assert signing.verify(SECRET, BODY, EXPECTED.lower())
    assert signing.verify(SECRET, BODY, EXPECTED.replace("-", ""))
    assert signing.verify(SECRET, BODY, "  " + EXPECTED + "\n")


def test_a_changed_body_wrong_secret_or_missing_header_fails() -> None:
    assert not signing.verify(SECRET, BODY.replace(b"Created", b"Captured"), EXPECTED)
    assert not signing.verify("another secret", BODY, EXPECTED)
    assert not signing.verify(SECRET, BODY, None)
    assert not signing.verify(SECRET, BODY, "")
    assert not signing.verify(SECRET, BODY, "sha256=00")


def test_headers_carry_the_signature_and_json_content_type() -> None:
    assert signing.headers(SECRET, BODY) == {
        "content-type": "application/json",
        "dojo-signature": EXPECTED,
    }
