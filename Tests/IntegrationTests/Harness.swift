import Foundation
import Testing

@testable import WorkflowsKit

/// Everything the integration tests share: the built `workflows` binary, the real engine, the loopback
/// registries that scripts/provision.sh starts, and throwaway copies of the embedded app.
enum Harness {
    /// The repository this test file belongs to.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()


    static let plainRegistry = ProcessInfo.processInfo.environment["WORKFLOWS_TEST_REGISTRY"] ?? "127.0.0.1:45000"
    static let authRegistry = ProcessInfo.processInfo.environment["WORKFLOWS_TEST_AUTH_REGISTRY"] ?? "127.0.0.1:45001"
    /// The account scripts/provision.sh puts in the auth registry's htpasswd file.
    static let registryUser = "workflows"
    static let registryPassword = "workflows-test-password"

    /// The environment of everything the tests start: this process's, without the CI's own variables
    /// (`GITHUB_*`, `RUNNER_*`), so that a run on GitHub's runner behaves as one here (no `::group::`, no
    /// step summary, no ref from `GITHUB_REF_NAME`). A test about them sets them on its run.
    static let environment = ProcessInfo.processInfo.environment.filter { name, _ in
        !name.hasPrefix("GITHUB_") && !name.hasPrefix("RUNNER_")
    }

    static let runner = FoundationProcessRunner(baseEnvironment: environment)

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

    /// Runs the built binary (or `binary`) in `folder`, with NO_COLOR so that the output can be matched.
    static func workflows(
        _ arguments: [String], in folder: URL, environment: [String: String] = [:], binary: URL? = nil
    ) async throws -> Run {
        let output = try await runner.run(
            Command(try (binary ?? Self.binary()).path, arguments, environment: ["NO_COLOR": "1"].merging(environment) { $1 },
                    workingDirectory: folder.path))
        guard case .exited(let status) = output.termination else {
            Issue.record("workflows ended by \(output.termination)")
            return Run(status: -1, stdout: "", stderr: "")
        }
        return Run(
            status: status, stdout: String(decoding: output.standardOutput, as: UTF8.self),
            stderr: String(decoding: output.standardError, as: UTF8.self))
    }

    /// The binary running in the background, to be signalled mid-step. Its output (both streams, one pipe)
    /// is read as it comes, so that a test can wait for a line; the moment it exits is recorded.
    final class BackgroundRun: @unchecked Sendable {
        private let process = Process()
        private let output = Pipe()
        private let record = Record()

        /// What a run printed and when it ended; filled by a reading thread and the termination handler.
        private final class Record: @unchecked Sendable {
            let condition = NSCondition()
            var data = Data()
            var endOfFile = false
            var exitedAt: Date?
        }

        /// How a run ended after `stop`: nil termination when it had not exited within the limit (it is
        /// then killed); `endOfFile` false when something it left running still held its output pipe.
        struct Ending {
            var termination: Termination?
            var log: String
            /// From the signal to the exit.
            var seconds: Double
            var endOfFile: Bool
        }

        init(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws {
            process.executableURL = try Harness.binary()
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.environment = Harness.environment.merging(["NO_COLOR": "1"]) { $1 }
                .merging(environment) { $1 }
            process.standardOutput = output
            process.standardError = output
            let record = self.record
            process.terminationHandler = { _ in
                record.condition.withLock {
                    record.exitedAt = Date()
                    record.condition.broadcast()
                }
            }
            // On the runner's launcher thread, like every launch of the process: a launch beside another would
            // give its child the other's exit-notice socket, and hold that child's exit for its own lifetime.
            try Launcher.shared.perform { [process] in try process.run() }
            // A descriptor of the thread's own (no child inherits it): the pipe's handle closes with this
            // object, the thread's not.
            let descriptor = fcntl(output.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 3)
            Thread.detachNewThread {
                defer { close(descriptor) }
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    record.condition.withLock {
                        if count > 0 { record.data.append(contentsOf: buffer[0..<count]) } else { record.endOfFile = true }
                        record.condition.broadcast()
                    }
                    if count <= 0 { return }
                }
            }
        }

        var pid: Int32 { process.processIdentifier }

        /// Everything it printed so far.
        var printed: String { record.condition.withLock { String(decoding: record.data, as: UTF8.self) } }

        var hasExited: Bool { record.condition.withLock { record.exitedAt != nil } }

        /// Polls `condition` every 0.1 s for up to `seconds` (30 by default).
        func waitUntil(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try await condition() { return }
                if hasExited {
                    Issue.record("the run ended before \(what):\n\(printed)")
                    throw CancellationError()
                }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            Issue.record("timed out waiting until \(what):\n\(printed)")
            throw CancellationError()
        }

