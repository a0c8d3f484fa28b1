import Foundation

/// `assess_image_code`: every gate inside a container of the image (`GatesContainer`), as the image's own
/// user, several at once. The tools come from a sealed volume of their own (`GateTools`); the tests and
/// configs reach the engine as a build context (a derived image), never as bind mounts, so the step works
/// as well against a remote engine (`DOCKER_HOST=ssh://…`).
struct AssessImageCode: Sendable {
    var image: String
    var project: Project
    var docker: any ContainerEngine
    var console: Console
    var resources: RunResources
    var details: StepDetails
    /// The wheels being fetched beside the build, when the pipeline started that.
    var wheels: ToolWheels.Prefetch? = nil
    /// Waits for the step's services (while the tools install and the tests travel, they start) and
    /// returns their network, which every gate's container joins; nil without services.
    var services: (@Sendable () async throws -> String?)? = nil

    /// Returns the ID of the image it assessed.
    func run() async throws -> String {
        try await docker.requireEngine()
        let config = try await ImageConfig.inspect(image, docker: docker)
        guard !project.gates.isEmpty else {
            console.info(GateVerdicts.nothingToAssess)
            details.record(gates: [])
            return config.id
        }
        if config.runsAsRoot {
            console.warning("\(image) runs as root: the gates run as root too.")
        }
        let contextFolder = resources.temporaryFolder("gates")
        // The ID, under a tag of the run's own: the name may be rebuilt meanwhile, and BuildKit reads a
        // bare `FROM sha256:…` as an image to pull.
        let assessed = "\(EngineLabels.assessedRepository):\(resources.runID)"
        let gatesImage = "\(EngineLabels.gatesRepository):\(resources.runID)"
        let made = RunLeftovers(containers: [GatesContainer.name(resources)], images: [gatesImage])
        try await resources.withRunCleanup(tags: [assessed], folders: [contextFolder], made: made) {
            do {
                try await assess(config, as: assessed, in: gatesImage, staging: contextFolder)
            } catch where Task.isCancelled && !resources.isCancelling && details.gates == nil {
                // Stopped (the health check failed) before any gate ran: each is reported, as interrupted.
                let runs = project.gates.map { GateRun.interrupted($0) }
                record(runs, config)
                try GateVerdicts.report(runs, where: "inside \(image)", console: console)
            }
        }
        return config.id
    }

    /// Tags the image as `assessed`, prepares the tools while the tests travel into `gatesImage`, runs the
    /// gates and records and reports their verdicts.
    private func assess(_ config: ImageConfig, as assessed: String, in gatesImage: String, staging contextFolder: URL) async throws {
        async let cpus = engineCPUs()
        guard try await docker.tag(config.id, as: assessed, output: .captured).succeeded else {
            throw WorkflowsError(.failed, "Could not tag \(config.id) as \(assessed).")
        }
        // The tools (a short facts run, then reuse or install) while the tests travel into the gates' image.
        async let preparing = GateTools(project: project, docker: docker, console: console, resources: resources)
            .prepare(image: assessed, user: config.user, wheels: wheels)
        try stageBuildContext(in: contextFolder, base: assessed, user: config.user)
        // No --label: the Dockerfile's own LABEL marks every layer, without a build step per flag.
        // A signal does not stop this short build (the tests and configs): a CLI stopped at its end leaves
        // the engine to finish and tag it after the cleanup swept. It runs to its end, then the step unwinds
        // and the cleanup finds its image; the unwind limit bounds it. Another step's failure (the health
        // beside it) still stops it, as it stops everything of this step.
        let building = Task.detached { [docker] in
            try await docker.build(BuildOptions(context: contextFolder.path, tags: [gatesImage], output: .captured))
        }
        let build = try await withTaskCancellationHandler {
            try await building.value
        } onCancel: { [resources] in
            if !resources.isCancelling { building.cancel() }
        }
        try Task.checkCancellation()
        guard build.succeeded else {
            console.info(build.outputText)
            console.info(build.errorText)
            throw WorkflowsError(
                .failed, "Copying the tests and the gates' configuration into a copy of \(image) failed.",
                remedy: "The build's output is above.")
        }
        let tools = try await preparing
        let network = try await services?() ?? nil
        let gates = GatesContainer(image: gatesImage, name: GatesContainer.name(resources), tools: tools, network: network)
        if project.gates.contains(where: { !GatesContainer.ownContainer($0) }) {
            try await gates.start(docker: docker, resources: resources)
        }
        let environment = Self.environment(imagePythonPath: config.pythonPath, workingDirectory: config.workingDirectory)
        let runs = try await ParallelGates(
            limit: await cpus, console: console, cancellator: resources.cancellator
        ).run(project.gates) { [docker, resources, project] gate in
            try await Self.runGate(
                gate, in: gates, environment: environment, project: project, docker: docker, resources: resources,
                imageWorkingDirectory: config.workingDirectory)
        }
        let reports = record(runs, config)
        if let coverage = reports.lazy.compactMap(\.coverage).first {
            console.info(coverage.sentence)
        } else if let missing = Self.missingCoverage(reports, expected: project.coverage) {
            console.warning(missing)
        }
        try GateVerdicts.report(runs, where: "inside \(image)", console: console)
    }

