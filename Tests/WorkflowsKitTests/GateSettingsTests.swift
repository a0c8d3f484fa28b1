import Foundation
import Testing

@testable import WorkflowsKit

/// `[tool.workflows.gate.NAME]` and `environment`: what the gate runners do with them, in the image and on
/// the host.
@Suite struct GateSettingsTests {
    func resources(_ runner: RecordingRunner) -> RunResources {
        RunResources(
            runID: "r", cancellator: Cancellator(children: ChildProcesses(), cleanupRunner: runner), runner: runner,
            dockerExecutable: "docker")
    }

    @Test func aGatesArgumentsAreAppendedToItsCommandInTheImageAndOnTheHost() async throws {
        var project = Project.numbersAPI
        project.gateSettings[.pytest] = Project.GateSettings(arguments: ["-p", "no:randomly"])
        project.gateSettings[.black] = Project.GateSettings(arguments: ["--line-length", "100"])
        let engine = FakeEngine()
        let console = try CapturedConsole().console
        let run = try await AssessImageCode.runGate(
            .pytest, in: "gates:r", tools: GateTools.Prepared(volume: "tools", caches: "caches"), environment: [],
            project: project, docker: DockerCLI(executable: "docker", runner: engine.runner, console: console),
            resources: resources(engine.runner))
        let tail = Array(run.command.drop { $0 != "gates:r" })
        #expect(tail.prefix(6) == ["gates:r", "-m", "pytest", "tests", "-p", "no:randomly"], "\(tail)")
        #expect(tail.contains { $0.hasPrefix("--junitxml=") }, "ours stay, after the project's")
        #expect(project.arguments(for: .black) == ["black", "--check", "thenumbers", "tests", "--line-length", "100"])
        #expect(project.arguments(for: .isort) == ["isort", "--check-only", "thenumbers", "tests"])
    }
}
