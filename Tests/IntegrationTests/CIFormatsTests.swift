import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// A real run as GitLab CI runs it (`GITLAB_CI=true`, `CI_PROJECT_DIR` the checkout), on the pytest-cov
    /// sample with a committed flake8 finding: folded sections in the log, the reports in
    /// `$CI_PROJECT_DIR/workflows-report` and valid (SARIF against OASIS's schema, Code Quality against
    /// GitLab's fields, JUnit against junit-10.xsd), coverage measured in the image with repository paths,
    /// and the report folder inside the checkout not making the tree dirty.
    @Suite struct CIFormats {
        static let fixtures = Harness.repositoryRoot.appendingPathComponent("Tests/WorkflowsKitTests/Fixtures")

        func checkJSONSchema(_ file: URL, _ schema: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let tool = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
                + "/workflows-lint-venv/bin/check-jsonschema"
            try #require(FileManager.default.isExecutableFile(atPath: tool), "run scripts/lint-ci.sh once: it installs \(tool)")
            let output = try await Harness.runner.run(
                Command(tool, ["--schemafile", Self.fixtures.appendingPathComponent(schema).path, file.path]))
            #expect(output.succeeded, "\(output.outputText)\(output.errorText)", sourceLocation: sourceLocation)
        }

        @Test func onGitLabTheReportsLieInTheProjectAndValidate() async throws {
            try await Harness.requireEngine()
            var files = try SampleProjects.folder("pytest-cov")
            let core = try #require(files["greeter/core.py"])
            files["greeter/core.py"] = "import sys\n\n\n" + core
            let repository = try FakeRepository("workflows-it-gitlab", files: files)
            defer { repository.delete() }
            let root = repository.root
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: root)
            try await Harness.sh("git", ["add", "."], in: root)
            try await Harness.commit("A greeter with a flake8 finding", in: root)
            // An earlier run's report folder, inside the checkout and not ignored by git.
            try repository.write("workflows-report/stale.txt", "from an earlier run\n")

            let image = Harness.uniqueName("workflows-it-gitlab") + ":latest"
            let run = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image], in: root,
                environment: ["GITLAB_CI": "true", "CI_PROJECT_DIR": root.path, "GITHUB_ACTIONS": ""])
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")
            #expect(run.stderr.contains("Quality gates failed inside \(image): flake8."), "\(run.all)")
            for step in ["build_dev_image", "assess_image_code"] {
                #expect(run.stdout.contains(":workflows_\(step)[collapsed=true]\r\u{1B}[0K\(step)\n"), "\(run.stdout)")
                #expect(run.stdout.contains(":workflows_\(step)\r\u{1B}[0K\n"))
            }
            #expect(run.stdout.contains("\u{1B}[0Ksection_start:") && run.stdout.contains("\u{1B}[0Ksection_end:"))
            #expect(run.stdout.contains("Coverage: "), "\(run.stdout)")
            #expect(try await Harness.leftovers(of: run).isEmpty)

            let folder = root.appendingPathComponent("workflows-report")
            let report = try ReportWriter.decode(Data(contentsOf: folder.appendingPathComponent("report.json")))
            #expect(report.git?.tree == .clean, "the report folder does not make the checkout dirty")
            let gates = try #require(report.steps.last?.gates)
            let flake8 = try #require(gates.first { $0.name == "flake8" })
            #expect(flake8.findings.map { "\($0.file):\($0.line ?? 0) \($0.code ?? "")" } == ["greeter/core.py:1 F401"])
            let coverage = try #require(gates.first { $0.name == "pytest" }?.coverage, "\(run.stdout)")
            #expect(coverage.lineRate > 0 && coverage.lineRate < 1, "shout() is never called")
            #expect((coverage.linesCovered ?? 0) < (coverage.linesValid ?? 0) && coverage.branchRate != nil)
            #expect(run.stdout.contains(coverage.sentence))

            let cobertura = try String(contentsOf: folder.appendingPathComponent("coverage.xml"), encoding: .utf8)
            #expect(cobertura.contains("filename=\"greeter/core.py\""), "\(cobertura)")
            #expect(cobertura.contains("<source>\(root.path)</source>") && !cobertura.contains("/srv"))

            try await checkJSONSchema(folder.appendingPathComponent("report.sarif"), "sarif-schema-2.1.0.json")
            try await checkJSONSchema(folder.appendingPathComponent("gl-code-quality-report.json"), "gl-code-quality-report.schema.json")
            let quality = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("gl-code-quality-report.json")))
                    as? [[String: Any]])
            #expect(quality.count == 1 && quality[0]["check_name"] as? String == "flake8/F401")
            #expect(((quality[0]["location"] as? [String: Any])?["path"]) as? String == "greeter/core.py")

            let junit = folder.appendingPathComponent("junit.xml")
            let xsd = Self.fixtures.appendingPathComponent("junit-10.xsd")
            let lint = try await Harness.runner.run(Command("xmllint", ["--noout", "--schema", xsd.path, junit.path]))
            #expect(lint.succeeded, "\(lint.errorText)")
            let xml = try String(contentsOf: junit, encoding: .utf8)
            #expect(xml.contains("<testcase classname=\"flake8\" name=\"greeter/core.py:1:1 F401\""))
            #expect(xml.contains("<testcase classname=\"tests.test_core\" name=\"test_greets_by_name\""))
            #expect(xml.contains(" hostname=\""))
        }
    }
}
