import Foundation

/// `assess_image_health` for an image with no HEALTHCHECK and a project with no probe (see `HealthPlan`):
/// its EXPOSEd port probed from inside the container, else five seconds of staying alive. One probe at a
/// time, every 0.25 s; the container's end fails the step at once, with its logs.
extension AssessImageHealth {
    func awaitExposedPort(_ port: Int, name: String, config: ImageConfig, start: Date) async throws -> String {
        let probe = HealthPlan.portProbe(port)
        let tcpAfter = min(HealthPlan.tcpStartPeriodSeconds, timeout / 2)
        var probes: [ContainerState.HealthState.Probe] = []
        console.info(
            "\(image) has no HEALTHCHECK and the project no health probe: probing its EXPOSEd port \(port) from inside "
                + "the container (HTTP GET / below 500; an open port with no HTTP answer counts after "
                + "\(Seconds.format(tcpAfter))), for up to \(Seconds.format(timeout))...")
        while true {
            if resources.isCancelling { throw CancellationError() }
            var state = try await inspect(name)
            if case .ended(let code) = state.verdict { try await failEnded(state, code, name, start, probes: probes) }
            guard let result = try await runProbe(name, probe, timeout: 10) else {
                if Date().timeIntervalSince(start) >= timeout {
                    state.health = .init(status: "starting", log: probes)
                    try await fail("was not healthy by the deadline of \(Seconds.format(timeout)) (its EXPOSEd port \(port): "
                        + "its last probe still runs)", state, name)
                }
                try await Task.sleep(nanoseconds: UInt64(Project.healthPollSeconds * 1e9))
                continue
            }
            probes = Array((probes + [result]).suffix(5))
            let elapsed = Date().timeIntervalSince(start)
            let said = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if result.exitCode == 126 || result.exitCode == 127 {
                state.health = .init(status: "starting", log: probes)
                try await fail(
                    "could not be probed on its EXPOSEd port \(port): the probe needs python3 in the image (\(said)); "
                        + "give [tool.workflows.health] command = \"...\" instead", state, name)
            }
            let byHTTP = result.exitCode == 0
            let byTCP = result.exitCode == HealthPlan.openWithoutHTTP && elapsed >= tcpAfter
            if byHTTP || byTCP {
                state = try await settledState(name, start: start)
                if case .ended(let code) = state.verdict { try await failEnded(state, code, name, start, probes: probes) }
                let elapsed = Date().timeIntervalSince(start)
                details.record(health: HealthReport(
                    secondsToHealthy: elapsed, status: "healthy",
                    lastProbes: probes.map { .init(exitCode: $0.exitCode, output: $0.output) }))
                console.success(
                    "\(image) is healthy after \(Seconds.format(elapsed)) by \(byHTTP ? "HTTP" : "TCP"): \(said) "
                        + "(its EXPOSEd port; no HEALTHCHECK, no health key).")
                return config.id
            }
            if elapsed >= timeout {
                state.health = .init(status: "starting", log: probes)
                try await fail(
                    "was not healthy by the deadline of \(Seconds.format(timeout)) (its EXPOSEd port \(port): \(said))",
                    state, name)
            }
            try await Task.sleep(nanoseconds: UInt64(Project.healthPollSeconds * 1e9))
        }
    }

    /// No HEALTHCHECK, no health key, no EXPOSE: the container must still be running after `aliveSeconds`.
    func awaitAlive(name: String, config: ImageConfig, start: Date) async throws -> String {
        // "5 s", as the promise reads, rather than "5.0s".
        let alive = aliveSeconds == aliveSeconds.rounded() ? "\(Int(aliveSeconds)) s" : Seconds.format(aliveSeconds)
        console.info(
            "\(image) has no HEALTHCHECK, no EXPOSEd port and the project no health probe: it must stay running for "
                + "\(alive).")
        while true {
            if resources.isCancelling { throw CancellationError() }
            let state = try await inspect(name)
            if case .ended(let code) = state.verdict {
                try await failEnded(state, code, name, start, before: "it had run for \(alive) (no probe: it must stay running)")
            }
            let elapsed = Date().timeIntervalSince(start)
            if elapsed >= aliveSeconds {
                details.record(health: HealthReport(secondsToHealthy: elapsed, status: "alive", lastProbes: []))
                console.success(
                    "\(image): no probe: alive for \(alive) (no HEALTHCHECK, no EXPOSE, no health "
                        + "key). A HEALTHCHECK, an EXPOSEd port or [tool.workflows.health] would prove more.")
                return config.id
            }
            try await Task.sleep(nanoseconds: UInt64(min(Project.healthPollSeconds, aliveSeconds - elapsed) * 1e9))
        }
    }

    /// The container ended: its exit code, the probes so far and its logs.
    private func failEnded(
        _ state: ContainerState, _ exitCode: Int, _ name: String, _ start: Date,
        probes: [ContainerState.HealthState.Probe] = [], before: String = "it became healthy"
    ) async throws -> Never {
        var state = state
        if !probes.isEmpty { state.health = .init(status: state.status, log: probes) }
        try await fail(
            "exited with code \(exitCode)\(state.oomKilled == true ? " (killed: out of memory)" : "") after "
                + "\(Seconds.format(Date().timeIntervalSince(start))), before \(before)", state, name)
    }
}
