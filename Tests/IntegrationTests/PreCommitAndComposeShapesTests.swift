import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests.ProjectShapes {
    /// The rows of `show_project` with their blanks collapsed.
    func shownRows(_ run: Harness.Run) -> [String] {
        run.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
    }

    /// The `==>>` line that ran `gate` (as `-m TOOL …`) in the image.
    func gateCommand(_ run: Harness.Run, _ module: String) -> String? {
        run.stdout.split(separator: "\n").first { $0.hasPrefix("==>> ") && $0.contains(" -m \(module) ") }.map(String.init)
    }

    /// `.pre-commit-config.yaml` alone (no tool configuration): ruff-check, ruff-format and black hooks at
    /// pinned revs are the gates, their args (`--line-length=100`) apply and `--fix` does not.
    @Test func aProjectWhoseGatesComeFromItsPreCommitHooks() async throws {
        let files = try SampleProjects.folder("precommit")
        let (repository, image) = try await project(files, name: "precommit")
        defer { repository.delete() }
        let show = try await Harness.workflows(["show_project"], in: repository.root)
        #expect(show.status == 0, "\(show.all)")
        let rows = shownRows(show)
        #expect(rows.contains("gates black, ruff-format, ruff, pytest convention (black: .pre-commit-config.yaml:25; "
            + "ruff-format: .pre-commit-config.yaml:20; ruff: .pre-commit-config.yaml:17; pytest: tests found)"), "\(show.stdout)")
        #expect(rows.contains("gate.black.args --line-length=100 .pre-commit-config.yaml:26"))
        #expect(rows.contains("gate.ruff-format.args --line-length=100 .pre-commit-config.yaml:21"))
        #expect(show.stdout.contains("Gate tools at the pre-commit hooks' versions: black==26.10.1 from "
            + ".pre-commit-config.yaml:23 (rev 26.10.1), ruff==0.17.5 from .pre-commit-config.yaml:14 (rev v0.17.5)"))
        #expect(show.stdout.contains("Note: .pre-commit-config.yaml:18: --fix left out of the ruff gate's arguments"))

        // A 97-character line passes only with the hooks' --line-length=100.
        let gates = ["black", "ruff-format", "ruff", "pytest"]
        let passed = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
        #expect(passed.status == 0, "\(passed.all)")
        #expect(gateVerdicts(passed) == gates.map { "\($0) passed" }, "\(passed.stdout)")
        #expect(passed.stdout.contains("is healthy after"))
        #expect(!passed.all.contains("pinned nowhere"), "every tool is pinned: \(passed.all)")
        try await expectNothingLeft(by: passed)

        // Formatting broken for black and ruff-format, and an unused import that ruff --fix would remove.
        let module = try repository.read("greetings/server.py")
        try repository.write("greetings/server.py", module
            .replacingOccurrences(of: "import os\n", with: "import os\nimport sys\n")
            .replacingOccurrences(of: "def greeting(name: str,", with: "def greeting( name: str,"))
        let failed = try await Harness.workflows(["build_dev_image", "assess_image_code", "--image", image], in: repository.root)
        await Harness.removeImage(image)
        #expect(failed.status == 1, "\(failed.all)")
        #expect(gateVerdicts(failed) == ["black FAILED", "ruff-format FAILED", "ruff FAILED", "pytest passed"], "\(failed.stdout)")
        #expect(failed.stdout.contains("would reformat"), "black's output: \(failed.stdout)")
        #expect(failed.stdout.contains("F401"), "ruff checked without --fix: \(failed.stdout)")
        let ruff = try #require(gateCommand(failed, "ruff check"), "\(failed.stdout)")
        #expect(!ruff.contains("--fix"), "\(ruff)")
        let black = try #require(gateCommand(failed, "black"))
        #expect(black.hasSuffix("black --check greetings tests --line-length=100"), "\(black)")
        #expect(failed.stderr.contains("Quality gates failed inside \(image): black, ruff-format, ruff."), "\(failed.stderr)")
        try await expectNothingLeft(by: failed)
    }

    /// No Dockerfile at the root: `compose.yaml` builds `api/` (a FastAPI-style app in a subfolder), which is
    /// then the context and the source root.
    @Test func anAppInASubfolderThatComposeBuilds() async throws {
        let files = try SampleProjects.folder("compose-subfolder")
        let shown = try FakeRepository("workflows-it-compose-show", files: files)
        defer { shown.delete() }
        let show = try await Harness.workflows(["show_project"], in: shown.root)
        #expect(show.status == 0, "\(show.all)")
        let rows = shownRows(show)
        #expect(rows.contains("dockerfile api/Dockerfile compose.yaml:3 (services.api.build)"), "\(show.stdout)")
        #expect(rows.contains("context api compose.yaml:3 (services.api.build)"))
        #expect(rows.contains("source-root api convention (the build context)"))
        #expect(rows.contains("tests tests api/pyproject.toml [tool.pytest.ini_options]"))
        try await passThenBreak(
            files, name: "compose", gates: ["ruff", "pytest"],
            change: { repository in
                let module = try repository.read("api/app/main.py")
                try repository.write("api/app/main.py", module.replacingOccurrences(of: "import os\n", with: "import os\nimport sys\n"))
            }, broken: "ruff", evidence: "F401")
    }
}
