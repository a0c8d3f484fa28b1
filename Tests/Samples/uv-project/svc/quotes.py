"""Prices a parcel by weight and zone."""

RATES = {"domestic": 4.5, "europe": 9.0, "world": 15.0}


def quote(weight_kg: float, zone: str) -> float:
    """The price of a parcel, in euros: the zone's rate per started kilogram."""
    if weight_kg <= 0:
        raise ValueError("a parcel weighs something")
    kilograms = int(weight_kg) + (weight_kg % 1 > 0)
    return round(RATES[zone] * kilograms, 2)
