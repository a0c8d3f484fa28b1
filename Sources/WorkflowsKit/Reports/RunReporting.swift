import Foundation

/// Where a run's results go besides the terminal: `report.json` and `junit.xml` in the report folder
/// (whatever the outcome, a signal included), and on GitHub Actions the log groups, the error
/// annotations and the job's step summary.
struct RunReporting: Sendable {
    var directory: String?
    var environment: [String: String]
    var console: Console

    var onGitHubActions: Bool { GitHubActions.isRunning(in: environment) }

    /// Opens a collapsible group of the log for a step, on GitHub Actions.
    func begin(_ step: String) {
        if onGitHubActions { console.info(GitHubActions.group(step)) }
    }

    func end() {
        if onGitHubActions { console.info(GitHubActions.endGroup) }
    }

    /// Writes the reports; a report that cannot be written is a warning, never a changed verdict.
    func finish(_ report: RunReport) {
        if onGitHubActions {
            for line in GitHubActions.annotations(for: report) { console.info(line) }
            do {
                _ = try GitHubActions.appendStepSummary(report, environment: environment)
            } catch {
                console.warning("Could not append to GITHUB_STEP_SUMMARY: \(error)")
            }
        }
        guard let directory else { return }
        let folder = URL(fileURLWithPath: directory)
        do {
            try ReportWriter.write(report, to: folder)
            console.info("Reports: \(folder.appendingPathComponent("report.json").path), "
                + "\(folder.appendingPathComponent("junit.xml").path)")
        } catch {
            console.warning("Could not write the reports to \(directory): \(error)")
        }
    }
}
