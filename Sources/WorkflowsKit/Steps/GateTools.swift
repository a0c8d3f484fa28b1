import Foundation

/// The gates' tools, installed once into a volume of the engine and reused by every later run: keyed by
/// what decides them (the test requirements' text, the tools pinned nowhere, the image's Python, platform,
/// user and installed distributions), so that a `--no-cache` rebuild of an unchanged app reuses them and a
/// changed requirement installs new ones. Never in the production image, no bind mounts (a volume lives in
/// the engine, remote ones too); everything labelled `workflows.cache=gate-tools`, which
/// `workflows clean --caches` removes.
///
/// A run installs into a volume of its own (`workflows-gate-tools-KEY-RUN`) and then seals it: a second,
/// empty volume named for the key (`workflows-gate-tools-KEY`) whose label names the first. Only a sealed
/// install is ever reused, so a run killed mid-install leaves nothing that a later run trusts, and two runs
/// installing at once do not write into the same folder (the one that seals second uses the first one's
/// tools and removes its own).
struct GateTools: Sendable {
    static let namePrefix = "workflows-gate-tools-"
    static let cachesPrefix = "workflows-gate-caches-"
    /// Where the gates mount the tools (read-only).
    static let folder = "/tmp/workflows-gates"
    /// Where every gate mounts the caches the runs of a key share (read-write): mypy's incremental cache
    /// and Python's bytecode (`PYTHONPYCACHEPREFIX`), both named by `AssessImageCode.environment`.
    static let cachesFolder = "/tmp/workflows-shared"
    static var mypyCacheFolder: String { cachesFolder + "/mypy" }
    static var bytecodeFolder: String { cachesFolder + "/pycache" }
    /// Bumped when the tools' layout changes, so that old caches are not reused.
    static let format = "2"

    var project: Project
    var docker: any ContainerEngine
    var console: Console
    var resources: RunResources

    /// The prepared tools: the volume every gate mounts read-only, and the caches for this key, which the
    /// gates mount read-write. Both kinds of cache file are written atomically and checked before use
    /// (mypy's against the source's hash, bytecode against the source's time and size, as Python always
    /// does), so a shared cache never changes a verdict, only the time to reach it; and the tools are
    /// installed without bytecode, which the first gates to import them write here.
    struct Prepared: Sendable, Equatable {
        var volume: String
        var caches: String
        /// The image's interpreter, which runs the gates (`ImagePython`).
        var python: String = ImagePython.onPath.command
    }

    /// The tools for `image` (an image reference of the run's own): reused when a sealed install has the
    /// key, else installed, from the wheels that `wheels` fetched during the build when it did. Also checks,
    /// in the same short run that reads the key's facts, that the sources the linters read and that do not
    /// travel with the tests are in the image.
    func prepare(image: String, user: String, wheels: ToolWheels.Prefetch?) async throws -> Prepared {
        let (python, facts) = try await imageFacts(image)
        if let reason = python.reason { console.info("The image's Python: \(python.command) (\(reason)).") }
        let key = try cacheKey(imageFacts: "interpreter \(python.command)\n" + facts, user: user)
        let seal = Self.namePrefix + key
        let caches = Self.cachesPrefix + key
        if let volume = try await sealedVolume(seal), try await volumesExist([volume, caches]) {
            console.info("Gate tools: reusing \(volume), installed for these requirements and this image's Python.")
            return Prepared(volume: volume, caches: caches, python: python.command)
        }
        let fetched = await wheels?.fetched()
        if case .failed(let reason) = fetched?.outcome {
            console.info("Gate tools: the wheels could not be fetched during the build (\(reason)).")
        }
        let volume = seal + "-" + resources.runID
        let wheelsVolume = fetched?.outcome.volume
        console.info("Gate tools: installing them once into \(volume)"
            + (wheelsVolume == nil ? "" : ", from the wheels fetched during the build") + "; later runs reuse them.")
        var prefetchKey = fetched?.key
        if prefetchKey == nil { prefetchKey = await ToolWheels.key(project: project, docker: docker) }
        return try await install(
            into: volume, seal: seal, caches: caches, image: image, python: python.command, key: key,
            prefetchKey: prefetchKey, wheels: wheelsVolume)
    }

    /// The volume a seal names, if the seal exists.
    private func sealedVolume(_ seal: String) async throws -> String? {
        let name = try await docker.labels(of: .volume, [seal], keys: [EngineLabels.sealedTools]).first?.values.first ?? ""
        return name.isEmpty ? nil : name
    }

