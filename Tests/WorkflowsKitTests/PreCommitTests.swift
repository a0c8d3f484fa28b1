import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// Gates from `.pre-commit-config.yaml`: which hooks make gates, the version a `rev` pins, the arguments
/// kept and dropped, `files`/`exclude`, a mypy hook's dependencies, and errors at the file's line.
@Suite struct PreCommitTests {
    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: files).root)
    }

    static let app = [
        "app/__init__.py": "", "app/main.py": "X = 1\n", "app/legacy/__init__.py": "", "app/legacy/old.py": "Y = 2\n",
        "tests/test_main.py": "def test_x() -> None:\n    pass\n",
    ]

    static let config = """
        # See https://pre-commit.com for more information
        repos:
          - repo: https://github.com/pre-commit/pre-commit-hooks
            rev: v5.0.0
            hooks:
              - id: trailing-whitespace
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.6.9
            hooks:
              - id: ruff
                args: [--fix, --exit-non-zero-on-fix, "--select=E,F,I"]
              - id: ruff-format
          - repo: https://github.com/psf/black-pre-commit-mirror
            rev: 24.8.0
            hooks:
              - id: black
                args:
                  - --line-length=100
          - repo: https://github.com/pre-commit/mirrors-mypy
            rev: 1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5  # frozen: v1.11.2
            hooks:
              - id: mypy
                additional_dependencies: [types-requests==2.32.0.20240914, "pydantic>=2"]
          - repo: https://github.com/PyCQA/isort
            rev: 0a1b2c3d
            hooks:
              - id: isort
        """

    @Test func knownHooksAreGatesWithTheirLineAndTheRevAsTheToolsVersion() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = Self.config
        let project = try load(files)
        #expect(project.gates == [.black, .isort, .ruffFormat, .ruff, .mypy, .pytest])
        #expect(project.origins["gates"] == "convention (black: .pre-commit-config.yaml:16; isort: .pre-commit-config.yaml:27; "
            + "ruff-format: .pre-commit-config.yaml:12; ruff: .pre-commit-config.yaml:10; mypy: .pre-commit-config.yaml:22; "
            + "pytest: tests found)")
        #expect(project.tools == [
            "black==24.8.0", "isort", "ruff==0.6.9", "mypy==1.11.2", "pytest", "types-requests==2.32.0.20240914", "pydantic>=2",
        ])
        #expect(project.unpinnedTools == ["isort", "pytest"])
        #expect(project.toolOrigins["ruff==0.6.9"] == ".pre-commit-config.yaml:8 (rev v0.6.9)")
        #expect(project.toolOrigins["mypy==1.11.2"] == ".pre-commit-config.yaml:20 (rev 1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5)")
        #expect(project.toolOrigins["pydantic>=2"] == ".pre-commit-config.yaml:22 (additional_dependencies)")
        #expect(project.notes.contains(
            ".pre-commit-config.yaml:25: rev '0a1b2c3d' is a commit without a '# frozen: vX.Y.Z' comment, so it pins no version of isort"))
    }

    @Test func theHooksArgumentsAreAppendedWithoutTheFixingOnes() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = Self.config
        let project = try load(files)
        #expect(project.arguments(for: .ruff) == ["-m", "ruff", "check", "app", "tests", "--select=E,F,I"])
        #expect(project.arguments(for: .black) == ["-m", "black", "--check", "app", "tests", "--line-length=100"])
        #expect(project.arguments(for: .ruffFormat) == ["-m", "ruff", "format", "--check", "app", "tests"])
        #expect(project.arguments(for: .mypy) == ["-m", "mypy", "app", "tests", "--ignore-missing-imports"], "mirrors-mypy's default args")
        #expect(project.origins["gate.ruff.args"] == ".pre-commit-config.yaml:11")
        #expect(project.origins["gate.mypy.args"] == ".pre-commit-config.yaml:22 (mirrors-mypy's default args)")
        #expect(project.notes.contains(
            ".pre-commit-config.yaml:11: --fix --exit-non-zero-on-fix left out of the ruff gate's arguments: a gate checks, it never rewrites"))
    }

    @Test func aTestRequirementsPinWinsOverTheRev() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = Self.config
        files["requirements-dev.txt"] = "ruff==0.17.5\nblack==26.10.1\nmypy==2.4.1\nisort==9.0.2\n"
        let project = try load(files)
        #expect(project.tools == ["pytest", "types-requests==2.32.0.20240914", "pydantic>=2"])
        #expect(project.notes.allSatisfy { !$0.contains("pins no version") }, "a rev that pins nothing matters only when nothing else pins")
    }

    @Test(arguments: [
        ("v0.6.9", nil, "0.6.9"), ("24.8.0", nil, "24.8.0"), ("v1.0.0rc1", nil, "1.0.0rc1"),
        ("8b9c1e0f2a3d4c5b6a7980f1e2d3c4b5a6978f01", "frozen: v0.6.9", "0.6.9"),
        ("8b9c1e0f2a3d4c5b6a7980f1e2d3c4b5a6978f01", "frozen: 24.8.0", "24.8.0"),
        ("8b9c1e0f2a3d4c5b6a7980f1e2d3c4b5a6978f01", "pinned by hand", nil),
        ("8b9c1e0f", nil, nil), ("stable", nil, nil), ("main", nil, nil),
    ] as [(String, String?, String?)])
    func aRevPinsTheVersionItNames(rev: String, comment: String?, version: String?) throws {
        let line = "    rev: \(rev)" + (comment.map { "  # \($0)" } ?? "")
        let text = "repos:\n  - repo: https://github.com/psf/black\n\(line)\n    hooks:\n      - id: black\n"
        var files = Self.app
        files[".pre-commit-config.yaml"] = text
        let project = try load(files)
        #expect(project.tools == [version.map { "black==\($0)" } ?? "black", "pytest"])
        #expect(project.unpinnedTools == (version == nil ? ["black", "pytest"] : ["pytest"]))
        #expect(project.notes.contains { $0.hasPrefix(".pre-commit-config.yaml:3: rev '\(rev)'") } == (version == nil))
    }

    @Test func filesAndExcludeNarrowWhatTheGateChecksAsPythonRegularExpressions() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = """
            exclude: ^app/legacy/
            repos:
              - repo: https://github.com/astral-sh/ruff-pre-commit
                rev: v0.6.9
                hooks:
                  - id: ruff
                  - id: ruff-format
                    files: '^(?P<top>app)/'
              - repo: https://github.com/psf/black
                rev: 24.8.0
                hooks:
                  - id: black
                    exclude: |
                      (?x)^(
                          nothing/here
                      )$
              - repo: https://github.com/PyCQA/flake8
                rev: 7.1.1
                hooks:
                  - id: flake8
                    files: ^docs/
            """
        let project = try load(files)
        #expect(project.arguments(for: .ruff) == ["-m", "ruff", "check", "app/__init__.py", "app/main.py", "tests/test_main.py", "--force-exclude"])
        #expect(project.arguments(for: .ruffFormat) == ["-m", "ruff", "format", "--check", "app/__init__.py", "app/main.py", "--force-exclude"])
        #expect(project.origins["gate.ruff.paths"] == ".pre-commit-config.yaml:6 (files/exclude)")
        // black's exclude matches nothing, but the top-level one applies to every hook.
        #expect(project.gateSettings[.black]?.paths == ["app/__init__.py", "app/main.py", "tests/test_main.py"])
        #expect(!project.gates.contains(.flake8), "its files leave no source")
        #expect(project.notes.contains { $0.contains("the flake8 hook's files/exclude leave none of the sources, so flake8 is no gate") })
    }

    @Test func patternsThatLeaveEverySourceChangeNothing() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = "files: \\.py$\nrepos:\n- repo: https://github.com/psf/black\n  rev: 24.8.0\n  hooks:\n  - id: black\n    exclude: ^migrations/\n"
        let project = try load(files)
        #expect(project.gateSettings[.black] == nil)
        #expect(project.arguments(for: .black) == ["-m", "black", "--check", "app", "tests"])
    }

    @Test func aProjectFilesGatesKeepTheirOwnChoiceAndStillTakeTheHooksSettings() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = Self.config
        files[".workflows.toml"] = "gates = [\"black\", \"pytest\"]\n"
        let project = try load(files)
        #expect(project.gates == [.black, .pytest])
        #expect(project.tools == ["black==24.8.0", "pytest"])
        #expect(project.gateSettings.keys.sorted { $0.name < $1.name } == [.black])
        #expect(!project.notes.contains { $0.contains("isort") }, "hooks of gates that do not run say nothing")
    }

    @Test func localHooksAreGatesWithoutAVersionAndManualOnesAreNot() throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = """
            repos:
              - repo: local
                hooks:
                  - id: mypy
                    name: mypy
                    entry: mypy
                    language: system
                    types: [python]
                  - id: flake8
                    entry: flake8
                    language: system
                    stages: [manual]
            """
        let project = try load(files)
        #expect(project.gates == [.mypy, .pytest])
        #expect(project.tools == ["mypy", "pytest"])
        #expect(project.notes == [".pre-commit-config.yaml:9: the flake8 hook runs only by hand (stages: [manual]); it is no gate"])
    }

    @Test(arguments: [
        ("repos:\n- repo: x\n  rev: &v 1.0\n  hooks: []\n", ".pre-commit-config.yaml:3:8: anchors (&name) are not supported"),
        ("repos:\n  - repo: x\n    hooks: [{id: black, args: *common}]\n", ".pre-commit-config.yaml:3:31: aliases (*name) are not supported"),
        ("repos: {}\n", ".pre-commit-config.yaml:1:8: 'repos' must be a sequence, not a mapping"),
        ("repos:\n- repo: x\n  rev: v1\n  hooks:\n  - id: black\n    args: --fast\n", ".pre-commit-config.yaml:6:11: 'args' must be a sequence of strings"),
        ("repos:\n- repo: x\n  rev: v1\n  hooks:\n  - id: black\n    files: '(?P<x'\n", ".pre-commit-config.yaml:5: '(?P<x' is not a regular expression"),
    ])
    func aWrongConfigurationIsAUsageErrorAtItsLine(text: String, message: String) throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = text
        let error = try #require(throws: WorkflowsError.self) { try load(files) }
        #expect(error.exitCode == 64)
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func showProjectPrintsTheHooksSettingsVersionsAndNotes() async throws {
        var files = Self.app
        files[".pre-commit-config.yaml"] = Self.config
        let repository = try FakeRepository(files: files)
        let (status, console) = try await runWorkflows(
            ["-C", repository.root.path, "show_project"], runner: RecordingRunner(), root: try TemporaryFolder.make())
        #expect(status == 0, "\(console.all)")
        let lines = console.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("gate.ruff.args --select=E,F,I .pre-commit-config.yaml:11"), "\(console.stdout)")
        #expect(lines.contains("gate.black.args --line-length=100 .pre-commit-config.yaml:17"))
        #expect(console.stdout.contains("Gate tools at the pre-commit hooks' versions: black==24.8.0 from .pre-commit-config.yaml:14 (rev 24.8.0), ruff==0.6.9 from .pre-commit-config.yaml:8 (rev v0.6.9)"))
        #expect(console.stdout.contains("Pinned in no test requirement, so installed at their latest version: isort, pytest"))
        #expect(console.stdout.contains("Note: .pre-commit-config.yaml:11: --fix --exit-non-zero-on-fix left out"))
    }
}
