import Foundation

/// What happens on SIGINT or SIGTERM, after SwiftPM's `Cancellator` and swift-subprocess's teardown:
///
/// 1. The first signal closes the gate (the main runner starts nothing new) and cancels the root task
///    (`runRoot`). Cancellation reaches every running child through its `run`, which stops it: SIGTERM to
///    its process group, a grace period, SIGKILL.
/// 2. The steps unwind, and each `withCleanup` scope runs its cleanup on the way out, with the cleanup
///    runner: a runner the signal does not stop, whose commands have a time limit of their own.
/// 3. `runRoot` runs whatever cleanup is still registered and returns 128 + the signal's number;
///    `exitProcess` then ends the process by that signal.
///
/// A cleanup stays registered until it has finished, so a signal that comes while it runs loses nothing:
/// it runs on, and nothing runs it twice. A second signal ends the process at once. If the root task has
/// not ended `unwindLimit` seconds after the signal (something that does not heed cancellation), the
/// remaining children are killed, the last words are said (the reports are written, see `lastWords`), the
/// remaining cleanups run, and the process ends by the signal. The unwind limit exceeds every cleanup's
/// limits added up (`CleanupLimits.unwind`), so it never cuts a cleanup short that is within its own.
final class Cancellator: @unchecked Sendable {
    /// A cleanup gets the runner it must use: the cleanup runner, not the one the signal stops.
    typealias Cleanup = @Sendable (any ProcessRunning) -> Void

    private enum Phase { case pending, running, finished }

    private final class Entry: @unchecked Sendable {
        let token: Int
        let action: Cleanup
        var phase = Phase.pending

        init(token: Int, action: @escaping Cleanup) {
            self.token = token
            self.action = action
        }
    }

    /// Guards everything below; broadcast whenever a cleanup finishes.
    private let condition = NSCondition()
    private var entries: [Entry] = []
    private var nextToken = 0
    private var signalled: Int32?
    private var cancelHooks: [Int: @Sendable () -> Void] = [:]
    private var lastWordsAction: (@Sendable () -> Void)?

    private let children: ChildProcesses
    let cleanupRunner: any ProcessRunning
    private let unwindLimit: Double
    private let announce: @Sendable (Int32) -> Void
    private let terminate: @Sendable (Int32) -> Never

    /// - Parameters:
    ///   - children: the main runner's children; the gate closes on the first signal.
    ///   - cleanupRunner: what every cleanup runs its commands with; give it a time limit.
    ///   - unwindLimit: how long after a signal the root task may take to end before the process ends
    ///     anyway; more than the cleanup runner's limits add up to.
    ///   - terminate: ends the process by the signal (a second signal, or the unwind limit).
    init(
        children: ChildProcesses,
        cleanupRunner: any ProcessRunning,
        unwindLimit: Double = CleanupLimits().unwind,
        announce: @escaping @Sendable (Int32) -> Void = { _ in },
        terminate: @escaping @Sendable (Int32) -> Never = { exitBySignal($0) }
    ) {
        self.children = children
        self.cleanupRunner = cleanupRunner
        self.unwindLimit = unwindLimit
        self.announce = announce
        self.terminate = terminate
    }

    /// Takes SIGINT and SIGTERM away from their default action; call once, early.
    func installSignalHandlers() {
        SignalTrap.trap([SIGINT, SIGTERM]) { [weak self] number in self?.received(signal: number) }
    }

    /// The signal that started cancellation, if one did.
    var cancellingSignal: Int32? { condition.withLock { signalled } }

    /// The tokens of the cleanups that have not finished, oldest first.
    var registeredCleanups: [Int] { condition.withLock { entries.map(\.token) } }

    @discardableResult
    func register(_ cleanup: @escaping Cleanup) -> Int {
        condition.withLock {
            nextToken += 1
            entries.append(Entry(token: nextToken, action: cleanup))
            return nextToken
        }
    }

    /// On the signal thread.
    private func received(signal number: Int32) {
        // A second signal ends the process at once, by the first one, which decided how it ends.
        guard cancel(signal: number) else { terminate(cancellingSignal ?? number) }
        DispatchQueue.global().asyncAfter(deadline: .now() + unwindLimit) { [self] in
            children.signalAll(SIGKILL)
            sayLastWords()
            runPendingCleanups()
            terminate(number)
        }
    }

