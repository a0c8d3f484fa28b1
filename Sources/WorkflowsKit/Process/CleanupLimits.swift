import Foundation

/// The time limits of what a run still does after a signal, and the unwind limit they add up to: the
/// process never ends by the unwind limit while a cleanup it waits for is within its own limit.
struct CleanupLimits: Sendable, Equatable {
    /// Each cleanup command (`docker rm`, `docker image rm`, ...); once one ran out of it, the cleanups
    /// do not ask that program again (`GivingUpRunner`), so a hung engine costs this once.
    var command: Double
    /// A credential's cleanup (`docker logout`), which runs even after that.
    var essential: Double
    /// Between SIGTERM and SIGKILL of a command that is stopped.
    var grace: Double

    init(command: Double = 30, essential: Double = 15, grace: Double = 2) {
        self.command = command
        self.essential = essential
        self.grace = grace
    }

    /// `WORKFLOWS_CLEANUP_TIME_LIMIT` (seconds, > 0) sets `command`, for engines slower than 30 s to remove
    /// a container, and for tests of a hung engine; anything else keeps the default.
    init(environment: [String: String]) {
        self.init()
        if let text = environment["WORKFLOWS_CLEANUP_TIME_LIMIT"], let seconds = Double(text), seconds > 0 {
            command = seconds
        }
    }

    /// From the signal until the process ends even if the root task has not: the steps' children stopped
    /// (one grace), one cleanup command run out (its limit and a grace), the logout (its limit and a
    /// grace), and a margin for the rest (the reports, the summary).
    var unwind: Double { grace + (command + grace) + (essential + grace) + 10 }
}
