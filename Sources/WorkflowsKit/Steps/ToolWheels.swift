import Foundation

/// While the app image builds, the wheels the gates' tools need are downloaded in a container of the
/// image's base image (the Dockerfile's last stage's `FROM`: the same Python and platform) into a volume of
/// the run, constrained to the versions the runtime requirements pin. The install after the build then
/// reads them locally (`GateTools`), and asks the index only when the built image's own versions want one
/// that is not there. An optimisation only: skipped when a sealed install already exists for the same base
/// image and requirements, or when the base image is not on the engine yet (the build pulls it); a failed
/// download is reported, and the install asks the index.
struct ToolWheels: Sendable {
    /// Where the wheels are, in the download's container and in the install's.
    static let folder = "/tmp/workflows-wheels"
    static let format = "1"

    var project: Project
    var docker: any ContainerEngine
    /// Scoped to the download (`RUN-wheels`): its container and volume carry that label.
    var resources: RunResources

    enum Outcome: Sendable, Equatable {
        case ready(volume: String)
        case skipped
        case failed(String)

        var volume: String? { if case .ready(let volume) = self { volume } else { nil } }
    }

    /// A download under way beside the build.
    struct Prefetch: Sendable {
        var task: Task<Fetched, Never>

        /// Waits for the download; a waiter that is cancelled (a signal) cancels the download too.
        func fetched() async -> Fetched {
            await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        }
    }

    /// What the download did, and `ToolWheels.key` (what the wheels depend on) when it is known.
    struct Fetched: Sendable, Equatable {
        var key: String?
        var outcome: Outcome
    }

    /// Starts the download beside the caller, which goes on at once: it first checks whether there is
    /// anything to gain (see the type's comment). Raises `started` before it makes anything the run's
    /// cleanup must remove.
    func start(marking started: OnceFlag) -> Prefetch {
        Prefetch(task: Task {
            guard !project.gates.isEmpty, let base = Self.baseImage(project),
                let key = await Self.key(project: project, docker: docker)
            else {
                return Fetched(key: nil, outcome: .skipped)
            }
            let sealed = try? await docker.list(.volume, ListQuery([.label(EngineLabel(EngineLabels.prefetchKey, key))]))
            guard let sealed, sealed.isEmpty, !Task.isCancelled else {
                return Fetched(key: key, outcome: .skipped)
            }
            started.raise()
            return Fetched(key: key, outcome: await download(from: base))
        })
    }

    /// The volume this run's download uses: removed with the run's `RUN-wheels` label.
    var volume: String { "workflows-wheels-\(resources.runID)" }

    private func download(from base: String) async -> Outcome {
        do {
            let spec = try downloadSpec()
            let created = try await docker.createVolume(volume, labels: resources.labels)
            guard created.succeeded else { return .failed("volume create: \(created.errorText)") }
            let answer = try await docker.run(
                RunOptions(
                    image: base, arguments: ["-c", Self.downloadScript], remove: true, interactive: true, user: "root",
                    labels: resources.labels, mounts: [VolumeMount(volume, at: Self.folder)], entrypoint: "python3",
                    input: spec),
                echo: .now)
            guard answer.succeeded else {
                let last = (answer.errorText + "\n" + answer.outputText).split(whereSeparator: \.isNewline).last
                return .failed(last.map(String.init) ?? "pip download failed")
            }
            return .ready(volume: volume)
        } catch {
            return .failed("\(error)")
        }
    }

    /// The test requirements (with what they include), the tools, and the runtime requirements' exact pins
    /// (then the lock's) as constraints, so that a dependency the app shares with a tool comes in the app's version.
    func downloadSpec() throws -> Data {
        let runtime = project.runtimeRequirements.flatMap { try? String(contentsOf: project.path($0), encoding: .utf8) }
        let runtimePins = runtime.map(Self.exactPins) ?? []
        let runtimeNames = Set(runtimePins.compactMap(Requirements.distribution(in:)))
        let lockPins = project.testDependencies.lockPins.filter {
            Requirements.distribution(in: $0).map { !runtimeNames.contains($0) } ?? false
        }
        return try ToolInputs.json(DownloadSpec(
            files: try ToolInputs.files(of: project), requirements: ToolInputs.requirements(of: project), tools: project.tools,
            pins: runtimePins + lockPins, destination: Self.folder))
    }

    struct DownloadSpec: Codable, Equatable {
        var files: [String: String]
        var requirements: [String]
        var tools: [String]
        var pins: [String]
        var destination: String
    }

    /// The `name==version` lines of a requirements file: what can serve as a constraint.
    static func exactPins(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let requirement = line.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard requirement.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?\s*==\s*[A-Za-z0-9.+!*_-]+$"#,
                                    options: .regularExpression) != nil else { return nil }
            // Extras do not belong in a constraint.
            return requirement.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: " ", with: "")
        }
    }

    /// Run with `python3`, which official and Debian images both have; pip from the base image, else a pip
    /// wheel of our own (`ToolInputs.pipFinder`): a base image made for a virtual environment may have none.
    static let downloadScript = ToolInputs.prelude + #"""
        write_constraints(merged_pins([], spec["pins"]))
        command = pip_launcher(work) + ["download", "--quiet", "--no-cache-dir", "--disable-pip-version-check",
                              "--dest", spec["destination"], "--constraint", os.path.join(work, "constraints.txt"),
                              *spec["tools"]]
        for requirement in spec["requirements"]:
            command += ["--requirement", os.path.join(work, requirement)]
        sys.exit(subprocess.call(command))
        """#

    /// What the wheels depend on: the base image's ID and the requirement files, or nil when the base image
    /// is unknown (not on the engine, an `ARG` in its name, `scratch`).
    static func key(project: Project, docker: any ContainerEngine) async -> String? {
        guard let base = baseImage(project), let id = try? await docker.imageID(base) else { return nil }
        var material = "format \(format)\nbase \(id)\ntools \(project.tools.joined(separator: " "))\n"
            + ToolInputs.keyMaterial(of: project)
        for file in project.requirementFiles + [project.runtimeRequirements].compactMap({ $0 }) {
            guard let contents = try? Data(contentsOf: project.path(file)) else { return nil }
            material += "file \(file) \(SHA256.hex(contents))\n"
        }
        return String(SHA256.hex(Data(material.utf8)).prefix(20))
    }

    static func baseImage(_ project: Project) -> String? {
        guard let text = try? String(contentsOf: project.path(project.dockerfile), encoding: .utf8) else { return nil }
        return DockerfileStages.finalBase(of: text)
    }
}