    /// What to say when the project uses pytest-cov and pytest ran to its end, yet no Cobertura XML came out
    /// that workflows could read (`--no-cov`, a plugin that stops it): the CI's coverage upload will find
    /// nothing, and the run says why before it does.
    static func missingCoverage(_ reports: [GateReport], expected: PytestCoverage?) -> String? {
        guard let expected, let pytest = reports.first(where: { $0.name == Gate.pytest.name }),
            pytest.verdict != .interrupted, pytest.coverage == nil
        else { return nil }
        return "No coverage: the project uses pytest-cov (\(expected.origin)), but pytest wrote no coverage XML that "
            + "workflows could read, so the reports have no coverage.xml; pytest's output above says why (--no-cov?)."
    }

    /// The gates' reports, with paths read from each gate's own folder.
    @discardableResult
    private func record(_ runs: [GateRun], _ config: ImageConfig) -> [GateReport] {
        let reports = runs.map { run in
            // hadolint ran where its inputs travelled, laid out as in the checkout.
            run.report(
                for: project,
                workingDirectory: run.gate == .hadolint
                    ? Hadolint.imageFolder : Self.folder(project.workingDirectory(of: run.gate), in: config.workingDirectory),
                repositoryRoot: project.root)
        }
        details.record(gates: reports)
        return reports
    }

    /// Where pytest writes its JUnit XML inside the gate's container.
    static let junitPath = "/tmp/workflows-caches/pytest-junit.xml"
    /// Where pytest-cov writes its Cobertura XML there, when the project uses it.
    static let coveragePath = "/tmp/workflows-caches/coverage.xml"
    /// coverage.py's data file: the image's working directory may not be writable by its user.
    static let coverageDataPath = "/tmp/workflows-coverage"

    /// One gate where `GatesContainer` puts it: a `docker exec` in the shared container, or a container of
    /// its own. In the image's working directory (or the gate's own folder under it,
    /// `gate.NAME.working-directory`), with the project's environment over the image's (`gateEnvironment`)
    /// and caches of its own. pytest's JUnit XML (and coverage) is copied out after it (`docker cp`, which
    /// works against a remote engine too), then its container goes.
    static func runGate(
        _ gate: Gate, in gates: GatesContainer, environment: [ContainerVariable], project: Project,
        docker: any ContainerEngine, resources: RunResources, imageWorkingDirectory: String = ""
    ) async throws -> GateRun {
        let collects = gate == .pytest
        var arguments = project.arguments(for: gate)
        if collects { arguments += PytestJUnit.arguments(writingTo: junitPath) + (project.coverage?.arguments(writingTo: coveragePath) ?? []) }
        let folder = project.workingDirectory(of: gate)
        let (variables, byName) = gateEnvironment(
            tools: environment + cacheEnvironment(of: gate), project: project.environment(of: gate), isSecret: project.isSecret)
        let workingDirectory = gate == .hadolint ? Hadolint.imageFolder
            : folder == "." ? nil : Self.folder(folder, in: imageWorkingDirectory)
        let variablesHere = variables + (collects && project.coverage != nil ? [ContainerVariable("COVERAGE_FILE", coverageDataPath)] : [])
        let own = GatesContainer.ownContainer(gate)
        let container = own ? resources.containerName(gate.name) : gates.name
        let command: [String]
        let result: ProcessOutput
        let start = Date()
        // Echoed by `ParallelGates`, with the gate's output.
        if own {
            let options = RunOptions(
                image: gates.image, arguments: arguments, name: container, remove: !collects, labels: resources.labels,
                mounts: gates.mounts, environment: variablesHere, workingDirectory: workingDirectory,
                entrypoint: gates.tools.entrypoint(for: gate), noHealthcheck: true, network: gates.network, namedValues: byName)
            command = [docker.executable] + DockerArguments.run(options)
            result = try await docker.run(options, echo: .byCaller)
        } else {
            let options = ExecOptions(
                container: container, command: [gates.tools.entrypoint(for: gate)] + arguments, environment: variablesHere,
                workingDirectory: workingDirectory, namedValues: byName)
            command = [docker.executable] + DockerArguments.exec(options)
            result = try await docker.exec(options)
            if !result.succeeded { try await requireRunning(gates, while: gate, docker: docker) }
        }
        let seconds = Date().timeIntervalSince(start)
        var junit: Data?
        var coverage: Data?
        if collects {
            /// Copies a file out of the container (`docker cp`, which works against a remote engine too).
            func take(_ path: String, _ label: String) async -> Data? {
                let local = resources.temporaryFolder(label)
                defer { try? FileManager.default.removeItem(at: local) }
                guard (try? await docker.copy(from: container, path: path, to: local.path)) == true else { return nil }
                return try? Data(contentsOf: local)
            }
            junit = await take(junitPath, "junit")
            if project.coverage != nil { coverage = await take(coveragePath, "coverage") }
            if own { _ = try? await docker.remove(.container, [container], force: true) }
        }
        return GateRun(
            gate: gate, passed: result.succeeded, seconds: seconds, command: command,
            standardOutput: String(decoding: result.standardOutput, as: UTF8.self),
            standardError: String(decoding: result.standardError, as: UTF8.self), junit: junit, coverage: coverage)
    }

