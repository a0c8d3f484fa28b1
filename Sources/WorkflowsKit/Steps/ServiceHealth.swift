import Foundation

/// Waits until one service's container is healthy, as `assess_image_health` waits for the image: its probe
/// (the `health` command, else the image's HEALTHCHECK) run at once and every 0.25 s beside the engine's
/// own, judged by Docker's rules (`ProbeJudge`); failing at once when the container ends or turns
/// unhealthy, at the deadline otherwise, each time with the last probes and its logs (`HealthEvidence`).
/// A service with neither probe but an EXPOSEd TCP port is healthy once a throwaway container of the
/// project's image, on the step's network, connects to it by its name (Python's standard library), which
/// works against a remote engine too; one with nothing to probe must stay running for 5 s.
struct ServiceHealth: Sendable {
    var started: RunServices.Started
    /// The project's image once it exists (the image builds while the services start): the TCP probe's
    /// container runs it.
    var probeImage: @Sendable () async -> String?
    var network: String
    var docker: any ContainerEngine
    var console: Console
    var resources: RunResources
    var probeSlot = ProbeSlot()

    private var service: Service { started.service }
    private var name: String { "service \(service.name)" }

    func wait() async throws -> ServiceReport {
        let config = try await docker.inspectImage(started.image)
        let how: String
        let probe: [String]?
        var rules = ImageConfig.Healthcheck(test: [], interval: 1, timeout: 5, startPeriod: service.healthTimeoutSeconds, retries: 3)
        var tcpPort: Int?
        if let command = service.health {
            how = "its health command"
            probe = ["/bin/sh", "-c", command]
        } else if let config, config.declaresHealthcheck, let test = config.healthcheck?.test {
            how = "its image's HEALTHCHECK"
            probe = Self.command(of: test)
            rules = config.healthcheck ?? rules
        } else if let port = config?.exposedTCPPorts.first {
            how = "TCP on its port \(port)"
            probe = nil
            tcpPort = port
        } else {
            how = "alive for \(Int(HealthPlan.aliveSeconds)) s (no health key, HEALTHCHECK or EXPOSE)"
            probe = nil
        }
        let timeout = service.healthTimeoutSeconds
        var judge = ProbeJudge(rules: rules)
        /// The TCP probe waits for the project's image: its deadline counts from then.
        var clock = started.startedAt
        var image: String?
        while true {
            if resources.isCancelling || Task.isCancelled { throw CancellationError() }
            var state = try await inspect()
            if tcpPort != nil, image == nil {
                image = await probeImage()
                if image != nil { clock = max(clock, Date()) }
            }
            let elapsed = Date().timeIntervalSince(started.startedAt)
            let waited = Date().timeIntervalSince(clock)
            switch state.verdict {
            case .ended(let code):
                if !judge.probes.isEmpty, state.health?.log?.isEmpty ?? true { state.health = .init(status: state.status, log: judge.probes) }
                try await fail(
                    "exited with code \(code)\(state.oomKilled == true ? " (killed: out of memory)" : "") after "
                        + "\(Seconds.format(elapsed)), before it became healthy", status: "exited", state, how: how)
            case .unhealthy:
                try await fail("became unhealthy after \(Seconds.format(elapsed))", status: "unhealthy", state, how: how)
            case .healthy:
                return report(elapsed, how: how)
            case .waiting:
                break
            }
            var result: ContainerState.HealthState.Probe?
            if let probe {
                result = try await runProbe { [docker, started] in try await docker.exec(in: started.container, probe) }
            } else if let port = tcpPort, let image {
                result = try await runProbe { [self] in try await tcpProbe(port, image: image) }
            } else if tcpPort == nil, elapsed >= HealthPlan.aliveSeconds {
                return report(elapsed, how: how)
            }
            if let result {
                if result.exitCode == 0 {
                    try await HealthPlan.settle(since: started.runningSince)
                    state = try await inspect()
                    if state.verdict == .waiting || state.verdict == .healthy {
                        let first = tcpPort != nil && judge.probes.isEmpty ? " (its first probe, once the project's image was built)" : ""
                        return report(Date().timeIntervalSince(started.startedAt), how: how + first)
                    }
                    continue
                }
                if judge.failed(result, at: waited), state.health?.log?.isEmpty ?? true,
                    probe == nil || AssessImageHealth.engineProbeIsOverdue(rules, elapsed: elapsed)
                {
                    state.health = .init(status: "unhealthy", log: judge.probes)
                    try await fail(
                        "became unhealthy after \(Seconds.format(elapsed)) (\(rules.retries) probes failed in a row)",
                        status: "unhealthy", state, how: how)
                }
            }
            if probe != nil || tcpPort != nil, state.health?.log?.isEmpty ?? true { state.health = .init(status: "starting", log: judge.probes) }
            if waited >= timeout {
                try await fail(
                    "was not healthy by its deadline of \(Seconds.format(timeout)) (judged by \(how))", status: "timed out",
                    state, how: how)
            }
            try await Task.sleep(nanoseconds: UInt64(Project.healthPollSeconds * 1e9))
        }
    }

