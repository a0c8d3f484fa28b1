def vat(amount: int, rate: int = 20) -> int:
    """The VAT on an amount in cents, rounded down."""
    return amount * rate // 100
