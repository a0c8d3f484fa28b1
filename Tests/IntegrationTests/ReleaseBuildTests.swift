import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// The binary users install and CI runs is built with `-c release`, while every other test runs the
    /// debug build. Swift 6.3's optimizer once compiled the gates' task group wrongly (`GateEnd` in
    /// ParallelGates.swift): the release binary ran all five gates yet reported one, at random, and could
    /// have passed a failed gate. This suite builds the release binary and runs it on the embedded app with
    /// one gate broken.
    @Suite struct ReleaseBuild {
        /// `swift build -c release` into a scratch folder of its own: a plain `swift test` holds the lock of
        /// `.build`, which a nested build there would wait on for ever.
        static func releaseBinary() async throws -> URL {
            let scratch = Harness.repositoryRoot.appendingPathComponent(".build/release-check")
            let build = try await Harness.runner.run(
                Command(
                    "swift", ["build", "--configuration", "release", "--product", "workflows", "--scratch-path", scratch.path],
                    workingDirectory: Harness.repositoryRoot.path))
            try #require(build.succeeded, "the release build failed: \(build.outputText)\n\(build.errorText)")
            let binary = scratch.appendingPathComponent("release/workflows")
            try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no binary at \(binary.path)")
            return binary
        }

        @Test func theReleaseBinaryReportsEveryGatesVerdictAndFailsOnTheBrokenOne() async throws {
            try await Harness.requireEngine()
            let binary = try await Self.releaseBinary()
            let folder = try await Harness.appCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let module = folder.appendingPathComponent("app/thenumbers/numbers.py")
            let source = try String(contentsOf: module, encoding: .utf8)
            try Data(source.replacingOccurrences(of: "import random\n", with: "import os\nimport random\n").utf8)
                .write(to: module)
            let image = Harness.uniqueName("workflows-it-release") + ":latest"
            let reports = folder.appendingPathComponent("reports")
            let run = try await Harness.workflows(
                ["quality_pipeline", "--image", image, "--report-dir", reports.path], in: folder, binary: binary)
            await Harness.removeImage(image)

            #expect(run.status == 1, "\(run.all)")
            let verdicts = ["black": "passed", "isort": "passed", "flake8": "FAILED", "mypy": "passed", "pytest": "passed"]
            for (gate, verdict) in verdicts {
                #expect(run.stdout.range(of: "\n  \(gate) +\(verdict) ", options: .regularExpression) != nil,
                        "\(gate) \(verdict) in the table: \(run.stdout)")
                #expect(run.stdout.contains("\n\(gate) \(verdict) in "), "\(gate)'s own output and verdict: \(run.stdout)")
            }
            #expect(run.stdout.contains("F401 'os' imported but unused"))
            #expect(run.stderr.contains("Quality gates failed inside \(image): flake8."), "\(run.stderr)")
            #expect(run.stdout.range(of: "assess_image_health +passed", options: .regularExpression) != nil, "\(run.stdout)")

            let report = try ReportWriter.decode(Data(contentsOf: reports.appendingPathComponent("report.json")))
            #expect(report.outcome == .failed)
            let gates = try #require(report.steps.first { $0.name == "assess_image_code" }?.gates)
            #expect(Dictionary(uniqueKeysWithValues: gates.map { ($0.name, $0.verdict) })
                    == verdicts.mapValues { $0 == "passed" ? .passed : .failed })
            #expect(try await Harness.leftovers(of: run).isEmpty)
        }
    }
}
