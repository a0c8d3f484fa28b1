import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import WorkflowsKit

enum XMLLint {
    static let path: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The JUnit document: its shape, its escaping, and its validity against the Jenkins xunit plugin's
/// junit-10.xsd (Fixtures/junit-10.xsd) by xmllint, which scripts/provision.sh installs.
@Suite struct ReportsJUnitXMLTests {

    /// `xmllint --noout --schema Fixtures/junit-10.xsd FILE`: its exit status and what it said.
    func validate(_ document: String) throws -> (status: Int32, said: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-junit-\(UUID()).xml")
        try Data(document.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try xmllint(["--noout", "--schema", try ReportSamples.fixturePath("junit-10.xsd"), file.path])
    }

    func xmllint(_ arguments: [String]) throws -> (status: Int32, said: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(XMLLint.path, "xmllint is missing: install libxml2-utils (scripts/provision.sh does)"))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        // On the runner's launcher thread, as every launch of this process (see `Launcher`).
        try Launcher.shared.perform { [process] in try process.run() }
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    @Test func aFailedRunValidates() throws {
        let result = try validate(JUnitXML.document(try ReportSamples.failedRun()))
        #expect(result.status == 0, "\(result.said)")
        #expect(result.said.contains("validates"))
    }

    @Test func aPassedRunValidates() throws {
        let result = try validate(JUnitXML.document(ReportSamples.passedRun()))
        #expect(result.status == 0, "\(result.said)")
    }

    @Test func hostileTextValidates() throws {
        var report = ReportSamples.passedRun()
        let hostile = "a & b < c > d \"q\" 'a' \u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}\u{FFFE}\u{FFFF} ]]> \r\n\ttab é 🙂 \u{1B}[31mred\u{1B}[0m"
        report.steps[0].gates?[0] = GateReport(
            name: hostile, verdict: .failed, durationSeconds: -1, command: [hostile], output: hostile,
            findings: [Finding(file: hostile, line: 1, column: 2, code: hostile, message: hostile)],
            tests: [TestCaseReport(
                classname: hostile, name: hostile, durationSeconds: .nan, outcome: .failed, message: hostile, text: hostile)],
            counts: GateReport.Counts())
        report.steps[1].message = hostile
        report.steps[1].verdict = .failed
        let result = try validate(JUnitXML.document(report))
        #expect(result.status == 0, "\(result.said)")
    }

    @Test func pytestsOwnXunit2ValidatesAgainstTheSameSchema() throws {
        let result = try xmllint([
            "--noout", "--schema", try ReportSamples.fixturePath("junit-10.xsd"),
            try ReportSamples.fixturePath("pytest-xunit2.xml"),
            try ReportSamples.fixturePath("pytest-xunit2-collection-error.xml"),
        ])
        #expect(result.status == 0, "\(result.said)")
    }

    @Test func theSchemaRejectsWhatItShould() throws {
        // A check of the check: a testsuite without its required counts does not validate.
        let result = try validate("<testsuites><testsuite name=\"x\"><testcase name=\"y\"/></testsuite></testsuites>")
        #expect(result.status != 0)
    }

    /// The document parsed back: (suite name, tests, failures, errors, skipped) for each suite.
    func suites(_ document: String) throws -> [[String: String]] {
        final class Collector: NSObject, XMLParserDelegate {
            var suites: [[String: String]] = []
            func parser(
                _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]
            ) {
                if elementName == "testsuite" { suites.append(attributes) }
            }
        }
        let collector = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        #expect(parser.parse())
        return collector.suites
    }

