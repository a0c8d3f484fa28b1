from ledger.book import Ledger


def test_a_balance_sums_the_entries() -> None:
    ledger = Ledger()
    ledger.record("cash", 1250)
    ledger.record("cash", -250)
    assert ledger.balance("cash") == 1000


def test_an_unknown_account_is_empty() -> None:
    assert Ledger().balance("savings") == 0
