import Foundation

/// Which builder an engine's `build` uses, as the CLI decides it: what a Dockerfile and the project's
/// `build` keys may ask of it.
enum Builder: String, Sendable, Equatable {
    /// Docker's BuildKit (the buildx plugin): secrets, cache mounts, heredocs, targets.
    case buildKit = "BuildKit"
    /// Docker's legacy builder: no secrets, no `RUN --mount`.
    case legacy = "the legacy builder"
    /// Podman's (Buildah): secrets, cache mounts and targets too.
    case podman = "Podman's builder"

    /// The Docker CLI 23 and later builds with BuildKit when its buildx plugin answers `docker buildx version`
    /// and `DOCKER_BUILDKIT` is not false. An older CLI (`clientMajor` below 23) has its BuildKit client built
    /// in, buildx or not: it follows `DOCKER_BUILDKIT` when it is set, else the engine's default builder,
    /// which is BuildKit from Docker 23 on (`serverMajor`). An unknown client version is read as a current CLI.
    static func detect(
        podman: Bool, buildxAnswers: Bool, clientMajor: Int? = nil, serverMajor: Int? = nil, environment: [String: String]
    ) -> Builder {
        if podman { return .podman }
        if let clientMajor, clientMajor < 23 {
            if !(environment["DOCKER_BUILDKIT"] ?? "").isEmpty { return enabledByEnvironment(environment) ? .buildKit : .legacy }
            return (serverMajor ?? 0) >= 23 ? .buildKit : .legacy
        }
        return buildxAnswers && !disabledByEnvironment(environment) ? .buildKit : .legacy
    }

    /// The major version in the CLI's `--version` line (`Docker version 20.10.24+dfsg1, build 297e128` is 20).
    static func major(ofVersion line: String) -> Int? {
        guard let version = line.range(of: "version ") else { return nil }
        return Int(line[version.upperBound...].prefix { $0.isNumber })
    }

    /// `DOCKER_BUILDKIT` set to a value Go's `strconv.ParseBool` reads as true.
    static func enabledByEnvironment(_ environment: [String: String]) -> Bool {
        ["1", "t", "T", "true", "TRUE", "True"].contains(environment["DOCKER_BUILDKIT"] ?? "")
    }

    /// `DOCKER_BUILDKIT` as the CLI reads it (Go's `strconv.ParseBool`): `0`, `f`, `false` (any case the
    /// CLI takes) turn BuildKit off; unset or empty leave it on.
    static func disabledByEnvironment(_ environment: [String: String]) -> Bool {
        ["0", "f", "F", "false", "FALSE", "False"].contains(environment["DOCKER_BUILDKIT"] ?? "")
    }

    /// What the project asks that only BuildKit (or Podman) builds, for a message: its `build.secrets`,
    /// and the Dockerfile's `RUN --mount` lines (which the legacy builder always refuses). Empty: nothing.
    static func needs(project: Project, dockerfile: String) -> [String] {
        var needs: [String] = []
        if !project.build.secrets.isEmpty {
            let origin = project.origins["build.secrets"].map { " (\($0))" } ?? ""
            needs.append("build.secrets\(origin): " + project.build.secrets.keys.sorted().joined(separator: ", "))
        }
        let mounts = BuildKitFeatures(dockerfile: dockerfile).uses.filter { $0.feature == "RUN --mount" }
        if !mounts.isEmpty {
            needs.append("RUN --mount at " + mounts.map { "\(project.dockerfile):\($0.line)" }.joined(separator: ", "))
        }
        return needs
    }

    /// The failure of a build that needs BuildKit on the legacy builder, before anything runs.
    static func legacyError(needs: [String], image: String) -> WorkflowsError {
        WorkflowsError(
            .tooling,
            "Building \(image) needs BuildKit (\(needs.joined(separator: "; "))), but the engine's CLI builds with "
                + "the legacy builder, which has no build secrets and no RUN --mount. Nothing was built.",
            remedy: enableBuildKit + "; or use Podman (WORKFLOWS_DOCKER=podman).")
    }

    /// How to make the Docker CLI build with BuildKit, for the messages of builds that need it.
    static let enableBuildKit = "Enable BuildKit: with a Docker CLI older than 23 (docker --version), set "
        + "DOCKER_BUILDKIT=1; with Docker 23 or later, install the buildx plugin (Debian and Ubuntu: docker-buildx "
        + "or docker-buildx-plugin), which then builds by default, and leave DOCKER_BUILDKIT unset or 1 "
        + "(DOCKER_BUILDKIT=0 forces the legacy builder)"
}

/// The images a build made that its output names, so that the build can remove the untagged ones it
/// leaves: the legacy builder's last image of each earlier stage of a multi-stage build, and a failed or
/// interrupted build's last layers. Images from the cache and a stage's base (`FROM`) are not the build's
/// own. An interrupted legacy build may also leave the container of the step it was at.
struct BuildLeftovers: Sendable, Equatable {
    /// Short IDs of the images it made (`imagesMade(by:)`).
    var images: [String]
    /// The container of the last step the legacy builder began (` ---> Running in ID`), if any.
    var containers: [String]

    init(output: String) {
        images = Self.imagesMade(by: output)
        var running: String?
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("---> Running in ") {
                running = String(line.dropFirst("---> Running in ".count))
            } else if let id = running,
                line == "Removing intermediate container \(id)" || line == "---> Removed intermediate container \(id)"
            {
                // Docker 20.10's legacy builder prints the first, Docker 23's and later the second.
                running = nil
            }
        }
        containers = running.map { [$0] } ?? []
    }

    /// The `dangling` image IDs (short or full, with or without `sha256:`) that are among `images`.
    func untagged(among dangling: [String]) -> [String] {
        dangling.filter { id in
            let bare = id.replacingOccurrences(of: "sha256:", with: "")
            return images.contains { bare.hasPrefix($0) }
        }
    }

    /// Short (12-hex) IDs, in order. The legacy builder prints `Step N/M : INSTRUCTION …`, then ` ---> Using
    /// cache` for a cached step, and ` ---> ID` for the step's image; Podman `STEP N/M: INSTRUCTION …`,
    /// `--> Using cache ID` and `--> ID`. BuildKit makes no image per step, and prints none of these.
    static func imagesMade(by output: String) -> [String] {
        var made: [String] = []
        var instruction = ""
        var cached = false
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let step = line.range(of: #"^(Step|STEP) \d+/\d+ ?: ?"#, options: .regularExpression) {
                instruction = String(line[step.upperBound...].prefix { $0 != " " }).uppercased()
                cached = false
            } else if line.hasPrefix("---> Using cache") || line.hasPrefix("--> Using cache") {
                cached = true
            } else if let id = line.range(of: #"^-{2,3}> [0-9a-f]{11,64}$"#, options: .regularExpression) {
                let hex = line[id].drop { $0 != " " }.dropFirst()
                if instruction != "FROM", !cached { made.append(String(hex.prefix(12))) }
                instruction = ""
            }
        }
        return made
    }
}
