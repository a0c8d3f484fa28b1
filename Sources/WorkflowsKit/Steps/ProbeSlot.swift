import Foundation

/// At most one health probe in flight. Killing `docker exec` when a probe runs past its timeout would not
/// end the probe inside the container, so a loop that starts the next one would pile hung probes up: here a
/// timed-out probe is left to end on its own (or with its container), counts as failed, and no other probe
/// starts while it lives.
final class ProbeSlot: @unchecked Sendable {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        /// Past the timeout; the probe still runs and holds the slot until it ends.
        case timedOut
        /// The previous probe still runs: none was started.
        case busy
    }

    private let lock = NSLock()
    private var occupied = false

    var isOccupied: Bool { lock.withLock { occupied } }

    /// Runs `probe` unless the previous one still lives, and waits for it at most `timeout` seconds.
    /// Cancelling the caller stops the wait, not the probe (the container's removal ends that).
    func run<Value: Sendable>(
        timeout: Double, _ probe: @escaping @Sendable () async throws -> Value
    ) async throws -> Outcome<Value> {
        let claimed = lock.withLock { () -> Bool in
            if occupied { return false }
            occupied = true
            return true
        }
        guard claimed else { return .busy }
        let answer = OnceAnswer<Outcome<Value>>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.set(continuation)
                let timer = Task {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9))
                    answer.give(.success(.timedOut))
                }
                Task {
                    let result: Result<Outcome<Value>, any Error>
                    do { result = .success(.finished(try await probe())) } catch { result = .failure(error) }
                    // Free the slot before answering, so that the caller's next probe may start.
                    self.lock.withLock { self.occupied = false }
                    timer.cancel()
                    answer.give(result)
                }
            }
        } onCancel: {
            answer.give(.failure(CancellationError()))
        }
    }
}

/// A continuation resumed by the first of several answers; later ones are dropped. An answer that comes
/// before the continuation is set is kept for it.
private final class OnceAnswer<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, any Error>?
    private var early: Result<Value, any Error>?
    private var answered = false

    func set(_ continuation: CheckedContinuation<Value, any Error>) {
        let pending: Result<Value, any Error>? = lock.withLock {
            if let early { self.early = nil; return early }
            self.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    func give(_ result: Result<Value, any Error>) {
        let waiting: CheckedContinuation<Value, any Error>? = lock.withLock {
            guard !answered else { return nil }
            answered = true
            guard let continuation else {
                early = result
                return nil
            }
            self.continuation = nil
            return continuation
        }
        waiting?.resume(with: result)
    }
}
