import Foundation

/// `assess_image_health`: start the image detached (no terminal: CI has none), under a name unique to
/// the run, and follow its state until the HEALTHCHECK says healthy. It fails at once on `unhealthy` or
/// when the container ends, and at the deadline otherwise, each time with the probes' results and the
/// container's logs. The container goes on every path out.
/// A first verdict does not wait for the engine's first interval: the image's own probe (or the project's)
/// is also run in the container at once and then every 0.25 s, as Docker 25's `--health-start-interval`
/// does; a passing probe is confirmed with the engine's state (still running, not unhealthy) once the
/// container has run 1 s (`HealthPlan.passSettleSeconds`: a crashing app can pass a probe first). A failing
/// probe is never reported as healthy. Without a HEALTHCHECK or a probe of the project's, `HealthPlan`
/// decides what is awaited instead (its EXPOSEd port, else five seconds alive; `HealthFallbacks.swift`).
struct AssessImageHealth: Sendable {
    var image: String
    var project: Project
    var timeout: Double
    var docker: any ContainerEngine
    var console: Console
    var resources: RunResources
    var details: StepDetails
    /// How long a container with no probe at all must stay running (`HealthPlan.alive`).
    var aliveSeconds: Double = HealthPlan.aliveSeconds
    /// The probe in flight, if any: at most one at a time.
    var probeSlot = ProbeSlot()
    /// The network of the step's services, which the container joins; nil without services.
    var network: String? = nil

    /// Returns the ID of the image it assessed.
    func run() async throws -> String {
        try await docker.requireEngine()
        let config = try await ImageConfig.inspect(image, docker: docker)
        let plan = HealthPlan(project: project, image: config)
        let name = resources.containerName("health")
        // The step makes one container (its anonymous volumes go with it): only containers are swept.
        return try await resources.withRunCleanup(containersOnly: true) {
            // The ID, not the name: another build may retag the name meanwhile.
            let started = try await docker.run(
                RunOptions(
                    image: config.id, name: name, detach: true, labels: resources.labels,
                    environment: Self.environment(project) + HealthPlan.portVariables(project: project, image: config),
                    healthcheck: Self.healthcheck(project, timeout: timeout), network: network,
                    namedValues: Self.secretEnvironment(project)),
                echo: .now)
            guard started.succeeded else {
                throw WorkflowsError(
                    .failed, "The engine could not start \(image): \(started.errorText)",
                    remedy: "Check the image's entrypoint and the engine's resources.")
            }
            let start = Date()
            // No HEALTHCHECK and no probe of the project's: the EXPOSEd port, else alive for 5 s.
            switch plan {
            case .exposedPort(let port): return try await awaitExposedPort(port, name: name, config: config, start: start)
            case .alive: return try await awaitAlive(name: name, config: config, start: start)
            case .projectProbe, .imageHealthcheck: break
            }
            let probe = Self.probeCommand(project: project, imageHealthcheck: config.healthcheck?.test)
            // The project's probe runs with the settings probeArguments gives it; the image's with its own.
            let rules = project.health != nil
                ? ImageConfig.Healthcheck(test: [], interval: 1, timeout: 5, startPeriod: timeout, retries: 3)
                : config.healthcheck ?? ImageConfig.Healthcheck(test: [])
            var judge = ProbeJudge(rules: rules)
            console.info("Waiting up to \(Seconds.format(timeout)) for \(name) to become healthy...")
            while true {
                if resources.isCancelling { throw CancellationError() }
                var state = try await inspect(name)
                if state.verdict == .waiting, let probe, let result = try await runProbe(name, probe, timeout: min(rules.timeout, 10)) {
                    if result.exitCode == 0 {
                        state = try await settledState(name, start: start)
                        if state.verdict == .waiting {
                            let elapsed = Date().timeIntervalSince(start)
                            record(state, seconds: elapsed, probes: judge.probes + [result])
                            console.success(
                                "\(image) is healthy after \(Seconds.format(elapsed)): its probe passed (the engine's "
                                    + "own first probe is still to come).")
                            return config.id
                        }
                    } else if judge.failed(result, at: Date().timeIntervalSince(start)),
                        state.health?.log?.isEmpty ?? true,
                        Self.engineProbeIsOverdue(rules, elapsed: Date().timeIntervalSince(start))
                    {
                        // The engine runs no probes (Podman without systemd): judged by its rules here.
                        state.health = .init(status: "unhealthy", log: judge.probes)
                        try await fail(
                            "became unhealthy after \(Seconds.format(Date().timeIntervalSince(start))) (\(rules.retries) "
                                + "probes failed in a row, run by workflows: the engine runs none)", state, name)
                    }
                }
                // A probe of ours that still runs (timed out) started no other: show the ones that ended.
                if probe != nil, state.health?.log?.isEmpty ?? true { state.health?.log = judge.probes }
                let elapsed = Date().timeIntervalSince(start)
                switch state.verdict {
                case .healthy:
                    record(state, seconds: elapsed, probes: state.health?.log ?? [])
                    console.success("\(image) is healthy after \(Seconds.format(elapsed)).")
                    return config.id
                case .unhealthy:
                    try await fail("became unhealthy after \(Seconds.format(elapsed))", state, name)
                case .ended(let exitCode):
                    try await fail(
                        "exited with code \(exitCode)\(state.oomKilled == true ? " (killed: out of memory)" : "") "
                            + "after \(Seconds.format(elapsed)), before it became healthy", state, name)
                case .waiting where elapsed >= timeout:
                    try await fail(
                        "was not healthy by the deadline of \(Seconds.format(timeout)) (health: "
                            + "\(state.health?.status ?? "none"))", state, name)
                case .waiting:
                    try await Task.sleep(nanoseconds: UInt64(Project.healthPollSeconds * 1e9))
                }
            }
        }
    }

