import Foundation
import Testing

@testable import WorkflowsKit

/// A container engine in memory for the unit tests: `ContainerEngine` itself, with the engine's state
/// (images with their config, containers with their state and health, volumes, networks, what registries
/// hold). It refuses what the real engine refuses, with the CLI's words (an unknown container removed
/// without force, a missing network joined, an image that does not exist run, a network created twice), and
/// can be made to fail as the real CLI fails (`buildFailure`, a registry's `refusal`, a wrong password,
/// `vanish`, `engineAnswers`, `stopsAnsweringAfterPolls`). A build pulls a `FROM` it lacks; `run` pulls
/// nothing. Git and the host's Python are `FakeGit`'s. An operation it does not model throws `NotModelled` and records an issue, so that no test
/// passes on what it cannot tell. The argument vectors are `DockerArgumentsTests`' business.
final class FakeEngine: ContainerEngine, @unchecked Sendable {
    /// The ID of the app's image, `numbers-api:latest`, there from the start.
    static let imageID = "sha256:" + String(repeating: "a", count: 64)
    static let appImage = "numbers-api:latest"
    static let healthcheck = ImageConfig.Healthcheck(test: ["CMD", "python", "-c", "probe"])

    struct Image: Sendable {
        var tags: Set<String>
        /// `config.id` is the image's ID.
        var config: ImageConfig
        var dockerfile: String?
    }

    struct Container: Sendable {
        var id: String
        var name: String?
        var options: RunOptions
        /// The image's ID.
        var image: String
        var labels: [String: String]
        /// Network name → aliases.
        var networks: [String: [String]]
        var state: ContainerState
        /// What `containerState` answers, poll by poll; the last repeats. Empty: `state`.
        var script: [ContainerState]
        var polls = 0
        /// Removed from the engine after this many polls (`vanish`).
        var vanishesAfter: Int?
        /// Exits with this code at this time (`exits`).
        var exitsAt: (code: Int, date: Date)?
        var logs: String
    }

    /// A registry: open (any login, any push) unless it has a password.
    struct Registry: Sendable {
        var user: String?
        var password: String?
        /// Every push fails with this, as a registry that stops answering (`received unexpected HTTP status: 500`).
        var refusal: String?
        /// Reference → the digest pushed.
        var pushed: [String: String] = [:]
        var loggedIn = false

        init(user: String? = nil, password: String? = nil, refusal: String? = nil) {
            self.user = user
            self.password = password
            self.refusal = refusal
        }
    }

    /// An operation that changes something, as the steps asked for it.
    enum Change: Sendable, Equatable {
        case build(BuildOptions, dockerfile: String)
        case run(RunOptions)
        case tag(String, String)
        case login(String, user: String, password: String)
        case push(String)
        case logout(String)
        case remove(EngineObject, [String], force: Bool)
        case createVolume(String, [EngineLabel])
        case createNetwork(String, [EngineLabel])
        case connect(String, network: String, alias: String)
        case pruneBuildCache
    }

    struct NotModelled: Error, CustomStringConvertible {
        var description: String
    }

    private let unmodelledLock = NSLock()
    private var unmodelledLog: [String] = []
    private var unmodelledFailsTheTest = true
    /// What was asked that the fake does not model. Each also fails the test (so that a step's `try?` cannot
    /// hide it), unless `unmodelledFailsTheTest` was turned off by the test of that behaviour itself.
    var unmodelled: [String] { unmodelledLock.withLock { unmodelledLog } }
    func recordsUnmodelledAsFailures(_ fails: Bool) { unmodelledLock.withLock { unmodelledFailsTheTest = fails } }

    private let lock = NSLock()
    private var images: [String: Image] = [:]
    private var containers: [String: Container] = [:]
    private var volumeLabels: [String: [String: String]] = [:]
    private var networkLabels: [String: [String: String]] = [:]
    private var registryState: [String: Registry] = [:]
    private var changeLog: [Change] = []
    private var execLog: [ExecOptions] = []
    private var sweepCount = 0
    private var inspectionLog: [String] = []
    private var counter = 0
    private var scripts: [String: [ContainerState]] = [:]
    private var vanishing: [String: Int] = [:]
    private var timedExits: [String: (code: Int, seconds: Double)] = [:]

