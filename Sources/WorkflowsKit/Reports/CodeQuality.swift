import Foundation

/// `gl-code-quality-report.json`: GitLab's Code Quality report (`artifacts:reports:codequality`), which
/// its merge requests show as new and fixed findings. A JSON array of issues, each with `description`,
/// `check_name`, `fingerprint` (GitLab merges equal ones, and compares them across pipelines), `severity`
/// (`info`, `minor`, `major`, `critical`, `blocker`), `location.path` relative to the repository root and
/// `location.lines.begin`. UTF-8 without a BOM.
enum CodeQuality {
    struct Issue: Codable, Equatable {
        struct Location: Codable, Equatable {
            struct Lines: Codable, Equatable {
                var begin: Int
            }

            var path: String
            var lines: Lines
        }

        var type = "issue"
        var description: String
        var check_name: String
        var fingerprint: String
        var severity: String
        var categories: [String]
        var location: Location
    }

    static func issues(_ report: RunReport) -> [Issue] {
        IdentifiedFinding.all(in: report).map { item in
            Issue(
                description: "\(item.gate): " + (item.finding.code.map { "\($0) " } ?? "") + item.finding.message,
                check_name: "\(item.gate)/\(item.ruleID)", fingerprint: item.fingerprint, severity: item.severity,
                categories: [["minor", "info"].contains(item.severity) ? "Style" : "Bug Risk"],
                location: Issue.Location(path: item.finding.file, lines: .init(begin: item.finding.line ?? 1)))
        }
    }

    /// The document: pretty printed, keys sorted, a final newline; `[]` when nothing was found.
    static func document(_ report: RunReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(issues(report)) + Data("\n".utf8)
    }
}
