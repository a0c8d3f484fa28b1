import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// A Django site with no project file, and a project whose gate needs its own folder, arguments,
    /// environment and a secret, on the real engine.
    @Suite struct DjangoAndGateSettings {
        let shapes = ProjectShapes()

        @Test func aDjangoSitePassesWithDjangosRunnerAndABrokenTestFailsIt() async throws {
            let files = try SampleProjects.folder("django-site")
            let (repository, image) = try await shapes.project(files, name: "django")
            defer { repository.delete() }
            let shown = try await Harness.workflows(["show_project"], in: repository.root)
            #expect(shown.status == 0, "\(shown.all)")
            let rows = shown.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(rows.contains("gates flake8, django convention (flake8: .flake8; django: manage.py (mysite.settings))"), "\(shown.stdout)")
            #expect(rows.contains("tests polls/tests.py convention (the Django apps' tests)"), "\(shown.stdout)")
            #expect(rows.contains("gate.django.environment DJANGO_SETTINGS_MODULE=mysite.settings.test convention (mysite/settings/test.py)"), "\(shown.stdout)")

            let passed = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(passed.status == 0, "\(passed.all)")
            #expect(shapes.gateVerdicts(passed) == ["flake8 passed", "django passed"], "\(passed.stdout)")
            #expect(passed.stdout.contains("django passed in") && passed.stdout.contains(": 3 tests"), "\(passed.stdout)")
            #expect(passed.stdout.contains("manage.py test --noinput --verbosity 2"))
            #expect(passed.stdout.contains("is healthy after"))
            try await shapes.expectNothingLeft(by: passed)

            // A broken test fails the gate with Django's own output; stubs alone then pass with 0 tests.
            let tests = try repository.read("polls/tests.py")
            try repository.write("polls/tests.py", tests.replacingOccurrences(
                of: "was_published_recently(), False)", with: "was_published_recently(), True)"))
            let reports = try TemporaryDirectory()
            defer { reports.delete() }
            let failed = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image, "--report-dir", reports.path], in: repository.root)
            #expect(failed.status == 1, "\(failed.all)")
            #expect(shapes.gateVerdicts(failed) == ["flake8 passed", "django FAILED"], "\(failed.stdout)")
            #expect(failed.stdout.contains("AssertionError: False is not True"), "\(failed.stdout)")
            #expect(failed.stdout.contains("FAILED (failures=1)"))
            let report = try ReportWriter.decode(Data(contentsOf: URL(fileURLWithPath: reports.path + "/report.json")))
            let django = try #require(report.steps.compactMap(\.gates).joined().first { $0.name == "django" })
            #expect(django.counts.tests == 3 && django.counts.failures == 1)
            let failure = try #require(django.tests?.first { $0.outcome == .failed })
            #expect(failure.name == "test_was_published_recently_with_future_question")
            #expect(failure.file == "polls/tests.py" && failure.line != nil)
            try await shapes.expectNothingLeft(by: failed)

            // startapp's stub, which flake8 finds an unused import in: Django's runner alone here.
            try repository.write("polls/tests.py", "from django.test import TestCase\n\n# Create your tests here.\n")
            try repository.write("workflows.toml", "gates = [\"django\"]\n")
            let stubs = try await Harness.workflows(["build_dev_image", "assess_image_code", "--image", image], in: repository.root)
            await Harness.removeImage(image)
            #expect(stubs.status == 0, "\(stubs.all)")
            #expect(stubs.stdout.contains("django passed in") && stubs.stdout.contains(": 0 tests"), "\(stubs.stdout)")
            #expect(stubs.stdout.contains("Ran 0 tests"))
            try await shapes.expectNothingLeft(by: stubs)
        }

        @Test func aGateRunsInItsFolderWithItsArgumentsAndEnvironmentAndTheSecretIsNeverShown() async throws {
            let secret = "tok-" + UUID().uuidString
            let digest = SHA256.hex(Data(secret.utf8))
            let (repository, image) = try await shapes.project(try SampleProjects.folder("gate-settings"), name: "gateset")
            defer { repository.delete() }
            let reports = try TemporaryDirectory()
            defer { reports.delete() }
            let variables = ["GREETER_API_TOKEN": secret, "GREETER_TOKEN_SHA256": digest]

            let unset = try await Harness.workflows(["show_project"], in: repository.root)
            #expect(unset.status == 64)
            #expect(unset.stderr.contains("pyproject.toml:8:17: 'tool.workflows.environment.API_TOKEN' uses ${GREETER_API_TOKEN}"), "\(unset.stderr)")

            let run = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image, "--report-dir", reports.path],
                in: repository.root, environment: variables)
            await Harness.removeImage(image)
            #expect(run.status == 0, "\(run.all)")
            #expect(shapes.gateVerdicts(run) == ["pytest passed"], "\(run.stdout)")
            #expect(run.stdout.contains("the token is ***"), "pytest -s printed it, masked: \(run.stdout)")
            #expect(run.stdout.contains(
                "--env API_TOKEN --env EXPECTED_TOKEN_SHA256 --env 'GREETING=hello from the gate' --workdir /srv/svc "),
                "secrets by name, the gate's value over the top-level one, its folder: \(run.stdout)")
            #expect(run.stdout.contains("-m pytest tests -s --junitxml="), "the paths from the gate's folder, its args")
            let json = try String(contentsOfFile: reports.path + "/report.json", encoding: .utf8)
            let junit = try String(contentsOfFile: reports.path + "/junit.xml", encoding: .utf8)
            for text in [run.stdout, run.stderr, json, junit] {
                #expect(!text.contains(secret) && !text.contains(digest))
            }
            #expect(json.contains("the token is ***"))
            try await shapes.expectNothingLeft(by: run)
        }
    }
}

/// A folder for a run's reports, removed by the test.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-it-reports-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func delete() { try? FileManager.default.removeItem(atPath: path) }
}
