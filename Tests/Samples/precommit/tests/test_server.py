from greetings.server import greeting


def test_greeting() -> None:
    assert greeting("world") == "hello, world!"


def test_greeting_with_other_words() -> None:
    assert greeting("you", punctuation=".", word="goodbye") == "goodbye, you."


def test_shouting() -> None:
    assert greeting("all", shout=True) == "HELLO, ALL!"
