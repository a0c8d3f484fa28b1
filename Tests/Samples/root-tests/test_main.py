def test_health(client):
    assert client.get("/health") == (200, {"status": "ok"})


def test_read_item(client):
    assert client.get("/items/1") == (200, {"name": "apple"})


def test_missing_item(client):
    assert client.get("/items/9") == (404, {"detail": "Item not found"})
