import Foundation

/// Catches signals with a handler instead of ignoring them. An ignored signal stays ignored in every
/// child (`SIG_IGN` survives exec): a Python child would then shrug off the signal we send, and a
/// shell pipeline child would not stop on SIGPIPE. A caught signal is reset to its default in children.
enum SignalTrap {
    /// The write end of the self-pipe the handler writes signal numbers to; read by one thread.
    nonisolated(unsafe) private static var pipeWriteEnd: Int32 = -1
    private static let lock = NSLock()
    nonisolated(unsafe) private static var firstDelivered: Int32?

    /// SIGPIPE becomes EPIPE from `write(2)` here, and stays fatal in children.
    static func neutralizeSIGPIPE() {
        install(SIGPIPE) { _ in }
    }

    /// The first signal `trap` delivered, if any: the one the process must end by.
    static var delivered: Int32? { lock.withLock { firstDelivered } }

    /// Calls `received` on a thread of its own for each SIGINT or SIGTERM, from now on.
    static func trap(_ signals: [Int32], _ received: @escaping @Sendable (Int32) -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        pipeWriteEnd = ends[1]
        let readEnd = ends[0]
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    let number = Int32(byte)
                    lock.withLock { if firstDelivered == nil { firstDelivered = number } }
                    received(number)
                } else if count == 0 || errno != EINTR {
                    return
                }
            }
        }
        for number in signals {
            install(number) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(SignalTrap.pipeWriteEnd, &byte, 1)
            }
        }
    }

    /// Ends the process by `number`, as SwiftPM's Cancellator does: the default action restored, the
    /// signal unblocked and raised, so that the parent sees death by that signal (WIFSIGNALED; a shell's
    /// `$?` is 128 + the number), which is what lets a shell script or CI runner stop too.
    static func dieBy(_ number: Int32) -> Never {
        fflush(nil)
        signal(number, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, number)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(number)
        // Not reached for SIGINT and SIGTERM; a plain exit with the same status otherwise.
        _exit(ExitCode.signal(number))
    }

    private static func install(_ number: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(number, &action, nil)
    }
}