    /// The container's state once it has been running `HealthPlan.passSettleSeconds`, for a probe that
    /// passed: still running confirms the pass; an app that crashed meanwhile fails as an exit.
    func settledState(_ name: String, start: Date) async throws -> ContainerState {
        try await HealthPlan.settle(since: start)
        return try await inspect(name)
    }

    /// True once the engine's first probe should have ended (its interval, its timeout, 2 s of slack), so
    /// that an empty health log means the engine runs no probes, not that its first one is still to come:
    /// on a loaded machine our own first probe can fail or time out long before the engine's.
    static func engineProbeIsOverdue(_ rules: ImageConfig.Healthcheck, elapsed: Double) -> Bool {
        elapsed >= rules.interval + rules.timeout + 2
    }

    /// The probe as `docker exec` runs it: the project's, else the image's HEALTHCHECK (`CMD` as an argument
    /// vector, `CMD-SHELL` through `/bin/sh -c`, as the engine runs them).
    static func probeCommand(project: Project, imageHealthcheck: [String]?) -> [String]? {
        if let health = healthcheck(project, timeout: 1) { return ["/bin/sh", "-c", health.command] }
        guard let test = imageHealthcheck, let kind = test.first, test.count > 1 else { return nil }
        switch kind {
        case "CMD": return Array(test.dropFirst())
        case "CMD-SHELL": return ["/bin/sh", "-c", test[1]]
        default: return nil
        }
    }

    /// One probe in the container, given at most `timeout` seconds (exit code -1 past it, as the engine
    /// logs a probe it had to kill); nil while an earlier probe that timed out still runs (`ProbeSlot`).
    func runProbe(_ name: String, _ probe: [String], timeout: Double) async throws -> ContainerState.HealthState.Probe? {
        let outcome = try await probeSlot.run(timeout: timeout) { [docker] in
            try await docker.exec(in: name, probe)
        }
        let result: ProcessOutput
        switch outcome {
        case .busy: return nil
        case .timedOut:
            return .init(exitCode: -1, output: "timed out after \(Seconds.format(timeout)) (left to end; no other probe starts meanwhile)")
        case .finished(let output): result = output
        }
        let code: Int
        switch result.termination {
        case .exited(let status): code = Int(status)
        case .signalled: code = -1
        }
        return .init(exitCode: code, output: [result.outputText, result.errorText].filter { !$0.isEmpty }.joined(separator: "\n"))
    }

