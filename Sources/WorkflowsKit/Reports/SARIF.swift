import Foundation

/// `report.sarif`: SARIF 2.1.0 (OASIS), which GitHub code scanning and Jenkins' Warnings NG read. One run
/// per linter gate that ran (pytest's failures are tests, in junit.xml), its `tool.driver` with the rules
/// its findings name, each result at its repository path (`%SRCROOT%`, the checkout) and line, with the
/// fingerprint `gl-code-quality-report.json` gives the same finding; `tool.driver.version` is the version
/// the project pins (`GateReport.toolVersion`), absent when nothing pins the tool. Valid against the SARIF 2.1.0 JSON
/// schema (the tests check it).
enum SARIF {
    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// Where each tool documents its rules.
    static func informationURI(_ gate: String) -> String? {
        switch gate {
        case "black": return "https://black.readthedocs.io/"
        case "isort": return "https://pycqa.github.io/isort/"
        case "flake8": return "https://flake8.pycqa.org/"
        case "mypy": return "https://mypy.readthedocs.io/"
        case "ruff", "ruff-format": return "https://docs.astral.sh/ruff/"
        case "hadolint": return Hadolint.informationURI
        default: return nil
        }
    }

    /// Where a rule is explained, for the tools that document each rule on a page of its own.
    static func helpURI(_ gate: String, rule: String) -> String? {
        guard gate == Gate.hadolint.name, let first = rule.first, first == "D" || first == "S", rule.count > 2 else { return nil }
        return rule.hasPrefix("SC") ? "https://www.shellcheck.net/wiki/\(rule)" : "\(Hadolint.informationURI)/wiki/\(rule)"
    }

    /// A result's level: the tool's own grade where it has one (hadolint: `error`, `warning`, `info` and
    /// `style` as `note`); `error` for the others, whose every finding fails the gate; `warning` for a
    /// finding that did not fail its gate.
    static func level(_ finding: Finding, failsItsGate: Bool) -> String {
        switch finding.level {
        case "warning": return "warning"
        case "info", "style": return "note"
        default: return failsItsGate ? "error" : "warning"
        }
    }

    static func document(_ report: RunReport) throws -> Data {
        let findings = IdentifiedFinding.all(in: report)
        var runs: [[String: Any]] = []
        var seenGates: Set<String> = []
        for step in report.steps where step.verdict != .skipped {
            for gate in step.gates ?? [] where gate.name != Gate.pytest.name && seenGates.insert(gate.name).inserted {
                runs.append(run(gate, in: step, findings: findings.filter { $0.gate == gate.name }))
            }
        }
        let document: [String: Any] = ["$schema": schemaURI, "version": "2.1.0", "runs": runs]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            + Data("\n".utf8)
    }

    private static func run(_ gate: GateReport, in step: StepReport, findings: [IdentifiedFinding]) -> [String: Any] {
        var rules: [String] = []
        for item in findings where !rules.contains(item.ruleID) { rules.append(item.ruleID) }
        var driver: [String: Any] = [
            "name": gate.name,
            "rules": rules.map { rule -> [String: Any] in
                var entry: [String: Any] = ["id": rule, "shortDescription": ["text": "\(gate.name) \(rule)"]]
                if let uri = helpURI(gate.name, rule: rule) { entry["helpUri"] = uri }
                return entry
            },
        ]
        if let uri = informationURI(gate.name) { driver["informationUri"] = uri }
        if let version = gate.toolVersion { driver["version"] = version }
        let results = findings.map { item -> [String: Any] in
            var region: [String: Any] = [:]
            if let line = item.finding.line, line > 0 { region["startLine"] = line }
            if let column = item.finding.column, column > 0, region["startLine"] != nil { region["startColumn"] = column }
            let file = item.finding.file
            // A file outside the checkout (a tool's own stub) keeps its absolute path.
            let artifact: [String: Any] = file.hasPrefix("/")
                ? ["uri": "file://" + uriReference(file)] : ["uri": uriReference(file), "uriBaseId": "%SRCROOT%"]
            var physical: [String: Any] = ["artifactLocation": artifact]
            if !region.isEmpty { physical["region"] = region }
            return [
                "ruleId": item.ruleID, "ruleIndex": rules.firstIndex(of: item.ruleID) ?? 0,
                "level": level(item.finding, failsItsGate: gate.fails(item.finding)),
                "message": ["text": item.finding.message.isEmpty ? item.ruleID : item.finding.message],
                "locations": [["physicalLocation": physical]],
                "partialFingerprints": ["workflows/v1": item.fingerprint],
            ]
        }
        // A gate that failed without a finding that failed it did not run as it should have.
        let recognised = gate.unexplainedFailure(in: step.name) == nil
        return [
            "tool": ["driver": driver],
            "automationDetails": ["id": "\(step.name)/\(gate.name)/"],
            "invocations": [[
                "executionSuccessful": recognised && gate.verdict != .interrupted,
                "commandLine": ShellQuoting.line(gate.command),
            ]],
            "results": results,
        ]
    }

    /// A relative path as a URI reference: each segment percent-encoded, the slashes kept.
    static func uriReference(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":;?#%")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }.joined(separator: "/")
    }
}
