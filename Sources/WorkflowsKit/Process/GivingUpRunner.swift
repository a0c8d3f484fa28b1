import Foundation

/// The cleanups' runner: once a command of a program has run out of its time limit (an engine that no
/// longer answers), every later command of that program fails at once instead of waiting out its own
/// limit, and one line says so. A cleanup is several commands, and a run several cleanups: without it a
/// hung engine held the exit for the limit times the number of commands.
final class GivingUpRunner: ProcessRunning, @unchecked Sendable {
    private let base: any ProcessRunning
    private let essential: any ProcessRunning
    private let report: @Sendable (String) -> Void
    private let lock = NSLock()
    private var givenUp: Set<String> = []

    /// - Parameter essential: runs `runEssential`'s commands, whatever was given up, with a time limit of
    ///   its own; `base` when nil.
    init(_ base: any ProcessRunning, essential: (any ProcessRunning)? = nil, report: @escaping @Sendable (String) -> Void) {
        self.base = base
        self.essential = essential ?? base
        self.report = report
    }

    /// Why a command was not run: its program timed out before.
    struct GaveUp: Error, Equatable, CustomStringConvertible {
        var executable: String
        var description: String { "'\(executable)' timed out before; not asked again" }
    }

    func run(_ command: Command) async throws -> ProcessOutput {
        try checked(command)
        do {
            return try await base.run(command)
        } catch let timedOut as ProcessTimedOut {
            giveUp(on: command, timedOut)
            throw timedOut
        }
    }

    func runBlocking(_ command: Command) throws -> ProcessOutput {
        try checked(command)
        do {
            return try base.runBlocking(command)
        } catch let timedOut as ProcessTimedOut {
            giveUp(on: command, timedOut)
            throw timedOut
        }
    }

    /// Never refused: a credential's cleanup runs even when the engine hung before (`docker logout` edits
    /// the CLI's configuration and needs no engine). Its failure is the caller's to report.
    func runEssential(_ command: Command) throws -> ProcessOutput {
        try essential.runBlocking(command)
    }

    private func checked(_ command: Command) throws {
        if lock.withLock({ givenUp.contains(command.executable) }) { throw GaveUp(executable: command.executable) }
    }

    private func giveUp(on command: Command, _ timedOut: ProcessTimedOut) {
        let first = lock.withLock { givenUp.insert(command.executable).inserted }
        guard first else { return }
        let name = URL(fileURLWithPath: command.executable).lastPathComponent
        report(
            "workflows: '\(([name] + command.arguments.prefix(2)).joined(separator: " "))' did not finish within "
                + "\(Int(timedOut.seconds.rounded())) s: the rest of the cleanup does not ask \(name) again. Once the "
                + "engine answers, 'workflows clean' removes what is left.")
    }
}
