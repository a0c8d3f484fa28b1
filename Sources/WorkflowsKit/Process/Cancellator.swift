import Foundation

/// What happens on SIGINT or SIGTERM, after SwiftPM's `Cancellator`: let nothing new start, forward the
/// signal to the running children (and their process groups), give them a moment, kill what is left,
/// run the registered cleanups (remove containers and temporary images) with a runner of their own, and
/// exit with 128 + the signal's number. A second signal exits at once.
public final class Cancellator: @unchecked Sendable {
    /// A cleanup gets the runner it must use: the main one refuses to start anything once cancelling.
    public typealias Cleanup = @Sendable (any ProcessRunning) -> Void

    private let lock = NSLock()
    private var cleanups: [(token: Int, action: Cleanup)] = []
    private var nextToken = 0
    private var signalled: Int32?
    private let children: ChildProcesses
    private let cleanupRunner: any ProcessRunning
    private let gracePeriod: Double
    private let announce: @Sendable (Int32) -> Void
    private let terminate: @Sendable (Int32) -> Never

    public init(
        children: ChildProcesses,
        cleanupRunner: any ProcessRunning,
        gracePeriod: Double = 3,
        announce: @escaping @Sendable (Int32) -> Void = { _ in },
        terminate: @escaping @Sendable (Int32) -> Never = { exitProcess($0) }
    ) {
        self.children = children
        self.cleanupRunner = cleanupRunner
        self.gracePeriod = gracePeriod
        self.announce = announce
        self.terminate = terminate
    }

    /// Takes SIGINT and SIGTERM away from their default action; call once, early.
    public func installSignalHandlers() {
        SignalTrap.trap([SIGINT, SIGTERM]) { [weak self] number in self?.received(signal: number) }
    }

    /// The signal that started cancellation, if one did.
    public var cancellingSignal: Int32? { lock.withLock { signalled } }

    @discardableResult
    public func register(_ cleanup: @escaping Cleanup) -> Int {
        lock.withLock {
            nextToken += 1
            cleanups.append((nextToken, cleanup))
            return nextToken
        }
    }

    public func unregister(_ token: Int) {
        lock.withLock { cleanups.removeAll { $0.token == token } }
    }

    /// On the signal thread: the first signal starts cancelling elsewhere, so that a second one is heard.
    private func received(signal number: Int32) {
        if lock.withLock({ signalled != nil }) { terminate(ExitCode.signal(number)) }
        DispatchQueue.global().async { self.cancel(signal: number) }
    }

    public func cancel(signal number: Int32) {
        let pending: [Cleanup]? = lock.withLock {
            guard signalled == nil else { return nil }
            signalled = number
            return cleanups.reversed().map(\.action)
        }
        guard let pending else { return }
        announce(number)
        children.close()
        children.signalAll(number)
        if !children.waitUntilNoneRun(seconds: gracePeriod) {
            children.signalAll(SIGKILL)
            _ = children.waitUntilNoneRun(seconds: 2)
        }
        for cleanup in pending { cleanup(cleanupRunner) }
        terminate(ExitCode.signal(number))
    }

    /// The main flow calls this before it exits: while a signal's cleanup runs, the signal decides the exit.
    public func waitIfCancelling() {
        guard cancellingSignal != nil else { return }
        while true { sleep(60) }
    }
}

/// `exit` under a name that does not clash with Swift's `exit` of the executable's main.
public func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
