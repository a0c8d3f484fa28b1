import Foundation
import Testing

@testable import WorkflowsKit

/// The checkout's git and the host's Python behind a recording runner, for the steps that run them as
/// processes (`Git`, the host gates): git answers from these properties, `python3 -m TOOL` passes, and
/// anything else is not modelled and fails, a `docker` command included: the engine is `FakeEngine`.
final class FakeGit: @unchecked Sendable {
    static let commit = "0123456789abcdef0123456789abcdef01234567"

    private let lock = NSLock()
    var gitRepository = true
    var dirty = false
    var origin: String? = "git@github.com:Owner/Numbers-API.git"
    var branch = "main"
    var exactTag: String?
    var knownTags: [String] = []
    var gitDirectory: URL?
    /// What the host's `python3 -m TOOL …` answers; nil: passes.
    var hostPython: (@Sendable (Command) -> ProcessOutput?)?
    /// When set, git commands go to it (a real git on a real checkout) instead of these properties.
    var realGit: (any ProcessRunning)?

    lazy var runner = RecordingRunner { [unowned self] command in self.answer(command) }

    private func answer(_ command: Command) -> ProcessOutput {
        if command.executable == "git", let realGit = lock.withLock({ self.realGit }) {
            return (try? realGit.runBlocking(command)) ?? .fail(127, stderr: "git could not be started")
        }
        if command.executable == Project.hostPython, command.arguments.first == "-m" {
            return lock.withLock { hostPython }?(command) ?? .ok()
        }
        return lock.withLock {
            guard command.executable == "git" else {
                unmodelled("\(command.executable) \(command.arguments.joined(separator: " "))")
                return .fail(125, stderr: "fake: '\(command.executable)' is not modelled")
            }
            return git(command.arguments)
        }
    }

    /// What was asked that it does not model (called with `lock` held). Each also fails the test, unless
    /// `unmodelledFailsTheTest` was turned off by the test of that behaviour itself.
    private(set) var unmodelledCommands: [String] = []
    var unmodelledFailsTheTest = true
    private func unmodelled(_ what: String) {
        unmodelledCommands.append(what)
        if unmodelledFailsTheTest { Issue.record("FakeGit does not model \(what)") }
    }

    private func git(_ arguments: [String]) -> ProcessOutput {
        guard gitRepository else { return .fail(128, stderr: "fatal: not a git repository") }
        switch arguments {
        case ["rev-parse", "--verify", "HEAD"]: return .ok(Self.commit)
        case ["rev-parse", "--abbrev-ref", "HEAD"]: return .ok(branch)
        case ["describe", "--tags"]: return exactTag.map { .ok($0) } ?? .fail(128)
        case ["tag", "--points-at", "HEAD"]: return .ok(exactTag ?? "")
        case let status where status.starts(with: ["status", "--porcelain"]): return .ok(dirty ? " M app/thenumbers/app.py" : "")
        case ["remote", "get-url", "origin"]: return origin.map { .ok($0) } ?? .fail(2, stderr: "error: No such remote 'origin'")
        case ["tag", "--list"]: return .ok(knownTags.joined(separator: "\n"))
        case ["rev-parse", "--absolute-git-dir"]: return gitDirectory.map { .ok($0.path) } ?? .fail(128)
        default:
            unmodelled("git \(arguments.joined(separator: " "))")
            return .fail(1)
        }
    }
}
