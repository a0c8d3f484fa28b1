import Foundation

/// `ContainerEngine` through the `docker` CLI (or Podman's): the argument vectors of `DockerArguments`,
/// run by `DockerCLI`. What changes something is echoed (`==>> …`, a script shown by its size); queries
/// are quiet.
struct DockerEngine: ContainerEngine {
    var cli: DockerCLI

    init(_ cli: DockerCLI) { self.cli = cli }

    init(executable: String, runner: any ProcessRunning, console: Console) {
        self.init(DockerCLI(executable: executable, runner: runner, console: console))
    }

    var name: String { cli.name }
    var executable: String { cli.executable }

    func requireEngine(while activity: String?) async throws {
        let answer = try await cli.query(DockerArguments.version())
        guard answer.succeeded, !answer.outputText.isEmpty else {
            let detail = answer.errorText.split(separator: "\n").last.map(String.init) ?? "no answer"
            let what = activity.map { "stopped answering while \($0)" } ?? "does not answer"
            throw WorkflowsError(
                .tooling, "The engine behind \(name) \(what) (\(detail)).",
                remedy: "Start Docker (on this project's Debian machines: scripts/provision.sh), "
                    + "or point DOCKER_HOST or DOCKER_CONTEXT at an engine that runs.")
        }
    }

    func isPodman() async -> Bool {
        Self.isPodman(versionLine: await clientVersionLine())
    }

    /// The CLI's `--version` line (`Docker version 28.2.2, build e6534b4`, `podman version 4.3.1`).
    private func clientVersionLine() async -> String {
        guard let answer = try? await cli.query(DockerArguments.clientVersion()) else { return "" }
        return answer.outputText + answer.errorText
    }

    private static func isPodman(versionLine: String) -> Bool { versionLine.lowercased().contains("podman") }

    func cpuCount() async -> Int? {
        guard let answer = try? await cli.query(DockerArguments.cpuCount()), answer.succeeded else { return nil }
        return Int(answer.outputText)
    }

    func build(_ options: BuildOptions) async throws -> ProcessOutput {
        try await change(
            DockerArguments.build(options), output: options.output, workingDirectory: options.workingDirectory,
            environment: options.namedValues, stoppedOutput: options.stoppedOutput)
    }

    func builder(environment: [String: String]) async -> Builder {
        let version = await clientVersionLine()
        if Self.isPodman(versionLine: version) { return .podman }
        let buildx = try? await cli.query(DockerArguments.buildxVersion())
        let clientMajor = Builder.major(ofVersion: version)
        // An older CLI without DOCKER_BUILDKIT follows the engine's default builder (BuildKit from 23 on).
        var serverMajor: Int?
        if let clientMajor, clientMajor < 23, (environment["DOCKER_BUILDKIT"] ?? "").isEmpty,
            let server = try? await cli.query(DockerArguments.version()), server.succeeded
        {
            serverMajor = Int(server.outputText.trimmingCharacters(in: .whitespacesAndNewlines).prefix { $0.isNumber })
        }
        return Builder.detect(
            podman: false, buildxAnswers: buildx?.succeeded == true, clientMajor: clientMajor, serverMajor: serverMajor,
            environment: environment)
    }

    func pruneBuildCache() async throws -> ProcessOutput {
        try await change(DockerArguments.pruneBuildCache(), output: .captured)
    }

    func inspectImage(_ reference: String) async throws -> ImageConfig? {
        let answer = try await cli.query(DockerArguments.inspectImage(reference))
        guard answer.succeeded else { return nil }
        return try ImageConfig.parse(answer.standardOutput).first
    }

    func repoDigests(of reference: String) async -> [String]? {
        guard let answer = try? await cli.query(DockerArguments.repoDigests(reference)), answer.succeeded else { return nil }
        return try? JSONDecoder().decode([String].self, from: answer.standardOutput)
    }

    func tag(_ source: String, as target: String, output: Command.Output) async throws -> ProcessOutput {
        try await change(DockerArguments.tag(source, target), output: output)
    }

    func access(to registry: String) async -> RegistryAccess {
        DockerArguments.access(to: registry, podman: await isPodman())
    }

    func login(_ access: RegistryAccess, user: String, password: String) async throws -> ProcessOutput {
        try await change(DockerArguments.login(access, user: user), output: .captured, input: Data(password.utf8))
    }

    func push(_ reference: String, _ access: RegistryAccess) async throws -> ProcessOutput {
        try await change(DockerArguments.push(reference, access))
    }

