from shop.catalogue import Item, price


def test_prices_are_shown_with_two_decimals() -> None:
    assert price(Item("tea-1", "Green tea", 450), 3) == "13.50"
    assert price(Item("cup-1", "Cup", 5), 1) == "0.05"
