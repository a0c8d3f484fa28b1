import Foundation

/// The argument vectors of the `docker` CLI (and of Podman's, which takes the same), one function per
/// operation of `ContainerEngine`, with the CLI's documented flags
/// (https://docs.docker.com/reference/cli/docker/). Pure: `DockerEngine` runs them. Podman's differences
/// are here and nowhere else: `--tls-verify=false` for a registry on loopback (`RegistryAccess`).
enum DockerArguments {
    static func version() -> [String] { ["version", "--format", "{{.Server.Version}}"] }
    static func clientVersion() -> [String] { ["--version"] }
    static func cpuCount() -> [String] { ["info", "--format", "{{.NCPU}}"] }

    static func build(_ options: BuildOptions) -> [String] {
        var arguments = ["build"]
        if options.noCache { arguments.append("--no-cache") }
        if options.forceRemove { arguments.append("--force-rm") }
        for tag in options.tags { arguments += ["--tag", tag] }
        if let file = options.imageIDFile { arguments += ["--iidfile", file] }
        if let dockerfile = options.dockerfile { arguments += ["--file", dockerfile] }
        for argument in options.arguments {
            arguments += ["--build-arg", argument.value.map { "\(argument.name)=\($0)" } ?? argument.name]
        }
        if let target = options.target { arguments += ["--target", target] }
        if let platform = options.platform { arguments += ["--platform", platform] }
        for secret in options.secrets {
            switch secret.source {
            case .environment(let variable): arguments += ["--secret", "id=\(secret.id),env=\(variable)"]
            case .file(let path): arguments += ["--secret", "id=\(secret.id),src=\(path)"]
            }
        }
        return arguments + [options.context]
    }

    /// Answers only where the buildx plugin is installed (`DOCKER_CONFIG`'s or the system's cli-plugins).
    static func buildxVersion() -> [String] { ["buildx", "version"] }
    /// Without `--all`: the cache that no image or running build uses.
    static func pruneBuildCache() -> [String] { ["builder", "prune", "--force"] }

    /// The whole JSON answer: no `--format` template, which differs between Docker and Podman and fails on
    /// an image without a `HEALTHCHECK` (`ImageConfig.parse`).
    static func inspectImage(_ reference: String) -> [String] { ["image", "inspect", reference] }
    static func repoDigests(_ reference: String) -> [String] {
        ["image", "inspect", "--format", "{{json .RepoDigests}}", reference]
    }
    static func tag(_ source: String, _ target: String) -> [String] { ["tag", source, target] }
    static func push(_ reference: String, _ access: RegistryAccess) -> [String] {
        ["push"] + registryFlags(access) + [reference]
    }
    /// The password goes on stdin, never in the argument vector.
    static func login(_ access: RegistryAccess, user: String) -> [String] {
        ["login"] + registryFlags(access) + ["--username", user, "--password-stdin", access.registry]
    }
    static func logout(_ registry: String) -> [String] { ["logout", registry] }

    static func registryFlags(_ access: RegistryAccess) -> [String] {
        access.verifyTLS ? [] : ["--tls-verify=false"]
    }

    /// Podman verifies TLS even for a registry on loopback, which Docker lets speak plain HTTP.
    static func access(to registry: String, podman: Bool) -> RegistryAccess {
        // `[::1]:5000` is an IPv6 host with a port: the host ends at its bracket.
        let host = registry.hasPrefix("[")
            ? String(registry.prefix { $0 != "]" }) + "]"
            : registry.split(separator: ":").first.map(String.init) ?? registry
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
        return RegistryAccess(registry, verifyTLS: !(podman && loopback))
    }

    static func run(_ options: RunOptions) -> [String] {
        var arguments = ["run"]
        if options.detach { arguments.append("--detach") }
        if options.remove { arguments.append("--rm") }
        if options.interactive { arguments.append("--interactive") }
        if let name = options.name { arguments += ["--name", name] }
        if let user = options.user { arguments += ["--user", user] }
        arguments += labels(options.labels)
        for mount in options.mounts {
            // `ro`, not `readonly`: Podman 4 refuses the latter.
            arguments += ["--mount", "type=volume,source=\(mount.volume),target=\(mount.target)" + (mount.readOnly ? ",ro" : "")]
        }
        arguments += environment(options.environment)
        if let directory = options.workingDirectory { arguments += ["--workdir", directory] }
        if let network = options.network { arguments += ["--network", network] }
        if let alias = options.networkAlias { arguments += ["--network-alias", alias] }
        if options.noHealthcheck { arguments.append("--no-healthcheck") }
        if let health = options.healthcheck {
            arguments += [
                "--health-cmd", health.command, "--health-interval", "\(health.interval)s",
                "--health-timeout", "\(health.timeout)s", "--health-retries", "\(health.retries)",
                "--health-start-period", "\(health.startPeriod)s",
            ]
        }
        if let entrypoint = options.entrypoint { arguments += ["--entrypoint", entrypoint] }
        return arguments + [options.image] + options.arguments
    }

