import Foundation

/// Python projects of the shapes real services have, for the tests: each passes every gate it configures,
/// and each has a way to break one gate. They use only the standard library at run time (but Flask where
/// a shape calls for runtime requirements), so that they build quickly on the stand-in base image.
public enum SampleProjects {
    /// The gate tools' pins, shared by every sample.
    public static let pins = [
        "black": "black==26.10.1", "isort": "isort==9.0.2", "flake8": "flake8==7.5.0", "mypy": "mypy==2.4.1",
        "ruff": "ruff==0.17.5", "pytest": "pytest==9.0.3",
    ]

    /// A Dockerfile on the base image with a virtual environment (works on the official image and on
    /// Debian's Python), running `command` as a non-root user in `/srv`.
    static func dockerfile(copy: [String], command: String, healthcheck: String?, requirements: String? = nil) -> String {
        var lines = [
            "FROM python:3.11-slim",
            "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH",
            "RUN python3 -m venv /opt/venv && useradd --create-home --uid 10001 service",
        ]
        if let requirements {
            lines += ["COPY \(requirements) /tmp/requirements.txt", "RUN pip install --no-cache-dir -r /tmp/requirements.txt"]
        }
        lines += ["WORKDIR /srv"] + copy.map { "COPY --chown=service \($0)" } + ["USER service"]
        if let healthcheck { lines.append("HEALTHCHECK --interval=1s --timeout=5s --start-period=20s --retries=3 CMD \(healthcheck)") }
        lines.append("CMD \(command)")
        return lines.joined(separator: "\n") + "\n"
    }

    static let probe8000 =
        #"["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]"#

    /// A stdlib HTTP server answering `/health` on `PORT` (default 8000).
    static func server() -> String {
        """
        \"\"\"A tiny HTTP service: GET /health answers ok.\"\"\"

        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


        def greeting(name: str) -> str:
            \"\"\"Greets someone.\"\"\"
            return f"hello, {name}"


        class Handler(BaseHTTPRequestHandler):
            \"\"\"Answers /health.\"\"\"

            def do_GET(self) -> None:  # noqa: N802
                status = 200 if self.path == "/health" else 404
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"no")


        def main() -> None:
            \"\"\"Serves until stopped.\"\"\"
            port = int(os.environ.get("PORT", "8000"))
            ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


        if __name__ == "__main__":
            main()

        """
    }

    /// `src/` layout, `[tool.ruff]` (and `[tool.ruff.format]`), no HEALTHCHECK: `health.url` and
    /// `health.environment` in `[tool.workflows.health]`. Gates by convention: ruff-format, ruff, pytest.
    public static let srcLayout: [String: String] = [
        "pyproject.toml": """
            [project]
            name = "Inventory_Service"
            version = "0.1.0"
            requires-python = ">=3.11"

            [tool.ruff]
            line-length = 100

            [tool.ruff.lint]
            select = ["E", "F", "I", "B"]

            [tool.ruff.format]
            quote-style = "double"

            [tool.pytest.ini_options]
            testpaths = ["tests"]
            pythonpath = ["src"]

            [tool.workflows.health]
            url = "http://127.0.0.1:8080/health"
            environment = { PORT = "8080" }
            timeout = 30

            """,
        "requirements-test.txt": "\(pins["ruff"] ?? "")\n\(pins["pytest"] ?? "")\n",
        "src/inventory/__init__.py": "\"\"\"The inventory service.\"\"\"\n",
        "src/inventory/server.py": server(),
        "tests/test_server.py": """
            from inventory.server import greeting


            def test_greeting() -> None:
                assert greeting("stock") == "hello, stock"

            """,
        "Dockerfile": dockerfile(copy: ["src ./src"], command: #"["python", "-m", "inventory.server"]"#, healthcheck: nil)
            .replacingOccurrences(of: "WORKDIR /srv", with: "WORKDIR /srv\nENV PYTHONPATH=/srv/src"),
        ".dockerignore": "*\n!src\n**/__pycache__\n",
    ]

    /// A flat module at the root with its tests at the root; `requirements-dev.txt` includes
    /// `-r requirements.txt`. Gates by convention: black (`[tool.black]`), flake8 (`.flake8`), pytest.
    public static let flatModule: [String: String] = [
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
        ".flake8": "[flake8]\nmax-line-length = 100\n",
        "requirements.txt": "flask==3.1.3\n",
        "requirements-dev.txt": "-r requirements.txt\n\(pins["black"] ?? "")\n\(pins["flake8"] ?? "")\n\(pins["pytest"] ?? "")\n",
        "service.py": """
            \"\"\"A Flask service in one module.\"\"\"

            import os

            from flask import Flask

            app = Flask(__name__)


            @app.get("/health")
            def health() -> str:
                return "ok"


            def double(value: int) -> int:
                return value * 2


            if __name__ == "__main__":
                app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))

            """,
        "test_service.py": """
            from service import app, double


            def test_double() -> None:
                assert double(21) == 42


            def test_health() -> None:
                assert app.test_client().get("/health").data == b"ok"

            """,
        "Dockerfile": dockerfile(
            copy: ["service.py ./"], command: #"["python", "service.py"]"#, healthcheck: probe8000,
            requirements: "requirements.txt"),
        ".dockerignore": "*\n!service.py\n!requirements.txt\n",
    ]

    /// A package at the root whose tools are all configured in `setup.cfg` (`[isort]`, `[flake8]`, `[mypy]`,
    /// `[tool:pytest]`), requirements in `requirements/test.txt`; no pyproject.toml.
    public static let setupCfgOnly: [String: String] = [
        "setup.cfg": """
            [metadata]
            name = greeter

            [isort]
            profile = black

            [flake8]
            max-line-length = 100

            [mypy]
            strict = True

            [tool:pytest]
            testpaths = tests

            """,
        "requirements/test.txt": "\(pins["isort"] ?? "")\n\(pins["flake8"] ?? "")\n\(pins["mypy"] ?? "")\n\(pins["pytest"] ?? "")\n",
        "greeter/__init__.py": "\"\"\"Greets.\"\"\"\n",
        "greeter/__main__.py": "from greeter.server import main\n\nmain()\n",
        "greeter/server.py": server(),
        "tests/__init__.py": "",
        "tests/test_greeter.py": """
            from greeter.server import greeting


            def test_greeting() -> None:
                assert greeting("you") == "hello, you"

            """,
        "Dockerfile": dockerfile(copy: ["greeter ./greeter"], command: #"["python", "-m", "greeter"]"#, healthcheck: probe8000),
        ".dockerignore": "*\n!greeter\n**/__pycache__\n",
    ]
}

extension SampleProjects {
    /// `Tests/Samples`, the sample projects kept as real files.
    public static let samplesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    /// The files of the sample project `Tests/Samples/NAME`, by path relative to it (dot-files included),
    /// ready for `FakeRepository(files:)`.
    public static func folder(_ name: String) throws -> [String: String] {
        let base = samplesFolder.appendingPathComponent(name)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: base.path])
        }
        var files: [String: String] = [:]
        let prefix = base.standardizedFileURL.path + "/"
        for case let url as URL in walker {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            files[String(path.dropFirst(prefix.count))] = try String(contentsOf: url, encoding: .utf8)
        }
        guard !files.isEmpty else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: base.path]) }
        return files
    }
}
