import Foundation

/// `assess_image_health`: start the image detached (no terminal: CI has none), under a name unique to
/// the run, and follow its state until the HEALTHCHECK says healthy. It fails at once on `unhealthy` or
/// when the container ends, and at the deadline otherwise, each time with the probes' results and the
/// container's logs. The container goes on every path out.
public struct AssessImageHealth: Sendable {
    /// Returns the ID of the image it assessed.
    public func run(_ context: StepContext) async throws -> String {
        let docker = context.docker
        let image = context.settings.image
        try await docker.requireEngine()
        let config = try await ImageConfig.inspect(image, docker: docker)
        guard config.declaresHealthcheck else {
            throw WorkflowsError(
                .input, "\(image) declares no HEALTHCHECK, so there is no health to wait for.",
                remedy: "Add a HEALTHCHECK instruction to the Dockerfile, e.g. one that requests an endpoint of "
                    + "the app (see this repository's Dockerfile), and build the image again.")
        }
        let name = "workflows-\(context.runID)-health"
        let timeout = context.settings.healthTimeoutSeconds
        return try await context.withRunCleanup {
            // The ID, not the name: another build may retag the name meanwhile.
            let started = try await docker.run(
                ["run", "--detach", "--name", name, "--label", context.runLabel, config.id], output: .captured)
            guard started.succeeded else {
                throw WorkflowsError(
                    .failed, "The engine could not start \(image): \(started.errorText)",
                    remedy: "Check the image's entrypoint and the engine's resources.")
            }
            let start = Date()
            context.console.info("Waiting up to \(Duration.format(timeout)) for \(name) to become healthy...")
            while true {
                if context.cancellator.cancellingSignal != nil { throw CancellationError() }
                let state = try await inspect(name, docker: docker)
                let elapsed = Date().timeIntervalSince(start)
                switch state.verdict {
                case .healthy:
                    context.console.success("\(image) is healthy after \(Duration.format(elapsed)).")
                    return config.id
                case .unhealthy:
                    try await fail("became unhealthy after \(Duration.format(elapsed))", state, name, context)
                case .ended(let exitCode):
                    try await fail(
                        "exited with code \(exitCode)\(state.oomKilled == true ? " (killed: out of memory)" : "") "
                            + "after \(Duration.format(elapsed)), before it became healthy", state, name, context)
                case .waiting where elapsed >= timeout:
                    try await fail(
                        "was not healthy by the deadline of \(Duration.format(timeout)) (health: "
                            + "\(state.health?.status ?? "none"))", state, name, context)
                case .waiting:
                    try await Task.sleep(nanoseconds: UInt64(context.project.healthPollSeconds * 1e9))
                }
            }
        }
    }

    private func inspect(_ name: String, docker: DockerCLI) async throws -> ContainerState {
        let answer = try await docker.query(["container", "inspect", "--format", "{{json .State}}", name])
        guard answer.succeeded else {
            throw WorkflowsError(
                .failed, "The container \(name) vanished while its health was awaited: \(answer.errorText)",
                remedy: "Something else removed it (a prune?); run the step again.")
        }
        return try ContainerState.parse(answer.standardOutput)
    }

    /// Shows the evidence (last probes, the container's logs), then throws.
    private func fail(_ what: String, _ state: ContainerState, _ name: String, _ context: StepContext) async throws
        -> Never
    {
        let console = context.console
        console.failure("\(context.settings.image) \(what).")
        console.info("Last health probes of \(name):")
        for line in state.probeReport { console.info(line) }
        console.info("Logs of \(name) (last 100 lines):")
        let logs = try await context.docker.run(["logs", "--tail", "100", name], output: .live)
        if logs.standardOutput.isEmpty && logs.standardError.isEmpty { console.info("  (the container wrote nothing)") }
        throw WorkflowsError(
            .failed, "The image is not healthy: it \(what).",
            remedy: "The probes' output and the logs are above. Try it by hand: docker run --rm -it "
                + ShellQuoting.quote(context.settings.image))
    }
}
