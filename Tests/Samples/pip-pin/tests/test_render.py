from notes.server import render


def test_notes_are_numbered_from_one() -> None:
    assert render(["a", "b"]) == "1. a\n2. b\n"