    // What a test sets.
    /// false: the engine does not answer; every operation fails as the CLI then does (`down`).
    var engineAnswers = true
    /// The engine stops answering after this many `containerState` answers (of any container).
    var stopsAnsweringAfterPolls: Int?
    static let down = ProcessOutput.fail(
        1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
    var podman = false
    /// Whether the CLI's buildx plugin answers: it then builds with BuildKit, unless `DOCKER_BUILDKIT=0`.
    var buildxAnswers = false
    var cpus: Int? = 2
    /// What every `build` prints; with `buildFailure`, the build fails with it and makes nothing.
    var buildOutput = ""
    var buildFailure: ProcessOutput?
    /// A signal stops the next build mid-way: the images `buildOutput` names stay, untagged, and `build`
    /// throws `CancellationError`, its output left in `stoppedOutput` as the runner leaves it.
    var interruptsBuild = false
    /// Every build takes the engine this long. A CLI that is stopped meanwhile returns at once, and the
    /// engine still finishes the build, later (as Docker's legacy engine may once a build is at its end).
    var buildSeconds: Double?
    /// The engine goes away during the next build: the build fails as the CLI then does, and the engine
    /// answers no more.
    var stopsAnsweringInBuild = false
    /// The config of a base image a build pulls (any `FROM` that the engine does not have).
    var pulledConfig = ImageConfig(id: "", user: "", workingDirectory: "/", healthcheck: nil, labels: [:])
    /// What a container that is not detached does (its program's exit and output), and a gate's exec in the gates'
    /// shared container (as the options of a container of its own); nil: `ok()`.
    var program: (@Sendable (RunOptions) -> ProcessOutput?)?
    /// What `exec` answers, one per exec, the last repeating; empty: `probe`.
    var execAnswers: [ProcessOutput] = []
    var probe: ProcessOutput = .fail(1, stderr: "connection refused")
    /// Files `copy` finds: container name → path → contents.
    var containerFiles: [String: [String: Data]] = [:]

    /// The base image the app's Dockerfile names, there from the start (as on an engine that built it before).
    static let baseImage = "python:3.11-slim"
    static let baseImageID = "sha256:" + String(repeating: "b", count: 64)

    /// The engine with the base image `python:3.11-slim` and the app's image, `numbers-api:latest` (ID
    /// `imageID`), built from a clean tree at `FakeGit.commit`, with a HEALTHCHECK; `configure` changes it.
    init(appImage: Bool = true) {
        images[Self.baseImageID] = Image(
            tags: [Self.baseImage],
            config: ImageConfig(id: Self.baseImageID, user: "", workingDirectory: "/", healthcheck: nil, labels: [:]))
        guard appImage else { return }
        images[Self.imageID] = Image(
            tags: [Self.appImage],
            config: ImageConfig(
                id: Self.imageID, user: "thenumbers", workingDirectory: "/home/app", healthcheck: Self.healthcheck,
                labels: ["commit": FakeGit.commit, EngineLabels.tree: "clean"]))
    }

    // MARK: What a test arranges and reads

    /// Adds an image (or replaces the one of that ID) under `tags`.
    @discardableResult
    func addImage(_ tags: [String], _ config: ImageConfig) -> String {
        lock.withLock {
            for tag in tags { untag(tag) }
            images[config.id] = Image(tags: Set(tags), config: config)
        }
        return config.id
    }

    /// Changes the config of the image `reference` names.
    func configure(_ reference: String = FakeEngine.appImage, _ change: (inout ImageConfig) -> Void) {
        lock.withLock {
            guard let id = resolveImage(reference) else {
                Issue.record("FakeEngine has no image \(reference) to configure")
                return
            }
            change(&images[id]!.config)
            images[id]!.config.id = id
        }
    }

    func image(_ reference: String) -> Image? { lock.withLock { resolveImage(reference).flatMap { images[$0] } } }

    /// What `containerState` answers for the container that `run` will name `name`, poll by poll.
    func script(_ name: String, _ states: [ContainerState]) { lock.withLock { scripts[name] = states } }

    /// The container `name` exits with `code` `seconds` after it started, whatever its script says.
    func exits(_ name: String, code: Int, afterSeconds seconds: Double) { lock.withLock { timedExits[name] = (code, seconds) } }

    /// The container `name` is removed (by someone else) after `polls` answers of `containerState`.
    func vanish(_ name: String, afterPolls polls: Int) { lock.withLock { vanishing[name] = polls } }

    func container(_ name: String) -> Container? { lock.withLock { resolveContainer(name).flatMap { containers[$0] } } }
    var containerNames: [String] { lock.withLock { containers.values.compactMap(\.name).sorted() } }
    var volumes: [String: [String: String]] {
        get { lock.withLock { volumeLabels } }
        set { lock.withLock { volumeLabels = newValue } }
    }
    var networks: [String: [String: String]] { lock.withLock { networkLabels } }
    var imageTags: Set<String> { lock.withLock { Set(images.values.flatMap(\.tags)) } }

    func registry(_ host: String) -> Registry? { lock.withLock { registryState[host] } }
    func setRegistry(_ host: String, _ registry: Registry) { lock.withLock { registryState[host] = registry } }

    var changes: [Change] { lock.withLock { changeLog } }
    var runs: [RunOptions] { changes.compactMap { if case .run(let options) = $0 { options } else { nil } } }
    var builds: [(options: BuildOptions, dockerfile: String)] {
        changes.compactMap { if case .build(let options, let dockerfile) = $0 { (options, dockerfile) } else { nil } }
    }
    var pushes: [String] { changes.compactMap { if case .push(let reference) = $0 { reference } else { nil } } }
    var tagged: [(source: String, target: String)] {
        changes.compactMap { if case .tag(let source, let target) = $0 { (source, target) } else { nil } }
    }
    var removals: [(kind: EngineObject, ids: [String], force: Bool)] {
        changes.compactMap { if case .remove(let kind, let ids, let force) = $0 { (kind, ids, force) } else { nil } }
    }
    var execs: [ExecOptions] { lock.withLock { execLog } }
    /// How many cleanups swept by label (`removeEverything`).
    var sweeps: Int { lock.withLock { sweepCount } }
    /// The gates' execs, in the gates' container.
    var gateExecs: [ExecOptions] { execs.filter { $0.container.hasSuffix("-gates") } }
    /// The containers `containerState` was asked about, poll by poll.
    var inspections: [String] { lock.withLock { inspectionLog } }

    /// The digest a push of the image `id` gets.
    static func digest(of id: String) -> String { "sha256:" + SHA256.hex(Data(id.utf8)) }

    static func state(
        _ status: String, health: String?, exitCode: Int = 0, probes: [ContainerState.HealthState.Probe]? = nil
    ) -> ContainerState {
        ContainerState(
            status: status, exitCode: exitCode, oomKilled: false,
            health: health.map { ContainerState.HealthState(status: $0, log: probes) })
    }

    static func probe(_ output: String, exitCode: Int = 1) -> ContainerState.HealthState.Probe {
        .init(exitCode: exitCode, output: output)
    }

    // MARK: ContainerEngine

    var name: String { "docker" }
    var executable: String { "docker" }

    func requireEngine(while activity: String?) async throws {
        guard lock.withLock({ engineAnswers }) else {
            let what = activity.map { "stopped answering while \($0)" } ?? "does not answer"
            throw WorkflowsError(.tooling, "The engine behind docker \(what) (Cannot connect to the Docker daemon).")
        }
    }

    func isPodman() async -> Bool { lock.withLock { engineAnswers && podman } }
    func cpuCount() async -> Int? { lock.withLock { engineAnswers ? cpus : nil } }
    func builder(environment: [String: String]) async -> Builder {
        lock.withLock { Builder.detect(podman: podman, buildxAnswers: engineAnswers && buildxAnswers, environment: environment) }
    }

    func build(_ options: BuildOptions) async throws -> ProcessOutput {
        let base = options.workingDirectory.map { URL(fileURLWithPath: $0) }
        let context = URL(fileURLWithPath: options.context, relativeTo: base)
        let path = options.dockerfile.map { URL(fileURLWithPath: $0, relativeTo: base) }
            ?? context.appendingPathComponent("Dockerfile")
        let dockerfile = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
        // The CLI sends the context first: what the engine builds no longer depends on the folder.
        let sent = FileManager.default.fileExists(atPath: context.path)
        if let seconds = lock.withLock({ buildSeconds }) {
            let started = Date()
            while Date().timeIntervalSince(started) < seconds {
                if Task.isCancelled {
                    // The CLI is stopped; the engine finishes the build anyway, a little later.
                    let late = seconds - Date().timeIntervalSince(started)
                    DispatchQueue.global().asyncAfter(deadline: .now() + late) { [self] in
                        _ = finishBuild(options, dockerfile: dockerfile, contextSent: sent)
                    }
                    throw CancellationError()
                }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        return try finishBuild(options, dockerfile: dockerfile, contextSent: sent).get()
    }

    private func finishBuild(_ options: BuildOptions, dockerfile: String, contextSent: Bool) -> Result<ProcessOutput, any Error> {
        lock.withLock {
            changeLog.append(.build(options, dockerfile: dockerfile))
            guard contextSent else {
                return .success(.fail(1, stderr: "unable to prepare context: path \"\(options.context)\" not found"))
            }
            guard !dockerfile.isEmpty else {
                return .success(.fail(1, stderr: "unable to prepare context: unable to evaluate symlinks in Dockerfile path: no such file"))
            }
            if !engineAnswers { return .success(Self.down) }
            if stopsAnsweringInBuild {
                engineAnswers = false
                return .success(.fail(1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"))
            }
            if let buildFailure { return .success(buildFailure) }
            if interruptsBuild {
                for made in BuildLeftovers.imagesMade(by: buildOutput) {
                    let id = "sha256:" + made + String(repeating: "0", count: 64 - made.count)
                    images[id] = Image(tags: [], config: ImageConfig(id: id, user: "", workingDirectory: "/", healthcheck: nil, labels: [:]))
                }
                options.stoppedOutput?.keep(.ok(buildOutput))
                return .failure(CancellationError())
            }
            guard let from = DockerfileStages.finalBase(of: dockerfile) else {
                return .failure(notModelled("a build of a Dockerfile whose base the fake cannot read:\n\(dockerfile)"))
            }
            var config = resolveImage(from).flatMap { images[$0]?.config } ?? pulledConfig
            Self.apply(dockerfile, to: &config)
            config.id = nextID()
            for tag in options.tags { untag(tag) }
            images[config.id] = Image(tags: Set(options.tags), config: config, dockerfile: dockerfile)
            if let file = options.imageIDFile { try? Data(config.id.utf8).write(to: URL(fileURLWithPath: file)) }
            return .success(.ok(buildOutput))
        }
    }

    func inspectImage(_ reference: String) async throws -> ImageConfig? {
        lock.withLock { engineAnswers ? resolveImage(reference).flatMap { images[$0]?.config } : nil }
    }

    func repoDigests(of reference: String) async -> [String]? {
        lock.withLock {
            guard engineAnswers else { return nil }
            guard let id = resolveImage(reference) else { return nil }
            var digests: [String] = []
            for registry in registryState.values {
                for (pushed, digest) in registry.pushed where digest == Self.digest(of: id) {
                    let repository = String(pushed[..<(pushed.lastIndex(of: ":") ?? pushed.endIndex)])
                    let entry = repository + "@" + digest
                    if !digests.contains(entry) { digests.append(entry) }
                }
            }
            return digests
        }
    }

    func tag(_ source: String, as target: String, output: Command.Output) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.tag(source, target))
            if !engineAnswers { return Self.down }
            guard let id = resolveImage(source) else { return .fail(1, stderr: "Error response from daemon: No such image: \(source)") }
            untag(target)
            images[id]?.tags.insert(target)
            return .ok()
        }
    }

    func access(to registry: String) async -> RegistryAccess { RegistryAccess(registry) }

    func login(_ access: RegistryAccess, user: String, password: String) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.login(access.registry, user: user, password: password))
            if !engineAnswers { return Self.down }
            var registry = registryState[access.registry] ?? Registry()
            if let expected = registry.password, registry.user != user || expected != password {
                return .fail(
                    1, stderr: "Error response from daemon: Get \"https://\(access.registry)/v2/\": unauthorized: incorrect username or password")
            }
            registry.loggedIn = true
            registryState[access.registry] = registry
            return .ok("Login Succeeded")
        }
    }

    func push(_ reference: String, _ access: RegistryAccess) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.push(reference))
            if !engineAnswers { return Self.down }
            guard images.values.contains(where: { $0.tags.contains(reference) }), let id = resolveImage(reference) else {
                return .fail(1, stderr: "An image does not exist locally with the tag: \(reference)")
            }
            let host = ImageReference.registry(of: reference)
            var registry = registryState[host] ?? Registry()
            if registry.password != nil, !registry.loggedIn {
                return .fail(1, stderr: "unauthorized: authentication required")
            }
            if let refusal = registry.refusal { return .fail(1, stderr: refusal) }
            registry.pushed[reference] = Self.digest(of: id)
            registryState[host] = registry
            let tag = reference.split(separator: ":").last ?? ""
            return .ok("\(tag): digest: \(Self.digest(of: id)) size: 1570")
        }
    }

    func commandLine(_ operation: RegistryOperation, _ access: RegistryAccess) -> [String] {
        switch operation {
        case .login(let user): [executable] + DockerArguments.login(access, user: user)
        case .tag(let source, let target): [executable] + DockerArguments.tag(source, target)
        case .push(let reference): [executable] + DockerArguments.push(reference, access)
        }
    }

    func run(_ options: RunOptions, echo: Echo) async throws -> ProcessOutput {
        let started: Result<(ProcessOutput, String?), NotModelled> = lock.withLock {
            changeLog.append(.run(options))
            if !engineAnswers { return .success((Self.down, nil)) }
            if let name = options.name, resolveContainer(name) != nil {
                return .success((.fail(125, stderr: "docker: Error response from daemon: Conflict. The container name \"/\(name)\" is already in use."), nil))
            }
            guard let image = resolveImage(options.image) else {
                return .success((.fail(125, stderr: "Unable to find image '\(options.image)' locally\ndocker: Error response from daemon: pull access denied for \(options.image), repository does not exist or may require 'docker login'."), nil))
            }
            // The engine's own networks exist without being created.
            if let network = options.network, !["bridge", "host", "none"].contains(network), networkLabels[network] == nil {
                return .success((.fail(125, stderr: "docker: Error response from daemon: network \(network) not found."), nil))
            }
            if options.networkAlias != nil, options.network == nil {
                return .failure(notModelled("a network alias without a network"))
            }
            for mount in options.mounts where volumeLabels[mount.volume] == nil { volumeLabels[mount.volume] = [:] }
            let id = String(nextID().dropFirst("sha256:".count).prefix(12))
            let config = images[image]?.config
            let probes = !options.noHealthcheck && (options.healthcheck != nil || config?.declaresHealthcheck == true)
            let name = options.name ?? id
            var container = Container(
                id: id, name: options.name, options: options, image: image,
                labels: Dictionary(options.labels.map { ($0.key, $0.value) }) { $1 },
                networks: options.network.map { [$0: options.networkAlias.map { [$0] } ?? []] } ?? [:],
                state: Self.state("running", health: probes ? "healthy" : nil), script: scripts.removeValue(forKey: name) ?? [],
                vanishesAfter: vanishing.removeValue(forKey: name),
                exitsAt: timedExits.removeValue(forKey: name).map { ($0.code, Date().addingTimeInterval($0.seconds)) },
                logs: "app: listening")
            if options.detach {
                containers[id] = container
                return .success((.ok(id), nil))
            }
            container.state = Self.state("exited", health: nil)
            containers[id] = container
            return .success((.ok(), id))
        }
        let (answer, foreground) = try started.get()
        guard let foreground else { return answer }
        let result = program?(options) ?? .ok()
        lock.withLock {
            if case .exited(let code) = result.termination { containers[foreground]?.state.exitCode = Int(code) }
            if options.remove { containers[foreground] = nil }
        }
        return result
    }

    func exec(_ options: ExecOptions) async throws -> ProcessOutput {
        enum Answer { case output(ProcessOutput), gate(RunOptions) }
        let answer: Answer = lock.withLock {
            execLog.append(options)
            let container = options.container
            if !engineAnswers { return .output(Self.down) }
            guard let id = resolveContainer(container), let found = containers[id] else {
                return .output(.fail(1, stderr: "Error: No such container: \(container)"))
            }
            guard found.state.status == "running" else {
                return .output(.fail(1, stderr: "Error response from daemon: Container \(id) is not running"))
            }
            if found.options.arguments == ["-c", GatesContainer.keeperScript] {
                // A gate: `program` decides, as for a container of its own.
                var gate = found.options
                gate.entrypoint = options.command.first
                gate.arguments = Array(options.command.dropFirst())
                gate.environment = options.environment
                gate.workingDirectory = options.workingDirectory
                return .gate(gate)
            }
            guard !execAnswers.isEmpty else { return .output(probe) }
            return .output(execAnswers.count == 1 ? execAnswers[0] : execAnswers.removeFirst())
        }
        switch answer {
        case .output(let output): return output
        case .gate(let gate): return program?(gate) ?? .ok()
        }
    }

    func containerState(_ container: String) async throws -> ContainerInspection {
        lock.withLock {
            inspectionLog.append(container)
            if let after = stopsAnsweringAfterPolls, inspectionLog.count > after { engineAnswers = false }
            if !engineAnswers { return .missing(Self.down.errorText) }
            guard let id = resolveContainer(container), var found = containers[id] else {
                return .missing("Error: No such container: \(container)")
            }
            if let after = found.vanishesAfter, found.polls >= after {
                containers[id] = nil
                return .missing("Error: No such container: \(container)")
            }
            if !found.script.isEmpty { found.state = found.script[min(found.polls, found.script.count - 1)] }
            if let exit = found.exitsAt, Date() >= exit.date { found.state = Self.state("exited", health: nil, exitCode: exit.code) }
            found.polls += 1
            containers[id] = found
            return .state(found.state)
        }
    }

    func copy(from container: String, path: String, to local: String) async throws -> Bool {
        lock.withLock {
            guard engineAnswers, let id = resolveContainer(container), let name = containers[id]?.name,
                let data = containerFiles[name]?[path]
            else { return false }
            return (try? data.write(to: URL(fileURLWithPath: local))) != nil
        }
    }

    func logs(of container: String, tail: Int, echo: Bool) async throws -> ProcessOutput {
        lock.withLock {
            if !engineAnswers { return Self.down }
            guard let id = resolveContainer(container), let found = containers[id] else {
                return .fail(1, stderr: "Error: No such container: \(container)")
            }
            return .ok(found.logs.split(separator: "\n").suffix(tail).joined(separator: "\n"))
        }
    }

    func list(_ kind: EngineObject, _ query: ListQuery) async throws -> [String] {
        try lock.withLock {
            if !engineAnswers { throw WorkflowsError(.failed, "docker \(kind) ls failed: \(Self.down.errorText)") }
            if let repository = query.tagsOf {
                guard kind == .image, query.filters.isEmpty else { throw notModelled("tagsOf with \(kind) or filters") }
                return images.values.flatMap(\.tags).filter { ImageReference.repository(of: $0) == repository }.sorted()
            }
            if query.filters.contains(.dangling), kind != .image { throw notModelled("dangling \(kind)s") }
            return try everything(kind, running: !query.all).filter { item in
                try query.filters.allSatisfy { filter in
                    switch filter {
                    case .labelled(let key): return item.labels[key] != nil
                    case .label(let label): return item.labels[label.key] == label.value
                    case .dangling:
                        guard let image = images[item.id] else { throw notModelled("dangling of \(kind)") }
                        return image.tags.isEmpty
                    }
                }
            }.map(\.id)
        }
    }

    func labels(of kind: EngineObject, _ ids: [String], keys: [String]) async throws -> [LabelValues] {
        try lock.withLock {
            guard engineAnswers else { return [] }
            let all = try everything(kind, running: false)
            return ids.compactMap { id in
                let resolved = kind == .image ? resolveImage(id) : kind == .container ? resolveContainer(id) : id
                guard let item = all.first(where: { $0.id == resolved }) else { return nil }
                return LabelValues(id: item.id, values: keys.map { item.labels[$0] ?? "" })
            }
        }
    }

    func remove(_ kind: EngineObject, _ ids: [String], force: Bool) async throws -> ProcessOutput {
        lock.withLock { removeNow(kind, ids, force: force) }
    }

    func pruneBuildCache() async throws -> ProcessOutput {
        guard lock.withLock({ changeLog.append(.pruneBuildCache); return engineAnswers }) else { return Self.down }
        return .ok("Deleted build cache objects:\nabc\n\nTotal:\t120.3MB")
    }

    func createVolume(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.createVolume(name, labels))
            if !engineAnswers { return Self.down }
            // Docker returns an existing volume as it is: its first labels stay.
            if volumeLabels[name] == nil { volumeLabels[name] = Dictionary(labels.map { ($0.key, $0.value) }) { $1 } }
            return .ok(name)
        }
    }

    func volumesExist(_ names: [String]) async throws -> Bool {
        lock.withLock { engineAnswers && names.allSatisfy { volumeLabels[$0] != nil } }
    }

    func createNetwork(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.createNetwork(name, labels))
            if !engineAnswers { return Self.down }
            guard networkLabels[name] == nil else {
                return .fail(1, stderr: "Error response from daemon: network with name \(name) already exists")
            }
            networkLabels[name] = Dictionary(labels.map { ($0.key, $0.value) }) { $1 }
            return .ok(nextID())
        }
    }

    func connect(_ container: String, to network: String, alias: String) async throws -> ProcessOutput {
        lock.withLock {
            changeLog.append(.connect(container, network: network, alias: alias))
            if !engineAnswers { return Self.down }
            guard networkLabels[network] != nil else {
                return .fail(1, stderr: "Error response from daemon: network \(network) not found")
            }
            guard let id = resolveContainer(container), let found = containers[id] else {
                return .fail(1, stderr: "Error response from daemon: No such container: \(container)")
            }
            guard found.networks[network] == nil else {
                return .fail(1, stderr: "Error response from daemon: endpoint with name \(found.name ?? id) already exists in network \(network)")
            }
            containers[id]?.networks[network] = [alias]
            return .ok()
        }
    }

    func cleanup(using runner: any ProcessRunning) -> any EngineCleanup { Cleanup(engine: self) }

    /// The cleanups on the fake's state: best effort and quiet, as `DockerCleanup` is.
    struct Cleanup: EngineCleanup {
        let engine: FakeEngine

        func remove(_ kind: EngineObject, _ ids: [String], force: Bool) {
            guard !ids.isEmpty else { return }
            _ = engine.lock.withLock { engine.removeNow(kind, ids, force: force) }
        }

        func logout(_ registry: String) -> String? {
            engine.lock.withLock {
                engine.changeLog.append(.logout(registry))
                guard engine.engineAnswers else { return FakeEngine.down.errorText }
                engine.registryState[registry]?.loggedIn = false
                return nil
            }
        }

        func removeEverything(labelled label: EngineLabel, tags: [String]) {
            engine.lock.withLock {
                engine.sweepCount += 1
                for kind in EngineObject.allCases {
                    let ids = ((try? engine.everything(kind, running: false)) ?? [])
                        .filter { $0.labels[label.key] == label.value }.map(\.id)
                    if !ids.isEmpty { _ = engine.removeNow(kind, ids.sorted(), force: true) }
                }
                if !tags.isEmpty { _ = engine.removeNow(.image, tags, force: false) }
            }
        }

        func removeKnown(labelled label: EngineLabel, containers: [String], images: [String]) {
            let (removed, left) = engine.lock.withLock {
                if !containers.isEmpty { _ = engine.removeNow(.container, containers, force: true) }
                let removed = images.isEmpty || engine.removeNow(.image, images, force: false).succeeded
                let left = ((try? engine.everything(.container, running: false)) ?? []).contains { $0.labels[label.key] == label.value }
                return (removed, left)
            }
            if !removed || left { removeEverything(labelled: label, tags: images) }
        }

        func removeContainers(labelled label: EngineLabel) {
            engine.lock.withLock {
                let ids = ((try? engine.everything(.container, running: false)) ?? [])
                    .filter { $0.labels[label.key] == label.value }.map(\.id)
                if !ids.isEmpty { _ = engine.removeNow(.container, ids.sorted(), force: true) }
            }
        }

        func removeInterruptedBuild(_ leftovers: BuildLeftovers) {
            engine.lock.withLock {
                if !leftovers.containers.isEmpty { _ = engine.removeNow(.container, leftovers.containers, force: true) }
                let dangling = engine.images.values.filter(\.tags.isEmpty).map(\.config.id).sorted()
                let untagged = leftovers.untagged(among: dangling)
                if !untagged.isEmpty { _ = engine.removeNow(.image, untagged, force: false) }
            }
        }
    }

    // MARK: The state, under the lock

    private struct Item {
        var id: String
        var labels: [String: String]
    }

    private func everything(_ kind: EngineObject, running: Bool) throws -> [Item] {
        switch kind {
        case .container:
            return containers.values.filter { !running || $0.state.status == "running" }.sorted { $0.id < $1.id }
                .map { Item(id: $0.id, labels: $0.labels) }
        case .image:
            return images.values.sorted { $0.config.id < $1.config.id }.map { Item(id: $0.config.id, labels: $0.config.labels) }
        case .volume:
            return volumeLabels.keys.sorted().map { Item(id: $0, labels: volumeLabels[$0] ?? [:]) }
        case .network:
            return networkLabels.keys.sorted().map { Item(id: $0, labels: networkLabels[$0] ?? [:]) }
        }
    }

    private func resolveImage(_ reference: String) -> String? {
        if images[reference] != nil { return reference }
        let tag = reference.contains(":") && !reference.hasPrefix("sha256:") ? reference : reference + ":latest"
        if let image = images.values.first(where: { $0.tags.contains(tag) || $0.tags.contains(reference) }) {
            return image.config.id
        }
        // A short ID, as the CLI takes it.
        let bare = reference.replacingOccurrences(of: "sha256:", with: "")
        guard bare.count >= 12 else { return nil }
        return images.keys.first { $0.dropFirst("sha256:".count).hasPrefix(bare) }
    }

    private func resolveContainer(_ reference: String) -> String? {
        if containers[reference] != nil { return reference }
        return containers.values.first { $0.name == reference }?.id
    }

    /// Takes `tag` off the image that has it (a build or a tag moves it).
    private func untag(_ tag: String) {
        for (id, image) in images where image.tags.contains(tag) { images[id]?.tags.remove(tag) }
    }

    /// A new ID whose first 12 digits (the short ID the CLI shows and takes) are unique.
    private func nextID() -> String {
        counter += 1
        let hex = String(counter, radix: 16)
        return "sha256:" + String(repeating: "0", count: 12 - hex.count) + hex + String(repeating: "f", count: 52)
    }

    fileprivate func removeNow(_ kind: EngineObject, _ ids: [String], force: Bool) -> ProcessOutput {
        changeLog.append(.remove(kind, ids, force: force))
        if !engineAnswers { return Self.down }
        var errors: [String] = []
        var removed: [String] = []
        for reference in ids {
            switch kind {
            case .container:
                guard let id = resolveContainer(reference), let found = containers[id] else {
                    if !force { errors.append("Error: No such container: \(reference)") }
                    continue
                }
                guard force || found.state.status != "running" else {
                    errors.append("Error response from daemon: You cannot remove a running container \(id). Stop the container before attempting removal or force remove")
                    continue
                }
                containers[id] = nil
            case .image:
                guard let id = resolveImage(reference) else {
                    errors.append("Error: No such image: \(reference)")
                    continue
                }
                let isTag = images[id]?.tags.contains(reference) == true
                    || images[id]?.tags.contains(reference + ":latest") == true
                if isTag {
                    images[id]?.tags.remove(reference)
                    images[id]?.tags.remove(reference + ":latest")
                    if images[id]?.tags.isEmpty == true, !containers.values.contains(where: { $0.image == id }) {
                        images[id] = nil
                    }
                } else {
                    if !force, containers.values.contains(where: { $0.image == id }) {
                        errors.append("Error response from daemon: conflict: unable to delete \(id.prefix(19)) (must be forced) - image is being used by a container")
                        continue
                    }
                    if !force, (images[id]?.tags.count ?? 0) > 1 {
                        errors.append("Error response from daemon: conflict: unable to delete \(id.prefix(19)) (must be forced) - image is referenced in multiple repositories")
                        continue
                    }
                    images[id] = nil
                }
            case .volume:
                guard volumeLabels[reference] != nil else {
                    if !force { errors.append("Error: No such volume: \(reference)") }
                    continue
                }
                guard !containers.values.contains(where: { $0.options.mounts.contains { $0.volume == reference } }) else {
                    errors.append("Error response from daemon: remove \(reference): volume is in use")
                    continue
                }
                volumeLabels[reference] = nil
            case .network:
                guard networkLabels[reference] != nil else {
                    errors.append("Error: No such network: \(reference)")
                    continue
                }
                guard !containers.values.contains(where: { $0.networks[reference] != nil }) else {
                    errors.append("Error response from daemon: error while removing network: network \(reference) has active endpoints")
                    continue
                }
                networkLabels[reference] = nil
            }
            removed.append(reference)
        }
        return errors.isEmpty ? .ok(removed.joined(separator: "\n"))
            : ProcessOutput(
                termination: .exited(1), standardOutput: Data(removed.joined(separator: "\n").utf8),
                standardError: Data(errors.joined(separator: "\n").utf8))
    }

    /// Records the issue (a `try?` in a step cannot hide it) and returns the error to throw.
    private func notModelled(_ what: String) -> NotModelled {
        let error = NotModelled(description: "FakeEngine does not model \(what)")
        // Its own lock: this is called with `lock` held.
        let failsTheTest = unmodelledLock.withLock {
            unmodelledLog.append(error.description)
            return unmodelledFailsTheTest
        }
        if failsTheTest { Issue.record("\(error)") }
        return error
    }
}

/// Runs `workflows ARGS` in-process with `engine` as the engine and `git` as the checkout's git; with
/// `cancellator`, through its root task, as `main` runs it (a test can then signal it).
func runWorkflows(
    _ arguments: [String], environment: [String: String] = [:], engine: FakeEngine, git: FakeGit = FakeGit(),
    root: URL? = nil, cancellator: Cancellator? = nil
) async throws -> (status: Int32, console: CapturedConsole) {
    let console = try CapturedConsole()
    let folder = try root ?? NumbersAPIShape.make()
    let run: @Sendable (Cancellator) async -> Int32 = { cancellator in
        await Workflows.run(
            arguments: arguments, environment: environment, runner: git.runner, console: console.console,
            cancellator: cancellator, currentFolder: folder, runID: "testrun", engine: { _ in engine })
    }
    guard let cancellator else {
        return (await run(Cancellator(children: ChildProcesses(), cleanupRunner: git.runner)), console)
    }
    return (await cancellator.runRoot { await run(cancellator) }, console)
}
