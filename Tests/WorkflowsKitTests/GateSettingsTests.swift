import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// `[tool.workflows.gate.NAME]` and `environment`: what the gate runners do with them, in the image and on
/// the host.
@Suite struct GateSettingsTests {
    func resources(_ runner: RecordingRunner) -> RunResources {
        RunResources(
            runID: "r", cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), runner: runner,
            dockerExecutable: "docker")
    }

    @Test func aGatesArgumentsAreAppendedToItsCommandInTheImageAndOnTheHost() async throws {
        var project = Project.numbersAPI
        project.gateSettings[.pytest] = Project.GateSettings(arguments: ["-p", "no:randomly"])
        project.gateSettings[.black] = Project.GateSettings(arguments: ["--line-length", "100"])
        let runner = RecordingRunner()
        let console = try CapturedConsole().console
        let run = try await AssessImageCode.runGate(
            .pytest, in: Self.gates, environment: [], project: project, docker: DockerEngine(executable: "docker", runner: runner, console: console),
            resources: resources(runner))
        let tail = Array(run.command.drop { $0 != "gates:r" })
        #expect(tail.prefix(6) == ["gates:r", "-m", "pytest", "tests", "-p", "no:randomly"], "\(tail)")
        #expect(tail.contains { $0.hasPrefix("--junitxml=") }, "ours stay, after the project's")
        #expect(project.arguments(for: .black) == ["-m", "black", "--check", "thenumbers", "tests", "--line-length", "100"])
        #expect(project.arguments(for: .isort) == ["-m", "isort", "--check-only", "thenumbers", "tests"])
    }
}

extension GateSettingsTests {
    static let gates = GatesContainer(image: "gates:r", name: "workflows-r-gates", tools: GateTools.Prepared(volume: "tools", caches: "caches"))

    static let projectFile = """
        [tool.workflows]
        tests = ["svc/tests"]
        environment = { DATABASE_URL = "postgresql://app:${GATE_TEST_PASSWORD}@db/app", MODE = "ci", PYTHONPATH = "src" }

        [tool.workflows.gate.pytest]
        args = ["-p", "no:randomly", "--token=${GATE_TEST_TOKEN}"]
        working-directory = "svc"
        environment = { MODE = "pytest", COST = "$$5" }

        """

    func repository(_ pyproject: String = GateSettingsTests.projectFile) throws -> URL {
        try FakeRepository("workflows-unit-gates", files: [
            "pyproject.toml": pyproject,
            "Dockerfile": "FROM python:3.11-slim\n",
            "svc/pyproject.toml": "[tool.pytest.ini_options]\naddopts = \"--strict-markers\"\n",
            "svc/app/__init__.py": "",
            "svc/tests/test_app.py": "def test_x():\n    pass\n",
            "requirements-test.txt": "pytest==9.0.3\n",
        ]).root
    }

    static let variables = ["GATE_TEST_PASSWORD": "s3cr3t-pw", "GATE_TEST_TOKEN": "tok-123"]

