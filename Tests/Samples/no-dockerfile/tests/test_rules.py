from billing.rules import vat


def test_vat() -> None:
    assert vat(1000) == 200