    /// What must happen before the process ends, however it ends after a signal: the run's reports. The
    /// program calls `sayLastWords` itself on its way out; the unwind limit calls it before it ends the
    /// process. `action` runs once, the second caller waits for the first.
    func lastWords(_ action: @escaping @Sendable () -> Void) {
        let once = OnceRunner(action)
        condition.withLock { lastWordsAction = { once.run() } }
    }

    /// Runs the last words, once (see `lastWords`). Blocks.
    func sayLastWords() {
        condition.withLock { lastWordsAction }?()
    }

    /// Starts cancelling (see the type's description); false when it had already started.
    @discardableResult
    func cancel(signal number: Int32) -> Bool {
        let hooks: [@Sendable () -> Void]? = condition.withLock {
            guard signalled == nil else { return nil }
            signalled = number
            return Array(cancelHooks.values)
        }
        guard let hooks else { return false }
        children.close()
        announce(number)
        for hook in hooks { hook() }
        return true
    }

    /// Runs the program's root task, which a signal cancels. Returns its status; after a signal, once
    /// every cleanup has finished, 128 + the signal's number instead (give it to `exitProcess`).
    func runRoot(_ body: @escaping @Sendable () async -> Int32) async -> Int32 {
        let root = Task { await body() }
        let hook = addCancelHook { root.cancel() }
        let status = await root.value
        condition.withLock { _ = cancelHooks.removeValue(forKey: hook) }
        guard let signal = cancellingSignal else { return status }
        await Self.offConcurrency { self.runPendingCleanups() }
        return ExitCode.signal(signal)
    }

    private func addCancelHook(_ hook: @escaping @Sendable () -> Void) -> Int {
        let (key, cancelNow) = condition.withLock {
            nextToken += 1
            cancelHooks[nextToken] = hook
            return (nextToken, signalled != nil)
        }
        if cancelNow { hook() }
        return key
    }

    /// Runs the cleanup registered as `token` with the cleanup runner, unless it has run; waits for it if
    /// it is running elsewhere. It is unregistered once it has finished. Blocks.
    func performCleanup(_ token: Int) {
        condition.lock()
        guard let entry = entries.first(where: { $0.token == token }) else {
            condition.unlock()
            return
        }
        guard entry.phase == .pending else {
            while entry.phase != .finished { condition.wait() }
            condition.unlock()
            return
        }
        entry.phase = .running
        condition.unlock()
        entry.action(cleanupRunner)
        condition.withLock {
            entry.phase = .finished
            entries.removeAll { $0 === entry }
            condition.broadcast()
        }
    }

    /// Every cleanup still registered, newest first; waits for those running elsewhere. Blocks.
    func runPendingCleanups() {
        for token in registeredCleanups.reversed() { performCleanup(token) }
    }

    /// Runs blocking `work` on a thread of its own, never on one of Swift concurrency's few threads.
    static func offConcurrency(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                work()
                done.resume()
            }
        }
    }
}

/// Runs an action once; a second caller waits until the first one's run has finished.
private final class OnceRunner: @unchecked Sendable {
    private let lock = NSLock()
    private var action: (@Sendable () -> Void)?

    init(_ action: @escaping @Sendable () -> Void) { self.action = action }

    func run() {
        lock.lock()
        defer { lock.unlock() }
        let pending = action
        action = nil
        pending?()
    }
}

/// Ends the process by `signal`: its default action restored, unblocked, raised (see `SignalTrap.dieBy`).
func exitBySignal(_ signal: Int32) -> Never {
    SignalTrap.dieBy(signal)
}

/// `exit` under a name that does not clash with Swift's `exit` of the executable's main. When the status
/// is 128 + the signal that cancelled the run (what `Cancellator.runRoot` returns then), the process ends
/// by that signal instead, so that its parent sees death by signal.
public func exitProcess(_ status: Int32) -> Never {
    if let signal = SignalTrap.delivered, status == ExitCode.signal(signal) { SignalTrap.dieBy(signal) }
    exit(status)
}