    func commandLine(_ operation: RegistryOperation, _ access: RegistryAccess) -> [String] {
        switch operation {
        case .login(let user): return [executable] + DockerArguments.login(access, user: user)
        case .tag(let source, let target): return [executable] + DockerArguments.tag(source, target)
        case .push(let reference): return [executable] + DockerArguments.push(reference, access)
        }
    }

    func run(_ options: RunOptions, echo: Echo) async throws -> ProcessOutput {
        let arguments = DockerArguments.run(options)
        if echo == .now { cli.console.command(Self.shown([executable] + arguments)) }
        return try await cli.run(
            arguments, echo: false, output: options.output, input: options.input, environment: options.namedValues)
    }

    func exec(_ options: ExecOptions) async throws -> ProcessOutput {
        try await cli.run(DockerArguments.exec(options), echo: false, output: .captured, environment: options.namedValues)
    }

    func containerState(_ container: String) async throws -> ContainerInspection {
        let answer = try await cli.query(DockerArguments.containerState(container))
        guard answer.succeeded else { return .missing(answer.errorText) }
        return .state(try ContainerState.parse(answer.standardOutput))
    }

    func copy(from container: String, path: String, to local: String) async throws -> Bool {
        try await cli.query(DockerArguments.copy(from: container, path: path, to: local)).succeeded
    }

    func logs(of container: String, tail: Int, echo: Bool) async throws -> ProcessOutput {
        try await cli.run(DockerArguments.logs(container, tail: tail), echo: echo, output: .captured)
    }

    func list(_ kind: EngineObject, _ query: ListQuery) async throws -> [String] {
        let arguments = DockerArguments.list(kind, query)
        let answer = try await cli.query(arguments)
        guard answer.succeeded else {
            throw WorkflowsError(.failed, "\(name) \(arguments.prefix(2).joined(separator: " ")) failed: \(answer.errorText)")
        }
        var seen = Set<String>()
        return answer.outputText.split(whereSeparator: \.isNewline).map { line in
            // Podman lists local images as localhost/NAME.
            query.tagsOf != nil && line.hasPrefix("localhost/") ? String(line.dropFirst("localhost/".count)) : String(line)
        }.filter { seen.insert($0).inserted }
    }

