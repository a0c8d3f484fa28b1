import Foundation

/// The developer's steps on the host, with the host's Python, in the project's source folder: the same
/// gate commands as inside the image.
public struct HostSteps: Sendable {
    public var context: StepContext

    public func runGates(_ gates: [Project.Gate]) async throws {
        let results = try await GateVerdicts.runAll(gates, cancellator: context.cancellator) { gate in
            try await python(gate.moduleArguments).succeeded
        }
        if gates.count > 1 {
            try GateVerdicts.report(results, where: "on the host", console: context.console)
        } else if let result = results.first, !result.passed {
            throw WorkflowsError(
                .failed, "The \(result.name) gate failed on the host.", remedy: "Its output is above.")
        }
    }

    public func styleCode() async throws {
        let targets = [context.project.package, context.project.tests]
        for tool in ["isort", "black"] {
            let result = try await python([tool] + targets)
            guard result.succeeded else {
                throw WorkflowsError(.failed, "\(tool) could not rewrite the code.", remedy: "Its output is above.")
            }
        }
    }

    public func installAllPackages() async throws {
        let project = context.project
        let result = try await python(
            [
                "pip", "install", "--requirement", context.path(project.runtimeRequirements).path,
                "--requirement", context.path(project.testRequirements).path,
            ])
        guard result.succeeded else {
            throw WorkflowsError(
                .failed, "pip could not install the requirements.",
                remedy: "pip's output is above. In a system Python that refuses (PEP 668), create and activate a "
                    + "virtual environment first: python3 -m venv .venv && . .venv/bin/activate")
        }
    }

    public func runApp() async throws {
        let result = try await python([context.project.package])
        guard result.succeeded else {
            throw WorkflowsError(.failed, "The app stopped with \(describe(result.termination)).", remedy: "Its output is above.")
        }
    }

    /// `python3 -m ARGS` in the source folder, echoed and streamed.
    private func python(_ moduleArguments: [String]) async throws -> ProcessOutput {
        let folder = context.path(context.project.sourceRoot)
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw WorkflowsError(
                .input, "The host-side steps run in \(folder.path), which does not exist.",
                remedy: "Run workflows from the repository root, the folder that holds \(context.project.sourceRoot)/.")
        }
        let command = Command(
            context.project.hostPython, ["-m"] + moduleArguments,
            workingDirectory: context.path(context.project.sourceRoot).path, output: .live)
        context.console.command(command.argv)
        do {
            return try await context.runner.run(command)
        } catch let error as ProcessLaunchError {
            throw WorkflowsError(
                .tooling, "Cannot run the host's Python: \(error)",
                remedy: "Install Python 3.11 or newer, then 'workflows install_all_packages'.")
        }
    }
}
