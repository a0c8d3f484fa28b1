import Foundation

/// The table of every gate's verdict; the step fails if any failed, naming them.
enum GateVerdicts {
    /// A project with no gates passes, with this said once.
    static let nothingToAssess = "No gates: nothing to assess (the project configures none of the tools and has no "
        + "tests; 'workflows show_project' says where it looked)."

    /// A gate that its step's stop interrupted makes the step end with `CancellationError`, after the table:
    /// the step's stop (a failed health check) is the news, not the gates.
    static func report(_ runs: [GateRun], where place: String, console: Console) throws {
        let width = (runs.map(\.gate.name.count).max() ?? 0) + 2
        console.info("Gates \(place):")
        for run in runs {
            let line =
                "  " + run.gate.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + (run.interrupted ? "interrupted" : run.passed ? "passed" : "FAILED") + "  " + Seconds.format(run.seconds)
            if run.interrupted { console.info(line) } else if run.passed { console.success(line) } else { console.failure(line) }
        }
        if runs.contains(where: \.interrupted) { throw CancellationError() }
        let failed = runs.filter { !$0.passed }.map(\.gate)
        guard failed.isEmpty else {
            throw WorkflowsError(
                .failed, "Quality gates failed \(place): \(failed.map(\.name).joined(separator: ", ")).",
                remedy: remedy(failed))
        }
    }

    /// Where to look, and `style_code` only when a formatter it runs failed.
    static func remedy(_ failed: [Gate]) -> String {
        let formatters = failed.filter { [.black, .isort, .ruffFormat].contains($0) }.map(\.name)
        guard !formatters.isEmpty else { return "Each gate's output is above." }
        return "Each gate's output is above. 'workflows style_code' fixes what \(formatters.joined(separator: ", ")) found."
    }
}

/// Seconds as a person reads them: `2.4s`, `3m05s`.
enum Seconds {
    static func format(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