    private func volumesExist(_ names: [String]) async throws -> Bool {
        try await docker.volumesExist(names)
    }

    func install(
        into volume: String, seal: String, caches: String, image: String, python: String, key: String,
        prefetchKey: String?, wheels: String?
    ) async throws -> Prepared {
        let cacheLabels = [EngineLabels.gateTools, EngineLabel(EngineLabels.cacheKey, key)]
        let mine = cacheLabels + [RunResources.owner, EngineLabel(EngineLabels.installer, resources.runID)]
        let sealed = OnceFlag()
        // Named, so that a stopped install (a signal, a failed health check beside it) is removed before its
        // volume: PID 1 of a container ignores the SIGTERM its `docker run` passes on, and a volume in use
        // cannot be removed.
        let installer = "workflows-\(resources.runID)-tools"
        return try await resources.withCleanup({ [docker] runner in
            guard !sealed.isSet else { return }
            let cleanup = docker.cleanup(using: runner)
            cleanup.remove(.container, [installer])
            cleanup.remove(.volume, [volume])
        }) {
            for (name, labels) in [(volume, mine), (caches, cacheLabels)] {
                let created = try await docker.createVolume(name, labels: labels)
                // Podman refuses to create an existing volume, Docker returns it: both are fine for the caches.
                guard created.succeeded || name == caches else {
                    throw WorkflowsError(.failed, "Could not create the volume \(name) for the gates' tools: \(created.errorText)",
                        remedy: "Check the engine's free space; 'workflows clean --caches' removes old tools.")
                }
            }
            let spec = try installSpec(wheels: wheels)
            let mounts = [VolumeMount(volume, at: Self.folder), VolumeMount(caches, at: Self.cachesFolder)]
                + (wheels.map { [VolumeMount($0, at: ToolWheels.folder, readOnly: true)] } ?? [])
            let installed = try await docker.run(
                RunOptions(
                    image: image, arguments: ["-c", Self.installScript], name: installer, remove: true, interactive: true,
                    user: "root", labels: resources.labels, mounts: mounts, entrypoint: python, input: spec, output: .live),
                echo: .now)
            guard installed.succeeded else {
                let requirements = project.testDependencies.entries.isEmpty
                    ? "the gates' tools" : project.testDependencies.entries.joined(separator: ", ")
                throw WorkflowsError(
                    .failed, "Installing the gates' tools into a container of the image failed.",
                    remedy: "pip's output is above: check the pins in \(requirements) (they must agree with the "
                        + "image's own packages).")
            }
            let sealLabels = cacheLabels + [EngineLabel(EngineLabels.sealedTools, volume)]
                + (prefetchKey.map { [EngineLabel(EngineLabels.prefetchKey, $0)] } ?? [])
            _ = try await docker.createVolume(seal, labels: sealLabels)
            guard let winner = try await sealedVolume(seal) else {
                throw WorkflowsError(.failed, "Could not seal the gates' tools in \(volume) with the volume \(seal).",
                    remedy: "Check the engine; 'workflows clean --caches' removes half-made tools.")
            }
            if winner == volume {
                sealed.raise()
            } else {
                // Another run sealed the same tools first: use those; the cleanup removes this run's copy.
                console.info("Gate tools: another run installed them first; using \(winner).")
            }
            return Prepared(volume: winner, caches: caches, python: python)
        }
    }

    /// What the install script reads on its standard input: the requirement files by path, the tools,
    /// where to install, and the wheels' folder when there is one.
    func installSpec(wheels: String?) throws -> Data {
        try ToolInputs.json(InstallSpec(
            files: try ToolInputs.files(of: project), requirements: ToolInputs.requirements(of: project), tools: project.tools,
            pins: project.testDependencies.lockPins, target: Self.folder + "/site-packages",
            caches: [Self.mypyCacheFolder, Self.bytecodeFolder], wheels: wheels == nil ? nil : ToolWheels.folder))
    }

    struct InstallSpec: Codable, Equatable {
        var files: [String: String]
        var requirements: [String]
        var tools: [String]
        /// The lock file's pins: constraints under the image's own versions.
        var pins: [String]
        var target: String
        var caches: [String]
        var wheels: String?
    }

