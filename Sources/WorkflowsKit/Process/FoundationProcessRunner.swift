import Foundation

/// The real runner: every child starts through Foundation's `Process`, with the Linux traps avoided.
///
/// - Children are launched from one thread with no signal blocked (`Launcher`), so that they can be
///   signalled, and each is then supervised by a thread of its own with `poll(2)`: stdout and stderr
///   are drained while it runs (a full pipe would block it), stdin is written without blocking, and its
///   exit is noticed through a pidfd, not only through Foundation's exit notice, which a grandchild that
///   inherited it can hold off forever (swift-corelibs-foundation #4795, `podman run --detach`); that
///   notice is then released, so Foundation reaps at once (see `ProcessDescriptor`).
/// - Every descriptor it opens it closes: the pipes' ends, the pidfd, its duplicates of the exit notice.
///   A grandchild that keeps stdout or stderr open delays the result by `endOfFileGrace` at most.
/// - The child leaves `children` before it can be reaped, so that no signal reaches a recycled PID.
/// - Task cancellation tears the child down: SIGTERM to its process group, `terminationGrace` seconds,
///   SIGKILL; `run` then throws `CancellationError`. `timeLimit` does the same after that many seconds
///   and throws `ProcessTimedOut`.
/// - Executables are looked up on PATH here, and SIGPIPE is caught (not `SIG_IGN`, which children would
///   inherit) so that a child that closes its stdin early cannot kill us.
struct FoundationProcessRunner: ProcessRunning {
    let baseEnvironment: [String: String]
    let children: ChildProcesses
    /// Longest a command may run before it is stopped; nil for no limit.
    let timeLimit: Double?
    /// Between SIGTERM and SIGKILL when a child is stopped.
    let terminationGrace: Double
    /// The Linux process features it may use (all, unless a test turns some off to run their fallbacks).
    let features: ProcessFeatures
    private let liveStandardOutput: FileHandle
    private let liveStandardError: FileHandle

    init(
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        children: ChildProcesses = ChildProcesses(),
        liveStandardOutput: FileHandle = .standardOutput,
        liveStandardError: FileHandle = .standardError,
        timeLimit: Double? = nil,
        terminationGrace: Double = 2,
        features: ProcessFeatures = .all
    ) {
        SignalTrap.neutralizeSIGPIPE()
        self.baseEnvironment = baseEnvironment
        self.children = children
        self.liveStandardOutput = liveStandardOutput
        self.liveStandardError = liveStandardError
        self.timeLimit = timeLimit
        self.terminationGrace = terminationGrace
        self.features = features
    }

    /// After the child exited, how long a grandchild that inherited its stdout or stderr (a server a test
    /// started, a daemon) may keep them open before the output is taken as complete.
    static let endOfFileGrace: Double = 2
    /// The same when the child was stopped: whatever still holds the pipes is not waited for.
    static let endOfFileGraceWhenStopped: Double = 0.25

