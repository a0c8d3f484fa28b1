import Foundation

/// The project's services (`[tool.workflows.services]`) for the steps of a run that start containers
/// (`assess_image_code`, `assess_image_health`): each such step gets a network of its own and its own
/// container of each service on it, the service's name its alias, so that gates and health running side by
/// side never share state. A `shared` service runs once, on the first step's network, and joins the other's
/// under the same alias. Started as soon as the pipeline knows the steps (while the image builds), awaited
/// by each step before its containers start (`ServiceHealth`). Everything carries the label of the run's
/// `services` scope; `cleanup` removes it (containers, then networks), and the run calls it on every path
/// out, a signal included.
actor RunServices {
    /// The steps that use services.
    enum Scope: String, Sendable, CaseIterable {
        /// The gates' containers (`assess_image_code`).
        case gates
        /// The health container (`assess_image_health`).
        case health
    }

    /// One container of a service, as `docker run` took it.
    struct Started: Sendable {
        var service: Service
        var container: String
        var image: String
        /// Before `docker run`: a service's time to healthy counts from here (a pull included).
        var startedAt: Date
        /// When `docker run` returned: the container runs from about here (`HealthPlan.settle`).
        var runningSince: Date
    }

    let project: Project
    let scopes: [Scope]
    let docker: any ContainerEngine
    let console: Console
    let resources: RunResources
    private var launching: Task<Void, Error>?
    /// By `key(scope, service)`; a shared service's under each scope.
    private var containers: [String: Task<Started, Error>] = [:]
    private var healthy: [String: Task<ServiceReport, Error>] = [:]
    /// What each wait said, for the step that awaits it.
    private var consoles: [String: Console] = [:]

    /// nil when the project has no services or the steps start no containers.
    init?(project: Project, scopes: [Scope], docker: any ContainerEngine, console: Console, resources: RunResources) {
        guard !project.services.isEmpty, !scopes.isEmpty else { return nil }
        self.project = project
        self.scopes = scopes
        self.docker = docker
        self.console = console
        self.resources = resources.scoped("services")
    }

    /// What carries this run's services: the cleanup removes everything with it.
    nonisolated var label: EngineLabel { resources.runLabel }

    /// The step's network: `workflows-ID-services-gates`.
    nonisolated func network(_ scope: Scope) -> String { "workflows-\(resources.runID)-\(scope.rawValue)" }

    /// The tags of the services built from a folder.
    nonisolated var builtTags: [String] {
        project.services.flatMap { service -> [String] in
            guard case .build = service.source else { return [] }
            return scopes.map { Self.builtTag(service, runID: resources.runID) + "-" + $0.rawValue }
        }
    }

    static let builtRepository = "workflows-service"
    static func builtTag(_ service: Service, runID: String) -> String { "\(builtRepository):\(runID)-\(service.name)" }

    /// Removes everything the services made (containers first, then the networks), and their built images.
    nonisolated func cleanup(using runner: any ProcessRunning) {
        docker.cleanup(using: runner).removeEverything(labelled: label, tags: builtTags)
    }

    /// Starts the networks and the containers, once, and the wait for each to become healthy (what it
    /// says is kept for the step that awaits it); returns at once.
    func start() {
        guard launching == nil else { return }
        let first = scopes[0]
        for scope in scopes {
            for service in project.services where !(service.shared && scope != first) {
                let key = Self.key(scope, service)
                let said = Console(bufferingFor: console)
                let container = Task { [self] in
                    try await launched()
                    return try await run(service, on: network(scope), scope: scope)
                }
                containers[key] = container
                consoles[key] = said
                healthy[key] = Task { [self] in
                    let started = try await container.value
                    return try await ServiceHealth(
                        started: started, probeImage: { await self.probeImage }, network: network(scope), docker: docker,
                        console: said, resources: resources
                    ).wait()
                }
            }
        }
        for scope in scopes.dropFirst() {
            for service in project.services where service.shared {
                let original = containers[Self.key(first, service)]
                containers[Self.key(scope, service)] = Task { [self] in
                    guard let started = try await original?.value else { throw CancellationError() }
                    try await connect(started, to: network(scope))
                    return started
                }
            }
        }
        launching = Task { [self] in try await createNetworks() }
    }

    /// The project's image, once a step said it exists: the TCP probes' containers run it.
    private var probeImage: String?

    /// Waits until every service of `scope` is healthy (starting them first if needed); returns the step's
    /// network. A shared service is awaited once, for both steps. `probeImage`: the project's image, whose
    /// throwaway containers probe a service's EXPOSEd port. `record` gets what to report, also when a
    /// service fails: the services awaited until then and the one that failed (without a time to healthy).
    func ready(
        _ scope: Scope, probeImage: String, console stepConsole: Console, record: @escaping @Sendable ([ServiceReport]) -> Void
    ) async throws -> String {
        self.probeImage = probeImage
        start()
        let names = project.services.map(\.name).joined(separator: ", ")
        stepConsole.info("Waiting for the services (\(names)) on \(network(scope))...")
        let first = scopes[0]
        var waits: [(key: String, connected: Task<Started, Error>?, healthy: Task<ServiceReport, Error>)] = []
        for service in project.services {
            let key = Self.key(service.shared ? first : scope, service)
            guard let wait = healthy[key] else { continue }
            waits.append((key, service.shared && scope != first ? containers[Self.key(scope, service)] : nil, wait))
        }
        let all = waits
        let consoles = self.consoles
        try await withTaskCancellationHandler {
            var reports: [ServiceReport] = []
            for wait in all {
                do {
                    _ = try await wait.connected?.value
                    reports.append(try await wait.healthy.value)
                    consoles[wait.key]?.replay(to: stepConsole)
                } catch let unhealthy as ServiceHealth.Unhealthy {
                    consoles[wait.key]?.replay(to: stepConsole)
                    record(reports + [unhealthy.report])
                    throw unhealthy.error
                } catch {
                    consoles[wait.key]?.replay(to: stepConsole)
                    if !reports.isEmpty { record(reports) }
                    throw error
                }
            }
            record(reports)
        } onCancel: {
            for wait in all { wait.healthy.cancel() }
        }
        return network(scope)
    }

    private func launched() async throws {
        guard let launching else { throw CancellationError() }
        try await launching.value
    }

    private func createNetworks() async throws {
        let names = project.services.map { $0.name + ($0.shared ? " (shared)" : "") }.joined(separator: ", ")
        console.info(
            "Services \(names): started now, for \(scopes.map { Self.purpose($0) }.joined(separator: " and ")), each on "
                + "a network of its own.")
        for scope in scopes {
            if resources.isCancelling { throw CancellationError() }
            let created = try await docker.createNetwork(network(scope), labels: resources.labels)
            guard created.succeeded else {
                throw WorkflowsError(
                    .failed, "Could not create the network \(network(scope)) for the services: \(created.errorText)",
                    remedy: "Check the engine's networks (\(docker.name) network ls); 'workflows clean' removes those of ended runs.")
            }
        }
    }

    /// The service's container, detached, on `network` under its name; its image built first when it has a
    /// `build` folder.
    private func run(_ service: Service, on network: String, scope: Scope) async throws -> Started {
        if resources.isCancelling { throw CancellationError() }
        let image: String
        switch service.source {
        case .image(let reference):
            image = reference
        case .build(let folder):
            image = Self.builtTag(service, runID: resources.runID) + "-" + scope.rawValue
            let built = try await docker.build(BuildOptions(context: project.path(folder).path, tags: [image], output: .captured))
            guard built.succeeded else {
                console.info(built.outputText)
                console.info(built.errorText)
                throw WorkflowsError(
                    .failed, "Building the service \(service.name) from \(folder) failed.",
                    remedy: "The build's output is above; fix \(folder)/Dockerfile.")
            }
        }
        if resources.isCancelling { throw CancellationError() }
        let container = "workflows-\(resources.runID)-\(scope.rawValue)-\(service.name)"
        let startedAt = Date()
        let answer = try await docker.run(
            RunOptions(
                image: image, name: container, detach: true, labels: resources.labels,
                environment: Self.environment(service, isSecret: project.isSecret),
                healthcheck: Self.healthcheck(service), network: network, networkAlias: service.name,
                namedValues: service.environment.filter { project.isSecret($0.value) }),
            echo: .now)
        guard answer.succeeded else {
            throw WorkflowsError(
                .failed, "The engine could not start the service \(service.name) (\(service.sourceText)): \(answer.errorText)",
                remedy: "Check that the engine has the image or can pull it (\(docker.name) pull \(image)), and its entrypoint.")
        }
        return Started(service: service, container: container, image: image, startedAt: startedAt, runningSince: Date())
    }

    private func connect(_ started: Started, to network: String) async throws {
        try await launched()
        let answer = try await docker.connect(started.container, to: network, alias: started.service.name)
        guard answer.succeeded else {
            throw WorkflowsError(
                .failed, "Could not connect the shared service \(started.service.name) to \(network): \(answer.errorText)")
        }
    }

    static func key(_ scope: Scope, _ service: Service) -> String { scope.rawValue + "/" + service.name }

    /// The service's environment; a value from `${VAR}` goes by name (`--env NAME`), its value in the CLI's
    /// environment, so that no argument vector shows it.
    static func environment(_ service: Service, isSecret: (String) -> Bool) -> [ContainerVariable] {
        service.environment.keys.sorted().map { name in
            let value = service.environment[name] ?? ""
            return ContainerVariable(name, isSecret(value) ? nil : value)
        }
    }

    /// The service's `health` command as the container's HEALTHCHECK (it replaces the image's own); its
    /// failures during the whole wait do not count, so a slow start is judged at the deadline.
    static func healthcheck(_ service: Service) -> HealthcheckOptions? {
        guard let command = service.health else { return nil }
        return HealthcheckOptions(
            command: command, interval: 1, timeout: 5, retries: 3,
            startPeriod: max(Int(service.healthTimeoutSeconds.rounded(.up)), 1))
    }

    static func purpose(_ scope: Scope) -> String {
        switch scope {
        case .gates: return "the gates (assess_image_code)"
        case .health: return "the health container (assess_image_health)"
        }
    }

    /// What a host-side step says: it starts no services.
    static func hostSideNote(_ project: Project) -> String? {
        guard !project.services.isEmpty else { return nil }
        return "Services (\(project.services.map(\.name).joined(separator: ", "))) are not started for host-side steps: "
            + "the gates run on this machine, with the environment as it is here."
    }
}
