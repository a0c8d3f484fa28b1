import Foundation

/// The `docker` CLI, run through the injected runner. Commands that change something are echoed with
/// `==>> `; queries (inspect, ps, polls) are not, so that the log shows what a person would type.
struct DockerCLI: Sendable {
    static let runLabelKey = "workflows.run"
    static let ownerLabelKey = "workflows.owner"

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
        workingDirectory: String? = nil, environment: [String: String] = [:]
    ) async throws -> ProcessOutput {
        if echo { console.command([executable] + arguments) }
        do {
            return try await runner.run(
                Command(
                    executable, arguments, environment: environment, workingDirectory: workingDirectory,
                    standardInput: input, output: output))
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

    /// Fails with a readable paragraph unless an engine answers. `activity`: what was going on when it
    /// was asked mid-step (the engine then stopped answering), for the message.
    func requireEngine(while activity: String? = nil) async throws {
        let answer = try await query(["version", "--format", "{{.Server.Version}}"])
        guard answer.succeeded, !answer.outputText.isEmpty else {
            let detail = answer.errorText.split(separator: "\n").last.map(String.init) ?? "no answer"
            let what = activity.map { "stopped answering while \($0)" } ?? "does not answer"
            throw WorkflowsError(
                .tooling, "The engine behind \(name) \(what) (\(detail)).",
                remedy: "Start Docker (on this project's Debian machines: scripts/provision.sh), "
                    + "or point DOCKER_HOST or DOCKER_CONTEXT at an engine that runs.")
        }
    }

    /// True when the CLI is Podman (or Podman's `docker` shim), which needs a few flags of its own.
    func isPodman() async -> Bool {
        guard let answer = try? await query(["--version"]) else { return false }
        return (answer.outputText + answer.errorText).lowercased().contains("podman")
    }

    /// Podman verifies TLS even for a registry on loopback, which Docker lets speak plain HTTP.
    func registryFlags(for registry: String, podman: Bool) -> [String] {
        let host = registry.split(separator: ":").first.map(String.init) ?? registry
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
        return podman && loopback ? ["--tls-verify=false"] : []
    }

    /// The image's ID (`sha256:…`, also from Podman), or nil when the engine has no such image.
    func imageID(_ image: String) async throws -> String? {
        try await ImageConfig.find(image, docker: self)?.id
    }

    /// Removes the containers, images and volumes that carry `label`, then the temporary `tags`; quiet, best
    /// effort. Sweeps again after removing a container: another may have been starting during the sweep.
    static func removeEverything(
        labelled label: String, tags: [String], executable: String, runner: any ProcessRunning
    ) {
        let queries: [(list: [String], remove: [String])] = [
            (["ps", "--all", "--quiet", "--filter", "label=\(label)"], ["rm", "--force", "--volumes"]),
            // --all: an interrupted legacy build leaves labelled intermediate images that hold their parents.
            (["image", "ls", "--all", "--quiet", "--filter", "label=\(label)"], ["image", "rm", "--force"]),
            (["volume", "ls", "--quiet", "--filter", "label=\(label)"], ["volume", "rm", "--force"]),
        ]
        for _ in 0..<3 {
            var removedContainers = false
            for (index, query) in queries.enumerated() {
                guard let answer = try? runner.runBlocking(Command(executable, query.list)), answer.succeeded else {
                    continue
                }
                let ids = Array(Set(answer.outputText.split(whereSeparator: \.isNewline).map(String.init)))
                guard !ids.isEmpty else { continue }
                _ = try? runner.runBlocking(Command(executable, query.remove + ids.sorted()))
                if index == 0 { removedContainers = true }
            }
            if !removedContainers { break }
        }
        if !tags.isEmpty { _ = try? runner.runBlocking(Command(executable, ["image", "rm"] + tags)) }
    }

    static func notFound(_ executable: String, _ error: ProcessLaunchError) -> WorkflowsError {
        WorkflowsError(
            .tooling, "Cannot run the container CLI: \(error)",
            remedy: "Install Docker (https://docs.docker.com/engine/install/), or set WORKFLOWS_DOCKER to a "
                + "docker-compatible CLI such as podman. Now: WORKFLOWS_DOCKER=\(executable).")
    }
}
