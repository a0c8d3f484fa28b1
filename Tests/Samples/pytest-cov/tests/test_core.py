from greeter.core import greeting


def test_greets_by_name() -> None:
    assert greeting(" Ada ") == "Hello, Ada!"


def test_greets_the_world_without_a_name() -> None:
    assert greeting("") == "Hello, world!"
