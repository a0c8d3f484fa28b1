from app import total


def test_total_in_cents():
    assert total([1.10, 2.20]) == 330