    func labels(of kind: EngineObject, _ ids: [String], keys: [String]) async throws -> [LabelValues] {
        guard !ids.isEmpty else { return [] }
        let answer = try await cli.query(DockerArguments.labels(of: kind, ids, keys: keys))
        // An item removed meanwhile makes inspect fail for it alone: the others are still answered.
        return answer.outputText.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == keys.count + 1 else { return nil }
            return LabelValues(id: fields[0], values: fields.dropFirst().map { $0 == "<no value>" ? "" : $0 })
        }
    }

    func remove(_ kind: EngineObject, _ ids: [String], force: Bool) async throws -> ProcessOutput {
        try await change(DockerArguments.remove(kind, ids, force: force), output: .captured)
    }


    func createVolume(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput {
        try await change(DockerArguments.createVolume(name, labels: labels), output: .captured)
    }

    func volumesExist(_ names: [String]) async throws -> Bool {
        try await cli.query(DockerArguments.volumesExist(names)).succeeded
    }

    func createNetwork(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput {
        try await change(DockerArguments.createNetwork(name, labels: labels), output: .captured)
    }

    func connect(_ container: String, to network: String, alias: String) async throws -> ProcessOutput {
        try await change(DockerArguments.connect(container, to: network, alias: alias), output: .captured)
    }

    func cleanup(using runner: any ProcessRunning) -> any EngineCleanup {
        DockerCleanup(executable: executable, runner: runner)
    }

    /// Runs a command that changes something, echoed.
    private func change(
        _ arguments: [String], output: Command.Output = .live, input: Data? = nil, workingDirectory: String? = nil,
        environment: [String: String] = [:], stoppedOutput: StoppedOutput? = nil
    ) async throws -> ProcessOutput {
        cli.console.command(Self.shown([executable] + arguments))
        return try await cli.run(
            arguments, echo: false, output: output, input: input, workingDirectory: workingDirectory, environment: environment,
            stoppedOutput: stoppedOutput)
    }

    /// The command line as echoed: an argument of several lines (a script for `python -c`) is shown by its
    /// size, so that the log keeps one line per command.
    static func shown(_ argv: [String]) -> [String] {
        argv.map { argument in
            let lines = argument.split(separator: "\n", omittingEmptySubsequences: false).count
            return lines > 1 ? "<script of \(lines) lines>" : argument
        }
    }
}

/// The engine's removals for cleanups, which run outside Swift concurrency (a signal may be ending the
/// run) with the cleanups' own runner; quiet and best effort.
protocol EngineCleanup: Sendable {
    func remove(_ kind: EngineObject, _ ids: [String], force: Bool)
    /// Logs out of `registry` even when the cleanups' runner gave up on the engine (it removes a
    /// credential): nil when it did, else what went wrong.
    func logout(_ registry: String) -> String?
    /// Removes the containers, images, volumes and networks that carry `label`, then the temporary `tags`.
    func removeEverything(labelled label: EngineLabel, tags: [String])
    /// Removes the containers that carry `label`, with their anonymous volumes: for a step that makes
    /// nothing else (the health container), without the slow listing of every image.
    func removeContainers(labelled label: EngineLabel)
    /// Removes `containers` (with their anonymous volumes), then `images` in their order, by name; then looks
    /// for containers that carry `label` (one started meanwhile) and sweeps as `removeEverything` if there
    /// is one, or if an image could not be removed.
    func removeKnown(labelled label: EngineLabel, containers: [String], images: [String])
    /// Removes what an interrupted build left that its output names (`BuildLeftovers`): its step's
    /// container, then those of its step images that are untagged (forced if they are still in use: Podman's
    /// build leaves its working containers on them).
    func removeInterruptedBuild(_ leftovers: BuildLeftovers)
}

extension EngineCleanup {
    func remove(_ kind: EngineObject, _ ids: [String]) { remove(kind, ids, force: true) }
    func removeEverything(labelled label: EngineLabel) { removeEverything(labelled: label, tags: []) }
}

/// `EngineCleanup` through the CLI, with the cleanups' runner.
struct DockerCleanup: EngineCleanup {
    var executable: String
    var runner: any ProcessRunning

    func remove(_ kind: EngineObject, _ ids: [String], force: Bool) {
        guard !ids.isEmpty else { return }
        _ = try? runner.runBlocking(Command(executable, DockerArguments.remove(kind, ids, force: force)))
    }

    func logout(_ registry: String) -> String? {
        do {
            let result = try runner.runEssential(Command(executable, DockerArguments.logout(registry)))
            return result.succeeded ? nil : "\(describe(result.termination)): \(result.errorText)"
        } catch {
            return "\(error)"
        }
    }

    /// Containers first (they hold images, volumes and networks), then the rest. After removing a container
    /// it looks once more for containers only (another may have been starting during the sweep) and sweeps
    /// again only if one did: a full second sweep costs the legacy engine a slow `image ls --all`.
    func removeEverything(labelled label: EngineLabel, tags: [String]) {
        sweep(label, kinds: EngineObject.allCases)
        if !tags.isEmpty { remove(.image, tags, force: false) }
    }

    func removeContainers(labelled label: EngineLabel) { sweep(label, kinds: [.container]) }

    func removeKnown(labelled label: EngineLabel, containers: [String], images: [String]) {
        remove(.container, containers)
        let removed = images.isEmpty
            || (try? runner.runBlocking(Command(executable, DockerArguments.remove(.image, images, force: false))))?.succeeded == true
        guard removed, listed(.container, label).isEmpty else { return removeEverything(labelled: label, tags: images) }
    }

    /// What carries `label`, each once (empty when the listing failed).
    private func listed(_ kind: EngineObject, _ label: EngineLabel) -> [String] {
        guard let answer = try? runner.runBlocking(Command(executable, DockerArguments.list(kind, ListQuery([.label(label)])))),
            answer.succeeded
        else { return [] }
        return Array(Set(answer.outputText.split(whereSeparator: \.isNewline).map(String.init))).sorted()
    }

    private func sweep(_ label: EngineLabel, kinds: [EngineObject]) {
        var containers = listed(.container, label)
        for pass in 1...3 {
            remove(.container, containers)
            for kind in kinds where kind != .container { remove(kind, listed(kind, label)) }
            guard !containers.isEmpty, pass < 3 else { break }
            containers = listed(.container, label)
            guard !containers.isEmpty else { break }
        }
    }

    func removeInterruptedBuild(_ leftovers: BuildLeftovers) {
        remove(.container, leftovers.containers)
        guard !leftovers.images.isEmpty,
            let answer = try? runner.runBlocking(
                Command(executable, DockerArguments.list(.image, ListQuery([.dangling], all: false)))),
            answer.succeeded
        else { return }
        let dangling = answer.outputText.split(whereSeparator: \.isNewline).map(String.init)
        let untagged = leftovers.untagged(among: dangling)
        guard !untagged.isEmpty else { return }
        let removed = try? runner.runBlocking(Command(executable, DockerArguments.remove(.image, untagged, force: false)))
        // Podman leaves its stopped build's working containers (storage containers, without our labels) on
        // the images it committed: only --force removes those with them.
        if removed?.succeeded != true { remove(.image, untagged, force: true) }
    }
}
