import Foundation

/// The one container of the gates' image that a run's gates run in, each with `docker exec`: an exec
/// starts in about a third of the time a container of its own takes (measured 0.09 s against 0.29 s),
/// and a pipeline runs five gates or more. Its own program only waits (`keeperScript`).
struct GatesContainer: Sendable {
    var name: String

    /// The container's program, as its PID 1 (or under the engine's init): it reaps what the gates leave
    /// behind, and it ends once no other process has run in the container for `idleSeconds`, so that a run
    /// killed with SIGKILL (whose cleanup never ran) leaves no container running for long: `--rm` then
    /// removes it. A normal run removes it at its end.
    static let keeperScript = """
        import os, time
        mine = {1, os.getpid(), os.getppid()}
        idle = time.monotonic()
        while True:
            try:
                while os.waitpid(-1, os.WNOHANG)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            if any(p.isdigit() and int(p) not in mine for p in os.listdir("/proc")):
                idle = time.monotonic()
            elif time.monotonic() - idle > \(idleSeconds):
                break
            time.sleep(0.5)
        """
    static let idleSeconds = 30

    /// `workflows-RUN-gates`.
    static func name(_ resources: RunResources) -> String { resources.containerName("gates") }

    /// Starts it (detached, `--rm`) from `image` with the tools' volumes, on `network` when the project has
    /// services, as the image's user, in the image's working directory. Without the image's HEALTHCHECK:
    /// its probes would cost CPU beside the gates, and keep the container from ever being idle.
    static func start(
        image: String, tools: GateTools.Prepared, network: String?, docker: any ContainerEngine, resources: RunResources
    ) async throws -> GatesContainer {
        let name = Self.name(resources)
        let options = RunOptions(
            image: image, arguments: ["-c", keeperScript], name: name, detach: true, remove: true,
            labels: resources.labels,
            mounts: [
                VolumeMount(tools.volume, at: GateTools.folder, readOnly: true),
                VolumeMount(tools.caches, at: GateTools.cachesFolder),
            ],
            entrypoint: tools.python, noHealthcheck: true, network: network)
        let started = try await docker.run(options, echo: .now)
        guard started.succeeded else {
            throw WorkflowsError(
                .failed, "Could not start the container the gates run in, from \(image): \(started.errorText)",
                remedy: "Check the engine (`\(docker.name) info`) and its free space.")
        }
        return GatesContainer(name: name)
    }
}