    func run(_ command: Command) async throws -> ProcessOutput {
        let execution = Execution(grace: terminationGrace)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<ProcessOutput, Error>, Never>) in
                launch(command, execution) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            execution.cancel()
        }
        return try result.get()
    }

    func runBlocking(_ command: Command) throws -> ProcessOutput {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        launch(command, Execution(grace: terminationGrace)) { result in
            box.value = result
            done.signal()
        }
        done.wait()
        guard let result = box.value else {
            throw ProcessLaunchError.launchFailed(executable: command.executable, reason: "no result was recorded")
        }
        return try result.get()
    }

    /// Starts `command` from the launcher thread, then supervises it on a thread of its own (off Swift
    /// concurrency's few threads, as it blocks); `completion` runs once.
    private func launch(
        _ command: Command, _ execution: Execution,
        completion: @escaping @Sendable (Result<ProcessOutput, Error>) -> Void
    ) {
        Thread.detachNewThread { [self] in
            let started: StartedChild
            do {
                started = try start(command, execution)
            } catch {
                completion(.failure(error))
                return
            }
            if children.add(started.child) {
                execution.attach(started.child)
            } else {
                execution.refuse(started.child)  // cancellation began while it started
            }
            if let timeLimit {
                DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit) { execution.timeOut() }
            }
            let output = supervise(started, command: command, execution: execution)
            let result = execution.result(for: output, executable: command.executable, timeLimit: timeLimit)
            if case .failure(let error) = result, error is CancellationError { command.stoppedOutput?.keep(output) }
            completion(result)
        }
    }

    /// Everything that exists once the child runs; the descriptors belong to the supervising thread.
    private struct StartedChild: @unchecked Sendable {
        var process: Process
        var child: RunningChild
        var notice: ExitNotice
        var descriptor: Int32?
        /// Our duplicate of the child's end of Foundation's exit notice: Foundation cannot reap meanwhile.
        var exitSocket: Int32?
        /// Foundation's end of it, as it was identified at launch.
        var foundationEnd: ProcessDescriptor.OpenSocket?
        /// Our duplicate of Foundation's end, to make Foundation notice the exit whoever holds the rest.
        var noticeSocket: Int32?
        var standardOutput: Int32
        var standardError: Int32
        var standardInput: Int32?
    }

    private func start(_ command: Command, _ execution: Execution) throws -> StartedChild {
        guard !children.isClosed else { throw ProcessLaunchError.cancelled(executable: command.executable) }
        let environment = baseEnvironment.merging(command.environment) { _, override in override }
        let executableURL = try ExecutableLookup.find(command.executable, path: environment["PATH"])

        return try Launcher.shared.perform {
            if execution.isCancelled { throw CancellationError() }
            var opened: [Int32] = []
            func makePipe() throws -> (read: Int32, write: Int32) {
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else {
                    let reason = String(cString: strerror(errno))
                    for descriptor in opened { close(descriptor) }
                    throw ProcessLaunchError.launchFailed(executable: executableURL.path, reason: reason)
                }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                opened += ends
                return (ends[0], ends[1])
            }
            let output = try makePipe()
            let error = try makePipe()
            let input = try command.standardInput.map { _ in try makePipe() }

            let process = Process()
            process.executableURL = executableURL
            process.arguments = command.arguments
            process.environment = environment
            if let directory = command.workingDirectory {
                process.currentDirectoryURL = URL(fileURLWithPath: directory)
            }
            // Handles that do not own their descriptors: closing them is ours to do, exactly once.
            process.standardOutput = FileHandle(fileDescriptor: output.write, closeOnDealloc: false)
            process.standardError = FileHandle(fileDescriptor: error.write, closeOnDealloc: false)
            process.standardInput =
                input.map { FileHandle(fileDescriptor: $0.read, closeOnDealloc: false) } ?? FileHandle.nullDevice
            let notice = ExitNotice()
            process.terminationHandler = { process in
                notice.record(
                    process.terminationReason == .uncaughtSignal
                        ? .signalled(process.terminationStatus) : .exited(process.terminationStatus))
            }
            let socketsBefore = ProcessDescriptor.openSockets()
            do {
                try process.run()
            } catch {
                for descriptor in opened { close(descriptor) }
                throw ProcessLaunchError.launchFailed(executable: executableURL.path, reason: error.localizedDescription)
            }
            // The child has its copies; the parent keeps only its own ends.
            close(output.write)
            close(error.write)
            if let input { close(input.read) }
            for descriptor in [output.read, error.read] + (input.map { [$0.write] } ?? []) {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }

            let pid = process.processIdentifier
            let descriptor = ProcessDescriptor.open(pid, features: features)
            let exitSocket = descriptor.flatMap {
                ProcessDescriptor.takeExitSocket(of: pid, descriptor: $0, features: features)
            }
            let foundationEnd = ProcessDescriptor.newNoticeSocket(since: socketsBefore, excluding: exitSocket)
            // Without the child's end (it exited already, or no pidfd_getfd), Foundation's end lets a daemon's
            // hold be broken.
            let noticeSocket = exitSocket == nil ? foundationEnd.flatMap(ProcessDescriptor.duplicate) : nil
            let child = RunningChild(pid: pid, descriptor: descriptor, reapHeldOff: exitSocket != nil, features: features)
            // Without a pidfd only Foundation's notice tells that the child exited.
            if descriptor == nil { notice.onRecord { child.markExited() } }
            return StartedChild(
                process: process, child: child, notice: notice, descriptor: descriptor, exitSocket: exitSocket,
                foundationEnd: foundationEnd, noticeSocket: noticeSocket, standardOutput: output.read, standardError: error.read, standardInput: input?.write)
        }
    }

    /// Drains and feeds the child until it has exited and its output is complete; closes every descriptor.
    private func supervise(_ started: StartedChild, command: Command, execution: Execution) -> ProcessOutput {
        let live = command.output == .live
        var streams = [
            Stream(descriptor: started.standardOutput, echo: live ? liveStandardOutput : nil),
            Stream(descriptor: started.standardError, echo: live ? liveStandardError : nil),
        ]
        var input = started.standardInput.map { Feed(descriptor: $0, data: command.standardInput ?? Data()) }
        if input?.isDone == true { input?.close() }
        var exitSeen = false
        /// The exit was seen, but the child is kept unreaped until its group is torn down.
        var finished = false
        var ownStatus: Termination?
        var endOfFileDeadline = Date.distantFuture
        var entries: [pollfd] = []

        while true {
            entries.removeAll(keepingCapacity: true)
            for stream in streams where stream.isOpen {
                entries.append(pollfd(fd: stream.descriptor, events: Int16(POLLIN), revents: 0))
            }
            if let feed = input, feed.isOpen {
                entries.append(pollfd(fd: feed.descriptor, events: Int16(POLLOUT), revents: 0))
            }
            let watchesExit = !exitSeen && started.descriptor != nil
            if watchesExit, let descriptor = started.descriptor {
                entries.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            }
            let timeout: Int32
            if exitSeen && !finished {
                timeout = 20  // its group's teardown is awaited
            } else if exitSeen {
                timeout = Int32(max(0, min(endOfFileDeadline.timeIntervalSinceNow * 1000 + 1, 60_000)))
            } else {
                timeout = watchesExit ? -1 : 100  // without a pidfd, the exit is polled
            }
            let count = entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), timeout) }
            if count < 0 && errno != EINTR { usleep(10_000) }

            for entry in entries where entry.revents != 0 {
                if let index = streams.firstIndex(where: { $0.isOpen && $0.descriptor == entry.fd }) {
                    streams[index].readOnce()
                } else if input?.isOpen == true, input?.descriptor == entry.fd {
                    input?.writeOnce()
                } else if entry.fd == started.descriptor {
                    exitSeen = true
                }
            }
            if !exitSeen, started.descriptor == nil {
                // Without a pidfd (Linux < 5.3): Foundation's notice, or the zombie seen without reaping it,
                // which a grandchild holding the notice cannot hide.
                if started.notice.termination != nil {
                    exitSeen = true
                } else if case .exited(let status) = ProcessDescriptor.state(ofChild: started.child.pid) {
                    exitSeen = true
                    ownStatus = status
                }
            }

            if exitSeen && !finished {
                // No signal may go to it from now on; only then may it be reaped. Not before a teardown
                // under way has reached the whole group (see `RunningChild.finishIfTornDown`).
                finished = started.child.finishIfTornDown()
            }
            if finished && endOfFileDeadline == .distantFuture {
                children.remove(started.child)
                if let descriptor = started.descriptor,
                    case .exited(let status) = ProcessDescriptor.state(descriptor, pid: started.child.pid, features: features)
                {
                    ownStatus = status
                }
                // Now Foundation may notice the exit and reap: a grandchild that holds its socket cannot stop it.
                for socket in [started.exitSocket, started.noticeSocket].compactMap({ $0 }) {
                    ProcessDescriptor.release(socket)
                }
                input?.close()
                let grace = execution.stoppedChild ? Self.endOfFileGraceWhenStopped : Self.endOfFileGrace
                endOfFileDeadline = Date().addingTimeInterval(grace)
            }
            if finished && (streams.allSatisfy { !$0.isOpen } || Date() >= endOfFileDeadline) { break }
        }
        for index in streams.indices { streams[index].close() }

        // Foundation reaps the child now (or did): wait for its notice, so that its socket is closed too.
        // It is due at once, unless a grandchild holds it and we could take neither end: our own status
        // then stands, and Foundation reaps when the grandchild lets go.
        let foundationStatus = started.notice.wait(seconds: ownStatus == nil ? 30 : 1)
        if foundationStatus != nil, let socket = started.foundationEnd {
            ProcessDescriptor.waitUntilClosed(socket, seconds: 0.1)
        }
        if let descriptor = started.descriptor { close(descriptor) }
        withExtendedLifetime(started.process) {}
        return ProcessOutput(
            termination: ownStatus ?? foundationStatus ?? .exited(-1),
            standardOutput: streams[0].collected, standardError: streams[1].collected)
    }
}

