import Foundation
import Testing

@testable import WorkflowsKit

/// report.json's schema and the atomic writer.
@Suite struct ReportsRunReportTests {
    func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-reports-\(UUID())/nested/reports")
    }

    @Test func theJSONIsPrettySortedCamelCaseAndVersioned() throws {
        let report = ReportSamples.passedRun()
        let json = String(decoding: try ReportWriter.json(report), as: UTF8.self)
        #expect(json.hasPrefix("{\n  \"commandLine\" : [\n    \"assess_image_code\","))
        #expect(json.contains("\"schema\" : 1,"))
        #expect(json.contains("\"tool\" : \"workflows \(Workflows.version)\""))
        #expect(json.contains("\"durationSeconds\" : 30,"))
        #expect(json.contains("\"secondsToHealthy\" : 3.25,"))
        #expect(json.contains("\"reference\" : \"ghcr.io/acme/numbers-api:1.2.0\""))
        #expect(json.hasSuffix("}\n"))
        // Absent, not null, when there is nothing to say.
        #expect(!json.contains("null") && !json.contains("\"git\""))
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]).keys.sorted()
        #expect(keys == ["commandLine", "durationSeconds", "outcome", "runID", "schema", "startedAt", "steps", "tool"])
    }

    @Test func theJSONReadsBackTheSame() throws {
        for report in [ReportSamples.passedRun(), try ReportSamples.failedRun()] {
            #expect(try ReportWriter.decode(try ReportWriter.json(report)) == report)
        }
    }

    @Test func aGateReportInTheJSON() throws {
        let report = try ReportSamples.failedRun()
        let object = try #require(try JSONSerialization.jsonObject(with: try ReportWriter.json(report)) as? [String: Any])
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps[1]["verdict"] as? String == "failed")
        #expect(steps[1]["imageID"] as? String == "sha256:aaaa")
        #expect(steps[2]["verdict"] as? String == "skipped")
        let gates = try #require(steps[1]["gates"] as? [[String: Any]])
        #expect(gates.map { $0["name"] as? String } == ["black", "isort", "ruff-format", "flake8", "ruff", "mypy", "pytest"])
        let mypy = gates[5]
        #expect(mypy["counts"] as? [String: Int] == ["findings": 4, "tests": 0, "failures": 0, "errors": 0, "skipped": 0])
        let finding = try #require((mypy["findings"] as? [[String: Any]])?.first)
        #expect(finding["file"] as? String == "app/tests/test_broken.py")
        #expect(finding["code"] as? String == "import-not-found")
        #expect(finding["column"] == nil)
        let test = try #require((gates[6]["tests"] as? [[String: Any]])?[1])
        #expect(test["outcome"] as? String == "failed" && test["line"] as? Int == 15)
        #expect((object["git"] as? [String: String]) == [
            "commit": "0123456789abcdef0123456789abcdef01234567", "branch": "main", "tree": "dirty",
        ])
    }

    @Test func theWriterCreatesTheFolderAndEveryFile() throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        let report = try ReportSamples.failedRun()
        try ReportWriter.write(report, to: folder)
        #expect(try ReportWriter.decode(Data(contentsOf: folder.appendingPathComponent("report.json"))) == report)
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit == JUnitXML.document(report))
        #expect(try Data(contentsOf: folder.appendingPathComponent("report.sarif")) == SARIF.document(report))
        #expect(try Data(contentsOf: folder.appendingPathComponent("gl-code-quality-report.json")) == CodeQuality.document(report))
        // A second run replaces both, and leaves no temporary file behind.
        try ReportWriter.write(ReportSamples.passedRun(), to: folder)
        #expect(try ReportWriter.decode(Data(contentsOf: folder.appendingPathComponent("report.json"))).runID == "r2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
            "gl-code-quality-report.json", "junit.xml", "report.json", "report.sarif", "summary.md",
        ])
    }

    @Test func aFolderThatCannotBeMadeIsAnErrorThatSaysWhere() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-reports-file-\(UUID())")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = try #require(throws: WorkflowsError.self) {
            try ReportWriter.write(ReportSamples.passedRun(), to: file.appendingPathComponent("reports"))
        }
        #expect(error.message.contains(file.path))
        #expect(error.remedy != nil)
    }

    @Test func theOutputIsCappedInTheMiddle() {
        let output = String(repeating: "head line\n", count: 100) + String(repeating: "é", count: 2_000)
            + String(repeating: "tail line\n", count: 100)
        let capped = ReportText.capped(output, toBytes: 3_000)
        #expect(capped.utf8.count <= 3_000)
        #expect(capped.hasPrefix("head line\n"))
        #expect(capped.hasSuffix("tail line\n"))
        #expect(capped.contains("[… workflows cut "))
        #expect(ReportText.capped("short", toBytes: 10) == "short")
    }

    @Test func findingsAreCountedFromTheWholeOutputNotTheCappedOne() {
        let output = String(repeating: "pkg/x.py:1:1: F401 'os' imported but unused\n", count: 30_000)
        let gate = GateReport(
            gate: .flake8, verdict: .failed, durationSeconds: 1, command: [], output: output, sourceRoot: ".")
        #expect(output.utf8.count > ReportText.outputLimit)
        #expect(gate.output.utf8.count <= ReportText.outputLimit)
        #expect(gate.counts.findings == 30_000 && gate.findings.count == 30_000)
    }

    @Test func timestampsAndOutcomes() {
        #expect(RunReport.timestamp(Date(timeIntervalSince1970: 1_777_627_800.25)) == "2026-05-01T09:30:00.250Z")
        let step = { (verdict: StepReport.Verdict) in
            StepReport(name: "s", verdict: verdict, startedAt: "", durationSeconds: 0)
        }
        #expect(RunReport.outcome(of: [step(.passed), step(.passed)], interruptedBy: nil) == .passed)
        #expect(RunReport.outcome(of: [step(.passed), step(.failed), step(.skipped)], interruptedBy: nil) == .failed)
        #expect(RunReport.outcome(of: [step(.passed)], interruptedBy: "SIGINT") == .interrupted)
        #expect(RunReport.outcome(of: [step(.interrupted)], interruptedBy: nil) == .interrupted)
        let facts = Git.Facts(commit: "abc", branch: "main", tree: .dirty)
        #expect(GitState(facts) == GitState(commit: "abc", branch: "main", tree: .dirty))
    }
}
