import Foundation

/// The run as JUnit XML (`junit.xml`), valid against the Jenkins xunit plugin's `junit-10.xsd`, the
/// schema pytest's xunit2 follows and that Jenkins, GitLab and the GitHub test-report actions read.
///
/// One `<testsuite>` per step that ran (skipped steps are left out). A step that ran gates has one
/// suite per gate instead, named `STEP/GATE`: flat, not nested, since the xsd allows both but several
/// readers (GitLab among them) only look one level down. In a gate's suite: pytest's own test cases
/// (their own classnames); one failed case per linter finding (`classname` the gate, `name`
/// `FILE:LINE:COLUMN CODE`), a passed one for a finding that did not fail its gate (hadolint's below its
/// failure threshold); one passed case for a clean linter; and a case for the gate itself when it failed
/// and nothing else says so. Other steps have one case, the step. Names are unique within a suite
/// (GitLab keeps only the first of equal names): a repeated one gets ` (2)`, ` (3)`. Suites carry
/// `timestamp` and `hostname` (Azure shows both). The gate's command and whole output are the suite's
/// `<system-out>`.
enum JUnitXML {
    /// The complete document, UTF-8, ending in a newline.
    static func document(_ report: RunReport, hostname: String = ProcessInfo.processInfo.hostName) -> String {
        let suites = report.steps.filter { $0.verdict != .skipped }.flatMap(suites(for:)).map { suite in
            var suite = suite
            suite.hostname = hostname
            suite.cases = uniquelyNamed(suite.cases)
            return suite
        }
        let totals = suites.reduce(into: (tests: 0, failures: 0, errors: 0)) { totals, suite in
            totals.tests += suite.cases.count
            totals.failures += suite.count(\.isFailure)
            totals.errors += suite.count(\.isError)
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites" + attributes([
            ("name", "workflows"), ("tests", "\(totals.tests)"), ("failures", "\(totals.failures)"),
            ("errors", "\(totals.errors)"), ("time", time(report.durationSeconds)),
        ]) + ">\n"
        for suite in suites { xml += suite.xml }
        xml += "</testsuites>\n"
        return xml
    }

    /// `12.345`: seconds with milliseconds, as the xsd's `SUREFIRE_TIME` allows (never negative).
    static func time(_ seconds: Double) -> String {
        String(format: "%.3f", seconds.isFinite ? max(0, seconds) : 0)
    }

    /// The cases with a name used before in the suite renamed `NAME (2)`, `NAME (3)`, … in order.
    static func uniquelyNamed(_ cases: [Case]) -> [Case] {
        var used = Set(cases.map(\.name))
        var seen: Set<String> = []
        return cases.map { testCase in
            var testCase = testCase
            if !seen.insert(testCase.name).inserted {
                var number = 2
                while used.contains("\(testCase.name) (\(number))") { number += 1 }
                testCase.name = "\(testCase.name) (\(number))"
                used.insert(testCase.name)
            }
            return testCase
        }
    }

    // MARK: - From the report

    static func suites(for step: StepReport) -> [Suite] {
        guard let gates = step.gates, !gates.isEmpty else { return [stepSuite(step)] }
        let gateSuites = gates.map { gateSuite($0, in: step) }
        // A step that failed after its gates passed (or before any failed) says why in a suite of its own.
        let explained = gateSuites.contains { suite in suite.cases.contains { $0.isFailure || $0.isError } }
        return step.verdict == .passed || explained ? gateSuites : gateSuites + [stepSuite(step)]
    }

    static func stepSuite(_ step: StepReport) -> Suite {
        var details: [String] = []
        if let imageID = step.imageID { details.append("image: \(imageID)") }
        if let health = step.health {
            details.append(
                "health: \(health.status)"
                    + (health.secondsToHealthy.map { " after \(Seconds.format($0))" } ?? ""))
            for probe in health.lastProbes {
                details.append("probe exited \(probe.exitCode): \(probe.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        for pushed in step.publish?.references ?? [] {
            details.append("pushed: \(pushed.reference)" + (pushed.digest.map { "@\($0)" } ?? ""))
        }
        let result: Case.Result?
        switch step.verdict {
        case .failed:
            let message = step.message ?? "\(step.name) failed"
            result = .failure(message: firstLine(message), type: "step-failed", text: message)
        case .interrupted:
            result = .error(message: "interrupted", type: "interrupted", text: step.message ?? "")
        case .passed, .skipped:
            result = nil
        }
        let testCase = Case(
            classname: "workflows", name: step.name, time: step.durationSeconds, result: result,
            systemOut: details.isEmpty ? nil : details.joined(separator: "\n"))
        return Suite(name: step.name, timestamp: step.startedAt, time: step.durationSeconds, cases: [testCase])
    }

    static func gateSuite(_ gate: GateReport, in step: StepReport) -> Suite {
        var cases = (gate.tests ?? []).map(testCase(_:))
        cases += gate.findings.map { finding in
            let summary = [finding.code, finding.level.map { $0 + ":" }, Optional(finding.message)].compactMap { $0 }
                .joined(separator: " ")
            let position = finding.file + (finding.line.map { ":\($0)" } ?? "") + (finding.column.map { ":\($0)" } ?? "")
            let name = position + " " + (finding.code ?? finding.message)
            // A finding under the tool's failure threshold (hadolint's style) did not fail its gate: it passes.
            guard gate.fails(finding) else {
                return Case(classname: gate.name, name: name, time: 0, result: nil, systemOut: position + ": " + summary)
            }
            return Case(
                classname: gate.name, name: name, time: 0,
                result: .failure(message: summary, type: finding.code ?? gate.name, text: position + ": " + summary))
        }
        switch gate.verdict {
        case .passed where cases.isEmpty:
            cases.append(Case(classname: gate.name, name: gate.name, time: gate.durationSeconds, result: nil))
        case .failed where !cases.contains(where: { $0.isFailure || $0.isError }):
            let message = gate.findings.isEmpty
                ? "\(gate.name) failed, with no finding workflows recognises: its output is in system-out"
                : "\(gate.name) failed, though none of its findings is at its failure threshold "
                    + "(\(gate.failureThreshold ?? "info")): its output is in system-out"
            cases.append(Case(
                classname: gate.name, name: gate.name, time: gate.durationSeconds,
                result: .failure(message: message, type: "gate-failed", text: message)))
        case .interrupted:
            cases.append(Case(
                classname: gate.name, name: gate.name, time: gate.durationSeconds,
                result: .error(message: "interrupted", type: "interrupted", text: "")))
        default:
            break
        }
        let output = "==>> " + ShellQuoting.line(gate.command) + "\n" + gate.output
        return Suite(
            name: "\(step.name)/\(gate.name)", timestamp: step.startedAt, time: gate.durationSeconds, cases: cases,
            systemOut: output)
    }

    static func testCase(_ test: TestCaseReport) -> Case {
        let text = test.text ?? ""
        let message = test.message ?? test.outcome.rawValue
        let result: Case.Result?
        switch test.outcome {
        case .passed: result = nil
        case .failed:
            result = .failure(message: message, type: PytestJUnit.exceptionType(in: text) ?? "failure", text: text)
        case .error: result = .error(message: message, type: PytestJUnit.exceptionType(in: text) ?? "error", text: text)
        case .skipped: result = .skipped(message: message, text: text)
        }
        return Case(classname: test.classname, name: test.name, time: test.durationSeconds, result: result)
    }

    private static func firstLine(_ text: String) -> String {
        String(text.prefix { !$0.isNewline })
    }

    // MARK: - Elements

    struct Suite: Equatable {
        var name: String
        var timestamp: String
        var time: Double
        var cases: [Case]
        var systemOut: String?
        /// The machine the run was on.
        var hostname: String?

        func count(_ predicate: (Case) -> Bool) -> Int { cases.filter(predicate).count }

        var xml: String {
            var xml = "  <testsuite" + JUnitXML.attributes([
                ("name", name), ("tests", "\(cases.count)"), ("failures", "\(count(\.isFailure))"),
                ("errors", "\(count(\.isError))"), ("skipped", "\(count(\.isSkipped))"), ("time", JUnitXML.time(self.time)),
                ("timestamp", timestamp),
            ] + (hostname.map { [("hostname", $0)] } ?? [])) + ">\n"
            for testCase in cases { xml += testCase.xml }
            if let systemOut { xml += "    <system-out>\(XMLText.content(systemOut))</system-out>\n" }
            return xml + "  </testsuite>\n"
        }
    }

    struct Case: Equatable {
        enum Result: Equatable {
            case failure(message: String, type: String, text: String)
            case error(message: String, type: String, text: String)
            case skipped(message: String, text: String)
        }

        var classname: String
        var name: String
        var time: Double
        var result: Result?
        var systemOut: String?

        var isFailure: Bool { if case .failure = result { true } else { false } }
        var isError: Bool { if case .error = result { true } else { false } }
        var isSkipped: Bool { if case .skipped = result { true } else { false } }

        var xml: String {
            let open = "    <testcase" + JUnitXML.attributes([("classname", classname), ("name", name), ("time", JUnitXML.time(self.time))])
            var children = ""
            switch result {
            case .failure(let message, let type, let text):
                children += "<failure" + JUnitXML.attributes([("message", message), ("type", type)]) + ">"
                    + XMLText.content(text) + "</failure>"
            case .error(let message, let type, let text):
                children += "<error" + JUnitXML.attributes([("message", message), ("type", type)]) + ">"
                    + XMLText.content(text) + "</error>"
            case .skipped(let message, let text):
                children += "<skipped" + JUnitXML.attributes([("message", message)]) + ">" + XMLText.content(text) + "</skipped>"
            case nil:
                break
            }
            if let systemOut { children += "<system-out>\(XMLText.content(systemOut))</system-out>" }
            return children.isEmpty ? open + "/>\n" : open + ">" + children + "</testcase>\n"
        }
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLText.attribute($0.1))\"" }.joined()
    }
}
