import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// The image side of real repositories (issue 16): tests at the root beside conftest.py, tests inside
/// packages, no gates, no Dockerfile, an image without WORKDIR, the image's interpreter, a Dockerfile that
/// needs BuildKit, and gates stopped by a failed health check. The engine side is in ProjectShapesTests.
@Suite struct RealRepositoryImageTests {
    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: files).root)
    }

    func assessing(_ project: Project) throws -> AssessImageCode {
        let console = try CapturedConsole().console
        let runner = RecordingRunner()
        return AssessImageCode(
            image: "app:latest", project: project, docker: DockerEngine(executable: "docker", runner: runner, console: console),
            console: console,
            resources: RunResources(
                runID: "r", cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), runner: runner,
                dockerExecutable: "docker"),
            details: StepDetails())
    }

    // MARK: where tests are

    @Test func testsAtTheRootBesideConftestTravelOnceAsTests() throws {
        let project = try load(try SampleProjects.folder("root-tests"))
        #expect(project.tests == ["conftest.py", "test_main.py"])
        #expect(project.sources == ["main.py", "conftest.py", "test_main.py"])
        #expect(!project.configFiles.contains { $0.destination == "conftest.py" }, "conftest.py is a test here")
        #expect(project.configFiles.map(\.destination) == ["pyproject.toml"])
        #expect(project.gates == [.ruff, .pytest])

        // Staged into the gates' build context without copying a file twice.
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try assessing(project).stageBuildContext(in: folder.appendingPathComponent("gates"), base: "base", user: "app")
        let inputs = folder.appendingPathComponent("gates/inputs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted()
            == ["conftest.py", "pyproject.toml", "test_main.py"])
    }

    @Test func aConfigFileInsideATestFolderIsNotCopiedTwice() throws {
        var project = try load(["tests/test_a.py": "", "pyproject.toml": "[tool.black]\n"])
        project.configFiles.append(.init(source: "tests/conftest.py", destination: "tests/conftest.py"))
        try FileManager.default.createDirectory(at: project.path("tests"), withIntermediateDirectories: true)
        try Data().write(to: project.path("tests/conftest.py"))
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try assessing(project).stageBuildContext(in: folder.appendingPathComponent("gates"), base: "base", user: "")
    }

    @Test func testsFoldersInsidePackagesAreTestsAndTheirPackageIsListedOnce() throws {
        let inside = try load([
            "svc/__init__.py": "", "svc/api.py": "", "svc/tests/__init__.py": "", "svc/tests/test_api.py": "",
            "tools/__init__.py": "", "tools/test/test_x.py": "", "src/lib/__init__.py": "", "src/lib/tests/test_lib.py": "",
        ])
        #expect(inside.tests == ["svc/tests", "tools/test", "src/lib/tests"])
        #expect(inside.sources == ["svc", "tools", "src/lib"], "the tests are linted with their package")
        #expect(inside.gates == [.pytest])

        let testpaths = try load([
            "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = [\"svc/tests\"]\n",
            "svc/__init__.py": "", "svc/tests/test_api.py": "",
        ])
        #expect(testpaths.sources == ["svc"])

        // A top-level tests folder still wins; top-level test modules and package tests add up.
        #expect(try load(["tests/test_a.py": "", "svc/__init__.py": "", "svc/tests/test_b.py": ""]).tests == ["tests"])
        #expect(try load(["test_a.py": "", "svc/__init__.py": "", "svc/tests/test_b.py": ""]).tests == ["test_a.py", "svc/tests"])
    }

    @Test func aDjangoSitesAppTestsFolderLeavesItsTestsToDjangosConvention() throws {
        var files = try SampleProjects.folder("django-site")
        files["shop/__init__.py"] = ""
        files["shop/tests/__init__.py"] = ""
        files["shop/tests/test_cart.py"] = ""
        let project = try load(files)
        #expect(project.origins["tests"] == "convention (the Django apps' tests)")
        #expect(project.tests.contains("polls/tests.py") && project.tests.contains("shop/tests"), "\(project.tests)")
    }

    // MARK: no gates, no Dockerfile

    @Test func aProjectWithNoGatesPassesWithNothingToAssessSaidOnce() async throws {
        let root = try FakeRepository(files: try SampleProjects.folder("no-gates")).root
        #expect(try ProjectLoader.load(root: root).gates == [])
        let engine = FakeEngine()
        let (status, console) = try await runWorkflows(["quality_pipeline"], engine: engine, root: root)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.components(separatedBy: "nothing to assess").count == 2, "said once: \(console.stdout)")
        let scripts = engine.runs.compactMap(\.arguments.last)
        #expect(!scripts.contains(GateTools.installScript) && !scripts.contains(ToolWheels.downloadScript), "no pip at all")
        #expect(console.stdout.range(of: "assess_image_code +passed", options: .regularExpression) != nil, "\(console.stdout)")
    }

    @Test func aMissingDockerfileIsMarkedAndStopsTheBuildStepsWithExit64BeforeAnythingRuns() async throws {
        let root = try FakeRepository(files: try SampleProjects.folder("no-dockerfile")).root
        let engine = FakeEngine()
        let (shown, show) = try await runWorkflows(["show_project"], engine: engine, root: root)
        #expect(shown == 0)
        let dockerfile = root.appendingPathComponent("Dockerfile").path
        #expect(show.stdout.contains("Dockerfile (missing: looked for \(dockerfile))"), "\(show.stdout)")

        let (status, console) = try await runWorkflows(["quality_pipeline"], engine: engine, root: root)
        #expect(status == 64, "\(console.all)")
        #expect(console.stderr.contains("build_ci_image: No Dockerfile at \(dockerfile) (convention): nothing to build."))
        #expect(console.stderr.contains("Set 'dockerfile'"))
        #expect(!console.stdout.contains("==>>"), "nothing ran: \(console.stdout)")
        #expect(engine.changes.isEmpty)
        // On a CI the reports are written all the same: its uploads look for them whatever the end.
        let folder = try TemporaryFolder.make().appendingPathComponent("reports")
        let (onCI, ci) = try await runWorkflows(
            ["--report-dir", folder.path, "quality_pipeline"], environment: ["TF_BUILD": "True"], engine: engine, root: root)
        #expect(onCI == 64, "\(ci.all)")
        #expect(engine.changes.isEmpty)
        let report = try ReportWriter.decode(try Data(contentsOf: folder.appendingPathComponent(ReportWriter.reportFile)))
        #expect(report.outcome == .failed)
        #expect(report.steps.map(\.verdict) == [.failed, .skipped, .skipped])
        #expect(report.steps.first?.message?.hasPrefix("No Dockerfile at \(dockerfile)") == true)
        #expect(ci.stdout.contains("##vso[task.logissue type=error;code=build_ci_image]No Dockerfile at"), "\(ci.stdout)")
        // An image that exists needs no Dockerfile to be assessed.
        let image = try ProjectLoader.load(root: root).image
        engine.addImage([image], ImageConfig(id: "sha256:" + String(repeating: "e", count: 64), user: "app", workingDirectory: "/srv",
                                             healthcheck: nil, labels: [:]))
        let (assessed, said) = try await runWorkflows(["assess_image_code"], engine: engine, root: root)
        #expect(assessed == 0, "\(said.all)")
    }

    // MARK: the image's Python

    @Test func anImageWithoutWorkdirGetsNoBytecodeAtAllElseTheSharedCache() {
        /// `--env NAME=VALUE` pairs, as `docker run` reads them.
        func variables(_ arguments: [String]) -> [String] {
            stride(from: 0, to: arguments.count, by: 2).map { arguments[$0] == "--env" ? arguments[$0 + 1] : "not --env: \(arguments[$0])" }
        }
        for root in ["", "/"] {
            let environment = variables(DockerArguments.environment(AssessImageCode.environment(imagePythonPath: nil, workingDirectory: root)))
            #expect(environment.contains("PYTHONDONTWRITEBYTECODE=1") && environment.contains("PYTHONPYCACHEPREFIX="))
            #expect(!environment.contains { $0.hasPrefix("PYTHONPYCACHEPREFIX=/") || $0.hasPrefix("not --env") })
        }
        let app = variables(DockerArguments.environment(AssessImageCode.environment(imagePythonPath: nil, workingDirectory: "/app")))
        #expect(app.contains("PYTHONPYCACHEPREFIX=\(GateTools.bytecodeFolder)") && app.contains("PYTHONDONTWRITEBYTECODE="))
        #expect(app.first == "PYTHONPATH=\(GateTools.folder)/site-packages" && !app.contains { $0.hasPrefix("not --env") })
    }

    @Test func theInterpreterIsTheOneOnPathElseTheProjectsVenvBesideIt() {
        let (venv, facts) = ImagePython.parse("interpreter /app/.venv/bin/python\n3.11.2\nx86_64\nflask==3.1.3", ranWith: "python")
        #expect(venv.command == "/app/.venv/bin/python" && facts == "3.11.2\nx86_64\nflask==3.1.3")
        #expect(venv.reason?.contains("not on the image's PATH") == true)
        #expect(ImagePython.parse("interpreter PATH\n3.11.2", ranWith: "python").0 == .onPath)
        #expect(ImagePython.parse("interpreter PATH\n3.11.2", ranWith: "python3").0.command == "python3")
        #expect(ImagePython.parse("interpreter PATH\n3.11.2", ranWith: "python3").0.reason == "the image has no 'python' on its PATH")
    }

    /// The facts script, run by the host's Python (no venv) in a folder holding a venv's marks.
    @Test func theFactsScriptFindsAVenvBesideAPythonThatIsNone() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = ImagePython.factsScript(expecting: ["app.py"])
        let runner = FoundationProcessRunner()
        let host = try await runner.run(Command("python3", ["-c", "import sys; print(sys.prefix == sys.base_prefix)"]))
        try #require(host.outputText == "True", "the host's python3 is a venv: this test needs one that is not")
        try Data().write(to: folder.appendingPathComponent("app.py"))
        let plain = try await runner.run(Command("python3", ["-c", script], workingDirectory: folder.path))
        #expect(plain.outputText.hasPrefix("interpreter PATH\n3."), "\(plain.errorText)")

        let venv = folder.appendingPathComponent(".venv")
        try FileManager.default.createDirectory(at: venv.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let python = try await runner.run(Command("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"]))
        let home = URL(fileURLWithPath: python.outputText).deletingLastPathComponent().path
        try Data("home = \(home)\n".utf8).write(to: venv.appendingPathComponent("pyvenv.cfg"))
        try FileManager.default.createSymbolicLink(atPath: venv.appendingPathComponent("bin/python").path, withDestinationPath: python.outputText)
        let found = try await runner.run(Command("python3", ["-c", script], workingDirectory: folder.path))
        #expect(found.outputText.hasPrefix("interpreter \(venv.path)/bin/python\n"), "\(found.errorText)")

        try FileManager.default.removeItem(at: folder.appendingPathComponent("app.py"))
        let missing = try await runner.run(Command("python3", ["-c", script], workingDirectory: folder.path))
        #expect(!missing.succeeded && missing.errorText.contains("not in the image at \(folder.path): app.py"), "\(missing.errorText)")
    }

    // MARK: BuildKit

    @Test func whatOnlyBuildKitBuildsIsFoundLineByLine() {
        let dockerfile = """
            # syntax=docker/dockerfile:1
            FROM python:3.11-slim
            RUN --mount=type=cache,target=/root/.cache pip install flask
            COPY --chmod=755 run.sh /
            COPY <<EOF /etc/app.conf
            RUN --mount=this is text, not an instruction
            EOF
            RUN echo "<<not a heredoc" && true
            # RUN --mount=type=cache a comment
            """
        #expect(BuildKitFeatures(dockerfile: dockerfile).uses == [
            .init(line: 1, feature: "# syntax="), .init(line: 3, feature: "RUN --mount"),
            .init(line: 4, feature: "COPY --chmod"), .init(line: 5, feature: "a heredoc (<<EOF)"),
        ])
        #expect(BuildKitFeatures(dockerfile: "FROM python:3.11-slim\nRUN pip install flask\n").uses.isEmpty)
    }

    /// The legacy builder's own words (Docker 20.10), as captured on this project's engine.
    @Test func theLegacyBuildersRefusalIsRecognisedAndNothingElse() {
        let mount = BuildKitFeatures(dockerfile: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache true\n")
        #expect(mount.refusedByLegacyBuilder(output: "Step 2/2 : RUN --mount=type=cache,target=/root/.cache true\n"
            + "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"))
        let heredoc = BuildKitFeatures(dockerfile: "FROM python:3.11-slim\nRUN <<EOF\necho hi\nEOF\n")
        #expect(heredoc.refusedByLegacyBuilder(output: "Error response from daemon: dockerfile parse error line 4: unknown instruction: ECHO"))
        #expect(!heredoc.refusedByLegacyBuilder(output: "#0 building with \"default\" instance using docker driver\n"
            + "ERROR: failed to solve: dockerfile parse error on line 9: unknown instruction: FORM"))
        let plain = BuildKitFeatures(dockerfile: "FROM python:3.11-slim\nFORM x\n")
        #expect(!plain.refusedByLegacyBuilder(output: "Error response from daemon: dockerfile parse error line 2: unknown instruction: FORM"))
        #expect(!mount.refusedByLegacyBuilder(output: "ERROR: Could not find a version that satisfies the requirement flask==99"))
        let error = mount.error(dockerfile: "Dockerfile", image: "app:latest")
        #expect(error.message == "Dockerfile needs BuildKit (RUN --mount at Dockerfile:2), and the engine built app:latest "
            + "with the legacy builder, which cannot build it.")
        #expect(error.remedy?.contains("install the buildx plugin") == true && error.remedy?.contains("DOCKER_BUILDKIT") == true)
    }

    // MARK: gates stopped by a failed health check

    @Test func gatesStoppedMidwayKeepTheVerdictsOfThoseThatFinishedAndTheRestAreInterrupted() async throws {
        let captured = try CapturedConsole()
        let gates = ParallelGates(
            limit: 2, console: captured.console,
            cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: RecordingRunner()))
        let finished = AsyncStream<Void>.makeStream()
        let task = Task {
            try await gates.run([.black, .flake8, .pytest]) { gate in
                if gate == .black {
                    finished.continuation.yield()
                    return GateRun(gate: gate, passed: false, seconds: 0.1, command: ["black"], standardOutput: "would reformat", standardError: "")
                }
                try await Task.sleep(nanoseconds: 60_000_000_000)
                return GateRun(gate: gate, passed: true, seconds: 60, command: [gate.name], standardOutput: "", standardError: "")
            }
        }
        var waiting = finished.stream.makeAsyncIterator()
        _ = await waiting.next()
        try await Task.sleep(nanoseconds: 100_000_000)
        task.cancel()
        let runs = try await task.value
        #expect(runs.map(\.gate) == [.black, .flake8, .pytest])
        #expect(runs.map(\.verdict) == [.failed, .interrupted, .interrupted])
        #expect(captured.stdout.contains("black FAILED") && captured.stdout.contains("pytest interrupted"), "\(captured.stdout)")
        let report = runs.map { $0.report(sourceRoot: ".", workingDirectory: "/app") }
        #expect(report.map(\.verdict) == [.failed, .interrupted, .interrupted])

        #expect(throws: CancellationError.self) { try GateVerdicts.report(runs, where: "inside app", console: captured.console) }
        #expect(captured.stdout.range(of: "flake8 +interrupted", options: .regularExpression) != nil, "\(captured.stdout)")
    }
}
