from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    cents: int


def price(item: Item, quantity: int) -> str:
    """The price of `quantity` items, as shown to people."""
    total = item.cents * quantity
    return f"{total // 100}.{total % 100:02d}"
