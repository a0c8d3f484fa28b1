import Foundation
import Testing

@testable import WorkflowsKit

/// The runner on the kernels it supports, each older one imitated by turning off the features it lacks:
/// a daemonizing grandchild never holds the run, and a teardown reaches the whole group.
@Suite(.timeLimit(.minutes(2))) struct ProcessFallbackTests {
    /// A kernel as the runner sees it: which of the process features it has.
    struct Kernel: Sendable, CustomTestStringConvertible {
        var name: String
        var features: ProcessFeatures
        var testDescription: String { name }
    }

    static let kernels = [
        Kernel(name: "Linux < 5.3: no pidfd", features: []),
        Kernel(name: "Linux 5.3: pidfd_open only", features: [.pidfdOpen]),
        Kernel(name: "Linux 5.4, 5.5: no pidfd_getfd", features: [.pidfdOpen, .waitidByPidfd]),
        Kernel(name: "Linux 5.6 to 6.8: no group signal through a pidfd", features: [.pidfdOpen, .waitidByPidfd, .pidfdGetfd]),
        Kernel(name: "Linux 6.9 and later: everything", features: .all),
    ]

    func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    /// `podman run --detach`'s conmon: the grandchild holds Foundation's exit notice for 300 s.
    @Test(arguments: kernels)
    func aDaemonizingGrandchildDoesNotHoldTheRun(kernel: Kernel) async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, features: kernel.features)
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let start = Date()
        let output = try await runner.run(Command("/bin/sh", [try fixture("daemonize.sh"), "detached", pidFile.path]))
        let elapsed = Date().timeIntervalSince(start)
        let grandchild = try #require(ProcessLifecycleTests.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        #expect(output.termination == .exited(0))
        // The exit is seen at once through a pidfd, within a 0.1 s poll without one: 60 s is far above
        // either (5 s was once exceeded at a load of 12) and far below the grandchild's 300.
        #expect(elapsed < 60, "\(elapsed) s")
        let child = try #require(Int32(output.outputText.replacingOccurrences(of: "child=", with: "")))
        try await waitUntil { !DescriptorTable.isZombieChild(child) }
        #expect(DescriptorTable.isAlive(grandchild), "nothing is signalled once the child has exited")
        #expect(children.running.isEmpty)
    }

    /// Issue 17, defect 5, on every kernel: the leader obeys SIGTERM, its child ignores it.
    @Test(arguments: kernels)
    func aGrandchildThatIgnoresTermDoesNotOutliveTheTeardown(kernel: Kernel) async throws {
        let children = ChildProcesses()
        let grace = 1.0
        let runner = FoundationProcessRunner(children: children, terminationGrace: grace, features: kernel.features)
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let task = Task { try await runner.run(Command("/bin/sh", [try fixture("leader-exits-first.sh"), pidFile.path])) }
        try await waitUntil { ProcessLifecycleTests.pid(in: pidFile) != nil && !children.running.isEmpty }
        let grandchild = try #require(ProcessLifecycleTests.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        try await waitUntil { ProcessLifecycleTests.ignoresTerm(grandchild) }
        let start = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await waitUntil { !DescriptorTable.isAlive(grandchild) }
        #expect(Date().timeIntervalSince(start) >= grace, "only the SIGKILL after the grace ends it")
        #expect(children.running.isEmpty)
    }

    @Test(arguments: kernels)
    func exitStatusesAndSignalsAreReportedAsTheyHappened(kernel: Kernel) async throws {
        let runner = FoundationProcessRunner(features: kernel.features)
        #expect(try await runner.run(Command("sh", ["-c", "exit 3"])).termination == .exited(3))
        #expect(try await runner.run(Command("sh", ["-c", "kill -TERM $$"])).termination == .signalled(SIGTERM))
        let output = try await runner.run(Command("sh", ["-c", "cat; echo err >&2"], standardInput: Data("in".utf8)))
        #expect(output.outputText == "in" && output.errorText == "err")
    }
}
