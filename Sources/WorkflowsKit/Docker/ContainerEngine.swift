import Foundation

/// What the steps ask of a container engine, in types: options in, typed answers out. A command whose
/// output the caller needs returns its `ProcessOutput`, a non-zero exit included (a result, not a throw);
/// a throw is for an engine that cannot be run at all, or for a listing that failed. Every operation that
/// changes something is echoed (`==>> …`) by the implementation, unless `echo` hands that to the caller;
/// queries are not. `DockerEngine` is the implementation; `DockerArguments` its argument vectors.
protocol ContainerEngine: Sendable {
    /// The CLI's name for messages: `docker`, `podman`.
    var name: String { get }
    /// The CLI as given (`WORKFLOWS_DOCKER`), for the command lines shown.
    var executable: String { get }

    // The engine itself
    /// Fails with a readable paragraph unless an engine answers. `activity`: what was going on when it
    /// was asked mid-step (the engine then stopped answering), for the message.
    func requireEngine(while activity: String?) async throws
    /// True when the CLI is Podman (or Podman's `docker` shim).
    func isPodman() async -> Bool
    /// The engine's CPUs, nil when it does not say.
    func cpuCount() async -> Int?
    /// Which builder `build` uses, as the CLI decides it in `environment` (`DOCKER_BUILDKIT`).
    func builder(environment: [String: String]) async -> Builder

    // Images
    func build(_ options: BuildOptions) async throws -> ProcessOutput
    /// nil when the engine has no such image.
    func inspectImage(_ reference: String) async throws -> ImageConfig?
    /// The registry digests (`REPOSITORY@sha256:…`) the engine recorded for the image, nil when unknown.
    func repoDigests(of reference: String) async -> [String]?
    func tag(_ source: String, as target: String, output: Command.Output) async throws -> ProcessOutput
    /// How to speak to `registry` (Podman's differences, decided once).
    func access(to registry: String) async -> RegistryAccess
    func login(_ access: RegistryAccess, user: String, password: String) async throws -> ProcessOutput
    func push(_ reference: String, _ access: RegistryAccess) async throws -> ProcessOutput
    /// The command line a registry operation would run, for a dry run.
    func commandLine(_ operation: RegistryOperation, _ access: RegistryAccess) -> [String]

    // Containers
    func run(_ options: RunOptions, echo: Echo) async throws -> ProcessOutput
    /// A command in a running container: not echoed (a probe is a query; a gate is shown by its caller,
    /// with its output).
    func exec(_ options: ExecOptions) async throws -> ProcessOutput
    func containerState(_ container: String) async throws -> ContainerInspection
    /// Copies a file out of a container (works against a remote engine too); true when it was copied.
    func copy(from container: String, path: String, to local: String) async throws -> Bool
    func logs(of container: String, tail: Int, echo: Bool) async throws -> ProcessOutput

    // Anything the engine keeps
    /// The IDs (volumes and networks: names) of what matches, each once, in the engine's order.
    func list(_ kind: EngineObject, _ query: ListQuery) async throws -> [String]
    /// For each of `ids` the engine still has: its ID (volumes: name) and the values of `keys` ("" when absent).
    func labels(of kind: EngineObject, _ ids: [String], keys: [String]) async throws -> [LabelValues]
    func remove(_ kind: EngineObject, _ ids: [String], force: Bool) async throws -> ProcessOutput
    /// Prunes the engine's build cache (BuildKit's, `RUN --mount=type=cache` folders included), which the
    /// user's own builds share.
    func pruneBuildCache() async throws -> ProcessOutput

    // Volumes and networks
    func createVolume(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput
    /// True when every one of `names` exists.
    func volumesExist(_ names: [String]) async throws -> Bool
    func createNetwork(_ name: String, labels: [EngineLabel]) async throws -> ProcessOutput
    /// Joins a running container to `network`, reachable there as `alias` (a shared service).
    func connect(_ container: String, to network: String, alias: String) async throws -> ProcessOutput

    /// The same engine for cleanups, which run outside Swift concurrency with the cleanups' own runner.
    func cleanup(using runner: any ProcessRunning) -> any EngineCleanup
}

extension ContainerEngine {
    func requireEngine() async throws { try await requireEngine(while: nil) }

    /// `command` in `container`, as its user, in its working directory, with its environment.
    func exec(in container: String, _ command: [String]) async throws -> ProcessOutput {
        try await exec(ExecOptions(container: container, command: command))
    }

    /// The image's ID (`sha256:…`, also from Podman), or nil when the engine has no such image.
    func imageID(_ image: String) async throws -> String? { try await inspectImage(image)?.id }
}

/// What the engine keeps, by kind.
enum EngineObject: String, Sendable, CaseIterable {
    case container, image, volume, network
}

/// Who echoes a `run`: the engine at once, or the caller, which shows the command with its output
/// (`GateRun.command`).
enum Echo: Sendable, Equatable {
    case now
    case byCaller
}

enum EngineFilter: Sendable, Equatable {
    /// Carries the label `key`, whatever its value.
    case labelled(String)
    /// Carries `label`.
    case label(EngineLabel)
    /// An image no tag names.
    case dangling
}

/// What `list` asks for.
struct ListQuery: Sendable, Equatable {
    var filters: [EngineFilter] = []
    /// Images: also intermediate ones (an interrupted legacy build's labelled layers hold their parents);
    /// containers: also stopped ones. Ignored for volumes and networks.
    var all = true
    /// Images: only this repository's, listed as `REPOSITORY:TAG` instead of by ID (Podman's `localhost/` left out).
    var tagsOf: String?

