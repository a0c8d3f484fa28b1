import Foundation

/// The children that are running now, so that a signal handler can stop them, and a gate that closes
/// when cancellation starts so that nothing new starts behind the cleanup's back.
public final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var pids: Set<Int32> = []
    private var closed = false

    public init() {}

    /// Registers a started child; false when cancellation has begun, and the caller must stop it.
    func add(_ pid: Int32) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            pids.insert(pid)
            return true
        }
    }

    func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }

    public var running: Set<Int32> { lock.withLock { pids } }

    public var isClosed: Bool { lock.withLock { closed } }

    /// From now on no child may start.
    public func close() { lock.withLock { closed = true } }

    /// Sends `signal` to every running child and its own children: Foundation makes each child the
    /// leader of a process group, so the group is signalled (docker's plugins, pytest's workers).
    public func signalAll(_ signal: Int32) {
        for pid in running { Self.signal(pid, signal) }
    }

    static func signal(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// Waits, polling, until no child runs; false at the deadline.
    public func waitUntilNoneRun(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !running.isEmpty {
            if Date() >= deadline { return false }
            usleep(50_000)
        }
        return true
    }
}
