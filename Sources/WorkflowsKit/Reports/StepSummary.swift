import Foundation

/// The run as GitHub-flavoured Markdown for the job's summary page: the steps' table; under each step
/// that ran gates, the gates' table, the first findings and the failed tests; the health check's result;
/// the pushed references with their digests; a failed step's error.
enum StepSummary {
    /// Findings and failed tests listed per gate; the rest are counted, and are in junit.xml.
    static let listedPerGate = 5
    /// Less room than this and the summary is not worth writing.
    static let minimumLength = 256

    /// At most `limit` bytes of UTF-8: past it the text is cut at a line and says so.
    static func markdown(_ report: RunReport, limit: Int = GitHubActions.stepSummaryLimit - 1) -> String {
        var lines: [String] = []
        lines.append("### workflows: \(headline(report))")
        lines.append("")
        lines.append(context(report).joined(separator: " · "))
        lines.append("")
        lines.append("| Step | Verdict | Duration |")
        lines.append("| --- | --- | ---: |")
        for step in report.steps {
            lines.append(row([
                code(step.name), verdict(step.verdict), step.verdict == .skipped ? "" : Seconds.format(step.durationSeconds),
            ]))
        }
        for step in report.steps where step.verdict != .skipped {
            lines += details(step)
        }
        return capped(lines.joined(separator: "\n") + "\n", limit: limit)
    }

    private static func headline(_ report: RunReport) -> String {
        switch report.outcome {
        case .passed: return "passed"
        case .failed: return "failed"
        case .interrupted: return "interrupted" + (report.interruptedBy.map { " by \($0)" } ?? "")
        }
    }

    private static func context(_ report: RunReport) -> [String] {
        var parts = [code((["workflows"] + report.commandLine).joined(separator: " ")), "run " + code(report.runID)]
        if let git = report.git {
            parts.append(
                "commit " + code(String(git.commit.prefix(12))) + " on " + code(git.branch)
                    + (git.tree == .dirty ? " (uncommitted changes)" : git.tree == .unknown ? " (git could not tell if the tree is clean)" : ""))
        }
        parts.append(Seconds.format(report.durationSeconds))
        return parts
    }

    private static func details(_ step: StepReport) -> [String] {
        var lines: [String] = []
        let gates = step.gates ?? []
        let pushed = step.publish?.references ?? []
        let services = step.services ?? []
        guard !gates.isEmpty || step.health != nil || !pushed.isEmpty || step.message != nil || !services.isEmpty
        else { return [] }
        lines += ["", "#### " + code(step.name), ""]
        if let message = step.message {
            lines += ["```text", message.replacingOccurrences(of: "```", with: "'''"), "```", ""]
        }
        if !gates.isEmpty {
            lines.append("| Gate | Verdict | Duration | Findings | Tests | Failures | Errors | Skipped |")
            lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for gate in gates {
                let counts = gate.counts
                lines.append(row([
                    code(gate.name), verdict(gate.verdict), Seconds.format(gate.durationSeconds), "\(counts.findings)",
                    "\(counts.tests)", "\(counts.failures)", "\(counts.errors)", "\(counts.skipped)",
                ]))
            }
            lines += problems(gates)
            for coverage in gates.compactMap(\.coverage) {
                lines += ["", escape(coverage.sentence) + " (`coverage.xml`)"]
            }
        }
        if !services.isEmpty {
            // A table needs a blank line before it, or Markdown runs it into the gates' table or sentence.
            if lines.last != "" { lines.append("") }
            lines += ["| Service | Image | Healthy after | Judged by |", "| --- | --- | ---: | --- |"]
            for service in services {
                lines.append(row([
                    code(service.name) + (service.shared ? " (shared)" : ""), escape(service.image),
                    service.secondsToHealthy.map { Seconds.format($0) } ?? escape(service.status), escape(service.probe),
                ]))
            }
            lines.append("")
        }
        if let health = step.health {
            lines.append(
                "Health: **\(escape(health.status))**"
                    + (health.secondsToHealthy.map { " after \(Seconds.format($0))" } ?? ""))
            if !health.lastProbes.isEmpty {
                lines += ["", "| Probe exit code | Output |", "| ---: | --- |"]
                for probe in health.lastProbes { lines.append(row(["\(probe.exitCode)", escape(probe.output)])) }
            }
        }
        if !pushed.isEmpty {
            lines += ["| Pushed | Digest |", "| --- | --- |"]
            for reference in pushed {
                lines.append(row([code(reference.reference), reference.digest.map(code) ?? "unknown"]))
            }
        }
        return lines
    }

    /// The first findings and failed tests of each of a step's gates, then how many more there are.
    private static func problems(_ gates: [GateReport]) -> [String] {
        var rows: [String] = []
        var total = 0
        for gate in gates {
            // Those that failed the gate first: the few listed are the ones that matter; a graded finding
            // (hadolint's) shows its level.
            let ordered = gate.findings.filter(gate.fails) + gate.findings.filter { !gate.fails($0) }
            var gateRows = ordered.map { finding in
                let place = finding.file + [finding.line, finding.column].compactMap { $0.map { ":\($0)" } }.joined()
                let rule = [finding.code, finding.level.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                return row([code(gate.name), code(place), escape(rule), escape(finding.message)])
            }
            for test in gate.tests ?? [] where test.outcome == .failed || test.outcome == .error {
                let place = test.file.map { $0 + (test.line.map { ":\($0)" } ?? "") }
                let name = [test.classname, test.name].filter { !$0.isEmpty }.joined(separator: ".")
                gateRows.append(row([
                    code(gate.name), place.map(code) ?? "", test.outcome.rawValue,
                    code(name) + ": " + escape(test.message ?? ""),
                ]))
            }
            total += gateRows.count
            rows += gateRows.prefix(listedPerGate)
        }
        guard !rows.isEmpty else { return [] }
        var lines = ["", "| Gate | Where | Code | Finding or failed test |", "| --- | --- | --- | --- |"] + rows
        if total > rows.count {
            lines += ["", "…and \(total - rows.count) more in `junit.xml` and `report.json`."]
        }
        return lines
    }

    private static func verdict(_ verdict: StepReport.Verdict) -> String {
        switch verdict {
        case .passed: return "✅ passed"
        case .failed: return "❌ failed"
        case .skipped: return "⏭️ skipped"
        case .interrupted: return "⏹️ interrupted"
        }
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    /// Text in a table cell: one line, and Markdown's and HTML's special characters taken literally.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\n", "\r", "\r\n", "\t": result.append(" ")
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "~", "#", "!":
                result.append("\\")
                result.append(character)
            default: result.append(character)
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// A code span in a table cell: backslash escapes do not work inside one, but the table's `\|` does.
    static func code(_ text: String) -> String {
        let flat = text.map { $0.isNewline ? " " : String($0) }.joined()
        return "`" + flat.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// Cut at the last whole line that fits, with a last line that says so.
    static func capped(_ markdown: String, limit: Int) -> String {
        guard markdown.utf8.count > limit else { return markdown }
        let note = "\n\n…cut here to stay under GitHub's summary limit: the whole run is in `junit.xml` and `report.json`.\n"
        let head = ReportText.prefix(markdown, bytes: max(0, limit - note.utf8.count))
        let whole = head.lastIndex(of: "\n").map { String(head[..<$0]) } ?? ""
        return whole + note
    }
}
