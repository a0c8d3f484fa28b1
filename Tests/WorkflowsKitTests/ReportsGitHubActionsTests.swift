import Foundation
import Testing

@testable import WorkflowsKit

/// Workflow commands, annotations and the step summary.
@Suite struct ReportsGitHubActionsTests {
    @Test func escapingFollowsTheWorkflowCommandRules() {
        #expect(GitHubActions.escapeData("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad")
        #expect(GitHubActions.escapeProperty("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad")
        #expect(GitHubActions.escapeData("%0A") == "%250A")
    }

    @Test func commands() {
        #expect(GitHubActions.group("assess_image_code: 7 gates") == "::group::assess_image_code: 7 gates")
        #expect(GitHubActions.endGroup == "::endgroup::")
        #expect(GitHubActions.error(
            "line too long\n(108 > 79)", file: "app/a,b:c.py", line: 16, column: 80, title: "flake8 E501")
            == "::error file=app/a%2Cb%3Ac.py,line=16,col=80,title=flake8 E501::line too long%0A(108 > 79)")
        #expect(GitHubActions.error("failed") == "::error::failed")
        #expect(GitHubActions.notice("50% done") == "::notice::50%25 done")
        #expect(GitHubActions.isRunning(in: ["GITHUB_ACTIONS": "true"]))
        #expect(!GitHubActions.isRunning(in: [:]))
    }

    @Test func atMostTenAnnotationsAcrossGatesThenANotice() throws {
        let lines = GitHubActions.annotations(for: try ReportSamples.failedRun())
        #expect(lines.count == 11)
        #expect(lines[0] == "::error file=app/pkg/syntax.py,line=1,col=11,title=black::cannot parse: ParseError: bad input")
        #expect(lines[1] == "::error file=app/top.py,title=black::would reformat")
        #expect(lines[2] == "::error file=app/pkg/bad.py,title=isort::Imports are incorrectly sorted and/or formatted.")
        #expect(lines.prefix(10).allSatisfy { $0.hasPrefix("::error ") })
        // Taken in turn from each gate, so the failed tests are not crowded out by the formatters.
        let gates = lines.prefix(10).map { line in
            line.components(separatedBy: "title=").last?.components(separatedBy: "::").first?.split(separator: " ").first
        }
        #expect(gates == ["black", "black", "isort", "isort", "ruff-format", "ruff-format", "flake8", "ruff", "mypy", "pytest"])
        // 3 black, 2 isort, 3 ruff-format, 10 flake8, 12 ruff, 4 mypy, 4 failed or errored tests.
        #expect(lines[10] == "::notice::28 more findings and failed tests than GitHub annotates: see the step summary, "
            + "junit.xml and report.json.")
    }

    @Test func failedTestsAreAnnotatedAtTheirLine() throws {
        let report = try ReportSamples.failedRun()
        let pytest = try #require(report.steps[1].gates?.last)
        let lines = GitHubActions.errors(for: pytest, in: "assess_image_code")
        #expect(lines == [
            "::error file=app/tests/test_bad.py,line=15,title=pytest tests.test_bad.test_fails::assert 1 == 2%0A +  where 1 = one()",
            "::error file=app/tests/test_bad.py,line=7,title=pytest tests.test_bad.test_fails_in_helper::AssertionError: value should be two%0Aassert 1 == 2",
            "::error file=app/tests/test_bad.py,line=29,title=pytest tests.test_bad.TestGroup.test_method_fails::ValueError: bad & <worse>",
            "::error file=app/tests/test_bad.py,line=38,title=pytest tests.test_bad.test_error_in_fixture (error)::failed on setup with \"RuntimeError: fixture broke\"",
        ])
    }

    @Test func aFailedStepWithoutGatesAndAGateWithoutFindingsAreAnnotatedToo() {
        let mypy = GateReport(
            gate: .mypy, verdict: .failed, durationSeconds: 1, command: [], output: "mypy: can't read file", sourceRoot: ".")
        let report = RunReport(
            runID: "r", commandLine: [], git: nil, startedAt: ReportSamples.started, durationSeconds: 1, outcome: .failed,
            interruptedBy: nil,
            steps: [
                StepReport(
                    name: "assess_code", verdict: .failed, startedAt: ReportSamples.started, durationSeconds: 1, gates: [mypy]),
                StepReport(
                    name: "assess_image_health", verdict: .failed, startedAt: ReportSamples.started, durationSeconds: 1,
                    message: "numbers-api became unhealthy after 3.0s"),
                StepReport(name: "x", verdict: .interrupted, startedAt: ReportSamples.started, durationSeconds: 1, message: "no"),
            ])
        #expect(GitHubActions.annotations(for: report) == [
            "::error title=mypy::mypy failed in assess_code, with no finding workflows recognises: its output is in the log and in report.json.",
            "::error title=assess_image_health::numbers-api became unhealthy after 3.0s",
        ])
        #expect(GitHubActions.annotations(for: ReportSamples.passedRun()).isEmpty)
    }

    @Test func theSummaryHasStepsGatesFindingsHealthAndPushes() throws {
        let failed = StepSummary.markdown(try ReportSamples.failedRun())
        #expect(failed.hasPrefix("### workflows: failed\n\n`workflows build_ci_image assess_image_code publish_image` · run `r1` · "
            + "commit `0123456789ab` on `main` (uncommitted changes) · 1m05s\n"))
        #expect(failed.contains("| `build_ci_image` | ✅ passed | 42.1s |\n| `assess_image_code` | ❌ failed | 23.3s |\n"
            + "| `publish_image` | ⏭️ skipped |  |"))
        #expect(failed.contains("| `flake8` | ❌ failed | 1.2s | 10 | 0 | 0 | 0 | 0 |"))
        #expect(failed.contains("| `pytest` | ❌ failed | 1.2s | 0 | 7 | 3 | 1 | 1 |"))
        #expect(failed.contains("| `black` | `app/pkg/syntax.py:1:11` |  | cannot parse: ParseError: bad input |"))
        #expect(failed.contains("| `isort` | `app/top.py` |  | Imports are incorrectly sorted and/or formatted. |"))
        #expect(failed.contains("| `pytest` | `app/tests/test_bad.py:29` | failed | "
            + "`tests.test_bad.TestGroup.test_method_fails`: ValueError: bad \\& \\<worse\\> |"))
        // At most 5 of each gate: flake8 and ruff have 5 and 7 more.
        #expect(failed.contains("…and 12 more in `junit.xml` and `report.json`."))
        #expect(failed.contains("#### `assess_image_code`"))
        #expect(failed.contains("```text\nQuality gates failed inside numbers-api:latest"))

        let passed = StepSummary.markdown(ReportSamples.passedRun())
        #expect(passed.hasPrefix("### workflows: passed\n"))
        #expect(passed.contains("Health: **healthy** after 3.2s"))
        #expect(passed.contains("| 1 | connection refused |"))
        #expect(passed.contains("| `ghcr.io/acme/numbers-api:1.2.0` | `sha256:cccc` |\n| `ghcr.io/acme/numbers-api:latest` | unknown |"))
        #expect(!passed.contains("| Gate | Where |"))
    }

    @Test func tableCellsTakeMarkdownLiterally() {
        #expect(StepSummary.escape("a|b *c* <script> [x](y)\nz") == "a\\|b \\*c\\* \\<script\\> \\[x\\](y) z")
        #expect(StepSummary.code("a`b|c") == "`a'b\\|c`")
    }

    @Test func theSummaryIsCappedAtALine() throws {
        let markdown = StepSummary.markdown(try ReportSamples.failedRun(), limit: 600)
        #expect(markdown.utf8.count <= 600)
        #expect(markdown.hasSuffix("…cut here to stay under GitHub's summary limit: the whole run is in `junit.xml` and `report.json`.\n"))
        #expect(markdown.hasPrefix("### workflows: failed"))
    }

    @Test func theSummaryIsAppendedAndTheFileStaysUnderOneMiB() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-summary-\(UUID()).md")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("# Earlier\n".utf8).write(to: file)
        let environment = ["GITHUB_STEP_SUMMARY": file.path]
        #expect(try GitHubActions.appendStepSummary(ReportSamples.passedRun(), environment: environment))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("# Earlier\n### workflows: passed\n"))

        // A run with a huge message, after a nearly full summary: what is added keeps the file under 1 MiB.
        var huge = try ReportSamples.failedRun()
        huge.steps[1].message = String(repeating: "x\n", count: 600_000)
        try Data(repeating: UInt8(ascii: "a"), count: GitHubActions.stepSummaryLimit - 5_000).write(to: file)
        #expect(try GitHubActions.appendStepSummary(huge, environment: environment))
        let size = try #require(try file.resourceValues(forKeys: [.fileSizeKey]).fileSize)
        #expect(size < GitHubActions.stepSummaryLimit && size > GitHubActions.stepSummaryLimit - 5_000)

        #expect(try !GitHubActions.appendStepSummary(huge, environment: [:]))
        try Data(count: GitHubActions.stepSummaryLimit - 10).write(to: file)
        #expect(try !GitHubActions.appendStepSummary(huge, environment: environment))
    }
}
