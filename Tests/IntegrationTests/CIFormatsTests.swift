import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// Real runs as each CI runs them, on the pytest-cov sample (flake8, strict mypy, pytest with pytest-cov,
    /// hadolint with `.hadolint.yaml`) with a committed flake8 finding, mypy error, failing test and hadolint
    /// error: GitLab first (it builds the image: folded sections, the reports in `$CI_PROJECT_DIR`, the
    /// report folder inside the checkout not making the tree dirty), then `assess_image_code` of the same
    /// image as GitHub Actions, Azure Pipelines and Jenkins run it, at once (the tools' install reused). Each run's
    /// log commands, and its report files: SARIF against OASIS's schema, Code Quality against GitLab's
    /// fields, JUnit against junit-10.xsd, unique names and fingerprints, repository paths, coverage.
    @Suite struct CIFormats {
        static let fixtures = Harness.repositoryRoot.appendingPathComponent("Tests/WorkflowsKitTests/Fixtures")
        /// No CI but the one a run is about (the harness already clears `GITHUB_*` and `RUNNER_*`).
        static let noCI = ["GITHUB_ACTIONS": "", "GITLAB_CI": "", "TF_BUILD": "", "JENKINS_URL": ""]

        func checkJSONSchema(_ file: URL, _ schema: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let tool = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
                + "/workflows-lint-venv/bin/check-jsonschema"
            try #require(FileManager.default.isExecutableFile(atPath: tool), "run scripts/lint-ci.sh once: it installs \(tool)")
            let output = try await Harness.runner.run(
                Command(tool, ["--schemafile", Self.fixtures.appendingPathComponent(schema).path, file.path]))
            #expect(output.succeeded, "\(output.outputText)\(output.errorText)", sourceLocation: sourceLocation)
        }

        /// The sample with a flake8 finding (`import sys`, line 1), a mypy error (line 16), a failing test and a
        /// hadolint error (`MAINTAINER`, line 2), committed.
        static func brokenSample() throws -> [String: String] {
            var files = try SampleProjects.folder("pytest-cov")
            let core = try #require(files["greeter/core.py"])
            files["greeter/core.py"] = "import sys\n\n\n" + core + "\n\ndef count(text: str) -> int:\n    return text\n"
            let tests = try #require(files["tests/test_core.py"])
            files["tests/test_core.py"] = tests.replacingOccurrences(of: "import greeting\n", with: "import greeting, shout\n")
                + "\n\ndef test_shouts() -> None:\n    assert shout(\"hi\") == \"hi\"\n"
            let dockerfile = try #require(files["Dockerfile"])
            files["Dockerfile"] = dockerfile.replacingOccurrences(
                of: "FROM python:3.11-slim\n", with: "FROM python:3.11-slim\nMAINTAINER greeter@example.com\n")
            return files
        }

        @Test func eachCIGetsItsLogCommandsAndValidReports() async throws {
            try await Harness.requireEngine()
            let repository = try FakeRepository("workflows-it-ci", files: try Self.brokenSample())
            defer { repository.delete() }
            let root = repository.root
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: root)
            try await Harness.sh("git", ["add", "."], in: root)
            try await Harness.commit("A greeter with a finding for each gate", in: root)
            // An earlier run's report folder, inside the checkout and not ignored by git.
            try repository.write("workflows-report/stale.txt", "from an earlier run\n")
            let image = Harness.uniqueName("workflows-it-ci") + ":latest"
            let failed = "Quality gates failed inside \(image): flake8, mypy, hadolint, pytest."

            // GitLab: folded sections; the reports in the project.
            let gitlab = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image], in: root,
                environment: Self.noCI.merging(["GITLAB_CI": "true", "CI_PROJECT_DIR": root.path]) { $1 })
            #expect(gitlab.status == 1 && gitlab.stderr.contains(failed), "\(gitlab.all)")
            for step in ["build_dev_image", "assess_image_code"] {
                #expect(gitlab.stdout.contains(":workflows_\(step)[collapsed=true]\r\u{1B}[0K\(step)\n"), "\(gitlab.stdout)")
                #expect(gitlab.stdout.contains(":workflows_\(step)\r\u{1B}[0K\n"))
            }
            #expect(gitlab.stdout.contains("\u{1B}[0Ksection_start:") && gitlab.stdout.contains("\u{1B}[0Ksection_end:"))
            #expect(try await Harness.leftovers(of: gitlab).isEmpty)
            let inProject = root.appendingPathComponent("workflows-report")
            try await checkReports(in: inProject, log: gitlab)
            #expect(try ReportWriter.decode(Data(contentsOf: inProject.appendingPathComponent("report.json"))).git?.tree == .clean,
                "the report folder does not make the checkout dirty")

            let outside = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-ci-out"))
            defer { try? FileManager.default.removeItem(at: outside) }
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)

            // The same image assessed as GitHub Actions, Azure Pipelines and Jenkins run it, the three at once
            // (each its own report folder; the tools' install and caches are made for sharing).
            let summary = outside.appendingPathComponent("step-summary.md")
            let staging = outside.appendingPathComponent("staging")
            async let githubRun = Harness.workflows(
                ["assess_image_code", "--image", image], in: root,
                environment: Self.noCI.merging([
                    "GITHUB_ACTIONS": "true", "RUNNER_TEMP": outside.path, "GITHUB_STEP_SUMMARY": summary.path,
                ]) { $1 })
            async let azureRun = Harness.workflows(
                ["assess_image_code", "--image", image], in: root,
                environment: Self.noCI.merging(["TF_BUILD": "True", "BUILD_ARTIFACTSTAGINGDIRECTORY": staging.path]) { $1 })
            async let jenkinsRun = Harness.workflows(
                ["assess_image_code", "--image", image], in: root,
                environment: Self.noCI.merging(["JENKINS_URL": "http://jenkins.example/", "WORKSPACE": root.path]) { $1 })
            let (github, azure, jenkins) = try await (githubRun, azureRun, jenkinsRun)
            await Harness.removeImage(image)

            // GitHub Actions: groups, annotations at the lines, the step summary.
            #expect(github.status == 1 && github.stderr.contains(failed), "\(github.all)")
            #expect(github.stdout.contains("::group::assess_image_code\n") && github.stdout.contains("::endgroup::\n"))
            for annotation in [
                "::error file=greeter/core.py,line=1,col=1,title=flake8 F401::'sys' imported but unused\n",
                "::error file=greeter/core.py,line=16,title=mypy return-value::Incompatible return value type (got \"str\", expected \"int\")\n",
                "::error file=Dockerfile,line=2,title=hadolint DL4000::MAINTAINER is deprecated\n",
                "::error file=tests/test_core.py,line=",
                // Under .hadolint.yaml's failure-threshold (warning): reported, not failing.
                "::warning file=Dockerfile,line=7,title=hadolint DL3066::Non-numeric user-id may not be resolvable by host system\n",
            ] {
                #expect(github.stdout.contains(annotation), "\(annotation) in \(github.stdout)")
            }
            let markdown = try String(contentsOf: summary, encoding: .utf8)
            #expect(markdown.contains("| `hadolint` |") && markdown.contains("Coverage: "), "\(markdown)")
            try await checkReports(in: outside.appendingPathComponent("workflows-report"), log: github)

            // Azure Pipelines: groups, an issue per finding and failed test, the summary uploaded.
            #expect(azure.status == 1 && azure.stderr.contains(failed), "\(azure.all)")
            #expect(azure.stdout.contains("##[group]assess_image_code\n") && azure.stdout.contains("##[endgroup]\n"))
            for issue in [
                "##vso[task.logissue type=error;sourcepath=greeter/core.py;linenumber=1;columnnumber=1;code=F401]flake8: 'sys' imported but unused\n",
                "##vso[task.logissue type=error;sourcepath=greeter/core.py;linenumber=16;code=return-value]mypy: ",
                "##vso[task.logissue type=error;sourcepath=Dockerfile;linenumber=2;code=DL4000]hadolint: MAINTAINER is deprecated\n",
                "##vso[task.logissue type=error;sourcepath=tests/test_core.py;linenumber=",
                "##vso[task.logissue type=warning;sourcepath=Dockerfile;linenumber=7;code=DL3066]hadolint: ",
                "##vso[task.uploadsummary]\(staging.path)/workflows-report/summary.md\n",
            ] {
                #expect(azure.stdout.contains(issue), "\(issue) in \(azure.stdout)")
            }
            try await checkReports(in: staging.appendingPathComponent("workflows-report"), log: azure)

            // Jenkins: the log unchanged; the reports in the workspace.
            #expect(jenkins.status == 1 && jenkins.stderr.contains(failed), "\(jenkins.all)")
            for marker in ["::group::", "::error", "##[group]", "##vso[", "section_start:"] {
                #expect(!jenkins.stdout.contains(marker), "\(marker) in \(jenkins.stdout)")
            }
            try await checkReports(in: inProject, log: jenkins)
            for run in [github, azure, jenkins] { #expect(try await Harness.leftovers(of: run).isEmpty) }
        }

        /// The report files every CI gets, from a run of the broken sample.
        func checkReports(in folder: URL, log run: Harness.Run, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let report = try ReportWriter.decode(Data(contentsOf: folder.appendingPathComponent("report.json")))
            let gates = try #require(report.steps.last?.gates, sourceLocation: sourceLocation)
            func findings(_ gate: String) -> [String] {
                (gates.first { $0.name == gate }?.findings ?? []).map { "\($0.file):\($0.line ?? 0) \($0.code ?? "")" }
            }
            #expect(findings("flake8") == ["greeter/core.py:1 F401"], sourceLocation: sourceLocation)
            #expect(findings("mypy") == ["greeter/core.py:16 return-value"], sourceLocation: sourceLocation)
            #expect(findings("hadolint") == ["Dockerfile:2 DL4000", "Dockerfile:7 DL3066"], "\(run.stdout)", sourceLocation: sourceLocation)
            let pytest = try #require(gates.first { $0.name == "pytest" }, sourceLocation: sourceLocation)
            #expect(pytest.tests?.first { $0.name == "test_shouts" }?.outcome == .failed, sourceLocation: sourceLocation)
            let coverage = try #require(pytest.coverage, "\(run.stdout)", sourceLocation: sourceLocation)
            #expect(coverage.lineRate > 0 && coverage.lineRate < 1, "count() is never called", sourceLocation: sourceLocation)
            #expect((coverage.linesCovered ?? 0) < (coverage.linesValid ?? 0) && coverage.branchRate != nil, sourceLocation: sourceLocation)
            #expect(run.stdout.contains(coverage.sentence), sourceLocation: sourceLocation)
            let cobertura = try String(contentsOf: folder.appendingPathComponent("coverage.xml"), encoding: .utf8)
            #expect(cobertura.contains("filename=\"greeter/core.py\"") && !cobertura.contains("/srv"), sourceLocation: sourceLocation)

            try await checkJSONSchema(folder.appendingPathComponent("report.sarif"), "sarif-schema-2.1.0.json", sourceLocation: sourceLocation)
            let sarif = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.sarif"))) as? [String: Any],
                sourceLocation: sourceLocation)
            let drivers = (sarif["runs"] as? [[String: Any]] ?? []).compactMap { ($0["tool"] as? [String: Any])?["driver"] as? [String: Any] }
            #expect(drivers.map { "\($0["name"] as? String ?? "") \($0["version"] as? String ?? "-")" }
                == ["flake8 7.5.0", "mypy 2.4.1", "hadolint 2.15.1"], sourceLocation: sourceLocation)

            let qualityFile = folder.appendingPathComponent("gl-code-quality-report.json")
            try await checkJSONSchema(qualityFile, "gl-code-quality-report.schema.json", sourceLocation: sourceLocation)
            let quality = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: qualityFile)) as? [[String: Any]],
                sourceLocation: sourceLocation)
            #expect(Set(quality.compactMap { $0["check_name"] as? String })
                == ["flake8/F401", "mypy/return-value", "hadolint/DL4000", "hadolint/DL3066"], sourceLocation: sourceLocation)
            #expect(Set(quality.compactMap { $0["fingerprint"] as? String }).count == quality.count, sourceLocation: sourceLocation)
            #expect(Set(quality.compactMap { ($0["location"] as? [String: Any])?["path"] as? String }) == ["greeter/core.py", "Dockerfile"],
                sourceLocation: sourceLocation)

            let junit = folder.appendingPathComponent("junit.xml")
            let xsd = Self.fixtures.appendingPathComponent("junit-10.xsd")
            let lint = try await Harness.runner.run(Command("xmllint", ["--noout", "--schema", xsd.path, junit.path]))
            #expect(lint.succeeded, "\(lint.errorText)", sourceLocation: sourceLocation)
            let xml = try String(contentsOf: junit, encoding: .utf8)
            for testCase in [
                "<testcase classname=\"flake8\" name=\"greeter/core.py:1:1 F401\"", "<testcase classname=\"mypy\" name=\"greeter/core.py:16 return-value\"",
                "<testcase classname=\"hadolint\" name=\"Dockerfile:2 DL4000\" time=\"0.000\"><failure ",
                "<testcase classname=\"hadolint\" name=\"Dockerfile:7 DL3066\" time=\"0.000\"><system-out>",
                "<testcase classname=\"tests.test_core\" name=\"test_shouts\"",
            ] {
                #expect(xml.contains(testCase), "\(testCase) in \(xml)", sourceLocation: sourceLocation)
            }
            #expect(xml.contains(" hostname=\"") && xml.contains(" timestamp=\""), sourceLocation: sourceLocation)
            for suite in xml.components(separatedBy: "<testsuite ").dropFirst() {
                let names = suite.components(separatedBy: "<testcase ").dropFirst().compactMap { $0.firstMatch(of: #/ name="([^"]*)"/#)?.1 }
                #expect(Set(names).count == names.count, "\(names)", sourceLocation: sourceLocation)
            }
        }
    }
}
