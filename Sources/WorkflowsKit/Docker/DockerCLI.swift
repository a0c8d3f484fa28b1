import Foundation

/// The `docker` CLI as a process, run through the injected runner: `DockerEngine` gives it its argument
/// vectors (`DockerArguments`) and decides what is echoed with `==>> `.
struct DockerCLI: Sendable {
    var executable: String
    var runner: any ProcessRunning
    var console: Console

    /// The CLI's name for messages: `docker`, `podman`.
    var name: String { URL(fileURLWithPath: executable).lastPathComponent }

    /// Runs `docker ARGS`; a non-zero exit is returned, not thrown. `environment`: added to the CLI's own,
    /// for the values that `--env NAME` passes by name (secrets, never in the argument vector).
    @discardableResult
    func run(
        _ arguments: [String], echo: Bool = true, output: Command.Output = .live, input: Data? = nil,
        workingDirectory: String? = nil, environment: [String: String] = [:], stoppedOutput: StoppedOutput? = nil
    ) async throws -> ProcessOutput {
        if echo { console.command([executable] + arguments) }
        do {
            return try await runner.run(
                Command(
                    executable, arguments, environment: environment, workingDirectory: workingDirectory,
                    standardInput: input, output: output, stoppedOutput: stoppedOutput))
        } catch ProcessLaunchError.cancelled(let executable) {
            throw WorkflowsError(.failed, "\(executable) was not started: workflows is being interrupted.")
        } catch let error as ProcessLaunchError {
            throw Self.notFound(executable, error)
        }
    }

    /// A query: quiet, captured.
    func query(_ arguments: [String]) async throws -> ProcessOutput {
        try await run(arguments, echo: false, output: .captured)
    }

    static func notFound(_ executable: String, _ error: ProcessLaunchError) -> WorkflowsError {
        WorkflowsError(
            .tooling, "Cannot run the container CLI: \(error)",
            remedy: "Install Docker (https://docs.docker.com/engine/install/), or set WORKFLOWS_DOCKER to a "
                + "docker-compatible CLI such as podman. Now: WORKFLOWS_DOCKER=\(executable).")
    }
}
