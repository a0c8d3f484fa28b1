import Foundation
import Testing

@testable import WorkflowsKit

/// What stays behind after children ran: PIDs in the set of running children, descriptors, zombies; and
/// children whose own children outlive them. Other suites run children meanwhile, so the checks look for
/// this test's own pipes and sockets by inode, and counts get a margin far below the old leak.
@Suite(.timeLimit(.minutes(2))) struct ProcessLifecycleTests {
    func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    @Test func thousandsOfFastChildrenLeaveNoPIDInTheRunningSet() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children)
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var failed = 0
                    for _ in 0..<500 where !(try await runner.run(Command("/bin/true", []))).succeeded { failed += 1 }
                    return failed
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        // Not eventually: a child leaves the set before its run can complete.
        #expect(children.running.isEmpty, "dead PIDs left: \(children.running.count)")
    }

    @Test func manyRunsCloseEveryDescriptorTheyOpened() async throws {
        let runner = FoundationProcessRunner()
        let script = "readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2; echo err >&2"
        for _ in 0..<20 { _ = try await runner.run(Command("sh", ["-c", script], standardInput: Data("x".utf8))) }
        let before = DescriptorTable.entries().count
        var pipes: Set<String> = []
        for index in 0..<600 {
            let input = index % 2 == 0 ? Data("in".utf8) : nil
            let output = try await runner.run(Command("sh", ["-c", script], standardInput: input))
            #expect(output.errorText == "err")
            pipes.formUnion(output.outputText.split(separator: "\n").map(String.init).filter { $0.hasPrefix("pipe:") })
        }
        #expect(pipes.count >= 1000, "each run had pipes of its own: \(pipes.count)")
        let held = Set(DescriptorTable.entries().values)
        #expect(held.isDisjoint(with: pipes), "pipes of finished children still open here: \(held.intersection(pipes))")
        let after = DescriptorTable.entries().count
        #expect(after - before < 40, "descriptors went from \(before) to \(after) over 600 runs")
    }

    /// swift-corelibs-foundation #4795: Foundation notices the exit only once every holder of its socket
    /// closed it, and the grandchild holds it for 300 s.
    @Test func aGrandchildThatKeepsTheExitNoticeDoesNotHoldTheRun() async throws {
        let runner = FoundationProcessRunner()
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let start = Date()
        let output = try await runner.run(Command("/bin/sh", [try fixture("daemonize.sh"), "detached", pidFile.path]))
        let elapsed = Date().timeIntervalSince(start)
        let grandchild = try #require(Self.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        #expect(output.termination == .exited(0))
        #expect(elapsed < 60, "a hang guard: the grandchild sleeps for 300 s")
        let child = try #require(Int32(output.outputText.replacingOccurrences(of: "child=", with: "")))
        #expect(!DescriptorTable.isZombieChild(child), "the script was never reaped")
        let kept = Set(DescriptorTable.entries(of: grandchild).values.filter { $0.hasPrefix("socket:") })
        #expect(!kept.isEmpty, "the fixture's grandchild kept Foundation's socket")
        #expect(Set(DescriptorTable.entries().values).isDisjoint(with: kept), "we still hold the grandchild's socket")
        #expect(DescriptorTable.isAlive(grandchild), "nothing is signalled once the child has exited")
        print("daemonizing child (detached): run returned after \(String(format: "%.3f", elapsed)) s")
    }

    @Test func aGrandchildThatKeepsStdoutOpenDelaysTheRunOnlyBriefly() async throws {
        let runner = FoundationProcessRunner()
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let start = Date()
        let output = try await runner.run(Command("/bin/sh", [try fixture("daemonize.sh"), "stdout", pidFile.path]))
        let elapsed = Date().timeIntervalSince(start)
        let grandchild = try #require(Self.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        #expect(output.termination == .exited(0))
        #expect(output.outputText.hasPrefix("child="))
        #expect(elapsed < 60, "a hang guard: the grandchild sleeps for 300 s")
        let child = try #require(Int32(output.outputText.replacingOccurrences(of: "child=", with: "")))
        #expect(!DescriptorTable.isZombieChild(child), "the script was never reaped")
        let stdout = try #require(DescriptorTable.entries(of: grandchild)[1])
        #expect(stdout.hasPrefix("pipe:"))
        #expect(!DescriptorTable.entries().values.contains(stdout), "we still read the grandchild's stdout")
        #expect(DescriptorTable.isAlive(grandchild), "nothing is signalled once the child has exited")
        print("daemonizing child (keeps stdout): run returned after \(String(format: "%.3f", elapsed)) s")
    }

    @Test func cancellingTheTaskStopsAChildThatIgnoresTermWithKillAfterTheGrace() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, terminationGrace: 1)
        let ready = try TemporaryFolder.make().appendingPathComponent("ready")
        let task = Task { try await runner.run(Command("/bin/sh", [try fixture("stubborn.sh"), ready.path])) }
        try await waitUntil { FileManager.default.fileExists(atPath: ready.path) && !children.running.isEmpty }
        let pid = try #require(children.running.first)
        let start = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 1, "it ignores SIGTERM: only the SIGKILL after the grace ends it")
        #expect(elapsed < 30, "a hang guard")
        #expect(children.running.isEmpty)
        #expect(!DescriptorTable.isZombieChild(pid))
    }

    /// A child that cancellation stopped leaves what it wrote in its command's `StoppedOutput` (an interrupted
    /// build's step IDs, for its cleanup); one that exits leaves nothing there.
    @Test func aStoppedChildsOutputIsLeftForItsCaller() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, terminationGrace: 1)
        let ready = try TemporaryFolder.make().appendingPathComponent("ready")
        let stopped = StoppedOutput()
        let script = "echo ' ---> 20818aa898fc'; echo step >&2; touch \"$0\"; exec sleep 30"
        let task = Task { try await runner.run(Command("/bin/sh", ["-c", script, ready.path], stoppedOutput: stopped)) }
        try await waitUntil { FileManager.default.fileExists(atPath: ready.path) && !children.running.isEmpty }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(stopped.output?.outputText == "---> 20818aa898fc")
        #expect(stopped.output?.errorText == "step")
        let finished = StoppedOutput()
        let done = try await runner.run(Command("/bin/sh", ["-c", "echo done"], stoppedOutput: finished))
        #expect(done.outputText == "done" && finished.output == nil)
    }

    @Test func cancellingTheTaskSendsTermFirstAndWaitsForAGracefulExit() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, terminationGrace: 30)
        let ready = try TemporaryFolder.make().appendingPathComponent("ready")
        let task = Task { try await runner.run(Command("/bin/sh", [try fixture("slow-exit.sh"), ready.path])) }
        try await waitUntil { FileManager.default.fileExists(atPath: ready.path) && !children.running.isEmpty }
        let start = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(Date().timeIntervalSince(start) < 25, "it drains for 1 s on SIGTERM, long before the SIGKILL")
        #expect(children.running.isEmpty)
    }

    @Test func cancellingTheTaskStopsTheChildsWholeProcessGroup() async throws {
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, terminationGrace: 30)
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let script = "sleep 300 & echo $! > \"$0\"; wait"
        let task = Task { try await runner.run(Command("sh", ["-c", script, pidFile.path])) }
        try await waitUntil { ProcessLifecycleTests.pid(in: pidFile) != nil && !children.running.isEmpty }
        let grandchild = try #require(ProcessLifecycleTests.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await waitUntil { !DescriptorTable.isAlive(grandchild) }
    }

    /// Issue 17, defect 5: the leader exited on SIGTERM and was reaped at once, so the SIGKILL after the
    /// grace never went to its group, and the grandchild that ignores SIGTERM lived on.
    @Test func aGrandchildThatIgnoresTermDoesNotOutliveTheTeardownOfItsGroup() async throws {
        let children = ChildProcesses()
        let grace = 1.0
        let runner = FoundationProcessRunner(children: children, terminationGrace: grace)
        let pidFile = try TemporaryFolder.make().appendingPathComponent("pid")
        let task = Task { try await runner.run(Command("/bin/sh", [try fixture("leader-exits-first.sh"), pidFile.path])) }
        try await waitUntil { ProcessLifecycleTests.pid(in: pidFile) != nil && !children.running.isEmpty }
        let grandchild = try #require(ProcessLifecycleTests.pid(in: pidFile))
        defer { kill(grandchild, SIGKILL) }
        // Its SIGTERM trap is set once it has said "ready" (it inherited the run's stdout): wait for the trap.
        try await waitUntil { Self.ignoresTerm(grandchild) }
        let start = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await waitUntil { !DescriptorTable.isAlive(grandchild) }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= grace, "only the SIGKILL after the grace ends it")
        #expect(elapsed < 3 * grace + 2, "\(elapsed) s")
        #expect(children.running.isEmpty)
    }

    /// Whether `pid` ignores SIGTERM, from /proc/PID/status's `SigIgn` mask.
    static func ignoresTerm(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
            let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << (UInt64(SIGTERM) - 1)) != 0
    }

    @Test func aCancelledTaskStartsNothing() async throws {
        let marker = try TemporaryFolder.make().appendingPathComponent("ran")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await FoundationProcessRunner().run(Command("touch", [marker.path]))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func theTimeLimitStopsAStubbornChild() async throws {
        let runner = FoundationProcessRunner(timeLimit: 1, terminationGrace: 0.5)
        let script = try fixture("stubborn.sh")
        let start = Date()
        #expect {
            try runner.runBlocking(Command("/bin/sh", [script]))
        } throws: { error in
            guard let timedOut = error as? ProcessTimedOut else { return false }
            return timedOut.output.outputText == "ready" && timedOut.output.termination == .signalled(SIGKILL)
        }
        #expect(Date().timeIntervalSince(start) < 30, "a hang guard")
        await #expect(throws: ProcessTimedOut.self) { try await runner.run(Command("sleep", ["300"])) }
        let quick = try await runner.run(Command("sh", ["-c", "echo within"]))
        #expect(quick.outputText == "within")
    }

    /// The PID a fixture wrote, once it has written it whole.
    static func pid(in file: URL) -> Int32? {
        guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Cleanup scopes under cancellation: registered until finished, run once, with a runner the signal spares.
@Suite(.timeLimit(.minutes(2))) struct CleanupScopeTests {
    @Test func aSignalWhileACleanupRunsNeitherStopsNorLosesNorRepeatsIt() async throws {
        let folder = try TemporaryFolder.make()
        let started = folder.appendingPathComponent("started")
        let finished = folder.appendingPathComponent("finished")
        let go = folder.appendingPathComponent("go")
        let cancellator = Cancellator(
            children: ChildProcesses(), cleanupRunner: FoundationProcessRunner(timeLimit: 30),
            terminate: { _ in fatalError("the unwind limit is armed by real signals only") })
        let runs = Counter()
        // The cleanup's command runs until the test lets it finish: no sleep decides what is seen mid-cleanup.
        let cleanup: Cancellator.Cleanup = { runner in
            runs.increment()
            _ = try? runner.runBlocking(Command("sh", [
                "-c", "touch \"$0\"; until [ -e \"$2\" ]; do sleep 0.02; done; touch \"$1\"",
                started.path, finished.path, go.path,
            ]))
        }
        let root = Task {
            await cancellator.runRoot { (try? await cancellator.withCleanup(cleanup) { Int32(0) }) ?? 1 }
        }
        try await waitUntil { FileManager.default.fileExists(atPath: started.path) }
        #expect(cancellator.registeredCleanups.count == 1, "a running cleanup stays registered")
        #expect(cancellator.cancel(signal: SIGINT))
        #expect(!cancellator.cancel(signal: SIGTERM), "the first signal decides")
        #expect(cancellator.registeredCleanups.count == 1, "the signal neither ran nor dropped the running cleanup")
        #expect(FileManager.default.createFile(atPath: go.path, contents: nil))
        #expect(await root.value == ExitCode.signal(SIGINT))
        #expect(FileManager.default.fileExists(atPath: finished.path), "the cleanup's command was stopped")
        #expect(runs.value == 1)
        #expect(cancellator.registeredCleanups.isEmpty)
    }

    @Test func aSignalDuringTheBodyStopsItsChildThenRunsTheCleanupWithTheCleanupRunner() async throws {
        let folder = try TemporaryFolder.make()
        let marker = folder.appendingPathComponent("cleaned")
        let children = ChildProcesses()
        let runner = FoundationProcessRunner(children: children, terminationGrace: 1)
        let cancellator = Cancellator(
            children: children, cleanupRunner: FoundationProcessRunner(timeLimit: 30),
            terminate: { _ in fatalError("the unwind limit is armed by real signals only") })
        let bodyError = ErrorBox()
        let root = Task {
            await cancellator.runRoot {
                do {
                    return try await cancellator.withCleanup({ runner in
                        _ = try? runner.runBlocking(Command("touch", [marker.path]))
                    }) {
                        _ = try await runner.run(Command("sleep", ["300"]))
                        return Int32(0)
                    }
                } catch {
                    bodyError.value = error
                    return 1
                }
            }
        }
        try await waitUntil { !children.running.isEmpty }
        cancellator.cancel(signal: SIGTERM)
        #expect(await root.value == ExitCode.signal(SIGTERM))
        #expect(bodyError.value is CancellationError)
        #expect(FileManager.default.fileExists(atPath: marker.path), "the cleanup ran, its command was started")
        #expect(children.isClosed)
        #expect(children.running.isEmpty)
        await #expect(throws: ProcessLaunchError.cancelled(executable: "true")) { try await runner.run(Command("true", [])) }
    }

    @Test func eachCleanupCommandHasATimeLimit() async throws {
        let cancellator = Cancellator(
            children: ChildProcesses(), cleanupRunner: FoundationProcessRunner(timeLimit: 1, terminationGrace: 0.5))
        let outcome = ErrorBox()
        let start = Date()
        let status = try await cancellator.withCleanup({ runner in
            do { _ = try runner.runBlocking(Command("sleep", ["300"])) } catch { outcome.value = error }
        }) { Int32(7) }
        #expect(status == 7)
        #expect(outcome.value is ProcessTimedOut)
        #expect(Date().timeIntervalSince(start) < 30, "a hang guard: a dead engine must not hold the exit")
        #expect(cancellator.registeredCleanups.isEmpty)
    }

    @Test func aCleanupRunsOnceWhenTheBodyFails() async throws {
        let runs = Counter()
        let cancellator = Cancellator(children: ChildProcesses(), cleanupRunner: RecordingRunner())
        await #expect(throws: WorkflowsError.self) {
            try await cancellator.withCleanup({ _ in runs.increment() }) { () async throws -> Int in
                throw WorkflowsError(.failed, "the body failed")
            }
        }
        cancellator.runPendingCleanups()
        #expect(runs.value == 1)
    }
}

/// This process's open descriptors, and other processes', from /proc.
enum DescriptorTable {
    /// Descriptor number to what it refers to (`pipe:[…]`, `socket:[…]`, a path).
    static func entries(of pid: Int32? = nil) -> [Int32: String] {
        let folder = "/proc/\(pid.map(String.init) ?? "self")/fd"
        var result: [Int32: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let number = Int32(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(name)")
            else { continue }
            result[number] = target
        }
        return result
    }

    /// True when `pid` is a child of this process that exited and was never reaped.
    static func isZombieChild(_ pid: Int32) -> Bool {
        guard let fields = statFields(pid), fields.count > 1 else { return false }
        return fields[0] == "Z" && Int32(fields[1]) == getpid()
    }

    /// True while `pid` runs (it exists and is not a zombie).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let state = statFields(pid)?.first else { return false }
        return state != "Z" && state != "X"
    }

    /// The fields of /proc/PID/stat after the command's name: state, parent, group, ...
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    var value: Error? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Polls `condition` every 20 ms for up to 10 s.
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<500 where !condition() { try await Task.sleep(nanoseconds: 20_000_000) }
    try #require(condition())
}