    /// After a failed exec: a shared container that is gone (or stopped) failed the gate, not its tool. That
    /// is said as such, instead of as the gate's finding.
    private static func requireRunning(_ gates: GatesContainer, while gate: Gate, docker: any ContainerEngine) async throws {
        let state = try await docker.containerState(gates.name)
        if case .state(let found) = state, found.status == "running" { return }
        let why: String
        switch state {
        case .missing(let reason): why = reason.isEmpty ? "it is gone" : reason
        case .state(let found): why = "it is \(found.status)" + (found.oomKilled == true ? ", killed for lack of memory" : "")
        }
        throw WorkflowsError(
            .failed, "The container the gates run in, \(gates.name), stopped while \(gate.name) ran (\(why)): the gates' verdicts are unknown.",
            remedy: "Run the step again; if it recurs, check the engine (`\(docker.name) info`, its free memory and its log).")
    }

    /// The gate's own folder for the caches that are not shared (`XDG_CACHE_HOME`: black's; ruff's): the
    /// gates run side by side in one container.
    static func cacheEnvironment(of gate: Gate) -> [ContainerVariable] {
        let folder = "/tmp/workflows-caches/" + gate.name
        return [ContainerVariable("XDG_CACHE_HOME", folder), ContainerVariable("RUFF_CACHE_DIR", folder + "/ruff")]
    }

    /// The gate's `--env` arguments: the tools' (`environment`), with the project's (`Project.environment(of:)`)
    /// beside them. A project's `PYTHONPATH` comes after the tools' folder (instead of the image's own), its
    /// `PYTEST_ADDOPTS` after ours; the tools' other variables stay ours. A value from `${VAR}` is passed as
    /// `--env NAME`, its value in the CLI's own environment (returned), so that no argument vector holds it.
    static func gateEnvironment(
        tools: [ContainerVariable], project: [String: String], isSecret: (String) -> Bool
    ) -> (variables: [ContainerVariable], byName: [String: String]) {
        var variables: [ContainerVariable] = []
        var ours: Set<String> = []
        for tool in tools {
            let name = tool.name
            ours.insert(name)
            var value = tool.value ?? ""
            if let extra = project[name] {
                if name == "PYTHONPATH" {
                    value = [String(value.prefix { $0 != ":" }), extra].filter { !$0.isEmpty }.joined(separator: ":")
                } else if name == "PYTEST_ADDOPTS" {
                    value += " " + extra
                }
            }
            variables.append(ContainerVariable(name, value))
        }
        var byName: [String: String] = [:]
        for name in project.keys.sorted() where !ours.contains(name) {
            guard let value = project[name] else { continue }
            if isSecret(value) {
                byName[name] = value
                variables.append(ContainerVariable(name, nil))
            } else {
                variables.append(ContainerVariable(name, value))
            }
        }
        return (variables, byName)
    }

    /// `folder` (relative to the source root) inside the image, whose working directory holds the source root.
    static func folder(_ folder: String, in imageWorkingDirectory: String) -> String {
        let base = imageWorkingDirectory.isEmpty ? "/" : imageWorkingDirectory
        guard folder != "." else { return base }
        return base.hasSuffix("/") ? base + folder : base + "/" + folder
    }

