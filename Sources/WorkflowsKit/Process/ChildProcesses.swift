import Foundation

/// The children that are running now, so that a signal handler can stop them.
public final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var pids: Set<Int32> = []

    public init() {}

    func add(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }

    public var running: Set<Int32> { lock.withLock { pids } }

    /// Sends `signal` to every running child. By pid: `Process.terminate()` crashes before launch.
    public func signalAll(_ signal: Int32) {
        for pid in running { kill(pid, signal) }
    }
}