        /// Sends `signal` and returns at once.
        func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Sends `signal` (nil: none, the run ends by itself), then waits up to `limit` seconds for the exit
        /// and the end of its output. A run still there at the limit is killed, and reported as not ended.
        func stop(_ signal: Int32?, limit: Double) -> Ending {
            let start = Date()
            if let signal { send(signal) }
            let deadline = start.addingTimeInterval(limit)
            let exitedAt: Date? = record.condition.withLock {
                while record.exitedAt == nil, record.condition.wait(until: deadline) {}
                return record.exitedAt
            }
            if exitedAt == nil { kill(process.processIdentifier, SIGKILL) }
            // What it left running may hold the pipe: a short grace, not the whole limit.
            let eofDeadline = Date().addingTimeInterval(exitedAt == nil ? 5 : 3)
            let (endOfFile, data) = record.condition.withLock {
                while !record.endOfFile, record.condition.wait(until: eofDeadline) {}
                return (record.endOfFile, record.data)
            }
            if exitedAt == nil { process.waitUntilExit() }
            let termination: Termination? =
                exitedAt == nil ? nil
                : process.terminationReason == .uncaughtSignal
                    ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
            return Ending(
                termination: termination, log: String(decoding: data, as: UTF8.self),
                seconds: (exitedAt ?? Date()).timeIntervalSince(start), endOfFile: endOfFile)
        }

        /// Sends `signal`, then reads everything the run printed; how it ended (by a signal, after one).
        func signal(_ signal: Int32) -> (termination: Termination, log: String) {
            let ending = stop(signal, limit: 600)
            return (ending.termination ?? .signalled(SIGKILL), ending.log)
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
    static func docker(_ arguments: [String]) async throws -> String { try await sh("docker", arguments) }

    /// Fails the test, saying how to get one, when no engine answers.
    static func requireEngine() async throws {
        let answer = try await runner.run(Command("docker", ["info", "--format", "{{.ServerVersion}}"]))
        try #require(
            answer.succeeded,
            "No Docker engine answers (\(answer.errorText)). Start one with scripts/provision.sh.")
    }

    static func requireRegistry(_ address: String) async throws {
        let answer = try await runner.run(Command("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(address)/v2/"]))
        try #require(
            ["200", "401"].contains(answer.outputText),
            Comment(rawValue: "No registry answers on \(address). Start the test registries with scripts/provision.sh."))
    }

    /// The containers that carry any workflows run label: after a run, there must be none of it.
    static func leftoverContainers() async throws -> [String] {
        let lines = try await docker(
            "ps", "--all", "--format", "{{.ID}} {{.Label \"workflows.owner\"}}", "--filter", "label=workflows.run")
        return lines.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            let pid = fields.last?.split(separator: "/").last.flatMap { Int32($0) }
            // A live run is no leftover: another test process (scripts/test.sh runs two) may own it.
            if let pid, longRuns.contains(pid) || kill(pid, 0) == 0 { return nil }
            return fields.first.map(String.init)
        }
    }


    /// The processes of runs meant to outlive other tests (the ten-minute health wait): the checks for
    /// leftovers anywhere on the engine skip what they own (by their `workflows.owner` label).
    static let longRuns = ProcessSet()

    final class ProcessSet: @unchecked Sendable {
        private let lock = NSLock()
        private var pids: Set<Int32> = []
        func insert(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
        func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }
        func contains(_ pid: Int32) -> Bool { lock.withLock { pids.contains(pid) } }
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
        var found: [String] = []
        // The run's own label, and those of the steps beside it (health), of the wheels' download and of
        // the services (their containers and networks).
        for label in [id, "\(id)-health", "\(id)-wheels", "\(id)-services"].map({ "label=workflows.run=\($0)" }) {
            for list in [
                ["ps", "--all", "--quiet"], ["image", "ls", "--all", "--quiet"], ["volume", "ls", "--quiet"],
                ["network", "ls", "--quiet"],
            ] {
                found += try await docker(list + ["--filter", label]).split(separator: "\n").map(String.init)
            }
        }
        // The gate tools' install of this run, unless it is sealed (the cache that outlives the run).
        let installs = try await docker("volume", "ls", "--quiet", "--filter", "label=workflows.cache.installer=\(id)")
        for install in installs.split(separator: "\n").map(String.init) {
            let seals = try await docker("volume", "ls", "--quiet", "--filter", "label=workflows.cache.tools=\(install)")
            if seals.isEmpty { found.append(install) }
        }
        return found
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
