"""Entries and balances."""

from dataclasses import dataclass, field


@dataclass
class Ledger:
    """Signed amounts in cents, by account."""

    entries: dict[str, list[int]] = field(default_factory=dict)

    def record(self, account: str, cents: int) -> None:
        """Adds an entry to an account."""
        self.entries.setdefault(account, []).append(cents)

    def balance(self, account: str) -> int:
        """The sum of an account's entries; zero for an account with none."""
        return sum(self.entries.get(account, []))
