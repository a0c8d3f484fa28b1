from app.main import read_item


def test_read_item() -> None:
    assert read_item(1) == {"id": 1, "name": "kettle"}


def test_read_missing_item() -> None:
    assert read_item(42) is None
