import Foundation
import Testing

@testable import WorkflowsKit

/// The gates' tools beside the build: the base image a Dockerfile names, the pins that constrain the
/// download, the order gates start in, and the pipeline that fetches wheels while the image builds.
@Suite struct GateToolsTests {
    @Test(arguments: [
        ("FROM python:3.11-slim\nRUN true\n", "python:3.11-slim"),
        ("# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM python:3.12 AS build\nRUN x\n"
            + "FROM python:3.12-slim\nCOPY --from=build /a /a\n", "python:3.12-slim"),
        ("FROM python:3.11 AS base\nFROM base AS test\nFROM test\n", "python:3.11"),
        ("from registry.example:5000/team/py:1 as Base\nFROM base\n", "registry.example:5000/team/py:1"),
        ("FROM \\\n  python:3.10\n", "python:3.10"),
    ])
    func theFinalStagesBaseImage(dockerfile: String, base: String) {
        #expect(DockerfileStages.finalBase(of: dockerfile) == base)
    }

    @Test(arguments: ["ARG PY=3.11\nFROM python:${PY}\n", "FROM scratch\n", "RUN x\n"])
    func noBaseImageWhenTheDockerfileDoesNotNameOne(dockerfile: String) {
        #expect(DockerfileStages.finalBase(of: dockerfile) == nil)
    }

    @Test func onlyExactPinsConstrainTheDownload() {
        let requirements = """
            # runtime
            flask==3.1.3  # the web framework
            uvicorn[standard]==0.30.1
            requests>=2
            -e .
            -r other.txt
            ./local/package
            Django == 5.0
            """
        #expect(ToolWheels.exactPins(requirements) == ["flask==3.1.3", "uvicorn==0.30.1", "Django==5.0"])
    }

