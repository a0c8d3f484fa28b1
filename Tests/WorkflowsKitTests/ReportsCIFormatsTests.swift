import Foundation
import Testing

import TestSupport

@testable import WorkflowsKit

/// `check-jsonschema`, from the venv `scripts/lint-ci.sh` fills (`scripts/test.sh` runs it before the tests).
enum JSONSchemaCheck {
    static var executable: String {
        (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
            + "/workflows-lint-venv/bin/check-jsonschema"
    }

    /// `check-jsonschema --schemafile SCHEMA FILE` on `document`: its exit status and what it said.
    static func validate(_ document: Data, against schema: String) throws -> (status: Int32, said: String) {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable),
            "check-jsonschema is missing at \(executable): run scripts/lint-ci.sh once, which installs it")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-\(UUID()).json")
        try document.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--schemafile", try ReportSamples.fixturePath(schema), file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try Launcher.shared.perform { [process] in try process.run() }
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }
}

/// The CI systems' log commands and the report files they read: GitLab's Code Quality JSON, SARIF,
/// and Cobertura coverage with repository paths.
@Suite struct ReportsCIFormatsTests {
    // MARK: - Detection and log commands

    @Test func eachCISystemIsDetectedFromItsOwnVariable() {
        #expect(CISystem.detect(in: ["GITHUB_ACTIONS": "true"]) == .github)
        #expect(CISystem.detect(in: ["GITLAB_CI": "true"]) == .gitlab)
        #expect(CISystem.detect(in: ["TF_BUILD": "True"]) == .azure)
        #expect(CISystem.detect(in: ["JENKINS_URL": "https://ci.example/"]) == .jenkins)
        #expect(CISystem.detect(in: ["GITLAB_CI": "false", "TF_BUILD": "False", "JENKINS_URL": ""]) == nil)
        #expect(CISystem.detect(in: [:]) == nil)
    }

