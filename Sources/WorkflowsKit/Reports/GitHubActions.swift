import Foundation

/// GitHub Actions' workflow commands, which the runner reads from standard output, and its step
/// summary. Annotations go on the lines of the pull request's diff; GitHub shows at most 10 error
/// annotations per step (50 per job), so `annotations` keeps the first 10 and says how many more there are.
enum GitHubActions {
    /// Error annotations GitHub shows for one step.
    static let annotationLimit = 10
    /// GitHub's limit for one step's summary; what is appended stays under it.
    static let stepSummaryLimit = 1 << 20

    /// `GITHUB_ACTIONS=true`: the runner sets it in every step.
    static func isRunning(in environment: [String: String]) -> Bool {
        environment["GITHUB_ACTIONS"] == "true"
    }

    // MARK: - Workflow commands

    /// A command's message: `%`, CR and LF as `%25`, `%0D`, `%0A`.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A command's property value: the message's escapes, and `:` and `,` as `%3A`, `%2C`.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// Starts a collapsible group in the log; `endGroup` ends it.
    static func group(_ name: String) -> String {
        "::group::" + escapeData(name)
    }

    static let endGroup = "::endgroup::"

    /// `::error file=F,line=L,col=C,title=T::MESSAGE`, with the properties that are known.
    static func error(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil, title: String? = nil)
        -> String
    {
        let properties = [
            file.map { "file=" + escapeProperty($0) }, line.map { "line=\($0)" }, column.map { "col=\($0)" },
            title.map { "title=" + escapeProperty($0) },
        ].compactMap { $0 }
        return "::error" + (properties.isEmpty ? "" : " " + properties.joined(separator: ",")) + "::" + escapeData(message)
    }

    /// `::warning file=F,line=L,col=C,title=T::MESSAGE`: a finding of a gate that passed.
    static func warning(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil, title: String? = nil)
        -> String
    {
        "::warning" + error(message, file: file, line: line, column: column, title: title).dropFirst("::error".count)
    }

    static func notice(_ message: String) -> String {
        "::notice::" + escapeData(message)
    }

    // MARK: - Annotations

    /// The run's problems as error annotations: each gate's findings and failed tests (a failed gate with
    /// neither gets one of its own), and each other failed step's error. At most `limit`, taken in turn
    /// from each gate and step so that one noisy formatter does not hide the failed tests, and listed in
    /// the run's order; then a notice with how many more there are. An interrupted step has none: the
    /// signal was the news.
    static func annotations(for report: RunReport, limit: Int = annotationLimit) -> [String] {
        let groups = report.steps.flatMap { step -> [[String]] in
            switch (step.verdict, step.gates) {
            case (.skipped, _), (.interrupted, _): return []
            case (_, let gates?) where !gates.isEmpty: return gates.map { errors(for: $0, in: step.name) }
            case (.failed, _): return [[error(step.message ?? "\(step.name) failed", title: step.name)]]
            default: return []
            }
        }
        return limited(groups, limit)
    }

    /// The errors first, then the warnings (findings that did not fail the gate), so that the limit never
    /// keeps a warning in place of an error.
    static func errors(for gate: GateReport, in step: String) -> [String] {
        func title(_ finding: Finding) -> String { [gate.name, finding.code].compactMap { $0 }.joined(separator: " ") }
        var lines = gate.findings.filter(gate.fails).map { finding in
            error(finding.message, file: finding.file, line: finding.line, column: finding.column, title: title(finding))
        }
        for test in gate.tests ?? [] where test.outcome == .failed || test.outcome == .error {
            let name = [test.classname, test.name].filter { !$0.isEmpty }.joined(separator: ".")
            lines.append(error(
                test.message ?? test.outcome.rawValue, file: test.file, line: test.line,
                title: "\(gate.name) \(name)" + (test.outcome == .error ? " (error)" : "")))
        }
        if let unexplained = gate.unexplainedFailure(in: step) { lines.append(error(unexplained, title: gate.name)) }
        return lines + gate.findings.filter { !gate.fails($0) }.map { finding in
            warning(finding.message, file: finding.file, line: finding.line, column: finding.column, title: title(finding))
        }
    }

    /// At most `limit` of the groups' lines, round-robin (the first of each group, then the second, …),
    /// in their order, and a notice when some are left out.
    private static func limited(_ groups: [[String]], _ limit: Int) -> [String] {
        let total = groups.map(\.count).reduce(0, +)
        guard total > limit else { return groups.flatMap { $0 } }
        var taken = groups.map { _ in 0 }
        var count = 0
        var round = 0
        while count < limit {
            for index in groups.indices where count < limit && groups[index].count > round {
                taken[index] += 1
                count += 1
            }
            round += 1
        }
        let more = total - limit
        return zip(groups, taken).flatMap { $0.prefix($1) } + [
            notice(
                "\(more) more \(more == 1 ? "finding or failed test" : "findings and failed tests") than GitHub "
                    + "annotates: see the step summary, junit.xml and report.json.")
        ]
    }

    // MARK: - Step summary

    /// Appends the run's summary (`StepSummary`) to the file `GITHUB_STEP_SUMMARY` names, keeping the
    /// file under GitHub's 1 MiB; nothing without the variable. Returns whether it wrote.
    @discardableResult
    static func appendStepSummary(_ report: RunReport, environment: [String: String]) throws -> Bool {
        guard let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return false }
        let fileManager = FileManager.default
        let url = URL(fileURLWithPath: path)
        let existing = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        let available = stepSummaryLimit - 1 - existing
        guard available >= StepSummary.minimumLength else { return false }
        let markdown = StepSummary.markdown(report, limit: available)
        do {
            if !fileManager.fileExists(atPath: path), !fileManager.createFile(atPath: path, contents: nil) {
                throw CocoaError(.fileWriteNoPermission)
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(markdown.utf8))
        } catch {
            throw WorkflowsError(
                .input, "Could not append the summary to \(path) (GITHUB_STEP_SUMMARY): \(error.localizedDescription)")
        }
        return true
    }
}
