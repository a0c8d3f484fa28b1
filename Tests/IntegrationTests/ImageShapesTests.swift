import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// The image side of real repositories (issue 16) on the real engine, from the sample projects under
    /// Tests/Samples: an image without WORKDIR or pip, tests at the root beside conftest.py with the venv
    /// off PATH, a project with no gates, one with no Dockerfile, and a Dockerfile that needs BuildKit.
    @Suite struct ImageShapes {
        let shapes = ProjectShapes()

        /// `show_project` rows as `key value origin`, spaces collapsed.
        func shown(_ repository: FakeRepository) async throws -> [String] {
            let run = try await Harness.workflows(["show_project"], in: repository.root)
            #expect(run.status == 0, "\(run.all)")
            return run.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        }

        /// quality_pipeline passes with `gates`; then, with `change` made, `build_dev_image assess_image_code`
        /// fails in `broken` alone, showing `evidence`. Returns both runs for the sample's own checks.
        func passThenBreak(
            _ repository: FakeRepository, image: String, gates: [String], change: (FakeRepository) throws -> Void,
            broken: String, evidence: String, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> (passed: Harness.Run, failed: Harness.Run) {
            let passed = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(passed.status == 0, "\(passed.all)", sourceLocation: sourceLocation)
            #expect(shapes.gateVerdicts(passed) == gates.map { "\($0) passed" }, "\(passed.stdout)", sourceLocation: sourceLocation)
            #expect(passed.stdout.contains("is healthy after"), sourceLocation: sourceLocation)
            try await shapes.expectNothingLeft(by: passed, sourceLocation: sourceLocation)

            try change(repository)
            let failed = try await Harness.workflows(["build_dev_image", "assess_image_code", "--image", image], in: repository.root)
            await Harness.removeImage(image)
            #expect(failed.status == 1, "\(failed.all)", sourceLocation: sourceLocation)
            #expect(
                shapes.gateVerdicts(failed) == gates.map { "\($0) \($0 == broken ? "FAILED" : "passed")" }, "\(failed.stdout)",
                sourceLocation: sourceLocation)
            #expect(failed.stdout.contains(evidence), "\(failed.stdout)", sourceLocation: sourceLocation)
            #expect(failed.stderr.contains("Quality gates failed inside \(image): \(broken)."), sourceLocation: sourceLocation)
            try await shapes.expectNothingLeft(by: failed, sourceLocation: sourceLocation)
            return (passed, failed)
        }

        /// No WORKDIR: the code and tests at `/`, where a bytecode prefix made every import an IndexError;
        /// the image's python3 (the stand-in has no `python`) has no pip either.
        @Test func anImageWithoutWorkdirPassesItsTestsAtTheRoot() async throws {
            let (repository, image) = try await shapes.project(try SampleProjects.folder("no-workdir"), name: "noworkdir")
            defer { repository.delete() }
            let rows = try await shown(repository)
            #expect(rows.contains("tests test_app.py convention"), "\(rows)")
            #expect(rows.contains("sources app.py, test_app.py convention"), "\(rows)")
            #expect(rows.contains("test-requirements requirements-dev.txt convention"), "\(rows)")
            let (passed, failed) = try await passThenBreak(
                repository, image: image, gates: ["pytest"],
                change: { repository in
                    try repository.write("app.py", try repository.read("app.py").replacingOccurrences(
                        of: "return sum(", with: "return 1 + sum("))
                }, broken: "pytest", evidence: "assert 331 == 330")
            #expect(passed.stdout.contains("rootdir: /\n"), "\(passed.stdout)")
            for run in [passed, failed] {
                #expect(!run.all.contains("IndexError"), "\(run.all)")
                #expect(run.all.contains("--env PYTHONDONTWRITEBYTECODE=1 --env PYTHONPYCACHEPREFIX= "))
            }
        }

        /// FastAPI's layout: main.py, conftest.py and test_main.py at the root, `[tool.pytest.ini_options]`;
        /// the venv made as `uv venv` makes it (no pip) and left off PATH.
        @Test func testsAtTheRootBesideConftestInAVenvWithoutPipOffPath() async throws {
            // Requirements of this run's own, so that the tools are installed (without pip) and not reused.
            var files = try SampleProjects.folder("root-tests")
            files["requirements-dev.txt", default: ""] += "# \(UUID())\n"
            let (repository, image) = try await shapes.project(files, name: "roottests")
            defer { repository.delete() }
            let rows = try await shown(repository)
            #expect(rows.contains("tests conftest.py, test_main.py convention"), "\(rows)")
            #expect(rows.contains("sources main.py, conftest.py, test_main.py convention"), "\(rows)")
            #expect(rows.contains { $0.hasPrefix("gates ruff, pytest convention (ruff: pyproject.toml [tool.ruff]; pytest: tests found)") })
            #expect(rows.contains("Travel into the gates' image with the tests: pyproject.toml"), "\(rows)")
            let (passed, failed) = try await passThenBreak(
                repository, image: image, gates: ["ruff", "pytest"],
                change: { repository in
                    try repository.write("main.py", try repository.read("main.py").replacingOccurrences(
                        of: "1: \"apple\"", with: "1: \"quince\""))
                }, broken: "pytest", evidence: "test_main.py::test_read_item")
            if let volume = shapes.toolsVolume(passed) {
                // These tools serve this test's requirements only: they go with their seal and caches.
                let key = volume.dropFirst(GateTools.namePrefix.count).prefix { $0 != "-" }
                _ = try? await Harness.docker("volume", "rm", volume, GateTools.namePrefix + key, GateTools.cachesPrefix + key)
            }
            #expect(passed.stdout.contains("The image's Python: /app/.venv/bin/python (the project's venv"), "\(passed.stdout)")
            #expect(passed.stdout.contains("pip: this Python has none"), "\(passed.stdout)")
            #expect(passed.stdout.contains("3 passed"), "\(passed.stdout)")
            #expect(failed.stdout.range(
                of: "--entrypoint /app/.venv/bin/python workflows-gates:[a-z0-9]+ -m pytest", options: .regularExpression) != nil,
                "\(failed.stdout)")
            #expect(!passed.all.contains("already exists"))
        }

        @Test func aProjectWithNoGatesPassesWithNothingToAssess() async throws {
            let (repository, image) = try await shapes.project(try SampleProjects.folder("no-gates"), name: "nogates")
            defer { repository.delete() }
            let rows = try await shown(repository)
            #expect(rows.contains("gates (none) convention"), "\(rows)")
            #expect(rows.contains("tests (none) convention"), "\(rows)")
            let run = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            await Harness.removeImage(image)
            #expect(run.status == 0, "\(run.all)")
            #expect(run.stdout.components(separatedBy: "nothing to assess").count == 2, "said once: \(run.stdout)")
            #expect(!run.all.contains("pip"), "no tools installed: \(run.all)")
            #expect(run.stdout.range(of: "assess_image_code +passed", options: .regularExpression) != nil)
            #expect(run.stdout.contains("is healthy after"))
            try await shapes.expectNothingLeft(by: run)
        }

        @Test func aProjectWithoutDockerfileStopsWithExit64BeforeAnythingRuns() async throws {
            let (repository, image) = try await shapes.project(try SampleProjects.folder("no-dockerfile"), name: "nodockerfile")
            defer { repository.delete() }
            let dockerfile = repository.root.appendingPathComponent("Dockerfile").path
            let rows = try await shown(repository)
            #expect(rows.contains("dockerfile Dockerfile (missing: looked for \(dockerfile)) convention"), "\(rows)")
            #expect(rows.contains("gates ruff, pytest convention (ruff: pyproject.toml [tool.ruff]; pytest: tests found)"))
            let run = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(run.status == 64, "\(run.all)")
            #expect(run.stderr.contains("build_ci_image: No Dockerfile at \(dockerfile) (convention): nothing to build."))
            #expect(run.stderr.contains("Set 'dockerfile'"))
            #expect(!run.stdout.contains("==>>"), "nothing ran: \(run.stdout)")
            #expect(try await Harness.docker("image", "ls", "--quiet", image).isEmpty)
        }

        /// The legacy builder (forced with DOCKER_BUILDKIT=0, so that an engine with BuildKit checks it too).
        @Test func aDockerfileThatNeedsBuildKitSaysSoOnTheLegacyBuilder() async throws {
            var files = try SampleProjects.folder("no-gates")
            files["Dockerfile"] = (files["Dockerfile"] ?? "").replacingOccurrences(
                of: "RUN useradd", with: "RUN --mount=type=cache,target=/root/.cache useradd")
            let (repository, image) = try await shapes.project(files, name: "buildkit")
            defer { repository.delete() }
            let run = try await Harness.workflows(
                ["build_dev_image", "--image", image], in: repository.root, environment: ["DOCKER_BUILDKIT": "0"])
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")
            // Known before the build (the CLI's builder is asked first), so nothing is built.
            #expect(run.stderr.contains("Building \(image) needs BuildKit (RUN --mount at Dockerfile:2), but the engine's CLI "
                + "builds with the legacy builder"), "\(run.stderr)")
            #expect(run.stderr.contains("Nothing was built."))
            #expect(run.stderr.contains("install the buildx plugin"))
            #expect(!run.stderr.contains("fix the Dockerfile"))
            #expect(try await Harness.docker("image", "ls", "--quiet", image).isEmpty)
        }
    }
}
