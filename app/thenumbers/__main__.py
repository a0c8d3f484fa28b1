"""`python -m thenumbers`: the app from source on a developer's machine (Flask's server, no debugger)."""

import os

from thenumbers.app import create_app


def main() -> None:
    port = int(os.environ.get("PORT", "5000"))
    create_app().run(host="127.0.0.1", port=port, debug=False)


if __name__ == "__main__":
    main()
