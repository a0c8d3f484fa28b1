import Foundation

/// The CI system a run is on, from the variables each sets in every job, and what that changes: how a
/// step's output is folded in the log, how problems are flagged, and where the reports go by default.
enum CISystem: String, Sendable, Equatable {
    case github
    case gitlab
    case azure
    case jenkins

    /// `GITHUB_ACTIONS=true`, `GITLAB_CI=true`, `TF_BUILD=True` (Azure Pipelines), `JENKINS_URL` set;
    /// nil elsewhere. The first that matches, in that order.
    static func detect(in environment: [String: String]) -> CISystem? {
        if environment["GITHUB_ACTIONS"] == "true" { return .github }
        if environment["GITLAB_CI"] == "true" { return .gitlab }
        if environment["TF_BUILD"]?.lowercased() == "true" { return .azure }
        if let url = environment["JENKINS_URL"], !url.isEmpty { return .jenkins }
        return nil
    }

    /// The report folder when no `--report-dir` names one: GitHub's job temporary folder; GitLab's and
    /// Jenkins' checkout (their artifacts must lie in it; the tree check ignores it); Azure's artifact
    /// staging folder.
    func defaultReportDirectory(_ environment: [String: String]) -> String? {
        let base = environment[reportBaseVariable]
        guard let base, !base.isEmpty else { return nil }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + CISystem.reportFolderName
    }

    /// The variable whose folder holds the default report folder.
    var reportBaseVariable: String {
        switch self {
        case .github: return "RUNNER_TEMP"
        case .gitlab: return "CI_PROJECT_DIR"
        case .azure: return "BUILD_ARTIFACTSTAGINGDIRECTORY"
        case .jenkins: return "WORKSPACE"
        }
    }

    /// The system's name and the variable that told it.
    var detectedBy: String {
        switch self {
        case .github: return "GitHub Actions (GITHUB_ACTIONS=true)"
        case .gitlab: return "GitLab CI (GITLAB_CI=true)"
        case .azure: return "Azure Pipelines (TF_BUILD=True)"
        case .jenkins: return "Jenkins (JENKINS_URL)"
        }
    }

    static let reportFolderName = "workflows-report"
}

/// GitLab CI's collapsible log sections: `ESC[0Ksection_start:UNIX:NAME[collapsed=true]CR ESC[0KHeader`
/// and `ESC[0Ksection_end:UNIX:NAME CR ESC[0K`. The name allows letters, digits, `_`, `.` and `-`.
enum GitLabCI {
    static let eraseLine = "\u{1B}[0K"

    static func sectionName(_ step: String) -> String {
        "workflows_" + String(step.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) ? $0 : "_" })
    }

    static func sectionStart(_ step: String, at time: Date, collapsed: Bool = true) -> String {
        eraseLine + "section_start:\(Int(time.timeIntervalSince1970)):\(sectionName(step))"
            + (collapsed ? "[collapsed=true]" : "") + "\r" + eraseLine + step
    }

    static func sectionEnd(_ step: String, at time: Date) -> String {
        eraseLine + "section_end:\(Int(time.timeIntervalSince1970)):\(sectionName(step))\r" + eraseLine
    }
}

/// Azure Pipelines' logging commands, which the agent reads from standard output.
enum AzurePipelines {
    /// The agent's escapes (azure-pipelines-agent, `CommandStringConvertor`): `%` first, as `%AZP25`,
    /// then `;` `%3B`, CR `%0D`, LF `%0A`, `]` `%5D`; for property values and the message alike.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%AZP25").replacingOccurrences(of: ";", with: "%3B")
            .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
            .replacingOccurrences(of: "]", with: "%5D")
    }

    static func group(_ name: String) -> String {
        "##[group]" + escape(name)
    }

    static let endGroup = "##[endgroup]"

    /// `##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=X]MESSAGE`; `type=warning`
    /// for a finding of a gate that passed (hadolint's under its failure threshold).
    static func logIssue(
        _ message: String, type: String = "error", file: String? = nil, line: Int? = nil, column: Int? = nil,
        code: String? = nil
    ) -> String {
        let properties = [
            "type=" + type, file.map { "sourcepath=" + escape($0) }, line.map { "linenumber=\($0)" },
            column.map { "columnnumber=\($0)" }, code.map { "code=" + escape($0) },
        ].compactMap { $0 }
        return "##vso[task.logissue " + properties.joined(separator: ";") + "]" + escape(message)
    }

    /// Attaches a Markdown file (an absolute path) to the run's Extensions tab.
    static func uploadSummary(_ path: String) -> String {
        "##vso[task.uploadsummary]" + escape(path)
    }

    /// The run's problems as issues: every finding and failed test, and every other failed step's error.
    static func issues(for report: RunReport) -> [String] {
        report.steps.flatMap { step -> [String] in
            switch (step.verdict, step.gates) {
            case (.skipped, _), (.interrupted, _): return []
            case (_, let gates?) where !gates.isEmpty: return gates.flatMap { issues(for: $0, in: step.name) }
            case (.failed, _): return [logIssue(step.message ?? "\(step.name) failed", code: step.name)]
            default: return []
            }
        }
    }

    static func issues(for gate: GateReport, in step: String) -> [String] {
        var lines = gate.findings.map { finding in
            logIssue(
                gate.name + ": " + finding.message, type: gate.fails(finding) ? "error" : "warning", file: finding.file, line: finding.line, column: finding.column,
                code: finding.code ?? gate.name)
        }
        for test in gate.tests ?? [] where test.outcome == .failed || test.outcome == .error {
            let name = [test.classname, test.name].filter { !$0.isEmpty }.joined(separator: ".")
            lines.append(logIssue(
                "\(gate.name) \(name)" + (test.outcome == .error ? " (error)" : "") + ": "
                    + (test.message ?? test.outcome.rawValue), file: test.file, line: test.line, code: gate.name))
        }
        if let unexplained = gate.unexplainedFailure(in: step) { lines.append(logIssue(unexplained, code: gate.name)) }
        return lines
    }
}
