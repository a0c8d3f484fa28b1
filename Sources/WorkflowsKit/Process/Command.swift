import Foundation

/// One external program to run: never through a shell, always as an argument vector.
struct Command: Sendable, Equatable {
    enum Output: Sendable, Equatable {
        /// The child's output streams to ours as it comes, and is kept for the caller.
        case live
        /// The child's output is only kept for the caller.
        case captured
    }

    var executable: String
    var arguments: [String]
    /// Added to, or overriding, the runner's base environment; nothing else changes it.
    var environment: [String: String]
    var workingDirectory: String?
    /// Written to the child's stdin, which is then closed; without it the child reads /dev/null.
    var standardInput: Data?
    var output: Output
    /// Where the runner leaves the output of a child that cancellation stopped (`run` throws then).
    var stoppedOutput: StoppedOutput?

    init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        standardInput: Data? = nil,
        output: Output = .captured,
        stoppedOutput: StoppedOutput? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.output = output
        self.stoppedOutput = stoppedOutput
    }

    var argv: [String] { [executable] + arguments }
}

enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
}

/// What a child did. A non-zero exit is a result to look at, not an error.
struct ProcessOutput: Sendable, Equatable {
    var termination: Termination
    var standardOutput: Data
    var standardError: Data

    init(termination: Termination, standardOutput: Data = Data(), standardError: Data = Data()) {
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    var succeeded: Bool { termination == .exited(0) }
    var outputText: String { Self.text(standardOutput) }
    var errorText: String { Self.text(standardError) }

    private static func text(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs external programs. The real one is `FoundationProcessRunner`; tests inject a recording fake.
protocol ProcessRunning: Sendable {
    /// Throws when the program cannot be started at all (`ProcessLaunchError`), and `CancellationError`
    /// when the task was cancelled while it ran: the child has then been stopped (SIGTERM to its process
    /// group, a grace period, SIGKILL) and is gone.
    func run(_ command: Command) async throws -> ProcessOutput
    /// For cleanups, which run outside Swift concurrency: task cancellation does not reach it.
    func runBlocking(_ command: Command) throws -> ProcessOutput
    /// For a cleanup that must run whatever happened before it (a registry logout removes a credential):
    /// the cleanups' runner runs it even after it gave up on its program, with a time limit of its own.
    func runEssential(_ command: Command) throws -> ProcessOutput
}

extension ProcessRunning {
    func runEssential(_ command: Command) throws -> ProcessOutput { try runBlocking(command) }
}

enum ProcessLaunchError: Error, Equatable, CustomStringConvertible {
    case notFound(executable: String, searchPath: String)
    case notExecutable(path: String)
    case launchFailed(executable: String, reason: String)
    /// Cancellation (SIGINT/SIGTERM) has begun: nothing new starts.
    case cancelled(executable: String)

    var description: String {
        switch self {
        case .notFound(let executable, let searchPath):
            return "'\(executable)' was not found on PATH (\(searchPath.isEmpty ? "PATH is empty" : searchPath))."
        case .notExecutable(let path):
            return "'\(path)' exists but is not an executable file."
        case .launchFailed(let executable, let reason):
            return "'\(executable)' could not be started: \(reason)."
        case .cancelled(let executable):
            return "'\(executable)' was not started: workflows is being interrupted."
        }
    }
}

/// A runner with a time limit stopped the command (SIGTERM, a grace period, SIGKILL): what it wrote so far.
struct ProcessTimedOut: Error, Equatable, CustomStringConvertible {
    var executable: String
    var seconds: Double
    var output: ProcessOutput

    init(executable: String, seconds: Double, output: ProcessOutput) {
        self.executable = executable
        self.seconds = seconds
        self.output = output
    }

    var description: String {
        "'\(executable)' did not finish within \(Int(seconds.rounded())) s and was stopped."
    }
}
