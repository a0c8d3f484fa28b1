import Foundation

/// The run's linter findings once each, with a fingerprint that names the same problem in the next run:
/// the gate, rule, file and message, and which of its equal twins in that file it is, never the line
/// or column (an edit above a finding moves it, and it stays the same finding). A gate run in two steps
/// (on the host and in the image) reports a problem twice; it is kept once, from the first step.
struct IdentifiedFinding: Equatable {
    var step: String
    var gate: String
    var finding: Finding
    /// 64 hex digits of SHA-256.
    var fingerprint: String

    static func all(in report: RunReport) -> [IdentifiedFinding] {
        var seen: Set<String> = []
        var result: [IdentifiedFinding] = []
        for step in report.steps where step.verdict != .skipped {
            for gate in step.gates ?? [] {
                var twins: [String: Int] = [:]
                for finding in gate.findings {
                    let identity = [gate.name, finding.code ?? "", finding.file, finding.message].joined(separator: "\u{0}")
                    let occurrence = twins[identity, default: 0]
                    twins[identity] = occurrence + 1
                    let fingerprint = SHA256.hex(Data((identity + "\u{0}\(occurrence)").utf8))
                    guard seen.insert(fingerprint).inserted else { continue }
                    result.append(IdentifiedFinding(step: step.name, gate: gate.name, finding: finding, fingerprint: fingerprint))
                }
            }
        }
        return result
    }

    /// GitLab's severities, from the rule: what cannot be parsed or names nothing is critical, mypy's
    /// type errors and pyflakes' (F) are major, style (E, W, other rules, the formatters) is minor.
    var severity: String {
        let code = finding.code ?? ""
        // hadolint grades its own: a Dockerfile it cannot parse is critical, an error major (a wrong
        // WORKDIR, ADD for COPY), a warning minor (unpinned packages), info and style info.
        if let level = finding.level {
            if code == "DL1000" { return "critical" }
            switch level {
            case "error": return "major"
            case "warning": return "minor"
            default: return "info"
            }
        }
        if ["invalid-syntax", "syntax", "E999"].contains(code) || finding.message.hasPrefix("cannot parse")
            || ["E9", "F63", "F7", "F82"].contains(where: { code.hasPrefix($0) && code.dropFirst($0.count).allSatisfy(\.isNumber) })
        {
            return "critical"
        }
        if gate == "mypy" || (code.hasPrefix("F") && code.dropFirst().allSatisfy(\.isNumber) && code.count > 1) {
            return "major"
        }
        return "minor"
    }

    /// The rule's ID: the tool's code, else the formatter's verdict (`would-reformat`, `cannot-parse`).
    var ruleID: String {
        if let code = finding.code { return code }
        let words = finding.message.prefix { $0 != ":" }.lowercased().split(separator: " ").prefix(3)
        let slug = words.joined(separator: "-")
        return slug.isEmpty ? gate : slug
    }
}
