import Foundation

/// Where a run's gates run: the linters, which only read, side by side in one container of the gates'
/// image, each with `docker exec` (an exec starts in about a third of the time a container takes: 0.09 s
/// against 0.29 s measured); the test runners (`Gate.runsTests`) each in a container of its own, as before,
/// so that what tests write or leave running never meets another gate, and ends with them.
struct GatesContainer: Sendable {
    /// The gates' image: the assessed image with the tests and the gates' configuration.
    var image: String
    /// The shared container's name, `workflows-RUN-gates`.
    var name: String
    var tools: GateTools.Prepared
    /// The services' network, when the project has services.
    var network: String?

    /// Whether `gate` runs in a container of its own instead of with `docker exec` in the shared one.
    static func ownContainer(_ gate: Gate) -> Bool { gate.runsTests }

    /// The tools, read-only, and the caches the runs share.
    var mounts: [VolumeMount] {
        [VolumeMount(tools.volume, at: GateTools.folder, readOnly: true), VolumeMount(tools.caches, at: GateTools.cachesFolder)]
    }

    /// The shared container's program, as its PID 1 (or under the engine's init): it reaps what the gates
    /// orphan, ends at once on SIGTERM (PID 1 has no default action for it: Podman's `rm --force` would wait
    /// its stop timeout), and ends by itself once no other process has run in the container for
    /// `idleSeconds`, so that a run killed with SIGKILL (whose cleanup never ran) leaves no container running
    /// for long: `--rm` then removes it. A run that ends removes it at its end.
    static let keeperScript = """
        import os, signal, time
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
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

    /// The shared container's `docker run`: detached, `--rm`, as the image's user, in the image's working
    /// directory, without the image's HEALTHCHECK (its probes would cost CPU beside the gates, and keep the
    /// container from ever being idle). Environment and secrets go on each exec, never here.
    func runOptions(labels: [EngineLabel]) -> RunOptions {
        RunOptions(
            image: image, arguments: ["-c", Self.keeperScript], name: name, detach: true, remove: true, labels: labels,
            mounts: mounts, entrypoint: tools.python, noHealthcheck: true, network: network)
    }

    /// Starts the shared container.
    func start(docker: any ContainerEngine, resources: RunResources) async throws {
        let started = try await docker.run(runOptions(labels: resources.labels), echo: .now)
        guard started.succeeded else {
            throw WorkflowsError(
                .failed, "Could not start the container the gates run in, from \(image): \(started.errorText)",
                remedy: "Check the engine (`\(docker.name) info`) and its free space.")
        }
    }
}
