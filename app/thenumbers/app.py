"""The Flask application: `GET /even` and `GET /random`, plain-text bodies."""

from flask import Flask

from thenumbers.numbers import EvenSequence, random_positive


def create_app() -> Flask:
    app = Flask(__name__)
    sequence = EvenSequence()

    @app.get("/even")
    def even() -> tuple[str, int, dict[str, str]]:
        return str(sequence.take()), 200, {"Content-Type": "text/plain"}

    @app.get("/random")
    def random_number() -> tuple[str, int, dict[str, str]]:
        return str(random_positive()), 200, {"Content-Type": "text/plain"}

    return app
