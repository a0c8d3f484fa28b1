import Foundation
import Testing

@testable import WorkflowsKit

/// Everything the integration tests share: the built `workflows` binary, the real engine, the loopback
/// registries that scripts/provision.sh starts, and throwaway copies of the embedded app.
enum Harness {
    /// The repository this test file belongs to.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Set only where no engine can be had; CI never sets it, and the tests then show as skipped, never passed.
    static let engineTestsEnabled = ProcessInfo.processInfo.environment["WORKFLOWS_SKIP_ENGINE_TESTS"] != "1"

    static let plainRegistry = ProcessInfo.processInfo.environment["WORKFLOWS_TEST_REGISTRY"] ?? "127.0.0.1:45000"
    static let authRegistry = ProcessInfo.processInfo.environment["WORKFLOWS_TEST_AUTH_REGISTRY"] ?? "127.0.0.1:45001"
    /// The account scripts/provision.sh puts in the auth registry's htpasswd file.
    static let registryUser = "workflows"
    static let registryPassword = "workflows-test-password"

    static let runner = FoundationProcessRunner()

    static func binary() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].compactMap { $0?.appendingPathComponent("workflows") }
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "the workflows binary was not built next to the tests (looked at \(candidates.map(\.path)))")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + "\n" + stderr }
    }

    /// Runs the built binary in `folder`, with NO_COLOR so that the output can be matched.
    static func workflows(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) async throws -> Run {
        let output = try await runner.run(
            Command(try binary().path, arguments, environment: ["NO_COLOR": "1"].merging(environment) { $1 },
                    workingDirectory: folder.path))
        guard case .exited(let status) = output.termination else {
            Issue.record("workflows ended by \(output.termination)")
            return Run(status: -1, stdout: "", stderr: "")
        }
        return Run(
            status: status, stdout: String(decoding: output.standardOutput, as: UTF8.self),
            stderr: String(decoding: output.standardError, as: UTF8.self))
    }

    /// The binary running in the background, to be signalled mid-step.
    final class BackgroundRun {
        private let process = Process()
        private let output = Pipe()

        init(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws {
            process.executableURL = try Harness.binary()
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
                .merging(environment) { $1 }
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        /// Polls `condition` every 0.1 s for up to 30 s.
        func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
            for _ in 0..<300 {
                if try await condition() { return }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            Issue.record("timed out waiting until \(what)")
            throw CancellationError()
        }

        /// Sends `signal` and returns at once.
        func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Sends `signal`, then reads everything the run printed; how it ended (by a signal, after one).
        func signal(_ signal: Int32) -> (termination: Termination, log: String) {
            send(signal)
            let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let termination: Termination =
                process.terminationReason == .uncaughtSignal
                ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
            return (termination, log)
        }
    }

    /// Runs a helper command and requires it to succeed; returns its trimmed stdout.
    @discardableResult
    static func sh(_ executable: String, _ arguments: [String], in folder: URL? = nil, input: Data? = nil) async throws -> String {
        let output = try await runner.run(
            Command(executable, arguments, workingDirectory: folder?.path, standardInput: input))
        try #require(output.succeeded, "\(executable) \(arguments.joined(separator: " ")) failed: \(output.errorText)")
        return output.outputText
    }

    @discardableResult
    static func docker(_ arguments: String...) async throws -> String { try await sh("docker", arguments) }

    /// Fails the test, saying how to get one, when no engine answers.
    static func requireEngine() async throws {
        let answer = try await runner.run(Command("docker", ["info", "--format", "{{.ServerVersion}}"]))
        try #require(
            answer.succeeded,
            "No Docker engine answers (\(answer.errorText)). Start one with scripts/provision.sh; only where that is impossible set WORKFLOWS_SKIP_ENGINE_TESTS=1, which CI never does.")
    }

    static func requireRegistry(_ address: String) async throws {
        let answer = try await runner.run(Command("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(address)/v2/"]))
        try #require(
            ["200", "401"].contains(answer.outputText),
            Comment(rawValue: "No registry answers on \(address). Start the test registries with scripts/provision.sh."))
    }

    /// The containers that carry any workflows run label: after a run, there must be none of it.
    static func leftoverContainers() async throws -> [String] {
        try await docker("ps", "--all", "--quiet", "--filter", "label=workflows.run")
            .split(separator: "\n").map(String.init)
    }

    /// The run ID a run's echoed commands carry (`--label workflows.run=ID`), nil when it created nothing.
    static func runID(of run: Run) -> String? {
        guard let range = run.stdout.range(of: "workflows\\.run=[a-z0-9]+", options: .regularExpression) else { return nil }
        return String(run.stdout[range].dropFirst("workflows.run=".count))
    }

    /// The containers and images (intermediate ones too) that carry the label of `run`: there must be none.
    /// Scoped to the run, so that another run on a shared engine cannot make a test fail.
    static func leftovers(of run: Run) async throws -> [String] {
        guard let id = runID(of: run) else { return [] }
        let containers = try await docker("ps", "--all", "--quiet", "--filter", "label=workflows.run=\(id)")
        let images = try await docker("image", "ls", "--all", "--quiet", "--filter", "label=workflows.run=\(id)")
        return (containers + "\n" + images).split(separator: "\n").map(String.init)
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A git repository holding a copy of the embedded app, its Dockerfile and its gate configuration.
    static func appCopy() async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("workflows-it-app"))
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        for item in [".workflows.toml", "Dockerfile", ".dockerignore", "requirements-test.txt", ".flake8", ".isort.cfg", "app"] {
            try fileManager.copyItem(
                at: repositoryRoot.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        try await sh("git", ["init", "--quiet", "--initial-branch=main"], in: folder)
        try await sh("git", ["add", "."], in: folder)
        try await commit("The embedded app", in: folder)
        return folder
    }

    static func commit(_ message: String, in folder: URL) async throws {
        try await sh(
            "git", ["-c", "user.name=Integration Test", "-c", "user.email=it@example.invalid", "commit", "--quiet",
                    "--allow-empty", "-m", message], in: folder)
    }

    /// A folder with a Dockerfile of a few lines on the base image, built as `tag`.
    static func tinyImage(_ tag: String, dockerfile: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("workflows-it-tiny"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(("FROM python:3.11-slim\n" + dockerfile).utf8).write(to: folder.appendingPathComponent("Dockerfile"))
        try await sh("docker", ["build", "--quiet", "--tag", tag, folder.path])
    }

    static func removeImage(_ image: String) async {
        _ = try? await runner.run(Command("docker", ["image", "rm", "--force", image]))
    }

    /// `GET /v2/<name>/tags/list` on a loopback registry: the tags it holds, [] when the repository is unknown.
    static func registryTags(_ repository: String, credentials: String? = nil) async throws -> [String] {
        let (address, name) = split(repository)
        var arguments = ["-s", "http://\(address)/v2/\(name)/tags/list"]
        if let credentials { arguments = ["-u", credentials] + arguments }
        let body = try await sh("curl", arguments)
        struct Listing: Decodable { var tags: [String]? }
        return (try? JSONDecoder().decode(Listing.self, from: Data(body.utf8)))?.tags ?? []
    }

    /// The image ID that the registry's manifest for `tag` names as its config: the local image ID if the
    /// push carried exactly that image.
    static func registryConfigDigest(_ repository: String, tag: String, credentials: String? = nil) async throws -> String {
        let (address, name) = split(repository)
        var arguments = [
            "-s", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
            "http://\(address)/v2/\(name)/manifests/\(tag)",
        ]
        if let credentials { arguments = ["-u", credentials] + arguments }
        let body = try await sh("curl", arguments)
        struct Manifest: Decodable {
            struct Config: Decodable { var digest: String }
            var config: Config
        }
        return try JSONDecoder().decode(Manifest.self, from: Data(body.utf8)).config.digest
    }

    private static func split(_ repository: String) -> (String, String) {
        let slash = repository.firstIndex(of: "/") ?? repository.endIndex
        return (String(repository[..<slash]), String(repository[repository.index(after: slash)...]))
    }
}
