import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests.ProjectShapes {
    /// Test requirements that pin the installer (`pip==26.0.1`, `wheel`) as a public service's do: the
    /// tools' install leaves them out (and the image's own pip and setuptools out of its constraints)
    /// instead of failing on "Cannot install pip==26.0.1 … constraint pip==23.0.1".
    @Test func testRequirementsThatPinTheInstallerPass() async throws {
        let files = try SampleProjects.folder("pip-pin")
        let shown = try FakeRepository("workflows-it-pippin-show", files: files)
        defer { shown.delete() }
        let show = try await Harness.workflows(["show_project"], in: shown.root)
        #expect(show.status == 0, "\(show.all)")
        #expect(show.stdout.contains(
            "Left out of the tools' install (installers, not gate dependencies): pip==26.0.1 (requirements-test.txt:2), "
                + "wheel==0.45.1 (requirements-test.txt:3)"), "\(show.stdout)")
        try await passThenBreak(
            files, name: "pippin", gates: ["flake8", "pytest"],
            change: { repository in
                let module = try repository.read("notes/server.py")
                try repository.write("notes/server.py", module.replacingOccurrences(
                    of: "NOTES = [", with: "UNUSED = \"" + String(repeating: "x", count: 110) + "\"\nNOTES = ["))
            }, broken: "flake8", evidence: "E501 line too long")
    }
}

extension EngineTests.ProjectShapes {
    /// `show_project` on a sample, which must succeed.
    func shown(_ files: [String: String], name: String) async throws -> String {
        let repository = try FakeRepository("workflows-it-\(name)-show", files: files)
        defer { repository.delete() }
        let show = try await Harness.workflows(["show_project"], in: repository.root)
        #expect(show.status == 0, "\(show.all)")
        return show.stdout
    }

    /// A uv project as `uv init`/`uv add` leave it: the tools come from its dependency groups (`dev`
    /// including `test` and `lint`) pinned by `uv.lock`, into an image whose venv (on PATH) has no pip, and
    /// health is probed on the port it EXPOSEs.
    @Test func aUvProjectWithDependencyGroupsAndALockAndNoPipInTheImage() async throws {
        let files = try SampleProjects.folder("uv-project")
        let show = try await shown(files, name: "uv")
        #expect(show.range(
            of: #"test-requirements +group:dev, group:lint, group:test +convention \(pyproject.toml \[dependency-groups\]\)"#,
            options: .regularExpression) != nil, "\(show)")
        #expect(show.contains("Test dependencies from pyproject.toml [dependency-groups] lint: ruff==0.17.5"))
        #expect(show.contains("Pinned by uv.lock (constraints of the tools' install, under the image's own versions): colorama==0.4.6"))
        try await passThenBreak(
            files, name: "uv", gates: ["ruff-format", "ruff", "pytest"],
            change: { repository in
                let module = try repository.read("svc/quotes.py")
                try repository.write("svc/quotes.py", module.replacingOccurrences(
                    of: "\"\"\"Prices a parcel by weight and zone.\"\"\"\n", with: "\"\"\"Prices a parcel by weight and zone.\"\"\"\n\nimport math\n"))
            }, broken: "ruff", evidence: "F401")
    }

    /// A Poetry project: the tools come from its groups (Poetry's `^`, `~` and a table with extras, in
    /// PEP 440) pinned by `poetry.lock`; black and isort are gates because the lint group lists them; the
    /// image's in-project venv is not on PATH.
    @Test func aPoetryProjectWithGroupsAndALockAndItsVenvNotOnPath() async throws {
        let files = try SampleProjects.folder("poetry-project")
        let show = try await shown(files, name: "poetry")
        #expect(show.contains("convention (black: listed in pyproject.toml [tool.poetry.group.lint.dependencies], no config section; "
            + "isort: listed in pyproject.toml [tool.poetry.group.lint.dependencies], no config section; "
            + "mypy: pyproject.toml [tool.mypy]; pytest: tests found)"), "\(show)")
        #expect(show.contains("Test dependencies from pyproject.toml [tool.poetry.group.lint.dependencies]: black==26.10.1, "
            + "isort[colors]>=9.0.2,<10.0.0, mypy>=2.4.1,<2.5.0"), "\(show)")
        #expect(show.contains("Pinned by poetry.lock"))
        try await passThenBreak(
            files, name: "poetry", gates: ["black", "isort", "mypy", "pytest"],
            change: { repository in
                let module = try repository.read("ledger/book.py")
                try repository.write("ledger/book.py", module + "\n\ndef answer() -> int:\n    return \"42\"\n")
            }, broken: "mypy", evidence: "Incompatible return value type")
    }
}