    /// The health environment's values from `${VAR}`, which `--env NAME` passes by name.
    static func secretEnvironment(_ project: Project) -> [String: String] {
        project.healthEnvironment.filter { project.isSecret($0.value) }
    }

    /// The project's health environment; a value from ${VAR} goes by name, from the CLI's own environment
    /// (`secretEnvironment`).
    static func environment(_ project: Project) -> [ContainerVariable] {
        project.healthEnvironment.keys.sorted().map { key in
            let value = project.healthEnvironment[key] ?? ""
            return ContainerVariable(key, project.isSecret(value) ? nil : value)
        }
    }

    /// The project's probe when it gives one: it replaces the image's own. Failures during the start
    /// period (the whole wait) do not count, so a slow start is judged at the deadline.
    static func healthcheck(_ project: Project, timeout: Double) -> HealthcheckOptions? {
        guard let probe = project.health else { return nil }
        let command: String
        switch probe {
        case .command(let text):
            command = text
        case .url(let url):
            // A JSON string is a Python string literal, as long as `/` is not escaped.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            let literal = (try? String(decoding: encoder.encode(url), as: UTF8.self)) ?? "''"
            let code = "import sys, urllib.request; "
                + "sys.exit(0 if urllib.request.urlopen(\(literal), timeout=5).status < 400 else 1)"
            command = "python3 -c " + ShellQuoting.quote(code)
        }
        return HealthcheckOptions(
            command: command, interval: 1, timeout: 5, retries: 3, startPeriod: max(Int(timeout.rounded(.up)), 1))
    }

    func inspect(_ name: String) async throws -> ContainerState {
        switch try await docker.containerState(name) {
        case .state(let state):
            return state
        case .missing(let said):
            // An engine that stopped answering is not a container that vanished: say which it was.
            try await docker.requireEngine(while: "the health of \(name) was awaited")
            throw WorkflowsError(
                .failed, "The container \(name) vanished while its health was awaited: \(said)",
                remedy: "Something else removed it (a prune?); run the step again.")
        }
    }

    /// Shows the evidence (last probes, the container's logs), then throws.
    private func record(_ state: ContainerState, seconds: Double?, probes: [ContainerState.HealthState.Probe]) {
        details.record(health: HealthReport(
            secondsToHealthy: seconds, status: seconds == nil ? (state.health?.status ?? state.status) : "healthy",
            lastProbes: probes.suffix(5).map { .init(exitCode: $0.exitCode, output: $0.output) }))
    }

    func fail(_ what: String, _ state: ContainerState, _ name: String) async throws -> Never {
        record(state, seconds: nil, probes: state.health?.log ?? [])
        console.failure("\(image) \(what).")
        try await HealthEvidence.show(container: name, state: state, docker: docker, console: console)
        throw WorkflowsError(
            .failed, "The image is not healthy: it \(what).",
            remedy: "The probes' output and the logs are above. Try it by hand: \(docker.name) run --rm -it "
                + ShellQuoting.quote(image))
    }
}

/// Docker's health rules for probes that workflows runs itself: failures during the start period do not
/// count, and after it at most one failure counts per interval; `retries` failures in a row are unhealthy.
struct ProbeJudge: Sendable {
    var rules: ImageConfig.Healthcheck
    private(set) var probes: [ContainerState.HealthState.Probe] = []
    private var counted = 0
    private var lastCounted: Double?

    init(rules: ImageConfig.Healthcheck) { self.rules = rules }

    /// Records a failed probe at `elapsed` seconds; true once the failures make the container unhealthy.
    mutating func failed(_ probe: ContainerState.HealthState.Probe, at elapsed: Double) -> Bool {
        probes = Array((probes + [probe]).suffix(5))
        guard elapsed >= rules.startPeriod else { return false }
        if let last = lastCounted, elapsed - last < rules.interval { return false }
        lastCounted = elapsed
        counted += 1
        return counted >= rules.retries
    }
}