    init(_ filters: [EngineFilter] = [], all: Bool = true, tagsOf: String? = nil) {
        self.filters = filters
        self.all = all
        self.tagsOf = tagsOf
    }
}

struct LabelValues: Sendable, Equatable {
    var id: String
    var values: [String]
}

/// `docker container inspect` of one container.
enum ContainerInspection: Sendable, Equatable {
    case state(ContainerState)
    /// The engine has no such container (or did not answer): what it said.
    case missing(String)
}

/// A variable of a container's environment.
struct ContainerVariable: Sendable, Equatable {
    var name: String
    /// nil: passed by name (`--env NAME`), its value taken from the CLI's own environment, so that no
    /// argument vector holds it (a secret).
    var value: String?

    init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    /// `NAME=VALUE` (a value may hold `=`); a bare `NAME` is passed by name.
    init(assignment: String) {
        let name = String(assignment.prefix { $0 != "=" })
        self.init(name, assignment.count > name.count ? String(assignment.dropFirst(name.count + 1)) : nil)
    }
}

/// A volume mounted into a container.
struct VolumeMount: Sendable, Equatable {
    var volume: String
    var target: String
    var readOnly = false

    init(_ volume: String, at target: String, readOnly: Bool = false) {
        self.volume = volume
        self.target = target
        self.readOnly = readOnly
    }
}

/// A container's HEALTHCHECK, given on `run`; durations in whole seconds.
struct HealthcheckOptions: Sendable, Equatable {
    /// Run by the engine with `/bin/sh -c`.
    var command: String
    var interval: Int
    var timeout: Int
    var retries: Int
    var startPeriod: Int
}

struct RunOptions: Sendable, Equatable {
    var image: String
    /// What follows the image: the entrypoint's (or command's) arguments.
    var arguments: [String] = []
    var name: String?
    var detach = false
    /// Removed when it ends (`--rm`).
    var remove = false
    /// Keeps stdin open, for `input`.
    var interactive = false
    var user: String?
    var labels: [EngineLabel] = []
    var mounts: [VolumeMount] = []
    var environment: [ContainerVariable] = []
    var workingDirectory: String?
    var entrypoint: String?
    var healthcheck: HealthcheckOptions?
    /// Runs none, not even the image's own (`--no-healthcheck`).
    var noHealthcheck = false
    var network: String?
    var networkAlias: String?
    /// Written to the container's stdin (with `interactive`).
    var input: Data?
    /// The values of variables passed by name, added to the CLI's environment.
    var namedValues: [String: String] = [:]
    var output: Command.Output = .captured
}

/// `docker exec`: a command beside the container's own, as the container's user.
struct ExecOptions: Sendable, Equatable {
    var container: String
    /// The program and its arguments.
    var command: [String]
    var environment: [ContainerVariable] = []
    /// nil: the container's.
    var workingDirectory: String?
    /// The values of variables passed by name, added to the CLI's environment.
    var namedValues: [String: String] = [:]
}

struct BuildOptions: Sendable, Equatable {
    /// The build context: a folder.
    var context: String
    var dockerfile: String?
    var tags: [String] = []
    var noCache = false
    /// Removes the intermediate containers also when the build fails.
    var forceRemove = true
    /// Where the engine writes the image's ID.
    var imageIDFile: String?
    var workingDirectory: String?
    var output: Command.Output = .live
    /// `--build-arg`: a nil value goes by name (`--build-arg NAME`), from `namedValues`: a secret.
    var arguments: [ContainerVariable] = []
    /// `--target`: the stage to build.
    var target: String?
    /// `--platform`.
    var platform: String?
    /// `--secret`: BuildKit and Podman only.
    var secrets: [BuildSecret] = []
    /// The values of arguments passed by name, added to the CLI's environment.
    var namedValues: [String: String] = [:]
    /// Where the output of a build that cancellation stopped is left, to clean up after it.
    var stoppedOutput: StoppedOutput?
}

/// A build secret: its name (`RUN --mount=type=secret,id=NAME`) and where the CLI reads its value.
struct BuildSecret: Sendable, Equatable {
    var id: String
    /// An environment variable of the CLI's (`env=`), or an absolute file path (`src=`).
    var source: BuildInputs.SecretSource

    init(_ id: String, _ source: BuildInputs.SecretSource) {
        self.id = id
        self.source = source
    }
}

/// How to speak to a registry: Podman verifies TLS even for one on loopback, which Docker lets speak
/// plain HTTP.
struct RegistryAccess: Sendable, Equatable {
    var registry: String
    var verifyTLS = true

    init(_ registry: String, verifyTLS: Bool = true) {
        self.registry = registry
        self.verifyTLS = verifyTLS
    }
}

enum RegistryOperation: Sendable, Equatable {
    case login(user: String)
    case tag(source: String, target: String)
    case push(String)
}