    /// As many gates at once as the engine has CPUs (at least one).
    private func engineCPUs() async -> Int {
        max(1, await docker.cpuCount() ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The derived image's build context: the tests, the gates' configs and a Dockerfile.
    func stageBuildContext(in folder: URL, base: String, user: String) throws {
        do {
            try stage(in: folder, base: base, user: user)
        } catch let error as WorkflowsError {
            throw error
        } catch {
            throw WorkflowsError(
                .input, "Could not copy the gates' files to \(folder.path): \(error.localizedDescription)",
                remedy: "Check the free space and permissions of \(FileManager.default.temporaryDirectory.path).")
        }
    }

    private func stage(in folder: URL, base: String, user: String) throws {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: folder)
        let inputs = folder.appendingPathComponent("inputs")
        try fileManager.createDirectory(at: inputs, withIntermediateDirectories: true)
        for test in project.tests {
            try copy(project.path(project.repositoryPath(ofSource: test)), to: inputs.appendingPathComponent(test))
        }
        // A configuration file that is also a test, or inside one (a root `conftest.py`), travelled already.
        for config in project.configFiles
        where !project.tests.contains(where: { config.destination == $0 || config.destination.hasPrefix($0 + "/") }) {
            try copy(project.path(config.source), to: inputs.appendingPathComponent(config.destination))
        }
        let hadolint = project.gates.contains(.hadolint)
        if hadolint {
            // The Dockerfile gate's inputs, at their repository paths (`Hadolint.imageFolder` in the image).
            for file in [project.dockerfile] + [project.hadolintConfig].compactMap({ $0 }) {
                try copy(project.path(file), to: folder.appendingPathComponent("hadolint").appendingPathComponent(file))
            }
        }
        let dockerfile = Self.dockerfile(
            image: base, user: user, labels: resources.labels.map(\.description), hadolint: hadolint)
        try Data(dockerfile.utf8).write(to: folder.appendingPathComponent("Dockerfile"))
    }

    /// Every layer carries the run's label (so an interrupted build's intermediate images are found too).
    /// Nothing else: each instruction is a build step (a container, with the legacy builder), so the
    /// gates' environment goes on `docker run` instead (`environment`).
    static func dockerfile(image: String, user: String, labels: [String], hadolint: Bool = false) -> String {
        let chown = user.isEmpty ? "" : "--chown=\(user) "
        return """
            FROM \(image)
            LABEL \(labels.joined(separator: " "))
            COPY \(chown)inputs/ ./

            """ + (hadolint ? "COPY hadolint/ \(Hadolint.imageFolder)/\n" : "")
    }

    /// The gates' environment: the tools from their volume first on the path (the image's own
    /// `PYTHONPATH` after them); bytecode and mypy's cache in the caches the runs share (`GateTools`), never
    /// beside the sources (an empty `PYTHONDONTWRITEBYTECODE` overrides the image's own); the other tools'
    /// caches in a folder of each gate's own (`cacheEnvironment`). In an image whose working directory is
    /// `/` (no `WORKDIR`) no bytecode at all: CPython cannot name a `PYTHONPYCACHEPREFIX` file for a module
    /// at the root (an `IndexError` on import), and the bytecode cache must never change a verdict.
    static func environment(imagePythonPath: String?, workingDirectory: String = "") -> [ContainerVariable] {
        let tools = GateTools.folder + "/site-packages"
        let path = [tools, imagePythonPath].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        let atRoot = workingDirectory.isEmpty || workingDirectory == "/"
        let bytecode = atRoot
            ? ["PYTHONDONTWRITEBYTECODE=1", "PYTHONPYCACHEPREFIX="]
            : ["PYTHONDONTWRITEBYTECODE=", "PYTHONPYCACHEPREFIX=\(GateTools.bytecodeFolder)"]
        let variables = ["PYTHONPATH=\(path)"] + bytecode + [
            "MYPY_CACHE_DIR=\(GateTools.mypyCacheFolder)", "PYTEST_ADDOPTS=-p no:cacheprovider",
        ]
        return variables.map(ContainerVariable.init(assignment:))
    }

    private func copy(_ source: URL, to destination: URL) throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: source.path) else {
            throw WorkflowsError(
                .input, "The gates need \(source.path), which does not exist.",
                remedy: "Restore the file, or correct the project file ('workflows show_project' shows what it says).")
        }
        try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fileManager.copyItem(at: source, to: destination)
        let litter = ["__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"]
        if let walker = fileManager.enumerator(at: destination, includingPropertiesForKeys: nil) {
            let doomed = walker.compactMap { $0 as? URL }.filter { litter.contains($0.lastPathComponent) }
            for url in doomed { try? fileManager.removeItem(at: url) }
        }
    }
}
