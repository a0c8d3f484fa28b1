import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// A repository shaped as this one's embedded app: this repository's own `.workflows.toml`, with
/// placeholder files where the steps only need them to exist.
enum NumbersAPIShape {
    static let projectFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".workflows.toml")

    static func make(_ extra: [String: String] = [:]) throws -> URL {
        let files: [String: String] = [
            ".workflows.toml": try String(contentsOf: projectFile, encoding: .utf8),
            "Dockerfile": "FROM python:3.11-slim\n",
            "requirements-test.txt": "black==1\nisort==1\nflake8==1\nmypy==1\npytest==1\n",
            ".flake8": "[flake8]\n",
            ".isort.cfg": "[settings]\n",
            "app/pyproject.toml": "[tool.black]\n",
            "app/thenumbers/__init__.py": "",
            "app/tests/test_x.py": "x",
        ]
        return try FakeRepository("workflows-unit-repo", files: files.merging(extra) { $1 }).root
    }
}

extension Project {
    /// The embedded app's project, as the loader resolves it.
    static let numbersAPI: Project = try! ProjectLoader.load(root: NumbersAPIShape.make())
}

/// A recording fake runner: every command is kept, and each answer comes from the script given to it.
final class RecordingRunner: ProcessRunning, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Command] = []
    private let answer: @Sendable (Command) -> ProcessOutput

    init(_ answer: @escaping @Sendable (Command) -> ProcessOutput = { _ in .ok() }) {
        self.answer = answer
    }

    var commands: [Command] { lock.withLock { recorded } }

    /// Forgets what was recorded.
    func reset() { lock.withLock { recorded = [] } }

    /// The argument vectors of the commands run with `executable`.
    func argvs(_ executable: String = "docker") -> [[String]] {
        commands.filter { $0.executable == executable }.map(\.arguments)
    }

    func run(_ command: Command) async throws -> ProcessOutput { try runBlocking(command) }

    func runBlocking(_ command: Command) throws -> ProcessOutput {
        lock.withLock { recorded.append(command) }
        return answer(command)
    }
}

extension ProcessOutput {
    static func ok(_ stdout: String = "") -> ProcessOutput {
        ProcessOutput(termination: .exited(0), standardOutput: Data(stdout.utf8))
    }

    static func fail(_ code: Int32 = 1, stderr: String = "") -> ProcessOutput {
        ProcessOutput(termination: .exited(code), standardError: Data(stderr.utf8))
    }
}

/// A console whose stdout and stderr go to files, to be read back.
final class CapturedConsole: @unchecked Sendable {
    let folder: URL
    let console: Console
    private let out: FileHandle
    private let err: FileHandle

    init(environment: [String: String] = [:]) throws {
        folder = try TemporaryFolder.make()
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        out = try FileHandle(forWritingTo: outURL)
        err = try FileHandle(forWritingTo: errURL)
        console = Console(environment: environment, standardOutput: out, standardError: err)
    }

    var stdout: String { (try? String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }
    var all: String { stdout + stderr }
}

enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs `workflows ARGS` in-process against the fake runner.
func runWorkflows(
    _ arguments: [String], environment: [String: String] = [:], runner: RecordingRunner, root: URL? = nil
) async throws -> (status: Int32, console: CapturedConsole) {
    let console = try CapturedConsole()
    let folder = try root ?? NumbersAPIShape.make()
    let status = await Workflows.run(
        arguments: arguments, environment: environment, runner: runner, console: console.console,
        cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), currentFolder: folder,
        runID: "testrun")
    return (status, console)
}

extension RunResources {
    /// Resources whose cleanups run `docker` commands through `runner` (`DockerEngine`'s cleanups).
    init(runID: String, cancellator: Cancellator, runner: any ProcessRunning, dockerExecutable: String) {
        self.init(
            runID: runID, cancellator: cancellator, runner: runner,
            engine: DockerEngine(executable: dockerExecutable, runner: runner, console: Console(environment: [:])))
    }
}

extension RecordingRunner {
    /// The answer this runner gives (recorded like any other), or a failure when it throws.
    func runBlockingAnswer(_ command: Command) -> ProcessOutput {
        (try? runBlocking(command)) ?? .fail()
    }
}
