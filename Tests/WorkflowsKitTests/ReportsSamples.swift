import Foundation
import Testing

@testable import WorkflowsKit

/// Reports shaped as real runs make them, from the tools' real output (`RealOutputs`) and pytest's real
/// JUnit XML (`Fixtures/pytest-xunit2*.xml`), as if the image's working directory were `/tmp/badproj/app`
/// and the project's source root `app`.
enum ReportSamples {
    static let workingDirectory = "/tmp/badproj/app"
    static let sourceRoot = "app"
    static let started = "2026-05-01T09:30:00.000Z"

    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try Data(contentsOf: url)
    }

    static func fixturePath(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    static func gate(_ gate: Gate, _ output: String, passed: Bool = false, junit: Data? = nil) -> GateReport {
        GateReport(
            gate: gate, verdict: passed ? .passed : .failed, durationSeconds: 1.25,
            command: ["docker", "run", "--rm", "workflows-gates:r1", "-m"] + gate.moduleArguments(
                sources: ["pkg", "top.py"], tests: ["tests"]),
            output: output, pytestJUnit: junit, sourceRoot: sourceRoot, workingDirectory: workingDirectory)
    }

    /// Every gate failing on the bad project, in the image; the run failed there.
    static func failedRun() throws -> RunReport {
        let gates = [
            gate(.black, RealOutputs.black), gate(.isort, RealOutputs.isort),
            gate(.ruffFormat, RealOutputs.ruffFormat), gate(.flake8, RealOutputs.flake8),
            gate(.ruff, RealOutputs.ruff), gate(.mypy, RealOutputs.mypy),
            gate(.pytest, "3 failed, 2 passed, 1 skipped, 1 error in 0.11s", junit: try fixture("pytest-xunit2.xml")),
        ]
        return RunReport(
            runID: "r1", commandLine: ["build_ci_image", "assess_image_code", "publish_image"],
            git: GitState(commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", tree: .dirty),
            startedAt: started, durationSeconds: 65.4321, outcome: .failed, interruptedBy: nil,
            steps: [
                StepReport(
                    name: "build_ci_image", verdict: .passed, startedAt: started, durationSeconds: 42.1,
                    imageID: "sha256:aaaa"),
                StepReport(
                    name: "assess_image_code", verdict: .failed, startedAt: "2026-05-01T09:30:42.100Z",
                    durationSeconds: 23.3, imageID: "sha256:aaaa",
                    message: "Quality gates failed inside numbers-api:latest: black, isort, ruff-format, flake8, ruff, mypy, pytest.",
                    gates: gates),
                StepReport(name: "publish_image", verdict: .skipped, startedAt: started, durationSeconds: 0),
            ])
    }

    /// Clean gates, a healthy image and a push.
    static func passedRun() -> RunReport {
        let gates = [
            gate(.black, RealOutputs.blackClean, passed: true), gate(.isort, "", passed: true),
            gate(.ruffFormat, RealOutputs.ruffFormatClean, passed: true), gate(.flake8, "", passed: true),
            gate(.ruff, RealOutputs.ruffClean, passed: true), gate(.mypy, RealOutputs.mypyClean, passed: true),
        ]
        return RunReport(
            runID: "r2", commandLine: ["assess_image_code", "assess_image_health", "publish_image"], git: nil,
            startedAt: started, durationSeconds: 30, outcome: .passed, interruptedBy: nil,
            steps: [
                StepReport(
                    name: "assess_image_code", verdict: .passed, startedAt: started, durationSeconds: 10,
                    imageID: "sha256:bbbb", gates: gates),
                StepReport(
                    name: "assess_image_health", verdict: .passed, startedAt: started, durationSeconds: 3.5,
                    imageID: "sha256:bbbb",
                    health: HealthReport(
                        secondsToHealthy: 3.25, status: "healthy",
                        lastProbes: [.init(exitCode: 1, output: "connection refused\n"), .init(exitCode: 0, output: "")])),
                StepReport(
                    name: "publish_image", verdict: .passed, startedAt: started, durationSeconds: 12,
                    publish: PublishReport(references: [
                        .init(reference: "ghcr.io/acme/numbers-api:1.2.0", digest: "sha256:cccc"),
                        .init(reference: "ghcr.io/acme/numbers-api:latest", digest: nil),
                    ])),
            ])
    }
}
