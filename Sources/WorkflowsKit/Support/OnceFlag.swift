import Foundation

/// A flag that is set once and read from any thread: what a cleanup, which a signal may run on another
/// thread, needs to know of the work it cleans up after.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    var isSet: Bool { lock.withLock { set } }

    func raise() { lock.withLock { set = true } }
}
