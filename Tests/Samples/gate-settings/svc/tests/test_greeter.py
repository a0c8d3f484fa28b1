import hashlib
import os
from pathlib import Path

from greeter.server import greeting


def test_greeting_matches_the_fixture() -> None:
    # Relative to svc/: the tests assume they run there.
    expected = Path("tests/fixtures/greeting.txt").read_text().strip()
    assert f"{os.environ['GREETING']}, you" == expected
    assert greeting("you") == "hello, you"


def test_the_token_arrives() -> None:
    token = os.environ["API_TOKEN"]
    print(f"the token is {token}")
    assert hashlib.sha256(token.encode()).hexdigest() == os.environ["EXPECTED_TOKEN_SHA256"]