    @Test func theKeysAreReadWithTheirOriginsAndVariablesExpanded() throws {
        let project = try ProjectLoader.load(root: try repository(), variables: Self.variables)
        #expect(project.environment == [
            "DATABASE_URL": "postgresql://app:s3cr3t-pw@db/app", "MODE": "ci", "PYTHONPATH": "src",
        ])
        let pytest = try #require(project.gateSettings[.pytest])
        #expect(pytest.arguments == ["-p", "no:randomly", "--token=tok-123"])
        #expect(pytest.workingDirectory == "svc")
        #expect(pytest.environment == ["MODE": "pytest", "COST": "$5"], "$$ is a literal $")
        #expect(project.environment(of: .pytest)["MODE"] == "pytest", "the gate's environment over the top-level one")
        #expect(project.origins["environment"] == "pyproject.toml:3")
        #expect(project.origins["gate.pytest.args"] == "pyproject.toml:6")
        #expect(project.origins["gate.pytest.working-directory"] == "pyproject.toml:7")
        #expect(Set(project.secrets) == ["s3cr3t-pw", "postgresql://app:s3cr3t-pw@db/app", "tok-123", "--token=tok-123"])
        #expect(!project.isSecret("ci") && project.isSecret("postgresql://app:s3cr3t-pw@db/app"))
        // The paths are the working directory's: the tests' folder is `tests` there.
        #expect(project.arguments(for: .pytest) == ["-m", "pytest", "svc/tests", "-p", "no:randomly", "--token=tok-123"]
            .map { $0 == "svc/tests" ? "tests" : $0 })
        #expect(Project.path("app", relativeTo: "svc") == "../app")
        #expect(Project.path("svc", relativeTo: "svc") == ".")
    }

    @Test(arguments: [
        ("[tool.workflows]\nenvironment = { A = \"${GATE_TEST_UNSET}\" }\n", "pyproject.toml:2:17: 'tool.workflows.environment.A' uses ${GATE_TEST_UNSET}, but the environment variable GATE_TEST_UNSET is not set"),
        ("[tool.workflows.gate.pytest]\nargs = [\"${GATE_TEST_UNSET}\"]\n", "pyproject.toml:2:1: 'tool.workflows.gate.pytest.args' uses ${GATE_TEST_UNSET}"),
        ("[tool.workflows.gate.pytest]\nworking_directory = \"svc\"\n", "pyproject.toml:2:1: unknown key 'tool.workflows.gate.pytest.working_directory'; did you mean 'working-directory'?"),
        ("[tool.workflows.gate.pytets]\nargs = []\n", "unknown gate 'tool.workflows.gate.pytets'; did you mean 'pytest'?"),
        ("[tool.workflows.gate.pytest]\nargs = \"-x\"\n", "pyproject.toml:2:1: 'tool.workflows.gate.pytest.args' must be an array of strings, not"),
        ("[tool.workflows.gate.pytest]\nworking-directory = \"nowhere\"\n", "pyproject.toml:2:1: 'gate.pytest.working-directory' names 'nowhere', which is not a folder in the repository root"),
        ("[tool.workflows]\nenvironment = { A = \"${GATE\" }\n", "which is not ${NAME}"),
        ("[tool.workflows]\nenvironment = [\"A=1\"]\n", "'tool.workflows.environment' must be a table of strings"),
    ])
    func aWrongKeyIsAUsageErrorAtItsPlace(pyproject: String, message: String) throws {
        let error = try #require(throws: WorkflowsError.self) {
            try ProjectLoader.load(root: try repository(pyproject), variables: Self.variables)
        }
        #expect(error.exitCode == 64)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func inTheImageTheGateRunsInItsFolderWithTheEnvironmentAndSecretsByName() async throws {
        let project = try ProjectLoader.load(root: try repository(), variables: Self.variables)
        let runner = RecordingRunner()
        let console = try CapturedConsole().console
        _ = try await AssessImageCode.runGate(
            .pytest, in: Self.gates, environment: AssessImageCode.environment(imagePythonPath: "/srv/lib"), project: project,
            docker: DockerEngine(executable: "docker", runner: runner, console: console),
            resources: resources(runner), imageWorkingDirectory: "/srv")
        let run = try #require(runner.commands.first { $0.arguments.first == "run" })
        let argv = run.arguments
        #expect(!argv.joined(separator: " ").contains("s3cr3t-pw"), "a secret environment value is never in argv")
        #expect(argv.contains("DATABASE_URL") && run.environment["DATABASE_URL"] == "postgresql://app:s3cr3t-pw@db/app",
                "passed as --env NAME, the value in the CLI's environment")
        #expect(argv.contains("MODE=pytest") && !argv.contains("MODE=ci"), "the gate's value, once")
        #expect(argv.contains("COST=$5"))
        #expect(argv.contains("PYTHONPATH=/tmp/workflows-gates/site-packages:src"), "the tools first, then the project's")
        #expect(argv.filter { $0.hasPrefix("PYTHONPATH=") }.count == 1)
        let workdir = try #require(argv.firstIndex(of: "--workdir"))
        #expect(argv[workdir + 1] == "/srv/svc")
        #expect(Array(argv.drop { $0 != "gates:r" }.prefix(4)) == ["gates:r", "-m", "pytest", "tests"])
        #expect(argv.contains("--no-healthcheck") && argv.contains("XDG_CACHE_HOME=/tmp/workflows-caches/pytest"))
        #expect(AssessImageCode.folder(".", in: "") == "/" && AssessImageCode.folder("svc", in: "") == "/svc")
    }

    @Test func onTheHostTheGateRunsInItsFolderWithTheEnvironment() async throws {
        let root = try repository()
        let runner = RecordingRunner()
        let (status, console) = try await runWorkflows(
            ["assess_tests"], environment: Self.variables, runner: runner, root: root)
        #expect(status == 0, "\(console.all)")
        let run = try #require(runner.commands.first { $0.executable == "python3" })
        #expect(run.workingDirectory == root.appendingPathComponent("svc").path)
        #expect(run.environment["MODE"] == "pytest" && run.environment["DATABASE_URL"] == "postgresql://app:s3cr3t-pw@db/app")
        #expect(run.arguments.prefix(6) == ["-m", "pytest", "tests", "-p", "no:randomly", "--token=tok-123"])
        #expect(console.stdout.contains("==>> python3 -m pytest tests -p no:randomly *** --junitxml="),
                "a value from ${VAR} is hidden whole: \(console.stdout)")
        #expect(!console.all.contains("tok-123") && !console.all.contains("s3cr3t-pw"))
    }

    @Test func showProjectShowsTheSettingsWithTheirOriginsAndHidesTheSecrets() async throws {
        let (status, console) = try await runWorkflows(
            ["show_project"], environment: Self.variables, runner: RecordingRunner(), root: try repository())
        #expect(status == 0, "\(console.all)")
        let lines = console.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("environment DATABASE_URL=***, MODE=ci, PYTHONPATH=src pyproject.toml:3"), "\(console.stdout)")
        #expect(lines.contains("gate.pytest.args -p no:randomly *** pyproject.toml:6") || lines.contains("gate.pytest.args -p no:randomly '***' pyproject.toml:6"), "\(console.stdout)")
        #expect(lines.contains("gate.pytest.working-directory svc pyproject.toml:7"))
        #expect(lines.contains("gate.pytest.environment COST=$5, MODE=pytest pyproject.toml:8"))
        #expect(!console.all.contains("s3cr3t-pw"))
    }

    @Test func theReportsHideTheSecretsInEveryValue() throws {
        let mask = SecretMask()
        mask.add(["s3cr3t \"quoted\"", "tok-123"])
        var report = RunReport(
            runID: "r", commandLine: ["--token", "tok-123"], startedAt: "now", durationSeconds: 1, outcome: .failed, steps: [])
        report.commandLine.append("say s3cr3t \"quoted\" twice: s3cr3t \"quoted\"")
        let masked = report.masked(by: mask)
        let json = String(decoding: try ReportWriter.json(masked), as: UTF8.self)
        #expect(masked.commandLine == ["--token", "***", "say *** twice: ***"])
        #expect(!json.contains("s3cr3t") && !json.contains("tok-123"))
        #expect(json.contains("\"runID\""), "keys stay")
        #expect(JSONStringValues.map(#"{"a": "x\ny", "b": ["tok", 1]}"#) { $0.replacingOccurrences(of: "tok", with: "***") }
            == #"{"a": "x\ny", "b": ["***", 1]}"#)
    }

    /// pytest cuts a long line short (`FAILED … - AssertionError: assert 's3cr%t;v]a...`, captured from the
    /// pytest-cov sample with a failing test on `TOKEN = "${MYTOKEN}"`) and a long repr in its middle: the
    /// part of the secret beside the ellipsis is hidden too.
    @Test func aSecretCutShortByAToolIsHiddenToo() throws {
        let mask = SecretMask()
        mask.add(["s3cr%t;v]al", "abc"])
        #expect(mask.apply("FAILED tests/test_secret.py::test_secret - AssertionError: assert 's3cr%t;v]a...")
            == "FAILED tests/test_secret.py::test_secret - AssertionError: assert '***...")
        #expect(mask.apply("E  assert 's3cr…;v]al' == 'x'") == "E  assert '***…***' == 'x'")
        #expect(mask.apply("s3cr%t;v]al and s3cr...") == "*** and ***...")
        // Fewer than `partMinimum` characters, a short secret, or no ellipsis: left alone.
        #expect(mask.apply("s3c... abc... ab... s3cr%t") == "s3c... ***... ab... s3cr%t")
        #expect(mask.apply("tests/test_core.py ........ [100%]") == "tests/test_core.py ........ [100%]")
        let report = RunReport(
            runID: "r", commandLine: ["assert 's3cr%t;v]a..."], startedAt: "now", durationSeconds: 1, outcome: .failed, steps: [])
        #expect(report.masked(by: mask).commandLine == ["assert '***..."])
    }

    /// A build secret's file of several lines (a netrc, a key) printed a line at a time.
    @Test func aSecretOfSeveralLinesIsHiddenLineByLine() throws {
        let mask = SecretMask()
        mask.add(["[global]\nindex-url = https://u:pw-123456@pypi.example/simple\n}\ntoken-abcdef-987654"])
        #expect(mask.apply("#8 0.21 index-url = https://u:pw-123456@pypi.example/simple") == "#8 0.21 ***")
        #expect(mask.apply("got token-abcdef-987654 twice: token-abcdef-987654") == "got *** twice: ***")
        #expect(mask.apply("[global] and } stay") == "[global] and } stay", "lines shorter than lineMinimum")
        #expect(!mask.values.contains("}"))
        mask.add(["-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"])
        #expect(mask.apply("x MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") == "x ***")
        #expect(mask.apply("-----END PRIVATE KEY-----") == "-----END PRIVATE KEY-----", "a PEM key's armour stays")
    }

    @Test func interpolationExpandsBracedVariablesOnly() throws {
        let variables = ["A": "1", "EMPTY": ""]
        #expect(try Interpolation.expand("x${A}y$$z$A", variables: variables) == Interpolation(value: "x1y$z$A", secrets: ["1", "x1y$z$A"]))
        #expect(try Interpolation.expand("${EMPTY}", variables: variables) == Interpolation(value: "", secrets: []))
        #expect(try Interpolation.expand("$$", variables: [:]) == Interpolation(value: "$", secrets: []))
        #expect(throws: Interpolation.Failure.unset("B")) { try Interpolation.expand("${B}", variables: variables) }
        #expect(throws: Interpolation.Failure.malformed("${1A}")) { try Interpolation.expand("${1A}", variables: variables) }
    }
}
