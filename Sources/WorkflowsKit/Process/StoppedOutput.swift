import Foundation

/// What a child wrote before cancellation stopped it. `run` then throws `CancellationError`, which carries
/// nothing; a caller that must clean up after the child (the images an interrupted build committed) gives
/// its command one of these, and the runner leaves the output here. Compared by identity.
final class StoppedOutput: @unchecked Sendable, Equatable {
    private let lock = NSLock()
    private var kept: ProcessOutput?

    init() {}

    /// Nil unless the child was stopped by cancellation.
    var output: ProcessOutput? { lock.withLock { kept } }

    func keep(_ output: ProcessOutput) { lock.withLock { kept = output } }

    static func == (lhs: StoppedOutput, rhs: StoppedOutput) -> Bool { lhs === rhs }
}