    static func environment(_ variables: [ContainerVariable]) -> [String] {
        variables.flatMap { variable in ["--env", variable.value.map { "\(variable.name)=\($0)" } ?? variable.name] }
    }

    static func labels(_ labels: [EngineLabel]) -> [String] { labels.flatMap { ["--label", $0.description] } }

    static func exec(_ options: ExecOptions) -> [String] {
        var arguments = ["exec"] + environment(options.environment)
        if let directory = options.workingDirectory { arguments += ["--workdir", directory] }
        return arguments + [options.container] + options.command
    }
    static func containerState(_ container: String) -> [String] {
        ["container", "inspect", "--format", "{{json .State}}", container]
    }
    static func copy(from container: String, path: String, to local: String) -> [String] {
        ["cp", "\(container):\(path)", local]
    }
    static func logs(_ container: String, tail: Int) -> [String] { ["logs", "--tail", "\(tail)", container] }

    static func list(_ kind: EngineObject, _ query: ListQuery) -> [String] {
        var arguments: [String]
        switch kind {
        case .container: arguments = ["ps"] + (query.all ? ["--all"] : [])
        case .image: arguments = ["image", "ls"] + (query.all && query.tagsOf == nil ? ["--all"] : [])
        case .volume: arguments = ["volume", "ls"]
        case .network: arguments = ["network", "ls"]
        }
        if kind == .image, query.tagsOf != nil {
            arguments += ["--format", "{{.Repository}}:{{.Tag}}"]
        } else {
            arguments.append("--quiet")
        }
        arguments += filters(query.filters)
        if kind == .image, let repository = query.tagsOf { arguments.append(repository) }
        return arguments
    }

    static func filters(_ filters: [EngineFilter]) -> [String] {
        filters.flatMap { filter -> [String] in
            switch filter {
            case .labelled(let key): return ["--filter", "label=\(key)"]
            case .label(let label): return ["--filter", "label=\(label)"]
            case .dangling: return ["--filter", "dangling=true"]
            }
        }
    }

    /// `inspect` with a template that prints, per item, its ID (a volume's or network's: its name) and
    /// the values of `keys`, separated by spaces (`<no value>` where a label is absent).
    static func labels(of kind: EngineObject, _ ids: [String], keys: [String]) -> [String] {
        // Volumes and networks have a name and top-level labels; containers and images an ID and labels in
        // their config.
        let (id, labels) = kind == .volume || kind == .network ? ("{{.Name}}", ".Labels") : ("{{.Id}}", ".Config.Labels")
        let format = ([id] + keys.map { "{{index \(labels) \"\($0)\"}}" }).joined(separator: " ")
        return [kind.rawValue, "inspect", "--format", format] + ids
    }

    /// Removes `ids`; `force` also removes a running container (and its anonymous volumes), an image
    /// that tags or containers hold, a volume in use by a stopped container.
    static func remove(_ kind: EngineObject, _ ids: [String], force: Bool) -> [String] {
        switch kind {
        case .container: return ["rm"] + (force ? ["--force", "--volumes"] : []) + ids
        case .image: return ["image", "rm"] + (force ? ["--force"] : []) + ids
        case .volume: return ["volume", "rm"] + (force ? ["--force"] : []) + ids
        case .network: return ["network", "rm"] + ids
        }
    }

    static func createVolume(_ name: String, labels: [EngineLabel]) -> [String] {
        ["volume", "create"] + self.labels(labels) + [name]
    }
    static func volumesExist(_ names: [String]) -> [String] { ["volume", "inspect", "--format", "{{.Name}}"] + names }
    static func createNetwork(_ name: String, labels: [EngineLabel]) -> [String] {
        ["network", "create"] + self.labels(labels) + [name]
    }
    static func connect(_ container: String, to network: String, alias: String) -> [String] {
        ["network", "connect", "--alias", alias, network, container]
    }
}
