import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// The reports of real runs: junit.xml valid against junit-10.xsd with the failures at repository
    /// paths, report.json matching the run, GitHub's annotations and step summary, and a report left by
    /// a run that SIGTERM ended.
    @Suite struct Reports {
        static let xsd = Harness.repositoryRoot.appendingPathComponent("Tests/WorkflowsKitTests/Fixtures/junit-10.xsd")

        func validate(_ junit: URL, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let output = try await Harness.runner.run(Command("xmllint", ["--noout", "--schema", Self.xsd.path, junit.path]))
            #expect(output.succeeded, "\(output.errorText)", sourceLocation: sourceLocation)
        }

        @Test func aGreenRunReportsEveryStepAndValidates() async throws {
            let app = try await PassedApp.shared.get()
            let report = try ReportWriter.decode(Data(contentsOf: app.reports.appendingPathComponent("report.json")))
            #expect(report.schema == 1)
            #expect(report.outcome == .passed)
            #expect(report.steps.map(\.name) == ["build_ci_image", "assess_image_code", "assess_image_health", "publish_image"])
            #expect(report.steps.allSatisfy { $0.verdict == .passed })
            let imageID = try await Harness.docker("image", "inspect", "--format", "{{.Id}}", app.image)
            #expect(report.steps[0].imageID == imageID)
            #expect(report.git?.commit == (try await Harness.sh("git", ["rev-parse", "HEAD"], in: app.folder)))
            let pytest = try #require(report.steps[1].gates?.first { $0.name == "pytest" })
            #expect((pytest.tests?.count ?? 0) >= 10, "pytest's own results, one per test")
            #expect(report.steps[2].health?.secondsToHealthy != nil)
            #expect(report.steps[3].publish?.references.contains { $0.reference.hasSuffix(":latest") && $0.digest != nil } == true)
            try await validate(app.reports.appendingPathComponent("junit.xml"))
        }

        @Test func aFailingTestAFlake8FindingAndAMypyErrorLandAtTheirLines() async throws {
            try await Harness.requireEngine()
            let folder = try await Harness.appCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let module = folder.appendingPathComponent("app/thenumbers/numbers.py")
            var source = try String(contentsOf: module, encoding: .utf8)
            source = source.replacingOccurrences(of: "import random\n", with: "import os\nimport random\n")
            source += "\n\ndef broken() -> int:\n    return \"not a number\"\n"
            try Data(source.utf8).write(to: module)
            let tests = folder.appendingPathComponent("app/tests/test_numbers.py")
            try Data((try String(contentsOf: tests, encoding: .utf8) + "\n\ndef test_fails() -> None:\n    assert 1 == 2\n").utf8)
                .write(to: tests)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let importLine = (lines.firstIndex(of: "import os") ?? 0) + 1
            let returnLine = (lines.lastIndex { $0.contains("return \"not a number\"") } ?? 0) + 1

            let reports = folder.appendingPathComponent("reports")
            let summary = folder.appendingPathComponent("summary.md")
            let image = Harness.uniqueName("workflows-it-report") + ":latest"
            let run = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image, "--report-dir", reports.path], in: folder,
                environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary.path])
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")

            let junitURL = reports.appendingPathComponent("junit.xml")
            try await validate(junitURL)
            let junit = try String(contentsOf: junitURL, encoding: .utf8)
            #expect(junit.contains("app/thenumbers/numbers.py:\(importLine)"), "the flake8 finding; the run: \(run.all)")
            #expect(junit.contains("app/thenumbers/numbers.py:\(returnLine)"), "the mypy error")
            #expect(junit.contains(#"name="test_fails""#), "the failing test, from pytest's own JUnit")

            let report = try ReportWriter.decode(Data(contentsOf: reports.appendingPathComponent("report.json")))
            #expect(report.outcome == .failed)
            let gates = try #require(report.steps.last?.gates)
            #expect(gates.first { $0.name == "flake8" }?.findings.contains {
                $0.file == "app/thenumbers/numbers.py" && $0.line == importLine && $0.code == "F401" } == true)
            #expect(gates.first { $0.name == "mypy" }?.findings.contains {
                $0.file == "app/thenumbers/numbers.py" && $0.line == returnLine } == true)
            let pytest = try #require(gates.first { $0.name == "pytest" })
            #expect(pytest.verdict == .failed && pytest.counts.failures == 1)
            #expect(pytest.tests?.first { $0.name == "test_fails" }?.file == "app/tests/test_numbers.py")
            #expect(gates.first { $0.name == "black" }?.verdict == .passed)

            #expect(run.stdout.contains("::group::assess_image_code"))
            #expect(run.stdout.contains("::error file=app/thenumbers/numbers.py,line=\(importLine)"), "\(run.stdout)")
            #expect(run.stdout.contains("::error file=app/thenumbers/numbers.py,line=\(returnLine)"))
            #expect(run.stdout.contains("::error file=app/tests/test_numbers.py"))
            let markdown = try String(contentsOf: summary, encoding: .utf8)
            #expect(markdown.contains("| `assess_image_code` | ❌ failed") && markdown.contains("| `mypy` |"), "\(markdown)")
        }

        @Test func aRunEndedBySIGTERMDuringTheGatesLeavesAReportThatSaysSo() async throws {
            try await Harness.requireEngine()
            let folder = try await Harness.appCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let reports = folder.appendingPathComponent("reports")
            let image = Harness.uniqueName("workflows-it-term") + ":latest"
            let run = try Harness.BackgroundRun(
                ["build_dev_image", "assess_image_code", "--image", image, "--report-dir", reports.path], in: folder)
            try await run.waitUntil("the gates run") {
                // This run's own gates' container (its owner label ends with the run's PID): other test
                // processes share the engine, and a gate's command is printed only after the gate ended.
                let gates = try await Harness.docker(
                    "ps", "--format", "{{.Names}} {{.Label \"workflows.owner\"}}", "--filter", "label=workflows.run")
                return gates.split(separator: "\n").contains { $0.contains("-gates ") && $0.hasSuffix("/\(run.pid)") }
            }
            let (termination, log) = run.signal(SIGTERM)
            await Harness.removeImage(image)
            #expect(termination == .signalled(SIGTERM), "\(log)")
            let report = try ReportWriter.decode(Data(contentsOf: reports.appendingPathComponent("report.json")))
            #expect(report.outcome == .interrupted)
            #expect(report.interruptedBy == "SIGTERM")
            #expect(report.steps.first?.verdict == .passed)
            #expect(report.steps.last?.verdict == .interrupted)
        }
    }
}
