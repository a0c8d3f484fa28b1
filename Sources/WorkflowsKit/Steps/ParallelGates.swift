import Foundation

/// What one gate did: its verdict, time, the command and its whole output.
struct GateRun: Sendable, Equatable {
    var gate: Gate
    var passed: Bool
    var seconds: Double
    var command: [String]
    var standardOutput: String
    var standardError: String
    /// pytest's JUnit XML, when the gate wrote it.
    var junit: Data? = nil
    /// pytest-cov's Cobertura XML, when the gate wrote it.
    var coverage: Data? = nil
    /// Stopped (or never started) because its step was stopped: the health check failed meanwhile.
    var interrupted = false

    /// A gate that its step's stop ended, or kept from starting, after `seconds`.
    static func interrupted(_ gate: Gate, after seconds: Double = 0, command: [String] = []) -> GateRun {
        GateRun(
            gate: gate, passed: false, seconds: seconds, command: command, standardOutput: "", standardError: "",
            interrupted: true)
    }

    var verdict: StepReport.Verdict { interrupted ? .interrupted : passed ? .passed : .failed }

    /// The gate's entry as the project reads it, wherever it ran: paths from the gate's own folder (hadolint's
    /// are the repository's), the project's pin of the tool, and hadolint's threshold.
    func report(for project: Project, workingDirectory: String?, repositoryRoot: URL? = nil) -> GateReport {
        let inRoot = gate == .hadolint
        var report = report(
            sourceRoot: inRoot ? "." : project.repositoryPath(ofSource: project.workingDirectory(of: gate)),
            workingDirectory: workingDirectory, repositoryRoot: repositoryRoot)
        report.toolVersion = project.toolVersion(of: gate)
        if inRoot { report.failureThreshold = project.hadolintThreshold }
        return report
    }

    /// The gate's entry in the run's report; paths in its output are the image's (or the host's) working
    /// directory's, which is the project's source root.
    func report(sourceRoot: String, workingDirectory: String?, repositoryRoot: URL? = nil) -> GateReport {
        GateReport(
            gate: gate, verdict: verdict, durationSeconds: seconds, command: command,
            output: [standardOutput, standardError].filter { !$0.isEmpty }.joined(separator: "\n"), pytestJUnit: junit,
            coverageXML: coverage, repositoryRoot: repositoryRoot, sourceRoot: sourceRoot, workingDirectory: workingDirectory)
    }
}

/// Runs gates at most `limit` at once. Each gate's output is kept and printed whole, in the gates' order,
/// as soon as it and the gates before it have finished: never interleaved. On a terminal a status line
/// shows which gates run and for how long; elsewhere (CI) only plain lines are printed. When the task is
/// cancelled (the health check failed beside the gates), the gates that finished keep their verdicts and
/// the others come back `interrupted`; a signal still stops it at once.
struct ParallelGates: Sendable {
    var limit: Int
    var console: Console
    var cancellator: Cancellator

    func run(_ gates: [Gate], _ runGate: @escaping @Sendable (Gate) async throws -> GateRun) async throws -> [GateRun] {
        let board = GateBoard(gates: gates)
        let width = max(1, min(limit, gates.count))
        console.info("Running \(gates.count) gate\(gates.count == 1 ? "" : "s"), \(width) at once: "
            + gates.map(\.name).joined(separator: ", "))
        let ticker = console.isInteractive ? Task { await tick(board) } : nil
        defer { ticker?.cancel() }
        let order = Self.startOrder(gates)
        try await withThrowingTaskGroup(of: GateEnd.self) { group in
            var next = 0
            func launch() {
                guard next < order.count, !Task.isCancelled else { return }
                let index = order[next]
                next += 1
                board.started(index)
                group.addTask {
                    do { return GateEnd(index: index, result: .success(try await runGate(gates[index]))) } catch {
                        return GateEnd(index: index, result: .failure(error))
                    }
                }
            }
            for _ in 0..<width { launch() }
            while let end = try await group.next() {
                let (index, result) = (end.index, end.result)
                if cancellator.cancellingSignal != nil {
                    group.cancelAll()
                    throw CancellationError()
                }
                switch result {
                case .success(let run):
                    // It ended on its own (a stopped process throws): its verdict stands.
                    board.finished(index, run)
                case .failure(let error) where error is CancellationError || Task.isCancelled:
                    board.finished(index, .interrupted(gates[index], after: board.secondsSinceStart(index)))
                case .failure(let error):
                    group.cancelAll()
                    throw error
                }
                for ready in board.takePrintable() { print(ready) }
                launch()
            }
        }
        if Task.isCancelled {
            for index in gates.indices where !board.isDone(index) { board.finished(index, .interrupted(gates[index])) }
            for ready in board.takePrintable() { print(ready) }
        }
        console.clearStatus()
        return board.results
    }

