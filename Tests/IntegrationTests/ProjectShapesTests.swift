import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// `quality_pipeline` on Python projects of other shapes than the embedded app, each described by its
    /// own files alone: which gates ran, a broken gate failing with exit 1 and its output, and nothing
    /// left on the engine.
    @Suite struct ProjectShapes {
        /// A committed git repository holding `files`, and an image name unique to the test.
        func project(_ files: [String: String], name: String) async throws -> (FakeRepository, String) {
            try await Harness.requireEngine()
            let repository = try FakeRepository("workflows-it-\(name)", files: files)
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: repository.root)
            try await Harness.sh("git", ["add", "."], in: repository.root)
            try await Harness.commit("A \(name) project", in: repository.root)
            return (repository, Harness.uniqueName("workflows-it-\(name)") + ":latest")
        }

        /// The gates the run reported, in order, with their verdicts.
        func gateVerdicts(_ run: Harness.Run) -> [String] {
            let lines = run.stdout.split(separator: "\n")
            guard let start = lines.lastIndex(where: { $0.hasPrefix("Gates inside") }) else { return [] }
            return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map {
                $0.split(separator: " ").prefix(2).joined(separator: " ")
            }
        }

        func expectNothingLeft(by run: Harness.Run, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(Harness.runID(of: run) != nil, "the run echoed no labelled command", sourceLocation: sourceLocation)
            #expect(try await Harness.leftovers(of: run).isEmpty, sourceLocation: sourceLocation)
        }

        /// Runs quality_pipeline (it must pass with `gates`), then breaks the code with `change` and runs
        /// `build_dev_image assess_image_code` (it must fail in `broken` only, showing `evidence`).
        func passThenBreak(
            _ files: [String: String], name: String, gates: [String], change: (FakeRepository) throws -> Void,
            broken: String, evidence: String, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            let (repository, image) = try await project(files, name: name)
            defer { repository.delete() }
            let passed = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(passed.status == 0, "\(passed.all)", sourceLocation: sourceLocation)
            #expect(gateVerdicts(passed) == gates.map { "\($0) passed" }, "\(passed.stdout)", sourceLocation: sourceLocation)
            #expect(passed.stdout.contains("is healthy after"), sourceLocation: sourceLocation)
            try await expectNothingLeft(by: passed, sourceLocation: sourceLocation)

            try change(repository)
            let failed = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image], in: repository.root)
            await Harness.removeImage(image)
            #expect(failed.status == 1, "\(failed.all)", sourceLocation: sourceLocation)
            #expect(
                gateVerdicts(failed) == gates.map { "\($0) \($0 == broken ? "FAILED" : "passed")" }, "\(failed.stdout)",
                sourceLocation: sourceLocation)
            #expect(failed.stdout.contains(evidence), "\(failed.stdout)", sourceLocation: sourceLocation)
            #expect(failed.stdout.contains("Gate tools: reusing"), "the second run reuses the tools' cache", sourceLocation: sourceLocation)
            #expect(!failed.all.contains("Gate tools: installing") && !failed.all.contains("Successfully installed"),
                    "no pip install of the tools the second time", sourceLocation: sourceLocation)
            #expect(
                failed.stderr.contains("Quality gates failed inside \(image): \(broken)."), sourceLocation: sourceLocation)
            try await expectNothingLeft(by: failed, sourceLocation: sourceLocation)
        }

        @Test func aSrcLayoutWithRuffAndAHealthURLInsteadOfAHealthcheck() async throws {
            try await passThenBreak(
                SampleProjects.srcLayout, name: "src", gates: ["ruff-format", "ruff", "pytest"],
                change: { repository in
                    let module = try repository.read("src/inventory/server.py")
                    try repository.write("src/inventory/server.py", module.replacingOccurrences(
                        of: "import os\n", with: "import os\nimport sys\n"))
                }, broken: "ruff", evidence: "F401")
        }

        @Test func aFlatModuleWithTestsAtTheRootAndIncludedRequirements() async throws {
            try await passThenBreak(
                SampleProjects.flatModule, name: "flat", gates: ["black", "flake8", "pytest"],
                change: { repository in
                    let module = try repository.read("service.py")
                    // black leaves a long string alone; flake8 does not.
                    let long = "GREETING = \"" + String(repeating: "x", count: 110) + "\"\n"
                    try repository.write("service.py", module.replacingOccurrences(of: "app = Flask", with: long + "app = Flask"))
                }, broken: "flake8", evidence: "E501 line too long")
        }

        @Test func aProjectWhoseToolsAreAllConfiguredInSetupCfg() async throws {
            try await passThenBreak(
                SampleProjects.setupCfgOnly, name: "cfg", gates: ["isort", "flake8", "mypy", "pytest"],
                change: { repository in
                    let module = try repository.read("greeter/server.py")
                    try repository.write("greeter/server.py", module + "\n\ndef answer() -> int:\n    return \"42\"\n")
                }, broken: "mypy", evidence: "Incompatible return value type")
        }

        /// The tools' volume a run used, as it said.
        func toolsVolume(_ run: Harness.Run) -> String? {
            guard let match = run.stdout.range(
                of: #"Gate tools: (installing them once into|reusing) [^ ,;]+"#, options: .regularExpression)
            else { return nil }
            return run.stdout[match].split(separator: " ").last.map(String.init)
        }

        /// The test requirements (`requirements-dev.txt` here), then a file they include (`-r
        /// requirements.txt`), each changed in a way of this run's own, so that no earlier test run's tools
        /// have the key: each change installs new tools, and the earlier ones stay for their requirements.
        @Test func aChangedTestRequirementOrIncludedOneInstallsNewToolsAndKeepsTheOldOnes() async throws {
            let (repository, image) = try await project(SampleProjects.flatModule, name: "reqs")
            defer { repository.delete() }
            let command = ["build_dev_image", "assess_image_code", "--image", image]
            let first = try await Harness.workflows(command, in: repository.root)
            #expect(first.status == 0, "\(first.all)")
            var volumes = [try #require(toolsVolume(first), "\(first.stdout)")]
            var installed: [String] = []
            defer {
                // The new tools serve this test's requirements only: they go with their seals and caches.
                for volume in installed {
                    let key = volume.dropFirst(GateTools.namePrefix.count).prefix { $0 != "-" }
                    _ = try? Harness.runner.runBlocking(Command(
                        "docker", ["volume", "rm", volume, GateTools.namePrefix + key, GateTools.cachesPrefix + key]))
                }
            }
            for file in ["requirements-dev.txt", "requirements.txt"] {
                try repository.write(file, try repository.read(file) + "# reviewed \(UUID())\n")
                let run = try await Harness.workflows(command, in: repository.root)
                #expect(run.status == 0, "\(file): \(run.all)")
                #expect(run.stdout.contains("Gate tools: installing them once into"), "\(file): \(run.stdout)")
                #expect(run.stdout.contains("Successfully installed"), "pip ran: \(run.stdout)")
                let volume = try #require(toolsVolume(run))
                installed.append(volume)
                #expect(!volumes.contains(volume), "\(file): \(volume) again")
                for earlier in volumes {
                    #expect(try await Harness.docker("volume", "inspect", "--format", "{{.Name}}", earlier) == earlier,
                            "the earlier tools stay for the earlier requirements")
                }
                volumes.append(volume)
                try await expectNothingLeft(by: run)
            }
            await Harness.removeImage(image)
        }

        @Test func aContainerThatExitsAtStartFailsHealthWithItsLogsAndLeavesNothing() async throws {
            var files = SampleProjects.setupCfgOnly
            files["greeter/__main__.py"] = "import sys\n\nprint(\"boom: PORT is not set\")\nsys.exit(3)\n"
            let (repository, image) = try await project(files, name: "crash")
            defer { repository.delete() }
            let run = try await Harness.workflows(["build_dev_image", "assess_image_health", "--image", image], in: repository.root)
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")
            #expect(run.stdout.contains("exited with code 3"))
            #expect(run.all.contains("boom: PORT is not set"), "the container's logs are shown")
            try await expectNothingLeft(by: run)
        }

        @Test func aContainerThatDiesWhileTheGatesRunFailsThePipelineAtOnce() async throws {
            var files = SampleProjects.setupCfgOnly
            files["greeter/__main__.py"] = "import sys\n\nprint(\"boom: no database\")\nsys.exit(3)\n"
            let (repository, image) = try await project(files, name: "dies")
            defer { repository.delete() }
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-reports"))
            defer { try? FileManager.default.removeItem(at: reports) }
            let run = try await Harness.workflows(
                ["quality_pipeline", "--image", image], in: repository.root, environment: ["WORKFLOWS_REPORT_DIR": reports.path])
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")
            #expect(run.stdout.contains("exited with code 3"))
            #expect(run.stdout.contains("boom: no database"))
            let summary = run.stdout.components(separatedBy: "Summary:").last ?? ""
            #expect(summary.range(of: "assess_image_health +failed", options: .regularExpression) != nil, "\(summary)")
            #expect(summary.range(of: "assess_image_code +(passed|failed)", options: .regularExpression) != nil, "\(summary)")
            // The gates that finished keep their verdicts, the rest are interrupted: never nothing.
            let verdicts = gateVerdicts(run)
            #expect(verdicts.map { $0.split(separator: " ")[0] } == ["isort", "flake8", "mypy", "pytest"], "\(run.stdout)")
            #expect(verdicts.allSatisfy { $0.hasSuffix(" passed") || $0.hasSuffix(" interrupted") }, "\(verdicts)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reports.appendingPathComponent("report.json")))
            let steps = (report as? [String: Any])?["steps"] as? [[String: Any]] ?? []
            let gates = steps.first { $0["name"] as? String == "assess_image_code" }?["gates"] as? [[String: Any]] ?? []
            #expect(gates.compactMap { $0["verdict"] as? String }.count == 4, "\(gates)")
            try await expectNothingLeft(by: run)
        }

        @Test func aWrongProjectFileIsExit64AtItsLineAndRunsNothing() async throws {
            var files = SampleProjects.setupCfgOnly
            files[".workflows.toml"] = "gates = [\"isort\"]\n[health]\nurl = \"http://127.0.0.1/\"\ncomand = \"true\"\n"
            let (repository, image) = try await project(files, name: "usage")
            defer { repository.delete() }
            let run = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root)
            #expect(run.status == 64, "\(run.all)")
            #expect(run.stderr.contains(".workflows.toml:4:1: unknown key 'health.comand'; did you mean 'command'?"))
            #expect(!run.stdout.contains("==>>"), "nothing ran")
            let built = try await Harness.docker("image", "ls", "--quiet", image)
            #expect(built.isEmpty)
        }
    }
}
