import pytest

from svc.quotes import quote


def test_a_started_kilogram_counts_whole() -> None:
    assert quote(1.2, "europe") == 18.0


def test_a_weightless_parcel_is_refused() -> None:
    with pytest.raises(ValueError):
        quote(0, "world")