    /// Runs as root in a container of the image with the tools' volume at `folder`: installs the tools
    /// into their own folder (`pip --target`, with the image's pip or a pip wheel of our own: `pip_launcher`),
    /// constrained to the versions the image already has, so that a shared dependency is not a different one
    /// under test; first from the fetched wheels alone, then, if the image's pins want one that is not there,
    /// from the index. No bytecode: compiling it costs more than the gates save. Leaves the caches' folders writable by the image's user.
    static let installScript = ToolInputs.prelude + #"""
        write_constraints(merged_pins({d.metadata["Name"] + "==" + d.version for d in metadata.distributions() if d.metadata["Name"]},
                                      spec["pins"]))
        command = pip_launcher(work) + ["install", "--no-cache-dir", "--disable-pip-version-check",
                   "--no-warn-script-location", "--no-compile", "--target", spec["target"],
                   "--constraint", os.path.join(work, "constraints.txt"), *spec["tools"]]
        for requirement in spec["requirements"]:
            command += ["--requirement", os.path.join(work, requirement)]
        wheels = spec.get("wheels")
        status = 1
        if wheels:
            local = subprocess.run(command + ["--no-index", "--find-links", wheels],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            status = local.returncode
            if status == 0:
                print(local.stdout.strip().splitlines()[-1] if local.stdout.strip() else "installed", flush=True)
            else:
                print("The image's pins want wheels that were not fetched: asking the index.", flush=True)
                shutil.rmtree(spec["target"], ignore_errors=True)
        if status != 0:
            status = subprocess.call(command + (["--find-links", wheels] if wheels else []))
        if status != 0:
            sys.exit(status)
        for folder in spec["caches"]:
            os.makedirs(folder, exist_ok=True)
            os.chmod(folder, 0o1777)
        """#

    /// The engine's network of none (loopback only): the facts need none, and an engine starts a container
    /// without a network endpoint faster (about 0.1 s on Docker's bridge).
    static let offline = "none"

    /// The image's interpreter (`ImagePython`), and Python's version, the platform and the installed
    /// distributions, read from the image in one short run as the image's user that also fails, naming them,
    /// when sources the linters read (and that do not travel with the tests and configs) are not in the
    /// image's working directory. `python3` when the image has no `python`.
    func imageFacts(_ image: String) async throws -> (ImagePython, facts: String) {
        let travelling = Set(project.tests + project.configFiles.map(\.destination))
        let script = ImagePython.factsScript(expecting: project.sources.filter { !travelling.contains($0) })
        var command = ImagePython.onPath.command
        func facts(_ command: String) async throws -> ProcessOutput {
            try await docker.run(
                RunOptions(
                    image: image, arguments: ["-c", script], remove: true, labels: resources.labels,
                    entrypoint: command, network: Self.offline),
                echo: .now)
        }
        var answer = try await facts(command)
        if !answer.succeeded, Self.notFound(answer) {
            command = "python3"
            answer = try await facts(command)
        }
        guard answer.succeeded else {
            let said = answer.errorText.split(separator: "\n").last.map(String.init) ?? ""
            if said.hasPrefix("not in the image") {
                throw WorkflowsError(
                    .input, "Sources the linters read are \(said).",
                    remedy: "The Dockerfile does not copy them into the image's working directory: set 'sources' "
                        + "in the project file to what the image holds ('workflows show_project' shows them).")
            }
            throw WorkflowsError(
                .failed, "Could not run python or python3 in \(image): \(said).",
                remedy: "The gates run as 'python -m TOOL' in the image: it needs python (or python3) on its PATH, "
                    + "or a venv with a pyvenv.cfg at \(ImagePython.venvCandidates.joined(separator: ", ")).")
        }
        return ImagePython.parse(answer.outputText, ranWith: command)
    }

    /// The engine could not start the entrypoint: no such executable on the image's `PATH`.
    static func notFound(_ answer: ProcessOutput) -> Bool {
        if case .exited(127) = answer.termination { return true }
        let text = answer.errorText.lowercased()
        return text.contains("executable file not found") || text.contains("no such file or directory")
    }

    func cacheKey(imageFacts: String, user: String) throws -> String {
        var text = "format \(Self.format)\nuser \(user)\n\(imageFacts)\ntools \(project.tools.joined(separator: " "))\n"
            + ToolInputs.keyMaterial(of: project)
        for file in project.requirementFiles {
            let contents = try Data(contentsOf: project.path(file))
            text += "file \(file) \(SHA256.hex(contents))\n"
        }
        return String(SHA256.hex(Data(text.utf8)).prefix(20))
    }
}
