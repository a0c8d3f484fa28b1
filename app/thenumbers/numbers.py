"""Where the numbers come from: a thread-safe even sequence and a random source."""

import random
import threading


class EvenSequence:
    """Hands out 0, 2, 4, ... once each, also to concurrent callers."""

    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            number = self._next
            self._next += 2
        return number


def random_positive(upper: int = 1_000_000) -> int:
    return random.randint(1, upper)
