import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// Django sites: found from `manage.py`, their tests run by Django's runner (or pytest-django), the test
/// cases read from the runner's verbose output.
@Suite struct DjangoTests {
    func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func theSampleSiteRunsDjangosRunnerWithItsTestSettings() throws {
        let repository = try FakeRepository("workflows-unit-django", files: try SampleProjects.folder("django-site"))
        defer { repository.delete() }
        let project = try ProjectLoader.load(root: repository.root)
        #expect(project.gates == [.flake8, .django])
        #expect(project.origins["gates"] == "convention (flake8: .flake8; django: manage.py (mysite.settings))")
        #expect(project.tests == ["polls/tests.py"])
        #expect(project.origins["tests"] == "convention (the Django apps' tests)")
        #expect(project.sources == ["mysite", "polls", "manage.py"], "the app's tests are inside a source already")
        #expect(project.gateSettings[.django]?.environment == ["DJANGO_SETTINGS_MODULE": "mysite.settings.test"])
        #expect(project.origins["gate.django.environment"] == "convention (mysite/settings/test.py)")
        #expect(project.unpinnedTools.isEmpty, "Django is the project's own, never a tool to install")
        #expect(project.arguments(for: .django) == ["manage.py", "test", "--noinput", "--verbosity", "2"])
    }

    @Test func pytestDjangoRunsThePytestGateWithTheSettingsModule() throws {
        var files = try SampleProjects.folder("django-site")
        files["requirements-dev.txt"] = "flake8==7.5.0\npytest==9.0.3\npytest-django==4.11.1\n"
        let repository = try FakeRepository("workflows-unit-django", files: files)
        defer { repository.delete() }
        let project = try ProjectLoader.load(root: repository.root)
        #expect(project.gates == [.flake8, .pytest])
        #expect(project.gateSettings[.pytest]?.environment == ["DJANGO_SETTINGS_MODULE": "mysite.settings.test"])

        try repository.write("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = mysite.settings\n")
        let configured = try ProjectLoader.load(root: repository.root)
        #expect(configured.gates == [.flake8, .pytest])
        #expect(configured.gateSettings[.pytest]?.environment ?? [:] == [:], "pytest-django reads pytest's own settings")

        try repository.write("workflows.toml", "environment = { DJANGO_SETTINGS_MODULE = \"mysite.settings\" }\n")
        try repository.remove("pytest.ini")
        let overridden = try ProjectLoader.load(root: repository.root)
        #expect(overridden.environment(of: .pytest) == ["DJANGO_SETTINGS_MODULE": "mysite.settings"], "the project file wins")
    }

    @Test func theRunnersVerboseOutputGivesTheTestCases() throws {
        let cases = DjangoTestOutput.testCases(
            from: try fixture("django-test-verbose-failures.txt"), sourceRoot: "site", workingDirectory: "/tmp/djfail") ?? []
        #expect(cases.map(\.name) == [
            "test_errors", "test_fails", "test_skipped", "test_health_answers_ok",
            "test_was_published_recently_with_future_question", "test_was_published_recently_with_recent_question",
        ])
        #expect(cases.map(\.outcome) == [.error, .failed, .skipped, .passed, .passed, .passed])
        #expect(cases[0].classname == "polls.tests.BrokenTests")
        #expect(cases[0].message == "RuntimeError: boom")
        #expect(cases[0].file == "site/polls/tests.py" && cases[0].line == 34)
        #expect(cases[1].message == "AssertionError: 2 != 3")
        #expect(cases[1].text?.contains("self.assertEqual(1 + 1, 3)") == true)
        #expect(cases[1].file == "site/polls/tests.py" && cases[1].line == 31)
        #expect(cases[2].message == "not today")
        let report = GateReport(
            gate: .django, verdict: .failed, durationSeconds: 1, command: [], output: try fixture("django-test-verbose-failures.txt"),
            sourceRoot: ".", workingDirectory: "/tmp/djfail")
        #expect(report.counts == GateReport.Counts(tests: 6, failures: 1, errors: 1, skipped: 1))
    }

    @Test func onlyStubTestsAreZeroTests() throws {
        let output = try fixture("django-test-verbose-no-tests.txt")
        #expect(DjangoTestOutput.testCases(from: output, sourceRoot: ".") == [])
        #expect(DjangoTestOutput.testCases(from: "EFs...\n" + String(repeating: "-", count: 70) + "\nRan 6 tests in 0.095s\n", sourceRoot: ".") == nil,
                "a runner of its own printed dots: the cases are unknown, not none")
        #expect(output.contains("Ran 0 tests"))
    }

    @Test func beforePython311TheClassComesWithoutTheMethod() {
        let cases = DjangoTestOutput.testCases(from: "test_a (app.tests.T) ... ok\n", sourceRoot: ".")
        #expect(cases == [TestCaseReport(classname: "app.tests.T", name: "test_a", durationSeconds: 0, outcome: .passed)])
    }
}

extension DjangoTests {
    @Test func onTheHostDjangosRunnerRunsInTheSourceRootWithTheTestSettings() async throws {
        let repository = try FakeRepository("workflows-unit-django", files: try SampleProjects.folder("django-site"))
        defer { repository.delete() }
        let runner = RecordingRunner()
        let (status, console) = try await runWorkflows(["assess_django_tests"], runner: runner, root: repository.root)
        #expect(status == 0, "\(console.all)")
        let run = try #require(runner.commands.first { $0.executable == "python3" })
        #expect(run.arguments == ["manage.py", "test", "--noinput", "--verbosity", "2"])
        #expect(run.workingDirectory == repository.root.path)
        #expect(run.environment["DJANGO_SETTINGS_MODULE"] == "mysite.settings.test")
    }
}