    @Test func oneSuitePerStepThatRanAndOnePerGate() throws {
        let document = JUnitXML.document(try ReportSamples.failedRun())
        let suites = try suites(document)
        #expect(suites.map { $0["name"] ?? "" } == [
            "build_ci_image", "assess_image_code/black", "assess_image_code/isort", "assess_image_code/ruff-format",
            "assess_image_code/flake8", "assess_image_code/ruff", "assess_image_code/mypy", "assess_image_code/pytest",
        ])
        let flake8 = suites[4]
        #expect(flake8["tests"] == "10" && flake8["failures"] == "10" && flake8["errors"] == "0")
        #expect(flake8["time"] == "1.250" && flake8["timestamp"] == "2026-05-01T09:30:42.100Z")
        let pytest = suites[7]
        #expect(pytest["tests"] == "7" && pytest["failures"] == "3" && pytest["errors"] == "1" && pytest["skipped"] == "1")
        #expect(document.contains("<testsuites name=\"workflows\" tests=\"42\" failures=\"37\" errors=\"1\" time=\"65.432\">"))
    }

    @Test func findingsAreFailedTestCases() throws {
        let document = JUnitXML.document(try ReportSamples.failedRun())
        #expect(document.contains(
            "<testcase classname=\"flake8\" name=\"app/pkg/bad.py:16:80 E501\" time=\"0.000\"><failure "
                + "message=\"E501 line too long (108 &gt; 79 characters)\" type=\"E501\">app/pkg/bad.py:16:80: E501 "
                + "line too long (108 &gt; 79 characters)</failure></testcase>"))
        #expect(document.contains(
            "<testcase classname=\"black\" name=\"app/top.py would reformat\" time=\"0.000\"><failure message=\"would reformat\" "
                + "type=\"black\">app/top.py: would reformat</failure></testcase>"))
    }

    @Test func pytestsTestCasesKeepTheirNamesAndTracebacks() throws {
        let document = JUnitXML.document(try ReportSamples.failedRun())
        #expect(document.contains(
            "<testcase classname=\"tests.test_bad\" name=\"test_fails\" time=\"0.002\"><failure "
                + "message=\"assert 1 == 2&#10; +  where 1 = one()\" type=\"AssertionError\">def test_fails():\n"
                + "&gt;       assert one() == 2"))
        #expect(document.contains("<testcase classname=\"tests.test_bad\" name=\"test_passes\" time=\"0.001\"/>"))
        #expect(document.contains(
            "<testcase classname=\"tests.test_bad\" name=\"test_skipped\" time=\"0.001\"><skipped "
                + "message=\"not today &lt;&amp;&gt;\">"))
        #expect(document.contains(
            "<error message=\"failed on setup with &quot;RuntimeError: fixture broke&quot;\" type=\"RuntimeError\">"))
    }

    @Test func aCleanLinterIsOnePassedCaseAndOutputIsSystemOut() throws {
        let document = JUnitXML.document(ReportSamples.passedRun())
        #expect(document.contains("<testcase classname=\"flake8\" name=\"flake8\" time=\"1.250\"/>"))
        #expect(document.contains(
            "<system-out>==&gt;&gt; docker run --rm workflows-gates:r1 -m ruff check pkg top.py\nAll checks passed!</system-out>"))
        #expect(document.contains("<testcase classname=\"workflows\" name=\"publish_image\" time=\"12.000\"><system-out>"
            + "pushed: ghcr.io/acme/numbers-api:1.2.0@sha256:cccc\npushed: ghcr.io/acme/numbers-api:latest</system-out>"))
        #expect(document.contains("health: healthy after 3.2s\nprobe exited 1: connection refused\nprobe exited 0: "))
        #expect(!document.contains("<failure"))
    }

    @Test func skippedStepsAreLeftOutAndAFailedStepSaysWhy() throws {
        let report = RunReport(
            runID: "r", commandLine: [], git: nil, startedAt: ReportSamples.started, durationSeconds: 1,
            outcome: .failed, interruptedBy: nil,
            steps: [
                StepReport(
                    name: "build_ci_image", verdict: .failed, startedAt: ReportSamples.started, durationSeconds: 1,
                    message: "The build failed.\nIts output is above."),
                StepReport(name: "assess_image_code", verdict: .skipped, startedAt: ReportSamples.started, durationSeconds: 0),
            ])
        let document = JUnitXML.document(report)
        #expect(!document.contains("assess_image_code"))
        #expect(document.contains(
            "<failure message=\"The build failed.\" type=\"step-failed\">The build failed.\nIts output is above.</failure>"))
    }

    @Test func aGateThatFailedWithNoFindingAndAnInterruptedStepAreStillFailures() throws {
        let gate = GateReport(
            gate: .mypy, verdict: .failed, durationSeconds: 2, command: ["mypy"], output: "mypy: can't read file 'x'",
            sourceRoot: ".")
        let step = StepReport(
            name: "assess_code", verdict: .interrupted, startedAt: ReportSamples.started, durationSeconds: 2,
            gates: [gate])
        let suites = JUnitXML.suites(for: step)
        #expect(suites.count == 1)
        #expect(suites[0].cases.map(\.isFailure) == [true])
        #expect(suites[0].cases[0].result == .failure(
            message: "mypy failed, with no finding workflows recognises: its output is in system-out", type: "gate-failed",
            text: "mypy failed, with no finding workflows recognises: its output is in system-out"))
        var passedGate = gate
        passedGate.verdict = .passed
        var interrupted = step
        interrupted.gates = [passedGate]
        #expect(JUnitXML.suites(for: interrupted).map(\.name) == ["assess_code/mypy", "assess_code"])
        #expect(JUnitXML.suites(for: interrupted)[1].cases[0].isError)
    }

    @Test func escaping() {
        #expect(XMLText.content("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d \"e\" 'f'")
        #expect(XMLText.attribute("a & \"b\" 'c'\n\t\r<") == "a &amp; &quot;b&quot; &apos;c&apos;&#10;&#9;&#13;&lt;")
        #expect(XMLText.content("x\u{0}\u{7}\u{1B}[1my\u{1B}[0m\u{FFFE}z\n\té🙂") == "xyz\n\té🙂")
        #expect(XMLText.content("]]>") == "]]&gt;")
    }

    @Test func times() {
        #expect(JUnitXML.time(1.23456) == "1.235")
        #expect(JUnitXML.time(-2) == "0.000")
        #expect(JUnitXML.time(.infinity) == "0.000")
        #expect(JUnitXML.time(1234.5) == "1234.500")
    }
}
