import Foundation

/// Each gate's verdict; every gate runs, and the step fails if any failed.
public struct GateResult: Sendable, Equatable {
    public var name: String
    public var passed: Bool
    public var seconds: Double
}

enum GateVerdicts {
    /// Runs every gate, even after one fails, and timing each.
    static func runAll(
        _ gates: [Gate], cancellator: Cancellator, _ runGate: (Gate) async throws -> Bool
    ) async throws -> [GateResult] {
        var results: [GateResult] = []
        for gate in gates {
            if cancellator.cancellingSignal != nil { throw CancellationError() }
            let start = Date()
            let passed = try await runGate(gate)
            results.append(GateResult(name: gate.name, passed: passed, seconds: Date().timeIntervalSince(start)))
        }
        return results
    }

    /// Prints the table and throws when a gate failed, naming the failed ones.
    static func report(_ results: [GateResult], where place: String, console: Console) throws {
        let width = (results.map(\.name.count).max() ?? 0) + 2
        console.info("Gates \(place):")
        for result in results {
            let line =
                "  " + result.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + (result.passed ? "passed" : "FAILED") + "  " + Seconds.format(result.seconds)
            result.passed ? console.success(line) : console.failure(line)
        }
        let failed = results.filter { !$0.passed }.map(\.name)
        guard failed.isEmpty else {
            throw WorkflowsError(
                .failed, "Quality gates failed \(place): \(failed.joined(separator: ", ")).",
                remedy: "Each gate's output is above. 'workflows style_code' fixes black and isort findings.")
        }
    }
}

/// Seconds as a person reads them: `2.4s`, `3m05s`.
enum Seconds {
    static func format(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