    /// The order the gates start in: the slow ones first (mypy, then pytest), so that on few CPUs the
    /// longest gate does not start last and hold up the end. Output keeps the gates' own order.
    static func startOrder(_ gates: [Gate]) -> [Int] {
        let slowFirst: [Gate] = [.mypy, .pytest]
        func rank(_ index: Int) -> (Int, Int) { (slowFirst.firstIndex(of: gates[index]) ?? slowFirst.count, index) }
        return gates.indices.sorted { rank($0) < rank($1) }
    }

    private func print(_ run: GateRun) {
        guard !run.interrupted else {
            console.info("\(run.gate.name) interrupted" + (run.seconds > 0 ? " after \(Seconds.format(run.seconds))" : " before it started"))
            return
        }
        console.command(run.command)
        if !run.standardOutput.isEmpty { console.info(run.standardOutput.trimmingCharacters(in: .newlines)) }
        if !run.standardError.isEmpty { console.info(run.standardError.trimmingCharacters(in: .newlines)) }
        let verdict = "\(run.gate.name) \(run.passed ? "passed" : "FAILED") in \(Seconds.format(run.seconds))" + testCount(run)
        run.passed ? console.success(verdict) : console.failure(verdict)
    }

    /// `: 3 tests` for a test runner whose cases are known (Django's from its output, pytest's from JUnit).
    private func testCount(_ run: GateRun) -> String {
        guard run.gate.runsTests, let tests = run.report(sourceRoot: ".", workingDirectory: nil).tests else { return "" }
        return ": \(tests.count) test\(tests.count == 1 ? "" : "s")"
    }

    private func tick(_ board: GateBoard) async {
        while !Task.isCancelled {
            console.status(board.statusLine())
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
    }
}

/// How one gate's task ended. A struct, not a tuple: Swift 6.3.1's optimizer miscompiles a task group whose
/// child result is `(Int, Result<GateRun, Error>)` (the index came back 0 or garbage in `-c release`, so
/// verdicts were lost); a struct holding the same fields is compiled right. `ReleaseBuild` guards it.
private struct GateEnd: Sendable {
    var index: Int
    var result: Result<GateRun, Error>
}

/// Which gates run and which are done, shared by the group's tasks and the status line.
private final class GateBoard: @unchecked Sendable {
    private let lock = NSLock()
    private let gates: [Gate]
    private var startTimes: [Int: Date] = [:]
    private var done: [Int: GateRun] = [:]
    private var printed = 0

    init(gates: [Gate]) { self.gates = gates }

    func started(_ index: Int) { lock.withLock { startTimes[index] = Date() } }

    func finished(_ index: Int, _ run: GateRun) { lock.withLock { done[index] = run } }

    func isDone(_ index: Int) -> Bool { lock.withLock { done[index] != nil } }

    func secondsSinceStart(_ index: Int) -> Double {
        lock.withLock { startTimes[index].map { Date().timeIntervalSince($0) } ?? 0 }
    }

    /// The finished gates whose predecessors have all been printed, in order.
    func takePrintable() -> [GateRun] {
        lock.withLock {
            var ready: [GateRun] = []
            while let run = done[printed] {
                ready.append(run)
                printed += 1
            }
            return ready
        }
    }

    var results: [GateRun] { lock.withLock { gates.indices.compactMap { done[$0] } } }

    func statusLine() -> String {
        lock.withLock {
            let now = Date()
            let parts = gates.indices.map { index -> String in
                let name = gates[index].name
                if let run = done[index] { return "\(name) \(run.interrupted ? "interrupted" : run.passed ? "ok" : "FAILED")" }
                if let start = startTimes[index] { return "\(name) \(Seconds.format(now.timeIntervalSince(start)))" }
                return "\(name) waiting"
            }
            return "gates: " + parts.joined(separator: " | ")
        }
    }
}