    /// The scripts run in the image's Python: they must at least be Python (checked with the host's).
    @Test(arguments: [GateTools.installScript, ToolWheels.downloadScript])
    func theScriptsAreValidPython(script: String) async throws {
        let check = try await FoundationProcessRunner().run(Command(
            "python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], standardInput: Data(script.utf8)))
        #expect(check.succeeded, "\(check.errorText)\n\(script)")
        #expect(script.contains("write_constraints(") && script.contains(#"work = "/tmp/workflows-tools-input""#))
    }

    @Test func slowGatesStartFirstAndTheRestKeepTheirOrder() {
        let gates: [Gate] = [.black, .isort, .flake8, .mypy, .ruff, .pytest]
        #expect(ParallelGates.startOrder(gates).map { gates[$0] } == [.mypy, .pytest, .black, .isort, .flake8, .ruff])
        #expect(ParallelGates.startOrder([.black, .flake8]) == [0, 1])
    }

    @Test func thePipelineFetchesWheelsFromTheBaseImageWhileTheImageBuilds() async throws {
        let engine = FakeEngine()
        let root = try NumbersAPIShape.make(["Dockerfile": PipelineRunTests.dockerfile])
        let (status, console) = try await runWorkflows(["quality_pipeline"], engine: engine, root: root)
        #expect(status == 0, "\(console.all)")
        let changes = engine.changes
        let download = try #require(changes.firstIndex { if case .run(let run) = $0 { run.arguments.last == ToolWheels.downloadScript } else { false } })
        let build = try #require(changes.firstIndex { if case .build(let build, _) = $0 { build.noCache } else { false } })
        let install = try #require(changes.firstIndex { if case .run(let run) = $0 { run.arguments.last == GateTools.installScript } else { false } })
        #expect(download < install && build < install)
        guard case .run(let fetch) = changes[download], case .run(let installing) = changes[install] else { return }
        #expect(fetch.labels.contains(EngineLabels.run("testrun-wheels")), "labelled for the run's cleanup and for clean")
        #expect(fetch.image == "python:3.11-slim" && fetch.entrypoint == "python3" && fetch.arguments == ["-c", ToolWheels.downloadScript])
        #expect(fetch.mounts == [VolumeMount("workflows-wheels-testrun-wheels", at: "/tmp/workflows-wheels")])
        let spec = try JSONDecoder().decode(ToolWheels.DownloadSpec.self, from: try #require(fetch.input))
        #expect(spec.requirements == ["requirements-test.txt"] && spec.files.keys.sorted() == ["requirements-test.txt"])
        #expect(installing.mounts.contains(VolumeMount("workflows-wheels-testrun-wheels", at: "/tmp/workflows-wheels", readOnly: true)))
        let installSpec = try JSONDecoder().decode(GateTools.InstallSpec.self, from: try #require(installing.input))
        #expect(installSpec.wheels == "/tmp/workflows-wheels")
        #expect(console.stdout.contains("from the wheels fetched during the build"))
        #expect(engine.volumes["workflows-wheels-testrun-wheels"] == nil, "the wheels go with the run")
        let seal = try #require(engine.volumes.values.first { $0[EngineLabels.sealedTools] != nil })
        #expect(seal[EngineLabels.prefetchKey] != nil)

        // The same base image and requirements again: the seal says there is nothing to fetch.
        let before = engine.runs.count
        let (again, _) = try await runWorkflows(["quality_pipeline"], engine: engine, root: root)
        #expect(again == 0)
        let later = engine.runs.dropFirst(before)
        #expect(!later.contains { $0.arguments.last == ToolWheels.downloadScript })
        #expect(!later.contains { $0.arguments.last == GateTools.installScript })
    }

    @Test func aFailedDownloadIsSaidAndTheInstallAsksTheIndex() async throws {
        let engine = FakeEngine()
        engine.program = { options in
            options.arguments.last == ToolWheels.downloadScript
                ? .fail(1, stderr: "ERROR: Could not find a version that satisfies the requirement black==1") : nil
        }
        let root = try NumbersAPIShape.make(["Dockerfile": PipelineRunTests.dockerfile])
        let (status, console) = try await runWorkflows(["quality_pipeline"], engine: engine, root: root)
        #expect(status == 0, "\(console.all)")
        #expect(console.stdout.contains(
            "Gate tools: the wheels could not be fetched during the build (ERROR: Could not find a version that satisfies the requirement black==1)."))
        let install = try #require(engine.runs.first { $0.arguments.last == GateTools.installScript })
        #expect(!install.mounts.contains { $0.target == ToolWheels.folder })
        // The facts' run needs no network, and starts faster without one; the install may need the index.
        let facts = try #require(engine.runs.first { $0.remove && $0.arguments.first == "-c" && $0.mounts.isEmpty })
        #expect(facts.network == GateTools.offline)
        #expect(install.network == nil)
    }
}

/// The pip the tools' install and download run when the image's Python has none (`ToolInputs.pipFinder`),
/// checked with the host's Python: which wheel an index page offers for a Python version.
@Suite struct PipFinderTests {
    /// A PEP 503 page as PyPI serves it (attributes HTML-escaped), trimmed to the cases that matter.
    static let page = """
        <!DOCTYPE html><html><body><h1>Links for pip</h1>
        <a href="https://files.example/pip-9.0.3-py2.py3-none-any.whl#sha256=aa">pip-9.0.3-py2.py3-none-any.whl</a><br />
        <a href="https://files.example/pip-23.0.1-py3-none-any.whl#sha256=bb" data-requires-python="&gt;=3.7">pip-23.0.1-py3-none-any.whl</a><br />
        <a href="https://files.example/pip-23.0.1.tar.gz#sha256=cc" data-requires-python="&gt;=3.7">pip-23.0.1.tar.gz</a><br />
        <a href="https://files.example/pip-24.1-py3-none-any.whl#sha256=dd" data-requires-python="&gt;=3.8" data-yanked="">pip-24.1-py3-none-any.whl</a><br />
        <a href="https://files.example/pip-24.0-py3-none-any.whl#sha256=ee" data-requires-python="&gt;=3.7">pip-24.0-py3-none-any.whl</a><br />
        <a href="../../packages/pip-25.3-py3-none-any.whl#sha256=ff" data-requires-python="&gt;=3.9">pip-25.3-py3-none-any.whl</a><br />
        </body></html>
        """

    func python(_ code: String) async throws -> String {
        let script = "import glob, html, os, re, sys\n" + ToolInputs.pipFinder + "\n" + code
        let run = try await FoundationProcessRunner().run(Command("python3", ["-c", script]))
        #expect(run.succeeded, "\(run.errorText)")
        return run.outputText
    }

    @Test func theNewestWheelThatThePythonVersionAllowsNeverAYankedOne() async throws {
        let page = "'''" + Self.page + "'''"
        let answer = try await python("""
            print(newest_pip_wheel(\(page), (3, 11, 2)))
            print(newest_pip_wheel(\(page), (3, 8, 10)))
            print(newest_pip_wheel('<a href="x">pip-1.0.tar.gz</a>', (3, 11, 2)))
            """)
        #expect(answer == """
            ('pip-25.3-py3-none-any.whl', '../../packages/pip-25.3-py3-none-any.whl', 'ff')
            ('pip-24.0-py3-none-any.whl', 'https://files.example/pip-24.0-py3-none-any.whl', 'ee')
            None
            """)
    }

    @Test(arguments: [
        (">=3.9", true), (">=3.12", false), (">3.11", true), (">3.11.2", false), ("<3.11", false), ("<=3.11.2", true),
        ("!=3.11.*", false), ("!=3.10.*, >=3.8", true), ("==3.11.*", true), ("==3.10", false), ("~=3.9", true),
        ("~=3.11.3", false), (">=2.7,!=3.0.*,!=3.1.*", true), ("", true), ("whatever", true),
    ])
    func requiresPythonIsReadForTheImagesVersion(requires: String, allowed: Bool) async throws {
        let answer = try await python("print(python_allows('\(requires)', (3, 11, 2)))")
        #expect(answer == (allowed ? "True" : "False"), "\(requires)")
    }
}
