import threading

from thenumbers.numbers import EvenSequence, random_positive


def test_sequence_starts_at_zero_and_steps_by_two() -> None:
    sequence = EvenSequence()
    assert [sequence.take() for _ in range(4)] == [0, 2, 4, 6]


def test_sequence_hands_out_each_number_once_across_threads() -> None:
    sequence = EvenSequence()
    taken: list[int] = []
    guard = threading.Lock()

    def worker() -> None:
        for _ in range(500):
            number = sequence.take()
            with guard:
                taken.append(number)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(0, 8000, 2))


def test_random_positive_stays_in_range() -> None:
    assert all(1 <= random_positive(10) <= 10 for _ in range(200))