    @Test func defaultReportFoldersFollowEachCI() {
        #expect(Invocation.defaultReportDirectory(["GITLAB_CI": "true", "CI_PROJECT_DIR": "/builds/g/p"])
            == "/builds/g/p/workflows-report")
        #expect(Invocation.defaultReportDirectory(["JENKINS_URL": "http://j/", "WORKSPACE": "/var/jenkins/ws/"])
            == "/var/jenkins/ws/workflows-report")
        #expect(Invocation.defaultReportDirectory(["TF_BUILD": "True", "BUILD_ARTIFACTSTAGINGDIRECTORY": "/a/1/a"])
            == "/a/1/a/workflows-report")
        #expect(Invocation.defaultReportDirectory(["GITLAB_CI": "true"]) == nil)
        #expect(Invocation.defaultReportDirectory([:]) == nil)
    }

    /// On a CI without the variable its default folder comes from (`GITLAB_CI=true`, no `CI_PROJECT_DIR`) the
    /// reports cannot go where the CI looks: said, with what to do, never silent. Off CI, no folder is no news.
    @Test func aCIWithoutItsReportFolderVariableSaysSoAndAnUnwritableFolderIsOneWarning() throws {
        let gitlab = try CapturedConsole()
        RunReporting(directory: nil, environment: ["GITLAB_CI": "true"], console: gitlab.console)
            .finish(ReportSamples.passedRun())
        #expect(gitlab.stderr == "warning: No reports written: on GitLab CI (GITLAB_CI=true), but CI_PROJECT_DIR is not "
            + "set, so there is no default report folder. Pass --report-dir FOLDER (or WORKFLOWS_REPORT_DIR).\n")
        let local = try CapturedConsole()
        RunReporting(directory: nil, environment: [:], console: local.console).finish(ReportSamples.passedRun())
        #expect(local.all.isEmpty)

        let blocked = try CapturedConsole()
        let file = blocked.folder.appendingPathComponent("stdout").path
        RunReporting(directory: file + "/reports", environment: [:], console: blocked.console).finish(ReportSamples.passedRun())
        #expect(blocked.stderr.hasPrefix("warning: Could not write the run's report to \(file)/reports: "))
        #expect(blocked.stderr.components(separatedBy: "Could not write").count == 2, "said once: \(blocked.stderr)")
        #expect(blocked.stderr.contains("\nCheck that the folder is writable"))
    }

    @Test func theReportFolderInsideTheCheckoutIsPassedOverByTheTreeCheck() {
        let root = URL(fileURLWithPath: "/builds/g/p")
        #expect(RepositoryPaths.inside(root, "/builds/g/p/workflows-report") == ["workflows-report"])
        #expect(RepositoryPaths.inside(root, "/builds/g/p/out/reports/") == ["out/reports"])
        #expect(RepositoryPaths.inside(root, "/tmp/reports").isEmpty)
        #expect(RepositoryPaths.inside(root, "/builds/g/p2/r").isEmpty)
        #expect(RepositoryPaths.inside(root, nil).isEmpty)
    }

    @Test func gitLabSectionsAreCollapsedAndNamedAsItAllows() {
        let time = Date(timeIntervalSince1970: 1_796_210_574.9)
        #expect(GitLabCI.sectionStart("assess_image_code", at: time)
            == "\u{1B}[0Ksection_start:1796210574:workflows_assess_image_code[collapsed=true]\r\u{1B}[0Kassess_image_code")
        #expect(GitLabCI.sectionEnd("assess_image_code", at: time)
            == "\u{1B}[0Ksection_end:1796210574:workflows_assess_image_code\r\u{1B}[0K")
        #expect(GitLabCI.sectionName("a b/c:d") == "workflows_a_b_c_d")
    }

    @Test func azureCommandsAreEscapedAsTheAgentUnescapes() {
        #expect(AzurePipelines.escape("100%; a]b\r\nc") == "100%AZP25%3B a%5Db%0D%0Ac")
        #expect(AzurePipelines.group("assess_image_code") == "##[group]assess_image_code")
        #expect(AzurePipelines.endGroup == "##[endgroup]")
        #expect(AzurePipelines.logIssue("line too long\n(108 > 79)", file: "app/a;b].py", line: 16, column: 80, code: "E501")
            == "##vso[task.logissue type=error;sourcepath=app/a%3Bb%5D.py;linenumber=16;columnnumber=80;code=E501]"
            + "line too long%0A(108 > 79)")
        #expect(AzurePipelines.logIssue("failed") == "##vso[task.logissue type=error]failed")
        #expect(AzurePipelines.uploadSummary("/a/1/a/workflows-report/summary.md")
            == "##vso[task.uploadsummary]/a/1/a/workflows-report/summary.md")
    }

    @Test func azureGetsAnIssueForEveryFindingAndFailedTest() throws {
        let lines = AzurePipelines.issues(for: try ReportSamples.failedRun())
        // 3 black, 2 isort, 3 ruff-format, 10 flake8, 12 ruff, 4 mypy, 4 failed or errored tests: none left out.
        #expect(lines.count == 38)
        #expect(lines.allSatisfy { $0.hasPrefix("##vso[task.logissue type=error;") && !$0.dropFirst(6).contains("\n") })
        #expect(lines.contains(
            "##vso[task.logissue type=error;sourcepath=app/pkg/bad.py;linenumber=16;columnnumber=80;code=E501]"
                + "flake8: line too long (108 > 79 characters)"))
        #expect(lines.contains {
            $0.hasPrefix("##vso[task.logissue type=error;sourcepath=app/tests/test_bad.py;linenumber=15;code=pytest]")
        })
    }

    // MARK: - junit.xml

    @Test func junitNamesAreUniqueWithinASuiteAndSuitesSayWhereAndWhen() throws {
        let twice = "pkg/x.py:3:1: F401 'os' imported but unused\npkg/x.py:3:1: F401 'os' imported but unused\n"
        var report = ReportSamples.passedRun()
        report.steps[0].gates?[3] = ReportSamples.gate(.flake8, twice)
        let document = JUnitXML.document(report, hostname: "runner-7")
        #expect(document.contains("<testcase classname=\"flake8\" name=\"app/pkg/x.py:3:1 F401\" time="))
        #expect(document.contains("<testcase classname=\"flake8\" name=\"app/pkg/x.py:3:1 F401 (2)\" time="))
        #expect(document.contains(
            "<testsuite name=\"assess_image_code/flake8\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\" "
                + "time=\"1.250\" timestamp=\"2026-05-01T09:30:00.000Z\" hostname=\"runner-7\">"))
        let names = JUnitXML.uniquelyNamed([
            .init(classname: "c", name: "a", time: 0), .init(classname: "c", name: "a", time: 0),
            .init(classname: "c", name: "a (2)", time: 0),
        ]).map(\.name)
        #expect(names == ["a", "a (3)", "a (2)"])
    }

    // MARK: - gl-code-quality-report.json

    @Test func codeQualityIssuesCarryGitLabsFields() throws {
        let report = try ReportSamples.failedRun()
        let data = try CodeQuality.document(report)
        #expect(!data.starts(with: [0xEF, 0xBB, 0xBF]))
        let issues = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        // Every linter finding, no pytest test.
        #expect(issues.count == 34)
        let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
        #expect(Set(fingerprints).count == issues.count)
        #expect(issues.allSatisfy { issue in
            let location = issue["location"] as? [String: Any]
            let path = location?["path"] as? String ?? "/"
            return path.hasPrefix("app/") && ((location?["lines"] as? [String: Any])?["begin"] as? Int ?? 0) >= 1
        })
        let e501 = try #require(issues.first { $0["check_name"] as? String == "flake8/E501" })
        #expect(e501["description"] as? String == "flake8: E501 line too long (108 > 79 characters)")
        #expect(e501["severity"] as? String == "minor")
        let severities = Dictionary(grouping: issues, by: { $0["check_name"] as? String ?? "" }).mapValues {
            $0.first?["severity"] as? String ?? ""
        }
        #expect(severities["mypy/arg-type"] == "major")
        #expect(severities["flake8/F401"] == "major")
        #expect(severities["black/cannot-parse"] == "critical")
        #expect(severities["black/would-reformat"] == "minor")
    }

    @Test func aFingerprintSurvivesAnEditAboveTheFindingAndTwinsStayApart() throws {
        func fingerprints(_ output: String) -> [String] {
            var report = ReportSamples.passedRun()
            report.steps[0].gates?[3] = ReportSamples.gate(.flake8, output)
            return IdentifiedFinding.all(in: report).map(\.fingerprint)
        }
        let before = fingerprints("pkg/x.py:3:1: F401 'os' imported but unused\npkg/x.py:9:5: E501 line too long\n")
        let after = fingerprints("pkg/x.py:5:1: F401 'os' imported but unused\npkg/x.py:11:5: E501 line too long\n")
        #expect(before == after && before.count == 2 && before[0] != before[1])
        let twins = fingerprints("pkg/x.py:3:1: F401 'os' imported but unused\npkg/x.py:4:1: F401 'os' imported but unused\n")
        #expect(twins.count == 2 && twins[0] != twins[1] && twins[0] == before[0])
        #expect(fingerprints("pkg/y.py:3:1: F401 'os' imported but unused\n") != [before[0]])
    }

    @Test func aFindingReportedByTwoStepsIsOneIssue() throws {
        var report = ReportSamples.passedRun()
        report.steps[0].gates?[3] = ReportSamples.gate(.flake8, "pkg/x.py:3:1: F401 'os' imported but unused\n")
        report.steps.insert(report.steps[0], at: 0)
        report.steps[0].name = "assess_code"
        #expect(CodeQuality.issues(report).count == 1)
    }

    @Test func codeQualityValidatesAgainstGitLabsDocumentedFields() throws {
        let schema = "gl-code-quality-report.schema.json"
        let failed = try JSONSchemaCheck.validate(try CodeQuality.document(try ReportSamples.failedRun()), against: schema)
        #expect(failed.status == 0, "\(failed.said)")
        let passed = try JSONSchemaCheck.validate(try CodeQuality.document(ReportSamples.passedRun()), against: schema)
        #expect(passed.status == 0, "\(passed.said)")
        // The check can fail: a wrong severity and an absolute path are refused.
        let wrong = #"[{"description":"d","check_name":"c","fingerprint":"f","severity":"error","location":{"path":"/abs.py","lines":{"begin":1}}}]"#
        let refused = try JSONSchemaCheck.validate(Data(wrong.utf8), against: schema)
        #expect(refused.status != 0, "\(refused.said)")
    }

    // MARK: - report.sarif

    @Test func sarifHasOneRunPerLinterWithItsRulesAndRepositoryPaths() throws {
        let data = try SARIF.document(try ReportSamples.failedRun())
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        let runs = try #require(document["runs"] as? [[String: Any]])
        let names = runs.map { (($0["tool"] as? [String: Any])?["driver"] as? [String: Any])?["name"] as? String ?? "" }
        #expect(names == ["black", "isort", "ruff-format", "flake8", "ruff", "mypy"])
        let flake8 = runs[3]
        let driver = try #require((flake8["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = (driver["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let results = try #require(flake8["results"] as? [[String: Any]])
        #expect(results.count == 10)
        #expect(Set(results.compactMap { $0["ruleId"] as? String }) == Set(rules))
        let e501 = try #require(results.first { $0["ruleId"] as? String == "E501" })
        let physical = try #require(
            ((e501["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "app/pkg/bad.py")
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 16)
        #expect((physical["region"] as? [String: Any])?["startColumn"] as? Int == 80)
        #expect(rules[e501["ruleIndex"] as? Int ?? -1] == "E501")
        #expect(SARIF.uriReference("app/a b/c#d.py") == "app/a%20b/c%23d.py")
    }

    @Test func sarifValidatesAgainstTheSARIFSchema() throws {
        let schema = "sarif-schema-2.1.0.json"
        for report in [try ReportSamples.failedRun(), ReportSamples.passedRun()] {
            let result = try JSONSchemaCheck.validate(try SARIF.document(report), against: schema)
            #expect(result.status == 0, "\(result.said)")
        }
        // The check can fail: a result with a line 0 region and no message is refused.
        let wrong = #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a","locations":[{"physicalLocation":{"region":{"startLine":0}}}]}]}]}"#
        let refused = try JSONSchemaCheck.validate(Data(wrong.utf8), against: schema)
        #expect(refused.status != 0, "\(refused.said)")
    }

    // MARK: - coverage.xml

    @Test func coberturaPathsBecomeTheRepositorysAndTheTotalIsRead() throws {
        let xml = String(decoding: try ReportSamples.fixture("coverage-pytest-cov.xml"), as: UTF8.self)
        let existing: Set = ["app/pkg/__init__.py", "app/pkg/calc.py", "app/tests/__init__.py", "app/tests/test_calc.py"]
        let rewritten = Cobertura.rewrite(
            xml, paths: RepositoryPaths(sourceRoot: "app", workingDirectory: "/tmp/badproj/app"),
            repositoryRoot: "/builds/g/p", exists: existing.contains)
        #expect(rewritten.contains("<class name=\"calc.py\" filename=\"app/pkg/calc.py\""))
        #expect(rewritten.contains("<class name=\"test_calc.py\" filename=\"app/tests/test_calc.py\""))
        #expect(rewritten.contains("<sources>\n\t\t<source>/builds/g/p</source>\n\t</sources>"))
        #expect(!rewritten.contains("/tmp/badproj"))
        // The lines are left as they were.
        #expect(rewritten.contains("<line number=\"6\" hits=\"0\"/>"))
        let summary = try #require(Cobertura.summary(rewritten))
        #expect(summary == CoverageReport(lineRate: 0.6667, linesCovered: 6, linesValid: 9, branchRate: nil))
        #expect(summary.sentence == "Coverage: 66.7% of lines (6 of 9)")
    }

    @Test func aGateWithCoverageRecordsItAndTheWriterWritesTheFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-coverage-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("app/pkg"), withIntermediateDirectories: true)
        try Data().write(to: root.appendingPathComponent("app/pkg/calc.py"))
        var report = ReportSamples.passedRun()
        report.steps[0].gates?.append(GateReport(
            gate: .pytest, verdict: .passed, durationSeconds: 1, command: [], output: "1 passed",
            coverageXML: try ReportSamples.fixture("coverage-pytest-cov.xml"), repositoryRoot: root,
            sourceRoot: "app", workingDirectory: "/tmp/badproj/app"))
        let pytest = try #require(report.steps[0].gates?.last)
        #expect(pytest.coverage?.lineRate == 0.6667)
        #expect(try ReportWriter.json(report).count > 0)
        let decoded = try ReportWriter.decode(try ReportWriter.json(report))
        #expect(decoded.steps[0].gates?.last?.coverage == pytest.coverage)
        #expect(decoded.steps[0].gates?.last?.coverageXML == nil)
        let folder = root.appendingPathComponent("out")
        let written = try ReportWriter.write(report, to: folder)
        #expect(written.contains("coverage.xml"))
        let file = try String(contentsOf: folder.appendingPathComponent("coverage.xml"), encoding: .utf8)
        #expect(file.contains("filename=\"app/pkg/calc.py\"") && file.contains("<source>\(root.path)</source>"))
        #expect(StepSummary.markdown(report).contains("Coverage: 66.7% of lines (6 of 9)"))

        // The next run in the same folder measured none (`--no-cov`): no earlier coverage.xml is left for
        // a CI's upload, and the run says why there is none.
        let uncovered = ReportSamples.passedRun()
        #expect(!(try ReportWriter.write(uncovered, to: folder)).contains("coverage.xml"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("coverage.xml").path))
        let expected = PytestCoverage(targets: ["pkg"], origin: "requirements-test.txt")
        let noCov = GateReport(
            gate: .pytest, verdict: .passed, durationSeconds: 1, command: [], output: "WARNING: Coverage disabled via --no-cov switch!",
            coverageXML: nil, repositoryRoot: root, sourceRoot: "app", workingDirectory: "/srv/app")
        #expect(AssessImageCode.missingCoverage([noCov], expected: expected)?.hasPrefix(
            "No coverage: the project uses pytest-cov (requirements-test.txt), but pytest wrote no coverage XML") == true)
        #expect(AssessImageCode.missingCoverage([pytest], expected: expected) == nil)
        #expect(AssessImageCode.missingCoverage([noCov], expected: nil) == nil)
    }

    // MARK: - pytest-cov in the project

    @Test func pytestCovIsFoundInTheRequirementsOrTheSettings() throws {
        let fromRequirements = try FakeRepository(files: [
            "requirements-test.txt": "pytest==9.0.3\npytest-cov==7.1.0\n", "pkg/__init__.py": "", "app.py": "",
            "tests/test_x.py": "def test_x():\n    pass\n",
        ])
        defer { fromRequirements.delete() }
        let project = try ProjectLoader.load(root: fromRequirements.root)
        #expect(project.coverage == PytestCoverage(targets: ["pkg", "app"], origin: "requirements-test.txt"))
        #expect(project.coverage?.arguments(writingTo: "/c.xml") == ["--cov-report=xml:/c.xml", "--cov=pkg", "--cov=app"])

        let named = try FakeRepository(files: [
            "pyproject.toml": "[tool.pytest.ini_options]\naddopts = \"--cov=pkg --cov-branch\"\n", "pkg/__init__.py": "",
            "tests/test_x.py": "def test_x():\n    pass\n",
        ])
        defer { named.delete() }
        #expect(try ProjectLoader.load(root: named.root).coverage
            == PytestCoverage(targets: [], origin: "pyproject.toml [tool.pytest.ini_options]"))

        let none = try FakeRepository(files: [
            "requirements-test.txt": "pytest==9.0.3\n", "pkg/__init__.py": "", "tests/test_x.py": "def test_x():\n    pass\n",
        ])
        defer { none.delete() }
        #expect(try ProjectLoader.load(root: none.root).coverage == nil)
    }
}