/// The child's stdout or stderr, read until end-of-file. Output that is echoed live keeps only its last
/// megabyte: `run_app` may run for days. Captured output is capped (`CappedCapture`).
private struct Stream {
    private(set) var descriptor: Int32
    let echo: FileHandle?
    private var capture = CappedCapture()
    private var live = Data()
    private static let keepAtMost = 1 << 20
    private static let chunk = 64 * 1024

    init(descriptor: Int32, echo: FileHandle?) {
        self.descriptor = descriptor
        self.echo = echo
    }

    var isOpen: Bool { descriptor >= 0 }
    var collected: Data { echo == nil ? capture.data : live }

    mutating func readOnce() {
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            let data = Data(buffer[0..<count])
            if let echo {
                live.append(data)
                if live.count > 2 * Self.keepAtMost { live = live.suffix(Self.keepAtMost) }
                try? echo.write(contentsOf: data)
            } else {
                capture.append(data)
            }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            close()
        }
    }

    mutating func close() {
        guard isOpen else { return }
        closeDescriptor(descriptor)
        descriptor = -1
    }
}

/// The child's stdin: written as it accepts it, then closed. A child that exits early ends it (EPIPE).
private struct Feed {
    private(set) var descriptor: Int32
    let data: Data
    private var offset = 0

