import Foundation

/// Where a run's results go besides the terminal: the report files in the report folder (whatever the
/// outcome, a signal included), and on a CI system what it reads from the log: folded sections per step,
/// the problems flagged at their lines, and a summary page (GitHub's step summary, Azure's uploaded one).
/// Jenkins reads the files only.
struct RunReporting: Sendable {
    var directory: String?
    var environment: [String: String]
    var console: Console

    var ci: CISystem? { CISystem.detect(in: environment) }

    /// Opens a collapsible section of the log for a step.
    func begin(_ step: String) {
        switch ci {
        case .github: console.info(GitHubActions.group(step))
        case .gitlab: console.info(GitLabCI.sectionStart(step, at: Date()))
        case .azure: console.info(AzurePipelines.group(step))
        case .jenkins, nil: break
        }
    }

    /// Closes the section `begin(step)` opened.
    func end(_ step: String) {
        switch ci {
        case .github: console.info(GitHubActions.endGroup)
        case .gitlab: console.info(GitLabCI.sectionEnd(step, at: Date()))
        case .azure: console.info(AzurePipelines.endGroup)
        case .jenkins, nil: break
        }
    }

    /// Writes the reports; a report that cannot be written is a warning, never a changed verdict.
    func finish(_ report: RunReport) {
        let report = report.masked(by: console.secrets)
        switch ci {
        case .github:
            for line in GitHubActions.annotations(for: report) { console.info(line) }
            do {
                _ = try GitHubActions.appendStepSummary(report, environment: environment)
            } catch {
                console.warning("Could not append to GITHUB_STEP_SUMMARY: \(error)")
            }
        case .azure:
            for line in AzurePipelines.issues(for: report) { console.info(line) }
        case .gitlab, .jenkins, nil:
            break
        }
        guard let directory else {
            // On a CI the reports are expected in its folder: their absence is said, not silent.
            if let ci {
                console.warning(
                    "No reports written: on \(ci.detectedBy), but \(ci.reportBaseVariable) is not set, so there is no "
                        + "default report folder. Pass --report-dir FOLDER (or WORKFLOWS_REPORT_DIR).")
            }
            return
        }
        let folder = URL(fileURLWithPath: directory).absoluteURL
        do {
            let written = try ReportWriter.write(report, to: folder)
            console.info("Reports in \(folder.path): " + written.joined(separator: ", "))
            if ci == .azure {
                console.info(AzurePipelines.uploadSummary(folder.appendingPathComponent(ReportWriter.summaryFile).path))
            }
        } catch let error as WorkflowsError {
            // It names the folder and what to do; the run's verdict and exit status stay the steps'.
            console.warning(error.description)
        } catch {
            console.warning("Could not write the reports to \(directory): \(error)")
        }
    }
}

extension RunReport {
    /// The report with every secret (`SecretMask`) replaced in every string value it holds: the reports,
    /// the step summary and the annotations are made from it. Through its JSON, so that no field is missed;
    /// keys are left alone, so that the JSON stays the report's.
    func masked(by mask: SecretMask) -> RunReport {
        guard !mask.isEmpty, let data = try? ReportWriter.json(self) else { return self }
        let text = JSONStringValues.map(String(decoding: data, as: UTF8.self), mask.apply)
        guard var masked = try? ReportWriter.decode(Data(text.utf8)) else { return self }
        // coverage.xml's text is not in report.json: masked here, on its own.
        for (stepIndex, step) in steps.enumerated() {
            for (gateIndex, gate) in (step.gates ?? []).enumerated() where gate.coverageXML != nil {
                masked.steps[stepIndex].gates?[gateIndex].coverageXML = gate.coverageXML.map(mask.apply)
            }
        }
        return masked
    }
}

/// Rewrites the string values (not the keys) of a JSON text: each is decoded, transformed and encoded again.
enum JSONStringValues {
    static func map(_ json: String, _ transform: (String) -> String) -> String {
        let characters = Array(json.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "\"" else {
                result.append(character)
                index += 1
                continue
            }
            var end = index + 1
            while end < characters.count, characters[end] != "\"" {
                end += characters[end] == "\\" ? 2 : 1
            }
            let body = String(String.UnicodeScalarView(characters[(index + 1)..<min(end, characters.count)]))
            var next = end + 1
            while next < characters.count, characters[next] == " " || characters[next] == "\n" { next += 1 }
            let isKey = next < characters.count && characters[next] == ":"
            result.append(contentsOf: (isKey ? "\"" + body + "\"" : rewrite(body, transform)).unicodeScalars)
            index = end + 1
        }
        return String(result)
    }

    /// A string token's body (between its quotes) as JSON writes the transformed value; unchanged when the
    /// transform changes nothing.
    private static func rewrite(_ body: String, _ transform: (String) -> String) -> String {
        let quoted = "\"" + body + "\""
        guard let value = try? JSONDecoder().decode(String.self, from: Data(quoted.utf8)) else { return quoted }
        let changed = transform(value)
        guard changed != value else { return quoted }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(changed)).map { String(decoding: $0, as: UTF8.self) } ?? quoted
    }
}