    /// A HEALTHCHECK's test as `docker exec` runs it (`CMD` an argument vector, `CMD-SHELL` through `sh -c`).
    static func command(of test: [String]) -> [String]? {
        guard let kind = test.first, test.count > 1 else { return nil }
        switch kind {
        case "CMD": return Array(test.dropFirst())
        case "CMD-SHELL": return ["/bin/sh", "-c", test[1]]
        default: return nil
        }
    }

    private func report(_ seconds: Double, how: String) -> ServiceReport {
        console.success("Service \(service.name) (\(service.sourceText)) is healthy after \(Seconds.format(seconds)), by \(how).")
        return ServiceReport(
            name: service.name, image: service.sourceText, probe: how, secondsToHealthy: seconds, status: "healthy",
            shared: service.shared)
    }

    /// One probe, at most one at a time (`ProbeSlot`); nil while an earlier one that timed out still runs.
    private func runProbe(_ body: @escaping @Sendable () async throws -> ProcessOutput) async throws -> ContainerState.HealthState.Probe? {
        switch try await probeSlot.run(timeout: 10, body) {
        case .busy: return nil
        case .timedOut: return .init(exitCode: -1, output: "timed out after 10s")
        case .finished(let output):
            let code: Int
            switch output.termination {
            case .exited(let status): code = Int(status)
            case .signalled: code = -1
            }
            return .init(exitCode: code, output: [output.outputText, output.errorText].filter { !$0.isEmpty }.joined(separator: "\n"))
        }
    }

    /// A throwaway container of the project's image on the step's network connects to the service by name.
    private func tcpProbe(_ port: Int, image: String) async throws -> ProcessOutput {
        try await docker.run(
            RunOptions(
                image: image, arguments: ["-c", Self.tcpProbeScript, service.name, String(port)], remove: true,
                labels: resources.labels, entrypoint: "python3", network: network),
            echo: .byCaller)
    }

    static let tcpProbeScript = """
        import socket, sys
        host, port = sys.argv[1], int(sys.argv[2])
        try:
            socket.create_connection((host, port), timeout=3).close()
        except OSError as error:
            print(f"nothing accepts connections on {host}:{port} yet ({error})")
            sys.exit(1)
        print(f"{host}:{port} accepts TCP connections")
        """

    private func inspect() async throws -> ContainerState {
        switch try await docker.containerState(started.container) {
        case .state(let state):
            return state
        case .missing(let said):
            try await docker.requireEngine(while: "the service \(service.name) was awaited")
            throw WorkflowsError(
                .failed, "The container of the service \(service.name) vanished while its health was awaited: \(said)",
                remedy: "Something else removed it (a prune?); run the step again.")
        }
    }

    /// A service that did not become healthy: what the report lists for it (`status`: `exited`, `unhealthy`
    /// or `timed out`, no time to healthy), and the step's error.
    struct Unhealthy: Error {
        var report: ServiceReport
        var error: WorkflowsError
    }

    /// Shows the evidence (last probes, the container's logs), then throws `Unhealthy`.
    private func fail(_ what: String, status: String, _ state: ContainerState, how: String) async throws -> Never {
        console.failure("Service \(service.name) (\(service.sourceText)) \(what).")
        try await HealthEvidence.show(container: started.container, state: state, docker: docker, console: console)
        throw Unhealthy(
            report: ServiceReport(
                name: service.name, image: service.sourceText, probe: how, secondsToHealthy: nil, status: status,
                shared: service.shared),
            error: WorkflowsError(
                .failed, "The service \(service.name) (\(service.sourceText)) is not healthy: it \(what).",
                remedy: "Its probes' output and its logs are above. Check its image and [tool.workflows.services.\(service.name)] "
                    + "(environment, health, health-timeout)."))
    }
}

/// The evidence of a health wait that failed: the last probes and the container's logs.
enum HealthEvidence {
    static func show(container name: String, state: ContainerState, docker: any ContainerEngine, console: Console) async throws {
        console.info("Last health probes of \(name):")
        for line in state.probeReport { console.info(line) }
        console.info("Logs of \(name) (last 100 lines):")
        var logs = try await docker.logs(of: name, tail: 100, echo: true)
        // Podman's conmon may not have written yet the log of a container that ended a moment ago.
        for _ in 0..<3 where logs.outputText.isEmpty && logs.errorText.isEmpty {
            try await Task.sleep(nanoseconds: 1_000_000_000)
            logs = try await docker.logs(of: name, tail: 100, echo: false)
        }
        for text in [logs.outputText, logs.errorText] where !text.isEmpty { console.info(text) }
        if logs.outputText.isEmpty && logs.errorText.isEmpty { console.info("  (the container wrote nothing)") }
    }
}
