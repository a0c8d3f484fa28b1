import Foundation

/// The real runner, on Foundation's `Process`, with the Linux traps avoided:
/// stdout and stderr are drained on their own threads while the child runs (a full pipe would block it),
/// the exit is awaited through `terminationHandler` (never `waitUntilExit` on a concurrency thread),
/// executables are looked up on PATH here, and SIGPIPE is caught (not `SIG_IGN`, which children would
/// inherit) so that a child that closes its stdin early cannot kill us.
public struct FoundationProcessRunner: ProcessRunning {
    public let baseEnvironment: [String: String]
    public let children: ChildProcesses
    private let liveStandardOutput: FileHandle
    private let liveStandardError: FileHandle

    public init(
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        children: ChildProcesses = ChildProcesses(),
        liveStandardOutput: FileHandle = .standardOutput,
        liveStandardError: FileHandle = .standardError
    ) {
        SignalTrap.neutralizeSIGPIPE()
        self.baseEnvironment = baseEnvironment
        self.children = children
        self.liveStandardOutput = liveStandardOutput
        self.liveStandardError = liveStandardError
    }

    public func run(_ command: Command) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            Self.onThreadWithNoSignalBlocked {
                do {
                    try start(command) { continuation.resume(returning: $0) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    public func runBlocking(_ command: Command) throws -> ProcessOutput {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Self.onThreadWithNoSignalBlocked {
            do {
                try start(command) { output in
                    result.value = .success(output)
                    done.signal()
                }
            } catch {
                result.value = .failure(error)
                done.signal()
            }
        }
        done.wait()
        guard let value = result.value else {
            throw ProcessLaunchError.launchFailed(executable: command.executable, reason: "no result was recorded")
        }
        return try value.get()
    }

    /// Starts the child; `completion` runs once it has exited and both of its streams reached end-of-file.
    private func start(_ command: Command, completion: @escaping @Sendable (ProcessOutput) -> Void) throws {
        guard !children.isClosed else { throw ProcessLaunchError.cancelled(executable: command.executable) }
        let environment = baseEnvironment.merging(command.environment) { _, override in override }
        let executableURL = try ExecutableLookup.find(command.executable, path: environment["PATH"])

        let process = Process()
        process.executableURL = executableURL
        process.arguments = command.arguments
        process.environment = environment
        if let directory = command.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let inputPipe = command.standardInput.map { _ in Pipe() }
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = inputPipe ?? FileHandle.nullDevice

        let live = command.output == .live
        let stdoutDrain = StreamDrain(echo: live ? liveStandardOutput : nil)
        let stderrDrain = StreamDrain(echo: live ? liveStandardError : nil)
        let exited = DispatchGroup()
        let drained = DispatchGroup()
        exited.enter()
        process.terminationHandler = { [children] process in
            children.remove(process.processIdentifier)
            exited.leave()
        }
        do {
            try process.run()
        } catch {
            throw ProcessLaunchError.launchFailed(executable: executableURL.path, reason: error.localizedDescription)
        }
        let pid = process.processIdentifier
        if !children.add(pid) { ChildProcesses.signal(pid, SIGKILL) }

        for (drain, pipe) in [(stdoutDrain, outputPipe), (stderrDrain, errorPipe)] {
            drained.enter()
            Thread.detachNewThread {
                drain.readToEnd(pipe.fileHandleForReading.fileDescriptor)
                drained.leave()
            }
        }
        if let inputPipe, let input = command.standardInput {
            Thread.detachNewThread {
                let handle = inputPipe.fileHandleForWriting
                try? handle.write(contentsOf: input)
                try? handle.close()
            }
        }
        let once = Once()
        let finish: @Sendable () -> Void = {
            guard once.first() else { return }
            let termination: Termination =
                process.terminationReason == .uncaughtSignal
                ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
            completion(
                ProcessOutput(
                    termination: termination,
                    standardOutput: stdoutDrain.collected,
                    standardError: stderrDrain.collected
                )
            )
        }
        // Output is complete at end-of-file, which a grandchild that inherited the pipe (a server a test
        // started, a daemonised plugin) can hold off forever: after the exit, wait for it only a little.
        exited.notify(queue: .global()) {
            drained.notify(queue: .global(), execute: finish)
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.endOfFileGrace, execute: finish)
        }
    }

    static let endOfFileGrace: Double = 2

    /// The child inherits the launching thread's signal mask, and Dispatch's and Swift concurrency's
    /// threads block nearly every signal: a child launched from one would never see the SIGINT or SIGTERM
    /// we forward. So children are launched from a fresh thread with nothing blocked, which also keeps the
    /// launch off the concurrency threads.
    private static func onThreadWithNoSignalBlocked(_ work: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            var nothing = sigset_t()
            sigemptyset(&nothing)
            pthread_sigmask(SIG_SETMASK, &nothing, nil)
            work()
        }
    }
}

/// Reads one pipe to end-of-file with plain `read(2)` (not `readabilityHandler`, which can miss EOF on Linux).
/// Output that is echoed live keeps only its last megabyte: `run_app` may run for days.
private final class StreamDrain: @unchecked Sendable {
    private let echo: FileHandle?
    private let lock = NSLock()
    private var data = Data()
    private let keepAtMost = 1 << 20

    init(echo: FileHandle?) { self.echo = echo }

    var collected: Data { lock.withLock { data } }

    func readToEnd(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                let chunk = Data(buffer[0..<count])
                lock.withLock {
                    data.append(chunk)
                    if echo != nil, data.count > 2 * keepAtMost { data = data.suffix(keepAtMost) }
                }
                if let echo { try? echo.write(contentsOf: chunk) }
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: Result<ProcessOutput, Error>?
}

/// True the first time only.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func first() -> Bool {
        lock.withLock {
            defer { done = true }
            return !done
        }
    }
}