    init(descriptor: Int32, data: Data) {
        self.descriptor = descriptor
        self.data = data
    }

    var isOpen: Bool { descriptor >= 0 }
    var isDone: Bool { offset >= data.count }

    mutating func writeOnce() {
        let count = data.withUnsafeBytes { bytes in
            write(descriptor, bytes.baseAddress.map { $0 + offset }, min(bytes.count - offset, 64 * 1024))
        }
        if count > 0 {
            offset += count
            if isDone { close() }
        } else if count < 0 && errno != EINTR && errno != EAGAIN {
            close()
        }
    }

    mutating func close() {
        guard isOpen else { return }
        closeDescriptor(descriptor)
        descriptor = -1
    }
}

/// Foundation's `terminationHandler`, as a value to wait for.
private final class ExitNotice: @unchecked Sendable {
    private let condition = NSCondition()
    private var recorded: Termination?
    private var hook: (@Sendable () -> Void)?

    var termination: Termination? { condition.withLock { recorded } }

    func record(_ termination: Termination) {
        let hook = condition.withLock {
            recorded = termination
            condition.broadcast()
            return self.hook
        }
        hook?()
    }

    /// Runs `hook` when the notice comes, or now if it came already.
    func onRecord(_ hook: @escaping @Sendable () -> Void) {
        let now = condition.withLock {
            self.hook = hook
            return recorded != nil
        }
        if now { hook() }
    }

    func wait(seconds: Double) -> Termination? {
        let deadline = Date().addingTimeInterval(seconds)
        return condition.withLock {
            while recorded == nil, condition.wait(until: deadline) {}
            return recorded
        }
    }
}

/// One run as cancellation and the time limit see it: they may come before the child exists.
private final class Execution: @unchecked Sendable {
    private let lock = NSLock()
    private let grace: Double
    private var child: RunningChild?
    private var cancelled = false
    private var timedOut = false
    private var stopped = false
    private var refused = false

    init(grace: Double) { self.grace = grace }

    var isCancelled: Bool { lock.withLock { cancelled } }
    /// True once a teardown found the child running.
    var stoppedChild: Bool { lock.withLock { stopped } }

    func cancel() { stop { $0.cancelled = true } }

    func timeOut() { stop { $0.timedOut = true } }

    func attach(_ child: RunningChild) {
        let stopNow = lock.withLock {
            self.child = child
            return cancelled || timedOut
        }
        if stopNow { tearDown(child) }
    }

    private func stop(_ mark: (Execution) -> Void) {
        let child = lock.withLock {
            mark(self)
            return self.child
        }
        if let child { tearDown(child) }
    }

    /// Started behind a closed gate: killed at once, and reported as not started.
    func refuse(_ child: RunningChild) {
        lock.withLock { refused = true }
        child.signal(SIGKILL)
    }

    private func tearDown(_ child: RunningChild) {
        // Marked before the first signal: the child may be gone, and its result taken, right after it.
        child.tearDown(grace: grace) { lock.withLock { stopped = true } }
    }

    /// A stopped child's output is not the command's result: the caller learns why it was stopped.
    func result(for output: ProcessOutput, executable: String, timeLimit: Double?) -> Result<ProcessOutput, Error> {
        let (cancelled, timedOut, stopped, refused) = lock.withLock {
            (self.cancelled, self.timedOut, self.stopped, self.refused)
        }
        if refused { return .failure(ProcessLaunchError.cancelled(executable: executable)) }
        guard stopped else { return .success(output) }
        if cancelled { return .failure(CancellationError()) }
        if timedOut {
            return .failure(ProcessTimedOut(executable: executable, seconds: timeLimit ?? 0, output: output))
        }
        return .success(output)
    }
}

/// `close(2)`, under a name that methods called `close` do not shadow.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

private final class ResultBox: @unchecked Sendable {
    var value: Result<ProcessOutput, Error>?
}
