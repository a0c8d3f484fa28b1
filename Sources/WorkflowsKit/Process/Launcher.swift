import Foundation

/// The one thread every child is launched from.
///
/// - The child inherits the launching thread's signal mask, and Dispatch's and Swift concurrency's
///   threads block nearly every signal: a child launched from one would never see the SIGTERM we send.
///   This thread blocks nothing.
/// - Foundation's `Process.run()` gives the launching thread a run loop (three descriptors): one thread
///   keeps one, where a thread per launch held three descriptors per running child, and for a moment
///   after it.
/// - Launches are serialised: Foundation closes the parent's other descriptors in each child by scanning
///   them just before `posix_spawn`, so a descriptor another launch opened in between (its exit-notice
///   socket has no close-on-exec) would leak into this child and hold that other child's exit notice.
final class Launcher: @unchecked Sendable {
    static let shared = Launcher()

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    private init() {
        let thread = Thread { [self] in
            var nothing = sigset_t()
            sigemptyset(&nothing)
            pthread_sigmask(SIG_SETMASK, &nothing, nil)
            while true {
                let job = condition.withLock {
                    while jobs.isEmpty { condition.wait() }
                    return jobs.removeFirst()
                }
                job()
            }
        }
        thread.name = "workflows.launcher"
        thread.start()
    }

    /// Runs `work` on the launcher thread and waits for it.
    func perform<T>(_ work: @escaping () throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let job = UncheckedSendable {
            box.result = Result { try work() }
            done.signal()
        }
        condition.withLock {
            jobs.append { job.value() }
            condition.signal()
        }
        done.wait()
        guard let result = box.result else { throw CancellationError() }
        return try result.get()
    }

    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }

    private struct UncheckedSendable: @unchecked Sendable {
        let value: () -> Void
        init(_ value: @escaping () -> Void) { self.value = value }
    }
}
